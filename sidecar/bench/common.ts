/**
 * Shared pieces of the benchmarks: knobs, free ports, a sidecar in its own process (the built dist/server.js),
 * stores with their own Klaviyo keys, an open-loop and a closed-loop load generator, percentiles and RSS sampling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from '../test/builders.js';
import { freePort, REPO } from '../test/helpers.js';

export { REPO };
export const SECRET = 'bench-secret-0123456789';
export const TOKEN = 'bench-admin-token-0123456789';

/** Benchmarks read their knobs here (never the sidecar's config module: these are not sidecar settings). */
export function knob(name: string, def: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? def : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
}
export function textKnob(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { freePort };

export async function waitUp(url: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${url} did not start`);
}

export interface SidecarProc {
  url: string;
  pid: number;
  child: ChildProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `node sidecar/dist/server.js` (build first) on a free port with a fresh data directory. `entry` runs
 * another build instead (an A/B comparison of two versions in one run).
 */
export async function startSidecar(klaviyoUrl: string, env: Record<string, string> = {}, entry = resolve(REPO, 'sidecar', 'dist', 'server.js')): Promise<SidecarProc> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(textKnob('BENCH_DIR') ?? tmpdir(), 'wck-bench-'));
  const child = spawn(process.execPath, [entry], {
    cwd: resolve(REPO, 'sidecar'),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, KLAVIYO_API_BASE: klaviyoUrl, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(`${url}/healthz`, child);
  return {
    url, pid: child.pid!, child, dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers `count` stores, each with its own Klaviyo private key (Klaviyo's limits are per account). */
export async function createStores(sidecarUrl: string, count: number, prefix = 'bench'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    const r = await fetch(`${sidecarUrl}/v1/stores/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ siteUrl: `http://shop${i}.example`, webhookSecret: SECRET, klaviyo: { privateKey: `pk_bench_${prefix.replace(/[^A-Za-z0-9]/g, '')}${i}_000000000000` } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`creating store ${id} answered ${r.status}: ${text}`);
    ids.push(id);
  }
  return ids;
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

// Built once with a sentinel id and specialised by string replacement: building each order afresh costs the
// generator a third of a millisecond, which on a busy 2-core machine is what it would end up measuring.
const SENTINEL = 987654321;
const TEMPLATE = JSON.stringify(buildOrder({ id: SENTINEL, status: 'processing', items: 3 }));

/** A signed order.created delivery: 3 line items, so 4 Klaviyo events (Placed Order + 3 Ordered Product). */
export function orderDelivery(orderId: number): { body: string; headers: Record<string, string> } {
  const body = TEMPLATE.replaceAll(String(SENTINEL), String(orderId));
  return { body, headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, SECRET) } };
}
export const EVENTS_PER_ORDER = 4;

/** ackAt is wall-clock (Date.now, as the double stamps arrivals); latencyMs is measured on the monotonic clock. */
export interface Sent { orderId: number; storeId: string; status: number; dueAt: number; ackAt: number; latencyMs: number; serviceMs: number }
/** p50/p99 run from when each request was due; serviceP99 from when it was actually sent (what the server alone cost). */
export interface LoadResult { sent: Sent[]; errors: number; seconds: number; rps: number; p50: number; p99: number; serviceP99: number; maxLagMs: number }

export interface LoadOptions {
  origin: string;
  stores: string[];
  /** First order id; every delivery gets the next one, so none is deduplicated. */
  firstOrderId: number;
  connections?: number;
  seconds?: number;
  /** Closed loop with `connections` requests always in flight when absent; a fixed arrival rate otherwise. */
  perSecond?: number;
  /** Closed loop only: stop after this many deliveries. */
  total?: number;
  /** Where a store's deliveries go (default: the sidecar's webhook route). */
  pathFor?: (storeId: string) => string;
}

/**
 * Sends deliveries. Open loop (perSecond): each one is due at t0 + i/perSecond and is sent then whether or not
 * earlier ones were answered; latency runs from when it was due, so a stalled server cannot hide its stall
 * (no coordinated omission). maxLagMs says how late the generator itself was.
 */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const connections = o.connections ?? 32;
  const pool = new Pool(o.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const pathFor = o.pathFor ?? ((s: string) => `/v1/stores/${s}/webhooks/woocommerce`);
  const sent: Sent[] = [];
  let errors = 0;
  let n = 0;
  let maxLagMs = 0;
  const now = () => performance.now();
  const one = async (dueAt: number) => {
    const i = n++;
    const orderId = o.firstOrderId + i;
    const storeId = o.stores[i % o.stores.length]!;
    const d = orderDelivery(orderId);
    let status = 0;
    const sendAt = now();
    try {
      const r = await pool.request({ method: 'POST', path: pathFor(storeId), body: d.body, headers: d.headers });
      await r.body.dump();
      status = r.statusCode;
    } catch {
      status = -1;
    }
    if (status !== 200) errors++;
    const done = now();
    sent.push({ orderId, storeId, status, dueAt, ackAt: Date.now(), latencyMs: done - dueAt, serviceMs: done - sendAt });
  };
  const t0 = now();
  const durationMs = (o.seconds ?? 8) * 1000;
  if (o.perSecond === undefined) {
    await Promise.all(Array.from({ length: connections }, async () => {
      while (now() - t0 < durationMs && (o.total === undefined || n < o.total)) await one(now());
    }));
  } else {
    const inflight = new Set<Promise<void>>();
    const interval = 1000 / o.perSecond;
    const count = Math.floor(durationMs / interval);
    for (let i = 0; i < count; i++) {
      const due = t0 + i * interval;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      maxLagMs = Math.max(maxLagMs, now() - due);
      const p = one(due).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  }
  const seconds = (now() - t0) / 1000;
  await pool.close();
  const lat = sent.map((s) => s.latencyMs).sort((a, b) => a - b);
  const service = sent.map((x) => x.serviceMs).sort((a, b) => a - b);
  return { sent, errors, seconds, rps: sent.length / seconds, p50: percentile(lat, 50), p99: percentile(lat, 99), serviceP99: percentile(service, 99), maxLagMs };
}

/** Samples VmRSS of a process every `everyMs` until stopped; returns MB values. */
export function sampleRss(pid: number, everyMs = 1000): { stop(): number[]; samples: number[] } {
  const samples: number[] = [];
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kb)) samples.push(kb / 1024);
    } catch { /* the process is gone */ }
  };
  read();
  const t = setInterval(read, everyMs);
  return { samples, stop: () => { clearInterval(t); read(); return samples; } };
}

export const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
