/**
 * Conformance: privacy. Every backend finds a person's sync-log entries by any case of their email (and no one
 * else's, no other store's), lists them with what was sent, and erases them as the sync core says: payload, headers
 * and email gone, done and dead request bodies cleared, waiting ones kept, consent records deleted.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { mapConsent } from '../../src/mapping/consent.js';
import type { MappingOutcome } from '../../src/storage/types.js';
import { ERASED_NOTE } from '../../src/sync/index.js';
import { claimUntil, delivery, events, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

function withConsent(email: string): MappingOutcome {
  const consent = mapConsent({
    storeId: 'c1', email, phone: null, country: 'GB', list: { id: 'L1', optInProcess: 'single_opt_in' },
    metaData: [{ key: '_wck_consent', value: [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', label: 'News', source: 'block_checkout', order_id: 9 }] }],
  });
  assert.ok(consent && 'email' in consent);
  return { ok: true, result: { summary: { resource: 'order', resourceId: 9, orderNumber: '9', email }, requests: [], consent } };
}

describe(`conformance (${TEST_BACKEND}): privacy`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('c1', { listId: 'L1' }));
    await b.storage.saveStore(store('c2'));
  });
  afterEach(() => b.close());

  it('lists the person\'s entries (any case), newest first, with what was sent; not another person\'s or store\'s', async () => {
    const s = b.storage;
    const first = await receiveAndPlan(s, 'c1', events(['k1'], { email: 'Ann@Example.com', orderNumber: '1' }), { body: '{"id":1,"billing":{"email":"Ann@Example.com"}}' });
    await receiveAndPlan(s, 'c1', events(['k2'], { email: 'bo@example.com', orderNumber: '2' }));
    await receiveAndPlan(s, 'c2', events(['k3'], { email: 'ann@example.com', orderNumber: '3' }));
    const second = await receiveAndPlan(s, 'c1', events(['k4'], { email: 'ann@example.com', orderNumber: '4' }));
    const found = await s.subjectDeliveries('c1', ' ANN@example.com ', 500);
    assert.deepEqual(found.map((d) => d.id), [second, first]);
    assert.deepEqual(found[1]!.requests.map((r) => [r.kind, r.key, r.status]), [['event', 'k1', 'pending']]);
    assert.deepEqual((await s.subjectDeliveries('c1', 'ann@example.com', 1)).map((d) => d.id), [second], 'at most the limit');
    assert.deepEqual(await s.subjectDeliveries('c1', 'nobody@example.com', 500), []);
  });

  it('erases the person: payload, headers and email gone, sent and dead bodies cleared, waiting ones kept, consent deleted', async () => {
    const s = b.storage;
    const sent = await receiveAndPlan(s, 'c1', events(['s1'], { email: 'ann@example.com', orderNumber: '11' }), { body: '{"billing":{"email":"ann@example.com"}}' });
    const [job] = await claimUntil(s, 1);
    assert.equal(job!.deliveryId, sent);
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    const waiting = await receiveAndPlan(s, 'c1', events(['w1'], { email: 'ANN@example.com', orderNumber: '12' }));
    await receiveAndPlan(s, 'c1', withConsent('ann@example.com'));
    const other = await receiveAndPlan(s, 'c1', events(['o1'], { email: 'bo@example.com', orderNumber: '13' }), { body: '{"billing":{"email":"bo@example.com"}}' });
    const unmapped = (await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"ann@example.com"}}' }))).id;
    assert.equal((await s.consentRecords('c1', 'ann@example.com')).length, 1);

    const counts = await s.eraseSubject('c1', 'Ann@Example.com');
    assert.deepEqual(counts, { deliveries: 3, consentRecords: 1 });
    assert.deepEqual(await s.subjectDeliveries('c1', 'ann@example.com', 500), [], 'nothing names the person any more');
    const d = await s.getDelivery('c1', sent);
    assert.equal(d?.email, null);
    assert.equal(d?.note, ERASED_NOTE);
    assert.equal(d?.orderNumber, '11', 'the log line stays');
    assert.equal(d?.payload, undefined, 'no payload is kept');
    assert.deepEqual(d?.headers ?? {}, {});
    assert.deepEqual(d?.requests.map((r) => [r.status, r.body]), [['done', {}]]);
    const w = await s.getDelivery('c1', waiting);
    assert.deepEqual(w?.requests.map((r) => [r.status, r.key]), [['pending', 'w1']]);
    assert.notDeepEqual(w?.requests[0]?.body, {}, 'a waiting request keeps its body: it is still sent');
    assert.deepEqual(await s.consentRecords('c1', 'ann@example.com'), []);
    const o = await s.getDelivery('c1', other);
    assert.equal(o?.email, 'bo@example.com', 'another person is untouched');
    assert.deepEqual(o?.payload, { billing: { email: 'bo@example.com' } });
    assert.equal((await s.takeReceived(10)).some((r) => r.id === unmapped), true, 'an entry still waiting to be mapped is left to be mapped');
    const again = await b.restart();
    assert.equal((await again.getDelivery('c1', sent))?.email, null, 'durably');
    assert.deepEqual(await again.eraseSubject('c1', 'ann@example.com'), { deliveries: 0, consentRecords: 0 }, 'a repeat finds nothing');
  });
});
