/** Privacy requests: a person's sync-log entries read back, and erased (the sync core says which and what is left). */
import { deliveryView, erasedDelivery, erasesJobBody, isSubject, privacySubject, type DeliveryView, type JobStatus } from '../../sync/index.js';
import type { ErasureCounts, PrivacyStore } from '../types.js';
import type { SqliteDb } from './db.js';
import { deliveryRecord, jobRecord, type Row } from './schema.js';

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

  eraseSubject(storeId: string, email: string): Promise<ErasureCounts> {
    const subject = privacySubject(email);
    return this.db.write(() => {
      const setDelivery = this.db.sql(`UPDATE deliveries SET body = ?, headers = ?, email = ?, note = ? WHERE id = ?`);
      const jobsOf = this.db.sql(`SELECT id, status FROM jobs WHERE delivery_id = ?`);
      const clearJob = this.db.sql(`UPDATE jobs SET body = '{}' WHERE id = ?`);
      let deliveries = 0;
      for (const r of this.candidates(storeId, subject, Number.MAX_SAFE_INTEGER)) {
        const erased = erasedDelivery(r.state as string);
        if (!erased) continue;
        setDelivery.run(erased.body, erased.headers, erased.email, erased.note, r.id as number);
        for (const j of jobsOf.all(r.id) as Row[]) if (erasesJobBody(j.status as JobStatus)) clearJob.run(j.id as number);
        deliveries++;
      }
      const consentRecords = this.db.sql(`DELETE FROM consent_records WHERE store_id = ? AND email = ?`).run(storeId, subject).changes;
      this.db.sql(`DELETE FROM consent_newest WHERE store_id = ? AND email = ?`).run(storeId, subject);
      this.db.sql(`DELETE FROM klaviyo_unsubscribes WHERE store_id = ? AND email = ?`).run(storeId, subject);
      return { deliveries, consentRecords: Number(consentRecords) };
    });
  }
}
