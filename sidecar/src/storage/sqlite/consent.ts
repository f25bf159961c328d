/** Consent records per profile (kept by applyPlan) read back with their jobs' outcomes, and the periodic sync's state. */
import { consentRecordView, sortConsentViews, type ConsentRecordView, type ConsentRow, type JobStatus } from '../../sync/index.js';
import type { ConsentStore, KlaviyoUnsubscribe } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';

export class SqliteConsent implements ConsentStore {
  constructor(private readonly db: SqliteDb) {}

  async consentRecords(storeId: string, email: string): Promise<ConsentRecordView[]> {
    const rows = this.db.sql(`SELECT c.*, j.status AS job_status, j.error_message AS job_error FROM consent_records c
      LEFT JOIN planned_keys p ON p.store_id = c.store_id AND p.key = c.key LEFT JOIN jobs j ON j.id = p.job_id
      WHERE c.store_id = ? AND c.email = ?`).all(storeId, email.trim().toLowerCase()) as Row[];
    return sortConsentViews(rows.map((r) => consentRecordView(consentRow(r), r.job_status ? { status: r.job_status as JobStatus, errorMessage: (r.job_error as string | null) ?? null } : null)));
  }

  async klaviyoUnsubscribes(storeId: string, email: string): Promise<Partial<Record<'email' | 'sms', string>>> {
    const rows = this.db.sql(`SELECT channel, at FROM klaviyo_unsubscribes WHERE store_id = ? AND email = ?`).all(storeId, email.trim().toLowerCase()) as Row[];
    return Object.fromEntries(rows.map((r) => [r.channel as string, r.at as string]));
  }

  recordKlaviyoUnsubscribes(storeId: string, found: KlaviyoUnsubscribe[], cursor: string): Promise<void> {
    return this.db.write(() => {
      const put = this.db.sql(`INSERT INTO klaviyo_unsubscribes (store_id, email, channel, at) VALUES (?, ?, ?, ?)
        ON CONFLICT (store_id, email, channel) DO UPDATE SET at = excluded.at WHERE excluded.at > klaviyo_unsubscribes.at`);
      for (const f of found) put.run(storeId, f.email.toLowerCase(), f.channel, f.at);
      this.db.sql(`INSERT INTO consent_sync (store_id, cursor) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET cursor = excluded.cursor`).run(storeId, cursor);
    });
  }

  async consentSyncCursor(storeId: string): Promise<string | null> {
    const r = this.db.sql(`SELECT cursor FROM consent_sync WHERE store_id = ?`).get(storeId) as Row | undefined;
    return (r?.cursor as string | undefined) ?? null;
  }

}

function consentRow(r: Row): ConsentRow {
  return {
    email: r.email as string, channel: r.channel as ConsentRow['channel'], status: r.status as ConsentRow['status'], label: r.label as string,
    at: r.at as string, source: r.source as ConsentRow['source'], orderId: (r.order_id as number | null) ?? null, userId: (r.user_id as number | null) ?? null,
    outcome: r.outcome as ConsentRow['outcome'], detail: (r.detail as string | null) ?? null, key: (r.key as string | null) ?? null,
    deliveryId: String(r.delivery_id),
  };
}
