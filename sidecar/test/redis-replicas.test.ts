/**
 * Two sidecar processes share one Redis behind round-robin. While signed deliveries stream in and Klaviyo
 * fails often, replicas are killed with SIGKILL (one, the other, both) and restarted. Every delivery that
 * was answered 200 reaches Klaviyo exactly once by unique_id; with no crash, no request is sent twice.
 * Runs in the Redis suite (npm run test:redis).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from './builders.js';
import { dropRedisPrefix, FIXTURE_SECRET, freePort, GOOD_KEY, REDIS_TEST_URL, spawnSidecar, TEST_BACKEND, waitOk } from './helpers.js';

const TOKEN = 'replica-admin-token-0123456789';
const skip = TEST_BACKEND === 'redis' ? false : 'Redis only: runs in npm run test:redis';

interface Replica { url: string; env: Record<string, string>; child: ChildProcess | null; exit: Promise<unknown> | null }

function start(r: Replica): void {
  const { child, exited } = spawnSidecar(r.env);
  r.child = child;
  r.exit = exited;
}

async function kill(r: Replica, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!r.child) return;
  r.child.kill(signal);
  await r.exit;
  r.child = null;
}

async function setup(double: KlaviyoDouble, store: string): Promise<{ replicas: Replica[]; prefix: string }> {
  const prefix = `wck-test-${randomBytes(6).toString('hex')}`;
  // Both replicas share DATA_DIR: the key that seals store secrets must be the same on every replica.
  const dataDir = mkdtempSync(join(tmpdir(), 'wck-replicas-'));
  const replicas: Replica[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    replicas.push({
      url: `http://127.0.0.1:${port}`, child: null, exit: null,
      env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, KLAVIYO_API_BASE: double.url, LOG_LEVEL: 'error',
        BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '200', MAX_ATTEMPTS: '50', CIRCUIT_COOLDOWN_MS: '50',
        REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, REDIS_LEASE_MS: '1500' },
    });
  }
  for (const r of replicas) start(r);
  try {
    for (const r of replicas) await waitOk(r.url, '/readyz', 400);
  } catch (err) {
    // Stop the ones that did start, or they keep the test run alive after this failure.
    for (const r of replicas) await kill(r);
    throw err;
  }
  const ready = await (await fetch(`${replicas[0]!.url}/readyz`)).json() as { backend: string };
  assert.equal(ready.backend, 'redis');
  const put = await fetch(`${replicas[0]!.url}/v1/stores/${store}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY } }) });
  assert.equal(put.status, 200);
  return { replicas, prefix };
}

async function deliver(url: string, store: string, id: number): Promise<boolean> {
  const body = JSON.stringify(buildOrder({ id, status: 'processing', items: 1 }));
  try {
    const r = await fetch(`${url}/v1/stores/${store}/webhooks/woocommerce`, { method: 'POST', body, headers: {
      'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, FIXTURE_SECRET) } });
    return r.status === 200;
  } catch {
    return false; // that replica is down: not acknowledged
  }
}

async function drain(urls: string[], store: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await (await fetch(`${urls[0]}/v1/stores/${store}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as any;
    if (s.queue.pending + s.queue.retrying + s.queue.in_flight + (s.deliveries.byStatus.pending ?? 0) === 0) return s;
    assert.ok(Date.now() < until, `did not drain: ${JSON.stringify(s.queue)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function countByUnique(double: KlaviyoDouble): Map<string, number> {
  const byUnique = new Map<string, number>();
  for (const e of double.events) byUnique.set(e.uniqueId!, (byUnique.get(e.uniqueId!) ?? 0) + 1);
  return byUnique;
}

describe('two replicas on one Redis', { skip }, () => {
  let double: KlaviyoDouble;
  const running: Replica[] = [];
  const prefixes: string[] = [];
  before(async () => { double = await startKlaviyoDouble(); });
  after(async () => {
    for (const r of running) await kill(r);
    await double.close();
    for (const p of prefixes) await dropRedisPrefix(p);
  });

  it('never sends a request twice while both replicas are alive', async () => {
    const STORE = 'replica-calm';
    const { replicas, prefix } = await setup(double, STORE);
    running.push(...replicas);
    prefixes.push(prefix);
    const ids = Array.from({ length: 60 }, (_, i) => 7000 + i);
    const acks = await Promise.all(ids.map((id, i) => deliver(replicas[i % 2]!.url, STORE, id)));
    assert.ok(acks.every(Boolean));
    await drain(replicas.map((r) => r.url), STORE);
    // Each request key was sent once, by one replica: count every 202 request per unique_id, not only the kept events.
    const sent = new Map<string, number>();
    for (const r of double.requests) {
      const u = (r.body as any)?.data?.attributes?.unique_id as string | undefined;
      if (r.path === '/api/events' && r.status === 202 && u?.startsWith(`woo:${STORE}:`)) sent.set(u, (sent.get(u) ?? 0) + 1);
    }
    for (const id of ids) {
      assert.equal(sent.get(`woo:${STORE}:order:${id}:placed`), 1, `order ${id} placed sent once`);
      assert.equal(sent.get(`woo:${STORE}:order:${id}:item:${id * 100 + 1}`), 1, `order ${id} item sent once`);
    }
    for (const r of replicas) await kill(r, 'SIGTERM');
  });

  it('delivers every acknowledged delivery exactly once while replicas are killed with SIGKILL', async () => {
    const STORE = 'replica-crash';
    const { replicas, prefix } = await setup(double, STORE);
    running.push(...replicas);
    prefixes.push(prefix);
    const [a, b] = replicas as [Replica, Replica];
    const acked = new Set<number>();
    let nextId = 8000;
    // Who dies each round: one replica, the other, both at once, the first again.
    const rounds: Replica[][] = [[a], [b], [a, b], [a]];
    for (const [round, victims] of rounds.entries()) {
      double.clearFaults();
      double.inject({ kind: 'status', status: 503, probability: 0.6 });
      let turn = 0;
      const stream = (async () => {
        for (let i = 0; i < 40; i++) {
          const id = nextId++;
          const target = replicas[turn++ % 2]!; // round-robin, as a load balancer without health checks would
          if (await deliver(target.url, STORE, id)) acked.add(id);
        }
      })();
      const before = acked.size;
      const give = Date.now() + 15_000;
      while (acked.size < before + 8 + round * 2 && Date.now() < give) await new Promise((r) => setTimeout(r, 5));
      for (const v of victims) await kill(v);
      await stream;
      for (const v of victims) start(v);
      for (const v of victims) await waitOk(v.url, '/readyz', 400);
    }

    double.clearFaults();
    const s = await drain(replicas.map((r) => r.url), STORE);
    assert.equal(s.queue.dead, 0);
    for (const r of replicas) await kill(r, 'SIGTERM');

    assert.ok(acked.size > 30, `enough deliveries were acknowledged (${acked.size})`);
    const byUnique = countByUnique(double);
    for (const id of acked) {
      assert.equal(byUnique.get(`woo:${STORE}:order:${id}:placed`), 1, `order ${id} placed exactly once`);
      assert.equal(byUnique.get(`woo:${STORE}:order:${id}:item:${id * 100 + 1}`), 1, `order ${id} item exactly once`);
    }
    assert.deepEqual(double.invalidRequests().filter((r) => !r.fault), []);
  });
});
