/**
 * Ingress: a delivery is stored with one append and nothing else, so the acknowledgement path writes no page at a
 * random place in an index. A repeat of earlier content is recognised when it is planned (planning.ts). A held
 * delivery (another site sent it) also gets its row in held_deliveries, in the same transaction.
 */
import { DISCARDED, HELD, RECEIVED, REJECTED, REJECTION_ERROR_CLASS, RELEASED, type HeldSource } from '../../sync/index.js';
import type { DeliveryIntake, HeldDeliveries, NewDelivery, Rejection } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';
import { applyStoreChange } from './shared.js';

export class SqliteIntake implements DeliveryIntake, HeldDeliveries {
  constructor(private readonly db: SqliteDb) {}

  recordDelivery(d: NewDelivery): Promise<{ id: string }> {
    const now = Date.now();
    const headers = JSON.stringify(d.headers);
    const insert = this.db.sql(`INSERT INTO deliveries (store_id, received_at, topic, content_hash, headers, body, state, status, note)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const held = d.held;
    if (!held) {
      return this.db.write(() => ({ id: String(insert.run(d.storeId, now, d.topic, d.contentHash, headers, d.body, RECEIVED.state, RECEIVED.status, null).lastInsertRowid) }));
    }
    return this.db.write(() => {
      const id = insert.run(d.storeId, now, d.topic, d.contentHash, headers, d.body, HELD.state, HELD.status, held.note).lastInsertRowid;
      this.db.sql(`INSERT INTO held_deliveries (delivery_id, store_id, source) VALUES (?, ?, ?)`).run(id, d.storeId, held.source);
      return { id: String(id) };
    });
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

  async heldSources(storeId: string): Promise<HeldSource[]> {
    const rows = this.db.sql(`SELECT h.source, count(*) AS n, min(d.received_at) AS first, max(d.received_at) AS last
      FROM held_deliveries h JOIN deliveries d ON d.id = h.delivery_id WHERE h.store_id = ? GROUP BY h.source ORDER BY h.source`).all(storeId) as Row[];
    return rows.map((r) => ({ source: r.source as string, count: r.n as number, firstAt: r.first as number, lastAt: r.last as number }));
  }

  releaseHeld(storeId: string, source: string): Promise<number> {
    return this.take(storeId, source, RELEASED.state, RELEASED.status, RELEASED.note);
  }

  discardHeld(storeId: string, source: string, note: string): Promise<number> {
    return this.take(storeId, source, DISCARDED.state, DISCARDED.status, note);
  }

  /** In one transaction: the source's deliveries still held get the state, status and note given, and leave the index. */
  private take(storeId: string, source: string, state: string, status: string, note: string | null): Promise<number> {
    return this.db.write(() => {
      const ids = `SELECT delivery_id FROM held_deliveries WHERE store_id = ? AND source = ?`;
      const n = this.db.sql(`UPDATE deliveries SET state = ?, status = ?, note = ? WHERE id IN (${ids}) AND state = '${HELD.state}'`)
        .run(state, status, note, storeId, source).changes;
      this.db.sql(`DELETE FROM held_deliveries WHERE store_id = ? AND source = ?`).run(storeId, source);
      return Number(n);
    });
  }
}
