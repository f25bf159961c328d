/**
 * Conformance: privacy. Every backend finds a person's sync-log entries by any case of their email (and no one
 * else's, no other store's), lists them with what was sent, and erases them as the sync core says: payload, headers
 * and email gone, done and dead request bodies cleared, waiting ones kept, consent records deleted.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { mapConsent } from '../../src/mapping/consent.js';
import type { MappingOutcome } from '../../src/storage/types.js';
import { createHash } from 'node:crypto';
import { cancelledByErasure, ERASED_NOTE, heldNote, ERASED_UNMAPPED_NOTE, ERASURE_CANCELLED, planDelivery } from '../../src/sync/index.js';
import { mapReceived, planAndApply } from '../../src/worker/planning.js';
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

  it('erases the person: payload, headers and email gone, request bodies cleared, waiting and dead requests cancelled, unmapped entries naming them purged, consent deleted', async () => {
    const s = b.storage;
    const erasure = (await s.recordDelivery(delivery('c1', { topic: 'privacy.erasure', body: '{"requestId":"r1","email":"ann@example.com"}' }))).id;
    const sent = await receiveAndPlan(s, 'c1', events(['s1'], { email: 'ann@example.com', orderNumber: '11' }), { body: '{"billing":{"email":"ann@example.com"}}' });
    const [job] = await claimUntil(s, 1);
    assert.equal(job!.deliveryId, sent);
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    const dead = await receiveAndPlan(s, 'c1', events(['d1'], { email: 'ann@example.com', orderNumber: '10' }));
    const [failing] = await claimUntil(s, 1);
    assert.equal(failing!.deliveryId, dead);
    await s.settleJob(failing!, { kind: 'dead', failure: { errorClass: 'bad_request', message: 'Klaviyo answered 400', responseStatus: 400 } }, Date.now());
    const waiting = await receiveAndPlan(s, 'c1', events(['w1', 'w2'], { email: 'ANN@example.com', orderNumber: '12' }));
    await receiveAndPlan(s, 'c1', withConsent('ann@example.com'));
    const other = await receiveAndPlan(s, 'c1', events(['o1'], { email: 'bo@example.com', orderNumber: '13' }), { body: '{"billing":{"email":"bo@example.com"}}' });
    const unmapped = (await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"Ann@Example.com"}}' }))).id;
    const lookalike = (await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"joann@example.com"}}' }))).id;
    const elsewhere = (await s.recordDelivery(delivery('c2', { body: '{"billing":{"email":"ann@example.com"}}' }))).id;
    assert.equal((await s.consentRecords('c1', 'ann@example.com')).length, 1);
    const deadBefore = (await s.stats('c1', Date.now())).queue.dead;

    const counts = await s.eraseSubject('c1', 'Ann@Example.com', erasure);
    assert.deepEqual(counts, { deliveries: 5, consentRecords: 1 });
    assert.deepEqual(await s.subjectDeliveries('c1', 'ann@example.com', 500), [], 'nothing names the person any more');
    const d = await s.getDelivery('c1', sent);
    assert.equal(d?.email, null);
    assert.equal(d?.note, ERASED_NOTE);
    assert.equal(d?.orderNumber, '11', 'the log line stays');
    assert.equal(d?.payload, undefined, 'no payload is kept');
    assert.deepEqual(d?.headers ?? {}, {});
    assert.deepEqual(d?.requests.map((r) => [r.status, r.body]), [['done', {}]], 'what was sent stays sent, without its body');
    assert.equal(d?.status, 'succeeded');

    const w = await s.getDelivery('c1', waiting);
    assert.deepEqual(w?.requests.map((r) => [r.key, r.status, r.body, r.error]), [['w1', 'cancelled', {}, cancelledByErasure(erasure)], ['w2', 'cancelled', {}, cancelledByErasure(erasure)]],
      'the sync log says the erasure cancelled them');
    assert.equal(w?.error?.class, ERASURE_CANCELLED);
    assert.equal(w?.status, 'skipped', 'nothing of it was sent');
    assert.match(w?.note ?? '', /2 requests not sent yet were cancelled/);
    assert.deepEqual((await claimUntil(s, 5, 300)).map((j) => j.request.key), ['o1'], 'a cancelled request is never handed out to be sent, another person\'s is');

    const x = await s.getDelivery('c1', dead);
    assert.deepEqual(x?.requests.map((r) => [r.status, r.body]), [['cancelled', {}]], 'a dead request is cancelled: no replay sends it');
    assert.equal(x?.status, 'skipped');
    assert.equal((await s.stats('c1', Date.now())).queue.dead, deadBefore - 1);
    assert.equal((await s.stats('c1', Date.now())).queue.cancelled, 4, 'w1, w2, d1 and the consent record\'s subscription');
    assert.equal(await s.replayDelivery('c1', dead, true), 0, 'nothing to replay');
    assert.equal(await s.replayByStatus('c1', 'dead'), 0);

    const u = await s.getDelivery('c1', unmapped);
    assert.equal(u?.status, 'skipped');
    assert.equal(u?.payload, undefined, 'an entry waiting to be mapped that names the person is purged');
    assert.equal(u?.note, ERASED_UNMAPPED_NOTE);
    const received = (await s.takeReceived(100)).map((r) => r.id);
    assert.equal(received.includes(unmapped), false, 'and never mapped');
    assert.ok(received.includes(erasure), 'the erasure request itself is still to be mapped');
    assert.ok(received.includes(lookalike) && received.includes(elsewhere), 'another person\'s (joann@) and another store\'s stay');

    assert.deepEqual(await s.consentRecords('c1', 'ann@example.com'), []);
    const o = await s.getDelivery('c1', other);
    assert.equal(o?.email, 'bo@example.com', 'another person is untouched');
    assert.deepEqual(o?.payload, { billing: { email: 'bo@example.com' } });
    const again = await b.restart();
    assert.equal((await again.getDelivery('c1', sent))?.email, null, 'durably');
    assert.deepEqual(await again.eraseSubject('c1', 'ann@example.com', erasure), { deliveries: 0, consentRecords: 0 }, 'a repeat finds nothing');
  });

  it('a delivery being planned while the person is erased is not applied: it stays erased and sends nothing', async () => {
    const s = b.storage;
    const { id } = await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"cy@example.com"}}' }));
    const outcome = events(['c1k'], { email: 'cy@example.com', orderNumber: '21' });
    const state = await s.planningState(id, ['c1k']);
    assert.equal(state.received, true);
    assert.deepEqual(await s.eraseSubject('c1', 'cy@example.com', '0'), { deliveries: 1, consentRecords: 0 });
    assert.equal(await s.applyPlan(planDelivery(id, outcome, state)), 'gone', 'the plan made before the erasure is refused');
    const d = await s.getDelivery('c1', id);
    assert.deepEqual([d?.status, d?.email, d?.requests.length], ['skipped', null, 0]);
    assert.deepEqual(await claimUntil(s, 1, 200), []);
  });

  it('purges held deliveries (a staging copy sent them) naming the person: they leave the held list and are never released', async () => {
    const s = b.storage;
    const COPY = 'https://staging.shop.example';
    const held = { held: { source: COPY, note: heldNote(COPY, 'https://shop.example') } };
    const mine = (await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"hal@example.com"}}', ...held }))).id;
    const theirs = (await s.recordDelivery(delivery('c1', { body: '{"billing":{"email":"ida@example.com"}}', ...held }))).id;
    assert.deepEqual((await s.heldSources('c1')).map((h) => [h.source, h.count]), [[COPY, 2]]);
    assert.deepEqual(await s.eraseSubject('c1', 'HAL@example.com', '0'), { deliveries: 1, consentRecords: 0 });
    const d = await s.getDelivery('c1', mine);
    assert.deepEqual([d?.status, d?.payload, d?.note], ['skipped', undefined, ERASED_UNMAPPED_NOTE]);
    assert.deepEqual((await s.heldSources('c1')).map((h) => [h.source, h.count]), [[COPY, 1]], 'the held list counts only the other one');
    assert.equal(await s.releaseHeld('c1', COPY), 1);
    assert.deepEqual((await s.takeReceived(10)).map((r) => r.id), [theirs], 'a release maps only the other person\'s');
  });

  it('a request in flight when the person is erased is never retried: a failure settles as cancelled, a success keeps no body', async () => {
    const s = b.storage;
    const failing = await receiveAndPlan(s, 'c1', events(['f1'], { email: 'eve@example.com', orderNumber: '31' }));
    const sending = await receiveAndPlan(s, 'c1', events(['f2'], { email: 'eve@example.com', orderNumber: '32' }));
    const claimed = await claimUntil(s, 2);
    assert.deepEqual(claimed.map((j) => j.request.key).sort(), ['f1', 'f2']);
    await s.eraseSubject('c1', 'eve@example.com', '0');
    const f1 = claimed.find((j) => j.request.key === 'f1')!;
    const f2 = claimed.find((j) => j.request.key === 'f2')!;
    await s.settleJob(f1, { kind: 'retry', failure: { errorClass: 'server', message: 'Klaviyo answered 503', responseStatus: 503 }, delayMs: 0, consumesAttempt: true }, Date.now());
    await s.settleJob(f2, { kind: 'done', responseStatus: 202 }, Date.now());
    const a = await s.getDelivery('c1', failing);
    assert.deepEqual(a?.requests.map((r) => [r.status, r.body, r.error]), [['cancelled', {}, cancelledByErasure('0')]]);
    assert.equal(a?.status, 'skipped');
    const c = await s.getDelivery('c1', sending);
    assert.deepEqual(c?.requests.map((r) => [r.status, r.body, r.error]), [['done', {}, null]]);
    assert.equal(c?.status, 'succeeded');
    assert.deepEqual(await claimUntil(s, 2, 300), [], 'nothing is sent again');
  });

  it('a mapped erasure request keeps no email: its entry keeps a hash, its deletion request the email until it is sent', async () => {
    const s = b.storage;
    const body = JSON.stringify({ requestId: 'r9', email: 'dee@example.com', requestedAt: '2026-12-01T00:00:00Z' });
    const { id } = await s.recordDelivery(delivery('c1', { topic: 'privacy.erasure', body }));
    const [taken] = (await s.takeReceived(10)).filter((r) => r.id === id);
    await planAndApply(s, id, mapReceived(taken!));
    const entry = await s.getDelivery('c1', id);
    assert.equal(JSON.stringify(entry).includes('dee@example.com') && JSON.stringify(entry?.payload).includes('dee@'), false, 'the entry\'s payload names no email');
    assert.deepEqual(entry?.payload, { requestId: 'r9', subjectSha256: createHash('sha256').update('dee@example.com').digest('hex'), requestedAt: '2026-12-01T00:00:00Z' });
    assert.match(JSON.stringify(entry?.requests[0]?.body), /dee@example\.com/, 'the request still carries it, to be sent');
    const [job] = await claimUntil(s, 1);
    assert.equal(job?.request.kind, 'privacy_deletion');
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    const done = await s.getDelivery('c1', id);
    assert.deepEqual(done?.requests.map((r) => [r.status, r.body]), [['done', {}]], 'sent: the email is gone');
    assert.equal(JSON.stringify(done).includes('dee@'), false);
  });
});
