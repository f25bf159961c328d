/**
 * Thousands of generated malformed deliveries against a real sidecar process: each gets a 4xx, the process
 * never crashes, its memory stays flat, and the good deliveries interleaved with them are all delivered.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from './builders.js';
import { REPO } from './helpers.js';

const SECRET = 'storm-secret-0123456789';
const TOKEN = 'storm-admin-token-0123456789';
const ROUNDS = 4;
const BAD_PER_ROUND = 1000;

function rng(seed: number) {
  let a = seed;
  return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 2 ** 32; };
}

type Req = { path: string; body: string; headers: Record<string, string> };

function badDelivery(i: number, rand: () => number): Req {
  const path = '/v1/stores/storm/webhooks/woocommerce';
  const order = JSON.stringify(buildOrder({ id: 900000 + i, status: 'processing', items: 1 }));
  const signed = (body: string, topic = 'order.created'): Req => ({ path, body, headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-signature': sign(body, SECRET) } });
  switch (i % 11) {
    case 0: { const b = order.slice(0, Math.floor(rand() * (order.length - 1))); return signed(b); } // truncated
    case 1: return signed(`{"id": ${i}, "status": "processing", }`); // invalid JSON
    case 2: return { ...signed(order), headers: { ...signed(order).headers, 'x-wc-webhook-signature': sign(order, 'not-the-secret') } };
    case 3: return { path, body: order, headers: { 'content-type': 'application/json' } }; // missing headers
    case 4: return { ...signed(order), headers: { ...signed(order).headers, 'content-type': ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', ''][i % 4]! } };
    case 5: { const b = JSON.stringify({ id: i, pad: 'x'.repeat(70_000) }); return signed(b); } // over MAX_BODY_BYTES
    case 6: return signed(order, ['coupon.created', 'coupon.updated', 'action.woocommerce_x', 'order.exploded'][i % 4]!);
    case 7: return { ...signed(order), path: `/v1/stores/nope-${i % 5}/webhooks/woocommerce` };
    case 8: return signed(JSON.stringify({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot view this resource.', data: { status: 401 } }));
    case 9: return signed('['.repeat(5000) + ']'.repeat(5000));
    default: return signed(JSON.stringify({ id: i, line_items: Array.from({ length: 5000 }, (_, k) => ({ id: k })) }));
  }
}

describe('a storm of bad input', () => {
  let double: KlaviyoDouble;
  before(async () => { double = await startKlaviyoDouble(); });
  after(() => double.close());

  it('answers every bad delivery with a 4xx, stays up with flat memory, and delivers the good ones', async () => {
    const port = await new Promise<number>((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'sidecar/src/server.ts')], {
      cwd: resolve(REPO, 'sidecar'), stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'wck-storm-')), ADMIN_TOKEN: TOKEN,
        KLAVIYO_API_BASE: double.url, LOG_LEVEL: 'error', MAX_BODY_BYTES: '65536' },
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 200; i++) { try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 50)); }
      const put = await fetch(`${url}/v1/stores/storm`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ siteUrl: 'http://shop.example', webhookSecret: SECRET, klaviyo: { privateKey: 'pk_storm_00000000000' } }) });
      assert.equal(put.status, 200);
      const pool = new Pool(url, { connections: 16 });
      const rand = rng(7);
      const statuses = new Map<number, number>();
      const good: number[] = [];
      const rss: number[] = [];
      let n = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const batch: Promise<void>[] = [];
        for (let k = 0; k < BAD_PER_ROUND; k++) {
          const i = n++;
          const r = badDelivery(i, rand);
          batch.push(pool.request({ method: 'POST', path: r.path, body: r.body, headers: r.headers }).then(async (res) => {
            await res.body.dump();
            assert.ok(res.statusCode >= 400 && res.statusCode < 500, `bad delivery ${i} (kind ${i % 11}) got ${res.statusCode}`);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          }));
          if (k % 40 === 0) {
            const id = 100000 + n;
            good.push(id);
            const body = JSON.stringify(buildOrder({ id, status: 'processing', items: 1 }));
            batch.push(pool.request({ method: 'POST', path: '/v1/stores/storm/webhooks/woocommerce', body,
              headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, SECRET) } })
              .then(async (res) => { await res.body.dump(); assert.equal(res.statusCode, 200); }));
          }
          if (batch.length >= 64) await Promise.all(batch.splice(0));
        }
        await Promise.all(batch);
        rss.push(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024);
      }
      await pool.close();
      assert.equal(child.exitCode, null, 'the process is still running');
      for (const code of [400, 401, 404, 413, 415, 422]) assert.ok((statuses.get(code) ?? 0) > 0, `some deliveries got ${code}`);
      // Memory stays flat: the last round does not grow past the first by more than half.
      assert.ok(rss[rss.length - 1]! < rss[0]! * 1.5, `RSS per round (MB): ${rss.map((x) => x.toFixed(0)).join(', ')}`);

      const until = Date.now() + 30_000;
      for (;;) {
        const placed = new Set(double.events.filter((e) => e.metric === 'Placed Order').map((e) => e.uniqueId));
        if (good.every((id) => placed.has(`woo:storm:order:${id}:placed`))) break;
        assert.ok(Date.now() < until, `good deliveries missing: ${good.filter((id) => !placed.has(`woo:storm:order:${id}:placed`)).length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const log = await (await fetch(`${url}/v1/stores/storm/deliveries?status=rejected&limit=5`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { items: unknown[] };
      assert.equal(log.items.length, 5, 'rejections are recorded in the sync log');
      assert.deepEqual(double.invalidRequests(), []);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
