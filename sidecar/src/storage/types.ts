/**
 * The storage contract, split by concern. Storage persists and claims atomically; it decides nothing: every rule
 * (what is new and must be sent, a delivery's status, what a replay resets, how the sync log shows a delivery) is
 * in the sync core (../sync), which a backend calls with what it read and whose answer it writes in one atomic
 * step (a SQLite transaction; on Redis a script that compares and sets the values the core computed).
 *
 * Two backends implement it: SQLite (./sqlite, the embedded default) and Redis (./redis, for several replicas).
 * Both pass the same conformance suite (test/conformance). Every method is async so either fits.
 */
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { ConsentRecordView, DeliveryPlan, DeliveryStatus, DeliveryView, Job, PlanningState, ProductIndexEntry, SendOutcome, StoreStats } from '../sync/index.js';
import type { FlowSettings } from '../flows/actions.js';
import type { HistoryRun } from '../sync/history.js';
import type { HeldSource } from '../sync/sources.js';
import type { GapCheck } from '../sync/gaps.js';
import type { DeliveryTopic } from '../woo/topics.js';

export {
  DELIVERY_STATUSES, JOB_STATUSES, type DeliveryStatus, type DeliveryView, type Job, type JobFailure, type JobStatus, type JobView,
  type DeliveryPlan, type MappingOutcome, type PlanningState, type SendOutcome, type StoreStats, type ConsentRecordView, type ProductIndexEntry,
} from '../sync/index.js';

export type KeyStatus = 'valid' | 'invalid' | 'unverified';

export interface StoreRecord {
  id: string;
  siteUrl: string;
  webhookSecret: string;
  privateKey: string;
  keyLast4: string;
  listId: string | null;
  keyStatus: KeyStatus;
  keyDetail: string | null;
  keyCheckedAt: string | null;
  paused: boolean;
  pauseReason: string | null;
}

export interface NewDelivery {
  storeId: string;
  topic: string;
  contentHash: string;
  headers: Record<string, string>;
  body: string;
  /** Sent by another site than the store's (sync core `deliverySource`): stored held, with its source and note. */
  held?: { source: string; note: string };
}

export interface Rejection {
  storeId: string;
  topic: string | null;
  code: string;
  message: string;
  headers: Record<string, string>;
  body: string;
}

export interface ReceivedDelivery {
  id: string;
  storeId: string;
  topic: DeliveryTopic;
  body: string;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  q?: string;
  cursor?: string;
  limit: number;
}

/** Stores: configuration with its secrets sealed at rest, and whether the store is paused. */
export interface StoreRepository {
  getStore(id: string): Promise<StoreRecord | null>;
  saveStore(store: StoreRecord): Promise<void>;
  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void>;
  /** Pausing holds the store's jobs; resuming releases them. The deliveries waiting on them change status. */
  setPaused(id: string, paused: boolean, reason: string | null): Promise<void>;
  /**
   * Sealed values to try the secret key on at start: the key check (kept as `candidate` when none is stored yet) and,
   * when the key check was only now stored, one store's sealed webhook secret if any store exists.
   */
  sealedSamples(candidate: string): Promise<string[]>;
}

/** Ingress: a delivery is durable when the promise resolves. Repeats are recognised when they are planned. */
export interface DeliveryIntake {
  recordDelivery(d: NewDelivery): Promise<{ id: string }>;
  recordRejection(r: Rejection): Promise<string>;
}

/**
 * Deliveries held because another site sent them (a staging copy): grouped by their source, released (each becomes
 * waiting to be mapped, once: only deliveries still held change) or discarded (kept in the sync log, marked so),
 * each in one atomic step.
 */
export interface HeldDeliveries {
  /** Every source with held deliveries, with how many and when the first and the last arrived, by source. */
  heldSources(storeId: string): Promise<HeldSource[]>;
  /** The source's held deliveries become RELEASED (sync core). Returns how many. */
  releaseHeld(storeId: string, source: string): Promise<number>;
  /** The source's held deliveries become DISCARDED with `note`. Returns how many. */
  discardHeld(storeId: string, source: string, note: string): Promise<number>;
}

