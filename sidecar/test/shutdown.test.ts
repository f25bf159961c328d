/**
 * Graceful shutdown, on the suite's backend: SIGTERM while Klaviyo requests hang. The process stops taking
 * deliveries, finishes the requests in flight, records them, and exits 0; after a restart nothing is sent
 * again and nothing is left in flight.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from './builders.js';
import { backendEnv, dropRedisPrefix, FIXTURE_SECRET, freePort, GOOD_KEY, spawnSidecar, waitOk } from './helpers.js';

const TOKEN = 'shutdown-admin-token-0123456789';
const STORE = 'drain-store';

describe('SIGTERM drains in-flight work', () => {
  let double: KlaviyoDouble;
  let child: ChildProcess | null = null;
  const backend = backendEnv();
  before(async () => { double = await startKlaviyoDouble(); });
  after(async () => {
    child?.kill('SIGKILL');
    await double.close();
    await dropRedisPrefix(backend.REDIS_PREFIX);
  });

  it('finishes the Klaviyo requests in flight, records them, and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...backend, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'wck-drain-')), ADMIN_TOKEN: TOKEN,
      KLAVIYO_API_BASE: double.url, LOG_LEVEL: 'error', BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '200' };
    const run = () => {
      const { child: c, exited: exit } = spawnSidecar(env);
      return { c, exit };
    };
    const admin = async (path: string) => (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
    const waitReady = () => waitOk(url, '/readyz', 300);

    let p = run();
    child = p.c;
    await waitReady();
    const put = await fetch(`${url}/v1/stores/${STORE}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY } }) });
    assert.equal(put.status, 200);

    double.inject({ kind: 'hang', ms: 1500, count: 6, paths: ['/api/events'] });
    const ids = [9100, 9101, 9102];
    for (const id of ids) {
      const body = JSON.stringify(buildOrder({ id, status: 'processing', items: 1 }));
      const r = await fetch(`${url}/v1/stores/${STORE}/webhooks/woocommerce`, { method: 'POST', body, headers: {
        'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, FIXTURE_SECRET) } });
      assert.equal(r.status, 200);
    }
    let s: any;
    for (let i = 0; i < 200; i++) {
      s = await admin(`/v1/stores/${STORE}/status`);
      // Six events hang; each order's totals profile request (not hung) is done.
      if (s.queue.in_flight === 6 && s.queue.done === 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(s.queue.in_flight, 6, `all six events are in flight: ${JSON.stringify(s.queue)}`);

    const t0 = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const during = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    assert.ok(during === 503 || during === 0, `not ready while draining (${during})`);
    assert.equal(await p.exit, 0, 'exits 0 after draining');
    assert.ok(Date.now() - t0 >= 1000, 'it waited for the hanging requests');
    child = null;
    const accepted = (id: number) => double.requests.filter((r) => r.path === '/api/events' && r.status === 202
      && String((r.body as any)?.data?.attributes?.unique_id).startsWith(`woo:${STORE}:order:${id}:`)).length;
    for (const id of ids) assert.equal(accepted(id), 2, `order ${id}: both events finished during shutdown`);

    // Restart on the same storage: the finished work was recorded, so nothing is sent again.
    double.clearFaults();
    p = run();
    child = p.c;
    await waitReady();
    await new Promise((r) => setTimeout(r, 500));
    s = await admin(`/v1/stores/${STORE}/status`);
    assert.deepEqual({ pending: s.queue.pending, in_flight: s.queue.in_flight, retrying: s.queue.retrying, done: s.queue.done }, { pending: 0, in_flight: 0, retrying: 0, done: 9 });
    for (const id of ids) assert.equal(accepted(id), 2, `order ${id} not sent again`);
    child.kill('SIGTERM');
    assert.equal(await p.exit, 0);
    child = null;
  });
});
