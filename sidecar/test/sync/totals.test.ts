/**
 * Profile totals (sync/totals.ts): exact whatever order, repetition or coalescing WooCommerce delivers an order's
 * states in; guests counted by email; cancellations and refunds; several currencies; through planDelivery.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import { mapDelivery } from '../../src/mapping/index.js';
import type { OrderTotalsInput } from '../../src/mapping/types.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import { applyOrderTotals, NO_TOTALS, planDelivery, profileTotals, totalsRequest, type TotalsState } from '../../src/sync/index.js';
import { buildOrder, type OrderOpts } from '../builders.js';
import { loadFixtures } from '../helpers.js';

const profileSchema = loadSpec().operations.get('POST /api/profile-import')!.validateBody!;

/** An order state as WooCommerce would send it, modified at `second` (seconds after a base time). */
const order = (o: OrderOpts & { second: number }) => ({
  ...buildOrder(o), date_modified_gmt: new Date(Date.UTC(2026, 10, 22, 20, 0, o.second)).toISOString().slice(0, 19),
});
const totalsOf = (payload: unknown): OrderTotalsInput => mapDelivery({ storeId: 's1', topic: 'order.updated', payload }).totals!;
const fold = (inputs: OrderTotalsInput[], from: TotalsState = NO_TOTALS) => inputs.reduce((s, i) => applyOrderTotals(s, i) ?? s, from);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('profile totals', () => {
  it('counts paid orders, less refunds, exact decimals; cancelled and unpaid do not count; dates in UTC', () => {
    const email = 'Ann@Example.com';
    const s = fold([
      totalsOf(order({ id: 1, email, status: 'processing', totals: { total: '10.10' }, paidAt: '2026-01-05T10:00:00', second: 1 })),
      totalsOf(order({ id: 2, email, status: 'completed', totals: { total: '20.20' }, paidAt: '2026-03-05T10:00:00', second: 2, refunds: [{ id: 9, total: '-0.30' }] })),
      totalsOf(order({ id: 3, email, status: 'cancelled', totals: { total: '99.99' }, paidAt: null, second: 3 })),
      totalsOf(order({ id: 4, email, status: 'pending', totals: { total: '5.00' }, second: 4 })),
    ]);
    assert.deepEqual(profileTotals(s), {
      TotalOrders: 2, LifetimeValue: 30, LifetimeValueCurrency: 'USD', FirstOrderDate: '2026-01-05T10:00:00Z', LastOrderDate: '2026-03-05T10:00:00Z',
      AverageOrderValue: 15,
    });
    assert.equal(totalsOf(order({ id: 1, email, second: 1 })).email, 'ann@example.com', 'by email, lower case: a guest is a profile too');
    assert.deepEqual(profileTotals(NO_TOTALS), { TotalOrders: 0, LifetimeValue: 0 });
  });

  it('is the same for every delivery order, with repeats and coalesced (missing) intermediate states', () => {
    const email = 'vip@example.com';
    // Five orders, each through states: paid → refunded once → refunded twice → (some) cancelled.
    const states: OrderTotalsInput[][] = [];
    for (let id = 1; id <= 5; id++) {
      const base = { id, email, totals: { total: `${id}0.0${id}` }, paidAt: `2026-0${id}-01T00:00:00` };
      const seq = [
        totalsOf(order({ ...base, status: 'processing', second: id * 10 })),
        totalsOf(order({ ...base, status: 'processing', second: id * 10 + 1, refunds: [{ id: id * 100, total: '-1.01' }] })),
        totalsOf(order({ ...base, status: 'completed', second: id * 10 + 2, refunds: [{ id: id * 100, total: '-1.01' }, { id: id * 100 + 1, total: '-0.02' }] })),
      ];
      if (id % 2 === 0) seq.push(totalsOf(order({ ...base, status: 'cancelled', second: id * 10 + 3, refunds: [{ id: id * 100, total: '-1.01' }, { id: id * 100 + 1, total: '-0.02' }] })));
      states.push(seq);
    }
    const expected = profileTotals(fold(states.map((seq) => seq[seq.length - 1]!)));
    // Orders 1, 3, 5 count: (10.01 + 30.03 + 50.05) − 3 × 1.03 = 87.00.
    assert.deepEqual([expected.TotalOrders, expected.LifetimeValue, expected.AverageOrderValue, expected.FirstOrderDate, expected.LastOrderDate],
      [3, 87, 29, '2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z']);
    const random = rng(7);
    for (let round = 0; round < 300; round++) {
      // WooCommerce coalesces: any intermediate state may be missing, some repeat; the last state always arrives.
      const deliveries = states.flatMap((seq) => [...seq.slice(0, -1).filter(() => random() < 0.6), ...seq.slice(0, -1).filter(() => random() < 0.2), seq[seq.length - 1]!]);
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
      }
      assert.deepEqual(profileTotals(fold(deliveries)), expected, `round ${round}`);
    }
  });

  it('a late or repeated state changes nothing (no new version); the newest state wins', () => {
    const newer = totalsOf(order({ id: 1, status: 'completed', second: 5, refunds: [{ id: 2, total: '-5.00' }] }));
    const older = totalsOf(order({ id: 1, status: 'processing', second: 4 }));
    const s = fold([newer]);
    assert.equal(applyOrderTotals(s, older), null);
    assert.equal(applyOrderTotals(s, newer), null);
    assert.equal(profileTotals(s).LifetimeValue, 25);
  });

  it('keeps money in the newest order\'s currency; AverageOrderValue rounds half up at its scale', () => {
    const email = 'fx@example.com';
    const s = fold([
      totalsOf(order({ id: 1, email, currency: 'EUR', totals: { total: '7.00' }, paidAt: '2026-01-01T00:00:00', second: 1 })),
      totalsOf(order({ id: 2, email, currency: 'USD', totals: { total: '0.01' }, paidAt: '2026-02-01T00:00:00', second: 2 })),
      totalsOf(order({ id: 3, email, currency: 'USD', totals: { total: '0.02' }, paidAt: '2026-03-01T00:00:00', second: 3 })),
    ]);
    const t = profileTotals(s);
    assert.deepEqual([t.TotalOrders, t.LifetimeValue, t.LifetimeValueCurrency, t.AverageOrderValue], [3, 0.03, 'USD', 0.02]);
  });

  it('plans one profile request per change, keyed by the state\'s version, valid for Klaviyo', () => {
    const payload = order({ id: 1, email: 'p@example.com', totals: { total: '12.34' }, second: 1 });
    const result = mapDelivery({ storeId: 's1', topic: 'order.created', payload });
    const state = { received: true, duplicateOf: null, planned: new Set<string>(), paused: false, totals: NO_TOTALS };
    const plan = planDelivery('1', { ok: true, result }, state);
    const req = plan.requests.find((r) => r.key.startsWith('totals:'))! as Extract<KlaviyoRequest, { kind: 'profile' }>;
    assert.equal(req.key, 'totals:s1:p@example.com:1');
    assert.ok(profileSchema(req.body), JSON.stringify(profileSchema.errors));
    assert.deepEqual((req.body.data.attributes as { properties: unknown }).properties, {
      TotalOrders: 1, LifetimeValue: 12.34, LifetimeValueCurrency: 'USD', FirstOrderDate: '2026-11-22T20:28:41Z', LastOrderDate: '2026-11-22T20:28:41Z', AverageOrderValue: 12.34,
    });
    assert.deepEqual([plan.totals!.assumedVersion, plan.totals!.next.version], [0, 1]);
    // The same state again: nothing to send, no new state.
    const again = planDelivery('2', { ok: true, result }, { ...state, totals: plan.totals!.next });
    assert.equal(again.totals, undefined);
    assert.equal(again.requests.some((r) => r.key.startsWith('totals:')), false);
    // An unpaid order changes the state but not the totals: kept, not sent.
    const pending = mapDelivery({ storeId: 's1', topic: 'order.created', payload: order({ id: 2, email: 'p@example.com', status: 'pending', second: 2 }) });
    const p = planDelivery('3', { ok: true, result: pending }, { ...state, totals: plan.totals!.next });
    assert.equal(p.totals!.next.version, 2);
    assert.equal(p.requests.length, 0);
    assert.equal(totalsRequest('s1', 'p@example.com', p.totals!.next).key, 'totals:s1:p@example.com:2');
  });

  it('on the real WooCommerce 10.0.2 deliveries: Jane\'s order less its refund, Gus\'s cancelled order not counted', () => {
    let states = new Map<string, TotalsState>();
    for (const f of loadFixtures()) {
      const topic = f.headers['x-wc-webhook-topic'];
      if (!topic || !/^order\.(created|updated|restored)$/.test(topic) || f.body.startsWith('{"code"')) continue;
      let payload: unknown;
      try { payload = JSON.parse(f.body); } catch { continue; }
      const t = mapDelivery({ storeId: 's1', topic: topic as 'order.updated', payload }).totals;
      if (!t) continue;
      states = new Map(states).set(t.email, applyOrderTotals(states.get(t.email) ?? NO_TOTALS, t) ?? states.get(t.email) ?? NO_TOTALS);
    }
    const jane = profileTotals(states.get('jane.doe@example.com')!);
    assert.deepEqual([jane.TotalOrders, jane.LifetimeValue, jane.LifetimeValueCurrency], [1, 175.63, 'USD'], '188.13 less the 12.50 refund');
    assert.equal(profileTotals(states.get('gus.guest+tag@example.com')!).TotalOrders, 0);
  });
});