/** Planning: the worker reads the state, the sync core plans, storage applies the plan if the state still holds. */
export interface PlanningStore {
  /** Deliveries stored but not yet mapped (also after a crash), oldest first. */
  takeReceived(limit: number): Promise<ReceivedDelivery[]>;
  /**
   * What planning `deliveryId` depends on; `keys`: the request keys the mapping produced; `consentEmail`: the profile
   * whose newest consent record per channel the plan compares with (`state.consent`); `totalsEmail`: the profile
   * whose totals state the plan folds the order into (`state.totals`).
   */
  planningState(deliveryId: string, keys: readonly string[], consentEmail?: string | null, totalsEmail?: string | null): Promise<PlanningState>;
  /**
   * Applies a plan in one atomic step if what it was computed from still holds: the delivery still waits to be
   * mapped, none of the plan's request keys was planned meanwhile, the store is still paused or not as the plan
   * assumed, (unless the plan is a duplicate) no earlier delivery with the same content was mapped meanwhile, and the
   * newest consent record per channel is still the one the plan's consent part assumed (its records are kept, the
   * first kept of the same record wins, and the newest set as computed), and the profile's totals state still has the
   * version the plan's totals part assumed (the next state is written). 'conflict': nothing changed, plan again; 'gone': the
   * delivery is no longer waiting (mapped elsewhere), nothing to do.
   */
  applyPlan(plan: DeliveryPlan): Promise<'applied' | 'conflict' | 'gone'>;
}

/** The job queue: claims and send outcomes. */
export interface JobQueue {
  /** Due jobs of stores that are not paused, marked in_flight, live before backlog. */
  claimJobs(limit: number, now: number): Promise<Job[]>;
  /** Records a send's outcome (sync core `settle`), with the store's counters and the delivery's status. */
  settleJob(job: Job, outcome: SendOutcome, now: number): Promise<void>;
  /** The job is sent again without the profile's phone (Klaviyo refused it as another profile's). */
  replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void>;
  /** Jobs waiting to be sent (pending or retrying), for backpressure on mapping. */
  readyJobs(): Promise<number>;
  /** When the next job becomes due (ms epoch), or null when nothing is waiting. */
  nextDueAt(): Promise<number | null>;
  /** After a crash: jobs left in flight go back to the queue. */
  recover(): Promise<void>;
}

/** The sync log, replay and the store's stats. */
export interface SyncLogStore {
  listDeliveries(storeId: string, filter: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }>;
  getDelivery(storeId: string, id: string): Promise<DeliveryView | null>;
  /** Null for an unknown delivery; else how many jobs (or 1 for a delivery mapped again) were replayed. */
  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null>;
  replayByStatus(storeId: string, status: 'dead'): Promise<number>;
  stats(storeId: string, now: number): Promise<StoreStats>;
  /**
   * Retention: clears body and headers of up to `limit` deliveries received before `cutoff`, walking them in arrival
   * order from where the last call stopped, as the sync core's pruneVerdict says (it stops at the first one too young
   * or still waiting to be mapped). Returns how many were cleared.
   */
  pruneBodies(cutoff: number, limit: number): Promise<number>;
}

/** A connection code as storage keeps it (only its hash is the key; the code itself is never stored). */
export interface ConnectCodeRecord {
  storeId: string;
  /** ms epoch */
  expiresAt: number;
  usedAt: number | null;
  /** Set when the store was removed. */
  revokedAt: number | null;
}

/**
 * Store credentials and connection codes, kept only as SHA-256 hashes (hex). Storage decides nothing: whether a code
 * may be redeemed (expired, used, revoked) is the caller's rule (api/credentials.ts); storage only takes a code
 * atomically, so two redeemers racing for one code see one of them take it.
 */
export interface CredentialStore {
  /** The hash of the store's credential, or null when it has none. */
  credentialHash(storeId: string): Promise<string | null>;
  /** Sets the store's credential hash; the credential before it opens nothing from this moment on. */
  setCredential(storeId: string, hash: string): Promise<void>;
  saveConnectCode(hash: string, storeId: string, expiresAt: number): Promise<void>;
  /**
   * Marks the code used at `now` in one atomic step if it was neither used nor revoked, and answers the record as it
   * was before that step (null for a code never issued or no longer kept). Of two racing calls, one sees `usedAt: null`.
   */
  takeConnectCode(hash: string, now: number): Promise<ConnectCodeRecord | null>;
  /**
   * Removes the store: its configuration and credential are deleted and its connection codes revoked (its sync log
   * stays until retention clears it). False when it had neither a configuration nor a credential.
   */
  removeStore(storeId: string, now: number): Promise<boolean>;
  /** Every store with a configuration or a credential, sorted. */
  listStoreIds(): Promise<string[]>;
}


/** An unsubscribe or suppression Klaviyo reported for a profile, found by the periodic consent sync. */
export interface KlaviyoUnsubscribe {
  email: string;
  channel: 'email' | 'sms';
  /** When Klaviyo recorded it (ISO 8601 UTC). */
  at: string;
}

