/**
 * Flow webhook actions that change the store (`coupon`, `tag`): the sidecar's signed call to the plugin's route
 * (here a recording WordPress that checks the signature as the plugin does), the coupon's code and expiry written to
 * the double's profile, one coupon however often Klaviyo retries, WordPress's failures retried or dead-lettered.
 * The plugin's own side runs against WordPress in tests/wp (FlowActionsTest).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { beforeEach, describe, it } from 'node:test';
import { FIXTURE_SECRET, GOOD_KEY, withFakeWordPress, type Harness } from './helpers.js';

const STORE = 'flow-store';

interface Call { url: string; body: Record<string, any>; signed: boolean }

/** A WordPress with the plugin's route: verifies X-WCK-Signature, keeps one coupon per key, fails on demand. */
function fakeWordPress(): Promise<{ url: string; calls: Call[]; coupons: Map<string, any>; failNext: number[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const coupons = new Map<string, any>();
  const failNext: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const signed = req.headers['x-wck-signature'] === createHmac('sha256', FIXTURE_SECRET).update(raw).digest('base64');
      const body = JSON.parse(raw) as Record<string, any>;
      calls.push({ url: req.url ?? '', body, signed });
      const send = (status: number, b: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(b)); };
      if (!signed) return send(401, { code: 'wck_invalid_signature', message: 'The signature does not match.', data: { status: 401 } });
      const fail = failNext.shift();
      if (fail) return send(fail, { code: 'wck_fail', message: `failing with ${fail}`, data: { status: fail } });
      if (body.action === 'coupon') {
        const existing = coupons.get(body.key);
        if (existing) return send(200, { ...existing, created: false });
        const c = { couponId: coupons.size + 1, code: `wck-test${coupons.size + 1}`, expiresAt: new Date(Date.now() + body.expiryDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), usageCount: 0 };
        coupons.set(body.key, c);
        return send(200, { ...c, created: true });
      }
      return send(200, { userId: 5, tags: body.op === 'add' ? [body.tag] : [] });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, calls, coupons, failNext, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

describe('Klaviyo flow webhooks that act on the store', () => {
  const ctx = withFakeWordPress({ store: STORE, start: fakeWordPress, env: { MAX_ATTEMPTS: '3' }, reset: (wp) => { wp.calls.length = 0; } });
  let h: Harness;
  let wp: Awaited<ReturnType<typeof fakeWordPress>>;
  let secret: string;
  beforeEach(async () => {
    h = ctx.h;
    wp = ctx.wp;
    secret = (await h.admin('GET', `/v1/stores/${STORE}/klaviyo/flow-webhooks`)).body.secret;
  });

  const post = async (action: string, body: unknown) => {
    const res = await fetch(`${h.url}/v1/stores/${STORE}/klaviyo/flow-webhooks/${action}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-wck-flow-secret': secret }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as any };
  };
  const entry = async (id: string) => (await h.admin('GET', `/v1/stores/${STORE}/deliveries/${id}`)).body;

  it('coupon: a signed call makes the coupon, its code and expiry go to the profile; a retry and a replay make no second coupon', async () => {
    const body = { email: 'Win@Example.com', discount_type: 'percent', amount: '15', expiry_days: 14, minimum_amount: 50 };
    const a = await post('coupon', body);
    assert.equal(a.status, 200);
    await h.drain(STORE);
    assert.equal(wp.calls.length, 1);
    const call = wp.calls[0]!;
    assert.equal(call.url, '/?rest_route=/wc-klaviyo-sync-sidecar/v1/flow-actions');
    assert.equal(call.signed, true);
    assert.deepEqual({ ...call.body, sentAt: undefined, key: undefined }, {
      action: 'coupon', email: 'win@example.com', discountType: 'percent', amount: '15', expiryDays: 14, minimumAmount: '50', sentAt: undefined, key: undefined,
    });
    assert.match(call.body.key, /^flow:flow-store:coupon:win@example\.com:[0-9a-f]{16}$/);
    assert.ok(Math.abs(Date.parse(call.body.sentAt) - Date.now()) < 60_000);
    const coupon = wp.coupons.get(call.body.key);
    const p = h.double.profileByEmail('win@example.com')!;
    assert.deepEqual(p.attributes.properties, { WooCouponCode: coupon.code, WooCouponExpires: coupon.expiresAt });
    assert.deepEqual(h.double.invalidRequests(), []);
    const e = await entry(a.body.id);
    assert.equal(e.status, 'succeeded');
    assert.deepEqual(e.requests.map((r: any) => [r.kind, r.metric, r.status, r.responseStatus]), [['store', 'coupon', 'done', 201]], 'the status is Klaviyo\'s answer to the profile write (a new profile: 201)');
    assert.match(e.note, /single-use 15% coupon for win@example\.com \(expires in 14 days, minimum spend 50\), then WooCouponCode and WooCouponExpires/);

    const retry = await post('coupon', body);
    await h.drain(STORE);
    assert.equal((await entry(retry.body.id)).status, 'duplicate');
    assert.equal(wp.calls.length, 1, 'a retried webhook calls WordPress no more');

    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/${a.body.id}/replay?all=1`)).body.replayed, 1);
    await h.drain(STORE);
    assert.equal(wp.calls.length, 2);
    assert.equal(wp.coupons.size, 1, 'the plugin answered the same coupon for the same key');
    assert.equal((h.double.profileByEmail('win@example.com')!.attributes.properties as Record<string, unknown>).WooCouponCode, coupon.code);
  });

  it('coupon: the property names are the store\'s; the body\'s own key names the flow message', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, { couponCodeProperty: 'WinbackCode', couponExpiresProperty: 'WinbackUntil' });
    const a = await post('coupon', { email: 'named@example.com', key: 'winback-2026-12', discount_type: 'fixed_cart', amount: '5' });
    await h.drain(STORE);
    assert.equal((await entry(a.body.id)).status, 'succeeded');
    assert.equal(wp.calls.at(-1)!.body.key, 'flow:flow-store:coupon:key:winback-2026-12');
    assert.equal(wp.calls.at(-1)!.body.expiryDays, 30, 'the default expiry');
    const props = h.double.profileByEmail('named@example.com')!.attributes.properties as Record<string, unknown>;
    assert.deepEqual(Object.keys(props).sort(), ['WinbackCode', 'WinbackUntil']);
    await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, { couponCodeProperty: 'WooCouponCode', couponExpiresProperty: 'WooCouponExpires' });
  });

  it('WordPress failing: a 5xx is retried with backoff, a 4xx is dead with WordPress\'s message, nothing reaches the profile', async () => {
    wp.failNext.push(503);
    const a = await post('tag', { email: 'tag@example.com', tag: 'VIP' });
    await h.drain(STORE);
    assert.equal((await entry(a.body.id)).status, 'succeeded');
    assert.equal(wp.calls.length, 2, 'one 503, then the retry');
    assert.deepEqual({ ...wp.calls[1]!.body, key: undefined, sentAt: undefined }, { action: 'tag', email: 'tag@example.com', tag: 'VIP', op: 'add', target: 'customer', key: undefined, sentAt: undefined });

    wp.failNext.push(404);
    const b = await post('coupon', { email: 'gone@example.com', amount: '10' });
    await h.drain(STORE);
    const e = await entry(b.body.id);
    assert.equal(e.status, 'dead');
    assert.match(e.requests[0].error, /WordPress answered 404 to the coupon action: wck_fail: failing with 404/);
    assert.equal(h.double.profileByEmail('gone@example.com'), undefined);
  });

  it('a store whose webhook secret WordPress does not share gets the signature refused: dead, with the reason', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}`, { siteUrl: wp.url, webhookSecret: 'another-secret-0123456789', klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } });
    const a = await post('tag', { email: 'x@example.com', tag: 'VIP', op: 'remove' });
    await h.drain(STORE);
    const e = await entry(a.body.id);
    assert.equal(e.status, 'dead');
    assert.match(e.requests[0].error, /WordPress answered 401 to the tag action: wck_invalid_signature/);
    assert.equal(wp.calls.at(-1)!.signed, false);
  });
});
