/**
 * Memory: the sidecar's resident set (VmRSS, sampled every second) while it takes 500 deliveries/s for 60 s,
 * open loop, ten stores. Klaviyo's limits let it send far less than that (4 events per order), so the backlog
 * grows all along: the point is that it grows in storage (SQLite's file, or Redis), not in the sidecar's memory.
 * Runs on each backend in turn.
 */
import type { KlaviyoDouble } from '@wck/klaviyo-double';
import { createStores, f, knob, load, sampleRss, startSidecar } from './common.js';
import { onEachBackend, type Backend, type BackendFactory, type OnBackend } from './redis-backend.js';

export interface RssResult {
  seconds: number;
  perSecond: number;
  deliveries: number;
  errors: number;
  ackP50: number;
  ackP99: number;
  achievedPerSecond: number;
  startMb: number;
  maxMb: number;
  finalMb: number;
  samples: number[];
  sentToKlaviyo: number;
  throttled: number;
  maxLagMs: number;
}

/** Measures on each backend in turn (never two at once), each fresh. */
export function runRss(double: KlaviyoDouble, backends: BackendFactory[]): Promise<OnBackend<RssResult>[]> {
  return onEachBackend('rss', backends, (backend) => rssOn(double, backend));
}

async function rssOn(double: KlaviyoDouble, backend: Backend): Promise<RssResult> {
  const seconds = knob('BENCH_RSS_SECONDS', 60);
  const perSecond = 500;
  double.reset();
  double.setRateLimits({ enabled: true, scale: 1 });
  const sidecar = await startSidecar(double.url, backend.env, backend.entry);
  try {
    const stores = await createStores(sidecar.url, 10, `rss-${backend.id}`);
    const rss = sampleRss(sidecar.pid);
    process.stdout.write(`rss: ${perSecond} deliveries/s for ${seconds} s\n`);
    const r = await load({ origin: sidecar.url, stores, firstOrderId: 9_000_000, perSecond, seconds, connections: 64 });
    const samples = rss.stop();
    const result: RssResult = {
      seconds, perSecond, deliveries: r.sent.length, errors: r.errors, ackP50: r.p50, ackP99: r.p99, achievedPerSecond: r.rps,
      startMb: samples[0] ?? NaN, maxMb: Math.max(...samples), finalMb: samples.at(-1) ?? NaN, samples,
      sentToKlaviyo: double.requests.filter((q) => q.status === 202).length,
      throttled: double.requests.filter((q) => q.status === 429).length, maxLagMs: r.maxLagMs,
    };
    process.stdout.write(`rss: max ${f(result.maxMb)} MB, final ${f(result.finalMb)} MB, ${r.errors} errors, p99 ack ${f(r.p99, 2)} ms\n`);
    return result;
  } finally {
    await sidecar.stop();
    double.reset();
  }
}
