/** Privacy requests: a person's sync-log entries read back, and erased (the sync core says which and what is left). */
import {
  deliveryView, erasedEntry, isErasureTarget, isSubject, privacySubject, UNMAPPED_STATES, type DeliveryStatus, type DeliveryView, type JobStatus,
} from '../../sync/index.js';
import type { ErasureCounts, PrivacyStore } from '../types.js';
import type { SqliteDb } from './db.js';
import { deliveryRecord, jobRecord, sqlList, type Row } from './schema.js';
import { storePaused } from './shared.js';

export class SqlitePrivacy implements PrivacyStore {
  constructor(private readonly db: SqliteDb) {}

  private candidates(storeId: string, subject: string, limit: number): Row[] {
    return (this.db.sql(`SELECT * FROM deliveries WHERE store_id = ? AND lower(email) = ? AND email IS NOT NULL ORDER BY id DESC LIMIT ?`)
      .all(storeId, subject, limit) as Row[]).filter((r) => isSubject(r.email as string | null, subject));
  }

  async subjectDeliveries(storeId: string, email: string, limit: number): Promise<DeliveryView[]> {
    const jobsOf = this.db.sql(`SELECT * FROM jobs WHERE delivery_id = ? ORDER BY id`);
    return this.candidates(storeId, privacySubject(email), limit)
      .map((r) => deliveryView(deliveryRecord(r), (jobsOf.all(r.id) as Row[]).map(jobRecord), false));
  }

  eraseSubject(storeId: string, email: string, requestId: string): Promise<ErasureCounts> {
    const subject = privacySubject(email);
    return this.db.write(() => {
      const paused = storePaused(this.db, storeId);
      const setDelivery = this.db.sql(`UPDATE deliveries SET state = ?, status = ?, body = ?, headers = ?, email = ?, note = ? WHERE id = ?`);
      const jobsOf = this.db.sql(`SELECT id, status FROM jobs WHERE delivery_id = ? ORDER BY id`);
      const setJob = this.db.sql(`UPDATE jobs SET status = ?, body = '{}', error_class = coalesce(?, error_class), error_message = coalesce(?, error_message),
        error_detail = CASE WHEN ? IS NULL THEN error_detail ELSE NULL END WHERE id = ?`);
      // Entries never mapped hold the email only in their body (a substring search narrows, the core decides).
      const unmapped = this.db.sql(`SELECT id, state, status, email, body FROM deliveries WHERE store_id = ? AND state IN ${sqlList(UNMAPPED_STATES)}
        AND instr(lower(body), ?) > 0`).all(storeId, JSON.stringify(subject)) as Row[];
      const unhold = this.db.sql(`DELETE FROM held_deliveries WHERE delivery_id = ?`);
      let deliveries = 0;
      for (const r of [...this.candidates(storeId, subject, Number.MAX_SAFE_INTEGER), ...unmapped]) {
        const d = { id: String(r.id), state: r.state as string, email: r.email as string | null, body: r.body as string };
        if (!isErasureTarget(d, subject, requestId)) continue;
        const jobs = (jobsOf.all(r.id) as Row[]).map((j) => ({ id: String(j.id), status: j.status as JobStatus }));
        const e = erasedEntry({ state: d.state, status: r.status as DeliveryStatus }, jobs, paused, requestId);
        setDelivery.run(e.delivery.state, e.delivery.status, e.delivery.body, e.delivery.headers, e.delivery.email, e.delivery.note, r.id as number);
        if (d.state === 'held') unhold.run(r.id as number);
        for (const j of e.jobs) setJob.run(j.status, j.error?.class ?? null, j.error?.message ?? null, j.error?.class ?? null, Number(j.id));
        deliveries++;
      }
      const consentRecords = this.db.sql(`DELETE FROM consent_records WHERE store_id = ? AND email = ?`).run(storeId, subject).changes;
      this.db.sql(`DELETE FROM consent_newest WHERE store_id = ? AND email = ?`).run(storeId, subject);
      this.db.sql(`DELETE FROM klaviyo_unsubscribes WHERE store_id = ? AND email = ?`).run(storeId, subject);
      return { deliveries, consentRecords: Number(consentRecords) };
    });
  }
}
