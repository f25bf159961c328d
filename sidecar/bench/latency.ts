/**
 * End-to-end latency: from the moment the sidecar acknowledges a delivery to the moment its Klaviyo requests
 * arrive at the double, at a paced 50 deliveries/s (open loop). Ten stores with ten Klaviyo accounts share the
 * load: one account may take 3500 events/min, and 50 orders/s of 4 events each is 12000/min, which no single
 * account could take; spread over ten it is 20 events/s per account, under every limit. Runs on each backend in
 * turn.
 */
import type { KlaviyoDouble } from '@wck/klaviyo-double';
import { createStores, f, knob, load, percentile, sleep, startSidecar } from './common.js';
import { onEachBackend, type Backend, type BackendFactory, type OnBackend } from './redis-backend.js';

export interface LatencyResult {
  seconds: number;
  perSecond: number;
  stores: number;
  deliveries: number;
  errors: number;
  ackP50: number;
  ackP99: number;
  firstP50: number;
  firstP99: number;
  lastP50: number;
  lastP99: number;
  missing: number;
  /** Klaviyo requests per second the sidecar sent while deliveries arrived (4 per delivery are needed to keep up). */
  sendRateDuringLoad: number;
  throttled: number;
  maxLagMs: number;
}

/** Measures on each backend in turn (never two at once), each fresh. */
export function runLatency(double: KlaviyoDouble, backends: BackendFactory[]): Promise<OnBackend<LatencyResult>[]> {
  return onEachBackend('latency', backends, (backend) => latencyOn(double, backend));
}

async function latencyOn(double: KlaviyoDouble, backend: Backend): Promise<LatencyResult> {
  const seconds = knob('BENCH_LATENCY_SECONDS', 20);
  const perSecond = 50;
  const storeCount = 10;
  double.reset();
  double.setRateLimits({ enabled: true, scale: 1 });
  const sidecar = await startSidecar(double.url, backend.env, backend.entry);
  try {
    const stores = await createStores(sidecar.url, storeCount, `e2e-${backend.id}`);
    process.stdout.write(`latency: ${perSecond} deliveries/s for ${seconds} s over ${storeCount} stores\n`);
    const firstOrderId = 7_000_000;
    const t0 = Date.now();
    const r = await load({ origin: sidecar.url, stores, firstOrderId, perSecond, seconds, connections: 16 });
    const t1 = Date.now();
    const sentDuringLoad = double.requests.filter((q) => q.path === '/api/events' && Date.parse(q.at) >= t0 && Date.parse(q.at) < t1).length;
    const acked = new Map(r.sent.filter((s) => s.status === 200).map((s) => [s.orderId, s.ackAt]));
    // Wait until every acknowledged order's four events arrived (or 30 s).
    const arrivals = () => {
      const byOrder = new Map<number, number[]>();
      for (const req of double.requests) {
        if (req.path !== '/api/events' || req.status !== 202) continue;
        const uid = (req.body as { data?: { attributes?: { unique_id?: string } } } | null)?.data?.attributes?.unique_id ?? '';
        const id = Number(/:order:(\d+):/.exec(uid)?.[1]);
        if (!acked.has(id)) continue;
        const list = byOrder.get(id) ?? [];
        list.push(Date.parse(req.at));
        byOrder.set(id, list);
      }
      return byOrder;
    };
    let byOrder = arrivals();
    for (let i = 0; i < 300 && [...acked.keys()].some((id) => (byOrder.get(id)?.length ?? 0) < 4); i++) {
      await sleep(100);
      byOrder = arrivals();
    }
    const first: number[] = [];
    const last: number[] = [];
    let missing = 0;
    for (const [id, ackAt] of acked) {
      const times = byOrder.get(id);
      if (!times || times.length < 4) { missing++; continue; }
      // The double stamps arrivals to the millisecond; an arrival in the same millisecond as the ack counts as 0.
      first.push(Math.max(0, Math.min(...times) - ackAt));
      last.push(Math.max(0, Math.max(...times) - ackAt));
    }
    first.sort((a, b) => a - b);
    last.sort((a, b) => a - b);
    const result: LatencyResult = {
      seconds, perSecond, stores: storeCount, deliveries: r.sent.length, errors: r.errors, ackP50: r.p50, ackP99: r.p99,
      firstP50: percentile(first, 50), firstP99: percentile(first, 99), lastP50: percentile(last, 50), lastP99: percentile(last, 99),
      missing, sendRateDuringLoad: sentDuringLoad / ((t1 - t0) / 1000), throttled: double.requests.filter((q) => q.status === 429).length, maxLagMs: r.maxLagMs,
    };
    process.stdout.write(`latency: first request p50 ${f(result.firstP50)} ms p99 ${f(result.firstP99)} ms; all four p50 ${f(result.lastP50)} ms p99 ${f(result.lastP99)} ms\n`);
    return result;
  } finally {
    await sidecar.stop();
    double.reset();
  }
}
