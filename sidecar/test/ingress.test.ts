/** Every bad delivery gets a clear 4xx and a record in the sync log; nothing good is lost around them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sign } from '../src/ingress/signature.js';
import { buildOrder } from './builders.js';
import { FIXTURE_SECRET, startHarness, type Harness } from './helpers.js';

const STORE = 'ingress-store';
const headersFor = (topic: string, body: string, secret = FIXTURE_SECRET): Record<string, string> => ({
  'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-signature': sign(body, secret),
  'x-wc-webhook-id': '9', 'x-wc-webhook-delivery-id': 'abc',
});

describe('ingress', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { MAX_BODY_BYTES: '65536' } });
    await h.configureStore(STORE);
  });
  after(() => h.close());

  const order = JSON.stringify(buildOrder({ id: 77, status: 'processing', items: 1 }));
  const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
    ['wrong signature', () => h.deliver(STORE, order, headersFor('order.created', order, 'another-secret-entirely')), 401, 'invalid_signature'],
    ['missing signature', () => h.deliver(STORE, order, { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created' }), 401, 'missing_signature'],
    ['signature of a re-serialised body', () => h.deliver(STORE, order, headersFor('order.created', JSON.stringify(JSON.parse(order), null, 1))), 401, 'invalid_signature'],
    ['unknown store', () => h.deliver('no-such-store', order, headersFor('order.created', order)), 404, 'unknown_store'],
    ['malformed JSON', () => h.deliver(STORE, '{"id": 1,', headersFor('order.created', '{"id": 1,')), 400, 'malformed_json'],
    ['a JSON array', () => h.deliver(STORE, '[1,2]', headersFor('order.created', '[1,2]')), 400, 'malformed_json'],
    ['wrong content type', () => h.deliver(STORE, order, { ...headersFor('order.created', order), 'content-type': 'text/plain' }), 415, 'unsupported_content_type'],
    ['body over the limit', () => { const big = JSON.stringify({ id: 1, pad: 'x'.repeat(70_000) }); return h.deliver(STORE, big, headersFor('order.created', big)); }, 413, 'body_too_large'],
    ['unknown topic', () => h.deliver(STORE, order, headersFor('coupon.created', order)), 422, 'unknown_topic'],
    ['WP REST error payload', () => { const b = '{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot view this resource.","data":{"status":401}}'; return h.deliver(STORE, b, headersFor('order.created', b)); }, 422, 'rest_error_payload'],
  ];

  for (const [name, send, status, code] of cases) {
    it(`rejects ${name} with ${status} ${code} and records it`, async () => {
      const r = await send();
      assert.equal(r.status, status);
      assert.equal(r.body.error.code, code);
      assert.ok(r.body.error.message.length > 10, 'the message explains the problem');
      if (code !== 'unknown_store') {
        const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
        assert.equal(d.body.status, 'rejected');
        assert.equal(d.body.error.class, code);
      }
    });
  }

  it('answers the unsigned form-encoded ping with exactly 200, never a redirect', async () => {
    const r = await h.deliver(STORE, 'webhook_id=12', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 200);
    const slash = await fetch(`${h.url}/v1/stores/${STORE}/webhooks/woocommerce/`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=12' });
    assert.notEqual(Math.floor(slash.status / 100), 3);
  });

  it('still delivers the good deliveries sent between the bad ones', async () => {
    const ok = await h.deliver(STORE, order, headersFor('order.created', order));
    assert.equal(ok.status, 200);
    await h.drain(STORE);
    assert.equal(h.double.events.filter((e) => e.uniqueId?.startsWith(`woo:${STORE}:order:77:`)).length, 2);
    const s = (await h.admin('GET', `/v1/stores/${STORE}/status`)).body;
    assert.equal(s.errorCounts.ingress, cases.length - 1);
  });

  it('requires a credential on every store route, and never returns secrets', async () => {
    for (const [m, p] of [['GET', `/v1/stores/${STORE}/status`], ['GET', `/v1/stores/${STORE}/deliveries`], ['POST', `/v1/stores/${STORE}/replay?status=dead`], ['PUT', `/v1/stores/${STORE}`]] as const) {
      const r = await fetch(h.url + p, { method: m, headers: { authorization: 'Bearer wrong-token-wrong-token-00' } });
      assert.equal(r.status, 403, `${m} ${p}: a wrong token`);
      assert.equal((await fetch(h.url + p, { method: m })).status, 401, `${m} ${p}: no token`);
    }
    const status = JSON.stringify((await h.admin('GET', `/v1/stores/${STORE}/status`)).body);
    assert.ok(!status.includes('pk_test_0123456789abcdef') && !status.includes(FIXTURE_SECRET));
    const put = JSON.stringify((await h.configureStore(STORE)).body);
    assert.ok(!put.includes('pk_test_0123456789abcdef') && !put.includes(FIXTURE_SECRET));
    assert.match(put, /"last4":"cdef"/);
  });

  it('pages the account lists, every page followed', async () => {
    const r = await h.admin('GET', `/v1/stores/${STORE}/klaviyo/lists`);
    assert.equal(r.status, 200);
    assert.equal(r.body.lists.length, 23);
    assert.equal(new Set(r.body.lists.map((l: any) => l.id)).size, 23);
  });

  it('verifies a key without saving it', async () => {
    assert.equal((await h.admin('POST', '/v1/klaviyo/verify-key', { privateKey: 'pk_bad_0000000000' })).body.status, 'invalid');
    assert.equal((await h.admin('POST', '/v1/klaviyo/verify-key', { privateKey: 'pk_good_000000000' })).body.status, 'valid');
    assert.equal((await h.admin('POST', '/v1/klaviyo/verify-key', { privateKey: 'sk_nope' })).status, 400);
  });
});
