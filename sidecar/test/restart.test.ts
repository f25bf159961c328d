/**
 * Crash safety: the sidecar runs as a real process and is killed with SIGKILL several times while
 * deliveries stream in and Klaviyo is failing. Every delivery that was answered 200 reaches Klaviyo exactly
 * once, by unique_id.
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
import { FIXTURE_SECRET, freePort, GOOD_KEY, spawnSidecar, waitOk } from './helpers.js';

const TOKEN = 'restart-admin-token-0123456789';
const STORE = 'crash-store';

const exits = new WeakMap<ChildProcess, Promise<unknown>>();

function startSidecar(env: Record<string, string>): ChildProcess {
  const { child, exited } = spawnSidecar(env);
  exits.set(child, exited);
  return child;
}

describe('kill -9 mid-queue', () => {
  let double: KlaviyoDouble;
  let child: ChildProcess | null = null;
  before(async () => { double = await startKlaviyoDouble(); });
  after(async () => { child?.kill('SIGKILL'); await double.close(); });

  it('delivers every acknowledged delivery exactly once across three crashes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wck-crash-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, KLAVIYO_API_BASE: double.url,
      LOG_LEVEL: 'error', BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '200', MAX_ATTEMPTS: '50', CIRCUIT_COOLDOWN_MS: '50' };
    const acked = new Set<number>();
    let nextId = 5000;

    for (let round = 0; round < 3; round++) {
      child = startSidecar(env);
      await waitOk(url, '/healthz', 300);
      if (round === 0) {
        const put = await fetch(`${url}/v1/stores/${STORE}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY } }) });
        assert.equal(put.status, 200);
      }
      // Klaviyo fails often, so work is still queued when the process dies.
      double.clearFaults();
      double.inject({ kind: 'status', status: 503, probability: 0.6 });
      const stream = (async () => {
        for (let i = 0; i < 40; i++) {
          const id = nextId++;
          const body = JSON.stringify(buildOrder({ id, status: 'processing', items: 1 }));
          try {
            const r = await fetch(`${url}/v1/stores/${STORE}/webhooks/woocommerce`, { method: 'POST', body, headers: {
              'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, FIXTURE_SECRET) } });
            if (r.status === 200) acked.add(id);
          } catch { /* the process is gone: not acknowledged */ }
        }
      })();
      // Kill once this round has had some deliveries acknowledged (not after a fixed time: a loaded machine is slow).
      const before = acked.size;
      const give = Date.now() + 10_000;
      while (acked.size < before + 8 + round * 2 && Date.now() < give) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      await stream;
      await exits.get(child!);
    }

    double.clearFaults();
    child = startSidecar(env);
    await waitOk(url, '/healthz', 300);
    const until = Date.now() + 30_000;
    for (;;) {
      const s = await (await fetch(`${url}/v1/stores/${STORE}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as any;
      if (s.queue.pending + s.queue.retrying + s.queue.in_flight + (s.deliveries.byStatus.pending ?? 0) === 0) {
        assert.equal(s.queue.dead, 0);
        break;
      }
      assert.ok(Date.now() < until, `did not drain: ${JSON.stringify(s.queue)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    await exits.get(child!);
    child = null;

    assert.ok(acked.size > 20, `enough deliveries were acknowledged (${acked.size})`);
    const byUnique = new Map<string, number>();
    for (const e of double.events) byUnique.set(e.uniqueId!, (byUnique.get(e.uniqueId!) ?? 0) + 1);
    for (const id of acked) {
      assert.equal(byUnique.get(`woo:${STORE}:order:${id}:placed`), 1, `order ${id} placed exactly once`);
      assert.equal(byUnique.get(`woo:${STORE}:order:${id}:item:${id * 100 + 1}`), 1, `order ${id} item exactly once`);
    }
    assert.deepEqual(double.invalidRequests().filter((r) => !r.fault), []);
  });
});
