/**
 * What storage persists, in the shape both backends read and write. The sync core takes these records (what was
 * already planned, sent, or failed) as input and returns the changes to persist; a backend only stores them,
 * atomically, and holds no rule of its own.
 */
import type { KlaviyoErrorItem } from '../klaviyo/errors.js';
import type { RequestKind } from '../klaviyo/types.js';
import type { DeliverySummary, MappingResult } from '../mapping/types.js';

/** A store's product index entry, as storage keeps it (mapping/product.ts makes it). */
export type { ProductIndexEntry } from '../mapping/types.js';

export const DELIVERY_STATUSES = ['rejected', 'duplicate', 'skipped', 'pending', 'retrying', 'paused', 'succeeded', 'dead', 'held', 'discarded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** `cancelled`: never sent and never replayed (an erasure cancelled it). */
export const JOB_STATUSES = ['pending', 'in_flight', 'retrying', 'done', 'dead', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Where a delivery is in its life: waiting to be mapped, mapped, a repeat of earlier content, refused at ingress, held
 * (sent by another site than the store's: sources.ts) or discarded by the merchant while held.
 */
export type DeliveryState = 'received' | 'processed' | 'duplicate' | 'rejected' | 'held' | 'discarded';

export interface DeliveryRecord {
  id: string;
  storeId: string;
  /** ms epoch */
  receivedAt: number;
  topic: string | null;
  state: DeliveryState;
  status: DeliveryStatus;
  resource: string | null;
  resourceId: number | null;
  orderNumber: string | null;
  email: string | null;
  note: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  /** JSON text of the WooCommerce headers kept. */
  headers: string;
  /** The raw body as received. */
  body: string;
}

/** 0: live traffic; 1: replays and backlog (sent after live jobs); 2: a history sync's records (last, in bulk jobs). */
export type JobPriority = 0 | 1 | 2;

export interface JobRecord {
  id: string;
  deliveryId: string;
  storeId: string;
  kind: RequestKind;
  metric: string | null;
  /** The request's dedupe key (an event's unique_id). */
  key: string;
  /** JSON text of the Klaviyo request body. */
  body: string;
  status: JobStatus;
  attempts: number;
  /** When the job is due (ms epoch). */
  nextAt: number;
  priority: JobPriority;
  phoneDropped: boolean;
  responseStatus: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  /** JSON text of Klaviyo's error items, when Klaviyo gave any. */
  errorDetail: string | null;
  doneAt: number | null;
}

/** The mapper's answer for a delivery, or why it could not map it. */
export type MappingOutcome = { ok: true; result: MappingResult } | { ok: false; summary?: Partial<DeliverySummary>; error: string };

export interface JobFailure {
  errorClass: string;
  message: string;
  responseStatus: number | null;
  klaviyoErrors?: KlaviyoErrorItem[];
}
