/**
 * Tenant isolation: every store has its own credential, scoped to its routes; connection codes work once and expire;
 * neither ever reaches a log line or a later answer. Store routes are enumerated from the app's own OpenAPI document
 * (built from the route table), so a route added later is covered without touching this test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { redeemConnectCode } from '../src/api/access.js';
import { encodeConnectCode, parseConnectCode, sidecarId } from '../src/api/credentials.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ConnectCodeError } from '../src/errors.js';
import { buildOrder } from './builders.js';
import { ContractChecker, type Document } from './contract.js';
import { backendEnv, dropRedisPrefix, FIXTURE_SECRET, GOOD_KEY, startHarness, type Harness } from './helpers.js';

const A = 'tenant-a';
const B = 'tenant-b';

interface Op { method: string; path: string; auth: string; hasBody: boolean }

function operations(doc: Document): Op[] {
  const d = doc as unknown as { paths: Record<string, Record<string, { 'x-auth'?: string; requestBody?: unknown }>> };
  return Object.entries(d.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(), path, auth: op['x-auth'] ?? '', hasBody: op.requestBody !== undefined,
  })));
}

describe('tenant isolation', () => {
  let h: Harness;
  let doc: Document;
  let checker: ContractChecker;
  const cred: Record<string, string> = {};

  /** A request with a Bearer token (or none), its answer checked against the document. */
  async function call(token: string | null, method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(h.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: any = text;
    try { parsed = JSON.parse(text); } catch { /* text */ }
    const violations = checker.check(method, path.split('?')[0]!, res.status, parsed);
    assert.deepEqual(violations, [], `${method} ${path} answers as documented`);
    return { status: res.status, body: parsed, text };
  }

  async function connect(storeId: string): Promise<string> {
    const code = await h.admin('POST', `/v1/stores/${storeId}/connect-codes`);
    assert.equal(code.status, 200);
    assert.match(code.body.code, /^wckc_[A-Za-z0-9_-]+$/);
    const r = await call(null, 'POST', '/v1/connect', { code: code.body.code });
    assert.equal(r.status, 200);
    assert.equal(r.body.storeId, storeId);
    assert.match(r.body.credential, /^wcks_[A-Za-z0-9_-]{43}$/);
    return r.body.credential as string;
  }

  const storeBody = { siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } };

  before(async () => {
    h = await startHarness();
    doc = await (await fetch(`${h.url}/openapi.json`)).json() as Document;
    checker = new ContractChecker(doc);
    for (const s of [A, B]) {
      cred[s] = await connect(s);
      // The store saves its own configuration with its credential.
      assert.equal((await call(cred[s]!, 'PUT', `/v1/stores/${s}`, storeBody)).status, 200);
    }
    for (const s of [A, B]) {
      const order = buildOrder({ id: s === A ? 8101 : 8201, status: 'processing', items: 1 });
      assert.equal((await h.deliverJson(s, 'order.created', order)).status, 200);
      await h.drain(s);
    }
  });
  after(() => h.close());

  it('declares a credential on every route, and only store routes take a store credential', () => {
    const ops = operations(doc);
    for (const op of ops) assert.ok(['admin', 'store', 'metrics', 'none'].includes(op.auth), `${op.method} ${op.path} declares its credential`);
    for (const op of ops.filter((o) => o.auth === 'store')) assert.ok(op.path.startsWith('/v1/stores/{storeId}'), `${op.method} ${op.path}`);
    assert.deepEqual(ops.filter((o) => o.auth === 'none').map((o) => `${o.method} ${o.path}`).sort(),
      ['GET /healthz', 'GET /openapi.json', 'GET /readyz', 'POST /v1/connect', 'POST /v1/stores/{storeId}/klaviyo/flow-webhooks/{action}',
        'POST /v1/stores/{storeId}/webhooks/woocommerce']);
  });

  it('answers 403 to store A\'s credential on every one of store B\'s routes, and changes nothing of B', async () => {
    const bDelivery = (await call(cred[B]!, 'GET', `/v1/stores/${B}/deliveries`)).body.items[0].id as string;
    const snapshot = async () => JSON.stringify({
      status: { ...(await h.admin('GET', `/v1/stores/${B}/status`)).body, eventsPerMinute: 0 },
      log: (await h.admin('GET', `/v1/stores/${B}/deliveries`)).body,
      detail: (await h.admin('GET', `/v1/stores/${B}/deliveries/${bDelivery}`)).body,
      stores: (await h.admin('GET', '/v1/stores')).body,
    });
    const beforeB = await snapshot();
    // Not counted: the revenue mapping that B's own first Placed Order starts (worker/mapped-metrics.ts) may land meanwhile.
    const asked = () => h.double.requests.filter((r) => !r.path.startsWith('/api/metrics') && !r.path.startsWith('/api/mapped-metrics')).length;
    const requestsBefore = asked();
    const storeOps = operations(doc).filter((o) => o.auth === 'store');
    assert.ok(storeOps.length >= 9, `every store route is enumerated (${storeOps.length})`);
    const forbidden = { error: { code: 'forbidden', message: 'This credential does not open this store\'s routes.' } };
    for (const op of storeOps) {
      const path = op.path.replace('{storeId}', B).replace('{id}', bDelivery);
      const body = op.hasBody ? (op.path.endsWith('/verify-key') ? { privateKey: GOOD_KEY } : storeBody) : undefined;
      for (const token of [cred[A]!, 'wcks_wrong-but-well-formed-0123456789abcdefghijklmnop', 'not-a-credential-at-all']) {
        const r = await call(token, op.method, path, body);
        assert.deepEqual([r.status, r.body], [403, forbidden], `${op.method} ${path} refuses ${token === cred[A] ? 'A\'s credential' : 'a wrong token'}`);
      }
      assert.equal((await call(null, op.method, path, body)).status, 401, `${op.method} ${path} without a token`);
    }
    assert.equal(await snapshot(), beforeB, 'store B is as it was');
    assert.equal(asked(), requestsBefore, 'Klaviyo was asked nothing on B\'s behalf');
    // A's own credential opens A's routes of the same shape (so the 403 above is about the store, not the route).
    for (const op of storeOps.filter((o) => o.method === 'GET')) {
      assert.notEqual((await call(cred[A]!, op.method, op.path.replace('{storeId}', A).replace('{id}', '1'))).status, 403, op.path);
    }
    // An unknown store looks the same as another store's to a store credential: ids cannot be probed.
    assert.equal((await call(cred[A]!, 'GET', '/v1/stores/no-such-store/status')).status, 403);
    assert.equal((await h.admin('GET', '/v1/stores/no-such-store/status')).status, 404);
  });

  it('keeps the admin routes for the admin token: a store credential gets 401 there', async () => {
    for (const op of operations(doc).filter((o) => o.auth === 'admin' || o.auth === 'metrics')) {
      const path = op.path.replace('{storeId}', A);
      const body = op.hasBody ? { privateKey: GOOD_KEY } : undefined;
      const r = await fetch(h.url + path, { method: op.method, headers: { authorization: `Bearer ${cred[A]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      assert.equal(r.status, 401, `${op.method} ${path}`);
    }
    assert.equal((await h.admin('GET', `/v1/stores/${B}/status`)).status, 200, 'the admin token opens every store\'s routes');
    const list = (await h.admin('GET', '/v1/stores')).body.stores.filter((s: { storeId: string }) => [A, B].includes(s.storeId));
    assert.deepEqual(list.map((s: { storeId: string; configured: boolean; hasCredential: boolean }) => [s.storeId, s.configured, s.hasCredential]), [[A, true, true], [B, true, true]]);
  });

  it('rotates a credential: the old one is refused at once, the new one works', async () => {
    const old = cred[A]!;
    const r = await call(old, 'POST', `/v1/stores/${A}/credential`);
    assert.equal(r.status, 200);
    assert.notEqual(r.body.credential, old);
    assert.equal((await call(old, 'GET', `/v1/stores/${A}/status`)).status, 403, 'the rotated credential stops at once');
    assert.equal((await call(r.body.credential, 'GET', `/v1/stores/${A}/status`)).status, 200);
    cred[A] = r.body.credential;
    // The admin token can issue one too (a self-hoster's exchange); then the store's previous one is dead.
    const issued = await h.admin('POST', `/v1/stores/${A}/credential`);
    assert.equal((await call(cred[A]!, 'GET', `/v1/stores/${A}/status`)).status, 403);
    cred[A] = issued.body.credential;
    assert.equal((await call(cred[A]!, 'GET', `/v1/stores/${A}/status`)).status, 200);
  });

  it('takes a code once, refuses an expired, malformed, foreign or removed-store code in plain words, and changes nothing then', async () => {
    const code = (await h.admin('POST', `/v1/stores/${B}/connect-codes`)).body.code as string;
    const claim = parseConnectCode(code);
    assert.equal(claim.s, B);
    assert.equal(claim.u, h.url);
    // Expired: redeemed past its time (CONNECT_CODE_TTL_S, default 900 s).
    await assert.rejects(redeemConnectCode(h.sidecar.storage, h.sidecar.adminToken, code, Date.now() + 901_000),
      (e: unknown) => e instanceof ConnectCodeError && e.problem === 'connect_code_expired' && /has expired/.test(e.message));
    // The expired attempt used it up: it never works afterwards either.
    const used = await call(null, 'POST', '/v1/connect', { code });
    assert.deepEqual([used.status, used.body.error.code], [409, 'connect_code_used']);
    assert.equal((await call(cred[B]!, 'GET', `/v1/stores/${B}/status`)).status, 200, 'B\'s credential still works after refused codes');

    const fresh = (await h.admin('POST', `/v1/stores/${B}/connect-codes`)).body.code as string;
    const cases: [string, unknown, number, string, RegExp][] = [
      ['malformed', 'wckc_!!!', 400, 'connect_code_malformed', /not a connection code/],
      ['pasted without its prefix', fresh.slice(5), 400, 'connect_code_malformed', /start with "wckc_"/],
      ['not JSON inside', `wckc_${Buffer.from('nope').toString('base64url')}`, 400, 'connect_code_malformed', /pasted whole/],
      ['another sidecar\'s', encodeConnectCode({ ...parseConnectCode(fresh), i: sidecarId('another-admin-token-0123') }), 400, 'connect_code_other_sidecar', /another sidecar/],
      ['unknown', encodeConnectCode({ ...parseConnectCode(fresh), k: 'x'.repeat(32) }), 404, 'connect_code_unknown', /no such connection code/],
    ];
    for (const [name, c, status, errorCode, words] of cases) {
      const r = await call(null, 'POST', '/v1/connect', { code: c });
      assert.equal(r.status, status, name);
      assert.equal(r.body.error.code, errorCode, name);
      assert.match(r.body.error.message, words, name);
      assert.match(r.body.error.message, /Nothing was changed\./, name);
    }
    assert.equal((await call(null, 'POST', '/v1/connect', {})).status, 400, 'no code');
    // The refused codes left the fresh one usable.
    const ok = await call(null, 'POST', '/v1/connect', { code: fresh });
    assert.equal(ok.status, 200);
    assert.equal((await call(cred[B]!, 'GET', `/v1/stores/${B}/status`)).status, 403, 'redeeming a code replaced B\'s credential');
    cred[B] = ok.body.credential;
  });

  it('removing a store revokes its credential and its codes', async () => {
    const gone = 'tenant-gone';
    const credential = await connect(gone);
    assert.equal((await call(credential, 'PUT', `/v1/stores/${gone}`, storeBody)).status, 200);
    const code = (await h.admin('POST', `/v1/stores/${gone}/connect-codes`)).body.code as string;
    assert.deepEqual((await h.admin('DELETE', `/v1/stores/${gone}`)).body, { storeId: gone, removed: true });
    assert.equal((await h.admin('DELETE', `/v1/stores/${gone}`)).status, 404);
    assert.equal((await call(credential, 'GET', `/v1/stores/${gone}/status`)).status, 403);
    const r = await call(null, 'POST', '/v1/connect', { code });
    assert.deepEqual([r.status, r.body.error.code], [410, 'connect_code_store_removed']);
    assert.match(r.body.error.message, /was removed/);
    assert.equal((await h.deliverJson(gone, 'order.created', buildOrder({ id: 8301, status: 'processing' }))).status, 404);
    assert.ok(!(await h.admin('GET', '/v1/stores')).body.stores.some((s: { storeId: string }) => s.storeId === gone));
  });

  it('lets one of two racing redeemers take a code', async () => {
    const code = (await h.admin('POST', `/v1/stores/${B}/connect-codes`)).body.code as string;
    const answers = await Promise.all([1, 2, 3].map(() => call(null, 'POST', '/v1/connect', { code })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409]);
    cred[B] = answers.find((a) => a.status === 200)!.body.credential;
    assert.equal((await call(cred[B]!, 'GET', `/v1/stores/${B}/status`)).status, 200);
  });
});

describe('credentials in logs and answers', () => {
  it('never writes a credential or a code into a log line, and answers it only when it is issued', async () => {
    const lines: string[] = [];
    const env = backendEnv();
    const dir = mkdtempSync(join(tmpdir(), 'wck-tenant-log-'));
    const sidecar = await buildApp(loadConfig({ ...env, DATA_DIR: dir, ADMIN_TOKEN: 'test-admin-token-0123456789', LOG_LEVEL: 'trace' }),
      { startPipeline: false, logStream: { write: (l: string) => { lines.push(l); } } });
    try {
      const admin = { authorization: `Bearer ${sidecar.adminToken}` };
      const issued = (await sidecar.app.inject({ method: 'POST', url: '/v1/stores/log-shop/connect-codes', headers: admin })).json() as { code: string };
      const connected = (await sidecar.app.inject({ method: 'POST', url: '/v1/connect', payload: { code: issued.code } })).json() as { credential: string };
      const secrets = [issued.code, connected.credential];
      const answers: string[] = [];
      const ask = async (o: InjectOptions) => answers.push((await sidecar.app.inject(o)).body);
      const store = { authorization: `Bearer ${connected.credential}` };
      await ask({ method: 'GET', url: '/v1/stores/log-shop/status', headers: store });
      await ask({ method: 'GET', url: '/v1/stores/other-shop/status', headers: store });
      await ask({ method: 'POST', url: '/v1/connect', payload: { code: issued.code } });
      await ask({ method: 'POST', url: '/v1/connect', payload: { code: `${issued.code}x` } });
      await ask({ method: 'GET', url: `/v1/stores/log-shop/status?token=${connected.credential}`, headers: store });
      await ask({ method: 'GET', url: '/v1/stores', headers: admin });
      const rotated = (await sidecar.app.inject({ method: 'POST', url: '/v1/stores/log-shop/credential', headers: store })).json() as { credential: string };
      secrets.push(rotated.credential);
      await ask({ method: 'GET', url: '/v1/stores/log-shop/status', headers: store });
      await ask({ method: 'GET', url: '/v1/stores/log-shop/status', headers: { authorization: `Bearer ${rotated.credential}` } });
      assert.ok(lines.length > 10, `requests were logged at trace (${lines.length} lines)`);
      assert.ok(lines.some((l) => l.includes('connection code redeemed')));
      const secretParts = secrets.flatMap((s) => [s, s.slice(5), ...(s.startsWith('wckc_') ? [parseConnectCode(s).k] : [])]);
      for (const s of secretParts) {
        assert.ok(!lines.some((l) => l.includes(s)), 'no log line carries a credential or a code');
        assert.ok(!answers.some((a) => a.includes(s)), 'no later answer carries a credential or a code');
      }
    } finally {
      await sidecar.shutdown();
      await dropRedisPrefix(env.REDIS_PREFIX);
    }
  });
});
