/**
 * Ingress: a delivery is stored with one append and nothing else, so the acknowledgement path writes no page at a
 * random place in an index. A repeat of earlier content is recognised when it is planned (planning.ts).
 */
import { RECEIVED, REJECTED, REJECTION_ERROR_CLASS } from '../../sync/index.js';
import type { DeliveryIntake, NewDelivery, Rejection } from '../types.js';
import type { SqliteDb } from './db.js';
import { applyStoreChange } from './shared.js';

export class SqliteIntake implements DeliveryIntake {
  constructor(private readonly db: SqliteDb) {}

  recordDelivery(d: NewDelivery): Promise<{ id: string }> {
    const now = Date.now();
    const headers = JSON.stringify(d.headers);
    const insert = this.db.sql(`INSERT INTO deliveries (store_id, received_at, topic, content_hash, headers, body, state, status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    return this.db.write(() => ({ id: String(insert.run(d.storeId, now, d.topic, d.contentHash, headers, d.body, RECEIVED.state, RECEIVED.status).lastInsertRowid) }));
  }

  recordRejection(r: Rejection): Promise<string> {
    const now = Date.now();
    return this.db.write(() => {
      const res = this.db.sql(`INSERT INTO deliveries (store_id, received_at, topic, headers, body, state, status, error_class, error_message)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.storeId, now, r.topic, JSON.stringify(r.headers), r.body, REJECTED.state, REJECTED.status, r.code, r.message);
      applyStoreChange(this.db, r.storeId, { countError: REJECTION_ERROR_CLASS });
      return String(res.lastInsertRowid);
    });
  }
}
