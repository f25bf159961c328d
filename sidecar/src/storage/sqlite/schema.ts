/** The SQLite tables, and their rows read as the records the sync core takes (sync/records.ts). */
import type { DeliveryRecord, DeliveryState, DeliveryStatus, JobPriority, JobRecord, JobStatus } from '../../sync/index.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS stores (
  id TEXT PRIMARY KEY, site_url TEXT NOT NULL, secret_enc TEXT NOT NULL, key_enc TEXT NOT NULL, key_last4 TEXT NOT NULL,
  list_id TEXT, key_status TEXT NOT NULL, key_detail TEXT, key_checked_at TEXT, paused INTEGER NOT NULL DEFAULT 0,
  pause_reason TEXT, last_success_at INTEGER, last_error_at INTEGER, last_error_class TEXT, last_error_message TEXT,
  last_error_delivery TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, store_id TEXT NOT NULL, received_at INTEGER NOT NULL, topic TEXT,
  content_hash TEXT, headers TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL,
  resource TEXT, resource_id INTEGER, order_number TEXT, email TEXT, note TEXT,
  error_class TEXT, error_message TEXT, error_detail TEXT);
CREATE INDEX IF NOT EXISTS deliveries_store ON deliveries(store_id, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries(store_id, status, id);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state) WHERE state = 'received';
-- Privacy requests find a person's entries through it (candidates; the sync core's isSubject decides).
CREATE INDEX IF NOT EXISTS deliveries_email ON deliveries(store_id, lower(email)) WHERE email IS NOT NULL;
-- Repeats are found when a delivery is planned, not when it arrives: only mapped deliveries are in this index, so
-- storing a delivery (the acknowledgement path) writes no page at a random place in it.
CREATE INDEX IF NOT EXISTS deliveries_mapped_content ON deliveries(store_id, topic, content_hash) WHERE state = 'processed' AND content_hash IS NOT NULL;
-- Deliveries held because another site sent them (sync/sources.ts), by their source; a row goes when it is released or discarded.
CREATE TABLE IF NOT EXISTS held_deliveries (delivery_id INTEGER PRIMARY KEY, store_id TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS held_deliveries_source ON held_deliveries(store_id, source, delivery_id);
CREATE TABLE IF NOT EXISTS planned_keys (store_id TEXT NOT NULL, key TEXT NOT NULL, job_id INTEGER, PRIMARY KEY (store_id, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER NOT NULL, store_id TEXT NOT NULL, kind TEXT NOT NULL,
  metric TEXT, key TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL, priority INTEGER NOT NULL DEFAULT 0, phone_dropped INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER, error_class TEXT, error_message TEXT, error_detail TEXT, done_at INTEGER);
-- In claim order, so claiming reads the first due rows instead of sorting every waiting job (a backlog is thousands).
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(priority, next_at, id) WHERE status IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS jobs_delivery ON jobs(delivery_id);
CREATE INDEX IF NOT EXISTS jobs_store_status ON jobs(store_id, status);
CREATE INDEX IF NOT EXISTS jobs_done ON jobs(store_id, done_at) WHERE status = 'done';
-- Values the sidecar keeps about itself: 'key_check', a value sealed with the secret key the first start used.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Store credentials and connection codes, as SHA-256 hashes (hex) only.
CREATE TABLE IF NOT EXISTS credentials (store_id TEXT PRIMARY KEY, hash TEXT NOT NULL, set_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS connect_codes (
  hash TEXT PRIMARY KEY, store_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER, revoked_at INTEGER) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS connect_codes_store ON connect_codes(store_id);
-- Consent records as kept per profile (email in lower case): each record once, the first kept wins; consent_newest is the
-- newest record per profile and channel as the sync core computed it (what planning compares a new record with).
CREATE TABLE IF NOT EXISTS consent_records (
  store_id TEXT NOT NULL, email TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, label TEXT NOT NULL,
  source TEXT NOT NULL, order_id INTEGER, user_id INTEGER, outcome TEXT NOT NULL, detail TEXT, key TEXT, delivery_id INTEGER NOT NULL,
  PRIMARY KEY (store_id, email, channel, status, at)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consent_newest (
  store_id TEXT NOT NULL, email TEXT NOT NULL, channel TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (store_id, email, channel)) WITHOUT ROWID;
-- Profile totals per store and email (lower case): the state the sync core computed (sync/totals.ts), as JSON, and its
-- version, which a plan compares before writing the next state.
CREATE TABLE IF NOT EXISTS profile_totals (store_id TEXT NOT NULL, email TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL,
  PRIMARY KEY (store_id, email)) WITHOUT ROWID;
-- What the periodic consent sync read from Klaviyo: the latest unsubscribe per profile and channel, and its cursor.
-- A store's Klaviyo flow webhook settings (its flow secret among them), one sealed JSON value.
CREATE TABLE IF NOT EXISTS flow_settings (store_id TEXT PRIMARY KEY, sealed TEXT NOT NULL) WITHOUT ROWID;
-- A store's product index (storage/types.ts ProductIndexStore): what the product webhooks said of each product and variation.
CREATE TABLE IF NOT EXISTS product_index (store_id TEXT NOT NULL, product_id INTEGER NOT NULL, entry TEXT NOT NULL,
  PRIMARY KEY (store_id, product_id)) WITHOUT ROWID;
-- Gap repair: a store's check (sync/gaps.ts) as JSON with its version, and each order state a plan carried
-- (order:<id>|<modified>, and the first delivery that carried it).
CREATE TABLE IF NOT EXISTS gap_checks (store_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_versions (store_id TEXT NOT NULL, version TEXT NOT NULL, delivery_id INTEGER NOT NULL,
  PRIMARY KEY (store_id, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history_runs (store_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL, run TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS klaviyo_unsubscribes (store_id TEXT NOT NULL, email TEXT NOT NULL, channel TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (store_id, email, channel)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consent_sync (store_id TEXT PRIMARY KEY, cursor TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS error_counts (store_id TEXT NOT NULL, class TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (store_id, class)) WITHOUT ROWID;
`;

export type Row = Record<string, unknown>;

const text = (v: unknown): string | null => (v as string | null | undefined) ?? null;
const int = (v: unknown): number | null => (v as number | null | undefined) ?? null;

export function deliveryRecord(r: Row): DeliveryRecord {
  return {
    id: String(r.id), storeId: r.store_id as string, receivedAt: r.received_at as number, topic: text(r.topic),
    state: r.state as DeliveryState, status: r.status as DeliveryStatus, resource: text(r.resource), resourceId: int(r.resource_id),
    orderNumber: text(r.order_number), email: text(r.email), note: text(r.note), errorClass: text(r.error_class),
    errorMessage: text(r.error_message), headers: r.headers as string, body: r.body as string,
  };
}

export function jobRecord(r: Row): JobRecord {
  return {
    id: String(r.id), deliveryId: String(r.delivery_id), storeId: r.store_id as string, kind: r.kind as JobRecord['kind'],
    metric: text(r.metric), key: r.key as string, body: r.body as string, status: r.status as JobStatus, attempts: r.attempts as number,
    nextAt: r.next_at as number, priority: r.priority as JobPriority, phoneDropped: r.phone_dropped === 1,
    responseStatus: int(r.response_status), errorClass: text(r.error_class), errorMessage: text(r.error_message),
    errorDetail: text(r.error_detail), doneAt: int(r.done_at),
  };
}

/** A list of constants for `IN (...)`, from the sync core's own lists (never user input). */
export const sqlList = (values: readonly string[]): string => `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
