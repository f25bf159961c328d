/**
 * No Klaviyo private key, admin token or webhook secret may appear in any log line, status response or error.
 * The sidecar runs as a real process at debug level; everything it prints is captured and searched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from './builders.js';
import { REPO } from './helpers.js';

const KEY = 'pk_secretkeyvalue9988776655';
const BAD_KEY = 'pk_bad_secretvalue1122334455';
const TOKEN = 'admintokenvalue-5566778899aabbcc';
const SECRET = 'webhooksecretvalue-0011223344';

describe('secrets stay secret', () => {
  let double: KlaviyoDouble;
  before(async () => { double = await startKlaviyoDouble(); });
  after(() => double.close());

  it('never prints or returns a key, token or webhook secret', async () => {
    const port = await new Promise<number>((res) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'sidecar/src/server.ts')], {
      cwd: resolve(REPO, 'sidecar'), stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'wck-secrets-')), ADMIN_TOKEN: TOKEN,
        KLAVIYO_API_BASE: double.url, LOG_LEVEL: 'trace', BACKOFF_BASE_MS: '10', BACKOFF_MAX_MS: '20', MAX_ATTEMPTS: '2', CIRCUIT_COOLDOWN_MS: '20' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const exited = new Promise((r) => child.once('exit', r));
    const responses: string[] = [];
    const call = async (method: string, path: string, body?: unknown, auth = TOKEN) => {
      for (let i = 0; i < 200; i++) {
        try {
          const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
          const text = await r.text();
          responses.push(text);
          return text;
        } catch { await new Promise((r) => setTimeout(r, 50)); }
      }
      throw new Error('sidecar did not answer');
    };
    const store = (key: string) => ({ siteUrl: 'http://shop.example', webhookSecret: SECRET, klaviyo: { privateKey: key } });
    try {
      await call('PUT', '/v1/stores/s1', store(BAD_KEY));
      await call('PUT', '/v1/stores/s1', store(KEY));
      await call('POST', '/v1/klaviyo/verify-key', { privateKey: BAD_KEY });
      await call('PUT', '/v1/stores/s1', { ...store(KEY), webhookSecret: 'short' });
      await call('GET', '/v1/stores/s1/status', undefined, 'wrong-token');
      await call('GET', `/v1/stores/s1/status?token=${TOKEN}`, undefined, 'wrong-token');
      const body = JSON.stringify(buildOrder({ id: 1, status: 'processing', items: 1 }));
      const deliver = (b: string, sig: string) => fetch(`${url}/v1/stores/s1/webhooks/woocommerce`, { method: 'POST', body: b,
        headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sig } }).then((r) => r.text()).then((t) => responses.push(t));
      await deliver(body, sign(body, SECRET));
      await deliver(body, sign(body, 'wrong'));
      double.inject({ kind: 'status', status: 500, count: 3 });
      await deliver(JSON.stringify(buildOrder({ id: 2, status: 'processing', items: 1 })), sign(JSON.stringify(buildOrder({ id: 2, status: 'processing', items: 1 })), SECRET));
      double.revokeKey(KEY);
      await deliver(JSON.stringify(buildOrder({ id: 3, status: 'processing', items: 1 })), sign(JSON.stringify(buildOrder({ id: 3, status: 'processing', items: 1 })), SECRET));
      await new Promise((r) => setTimeout(r, 500));
      await call('GET', '/v1/stores/s1/status');
      await call('GET', '/v1/stores/s1/deliveries?limit=100');
      await call('GET', '/v1/stores/s1/deliveries/1');
      await call('GET', '/v1/stores/s1/klaviyo/lists');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    assert.ok(output.split('\n').length > 20, 'the process logged at trace level');
    assert.match(output, /incoming request/);
    const everything = output + responses.join('\n');
    for (const secret of [KEY, BAD_KEY, TOKEN, SECRET, KEY.slice(3, 20), TOKEN.slice(0, 16), SECRET.slice(0, 16)]) {
      assert.ok(!everything.includes(secret), `"${secret.slice(0, 6)}…" leaked: ${everything.split('\n').find((l) => l.includes(secret))?.slice(0, 300)}`);
    }
  });
});
