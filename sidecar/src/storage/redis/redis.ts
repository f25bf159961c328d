/**
 * Scale-out storage: deliveries, jobs, dedupe state, stores and the sync log in Redis, shared by several sidecar
 * replicas. It holds no sync rule: every write reads what the sync core needs (one pipeline), lets the core compute
 * the change in TypeScript, and applies it with a Lua script (./scripts.ts) that only compares what was read and
 * sets what was computed, atomically across replicas; on a conflict it reads again. A delivery is acknowledged
 * once Redis replied to the one append that stored it.
 *
 * The parts, along the seams of the storage contract: the connection and record decoding (connection.ts), stores
 * and pausing (stores.ts), ingress (intake.ts), planning (planning.ts), the job queue on BullMQ (jobs.ts,
 * bullmq.ts, the outbox in outbox.ts), the sync log, replay and stats (sync-log.ts), and the compare-and-set of
 * whole deliveries several of them share (deliveries.ts).
 */
import type { FlowSettings } from '../../flows/actions.js';
import type { HeldSource } from '../../sync/sources.js';
import type { HistoryRun } from '../../sync/history.js';
import { RedisHistory } from './history.js';
import { RedisProducts } from './products.js';
import { RedisGaps } from './gaps.js';
import type { GapCheck } from '../../sync/gaps.js';
import { StorageError } from '../../errors.js';
import type { KlaviyoRequest } from '../../klaviyo/types.js';
import type { SecretBox } from '../secrets.js';
import type {
  ConnectCodeRecord, ConsentRecordView, ProductIndexEntry, ErasureCounts, DeliveryFilter, DeliveryPlan, DeliveryView, KlaviyoUnsubscribe, Job, KeyStatus, NewDelivery, PlanningState, ReceivedDelivery, Rejection, SendOutcome, Storage,
  StoreRecord, StoreStats,
} from '../types.js';
import { BullTransport } from './bullmq.js';
import { redactUrl, RedisConnection } from './connection.js';
import { RedisConsent } from './consent.js';
import { DeliveryPatcher } from './deliveries.js';
import { RedisIntake } from './intake.js';
import { RedisJobs } from './jobs.js';
import { Outbox } from './outbox.js';
import { RedisPlanning } from './planning.js';
import { RedisStores } from './stores.js';
import { RedisSyncLog } from './sync-log.js';
import { RedisPrivacy } from './privacy.js';

export interface RedisStorageOptions {
  url: string;
  prefix: string;
  /** How long a replica's claim on an in-flight job outlives the replica (ms): BullMQ's lock duration. */
  leaseMs: number;
}

export class RedisStorage implements Storage {
  readonly backend = 'redis' as const;
  readonly bull: BullTransport;
  readonly outbox: Outbox;
  private readonly stores: RedisStores;
  private readonly intake: RedisIntake;
  private readonly planning: RedisPlanning;
  private readonly jobs: RedisJobs;
  private readonly log: RedisSyncLog;
  private readonly consent: RedisConsent;
  private readonly privacy: RedisPrivacy;
  private readonly history: RedisHistory;
  private readonly productIndex: RedisProducts;
  private readonly gaps: RedisGaps;
  private closed = false;

  private constructor(private readonly c: RedisConnection, box: SecretBox, opts: RedisStorageOptions) {
    this.bull = new BullTransport(c.redis, opts);
    this.outbox = new Outbox(c, this.bull);
    const deliveries = new DeliveryPatcher(c, this.outbox);
    this.stores = new RedisStores(c, box, this.outbox, deliveries);
    this.intake = new RedisIntake(c);
    this.planning = new RedisPlanning(c, this.outbox);
    this.jobs = new RedisJobs(c, this.bull, this.outbox, deliveries, opts.leaseMs, () => this.closed);
    this.log = new RedisSyncLog(c, deliveries);
    this.consent = new RedisConsent(c);
    this.privacy = new RedisPrivacy(c, this.log, deliveries);
    this.history = new RedisHistory(c);
    this.productIndex = new RedisProducts(c);
    this.gaps = new RedisGaps(c);
  }

  /** Connects, checks Redis answers, and starts BullMQ's worker (claims, lock renewal, stalled-job check). */
  static async connect(box: SecretBox, opts: RedisStorageOptions): Promise<RedisStorage> {
    const c = await RedisConnection.open(opts.url, opts.prefix);
    const s = new RedisStorage(c, box, opts);
    try {
      await s.bull.start();
    } catch (err) {
      await s.bull.close();
      c.redis.disconnect();
      throw new StorageError(`BullMQ could not start on Redis at ${redactUrl(opts.url)}.`, err);
    }
    return s;
  }

