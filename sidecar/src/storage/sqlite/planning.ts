/**
 * Planning: the worker reads what planning depends on (planningState), the sync core plans, and applyPlan writes the
 * plan in one transaction if what it was computed from still holds. Deliveries are planned in id order and each
 * plan is queued before the next one's, so of several equal deliveries the first is mapped by the time a repeat is
 * checked; a repeat planned from older state conflicts and is planned again as a duplicate.
 */
import {
  CONSENT_CHANNELS, newJob, NO_TOTALS, planStoreChange, requestMetric, type ConsentNewest, type ConsentState, type DeliveryPlan, type PlanningState,
  type TotalsState,
} from '../../sync/index.js';
import type { PlanningStore, ReceivedDelivery } from '../types.js';
import type { DeliveryTopic } from '../../woo/topics.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';
import { applyStoreChange, storePaused } from './shared.js';

export class SqlitePlanning implements PlanningStore {
  constructor(private readonly db: SqliteDb) {}

  async takeReceived(limit: number): Promise<ReceivedDelivery[]> {
    return (this.db.sql(`SELECT id, store_id, topic, body FROM deliveries WHERE state = 'received' ORDER BY id LIMIT ?`).all(limit) as Row[]).map((r) => ({
      id: String(r.id), storeId: r.store_id as string, topic: r.topic as DeliveryTopic, body: r.body as string,
    }));
  }

  async planningState(deliveryId: string, keys: readonly string[], consentEmail?: string | null, totalsEmail?: string | null): Promise<PlanningState> {
    const row = this.received(deliveryId);
    if (!row) return { received: false, duplicateOf: null, planned: new Set(), paused: false };
    const storeId = row.store_id as string;
    const planned = this.db.sql(`SELECT 1 FROM planned_keys WHERE store_id = ? AND key = ?`);
    return {
      received: true,
      duplicateOf: this.mappedContent(row, deliveryId),
      planned: new Set(keys.filter((k) => planned.get(storeId, k) !== undefined)),
      paused: storePaused(this.db, storeId),
      ...(consentEmail ? { consent: this.consentState(storeId, consentEmail) } : {}),
      ...(totalsEmail ? { totals: this.totalsState(storeId, totalsEmail) } : {}),
    };
  }

  /** The profile's totals state as the sync core last computed it. */
  private totalsState(storeId: string, email: string): TotalsState {
    const row = this.db.sql(`SELECT state FROM profile_totals WHERE store_id = ? AND email = ?`).get(storeId, email) as Row | undefined;
    return row ? JSON.parse(row.state as string) as TotalsState : NO_TOTALS;
  }

  /** The newest consent record per channel kept for the profile. */
  private consentState(storeId: string, email: string): ConsentState {
    const rows = this.db.sql(`SELECT channel, at, status FROM consent_newest WHERE store_id = ? AND email = ?`).all(storeId, email) as Row[];
    const state: ConsentState = { email: null, sms: null };
    for (const r of rows) state[r.channel as 'email' | 'sms'] = { at: r.at as string, status: r.status as ConsentNewest['status'] };
    return state;
  }

