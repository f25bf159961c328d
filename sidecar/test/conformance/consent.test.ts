/**
 * Conformance: consent. The sync core decides which record of a profile and channel is acted on (the newest by its
 * own time); every backend keeps the records with the plan, sets the newest record the core computed, applies a plan
 * only if the newest record it assumed is still the newest, and reads the records back with their jobs' outcomes.
 * The periodic sync's findings and cursor are kept per store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapConsent, type ListInfo } from '../../src/mapping/consent.js';
import type { MappingOutcome } from '../../src/storage/types.js';
import { consentSubject, planDelivery, planningKeys } from '../../src/sync/index.js';
import { claimUntil, delivery, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

const LIST: ListInfo = { id: 'L1', optInProcess: 'single_opt_in' };

function withConsent(email: string, records: { channel: 'email' | 'sms'; status: 'granted' | 'withdrawn'; at: string }[], list: ListInfo | null = LIST): MappingOutcome {
  const consent = mapConsent({
    storeId: 'c1', email, phone: '+447911123456', country: 'GB', list,
    metaData: [{ key: '_wck_consent', value: records.map((r) => ({ ...r, label: 'News by email', source: 'block_checkout', order_id: 7 })) }],
  });
  assert.ok(consent && 'email' in consent);
  return { ok: true, result: { summary: { resource: 'order', resourceId: 7, orderNumber: '7', email }, requests: [], consent } };
}

describe(`conformance (${TEST_BACKEND}): consent`, () => {
  let b: Backend;
  before(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('c1', { listId: 'L1' }));
    await b.storage.saveStore(store('c2'));
  });
  after(() => b.close());

  it('keeps the records with the plan; a queued one takes its outcome from its job', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 'c1', withConsent('Ann@Example.com', [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z' }]));
    const v = await s.getDelivery('c1', id);
    assert.deepEqual(v?.requests.map((r) => [r.kind, r.metric]), [['subscribe', 'email']]);
    let recs = await s.consentRecords('c1', 'ann@example.com');
    assert.deepEqual(recs.map((r) => [r.channel, r.status, r.outcome, r.at, r.orderId]), [['email', 'granted', 'queued', '2026-11-01T10:00:00.000Z', 7]]);
    const [job] = await claimUntil(s, 1);
    assert.equal(job!.request.kind, 'subscribe');
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    recs = await s.consentRecords('c1', 'ANN@example.com');
    assert.equal(recs[0]!.outcome, 'subscribed');
    assert.deepEqual(await s.consentRecords('c2', 'ann@example.com'), [], 'records are per store');
  });

  it('a repeated record plans nothing; an older one is kept as superseded; a newer one is queued', async () => {
    const s = b.storage;
    const email = 'bo@example.com';
    await receiveAndPlan(s, 'c1', withConsent(email, [{ channel: 'email', status: 'withdrawn', at: '2026-11-05T00:00:00Z' }]));
    const again = await receiveAndPlan(s, 'c1', withConsent(email, [{ channel: 'email', status: 'withdrawn', at: '2026-11-05T00:00:00Z' }]));
    assert.deepEqual((await s.getDelivery('c1', again))?.requests, []);
    const older = await receiveAndPlan(s, 'c1', withConsent(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T00:00:00Z' }]));
    assert.deepEqual((await s.getDelivery('c1', older))?.requests, [], 'the older grant is not sent');
    const recs = await s.consentRecords('c1', email);
    assert.deepEqual(recs.map((r) => [r.status, r.outcome]), [['withdrawn', 'queued'], ['granted', 'superseded']]);
    const newer = await receiveAndPlan(s, 'c1', withConsent(email, [{ channel: 'email', status: 'granted', at: '2026-11-06T00:00:00Z' }]));
    assert.deepEqual((await s.getDelivery('c1', newer))?.requests.map((r) => r.kind), ['subscribe']);
  });

  it('applies a consent plan only if the newest record it assumed is still the newest', async () => {
    const s = b.storage;
    const email = 'cy@example.com';
    const grant = withConsent(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T00:00:00Z' }]);
    const withdraw = withConsent(email, [{ channel: 'email', status: 'withdrawn', at: '2026-11-02T00:00:00Z' }]);
    const d1 = (await s.recordDelivery(delivery('c1'))).id;
    const d2 = (await s.recordDelivery(delivery('c1'))).id;
    // Both planned from the same (empty) state; the second to be applied must conflict.
    const st1 = await s.planningState(d1, planningKeys(withdraw), consentSubject(withdraw.ok ? withdraw.result.consent : undefined));
    const st2 = await s.planningState(d2, planningKeys(grant), email);
    assert.deepEqual(st1.consent, { email: null, sms: null });
    assert.equal(await s.applyPlan(planDelivery(d1, withdraw, st1)), 'applied');
    assert.equal(await s.applyPlan(planDelivery(d2, grant, st2)), 'conflict');
    const fresh = await s.planningState(d2, planningKeys(grant), email);
    assert.deepEqual(fresh.consent?.email, { at: '2026-11-02T00:00:00.000Z', status: 'withdrawn' });
    const replanned = planDelivery(d2, grant, fresh);
    assert.deepEqual(replanned.requests, []);
    assert.equal(await s.applyPlan(replanned), 'applied');
    assert.deepEqual((await s.consentRecords('c1', email)).map((r) => [r.status, r.outcome]), [['withdrawn', 'queued'], ['granted', 'superseded']]);
  });

  it('a record with nothing to send (no list) is kept with its reason and still counts as the newest', async () => {
    const s = b.storage;
    const email = 'dee@example.com';
    await receiveAndPlan(s, 'c2', withConsent(email, [{ channel: 'email', status: 'withdrawn', at: '2026-11-05T00:00:00Z' }], null));
    const later = await receiveAndPlan(s, 'c2', withConsent(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T00:00:00Z' }]));
    assert.deepEqual((await s.getDelivery('c2', later))?.requests, []);
    const recs = await s.consentRecords('c2', email);
    assert.deepEqual(recs.map((r) => [r.status, r.outcome]), [['withdrawn', 'not_sent'], ['granted', 'superseded']]);
    assert.match(recs[0]!.detail!, /no list is configured/);
  });

  it('keeps what the periodic sync found and its cursor per store; a later unsubscribe replaces an earlier one', async () => {
    const s = b.storage;
    assert.equal(await s.consentSyncCursor('c1'), null);
    await s.recordKlaviyoUnsubscribes('c1', [{ email: 'Eve@example.com', channel: 'email', at: '2026-11-02T00:00:00.000Z' }], '2026-11-02T00:00:00.000Z');
    await s.recordKlaviyoUnsubscribes('c1', [
      { email: 'eve@example.com', channel: 'email', at: '2026-11-01T00:00:00.000Z' },
      { email: 'eve@example.com', channel: 'sms', at: '2026-11-03T00:00:00.000Z' },
    ], '2026-11-03T00:00:00.000Z');
    assert.deepEqual(await s.klaviyoUnsubscribes('c1', 'EVE@example.com'), { email: '2026-11-02T00:00:00.000Z', sms: '2026-11-03T00:00:00.000Z' });
    assert.equal(await s.consentSyncCursor('c1'), '2026-11-03T00:00:00.000Z');
    assert.equal(await s.consentSyncCursor('c2'), null);
    assert.deepEqual(await s.klaviyoUnsubscribes('c2', 'eve@example.com'), {});
    assert.deepEqual(await s.listStoreIds(), ['c1', 'c2']);
  });
});
