/**
 * Embedded storage: one SQLite database under DATA_DIR, composed from its concerns. Each reads, calls the sync
 * core's pure functions, and writes the result in one transaction (db.ts: group commit, WAL fsync off the event
 * loop, lock retry; checkpointer.ts: checkpoints in a worker thread). No sync rule lives here.
 */
import type { FlowSettings } from '../../flows/actions.js';
import type { HistoryRun } from '../../sync/history.js';
import type { HeldSource } from '../../sync/sources.js';
import { SqliteHistory } from './history.js';
import { SqliteProducts } from './products.js';
import { SqliteGaps } from './gaps.js';
import type { GapCheck } from '../../sync/gaps.js';
import type { KlaviyoRequest } from '../../klaviyo/types.js';
import type { SecretBox } from '../secrets.js';
import type {
  ConnectCodeRecord, ConsentRecordView, ProductIndexEntry, ErasureCounts, DeliveryFilter, DeliveryPlan, DeliveryView, KlaviyoUnsubscribe, Job, KeyStatus, NewDelivery, PlanningState, ReceivedDelivery, Rejection, SendOutcome,
  Storage, StoreRecord, StoreStats,
} from '../types.js';
import type { WalCheckpointer } from './checkpointer.js';
import { SqliteDb, type SqliteOptions } from './db.js';
import { SqliteConsent } from './consent.js';
import { SqliteIntake } from './intake.js';
import { SqliteJobs } from './jobs.js';
import { SqlitePlanning } from './planning.js';
import { SqlitePrivacy } from './privacy.js';
import { SqliteStores } from './stores.js';
import { SqliteSyncLog } from './sync-log.js';

export { WalSync, type SqliteOptions } from './db.js';

export class SqliteStorage implements Storage {
  readonly backend = 'sqlite' as const;
  private readonly db: SqliteDb;
  private readonly stores: SqliteStores;
  private readonly intake: SqliteIntake;
  private readonly planning: SqlitePlanning;
  private readonly jobs: SqliteJobs;
  private readonly log: SqliteSyncLog;
  private readonly consent: SqliteConsent;
  private readonly privacy: SqlitePrivacy;
  private readonly history: SqliteHistory;
  private readonly productIndex: SqliteProducts;
  private readonly gaps: SqliteGaps;

  constructor(dataDir: string, box: SecretBox, opts: SqliteOptions = {}) {
    this.db = new SqliteDb(dataDir, opts);
    this.stores = new SqliteStores(this.db, box);
    this.intake = new SqliteIntake(this.db);
    this.planning = new SqlitePlanning(this.db);
    this.jobs = new SqliteJobs(this.db);
    this.log = new SqliteSyncLog(this.db, opts.search);
    this.consent = new SqliteConsent(this.db);
    this.privacy = new SqlitePrivacy(this.db);
    this.history = new SqliteHistory(this.db);
    this.productIndex = new SqliteProducts(this.db);
    this.gaps = new SqliteGaps(this.db);
  }

  /** Exposed for tests. */
  get checkpointer(): WalCheckpointer {
    return this.db.checkpointer;
  }

  getStore(id: string): Promise<StoreRecord | null> { return this.stores.getStore(id); }
  saveStore(store: StoreRecord): Promise<void> { return this.stores.saveStore(store); }
  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> { return this.stores.setKeyStatus(id, status, detail); }
  setPaused(id: string, paused: boolean, reason: string | null): Promise<void> { return this.stores.setPaused(id, paused, reason); }
  sealedSamples(candidate: string): Promise<string[]> { return this.stores.sealedSamples(candidate); }

