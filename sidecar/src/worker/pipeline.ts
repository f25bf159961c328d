/**
 * The worker's loops: planning received deliveries into jobs (planning.ts), claiming due jobs and sending them to
 * Klaviyo with bounded concurrency, and recording each send's outcome (outcome.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { KlaviyoError } from '../klaviyo/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Job, MappingOutcome, ProductIndexEntry, ReceivedDelivery, Storage } from '../storage/types.js';
import { CONSENT_META_KEY, mergeSubscriptions } from '../mapping/consent.js';
import type { KlaviyoRequest } from '../klaviyo/types.js';
import { METRICS, productIdsOf, type ListInfo } from '../mapping/index.js';
import type { FlowSettings } from '../flows/actions.js';
import { ListLookup } from './lists.js';
import { RevenueMapping } from './mapped-metrics.js';
import { StoreActions } from './store-actions.js';
import { BULK_GATHER, BulkSender, bulkGroups, isBulkable, type BulkGroup } from './bulk-sender.js';
import { applyFailure, applySent, type OutcomeDeps } from './outcome.js';
import { mapReceived, parseBody, planAndApply } from './planning.js';
import type { RetryOptions } from './retry-policy.js';

/**
 * Deliveries mapped per turn of the event loop. Small, so that mapping a backlog (after a pause, or a burst) never
 * holds the loop long enough to delay the acknowledgement of a delivery arriving meanwhile.
 */
const MAP_BATCH = 16;
/** How long mapping waits before it counts the jobs waiting to be sent again, once there are maxReadyJobs. */
const SATURATED_RECHECK_MS = 250;
/** How long a claimed subscription job waits for others to share its Klaviyo job. */
const SUBSCRIPTION_BATCH_MS = 200;

const isSubscription = (j: Job) => j.request.kind === 'subscribe' || j.request.kind === 'unsubscribe';

export interface PipelineOptions {
  concurrency: number;
  retry: RetryOptions;
  /** Longest idle wait between looks at the queue (another replica may have added work). */
  pollMs?: number;
  /**
   * Mapping stops while this many jobs already wait to be sent. Klaviyo's rate limits pace sending far below
   * what ingress takes during a burst, so mapping ahead of the sender only spends the CPU ingress needs; the
   * deliveries are stored either way and are mapped as the backlog drains.
   */
  maxReadyJobs?: number;
  /** Counts every Klaviyo request and what each failure became. */
  metrics?: Metrics;
  /** Polling of profile import jobs (bulk-sender.ts). */
  bulk?: { pollMs?: number; maxPollMs?: number };
}

