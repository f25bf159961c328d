/** Test helpers: a running sidecar (real HTTP on port 0) against the Klaviyo double, and WooCommerce fixtures. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach } from 'node:test';
import { Redis } from 'ioredis';
import { startKlaviyoDouble, type DoubleOptions, type KlaviyoDouble } from '@wck/klaviyo-double';
import { buildApp, type SidecarApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { sign } from '../src/ingress/signature.js';
import { ContractChecker, type Document } from './contract.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
export const SHARED = resolve(REPO, '..', 'shared');
export const FIXTURES = join(SHARED, 'fixtures', 'woocommerce-10.0.2');
export const FIXTURE_SECRET = 'fixture-secret-do-not-use';
/** The site the recorded fixtures came from (their X-WC-Webhook-Source): the stores the tests configure are pinned to it. */
export const FIXTURE_SITE = 'http://127.0.0.1:8881';
export const GOOD_KEY = 'pk_test_0123456789abcdef';

/** Which storage backend the suite runs on: WCK_TEST_BACKEND=redis (Redis at REDIS_TEST_URL) or sqlite. */
export const TEST_BACKEND: 'sqlite' | 'redis' = process.env.WCK_TEST_BACKEND === 'redis' ? 'redis' : 'sqlite';
export const REDIS_TEST_URL = process.env.WCK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Env for a sidecar on the chosen backend: a fresh key prefix per harness on Redis (removed by dropRedisPrefix). */
export function backendEnv(): Record<string, string> {
  if (TEST_BACKEND !== 'redis') return {};
  return { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: `wck-test-${randomBytes(6).toString('hex')}`, REDIS_LEASE_MS: '2000' };
}

/** Deletes every key under a test prefix (never FLUSHDB: the Redis is shared). */
export async function dropRedisPrefix(prefix: string | undefined): Promise<void> {
  if (!prefix || !prefix.startsWith('wck-test-')) return;
  const redis = new Redis(REDIS_TEST_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface Fixture {
  name: string;
  headers: Record<string, string>;
  body: string;
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const d = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { headers: Record<string, string>; body: string };
      return { name, headers: d.headers, body: d.body };
    });
}

