/**
 * Crash proof of the history sync: the real sidecar process (src/server.ts) reads 3,000 orders of 50 shoppers from
 * the fake WordPress (test/fake-history.ts) and sends them to the Klaviyo double in bulk; it is killed with SIGKILL in
 * the middle of the run (pages read, records stored, bulk jobs in flight), started again on the same data (the same
 * DATA_DIR, or the same Redis prefix with WCK_TEST_BACKEND=redis), and finishes the run. Every order's events are in
 * the double exactly once, the run's counters are exact, and each profile's totals are what its 60 orders add up to.
 * What was sent twice (the one window a crash leaves: Klaviyo accepted a job whose outcome was not yet recorded) is
 * counted and bounded; Klaviyo drops a repeated unique_id, as the double does.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { fakeHistoryWp, historyCustomers, historyOrders, type FakeHistoryWp } from './fake-history.js';
import { backendEnv, dropRedisPrefix, FIXTURE_SECRET, freePort, GOOD_KEY, spawnSidecar, TEST_BACKEND, waitOk } from './helpers.js';

const TOKEN = 'history-crash-admin-token-0123456789';
const STORE = 'history-crash';
const ORDERS = 3000;
const SHOPPERS = 50;

/** Every `unique_id` in a request body, however deep (an event-bulk-create-jobs body holds many). */
function uniqueIds(body: unknown, out: string[] = []): string[] {
  if (Array.isArray(body)) for (const v of body) uniqueIds(v, out);
  else if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      if (k === 'unique_id' && typeof v === 'string') out.push(v);
      else uniqueIds(v, out);
    }
  }
  return out;
}

async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`history sync killed with SIGKILL mid-run (${TEST_BACKEND})`, () => {
  let double: KlaviyoDouble;
  let wp: FakeHistoryWp;
  let child: ChildProcess | null = null;
  const backend = backendEnv();
  before(async () => {
    double = await startKlaviyoDouble();
    wp = await fakeHistoryWp(FIXTURE_SECRET);
    wp.customers = historyCustomers(SHOPPERS);
    wp.orders = historyOrders(ORDERS, SHOPPERS);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await double.close();
    await wp.close();
    await dropRedisPrefix(backend.REDIS_PREFIX);
  });

  it('every order once in the double and the totals exact after a restart on the same data', async () => {
    const started = Date.now();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...backend, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'wck-history-crash-')), ADMIN_TOKEN: TOKEN,
      KLAVIYO_API_BASE: double.url, LOG_LEVEL: 'error', BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '200', CIRCUIT_COOLDOWN_MS: '50',
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(url + path, {
        method, headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() as any };
    };
    const run = async () => (await call('GET', `/v1/stores/${STORE}/history`)).body.run;

    let spawned = spawnSidecar(env);
    child = spawned.child;
    await waitOk(url, '/healthz', 400);
    assert.equal((await call('PUT', `/v1/stores/${STORE}`, { siteUrl: wp.url, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } })).status, 200);
    assert.equal((await call('POST', `/v1/stores/${STORE}/history`, { scope: 'all' })).status, 200);

    // Killed in the middle: a third of the orders read and stored, bulk jobs going out.
    const at = await waitFor('a third of the orders read', async () => {
      const r = await run();
      return r?.orders.done >= ORDERS / 3 ? r : null;
    }, 90_000);
    const sentBefore = double.events.length;
    child.kill('SIGKILL');
    assert.equal(await spawned.exited, null, 'killed, not exited');
    assert.ok(at.orders.done < ORDERS, `killed before the last page (${at.orders.done} read)`);

    spawned = spawnSidecar(env);
    child = spawned.child;
    await waitOk(url, '/healthz', 400);
    const done = await waitFor('the run to finish', async () => {
      const r = await run();
      return r?.state === 'done' ? r : null;
    }, 90_000);
    assert.deepEqual([done.customers, done.orders], [{ done: SHOPPERS, total: SHOPPERS, finished: true }, { done: ORDERS, total: ORDERS, finished: true }]);
    await waitFor('the queue to drain', async () => {
      const s = (await call('GET', `/v1/stores/${STORE}/status`)).body;
      const q = s.queue;
      return q.pending + q.in_flight + q.retrying + (s.deliveries.byStatus.pending ?? 0) === 0 ? s : null;
    }, 90_000);

    const placed = double.events.filter((e) => e.metric === 'Placed Order').map((e) => e.uniqueId!);
    const ordered = double.events.filter((e) => e.metric === 'Ordered Product').map((e) => e.uniqueId!);
    const orderIds = (ids: string[]) => ids.map((u) => Number(/:order:(\d+):/.exec(u)?.[1])).sort((a, b) => a - b);
    const expected = Array.from({ length: ORDERS }, (_, i) => 1000 + i);
    assert.deepEqual(orderIds(placed), expected, 'every order\'s Placed Order, once');
    assert.deepEqual(orderIds(ordered), expected, 'every order\'s Ordered Product, once');
    assert.ok(double.events.every((e) => e.backfill), 'history is backfill');
    for (let i = 0; i < SHOPPERS; i++) {
      const p = double.profileByEmail(`shopper${i}@example.com`)!.attributes.properties as Record<string, unknown>;
      assert.deepEqual([p.TotalOrders, p.LifetimeValue, p.AverageOrderValue], [ORDERS / SHOPPERS, (ORDERS / SHOPPERS) * 30, 30], `shopper${i}'s totals`);
    }
    assert.deepEqual(double.invalidRequests(), []);

    // What went twice: only what was in flight when the process died (Klaviyo drops a repeated unique_id).
    const sent = double.requests.filter((r) => r.path === '/api/event-bulk-create-jobs' && r.status === 202).flatMap((r) => uniqueIds(r.body));
    const repeats = sent.length - new Set(sent).size;
    const perJob = Math.max(...double.requests.filter((r) => r.path === '/api/event-bulk-create-jobs' && r.status === 202).map((r) => uniqueIds(r.body).length));
    console.log(`# ${TEST_BACKEND}: killed at ${at.orders.done}/${ORDERS} orders read, ${sentBefore} events in the double; ${sent.length} events sent, ${repeats} twice; ${Date.now() - started} ms`);
    assert.ok(repeats <= 2 * perJob, `at most the bulk jobs in flight were sent again (${repeats} repeats, ${perJob} events a job)`);
  });
});
