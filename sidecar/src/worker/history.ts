/**
 * The history sync's reader: for each store whose run is running, reads the next page of customers, then orders,
 * from the plugin's signed machine route (`history/customers`, `history/orders`: the JSON WooCommerce's webhooks
 * carry, keyset-paged by modified date and id), stores every record as a delivery of a history topic (durable before
 * anything else), and only then saves the run with the cursor moved on (compare-and-set on its version). A crash in
 * between reads the same page again; its records are repeats of the same content and keys, so nothing is sent twice.
 *
 * Live first: a page is read only while no delivery waits to be mapped and fewer than `maxReadyJobs` jobs wait to be
 * sent, so a live delivery never queues behind more than one page; history's jobs are backlog (sent after live jobs,
 * and the rate limiter holds them while a live request waits).
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { mapDelivery, MappingError } from '../mapping/index.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import {
  applyPage, applyPageFailure, applyTotals, currentResource, HISTORY_PAGE_SIZE, pageSince, withAllResources, HISTORY_RESOURCES, type HistoryResource, type HistoryRun, type PageResult,
} from '../sync/history.js';
import { HISTORY_TOPICS } from '../woo/topics.js';
import { callPlugin } from './wordpress.js';
import { WakeLoop } from './wake-loop.js';

/** What the plugin's history route answers. */
export const HistoryPageSchema = z.object({
  items: z.array(z.unknown()),
  next: z.string().nullable(),
  total: z.number().int().nonnegative().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;

export interface HistoryPageQuery {
  /** The keyset cursor to read after (null: from the start). */
  after: string | null;
  /** Only records modified at or after this ISO time (null: all). */
  modifiedAfter: string | null;
  /** Records to return; 0 answers only the total. */
  limit: number;
}

export interface HistoryRunnerOptions {
  /** Longest wait between looks for running runs. */
  pollMs?: number;
  /** A page is read only while fewer jobs than this wait to be sent. */
  maxReadyJobs?: number;
  pageSize?: number;
  timeoutMs?: number;
  now?: () => number;
}

const sha = (topic: string, body: string) => createHash('sha256').update(topic).update('\n').update(body).digest('hex');

export class HistoryRunner {
  private readonly loop = new WakeLoop(() => this.tick());

  constructor(
    private readonly storage: Storage,
    private readonly stores: StoreCache,
    private readonly log: FastifyBaseLogger,
    private readonly kick: () => void,
    private readonly opts: HistoryRunnerOptions = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  start(): void {
    this.wake();
  }

  /** Look for work now (a run was started or resumed). */
  wake(): void {
    this.loop.wake();
  }

  private async tick(): Promise<number> {
    let wait = this.opts.pollMs ?? 1000;
    try {
      for (const storeId of await this.storage.runningHistory()) {
        if (this.loop.stopped) return wait;
        const r = await this.step(storeId);
        if (r === 'more') wait = 0;
        else if (r === 'held') wait = Math.min(wait, 100);
        else if (typeof r === 'number') wait = Math.min(wait, Math.max(10, r - this.now()));
      }
    } catch (err) {
      this.log.error({ err }, 'history sync: a step failed; will try again');
      wait = 1000;
    }
    return wait;
  }

  /** Whether live work waits: a delivery not yet mapped, or enough jobs to keep the sender busy. */
  private async liveFirst(): Promise<boolean> {
    if ((await this.storage.takeReceived(1)).length > 0) return true;
    return (await this.storage.readyJobs()) >= (this.opts.maxReadyJobs ?? 300);
  }

  /** One page of one store: 'more' when another may follow at once, 'held' while live work goes first, else when to look again. */
  async step(storeId: string): Promise<'more' | 'held' | 'idle' | number> {
    const run = await this.storage.historyRun(storeId);
    if (!run || run.state !== 'running') return 'idle';
    const now = this.now();
    if (run.nextAt > now) return run.nextAt;
    const store = await this.stores.get(storeId);
    if (!store) return 'idle';
    if (store.paused) return now + 5000;
    if (await this.liveFirst()) return 'held';

    const resource = currentResource(run);
    if (!resource) return 'idle';
    const timeout = this.opts.timeoutMs ?? 30_000;
    const read = (r: HistoryResource, after: string | null, limit: number) =>
      callPlugin(store, `history/${r}`, { after, modifiedAfter: pageSince(run, r), limit } satisfies HistoryPageQuery, `the history page of ${r}`, timeout)
        .then(({ result }) => {
          const page = HistoryPageSchema.safeParse(result);
          if (!page.success) throw new Error(`WordPress answered a history page of ${r} that is not one: ${page.error.issues[0]?.message ?? ''}`);
          return page.data;
        });

    try {
      // Totals first, so progress shows done / total from the start.
      const missing = HISTORY_RESOURCES.filter((r) => withAllResources(run).resources[r].total === null);
      if (missing.length) {
        const totals: Partial<Record<HistoryResource, number>> = {};
        for (const r of missing) {
          const t = (await read(r, null, 0)).total;
          if (t !== null) totals[r] = t;
        }
        const next = applyTotals(run, totals, this.now());
        if (next) await this.storage.saveHistoryRun(next, run.version);
        return 'more';
      }
      const from = withAllResources(run).resources[resource].cursor;
      const page = await read(resource, from, this.opts.pageSize ?? HISTORY_PAGE_SIZE);
      const result = await this.storePage(storeId, resource, from, page);
      await this.save(storeId, run, (held) => applyPage(held, result, this.now()));
      this.kick();
      return 'more';
    } catch (err) {
      const message = (err as Error).message;
      this.log.warn({ err, storeId, resource }, 'history sync: reading a page failed; it is read again after a backoff');
      await this.save(storeId, run, (held) => applyPageFailure(held, resource, message, this.now()));
      return this.now() + 1000;
    }
  }

  /** Stores each record of the page as a delivery, in order, and counts what they imply. */
  private async storePage(storeId: string, resource: HistoryResource, from: string | null, page: HistoryPage): Promise<PageResult> {
    const topic = HISTORY_TOPICS[resource];
    const problems: PageResult['problems'] = [];
    let stored = 0;
    let events = 0;
    for (const item of page.items) {
      const recordId = item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number' ? (item as { id: number }).id : null;
      const body = JSON.stringify(item);
      await this.storage.recordDelivery({ storeId, topic, headers: { 'x-wck-history': resource }, body, contentHash: sha(topic, body) });
      stored++;
      // What the record implies, as the planner will map it; a record that cannot be mapped is shown with its id (its
      // delivery is dead in the sync log with the same message, and can be replayed).
      try {
        events += mapDelivery({ storeId, topic, payload: item }).requests.filter((r) => r.kind === 'event').length;
      } catch (err) {
        problems.push({ recordId, message: err instanceof MappingError ? err.message : `Mapping failed: ${(err as Error).message}` });
      }
    }
    return { resource, from, stored, next: page.next, total: page.total, events, problems };
  }

  /** Saves what `change` makes of the stored run, reading it again when another change came first. */
  private async save(storeId: string, read: HistoryRun, change: (held: HistoryRun) => HistoryRun | null): Promise<void> {
    let held: HistoryRun | null = read;
    for (let i = 0; i < 5 && held; i++) {
      const next = change(held);
      if (!next) return;
      if (await this.storage.saveHistoryRun(next, held.version)) return;
      held = await this.storage.historyRun(storeId);
    }
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
