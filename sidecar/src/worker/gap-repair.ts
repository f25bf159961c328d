/**
 * Gap repair's runner: for each store, when the sync core says a check is due (sync/gaps.ts: a day since the last, or
 * a trigger: the plugin reported a webhook re-enabled, Klaviyo answered again after the circuit was open, the sidecar
 * started), it claims the check by saving it over the version it read (of several replicas, one wins; a claim whose
 * replica died lapses and is taken over), reads the orders WooCommerce changed in the check's window from the plugin's
 * signed `history/orders` route page by page, asks storage which of their (id, date_modified) a plan kept, stores
 * only the missing ones as deliveries (`recovered.order`: a change of the last day, sent live so its flows fire;
 * `recovered.order.backfill`: older, sent as backfill), and then saves the check with the cursor moved on.
 *
 * Exactly once: a page is read only once every stored delivery was planned (planning keeps each order state it
 * maps), so a crash after storing a page's records and before saving the cursor reads the page again, finds them
 * held and stores nothing; and what the recovered records imply is keyed like the live webhook's, so Klaviyo gets
 * nothing it has. The finished check's count is logged ("recovered N orders that WooCommerce did not deliver") and
 * shown by the status route.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import {
  applyGapFailure, applyGapPage, beginGapCheck, compareRecords, gapSummary, pageRecord, recordVersion, recoverAsLive, requestGapCheck,
  DEFAULT_GAP_POLICY, type GapCheck, type GapPolicy, type GapReason, type PageRecord,
} from '../sync/gaps.js';
import { HISTORY_PAGE_SIZE } from '../sync/history.js';
import { RECOVERED_TOPICS } from '../woo/topics.js';
import { HistoryPageSchema, type HistoryPageQuery } from './history.js';
import { callPlugin } from './wordpress.js';
import { WakeLoop } from './wake-loop.js';

export interface GapRepairOptions {
  /** How often the stores are looked at (a check runs only when due). */
  pollMs?: number;
  policy?: GapPolicy;
  /** A check that failed is tried again after this. */
  retryMs?: number;
  pageSize?: number;
  timeoutMs?: number;
  now?: () => number;
}

const sha = (topic: string, body: string) => createHash('sha256').update(topic).update('\n').update(body).digest('hex');

export class GapRepair {
  private readonly loop = new WakeLoop(() => this.tick());
  private started = false;
  private readonly abort = new AbortController();
  /** The version this process last saved of each check it holds the claim on. */
  private readonly mine = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly stores: StoreCache,
    private readonly log: FastifyBaseLogger,
    private readonly kick: () => void,
    private readonly opts: GapRepairOptions = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private get policy(): GapPolicy {
    return this.opts.policy ?? DEFAULT_GAP_POLICY;
  }

  /** A restart may have missed deliveries: every store is checked once now, then on schedule. */
  start(): void {
    this.started = true;
    void this.requestAll('sidecar_started');
  }

  /** A trigger: the store is checked at the next look, which is now. */
  async request(storeId: string, reason: GapReason): Promise<GapCheck> {
    for (let i = 0; i < 10; i++) {
      const held = await this.storage.gapCheck(storeId);
      const next = requestGapCheck(held, storeId, reason, this.now());
      if (await this.storage.saveGapCheck(next, held?.version ?? 0)) {
        this.wake();
        return next;
      }
    }
    throw new Error('the gap check changed too often to record the request');
  }

  /** A trigger for every store (the sidecar started, Klaviyo is back). */
  async requestAll(reason: GapReason): Promise<void> {
    try {
      for (const id of await this.storage.listStoreIds()) await this.request(id, reason);
    } catch (err) {
      this.log.warn({ err, reason }, 'gap repair: asking for a check failed; the daily check still runs');
    }
    this.wake();
  }

  wake(): void {
    if (!this.started) return;
    this.loop.wake();
  }

  private async tick(): Promise<number> {
    let wait = this.opts.pollMs ?? 60_000;
    try {
      for (const storeId of await this.storage.listStoreIds()) {
        if (this.loop.stopped) return wait;
        const r = await this.step(storeId);
        if (r === 'more') wait = 0;
        else if (r === 'held') wait = Math.min(wait, 100);
      }
    } catch (err) {
      if (!this.loop.stopped) this.log.error({ err }, 'gap repair: a step failed; will try again');
      wait = Math.min(wait, 5000);
    }
    return wait;
  }

