/**
 * The storage and queue contract. The SQLite backend (storage/sqlite/sqlite.ts) is the embedded default; a Redis
 * backend implements the same interface for several replicas. Every method is async so either fits.
 */
import type { KlaviyoErrorItem } from '../klaviyo/errors.js';
import type { DeliverySummary, KlaviyoRequest, MappingResult, WooTopic } from '../mapping/types.js';

export const DELIVERY_STATUSES = ['rejected', 'duplicate', 'skipped', 'pending', 'retrying', 'paused', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const JOB_STATUSES = ['pending', 'in_flight', 'retrying', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
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
  topic: WooTopic;
  body: string;
}

export type ProcessingOutcome = { ok: true; result: MappingResult } | { ok: false; summary?: Partial<DeliverySummary>; error: string };

export interface Job {
  id: string;
  deliveryId: string;
  storeId: string;
  request: KlaviyoRequest;
  attempts: number;
  phoneDropped: boolean;
  priority: 'live' | 'backlog';
}

export interface JobFailure {
  errorClass: string;
  message: string;
  responseStatus: number | null;
  klaviyoErrors?: KlaviyoErrorItem[];
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  q?: string;
  cursor?: string;
  limit: number;
}

export interface JobView {
  id: string;
  kind: 'event' | 'profile';
  metric: string | null;
  key: string;
  status: JobStatus;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  body?: unknown;
}

export interface DeliveryView {
  id: string;
  receivedAt: string;
  topic: string | null;
  resource: string | null;
  resourceId: number | null;
  orderNumber: string | null;
  email: string | null;
  status: DeliveryStatus;
  note: string | null;
  error: { class: string; message: string; klaviyo?: KlaviyoErrorItem[] } | null;
  requests: JobView[];
  payload?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface StoreStats {
  queue: Record<JobStatus | 'paused', number>;
  deliveries: { total: number; byStatus: Partial<Record<DeliveryStatus, number>> };
  eventsLast5Min: number;
  lastSuccessAt: string | null;
  lastError: { at: string; class: string; message: string; deliveryId: string | null } | null;
  errorCounts: Record<string, number>;
}

export interface Storage {
  readonly backend: 'sqlite' | 'redis';
  getStore(id: string): Promise<StoreRecord | null>;
  saveStore(store: StoreRecord): Promise<void>;
  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void>;
  /** Pausing holds the store's jobs; resuming releases them. */
  setPaused(id: string, paused: boolean, reason: string | null): Promise<void>;

  /**
   * Durable when the promise resolves. A repeat of the same (store, topic, content) ends up `duplicate` in the sync
   * log and sends nothing; `duplicate` here says whether the backend already knew when it stored it (Redis does, the
   * SQLite backend tells when it maps the delivery, which keeps the acknowledgement path to one append).
   */
  recordDelivery(d: NewDelivery): Promise<{ id: string; duplicate: boolean }>;
  recordRejection(r: Rejection): Promise<string>;

  /** Deliveries stored but not yet mapped (also after a crash). */
  takeReceived(limit: number): Promise<ReceivedDelivery[]>;
  /** Stores the mapping outcome: jobs for requests whose key was not planned before, in one transaction. */
  completeProcessing(deliveryId: string, outcome: ProcessingOutcome): Promise<{ jobs: number }>;

  /** Due jobs of stores that are not paused, marked in_flight. */
  claimJobs(limit: number, now: number): Promise<Job[]>;
  jobDone(job: Job, responseStatus: number, now: number): Promise<void>;
  jobRetry(job: Job, failure: JobFailure, delayMs: number, consumesAttempt: boolean, now: number): Promise<void>;
  jobDead(job: Job, failure: JobFailure, now: number): Promise<void>;
  /** The store's key was refused: the job waits, unchanged, until the store resumes. */
  jobHeld(job: Job, failure: JobFailure, now: number): Promise<void>;
  replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void>;
  /** Jobs waiting to be sent (pending or retrying), for backpressure on mapping. */
  readyJobs(): Promise<number>;
  /** When the next job becomes due (ms epoch), or null when nothing is waiting. */
  nextDueAt(): Promise<number | null>;
  /** After a crash: in_flight jobs go back to pending. */
  recover(): Promise<void>;

  listDeliveries(storeId: string, filter: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }>;
  getDelivery(storeId: string, id: string): Promise<DeliveryView | null>;
  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null>;
  replayByStatus(storeId: string, status: 'dead'): Promise<number>;
  stats(storeId: string, now: number): Promise<StoreStats>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