export class Pipeline {
  private readonly inflight = new Set<Promise<void>>();
  private processing = false;
  private processAgain = false;
  private pumping = false;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private started = false;
  /** Until when mapping is known to be held back by maxReadyJobs (ms epoch): kicks before then change nothing. */
  private saturatedUntil = 0;
  private readonly outcomes: OutcomeDeps;
  private readonly lists: ListLookup;
  private readonly revenue: RevenueMapping;
  private readonly storeActions: StoreActions;
  private readonly bulk: BulkSender;
  private readonly heldSubscriptions: Job[] = [];
  private subscriptionFlush: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly client: KlaviyoClient,
    private readonly stores: StoreCache,
    private readonly log: FastifyBaseLogger,
    private readonly opts: PipelineOptions,
  ) {
    this.outcomes = { storage, stores, log, retry: opts.retry };
    this.lists = new ListLookup(client, stores);
    this.revenue = new RevenueMapping(client, stores, log);
    this.storeActions = new StoreActions(client);
    this.bulk = new BulkSender(client, this.outcomes, (job) => this.send(job), opts.bulk);
  }

  async start(): Promise<void> {
    this.started = true;
    await this.storage.recover();
    this.kick();
  }

  /** New work may be there: process received deliveries, then send. */
  kick(): void {
    if (!this.started || this.stopping) return;
    // Under a burst every accepted delivery kicks. While mapping is held back, counting the ready jobs again for
    // each of them cost ingress a tenth of its time; a look at the end of the hold is enough.
    const held = this.saturatedUntil - Date.now();
    if (held > 0) {
      if (!this.timer) this.schedule(held);
      return;
    }
    void this.process();
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  private async process(): Promise<void> {
    if (this.processing) {
      this.processAgain = true;
      return;
    }
    this.processing = true;
    try {
      do {
        this.processAgain = false;
        for (;;) {
          if (this.stopping) break;
          if ((await this.storage.readyJobs()) >= (this.opts.maxReadyJobs ?? 2000)) {
            this.saturatedUntil = Date.now() + SATURATED_RECHECK_MS;
            this.schedule(SATURATED_RECHECK_MS);
            break;
          }
          const batch = await this.storage.takeReceived(MAP_BATCH);
          if (batch.length === 0) break;
          // The stores' lists first (consent needs them), so that mapping and planning below stay in id order.
          const lists = new Map<string, ListInfo | null>();
          // Only for deliveries carrying consent records: no other delivery asks Klaviyo about the list.
          for (const storeId of new Set(batch.filter((d) => d.body.includes(CONSENT_META_KEY)).map((d) => d.storeId))) {
            lists.set(storeId, await this.lists.get(storeId).catch(() => null));
          }
          // The flow webhook settings of the stores with flow webhooks in the batch (their body paths, property names).
          const flows = new Map<string, FlowSettings | null>();
          for (const storeId of new Set(batch.filter((d) => d.topic.startsWith('klaviyo.flow.')).map((d) => d.storeId))) {
            flows.set(storeId, await this.storage.flowSettings(storeId));
          }
          const payloads = batch.map((d) => parseBody(d.body));
          const products = await this.productLookups(batch, payloads);
          // In id order: a product delivery's index entry is seen by the orders and carts after it in the batch.
          const outcomes = batch.map((d, i) => {
            const known = products.get(d.storeId) ?? new Map<number, ProductIndexEntry>();
            products.set(d.storeId, known);
            const outcome = mapReceived(d, {
              onUnexpected: (err) => this.log.error({ err, deliveryId: d.id }, 'mapping failed unexpectedly'),
              list: lists.get(d.storeId) ?? null, flow: flows.get(d.storeId) ?? null, products: known, payload: payloads[i],
            });
            if (outcome.ok && outcome.result.product) known.set(outcome.result.product.id, outcome.result.product);
            if (outcome.ok && outcome.result.productRemoved !== undefined) known.delete(outcome.result.productRemoved);
            return outcome;
          });
          // The product index entries are kept before their deliveries are planned (a crash between maps them again).
          await this.saveProductIndex(batch, outcomes);
          // In id order, each plan queued before the next one's: of equal deliveries the first is planned first.
          await Promise.all(batch.map((d, i) => planAndApply(this.storage, d.id, outcomes[i]!)));
          void this.pump(); // send what is mapped now: under steady ingress this loop may not end for a long time
          if (batch.length < MAP_BATCH) break;
          await new Promise((r) => setImmediate(r)); // let ingress in between batches
        }
      } while (this.processAgain && !this.stopping);
    } catch (err) {
      this.log.error({ err }, 'processing deliveries failed; will retry');
      this.schedule(1000);
    } finally {
      this.processing = false;
    }
    void this.pump();
  }

  /**
   * The product index entries the batch's orders and carts name, per store: their items' products and variations,
   * then the parents of the variations among them.
   */
  private async productLookups(batch: ReceivedDelivery[], payloads: ReturnType<typeof parseBody>[]): Promise<Map<string, Map<number, ProductIndexEntry>>> {
    const wanted = new Map<string, Set<number>>();
    batch.forEach((d, i) => {
      const p = payloads[i]!;
      if (!p.ok) return;
      const ids = productIdsOf(d.topic, p.value);
      if (ids.length) wanted.set(d.storeId, new Set([...(wanted.get(d.storeId) ?? []), ...ids]));
    });
    const out = new Map<string, Map<number, ProductIndexEntry>>();
    for (const [storeId, ids] of wanted) {
      const found = new Map((await this.storage.products(storeId, [...ids])).map((e) => [e.id, e]));
      const parents = [...new Set([...found.values()].map((e) => e.parentId).filter((p): p is number => p !== null && !found.has(p)))];
      for (const e of await this.storage.products(storeId, parents)) found.set(e.id, e);
      out.set(storeId, found);
    }
    return out;
  }

  /** Saves what the batch's product deliveries said into their stores' product indexes (the last of each id wins). */
  private async saveProductIndex(batch: ReceivedDelivery[], outcomes: MappingOutcome[]): Promise<void> {
    const changes = new Map<string, { entries: Map<number, ProductIndexEntry>; removed: Set<number> }>();
    batch.forEach((d, i) => {
      const o = outcomes[i]!;
      if (!o.ok || (!o.result.product && o.result.productRemoved === undefined)) return;
      let c = changes.get(d.storeId);
      if (!c) changes.set(d.storeId, (c = { entries: new Map(), removed: new Set() }));
      if (o.result.product) {
        c.entries.set(o.result.product.id, o.result.product);
        c.removed.delete(o.result.product.id);
      }
      if (o.result.productRemoved !== undefined) {
        c.entries.delete(o.result.productRemoved);
        c.removed.add(o.result.productRemoved);
      }
    });
    for (const [storeId, c] of changes) await this.storage.saveProducts(storeId, [...c.entries.values()], [...c.removed]);
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.process();
    }, Math.max(0, ms));
    this.timer.unref?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopping) return;
    this.pumping = true;
    try {
      for (;;) {
        const free = this.opts.concurrency - this.inflight.size;
        if (free <= 0 || this.stopping) return;
        let jobs: Job[];
        try {
          jobs = await this.storage.claimJobs(free, Date.now());
        } catch (err) {
          // Storage unreachable (e.g. Redis restarting): look again soon rather than crash.
          this.log.error({ err }, 'claiming jobs failed; will retry');
          this.schedule(1000);
          return;
        }
        if (jobs.length === 0) {
          if (this.inflight.size === 0) {
            const poll = this.opts.pollMs ?? 1000;
            let next: number | null;
            try {
              next = await this.storage.nextDueAt();
            } catch (err) {
              this.log.error({ err }, 'reading when the next job is due failed; will look again');
              next = null;
            }
            this.schedule(next == null ? poll : Math.min(poll, Math.max(5, next - Date.now())));
          }
          return;
        }
        // Backlog events and profiles (a history sync) go as bulk jobs: gather more of them than one claim holds.
        let gathered = jobs.filter(isBulkable).length;
        while (gathered > 0 && gathered < BULK_GATHER && !this.stopping) {
          const more = await this.storage.claimJobs(Math.min(250, BULK_GATHER - gathered), Date.now()).catch(() => [] as Job[]);
          jobs.push(...more);
          const added = more.filter(isBulkable).length;
          gathered += added;
          if (added === 0 || more.length < 250) break;
        }
        for (const group of bulkGroups(jobs.filter(isBulkable))) this.track(this.sendBulk(group), group.jobs);
        const subscriptions = jobs.filter(isSubscription);
        if (subscriptions.length) this.holdSubscriptions(subscriptions);
        for (const group of batches(jobs.filter((j) => !isSubscription(j) && !isBulkable(j)))) {
          const p: Promise<void> = this.sendGroup(group)
            .catch((err: unknown) => this.log.error({ err, jobIds: group.jobs.map((j) => j.id) }, 'recording a send outcome failed'))
            .finally(() => {
              this.inflight.delete(p);
              void this.pump();
            });
          this.inflight.add(p);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Subscription jobs wait up to SUBSCRIPTION_BATCH_MS for others claimed meanwhile, then go as few Klaviyo jobs as
   * Klaviyo's limits allow (a claim takes at most `concurrency` jobs, events and subscriptions mixed). The wait holds
   * one of the concurrency slots, so shutdown waits for it too.
   */
  private holdSubscriptions(jobs: Job[]): void {
    this.heldSubscriptions.push(...jobs);
    if (this.subscriptionFlush) return;
    const p: Promise<void> = new Promise((r) => setTimeout(r, SUBSCRIPTION_BATCH_MS))
      .then(() => {
        const held = this.heldSubscriptions.splice(0);
        this.subscriptionFlush = null;
        return Promise.all(batches(held).map((g) => this.sendGroup(g)));
      })
      .then(() => undefined)
      .catch((err: unknown) => this.log.error({ err }, 'recording a subscription outcome failed'))
      .finally(() => {
        this.inflight.delete(p);
        void this.pump();
      });
    this.subscriptionFlush = p;
    this.inflight.add(p);
  }

  private track(send: Promise<void>, jobs: Job[]): void {
    const p: Promise<void> = send
      .catch((err: unknown) => this.log.error({ err, jobIds: jobs.map((j) => j.id) }, 'recording a bulk send outcome failed'))
      .finally(() => {
        this.inflight.delete(p);
        void this.pump();
      });
    this.inflight.add(p);
  }

  private async sendBulk(group: BulkGroup): Promise<void> {
    let store;
    try {
      store = await this.stores.get(group.storeId);
    } catch (err) {
      const failure = { errorClass: 'internal', message: `Reading the store failed: ${(err as Error).message}`, responseStatus: null };
      for (const j of group.jobs) await this.storage.settleJob(j, { kind: 'retry', failure, delayMs: 1000, consumesAttempt: false }, Date.now());
      return;
    }
    if (!store) {
      for (const j of group.jobs) await this.storage.settleJob(j, { kind: 'dead', failure: { errorClass: 'unknown_store', message: 'The store was removed.', responseStatus: null } }, Date.now());
      return;
    }
    await this.bulk.send(store, group);
  }

  private sendGroup(group: Batch): Promise<void> {
    if (group.jobs.length === 1 && group.request === group.jobs[0]!.request) return this.send(group.jobs[0]!);
    return this.send(group.jobs[0]!, group);
  }

  /** Sends a job, or a batch of subscription jobs merged into one Klaviyo job (`group`), and records the outcome of each. */
  private async send(job: Job, group?: Batch): Promise<void> {
    const jobs = group?.jobs ?? [job];
    const request = group?.request ?? job.request;
    let store;
    try {
      store = await this.stores.get(job.storeId);
    } catch (err) {
      // Give the job back rather than leave it in flight.
      const failure = { errorClass: 'internal', message: `Reading the store failed: ${(err as Error).message}`, responseStatus: null };
      for (const j of jobs) await this.storage.settleJob(j, { kind: 'retry', failure, delayMs: 1000, consumesAttempt: false }, Date.now());
      return;
    }
    if (!store) {
      for (const j of jobs) await this.storage.settleJob(j, { kind: 'dead', failure: { errorClass: 'unknown_store', message: 'The store was removed.', responseStatus: null } }, Date.now());
      return;
    }
    let status: number;
    const metrics = this.opts.metrics;
    const started = performance.now();
    try {
      status = request.kind === 'store'
        ? await this.storeActions.run(store, request, job.priority)
        : (await this.client.send(store.privateKey, request, job.priority)).status;
    } catch (err) {
      const answered = err instanceof KlaviyoError ? (err.errorClass === 'circuit_open' ? 'circuit_open' : err.status ?? 'network') : 'network';
      metrics?.sent(job.storeId, request, answered, (performance.now() - started) / 1000);
      for (const j of jobs) {
        const became = await applyFailure(this.outcomes, j, err);
        metrics?.failed(j.storeId, became);
      }
      return;
    }
    metrics?.sent(job.storeId, request, status, (performance.now() - started) / 1000);
    for (const j of jobs) await applySent(this.outcomes, j, status);
    if (request.kind === 'event' && request.metric === METRICS.placed) void this.revenue.placedOrderSent(job.storeId);
  }

  /** Stops taking work and waits for the requests already sent. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    // Jobs claimed while stopping began are sent too: wait until nothing is in flight or being claimed.
    while (this.inflight.size > 0 || this.pumping || this.processing) {
      if (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      else await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Jobs sent together: one job, or subscription jobs of one store merged into one Klaviyo job. */
interface Batch {
  jobs: Job[];
  request: KlaviyoRequest;
}

/**
 * The claimed jobs as sends: subscription jobs of the same store, kind, list and import mode waiting together go as one
 * Klaviyo job (up to 1000 profiles to subscribe, 100 to unsubscribe); every other job alone.
 */
export function batches(jobs: Job[]): Batch[] {
  const out: Batch[] = [];
  const subs = new Map<string, Job[]>();
  for (const j of jobs) {
    if (j.request.kind === 'subscribe' || j.request.kind === 'unsubscribe') subs.set(`${j.storeId}|${j.priority}`, [...(subs.get(`${j.storeId}|${j.priority}`) ?? []), j]);
    else out.push({ jobs: [j], request: j.request });
  }
  for (const group of subs.values()) {
    const requests = group.map((j) => j.request as Extract<KlaviyoRequest, { kind: 'subscribe' | 'unsubscribe' }>);
    for (const m of mergeSubscriptions(requests)) {
      const members = m.indexes.map((i) => group[i]!);
      if (members.length === 1) out.push({ jobs: members, request: members[0]!.request });
      else out.push({ jobs: members, request: { kind: m.kind, key: members[0]!.request.key, channel: requests[m.indexes[0]!]!.channel, body: m.body } as KlaviyoRequest });
    }
  }
  return out;
}