  /** One page of one store's check: 'more' when another follows, 'held' while deliveries wait to be planned. */
  async step(storeId: string): Promise<'more' | 'held' | 'idle'> {
    let check = await this.storage.gapCheck(storeId);
    const now = this.now();
    const ours = check?.running && this.mine.get(storeId) === check.version && check.running.leaseUntil > now;
    if (!ours) {
      const claimed = beginGapCheck(check, storeId, now, this.policy);
      if (!claimed) return 'idle';
      if (!(await this.storage.saveGapCheck(claimed, check?.version ?? 0))) return 'idle'; // another replica claimed it
      if (!claimed.running) {
        this.log.info({ storeId, from: claimed.checkedUntil }, 'gap repair: the store\'s first check; orders WooCommerce changes from now on are compared');
        return 'idle';
      }
      this.mine.set(storeId, claimed.version);
      check = claimed;
    }
    const store = await this.stores.get(storeId);
    if (!store) return 'idle';
    // Every stored delivery is planned first, so what the last page stored is held when the next is compared.
    if ((await this.storage.takeReceived(1)).length > 0) return 'held';

    const run = check!.running!;
    try {
      const query: HistoryPageQuery = { after: run.cursor, modifiedAfter: run.from, limit: this.opts.pageSize ?? HISTORY_PAGE_SIZE };
      const { result } = await callPlugin(store, 'history/orders', { ...query }, 'the gap check\'s page of orders', this.opts.timeoutMs ?? 30_000, this.abort.signal);
      const parsed = HistoryPageSchema.safeParse(result);
      if (!parsed.success) throw new Error(`WordPress answered a page of orders that is not one: ${parsed.error.issues[0]?.message ?? ''}`);
      const page = parsed.data;
      const items = page.items.map((item) => ({ item, record: pageRecord(item) })).filter((x): x is { item: unknown; record: PageRecord } => x.record !== null);
      const held = await this.storage.heldRecordVersions(storeId, items.map((x) => recordVersion('order', x.record.id, x.record.modified)!));
      const verdicts = compareRecords(items.map((x) => x.record), held, run.until);
      let recovered = 0;
      for (const [i, { item, record }] of items.entries()) {
        if (verdicts[i] !== 'missing') continue;
        const topic = recoverAsLive(record.modified, this.now()) ? RECOVERED_TOPICS.live : RECOVERED_TOPICS.backfill;
        const body = JSON.stringify(item);
        await this.storage.recordDelivery({ storeId, topic, headers: { 'x-wck-recovered': run.reason }, body, contentHash: sha(topic, body) });
        recovered++;
      }
      // Pages are ordered by modified date: once one reaches past the window's end, the check is over.
      const next = verdicts.includes('later') ? null : page.next;
      const compared = verdicts.filter((v) => v !== 'later').length;
      const saved = await this.save(storeId, check!, (c) => applyGapPage(c, { from: run.cursor, next, compared, recovered }, this.now()));
      if (recovered) this.kick();
      if (saved && !saved.running) {
        const line = gapSummary(saved);
        this.log.info({ storeId, reason: run.reason, compared: saved.lastCompared, recovered: saved.lastRecovered }, `gap repair: ${line}`);
        return 'idle';
      }
      return saved ? 'more' : 'idle';
    } catch (err) {
      if (this.loop.stopped) return 'idle';
      const message = (err as Error).message;
      this.log.warn({ err, storeId }, 'gap repair: reading a page of orders failed; the check is tried again later');
      await this.save(storeId, check!, (c) => (c.running ? applyGapFailure(c, message, this.now(), this.opts.retryMs) : null));
      return 'idle';
    }
  }

  /** Saves what `change` makes of the check this process holds; null when it no longer holds it. */
  private async save(storeId: string, held: GapCheck, change: (c: GapCheck) => GapCheck | null): Promise<GapCheck | null> {
    const next = change(held);
    if (!next) return null;
    if (!(await this.storage.saveGapCheck(next, held.version))) {
      this.mine.delete(storeId);
      return null;
    }
    if (next.running) this.mine.set(storeId, next.version);
    else this.mine.delete(storeId);
    return next;
  }

  async stop(): Promise<void> {
    const stopped = this.loop.stop();
    this.abort.abort();
    await stopped;
  }
}
