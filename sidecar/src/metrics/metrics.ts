/**
 * The sidecar's Prometheus metrics (prom-client, a registry of its own per app). Counters are counted where things
 * happen (ingress, the sender); queue depth, dead letters and circuit state are read when scraped, for the stores
 * this process has seen since it started (received a delivery for, sent for, or had configured).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitBreaker } from '../klaviyo/circuit-breaker.js';
import { accountIdForKey } from '../klaviyo/rate-limiter.js';
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';

const CIRCUIT = { closed: 0, half_open: 1, open: 2 } as const;

export const endpointOf = (r: KlaviyoRequest): string => ({
  event: '/api/events', profile: '/api/profile-import',
  subscribe: '/api/profile-subscription-bulk-create-jobs', unsubscribe: '/api/profile-subscription-bulk-delete-jobs',
  catalog: '/api/catalog-*-bulk-*-jobs',
  store: 'wordpress:flow-actions',
  privacy_deletion: '/api/data-privacy-deletion-jobs',
  back_in_stock: '/api/back-in-stock-subscriptions',
})[r.kind];

export class Metrics {
  readonly registry = new Registry();
  private readonly seen = new Set<string>();
  private readonly received: Counter<'store' | 'topic' | 'outcome'>;
  private readonly requests: Counter<'store' | 'endpoint' | 'status'>;
  private readonly throttles: Counter<'store' | 'endpoint'>;
  private readonly outcomes: Counter<'store' | 'outcome'>;
  private readonly latency: Histogram<'store' | 'endpoint'>;

  constructor(deps: { storage: Storage; stores: StoreCache; breaker: CircuitBreaker }) {
    const registers = [this.registry];
    this.received = new Counter({
      name: 'wck_deliveries_received_total', help: 'WooCommerce deliveries received, by topic and outcome (accepted or the rejection code).',
      labelNames: ['store', 'topic', 'outcome'], registers,
    });
    this.requests = new Counter({
      name: 'wck_klaviyo_requests_total', help: 'Requests sent to Klaviyo, by endpoint and HTTP status (network, circuit_open when none came back).',
      labelNames: ['store', 'endpoint', 'status'], registers,
    });
    this.throttles = new Counter({
      name: 'wck_klaviyo_throttled_total', help: 'Klaviyo answers 429 (rate limited).', labelNames: ['store', 'endpoint'], registers,
    });
    this.outcomes = new Counter({
      name: 'wck_send_outcomes_total', help: 'What a failed send became: retry, dead (dead-lettered), paused (store key refused), retry_without_phone.',
      labelNames: ['store', 'outcome'], registers,
    });
    this.latency = new Histogram({
      name: 'wck_klaviyo_send_duration_seconds', help: 'Time from sending a request to Klaviyo to its answer (including waiting for the rate limiter).',
      labelNames: ['store', 'endpoint'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
    const seen = this.seen;
    new Gauge({
      name: 'wck_queue_jobs', help: 'Jobs by state (pending, in_flight, retrying, paused, done, dead).', labelNames: ['store', 'state'], registers,
      async collect() {
        this.reset();
        for (const store of seen) {
          const stats = await deps.storage.stats(store, Date.now());
          for (const [state, n] of Object.entries(stats.queue)) this.set({ store, state }, n);
        }
      },
    });
    new Gauge({
      name: 'wck_dead_letters', help: 'Jobs dead-lettered and waiting for a replay.', labelNames: ['store'], registers,
      async collect() {
        this.reset();
        for (const store of seen) this.set({ store }, (await deps.storage.stats(store, Date.now())).queue.dead);
      },
    });
    new Gauge({
      name: 'wck_klaviyo_circuit_state', help: 'The circuit of the store\'s Klaviyo account: 0 closed, 1 half open, 2 open.', labelNames: ['store'], registers,
      async collect() {
        this.reset();
        for (const store of seen) {
          const s = await deps.stores.get(store);
          if (s) this.set({ store }, CIRCUIT[deps.breaker.stateOf(accountIdForKey(s.privateKey))]);
        }
      },
    });
  }

  /** A configured store: its gauges are scraped from now on. */
  storeSeen(store: string): void {
    this.seen.add(store);
  }

  /** A delivery answered at ingress. `known`: the store is configured (otherwise its id, taken from the URL, is not a label). */
  delivery(store: string, known: boolean, topic: string | null, outcome: string): void {
    if (known) this.seen.add(store);
    this.received.inc({ store: known ? store : '', topic: topic ?? '', outcome });
  }

  /** A request Klaviyo answered (or did not). */
  sent(store: string, request: KlaviyoRequest, status: number | 'network' | 'circuit_open', seconds: number): void {
    this.seen.add(store);
    const endpoint = endpointOf(request);
    this.requests.inc({ store, endpoint, status: String(status) });
    if (status === 429) this.throttles.inc({ store, endpoint });
    if (status !== 'circuit_open') this.latency.observe({ store, endpoint }, seconds);
  }

  /** What a failed send became. */
  failed(store: string, outcome: string): void {
    this.outcomes.inc({ store, outcome });
  }
}