  applyPlan(plan: DeliveryPlan): Promise<'applied' | 'conflict' | 'gone'> {
    const now = Date.now();
    return this.db.write(() => {
      const row = this.received(plan.deliveryId);
      if (!row) return 'gone';
      const storeId = row.store_id as string;
      if (storePaused(this.db, storeId) !== plan.paused) return 'conflict';
      if (plan.state !== 'duplicate' && this.mappedContent(row, plan.deliveryId) !== null) return 'conflict';
      const planned = this.db.sql(`SELECT 1 FROM planned_keys WHERE store_id = ? AND key = ?`);
      if (plan.requests.some((r) => planned.get(storeId, r.key) !== undefined)) return 'conflict';
      const consent = plan.consent;
      if (consent) {
        const now = this.consentState(storeId, consent.email);
        const differs = (a: ConsentNewest | null, b: ConsentNewest | null) => (a?.at ?? '') !== (b?.at ?? '') || (a?.status ?? '') !== (b?.status ?? '');
        if (CONSENT_CHANNELS.some((ch) => differs(now[ch], consent.assumed[ch]))) return 'conflict';
      }
      if (plan.totals && this.totalsState(storeId, plan.totals.email).version !== plan.totals.assumedVersion) return 'conflict';

      const job = newJob(now, plan.priority);
      const insertJob = this.db.sql(`INSERT INTO jobs (delivery_id, store_id, kind, metric, key, body, status, attempts, next_at, priority)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const planKey = this.db.sql(`INSERT INTO planned_keys (store_id, key, job_id) VALUES (?, ?, ?)`);
      for (const r of plan.requests) {
        const j = insertJob.run(plan.deliveryId, storeId, r.kind, requestMetric(r), r.key, JSON.stringify(r.body),
          job.status, job.attempts, job.nextAt, job.priority);
        planKey.run(storeId, r.key, j.lastInsertRowid);
      }
      this.db.sql(`UPDATE deliveries SET state = ?, status = ?, resource = ?, resource_id = ?, order_number = ?, email = ?, note = ?,
        error_class = ?, error_message = ?, body = coalesce(?, body) WHERE id = ?`).run(plan.state, plan.status, plan.resource, plan.resourceId, plan.orderNumber,
        plan.email, plan.note, plan.error?.class ?? null, plan.error?.message ?? null, plan.body ?? null, plan.deliveryId);
      applyStoreChange(this.db, storeId, planStoreChange(plan, now));
      if (plan.recordVersion) {
        this.db.sql(`INSERT OR IGNORE INTO record_versions (store_id, version, delivery_id) VALUES (?, ?, ?)`).run(storeId, plan.recordVersion, plan.deliveryId);
      }
      if (consent) {
        const keep = this.db.sql(`INSERT OR IGNORE INTO consent_records (store_id, email, channel, status, at, label, source, order_id, user_id,
          outcome, detail, key, delivery_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const r of consent.rows) {
          keep.run(storeId, r.email, r.channel, r.status, r.at, r.label, r.source, r.orderId, r.userId, r.outcome, r.detail, r.key, r.deliveryId);
        }
        const setNewest = this.db.sql(`INSERT INTO consent_newest (store_id, email, channel, at, status) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (store_id, email, channel) DO UPDATE SET at = excluded.at, status = excluded.status`);
        for (const ch of CONSENT_CHANNELS) {
          const n = consent.newest[ch];
          if (n) setNewest.run(storeId, consent.email, ch, n.at, n.status);
        }
      }
      if (plan.totals) {
        this.db.sql(`INSERT INTO profile_totals (store_id, email, version, state) VALUES (?, ?, ?, ?)
          ON CONFLICT (store_id, email) DO UPDATE SET version = excluded.version, state = excluded.state`)
          .run(storeId, plan.totals.email, plan.totals.next.version, JSON.stringify(plan.totals.next));
      }
      return 'applied';
    });
  }

  /** The delivery, if it still waits to be planned. */
  private received(deliveryId: string): Row | undefined {
    const row = this.db.sql(`SELECT store_id, state, topic, content_hash FROM deliveries WHERE id = ?`).get(deliveryId) as Row | undefined;
    return row?.state === 'received' ? row : undefined;
  }

  /** An earlier delivery of the same store and topic with the same content, already mapped (through its index). */
  private mappedContent(row: Row, deliveryId: string): string | null {
    if (row.content_hash == null) return null;
    const r = this.db.sql(`SELECT id FROM deliveries WHERE store_id = ? AND topic = ? AND content_hash = ? AND state = 'processed' AND id < ? LIMIT 1`)
      .get(row.store_id, row.topic, row.content_hash, deliveryId) as Row | undefined;
    return r ? String(r.id) : null;
  }
}
