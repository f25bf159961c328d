/**
 * A privacy request end to end: an erasure purges the person from the sync log and consent records, and its Klaviyo
 * deletion reaches the double (retried after a 503 like any request), which then holds no profile or event of theirs;
 * an export lists what the sidecar holds before and nothing after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cancelledByErasure, ERASED_NOTE } from '../src/sync/index.js';
import { buildCustomer, buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

describe('privacy requests end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore('privacy-shop')).status, 200);
    assert.equal((await h.configureStore('other-shop')).status, 200);
  });
  after(() => h.close());

  it('exports, then erases a person: the sidecar keeps nothing of them and Klaviyo is asked to delete the profile', async () => {
    assert.equal((await h.deliverJson('privacy-shop', 'order.created', buildOrder({ id: 701, status: 'processing', items: 1, email: 'Erase.Me@example.com' }))).status, 200);
    assert.equal((await h.deliverJson('privacy-shop', 'customer.created', buildCustomer({ id: 31, email: 'Erase.Me@example.com' }))).status, 200);
    assert.equal((await h.deliverJson('privacy-shop', 'order.created', buildOrder({ id: 702, status: 'processing', items: 1, email: 'keep@example.com' }))).status, 200);
    await h.drain('privacy-shop');
    assert.ok(h.double.profileByEmail('erase.me@example.com'));
    assert.ok(h.double.events.some((e) => String(e.profile.email).toLowerCase() === 'erase.me@example.com'));

    const exported = await h.admin('GET', '/v1/stores/privacy-shop/privacy/export?email=ERASE.ME%40example.com');
    assert.equal(exported.status, 200);
    assert.deepEqual(exported.body.deliveries.map((d: { resource: string }) => d.resource), ['customer', 'order']);
    assert.equal(exported.body.deliveries[1].orderNumber, '701');
    assert.ok(exported.body.deliveries[1].requests.some((r: { kind: string; status: string }) => r.kind === 'event' && r.status === 'done'), 'with what was sent');

    h.double.inject({ kind: 'status', status: 503, count: 1, paths: ['/api/data-privacy-deletion-jobs'] });
    const erased = await h.admin('POST', '/v1/stores/privacy-shop/privacy/erasure', { email: 'erase.me@EXAMPLE.com' });
    assert.equal(erased.status, 200);
    assert.deepEqual(erased.body.erased, { deliveries: 2, consentRecords: 0 });
    await h.drain('privacy-shop');

    const calls = h.double.requests.filter((r) => r.path === '/api/data-privacy-deletion-jobs');
    assert.deepEqual(calls.map((r) => r.status), [503, 202], 'sent by the worker, retried after the 503');
    assert.deepEqual(calls.map((r) => r.validationErrors), [[], []]);
    assert.deepEqual(h.double.deletions.map((d) => d.identifier), [{ email: 'erase.me@example.com' }]);
    assert.equal(h.double.profileByEmail('erase.me@example.com'), undefined, 'Klaviyo deleted the profile');
    assert.equal(h.double.events.some((e) => String(e.profile.email).toLowerCase() === 'erase.me@example.com'), false, 'and its events');
    assert.ok(h.double.events.some((e) => e.profile.email === 'keep@example.com'), 'another person\'s events stay');

    const request = await h.admin('GET', `/v1/stores/privacy-shop/deliveries/${erased.body.requestId}`);
    assert.equal(request.body.topic, 'privacy.erasure');
    assert.equal(request.body.email, null, 'the request names no email in the sync log');
    assert.equal(JSON.stringify(request.body).includes('erase.me'), false, 'nor in its payload or its sent request: the entry keeps a hash');
    assert.match(request.body.payload.subjectSha256, /^[0-9a-f]{64}$/);
    assert.equal(request.body.status, 'succeeded');
    assert.deepEqual(request.body.requests.map((r: { kind: string; status: string; attempts: number }) => [r.kind, r.status, r.attempts]), [['privacy_deletion', 'done', 2]]);

    const log = await h.admin('GET', '/v1/stores/privacy-shop/deliveries?q=erase.me');
    assert.deepEqual(log.body.items, [], 'the sync log no longer finds the person');
    const order = (await h.admin('GET', '/v1/stores/privacy-shop/deliveries?q=701')).body.items[0];
    assert.equal(order.email, null);
    assert.equal(order.note, ERASED_NOTE);
    const detail = await h.admin('GET', `/v1/stores/privacy-shop/deliveries/${order.id}`);
    assert.equal(detail.body.payload, undefined, 'the payload is gone');
    assert.ok(detail.body.requests.every((r: { body: unknown }) => JSON.stringify(r.body) === '{}'), 'and what was sent');
    assert.deepEqual((await h.admin('GET', '/v1/stores/privacy-shop/privacy/export?email=erase.me%40example.com')).body.deliveries, []);
  });

  it('cancels the person\'s requests still waiting to be sent: the sync log says so and Klaviyo never gets them', async () => {
    assert.equal((await h.configureStore('waiting-shop')).status, 200);
    h.double.inject({ kind: 'status', status: 503, count: 1_000_000, paths: ['/api/events'] });
    const placed = await h.deliverJson('waiting-shop', 'order.created', buildOrder({ id: 801, status: 'processing', items: 2, email: 'wait.me@example.com' }));
    assert.equal(placed.status, 200);
    for (let i = 0; i < 400; i++) {
      const d = await h.admin('GET', `/v1/stores/waiting-shop/deliveries/${placed.body.id}`);
      if (d.body.status === 'retrying') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const erased = await h.admin('POST', '/v1/stores/waiting-shop/privacy/erasure', { email: 'Wait.Me@example.com' });
    assert.equal(erased.status, 200);
    // A request already on its way when the erasure was accepted cannot be called back: it still meets the 503, and
    // its outcome is settled as cancelled (never retried). From here on nothing of the person may leave.
    await new Promise((r) => setTimeout(r, 300));
    const sentBefore = h.double.requests.length;
    h.double.clearFaults();
    await h.drain('waiting-shop');
    const after = h.double.requests.slice(sentBefore);
    assert.deepEqual(after.filter((r) => r.path !== '/api/data-privacy-deletion-jobs' && JSON.stringify(r.body ?? {}).toLowerCase().includes('wait.me@')).map((r) => r.path), [],
      'after the erasure, nothing of the person reaches Klaviyo but the deletion');
    assert.ok(h.double.deletions.some((x) => x.identifier.email === 'wait.me@example.com'), 'the deletion was sent');
    assert.equal(h.double.events.some((e) => String(e.profile.email).toLowerCase() === 'wait.me@example.com'), false, 'no event of theirs was accepted, before or after');
    const d = await h.admin('GET', `/v1/stores/waiting-shop/deliveries/${placed.body.id}`);
    type Req = { kind: string; status: string; error: string | null; body: unknown };
    const evs = d.body.requests.filter((r: Req) => r.kind === 'event');
    assert.equal(evs.length, 3, 'Placed Order and two Ordered Product');
    assert.ok(evs.every((r: Req) => r.status === 'cancelled' && r.error === cancelledByErasure(erased.body.requestId)), JSON.stringify(d.body.requests));
    assert.ok(d.body.requests.every((r: Req) => JSON.stringify(r.body) === '{}'), 'no request keeps a body (the profile\'s, sent before, neither)');
    assert.equal(d.body.email, null);
    const status = await h.admin('GET', '/v1/stores/waiting-shop/status');
    assert.equal(status.body.queue.cancelled, 3);
    assert.equal(status.body.queue.dead, 0);
  });

  it('a key without the data-privacy:write scope dead-letters the deletion alone, naming the scope; the store keeps syncing', async () => {
    const key = 'pk_noscope_0123456789abcdef';
    assert.equal((await h.configureStore('scope-shop', { key })).status, 200);
    h.double.withoutScopes(key, ['data-privacy:write']);
    try {
      const erased = await h.admin('POST', '/v1/stores/scope-shop/privacy/erasure', { email: 'scope.me@example.com' });
      assert.equal(erased.status, 200);
      await h.drain('scope-shop');
      const request = await h.admin('GET', `/v1/stores/scope-shop/deliveries/${erased.body.requestId}`);
      assert.equal(request.body.status, 'dead');
      assert.equal(request.body.requests[0].status, 'dead');
      assert.match(request.body.requests[0].error, /lacks the `data-privacy:write` scope/);
      assert.equal(h.double.requests.filter((r) => r.path === '/api/data-privacy-deletion-jobs' && r.status === 403).length, 1, 'sent once, not retried');
      const status = await h.admin('GET', '/v1/stores/scope-shop/status');
      assert.equal(status.body.paused, false, 'the store is not paused');
      const order = await h.deliverJson('scope-shop', 'order.created', buildOrder({ id: 901, status: 'processing', items: 1, email: 'still.synced@example.com' }));
      await h.drain('scope-shop');
      assert.equal((await h.admin('GET', `/v1/stores/scope-shop/deliveries/${order.body.id}`)).body.status, 'succeeded', 'other requests are still sent');
      h.double.withoutScopes(key, []);
      assert.equal((await h.admin('POST', `/v1/stores/scope-shop/deliveries/${erased.body.requestId}/replay`)).status, 200);
      await h.drain('scope-shop');
      assert.equal((await h.admin('GET', `/v1/stores/scope-shop/deliveries/${erased.body.requestId}`)).body.status, 'succeeded', 'replayed once the scope is added');
      assert.ok(h.double.deletions.some((x) => x.identifier.email === 'scope.me@example.com'));
    } finally {
      h.double.withoutScopes(key, []);
    }
  });

  it('refuses a request without a valid email, and another store\'s credential', async () => {
    assert.equal((await h.admin('POST', '/v1/stores/privacy-shop/privacy/erasure', { email: 'not-an-email' })).status, 400);
    assert.equal((await h.admin('GET', '/v1/stores/privacy-shop/privacy/export')).status, 400);
    assert.equal((await h.admin('POST', '/v1/stores/no-such-shop/privacy/erasure', { email: 'a@example.com' })).status, 404);
    const cred = await h.admin('POST', '/v1/stores/other-shop/credential');
    assert.equal(cred.status, 200);
    const res = await fetch(`${h.url}/v1/stores/privacy-shop/privacy/export?email=a%40example.com`, { headers: { authorization: `Bearer ${cred.body.credential}` } });
    assert.equal(res.status, 403);
  });
});
