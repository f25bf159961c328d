/**
 * Conformance: planning. What is new and must be sent is decided by the sync core; every backend applies a plan only
 * if what it was computed from still holds, so a key is planned once per store and a repeat of earlier content
 * sends nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { duplicateNote, NOTE_NOTHING_NEW, planDelivery, planningKeys } from '../../src/sync/index.js';
import { planAndApply } from '../../src/worker/planning.js';
import { claimUntil, delivery, events, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

describe(`conformance (${TEST_BACKEND}): planning`, () => {
  let b: Backend;
  before(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('p1'));
  });
  after(() => b.close());

  it('plans a key once: the same keys planned twice make one job, the second delivery is skipped with its note', async () => {
    const s = b.storage;
    const first = await receiveAndPlan(s, 'p1', events(['k1', 'k2']));
    const second = await receiveAndPlan(s, 'p1', events(['k1', 'k2']));
    const third = await receiveAndPlan(s, 'p1', events(['k2', 'k3']));
    assert.equal((await s.getDelivery('p1', first))?.status, 'pending');
    assert.deepEqual((await s.getDelivery('p1', first))?.requests.map((r) => r.key), ['k1', 'k2']);
    const skipped = await s.getDelivery('p1', second);
    assert.equal(skipped?.status, 'skipped');
    assert.equal(skipped?.note, NOTE_NOTHING_NEW);
    assert.deepEqual(skipped?.requests, []);
    assert.deepEqual((await s.getDelivery('p1', third))?.requests.map((r) => r.key), ['k3'], 'only the key not planned before');
    const jobs = await claimUntil(s, 4);
    assert.deepEqual(jobs.map((j) => j.request.key).sort(), ['k1', 'k2', 'k3']);
    assert.deepEqual(await s.claimJobs(10, Date.now()), []);
  });

  it('recognises a repeat of the same content when it is planned: duplicate, with a note naming the original', async () => {
    const s = b.storage;
    const d = delivery('p1', { contentHash: 'same-bytes' });
    const original = await receiveAndPlan(s, 'p1', events(['r1']), d);
    const repeat = await receiveAndPlan(s, 'p1', events(['r1-other']), d);
    const other = await receiveAndPlan(s, 'p1', events(['r2']), { ...d, topic: 'order.created' });
    const v = await s.getDelivery('p1', repeat);
    assert.equal(v?.status, 'duplicate');
    assert.equal(v?.note, duplicateNote(original));
    assert.deepEqual(v?.requests, [], 'a repeat plans nothing, even keys the original did not have');
    assert.equal(v?.orderNumber, '1', 'a repeat still shows which order it was about');
    assert.equal((await s.getDelivery('p1', other))?.status, 'pending', 'the same bytes under another topic are no repeat');
    const dupes = await s.listDeliveries('p1', { status: 'duplicate', limit: 10 });
    assert.deepEqual(dupes.items.map((x) => x.id), [repeat]);
  });

  it('recognises the repeats stored and planned together, in one batch', async () => {
    const s = b.storage;
    const d = delivery('p1', { contentHash: 'batch-bytes' });
    const ids = (await Promise.all([d, d, d].map((x) => s.recordDelivery(x)))).map((r) => r.id);
    await Promise.all(ids.map((id) => planAndApply(s, id, events([`b-${id}`]))));
    const statuses = await Promise.all(ids.map(async (id) => (await s.getDelivery('p1', id))?.status));
    assert.deepEqual(statuses, ['pending', 'duplicate', 'duplicate']);
    assert.equal((await s.getDelivery('p1', ids[2]!))?.note, duplicateNote(ids[0]!));
  });

  it('counts a repeat of a delivery that failed to map as a duplicate too', async () => {
    const s = b.storage;
    const d = delivery('p1', { contentHash: 'broken-bytes' });
    const a = await receiveAndPlan(s, 'p1', { ok: false, error: 'The order has no line items.' }, d);
    const c = await receiveAndPlan(s, 'p1', { ok: false, error: 'The order has no line items.' }, d);
    const dead = await s.getDelivery('p1', a);
    assert.equal(dead?.status, 'dead');
    assert.deepEqual(dead?.error, { class: 'mapping', message: 'The order has no line items.' });
    assert.equal((await s.getDelivery('p1', c))?.status, 'duplicate');
  });

  it('applies one of two plans racing for one key; the other conflicts and is planned again as skipped', async () => {
    const s = b.storage;
    const a = (await s.recordDelivery(delivery('p1'))).id;
    const c = (await s.recordDelivery(delivery('p1'))).id;
    const outcome = events(['race']);
    const keys = planningKeys(outcome);
    const [stateA, stateC] = await Promise.all([s.planningState(a, keys), s.planningState(c, keys)]);
    assert.equal(stateA.received, true);
    assert.equal(stateC.planned.size, 0, 'neither sees the key planned');
    const planA = planDelivery(a, outcome, stateA);
    const planC = planDelivery(c, outcome, stateC);
    assert.equal(await s.applyPlan(planA), 'applied');
    assert.equal(await s.applyPlan(planC), 'conflict');
    assert.equal((await s.getDelivery('p1', c))?.status, 'pending', 'a conflict changes nothing');
    const fresh = await s.planningState(c, keys);
    assert.deepEqual([...fresh.planned], ['race']);
    const replanned = planDelivery(c, outcome, fresh);
    assert.equal(replanned.status, 'skipped');
    assert.equal(await s.applyPlan(replanned), 'applied');
    assert.equal((await s.getDelivery('p1', c))?.note, NOTE_NOTHING_NEW);
    // Applied once: applying again finds the delivery no longer waiting.
    assert.equal(await s.applyPlan(planA), 'gone');
    assert.equal((await s.planningState(a, keys)).received, false);
    assert.equal((await claimUntil(s, 100)).filter((j) => j.request.key === 'race').length, 1);
  });

  it('does not apply a plan made before the store was paused', async () => {
    const s = b.storage;
    await s.saveStore(store('p2'));
    const id = (await s.recordDelivery(delivery('p2'))).id;
    const outcome = events(['pz']);
    const plan = planDelivery(id, outcome, await s.planningState(id, planningKeys(outcome)));
    assert.equal(plan.status, 'pending');
    await s.setPaused('p2', true, 'test');
    assert.equal(await s.applyPlan(plan), 'conflict');
    assert.ok(await planAndApply(s, id, outcome));
    assert.equal((await s.getDelivery('p2', id))?.status, 'paused');
  });

  it('takes received deliveries oldest first, and no longer once they are planned', async () => {
    const s = b.storage;
    await s.saveStore(store('p3'));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await s.recordDelivery(delivery('p3'))).id);
    const taken = (await s.takeReceived(100)).filter((d) => d.storeId === 'p3');
    assert.deepEqual(taken.map((d) => d.id), ids);
    assert.equal(taken[0]!.topic, 'order.updated');
    assert.equal(taken[0]!.body, '{"id":1}');
    for (const id of ids) await planAndApply(s, id, events([]));
    assert.deepEqual((await s.takeReceived(100)).filter((d) => d.storeId === 'p3'), []);
  });
});
