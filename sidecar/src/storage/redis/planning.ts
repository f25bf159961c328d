/**
 * Planning: planningState reads, in one pipeline, what the sync core plans from (whether the delivery still waits,
 * which of its request keys the store planned, whether the store is paused, which delivery holds its content); the
 * worker plans; applyPlan writes the plan with the wckApplyPlan script, which first checks that all of that still
 * holds. The new jobs go to BullMQ through the outbox.
 *
 * A delivery's store, topic and content hash never change, so what takeReceived read of them is kept (for a while)
 * and planningState needs one round trip instead of two.
 */
import {
  CONSENT_CHANNELS, newJob, NO_TOTALS, planStoreChange, requestMetric, type ConsentNewest, type ConsentState, type DeliveryPlan, type PlanningState,
  type TotalsState,
} from '../../sync/index.js';
import type { DeliveryTopic } from '../../woo/topics.js';
import type { PlanningStore, ReceivedDelivery } from '../types.js';
import { field, type RedisConnection } from './connection.js';
import type { Outbox } from './outbox.js';

interface Identity { storeId: string; topic: string; contentHash: string | null }

/** Identities kept between takeReceived and planningState; a bound, not a cache policy: most are planned at once. */
const KEEP = 10_000;

export class RedisPlanning implements PlanningStore {
  private readonly identities = new Map<string, Identity>();

  constructor(private readonly c: RedisConnection, private readonly outbox: Outbox) {}

  async takeReceived(limit: number): Promise<ReceivedDelivery[]> {
    const ids = await this.c.redis.zrange(`${this.c.p}received`, '0', String(limit - 1));
    if (ids.length === 0) return [];
    const pipe = this.c.pipeline();
    for (const id of ids) pipe.hmget(`${this.c.p}d:${id}`, 'store_id', 'topic', 'body', 'state', 'content_hash');
    const rows = await this.c.exec(pipe);
    const out: ReceivedDelivery[] = [];
    if (this.identities.size > KEEP) this.identities.clear();
    ids.forEach((id, i) => {
      const [storeId, topic, body, state, contentHash] = rows[i] as (string | null)[];
      if (state !== 'received' || !storeId || !topic || body == null) return;
      this.identities.set(id, { storeId, topic, contentHash: contentHash ?? null });
      out.push({ id, storeId, topic: topic as DeliveryTopic, body });
    });
    return out;
  }

  async planningState(deliveryId: string, keys: readonly string[], consentEmail?: string | null, totalsEmail?: string | null): Promise<PlanningState> {
    const gone: PlanningState = { received: false, duplicateOf: null, planned: new Set(), paused: false };
    const p = this.c.p;
    const who = this.identities.get(deliveryId) ?? await this.identity(deliveryId);
    if (!who) return gone;
    const pipe = this.c.pipeline()
      .hget(`${p}d:${deliveryId}`, 'state')
      .sismember(`${p}paused`, who.storeId)
      .hget(`${p}content:${who.storeId}`, `${who.topic}|${who.contentHash ?? ''}`);
    pipe.hmget(`${p}consent:${who.storeId}:${consentEmail ?? ''}`, ...CONSENT_CHANNELS.map((ch) => `n:${ch}`));
    pipe.hget(`${p}totals:${who.storeId}:${totalsEmail ?? ''}`, 's');
    if (keys.length) pipe.hmget(`${p}planned:${who.storeId}`, ...keys);
    const [state, paused, holder, newest, totals, planned] = await this.c.exec(pipe) as [string | null, number, string | null, (string | null)[], string | null, (string | null)[] | undefined];
    if (state !== 'received') {
      this.identities.delete(deliveryId);
      return gone;
    }
    // Only an earlier delivery that was mapped makes this one a repeat (a later one mapped first does not).
    let duplicateOf: string | null = null;
    if (who.contentHash !== null && holder && holder !== deliveryId && Number(holder) < Number(deliveryId)
      && await this.c.redis.hget(`${p}d:${holder}`, 'state') === 'processed') duplicateOf = holder;
    return {
      received: true,
      duplicateOf,
      planned: new Set(keys.filter((_, i) => planned?.[i] != null)),
      paused: paused === 1,
      ...(consentEmail ? { consent: consentState(newest) } : {}),
      ...(totalsEmail ? { totals: totals ? JSON.parse(totals) as TotalsState : NO_TOTALS } : {}),
    };
  }

  private async identity(deliveryId: string): Promise<Identity | null> {
    const [storeId, topic, contentHash] = await this.c.redis.hmget(`${this.c.p}d:${deliveryId}`, 'store_id', 'topic', 'content_hash');
    return storeId && topic ? { storeId, topic, contentHash: contentHash ?? null } : null;
  }

  async applyPlan(plan: DeliveryPlan): Promise<'applied' | 'conflict' | 'gone'> {
    const now = Date.now();
    const job = newJob(now, plan.priority);
    const store = planStoreChange(plan, now);
    const payload = {
      delivery: {
        state: plan.state, resource: field(plan.resource), resource_id: field(plan.resourceId), order_number: field(plan.orderNumber),
        email: field(plan.email), note: field(plan.note), error_class: field(plan.error?.class), error_message: field(plan.error?.message),
        ...(plan.body !== undefined ? { body: plan.body } : {}),
      },
      status: plan.status,
      jobs: plan.requests.map((r) => ({
        key: r.key,
        status: job.status,
        fields: {
          kind: r.kind, metric: requestMetric(r), key: r.key, body: JSON.stringify(r.body), attempts: String(job.attempts),
          next_at: String(job.nextAt), priority: String(job.priority), phone_dropped: '0',
        },
      })),
      store: store.lastError ? {
        last_error_at: String(store.lastError.at), last_error_class: store.lastError.class, last_error_message: store.lastError.message,
        last_error_delivery: store.lastError.deliveryId,
      } : {},
      countError: store.countError ?? null,
      recordVersion: plan.recordVersion ?? null,
      ...(plan.consent ? {
        consent: {
          email: plan.consent.email,
          assumed: Object.fromEntries(CONSENT_CHANNELS.map((ch) => [ch, newestField(plan.consent!.assumed[ch])])),
          newest: Object.fromEntries(CONSENT_CHANNELS.map((ch) => [ch, newestField(plan.consent!.newest[ch])])),
          rows: plan.consent.rows.map((r) => ({ field: `r:${r.channel}|${r.status}|${r.at}`, value: JSON.stringify(r) })),
        },
      } : {}),
      ...(plan.totals ? {
        totals: { email: plan.totals.email, assumed: String(plan.totals.assumedVersion), version: String(plan.totals.next.version), state: JSON.stringify(plan.totals.next) },
      } : {}),
    };
    const [res, queued] = await this.c.run('wckApplyPlan', plan.deliveryId, plan.paused ? '1' : '0', plan.state === 'duplicate' ? '1' : '0',
      JSON.stringify(payload)) as ['applied' | 'conflict' | 'gone', string[]?];
    if (res !== 'conflict') this.identities.delete(plan.deliveryId);
    if (queued?.length) await this.outbox.flush(queued);
    return res;
  }
}

const newestField = (n: ConsentNewest | null): string => (n ? `${n.at}|${n.status}` : '');

function consentState(fields: (string | null)[]): ConsentState {
  const state: ConsentState = { email: null, sms: null };
  CONSENT_CHANNELS.forEach((ch, i) => {
    const v = fields[i];
    if (!v) return;
    const cut = v.lastIndexOf('|');
    state[ch] = { at: v.slice(0, cut), status: v.slice(cut + 1) as ConsentNewest['status'] };
  });
  return state;
}