  /** The connection, for the shared rate limiter. */
  get redis(): RedisConnection['redis'] {
    return this.c.redis;
  }

  /** The key prefix, for the shared rate limiter. */
  get prefix(): string {
    return this.c.prefix;
  }

  getStore(id: string): Promise<StoreRecord | null> { return this.stores.getStore(id); }
  credentialHash(storeId: string): Promise<string | null> { return this.stores.credentialHash(storeId); }
  setCredential(storeId: string, hash: string): Promise<void> { return this.stores.setCredential(storeId, hash); }
  saveConnectCode(hash: string, storeId: string, expiresAt: number): Promise<void> { return this.stores.saveConnectCode(hash, storeId, expiresAt); }
  takeConnectCode(hash: string, now: number): Promise<ConnectCodeRecord | null> { return this.stores.takeConnectCode(hash, now); }
  removeStore(storeId: string, now: number): Promise<boolean> { return this.stores.removeStore(storeId, now); }
  listStoreIds(): Promise<string[]> { return this.stores.listStoreIds(); }
  flowSettings(storeId: string): Promise<FlowSettings | null> { return this.stores.flowSettings(storeId); }
  products(storeId: string, ids: readonly number[]): Promise<ProductIndexEntry[]> { return this.productIndex.products(storeId, ids); }
  saveProducts(storeId: string, entries: readonly ProductIndexEntry[], removed: readonly number[]): Promise<void> { return this.productIndex.saveProducts(storeId, entries, removed); }
  historyRun(storeId: string): Promise<HistoryRun | null> { return this.history.historyRun(storeId); }
  saveHistoryRun(run: HistoryRun, expectedVersion: number): Promise<boolean> { return this.history.saveHistoryRun(run, expectedVersion); }
  runningHistory(): Promise<string[]> { return this.history.runningHistory(); }
  gapCheck(storeId: string): Promise<GapCheck | null> { return this.gaps.gapCheck(storeId); }
  saveGapCheck(check: GapCheck, expectedVersion: number): Promise<boolean> { return this.gaps.saveGapCheck(check, expectedVersion); }
  heldRecordVersions(storeId: string, versions: readonly string[]): Promise<Set<string>> { return this.gaps.heldRecordVersions(storeId, versions); }
  saveFlowSettings(storeId: string, s: FlowSettings): Promise<void> { return this.stores.saveFlowSettings(storeId, s); }
  saveStore(store: StoreRecord): Promise<void> { return this.stores.saveStore(store); }
  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> { return this.stores.setKeyStatus(id, status, detail); }
  setPaused(id: string, paused: boolean, reason: string | null): Promise<void> { return this.stores.setPaused(id, paused, reason); }
  sealedSamples(candidate: string): Promise<string[]> { return this.stores.sealedSamples(candidate); }

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

  listDeliveries(storeId: string, filter: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    return this.log.listDeliveries(storeId, filter);
  }
  getDelivery(storeId: string, id: string): Promise<DeliveryView | null> { return this.log.getDelivery(storeId, id); }
  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> { return this.log.replayDelivery(storeId, id, all); }
  replayByStatus(storeId: string, status: 'dead'): Promise<number> { return this.log.replayByStatus(storeId, status); }
  stats(storeId: string, now: number): Promise<StoreStats> { return this.log.stats(storeId, now); }
  pruneBodies(cutoff: number, limit: number): Promise<number> { return this.log.pruneBodies(cutoff, limit); }

  subjectDeliveries(storeId: string, email: string, limit: number): Promise<DeliveryView[]> { return this.privacy.subjectDeliveries(storeId, email, limit); }
  eraseSubject(storeId: string, email: string, requestId: string): Promise<ErasureCounts> { return this.privacy.eraseSubject(storeId, email, requestId); }

  consentRecords(storeId: string, email: string): Promise<ConsentRecordView[]> { return this.consent.consentRecords(storeId, email); }
  klaviyoUnsubscribes(storeId: string, email: string): Promise<Partial<Record<'email' | 'sms', string>>> { return this.consent.klaviyoUnsubscribes(storeId, email); }
  recordKlaviyoUnsubscribes(storeId: string, found: KlaviyoUnsubscribe[], cursor: string): Promise<void> { return this.consent.recordKlaviyoUnsubscribes(storeId, found, cursor); }
  consentSyncCursor(storeId: string): Promise<string | null> { return this.consent.consentSyncCursor(storeId); }

  async ping(): Promise<void> {
    await this.c.redis.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // After a drained shutdown nothing is claimed; a job whose outcome could not be recorded comes back through
    // the stalled check once its lock lapses.
    this.jobs.forgetClaims();
    try {
      await this.bull.close();
    } finally {
      await this.c.redis.quit().catch(() => this.c.redis.disconnect());
    }
  }
}