export interface Harness {
  double: KlaviyoDouble;
  sidecar: SidecarApp;
  url: string;
  dataDir: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  deliver(storeId: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }>;
  /** `headers`: more WooCommerce headers (e.g. `x-wc-webhook-source`). */
  deliverJson(storeId: string, topic: string, payload: unknown, secret?: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  configureStore(storeId: string, opts?: { secret?: string; key?: string }): Promise<{ status: number; body: any }>;
  drain(storeId: string, timeoutMs?: number): Promise<any>;
  /** Answers that did not match the OpenAPI document (the call that got one throws). */
  contractViolations: string[];
  close(): Promise<void>;
}

export async function startHarness(opts: { env?: Record<string, string>; double?: DoubleOptions; dataDir?: string } = {}): Promise<Harness> {
  const double = await startKlaviyoDouble(opts.double);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'wck-sidecar-'));
  const backend = backendEnv();
  const config = loadConfig({
    ...backend,
    DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', KLAVIYO_API_BASE: double.url, ADMIN_TOKEN: 'test-admin-token-0123456789',
    LOG_LEVEL: 'silent', BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '100', CIRCUIT_COOLDOWN_MS: '50',
    // Gap repair reads the store's WordPress (here a made-up address): on only where a suite turns it on.
    GAP_CHECK_HOURS: '0', ...opts.env,
  });
  const sidecar = await buildApp(config, { logger: false });
  await sidecar.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = sidecar.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const contract = new ContractChecker(await (await fetch(`${url}/openapi.json`)).json() as Document);
  const contractViolations: string[] = [];
  const call = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* keep text */ }
    const violations = contract.check(method, path, res.status, parsed);
    if (violations.length) {
      contractViolations.push(...violations);
      throw new Error(`an answer does not match the OpenAPI document:\n  ${violations.join('\n  ')}`);
    }
    return { status: res.status, body: parsed as any };
  };
  const h: Harness = {
    double, sidecar, url, dataDir, contractViolations,
    admin: (method, path, body) => call(method, path, {
      authorization: `Bearer ${sidecar.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    }, body === undefined ? undefined : JSON.stringify(body)),
    deliver: (storeId, body, headers) => call('POST', `/v1/stores/${storeId}/webhooks/woocommerce`, headers, body),
    deliverJson: (storeId, topic, payload, secret = FIXTURE_SECRET, headers = {}) => {
      const body = JSON.stringify(payload);
      return h.deliver(storeId, body, {
        'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-resource': topic.split('.')[0]!,
        'x-wc-webhook-event': topic.split('.')[1]!, 'x-wc-webhook-signature': sign(body, secret), 'x-wc-webhook-id': '1',
        'x-wc-webhook-delivery-id': Math.random().toString(16).slice(2), ...headers,
      });
    },
    configureStore: (storeId, o = {}) => h.admin('PUT', `/v1/stores/${storeId}`, {
      siteUrl: FIXTURE_SITE, webhookSecret: o.secret ?? FIXTURE_SECRET, klaviyo: { privateKey: o.key ?? GOOD_KEY, listId: 'L00001' },
    }),
    async drain(storeId, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await h.admin('GET', `/v1/stores/${storeId}/status`);
        const q = s.body.queue;
        const busy = q.pending + q.in_flight + q.retrying + (s.body.deliveries.byStatus.pending ?? 0);
        if (busy === 0) return s.body;
        if (Date.now() > until) throw new Error(`queue did not drain: ${JSON.stringify(s.body)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await sidecar.shutdown();
      await double.close();
      await dropRedisPrefix(config.redisUrl ? config.redisPrefix : undefined);
    },
  };
  return h;
}

/** Polls `f` every 25 ms until it gives a truthy value, which it returns; throws naming `what` after `ms`. */
export async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A suite's sidecar against a fake WordPress (a server with the plugin's signed machine routes): registers the hooks
 * that start both before the suite and close both after it, and, before each test, resets the double, lets `reset`
 * clear what the fake recorded, removes the store first if asked, and saves `store` with the fake's address, the
 * fixtures' webhook secret and a good key. The suite reads `ctx.h` and `ctx.wp` inside its tests and hooks.
 */
export function withFakeWordPress<W extends { url: string; close(): Promise<void> }>(opts: {
  store: string;
  start: () => Promise<W>;
  reset?: (wp: W) => void;
  env?: Record<string, string>;
  /** DELETE the store before saving it again (its runs and settings start over; its sync log stays). */
  removeStore?: boolean;
}): { readonly h: Harness; readonly wp: W } {
  let h: Harness | undefined;
  let wp: W | undefined;
  before(async () => {
    h = await startHarness(opts.env ? { env: opts.env } : {});
    wp = await opts.start();
  });
  after(async () => {
    await h?.close();
    await wp?.close();
  });
  beforeEach(async () => {
    h!.double.reset();
    opts.reset?.(wp!);
    if (opts.removeStore) await h!.admin('DELETE', `/v1/stores/${opts.store}`);
    const r = await h!.admin('PUT', `/v1/stores/${opts.store}`, { siteUrl: wp!.url, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } });
    if (r.status !== 200) throw new Error(`saving the store answered ${r.status}: ${JSON.stringify(r.body)}`);
  });
  return { get h() { return h!; }, get wp() { return wp!; } };
}

/** Events the double kept, as "Metric|unique_id|value|currency". */
export function eventKeys(double: KlaviyoDouble): string[] {
  return double.events.map((e) => `${e.metric}|${e.uniqueId}|${e.value}|${e.valueCurrency}`).sort();
}

export function eventRequests(double: KlaviyoDouble): number {
  return double.requests.filter((r) => r.path === '/api/events' && r.status === 202).length;
}

/** A free TCP port on 127.0.0.1, for a process started with a fixed PORT. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

/** Starts the sidecar from source in a process of its own (crash, restart and shutdown tests). */
export function spawnSidecar(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'sidecar/src/server.ts')], {
    cwd: resolve(REPO, 'sidecar'), env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

/** Polls `url + path` every 50 ms until it answers 2xx; throws after `tries` attempts. */
export async function waitOk(url: string, path: '/healthz' | '/readyz', tries: number): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try { if ((await fetch(`${url}${path}`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sidecar did not start');
}
