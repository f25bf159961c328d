/**
 * A privacy request end to end: an erasure purges the person from the sync log and consent records, and its Klaviyo
 * deletion reaches the double (retried after a 503 like any request), which then holds no profile or event of theirs;
 * an export lists what the sidecar holds before and nothing after.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERASED_NOTE } from '../src/sync/index.js';
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
