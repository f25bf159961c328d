/**
 * Drain rate: a backlog of order deliveries for one Klaviyo account, sent against the double with Klaviyo's real
 * limits on (POST /api/events: 350/s burst, 3500/min steady, fixed windows). Reports events accepted per minute
 * against the 3500 allowed, and the share of requests Klaviyo would have throttled.
 */
import type { KlaviyoDouble } from '@wck/klaviyo-double';
import { createStores, EVENTS_PER_ORDER, f, knob, load, sleep, startSidecar } from './common.js';

export const EVENTS_ALLOWED_PER_MINUTE = 3500;
export const EVENTS_ALLOWED_PER_SECOND = 350;

export interface DrainResult {
  seconds: number;
  warmupSeconds: number;
  backlogOrders: number;
  backlogEvents: number;
  queueSeconds: number;
  accepted: number;
  acceptedSteady: number;
  throttled: number;
  requests: number;
  otherFailures: number;
  perMinute: number;
  perMinuteSteady: number;
  steadySeconds: number;
  idleSeconds: number;
  maxPerSecondWindow: number;
  fullMinuteWindows: { start: string; accepted: number }[];
}

export async function runDrain(double: KlaviyoDouble, env: Record<string, string> = {}): Promise<DrainResult> {
  const seconds = knob('BENCH_DRAIN_SECONDS', 75);
  const warmupSeconds = Math.min(10, seconds / 5);
  const idleSeconds = 3;
  // Enough to keep the sender busy for the whole measurement, with a quarter to spare.
  const backlogOrders = Math.ceil((EVENTS_ALLOWED_PER_MINUTE * (seconds / 60) * 1.25 + EVENTS_ALLOWED_PER_SECOND) / EVENTS_PER_ORDER);
  double.reset();
  double.setRateLimits({ enabled: true, scale: 1 });
  const sidecar = await startSidecar(double.url, env);
  try {
    const [store] = await createStores(sidecar.url, 1, 'drain');
    // A running sidecar, not a fresh one: one order goes through, then the account is idle for a while (its
    // limiter's buckets fill up again) before the backlog lands.
    await load({ origin: sidecar.url, stores: [store!], firstOrderId: 4_999_999, connections: 1, seconds: 60, total: 1 });
    for (let i = 0; i < 100 && double.events.length < EVENTS_PER_ORDER; i++) await sleep(50);
    await sleep(idleSeconds * 1000);
    double.reset();
    const t0 = Date.now();
    process.stdout.write(`drain: queueing ${backlogOrders} orders (${backlogOrders * EVENTS_PER_ORDER} events)\n`);
    const queued = await load({ origin: sidecar.url, stores: [store!], firstOrderId: 5_000_000, connections: 16, seconds: 600, total: backlogOrders });
    if (queued.errors) throw new Error(`drain: ${queued.errors} deliveries of the backlog were refused`);
    const queueSeconds = (Date.now() - t0) / 1000;
    process.stdout.write(`drain: backlog queued in ${f(queueSeconds)} s; draining for ${seconds} s\n`);
    await sleep(t0 + seconds * 1000 - Date.now());
    const end = t0 + seconds * 1000;
    const inWindow = double.requests.filter((r) => r.path === '/api/events' && Date.parse(r.at) >= t0 && Date.parse(r.at) < end);
    const ok = inWindow.filter((r) => r.status === 202);
    const throttled = inWindow.filter((r) => r.status === 429).length;
    const steadyFrom = t0 + warmupSeconds * 1000;
    // A minute after the warm-up (or what is left of the run, when it is shorter).
    const steadyTo = Math.min(end, steadyFrom + 60_000);
    const acceptedSteady = ok.filter((r) => Date.parse(r.at) >= steadyFrom && Date.parse(r.at) < steadyTo).length;
    // The double's windows: fixed seconds and fixed minutes of the clock.
    const perSecond = new Map<number, number>();
    const perMinute = new Map<number, number>();
    for (const r of ok) {
      const t = Date.parse(r.at);
      perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
      perMinute.set(Math.floor(t / 60_000), (perMinute.get(Math.floor(t / 60_000)) ?? 0) + 1);
    }
    const fullMinuteWindows = [...perMinute.entries()]
      .filter(([m]) => m * 60_000 >= t0 && (m + 1) * 60_000 <= end)
      .map(([m, n]) => ({ start: new Date(m * 60_000).toISOString().slice(11, 19), accepted: n }));
    const result: DrainResult = {
      seconds, warmupSeconds, backlogOrders, backlogEvents: backlogOrders * EVENTS_PER_ORDER, queueSeconds,
      accepted: ok.length, acceptedSteady, throttled, requests: inWindow.length,
      otherFailures: inWindow.length - ok.length - throttled,
      perMinute: ok.length / (seconds / 60),
      perMinuteSteady: acceptedSteady / ((steadyTo - steadyFrom) / 60_000),
      steadySeconds: (steadyTo - steadyFrom) / 1000, idleSeconds,
      maxPerSecondWindow: Math.max(0, ...perSecond.values()),
      fullMinuteWindows,
    };
    process.stdout.write(`drain: ${f(result.perMinute, 0)} events/min (${f(result.perMinuteSteady, 0)} after ${warmupSeconds} s), ${throttled} throttled of ${inWindow.length}\n`);
    return result;
  } finally {
    await sidecar.stop();
    double.reset();
  }
}
