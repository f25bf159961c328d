/** Writes several concerns share, each run inside a write: a delivery's derived status and the store's counters. */
import { countJobs, deliveryStatus, type JobStatus, type StoreChange } from '../../sync/index.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';

/** Writes mapped deliveries' statuses as the sync core derives them; deliveries without jobs keep theirs. */
export function refreshDeliveryStatuses(db: SqliteDb, deliveryIds: Iterable<string | number>): void {
  const jobs = db.sql(`SELECT status FROM jobs WHERE delivery_id = ?`);
  const paused = db.sql(`SELECT s.paused FROM deliveries d JOIN stores s ON s.id = d.store_id WHERE d.id = ?`);
  for (const id of deliveryIds) {
    const counts = countJobs((jobs.all(id) as Row[]).map((r) => r.status as JobStatus));
    const status = deliveryStatus(counts, (paused.get(id) as Row | undefined)?.paused === 1);
    if (status) setDeliveryStatus(db, id, status);
  }
}

export function setDeliveryStatus(db: SqliteDb, deliveryId: string | number, status: string): void {
  db.sql(`UPDATE deliveries SET status = ? WHERE id = ? AND state = 'processed'`).run(status, deliveryId);
}

export function storePaused(db: SqliteDb, storeId: string): boolean {
  return (db.sql(`SELECT paused FROM stores WHERE id = ?`).get(storeId) as Row | undefined)?.paused === 1;
}

/**
 * Records what the sync core says the store keeps. Events sent (`eventSentAt`) need no write here: the jobs table
 * holds each accepted event's done_at, which is what stats counts.
 */
export function applyStoreChange(db: SqliteDb, storeId: string, c: StoreChange): void {
  if (c.lastSuccessAt !== undefined) db.sql(`UPDATE stores SET last_success_at = ? WHERE id = ?`).run(c.lastSuccessAt, storeId);
  if (c.lastError) {
    db.sql(`UPDATE stores SET last_error_at = ?, last_error_class = ?, last_error_message = ?, last_error_delivery = ? WHERE id = ?`)
      .run(c.lastError.at, c.lastError.class, c.lastError.message, c.lastError.deliveryId, storeId);
  }
  if (c.countError) {
    db.sql(`INSERT INTO error_counts (store_id, class, count) VALUES (?, ?, 1) ON CONFLICT (store_id, class) DO UPDATE SET count = count + 1`).run(storeId, c.countError);
  }
}
