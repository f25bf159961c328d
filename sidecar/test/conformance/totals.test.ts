/**
 * Conformance: profile totals. The sync core folds an order into its profile's totals state; every backend reads
 * the state per store and email, writes the next one with the plan only if its version is still the one read, and
 * keeps it across a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapDelivery } from '../../src/mapping/index.js';
import type { MappingOutcome } from '../../src/storage/types.js';
import { planDelivery, planningKeys, profileTotals, totalsSubject } from '../../src/sync/index.js';
import { buildOrder } from '../builders.js';
import { delivery, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

const orderOutcome = (storeId: string, id: number, email: string, total: string, second: number, refunds: { id: number; total: string }[] = []): MappingOutcome => ({
  ok: true,
  result: mapDelivery({
    storeId, topic: 'order.updated',
    payload: { ...buildOrder({ id, email, totals: { total }, refunds, status: 'processing' }), date_modified_gmt: `2026-11-22T20:00:${String(second).padStart(2, '0')}` },
  }),
});
const totalsKeys = async (b: Backend, storeId: string, id: string) => ((await b.storage.getDelivery(storeId, id))?.requests ?? []).filter((r) => r.key.startsWith('totals:')).map((r) => r.key);

describe(`conformance (${TEST_BACKEND}): profile totals`, () => {
  let b: Backend;
  before(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('t1'));
    await b.storage.saveStore(store('t2'));
  });
  after(() => b.close());

  it('keeps the state per store and email with the plan; a repeat or an older state sends nothing; survives a restart', async () => {
    const first = await receiveAndPlan(b.storage, 't1', orderOutcome('t1', 1, 'Ann@Example.com', '10.00', 1));
    assert.deepEqual(await totalsKeys(b, 't1', first), ['totals:t1:ann@example.com:1']);
    const second = await receiveAndPlan(b.storage, 't1', orderOutcome('t1', 2, 'ann@example.com', '5.50', 2));
    assert.deepEqual(await totalsKeys(b, 't1', second), ['totals:t1:ann@example.com:2']);
    const refund = await receiveAndPlan(b.storage, 't1', orderOutcome('t1', 1, 'ann@example.com', '10.00', 3, [{ id: 7, total: '-2.25' }]));
    assert.deepEqual(await totalsKeys(b, 't1', refund), ['totals:t1:ann@example.com:3']);
    const late = await receiveAndPlan(b.storage, 't1', orderOutcome('t1', 1, 'ann@example.com', '10.00', 1));
    assert.deepEqual(await totalsKeys(b, 't1', late), [], 'the older state of order 1 arrives late: nothing');
    // Another store's profile with the same email has its own totals.
    const other = await receiveAndPlan(b.storage, 't2', orderOutcome('t2', 1, 'ann@example.com', '1.00', 1));
    assert.deepEqual(await totalsKeys(b, 't2', other), ['totals:t2:ann@example.com:1']);
    await b.restart();
    const o = orderOutcome('t1', 3, 'ann@example.com', '1.00', 4);
    const { id } = await b.storage.recordDelivery(delivery('t1'));
    const state = await b.storage.planningState(id, planningKeys(o), null, totalsSubject(o.ok ? o.result.totals : undefined));
    assert.equal(state.totals!.version, 3);
    assert.deepEqual(profileTotals(state.totals!), {
      TotalOrders: 2, LifetimeValue: 13.25, LifetimeValueCurrency: 'USD', FirstOrderDate: '2026-11-22T20:28:41Z', LastOrderDate: '2026-11-22T20:28:41Z', AverageOrderValue: 6.63,
    });
  });

  it('applies a plan only if the totals version it read is still the stored one', async () => {
    const s = b.storage;
    const a = orderOutcome('t1', 10, 'race@example.com', '3.00', 1);
    const c = orderOutcome('t1', 11, 'race@example.com', '4.00', 1);
    const da = (await s.recordDelivery(delivery('t1'))).id;
    const dc = (await s.recordDelivery(delivery('t1'))).id;
    const email = 'race@example.com';
    // Both planned from the same state (version 0); the first applied wins, the second conflicts.
    const pa = planDelivery(da, a, await s.planningState(da, planningKeys(a), null, email));
    const pc = planDelivery(dc, c, await s.planningState(dc, planningKeys(c), null, email));
    assert.equal(await s.applyPlan(pa), 'applied');
    assert.equal(await s.applyPlan(pc), 'conflict');
    const again = planDelivery(dc, c, await s.planningState(dc, planningKeys(c), null, email));
    assert.equal(await s.applyPlan(again), 'applied');
    assert.equal(again.totals!.next.version, 2);
    assert.equal(profileTotals(again.totals!.next).LifetimeValue, 7);
  });
});
