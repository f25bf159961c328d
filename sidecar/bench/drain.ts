/**
 * Drain rate: a backlog of order deliveries for one Klaviyo account, sent against the double with Klaviyo's real
 * limits on (POST /api/events: 350/s burst, 3500/min steady, fixed windows). Reports events accepted per minute
 * against the 3500 allowed, and the share of requests Klaviyo would have throttled. Runs on each backend in turn;
 * on a backend that replicas can share (Redis) also with several sidecars sending for the same account, whose
 * shared limiter must keep them together under the account's limit.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { KlaviyoDouble } from '@wck/klaviyo-double';
import { createStores, EVENTS_PER_ORDER, f, knob, load, sleep, startSidecar, type SidecarProc } from './common.js';
import { onBackend, type Backend, type BackendFactory, type OnBackend } from './redis-backend.js';

export const EVENTS_ALLOWED_PER_MINUTE = 3500;
export const EVENTS_ALLOWED_PER_SECOND = 350;

export interface DrainResult {
  /** Sidecar processes sending for the account (all on one backend, sharing its queue and rate limiter). */
  replicas: number;
  /** With several replicas: the event requests each one sent to Klaviyo during the measurement (any answer). */
  requestsPerReplica?: number[];
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

/** One drain measurement: a backend, and how many sidecars share it (more than one only where replicas can). */
export interface DrainRun { backend: BackendFactory; replicas: number }

/** Measures each run in turn (never two at once), each on a fresh backend. */
export async function runDrain(double: KlaviyoDouble, runs: DrainRun[]): Promise<OnBackend<DrainResult>[]> {
  const out: OnBackend<DrainResult>[] = [];
  for (const run of runs) {
    out.push(await onBackend('drain', run.backend, (b) => drainOn(double, b, run.replicas), run.replicas > 1 ? `${run.replicas} replicas` : undefined));
  }
  return out;
}

async function drainOn(double: KlaviyoDouble, backend: Backend, replicas: number): Promise<DrainResult> {
  const seconds = knob('BENCH_DRAIN_SECONDS', 70);
  const warmupSeconds = Math.min(10, seconds / 5);
  const idleSeconds = 3;
  // Enough to keep the sender busy for the whole measurement, with a quarter to spare.
  const backlogOrders = Math.ceil((EVENTS_ALLOWED_PER_MINUTE * (seconds / 60) * 1.25 + EVENTS_ALLOWED_PER_SECOND) / EVENTS_PER_ORDER);
  double.reset();
  double.setRateLimits({ enabled: true, scale: 1 });
  const sidecars: SidecarProc[] = [];
  // With several replicas each reaches the double through its own counting relay, so the report can show that every
  // one of them sent (the double cannot tell them apart).
  const relays: Relay[] = [];
  try {
    for (let i = 0; i < replicas; i++) {
      if (replicas > 1) relays.push(await countingRelay(double.url));
      const klaviyo = relays[i]?.url ?? double.url;
      // Replicas share DATA_DIR: the key that seals store secrets must be the same on each of them.
      sidecars.push(await startSidecar(klaviyo, i === 0 ? backend.env : { ...backend.env, DATA_DIR: sidecars[0]!.dataDir }, backend.entry));
    }
    const [store] = await createStores(sidecars[0]!.url, 1, `drain-${backend.id}-${replicas}`);
    // A running sidecar, not a fresh one: one order goes through each replica, then the account is idle for a while
    // (its limiter's buckets fill up again) before the backlog lands.
    for (const [i, s] of sidecars.entries()) {
      await load({ origin: s.url, stores: [store!], firstOrderId: 4_999_000 + i, connections: 1, seconds: 60, total: 1 });
    }
    for (let i = 0; i < 100 && double.events.length < EVENTS_PER_ORDER * replicas; i++) await sleep(50);
    await sleep(idleSeconds * 1000);
    double.reset();
    for (const r of relays) r.reset();
    const t0 = Date.now();
    process.stdout.write(`drain: queueing ${backlogOrders} orders (${backlogOrders * EVENTS_PER_ORDER} events)${replicas > 1 ? `, split over ${replicas} replicas` : ''}\n`);
    // The backlog is split evenly over the replicas, each taking its share at the same time.
    const share = Math.ceil(backlogOrders / replicas);
    const queued = await Promise.all(sidecars.map((s, i) => load({
      origin: s.url, stores: [store!], firstOrderId: 5_000_000 + i * 1_000_000, connections: Math.max(1, Math.floor(16 / replicas)), seconds: 600,
      total: Math.min(share, backlogOrders - i * share),
    })));
    const refused = queued.reduce((n, q) => n + q.errors, 0);
    if (refused) throw new Error(`${refused} deliveries of the backlog were refused`);
    const queueSeconds = (Date.now() - t0) / 1000;
    process.stdout.write(`drain: backlog queued in ${f(queueSeconds)} s; draining for ${seconds} s\n`);
    await sleep(t0 + seconds * 1000 - Date.now());
    const end = t0 + seconds * 1000;
    const requestsPerReplica = relays.length ? relays.map((r) => r.count()) : undefined;
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
      replicas, requestsPerReplica, seconds, warmupSeconds, backlogOrders, backlogEvents: backlogOrders * EVENTS_PER_ORDER, queueSeconds,
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
    // The first replica's stop deletes the shared data directory: stop it last.
    for (const s of sidecars.reverse()) await s.stop();
    for (const r of relays) await r.close();
    double.reset();
  }
}

interface Relay { url: string; count(): number; reset(): void; close(): Promise<void> }

/**
 * A TCP relay to the double that counts the event requests passing through it (their request lines, also when one
 * is split across two chunks). It only copies bytes, so the sidecar still sees the double's answers and headers.
 */
async function countingRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const needle = 'POST /api/events ';
  let n = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    sockets.add(client).add(upstream);
    let carry = '';
    client.on('data', (chunk: Buffer) => {
      const text = carry + chunk.toString('latin1');
      for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
      carry = text.slice(-(needle.length - 1));
    });
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the relay has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    count: () => n,
    reset: () => { n = 0; },
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    }),
  };
}