/** Consent: the records kept per profile (written with a plan), and what the periodic sync learnt from Klaviyo. */
export interface ConsentStore {
  /** The store's consent records of a profile (any case of the email), each with its outcome, newest first. */
  consentRecords(storeId: string, email: string): Promise<ConsentRecordView[]>;
  /** The latest unsubscribe the periodic sync saw in Klaviyo for the profile, per channel (ISO 8601), if any. */
  klaviyoUnsubscribes(storeId: string, email: string): Promise<Partial<Record<'email' | 'sms', string>>>;
  /**
   * Keeps what one page of the periodic sync found and the cursor to read from next, in one step; an entry for a
   * profile and channel replaces an older one only if it is later.
   */
  recordKlaviyoUnsubscribes(storeId: string, found: KlaviyoUnsubscribe[], cursor: string): Promise<void>;
  /** Where the periodic sync reads from next (an ISO 8601 time), or null before its first run. */
  consentSyncCursor(storeId: string): Promise<string | null>;
}

/** A store's Klaviyo flow webhook settings (its flow secret among them), sealed at rest as one value. */
export interface FlowSettingsStore {
  flowSettings(storeId: string): Promise<FlowSettings | null>;
  saveFlowSettings(storeId: string, settings: FlowSettings): Promise<void>;
}

/** What an erasure removed. */
export interface ErasureCounts {
  /** Sync-log entries that named the person and were erased. */
  deliveries: number;
  /** Consent records of the person deleted. */
  consentRecords: number;
}

/**
 * Privacy requests. Which entries are the person's is the sync core's `isErasureTarget` (a mapped entry naming them in
 * any case of the email, or one still waiting to be mapped whose body names them), what erasure leaves of an entry
 * and its jobs its `erasedEntry`.
 */
export interface PrivacyStore {
  /** The store's sync-log entries naming the person, newest first, at most `limit`, with what was sent. */
  subjectDeliveries(storeId: string, email: string, limit: number): Promise<DeliveryView[]>;
  /**
   * Erases the person from the store's data, for the erasure request `requestId` (its own sync-log entry, which is
   * left alone): each sync-log entry naming them loses its payload, headers and email, and its jobs their request
   * bodies; their requests still waiting to be sent (or dead) are cancelled; entries still waiting to be mapped that
   * name them are marked mapped without being mapped; their consent records, newest-record state and what the
   * consent sync saw in Klaviyo are deleted. Atomic against planning and sending: a delivery planned or a job claimed
   * meanwhile is read again.
   */
  eraseSubject(storeId: string, email: string, requestId: string): Promise<ErasureCounts>;
}

/**
 * A store's history sync run (the latest one), as the sync core computed it (sync/history.ts). Storage compares and
 * sets: a run is saved only over the version it was computed from, so a pause or a cancel and the worker's page
 * never overwrite each other.
 */
export interface HistoryStore {
  historyRun(storeId: string): Promise<HistoryRun | null>;
  /** Saves `run` if the stored run's version is `expectedVersion` (0: none stored); false and nothing changed otherwise. */
  saveHistoryRun(run: HistoryRun, expectedVersion: number): Promise<boolean>;
  /** Stores whose run is running, sorted. */
  runningHistory(): Promise<string[]>;
}

/**
 * A store's product index: what the product webhooks said of each product and variation (mapping/product.ts
 * `productIndexEntry`), for the order and cart mapping (category names, permalinks) and back-in-stock signups.
 * The worker saves a product delivery's entry before it plans the delivery; the newest mapped wins.
 */
export interface ProductIndexStore {
  /** The entries held for these ids (those it has, in any order). */
  products(storeId: string, ids: readonly number[]): Promise<ProductIndexEntry[]>;
  /** Saves (replaces) these entries and drops the `removed` ids, in one step. */
  saveProducts(storeId: string, entries: readonly ProductIndexEntry[], removed: readonly number[]): Promise<void>;
}

/**
 * Gap repair: a store's check (sync/gaps.ts), saved only over the version it was computed from (so one replica runs
 * it), and the record versions planning kept (`order:<id>|<modified>`, written by applyPlan with the plan).
 */
export interface GapStore {
  gapCheck(storeId: string): Promise<GapCheck | null>;
  /** Saves `check` if the stored one's version is `expectedVersion` (0: none stored); false and nothing changed otherwise. */
  saveGapCheck(check: GapCheck, expectedVersion: number): Promise<boolean>;
  /** Of `versions`, those a plan of the store kept. */
  heldRecordVersions(storeId: string, versions: readonly string[]): Promise<Set<string>>;
}

export interface Storage extends StoreRepository, CredentialStore, DeliveryIntake, HeldDeliveries, PlanningStore, JobQueue, SyncLogStore, ConsentStore, FlowSettingsStore, PrivacyStore, HistoryStore, ProductIndexStore, GapStore {
  readonly backend: 'sqlite' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;
}
