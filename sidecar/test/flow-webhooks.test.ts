/**
 * Klaviyo flow webhooks into the sidecar: the flow secret (and Klaviyo's signature when a signing secret is saved),
 * refusals recorded in the sync log, retries recognised as duplicates, and `profile-properties` end to end into the
 * double's profile (nested paths, a missing path skipped and noted).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'flow-shop';

describe('Klaviyo flow webhooks', () => {
  let h: Harness;
  let secret: string;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());
  beforeEach(async () => {
    h.double.reset();
    assert.equal((await h.configureStore(STORE)).status, 200);
    const s = await h.admin('GET', `/v1/stores/${STORE}/klaviyo/flow-webhooks`);
    assert.equal(s.status, 200);
    secret = s.body.secret;
  });

  const post = async (action: string, body: unknown, headers: Record<string, string> = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${h.url}/v1/stores/${STORE}/klaviyo/flow-webhooks/${action}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-wck-flow-secret': secret, ...headers }, body: raw,
    });
    return { status: res.status, body: await res.json() as any };
  };
  const entry = async (id: string) => (await h.admin('GET', `/v1/stores/${STORE}/deliveries/${id}`)).body;

  it('the store has a flow secret from its creation; the settings show the URL, the header and an example body per action', async () => {
    const s = (await h.admin('GET', `/v1/stores/${STORE}/klaviyo/flow-webhooks`)).body;
    assert.match(s.secret, /^wckf_[A-Za-z0-9_-]{32}$/);
    assert.equal(s.header, 'X-WCK-Flow-Secret');
    assert.deepEqual(s.actions.map((a: any) => a.action), ['coupon', 'tag', 'profile-properties']);
    assert.equal(s.actions[2].url, `${h.url}/v1/stores/${STORE}/klaviyo/flow-webhooks/profile-properties`);
    assert.equal(s.actions[0].exampleBody.email, '{{ person.email }}');
    assert.equal(s.couponCodeProperty, 'WooCouponCode');
    assert.equal(s.couponExpiresProperty, 'WooCouponExpires');
    // Saving the store again keeps the secret.
    await h.configureStore(STORE);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/klaviyo/flow-webhooks`)).body.secret, s.secret);
  });

  it('a wrong or missing secret is refused 401 and recorded; a rotated secret stops the old one', async () => {
    const wrong = await post('profile-properties', { email: 'ann@example.com' }, { 'x-wck-flow-secret': 'wckf_wrong' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_flow_secret');
    const e = await entry(wrong.body.id);
    assert.equal(e.status, 'rejected');
    assert.equal(e.topic, 'klaviyo.flow.profile-properties');
    assert.equal(e.error.class, 'invalid_flow_secret');
    assert.equal(JSON.stringify(e.headers ?? {}).includes('wckf_'), false, 'the secret is never kept');
    const none = await fetch(`${h.url}/v1/stores/${STORE}/klaviyo/flow-webhooks/tag`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.co","tag":"VIP"}' });
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as any).error.code, 'missing_flow_secret');

    const old = secret;
    const rotated = await h.admin('POST', `/v1/stores/${STORE}/klaviyo/flow-webhooks/secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, old);
    const stale = await post('profile-properties', { email: 'ann@example.com' }, { 'x-wck-flow-secret': old });
    assert.equal(stale.body.error.code, 'invalid_flow_secret');
    secret = rotated.body.secret;
    assert.equal((await post('profile-properties', { email: 'ann@example.com' })).status, 200);
  });

  it('bad input gets a clear 4xx, each recorded: unknown action, no email, missing fields, not JSON, unknown store', async () => {
    const unknown = await post('discount', { email: 'ann@example.com' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'unknown_action');
    const noEmail = await post('profile-properties', { email: '', event: {} });
    assert.equal(noEmail.status, 422);
    assert.equal(noEmail.body.error.code, 'missing_email');
    const noTag = await post('tag', { email: 'ann@example.com' });
    assert.equal(noTag.status, 422);
    assert.equal(noTag.body.error.code, 'invalid_body');
    assert.match(noTag.body.error.message, /tag/);
    const noAmount = await post('coupon', { email: 'ann@example.com', discount_type: 'percent' });
    assert.equal(noAmount.body.error.code, 'invalid_body');
    assert.match(noAmount.body.error.message, /amount/);
    const notJson = await post('tag', '{"email":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'malformed_json');
    const otherStore = await fetch(`${h.url}/v1/stores/no-such-shop/klaviyo/flow-webhooks/tag`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wck-flow-secret': secret }, body: '{}' });
    assert.equal(otherStore.status, 404);
    const log = (await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=rejected`)).body.items as any[];
    for (const r of [unknown, noEmail, noTag, noAmount, notJson]) {
      assert.ok(log.some((i) => i.id === r.body.id && i.status === 'rejected' && i.error.message === r.body.error.message), `recorded: ${r.body.error.code}`);
    }
  });

  it('with a signing secret saved, Klaviyo\'s signature is required too: hex HMAC-SHA256 of the raw body followed by Klaviyo-Timestamp', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, { signingSecret: 'klaviyo-signing-secret' });
    const raw = JSON.stringify({ email: 'sig@example.com' });
    const ts = '2026-12-03T11:00:00Z';
    const hmac = (secret: string, ...parts: string[]) => parts.reduce((m, p) => m.update(p), createHmac('sha256', secret));
    const unsigned = await post('profile-properties', raw);
    assert.equal(unsigned.body.error.code, 'missing_signature');
    const noTimestamp = await post('profile-properties', raw, { 'klaviyo-signature': hmac('klaviyo-signing-secret', raw, ts).digest('hex') });
    assert.equal(noTimestamp.body.error.code, 'missing_signature');
    const refused = {
      'another secret': hmac('other', raw, ts).digest('hex'),
      'the body alone': hmac('klaviyo-signing-secret', raw).digest('hex'),
      'the timestamp first': hmac('klaviyo-signing-secret', ts, raw).digest('hex'),
      'base64 instead of hex': hmac('klaviyo-signing-secret', raw, ts).digest('base64'),
    };
    for (const [why, signature] of Object.entries(refused)) {
      const bad = await post('profile-properties', raw, { 'klaviyo-signature': signature, 'klaviyo-timestamp': ts });
      assert.equal(bad.body.error.code, 'invalid_signature', why);
    }
    const otherTime = await post('profile-properties', raw, { 'klaviyo-signature': hmac('klaviyo-signing-secret', raw, ts).digest('hex'), 'klaviyo-timestamp': '2026-12-03T11:00:01Z' });
    assert.equal(otherTime.body.error.code, 'invalid_signature', 'the timestamp is signed');
    const good = await post('profile-properties', raw, { 'klaviyo-signature': hmac('klaviyo-signing-secret', raw, ts).digest('hex').toUpperCase(), 'klaviyo-timestamp': ts });
    assert.equal(good.status, 200);
    const kept = (await entry(good.body.id)).headers as Record<string, string>;
    assert.equal(kept['klaviyo-timestamp'], ts, 'the timestamp is kept');
    assert.equal(kept['klaviyo-signature'], undefined, 'the signature is not');
    assert.equal(kept['x-wck-flow-secret'], undefined, 'nor the flow secret');
    await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, { signingSecret: null });
  });

  it('profile-properties copies nested paths to top-level profile properties; a missing path is skipped and noted; a retry changes nothing', async () => {
    const saved = await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, {
      profilePaths: [
        { path: 'event.extra.tier', property: 'LoyaltyTier' },
        { path: 'event.items.0.name', property: 'FirstItem' },
        { path: 'event.extra.points', property: 'Points' },
        { path: 'event.extra.missing', property: 'Nope' },
      ],
    });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.profilePaths.length, 4);
    const body = { email: 'Nested@Example.com', event: { extra: { tier: 'gold', points: 120 }, items: [{ name: 'Blue mug' }] } };
    const a = await post('profile-properties', body);
    assert.equal(a.status, 200);
    assert.equal(a.body.status, 'accepted');
    await h.drain(STORE);
    const p = h.double.profileByEmail('nested@example.com')!;
    assert.deepEqual(p.attributes.properties, { LoyaltyTier: 'gold', FirstItem: 'Blue mug', Points: 120 });
    assert.deepEqual(h.double.invalidRequests(), []);
    const e = await entry(a.body.id);
    assert.equal(e.topic, 'klaviyo.flow.profile-properties');
    assert.equal(e.resource, 'profile');
    assert.equal(e.email, 'nested@example.com');
    assert.equal(e.status, 'succeeded');
    assert.match(e.note, /Not in the body, skipped: event\.extra\.missing/);
    assert.deepEqual(e.requests.map((r: any) => [r.kind, r.status]), [['profile', 'done']]);

    // Klaviyo retries the same body: stored, shown as a duplicate, nothing sent again.
    const imports = () => h.double.requests.filter((r) => r.path === '/api/profile-import').length;
    const before = imports();
    const retry = await post('profile-properties', body);
    assert.equal(retry.status, 200);
    await h.drain(STORE);
    assert.equal((await entry(retry.body.id)).status, 'duplicate');
    assert.equal(imports(), before);

    // Replay from the sync log sends it again (Klaviyo upserts: the same properties).
    const replay = await h.admin('POST', `/v1/stores/${STORE}/deliveries/${a.body.id}/replay?all=1`);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.replayed, 1);
    await h.drain(STORE);
    assert.equal(imports(), before + 1);
  });

  it('a body with none of the configured paths sends nothing and says so', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}/klaviyo/flow-webhooks`, { profilePaths: [{ path: 'a.b', property: 'AB' }] });
    const r = await post('profile-properties', { email: 'empty@example.com', other: 1 });
    await h.drain(STORE);
    const e = await entry(r.body.id);
    assert.equal(e.status, 'skipped');
    assert.match(e.note, /Nothing to copy\. Not in the body, skipped: a\.b/);
    assert.equal(h.double.profileByEmail('empty@example.com'), undefined);
  });
});
