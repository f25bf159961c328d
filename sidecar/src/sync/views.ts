/**
 * What the sync log, the status route and the sender see, shaped once from the persisted records: a delivery's
 * view with its requests and the error worth showing, a job as the sender takes it, search and cursors, and a
 * store's stats.
 */
import type { KlaviyoErrorItem } from '../klaviyo/errors.js';
import type { KlaviyoRequest, RequestKind } from '../klaviyo/types.js';
import type { DeliveryRecord, DeliveryStatus, JobRecord, JobStatus } from './records.js';

export interface JobView {
  id: string;
  kind: RequestKind;
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

/** A job as the sender takes it. */
export interface Job {
  id: string;
  deliveryId: string;
  storeId: string;
  request: KlaviyoRequest;
  attempts: number;
  phoneDropped: boolean;
  priority: 'live' | 'backlog';
  /** A history sync's record: sent through Klaviyo's bulk endpoints (worker/bulk-sender.ts). */
  bulk: boolean;
}

/** Longest raw body shown for a delivery whose body is not JSON. */
const RAW_BODY_SHOWN = 65536;

/** What storage keeps in a job's `metric` column: the event's metric, a subscription's channel, what a catalog change is. */
export function requestMetric(r: KlaviyoRequest): string | null {
  return r.kind === 'event' || r.kind === 'catalog' ? r.metric : r.kind === 'store' ? r.action : r.kind === 'subscribe' || r.kind === 'unsubscribe' ? r.channel : null;
}

export function toJob(r: JobRecord): Job {
  const body = JSON.parse(r.body) as unknown;
  const request = (r.kind === 'event' || r.kind === 'catalog'
    ? { kind: r.kind, key: r.key, metric: r.metric, body }
    : r.kind === 'profile' || r.kind === 'privacy_deletion' || r.kind === 'back_in_stock' ? { kind: r.kind, key: r.key, body }
      : r.kind === 'store' ? { kind: 'store', key: r.key, action: r.metric, body } : { kind: r.kind, key: r.key, channel: r.metric, body }) as KlaviyoRequest;
  return {
    id: r.id, deliveryId: r.deliveryId, storeId: r.storeId, request, attempts: r.attempts,
    phoneDropped: r.phoneDropped, priority: r.priority === 0 ? 'live' : 'backlog', bulk: r.priority === 2,
  };
}

/** `jobs` in id order. `full`: with the payload, headers and request bodies (one delivery's page). */
export function deliveryView(d: DeliveryRecord, jobs: readonly JobRecord[], full: boolean): DeliveryView {
  const requests = jobs.map((j): JobView => ({
    id: j.id, kind: j.kind, metric: j.metric, key: j.key, status: j.status, attempts: j.attempts,
    responseStatus: j.responseStatus, error: j.errorMessage, ...(full ? { body: JSON.parse(j.body) as unknown } : {}),
  }));
  let error: DeliveryView['error'] = null;
  if (d.errorClass) error = { class: d.errorClass, message: d.errorMessage ?? '' };
  else {
    // The delivery's own error, else its first failed job's, a dead one first.
    const failed = jobs.filter((j) => j.errorClass).sort((a, b) => Number(b.status === 'dead') - Number(a.status === 'dead'))[0];
    if (failed) {
      error = { class: failed.errorClass!, message: failed.errorMessage ?? '' };
      if (failed.errorDetail) error.klaviyo = JSON.parse(failed.errorDetail) as KlaviyoErrorItem[];
    }
  }
  const v: DeliveryView = {
    id: d.id, receivedAt: new Date(d.receivedAt).toISOString(), topic: d.topic, resource: d.resource, resourceId: d.resourceId,
    orderNumber: d.orderNumber, email: d.email, status: d.status, note: d.note, error, requests,
  };
  if (full) {
    v.headers = JSON.parse(d.headers || '{}') as Record<string, string>;
    try { v.payload = JSON.parse(d.body); } catch { v.rawBody = d.body.slice(0, RAW_BODY_SHOWN); }
  }
  return v;
}

/** The sync log's text filter: an email substring (any case) or an exact order number (with or without '#'). */
export interface SearchQuery {
  needle: string;
  orderNumber: string;
}

export function searchQuery(q: string | undefined): SearchQuery | null {
  const t = q?.trim();
  return t ? { needle: t.toLowerCase(), orderNumber: t.replace(/^#/, '') } : null;
}

export function matchesSearch(d: { email: string | null; orderNumber: string | null }, s: SearchQuery): boolean {
  return (d.email !== null && d.email.toLowerCase().includes(s.needle)) || d.orderNumber === s.orderNumber;
}

/** Deliveries a text search reads per page request before it answers with a cursor to go on. */
export const SEARCH_SCAN_LIMIT = 20_000;

/** Sync-log cursors: the id the next page starts below. */
export function encodeCursor(id: string | number): string {
  return Buffer.from(String(id)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  const c = Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
  return Number.isFinite(c) ? c : null;
}

export interface StoreStats {
  queue: Record<JobStatus | 'paused', number>;
  deliveries: { total: number; byStatus: Partial<Record<DeliveryStatus, number>> };
  eventsLast5Min: number;
  lastSuccessAt: string | null;
  lastError: { at: string; class: string; message: string; deliveryId: string | null } | null;
  errorCounts: Record<string, number>;
  /** Since when work has waited without anything being sent (null when nothing waits); see stalledSince. */
  stalledSince: string | null;
  /** Whether nothing could be sent for STALL_MS while work waits and the store is not paused. */
  stalled: boolean;
}

/** The store's counters as storage keeps them. */
export interface StoreCounters {
  paused: boolean;
  jobs: Partial<Record<JobStatus, number>>;
  deliveries: Partial<Record<DeliveryStatus, number>>;
  eventsLast5Min: number;
  lastSuccessAt: number | null;
  lastError: { at: number; class: string; message: string; deliveryId: string | null } | null;
  errorCounts: Record<string, number>;
  /** When the oldest delivery still waiting (pending, retrying, paused) was received; null when none waits. */
  oldestWaitingAt: number | null;
}

/** Deliveries whose jobs still wait to be sent. */
export const WAITING_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying', 'paused'];

/** Nothing sent for this long while work waits is a stall the merchant is told about. */
export const STALL_MS = 15 * 60_000;

/**
 * Since when work waits with nothing sent: the later of the oldest waiting delivery's arrival and the last success
 * (work that arrived after the last success has waited only since it arrived). Null when nothing waits.
 */
export function stalledSince(oldestWaitingAt: number | null, lastSuccessAt: number | null): number | null {
  if (oldestWaitingAt === null) return null;
  return Math.max(oldestWaitingAt, lastSuccessAt ?? 0);
}

/** While a store is paused, its waiting jobs count as paused. */
export function storeStats(c: StoreCounters, now: number = Date.now()): StoreStats {
  const since = stalledSince(c.oldestWaitingAt, c.lastSuccessAt);
  const queue: StoreStats['queue'] = { pending: 0, in_flight: 0, retrying: 0, paused: 0, done: 0, dead: 0, cancelled: 0, ...c.jobs };
  if (c.paused) {
    queue.paused = queue.pending + queue.retrying;
    queue.pending = 0;
    queue.retrying = 0;
  }
  const byStatus: StoreStats['deliveries']['byStatus'] = {};
  let total = 0;
  for (const [s, n] of Object.entries(c.deliveries) as [DeliveryStatus, number][]) {
    if (n > 0) byStatus[s] = n;
    total += n;
  }
  return {
    queue,
    deliveries: { total, byStatus },
    eventsLast5Min: c.eventsLast5Min,
    lastSuccessAt: c.lastSuccessAt ? new Date(c.lastSuccessAt).toISOString() : null,
    lastError: c.lastError ? { ...c.lastError, at: new Date(c.lastError.at).toISOString() } : null,
    errorCounts: c.errorCounts,
    stalledSince: since === null ? null : new Date(since).toISOString(),
    stalled: !c.paused && since !== null && now - since >= STALL_MS,
  };
}

/** Events sent within this window count for events per minute. */
export const EVENTS_WINDOW_MS = 300_000;