  credentialHash(storeId: string): Promise<string | null> { return this.stores.credentialHash(storeId); }
  setCredential(storeId: string, hash: string): Promise<void> { return this.stores.setCredential(storeId, hash); }
  saveConnectCode(hash: string, storeId: string, expiresAt: number): Promise<void> { return this.stores.saveConnectCode(hash, storeId, expiresAt); }
  takeConnectCode(hash: string, now: number): Promise<ConnectCodeRecord | null> { return this.stores.takeConnectCode(hash, now); }
  removeStore(storeId: string, now: number): Promise<boolean> { return this.stores.removeStore(storeId, now); }
  listStoreIds(): Promise<string[]> { return this.stores.listStoreIds(); }
  flowSettings(storeId: string): Promise<FlowSettings | null> { return this.stores.flowSettings(storeId); }
  historyRun(storeId: string): Promise<HistoryRun | null> { return this.history.historyRun(storeId); }
  saveHistoryRun(run: HistoryRun, expectedVersion: number): Promise<boolean> { return this.history.saveHistoryRun(run, expectedVersion); }
  runningHistory(): Promise<string[]> { return this.history.runningHistory(); }
  gapCheck(storeId: string): Promise<GapCheck | null> { return this.gaps.gapCheck(storeId); }
  saveGapCheck(check: GapCheck, expectedVersion: number): Promise<boolean> { return this.gaps.saveGapCheck(check, expectedVersion); }
  heldRecordVersions(storeId: string, versions: readonly string[]): Promise<Set<string>> { return this.gaps.heldRecordVersions(storeId, versions); }
  saveFlowSettings(storeId: string, s: FlowSettings): Promise<void> { return this.stores.saveFlowSettings(storeId, s); }
  products(storeId: string, ids: readonly number[]): Promise<ProductIndexEntry[]> { return this.productIndex.products(storeId, ids); }
  saveProducts(storeId: string, entries: readonly ProductIndexEntry[], removed: readonly number[]): Promise<void> { return this.productIndex.saveProducts(storeId, entries, removed); }

  recordDelivery(d: NewDelivery): Promise<{ id: string }> { return this.intake.recordDelivery(d); }
  recordRejection(r: Rejection): Promise<string> { return this.intake.recordRejection(r); }
  heldSources(storeId: string): Promise<HeldSource[]> { return this.intake.heldSources(storeId); }
  releaseHeld(storeId: string, source: string): Promise<number> { return this.intake.releaseHeld(storeId, source); }
  discardHeld(storeId: string, source: string, note: string): Promise<number> { return this.intake.discardHeld(storeId, source, note); }

  takeReceived(limit: number): Promise<ReceivedDelivery[]> { return this.planning.takeReceived(limit); }
  planningState(deliveryId: string, keys: readonly string[], consentEmail?: string | null, totalsEmail?: string | null): Promise<PlanningState> {
    return this.planning.planningState(deliveryId, keys, consentEmail, totalsEmail);
  }
  applyPlan(plan: DeliveryPlan): Promise<'applied' | 'conflict' | 'gone'> { return this.planning.applyPlan(plan); }

  claimJobs(limit: number, now: number): Promise<Job[]> { return this.jobs.claimJobs(limit, now); }
  settleJob(job: Job, outcome: SendOutcome, now: number): Promise<void> { return this.jobs.settleJob(job, outcome, now); }
  replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void> { return this.jobs.replaceJobRequest(job, request); }
  readyJobs(): Promise<number> { return this.jobs.readyJobs(); }
  nextDueAt(): Promise<number | null> { return this.jobs.nextDueAt(); }
  recover(): Promise<void> { return this.jobs.recover(); }

  subjectDeliveries(storeId: string, email: string, limit: number): Promise<DeliveryView[]> { return this.privacy.subjectDeliveries(storeId, email, limit); }
  eraseSubject(storeId: string, email: string, requestId: string): Promise<ErasureCounts> { return this.privacy.eraseSubject(storeId, email, requestId); }

  listDeliveries(storeId: string, f: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }> { return this.log.listDeliveries(storeId, f); }
  getDelivery(storeId: string, id: string): Promise<DeliveryView | null> { return this.log.getDelivery(storeId, id); }
  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> { return this.log.replayDelivery(storeId, id, all); }
  replayByStatus(storeId: string, status: 'dead'): Promise<number> { return this.log.replayByStatus(storeId, status); }
  stats(storeId: string, now: number): Promise<StoreStats> { return this.log.stats(storeId, now); }
  pruneBodies(cutoff: number, limit: number): Promise<number> { return this.log.pruneBodies(cutoff, limit); }

  consentRecords(storeId: string, email: string): Promise<ConsentRecordView[]> { return this.consent.consentRecords(storeId, email); }
  klaviyoUnsubscribes(storeId: string, email: string): Promise<Partial<Record<'email' | 'sms', string>>> { return this.consent.klaviyoUnsubscribes(storeId, email); }
  recordKlaviyoUnsubscribes(storeId: string, found: KlaviyoUnsubscribe[], cursor: string): Promise<void> { return this.consent.recordKlaviyoUnsubscribes(storeId, found, cursor); }
  consentSyncCursor(storeId: string): Promise<string | null> { return this.consent.consentSyncCursor(storeId); }

  async ping(): Promise<void> {
    this.db.sql('SELECT 1').get();
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
