/**
 * Gap repair: orders WooCommerce changed while its webhook was disabled (or the sidecar was down) are found by
 * comparing the plugin's `history/orders` pages (here the fake WordPress, test/fake-history.ts) with what the sidecar
 * holds, stored as deliveries and sent once: a change of the last day live (its flows fire), an older one as backfill;
 * what the sidecar already holds sends nothing, and a second check recovers nothing.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { emptyGapCheck, isoSecond } from '../src/sync/gaps.js';
import { RECOVERED_NOTE } from '../src/mapping/index.js';
import { buildOrder } from './builders.js';
import { fakeHistoryWp, type FakeHistoryWp } from './fake-history.js';
import { FIXTURE_SECRET, waitFor, withFakeWordPress, type Harness } from './helpers.js';

const STORE = 'gap-store';
const HOUR = 3600_000;

/** An order as WooCommerce holds it, modified `agoMs` ago (seconds, like WooCommerce). */
function order(id: number, agoMs: number, status: 'processing' | 'completed' = 'processing'): Record<string, unknown> & { id: number; date_modified_gmt: string } {
  const t = new Date(Date.now() - agoMs).toISOString().slice(0, 19);
  return {
    ...buildOrder({ id, status, items: 1, email: `gap${id}@example.com`, paidAt: t, ...(status === 'completed' ? { completedAt: t } : {}) }),
    date_created_gmt: t, date_modified_gmt: t, date_paid_gmt: t,
  } as unknown as Record<string, unknown> & { id: number; date_modified_gmt: string };
}

describe('gap repair', () => {
  const ctx = withFakeWordPress({
    store: STORE, start: () => fakeHistoryWp(FIXTURE_SECRET), removeStore: true, env: { GAP_CHECK_HOURS: '24', GAP_SETTLE_SECONDS: '0' },
    reset: (wp) => { wp.calls.length = 0; wp.failNext.length = 0; wp.delayMs = 0; wp.orders = []; wp.customers = []; },
  });
  let h: Harness;
  let wp: FakeHistoryWp;
  beforeEach(() => {
    h = ctx.h;
    wp = ctx.wp;
  });
  const gapStatus = async () => (await h.admin('GET', `/v1/stores/${STORE}/status`)).body.gapCheck;
  const checked = (after: string | null) => waitFor('the gap check to finish', async () => {
    const g = await gapStatus();
    return g.lastCheckAt && g.lastCheckAt !== after && !g.running ? g : null;
  });
  const placed = () => h.double.events.filter((e) => e.metric === 'Placed Order');

  it('recovers what a disabled webhook left out: recent orders live, older ones as backfill, each once; held ones send nothing', async () => {
    // WooCommerce's orders: 1-4 were delivered; 5-7 were placed in the last hours while the webhook was disabled; 8-9
    // two days ago (the sidecar's last check was three days ago); 3 was completed 30 minutes ago and that change lost.
    const delivered = [1, 2, 3, 4].map((id) => order(id, 5 * HOUR));
    for (const o of delivered) assert.equal((await h.deliverJson(STORE, 'order.updated', o)).status, 200);
    await h.drain(STORE);
    wp.orders = [
      delivered[0]!, delivered[1]!, order(3, 0.5 * HOUR, 'completed'), delivered[3]!,
      order(5, 3 * HOUR), order(6, 2 * HOUR), order(7, 1 * HOUR), order(8, 50 * HOUR), order(9, 49 * HOUR),
    ];
    const threeDaysAgo = Date.now() - 72 * HOUR;
    const held = await h.sidecar.storage.gapCheck(STORE);
    assert.ok(await h.sidecar.storage.saveGapCheck({
      ...emptyGapCheck(STORE), lastCheckAt: threeDaysAgo, lastStartedAt: threeDaysAgo, lastReason: 'daily', checkedUntil: isoSecond(threeDaysAgo),
      lastCompared: 0, lastRecovered: 0, version: (held?.version ?? 0) + 1,
    }, held?.version ?? 0));
    const before = h.double.requests.length;

    const asked = await h.admin('POST', `/v1/stores/${STORE}/gap-check`, { reason: 'webhook_reenabled' });
    assert.equal(asked.status, 200);
    const g = await checked(new Date(threeDaysAgo).toISOString());
    assert.equal(g.lastReason, 'webhook_reenabled');
    assert.equal(g.lastCompared, 9);
    assert.equal(g.lastRecovered, 6, 'orders 3 (its completion), 5, 6, 7, 8 and 9');
    assert.equal(g.summary, 'Recovered 6 orders that WooCommerce did not deliver.');
    const since = wp.calls.find((c) => c.resource === 'orders')!.modifiedAfter!;
    assert.ok(Math.abs(Date.parse(since) - (threeDaysAgo - 10 * 60_000)) < 2000, `the window starts at the last check, less the overlap: ${since}`);
    await h.drain(STORE, 30_000);

    const byOrder = new Map(placed().map((e) => [Number(/:order:(\d+):/.exec(e.uniqueId ?? '')?.[1]), e]));
    assert.deepEqual([...byOrder.keys()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(placed().length, 9, 'every order placed once');
    for (const id of [5, 6, 7]) assert.equal(byOrder.get(id)!.backfill, false, `order ${id} changed hours ago: live, its flows fire`);
    for (const id of [8, 9]) assert.equal(byOrder.get(id)!.backfill, true, `order ${id} changed two days ago: backfill`);
    const fulfilled = h.double.events.filter((e) => e.metric === 'Fulfilled Order');
    assert.deepEqual(fulfilled.map((e) => e.uniqueId?.includes(':order:3:')), [true], 'the lost completion of order 3, once');
    assert.deepEqual(h.double.invalidRequests(), []);
    const log = (await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=20`)).body.items as any[];
    const recovered = log.filter((d) => d.topic.startsWith('recovered.order'));
    assert.deepEqual(recovered.map((d) => [d.resourceId, d.topic]).sort((a, b) => a[0] - b[0]), [
      [3, 'recovered.order'], [5, 'recovered.order'], [6, 'recovered.order'], [7, 'recovered.order'],
      [8, 'recovered.order.backfill'], [9, 'recovered.order.backfill'],
    ]);
    assert.ok(recovered.every((d) => d.note?.startsWith(RECOVERED_NOTE)), 'each says where it came from');
    assert.ok(h.double.requests.length > before);

    // A second check compares the same orders and finds each held: nothing stored, nothing sent.
    const sent = h.double.requests.length;
    const entries = log.length;
    await h.admin('POST', `/v1/stores/${STORE}/gap-check`, {});
    const again = await checked(g.lastCheckAt);
    assert.equal(again.lastReason, 'requested');
    assert.equal(again.lastRecovered, 0);
    assert.match(again.summary, /nothing was missing/);
    await h.drain(STORE);
    assert.equal(h.double.requests.length, sent, 'nothing sent');
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=20`)).body.items.length, entries, 'nothing stored');
  });

  it('a store\'s first check only marks where watching starts; a page WordPress fails is shown and the check is tried again later', async () => {
    wp.orders = [order(20, 60_000)];
    await h.admin('POST', `/v1/stores/${STORE}/gap-check`, {});
    const first = await checked(null);
    assert.deepEqual([first.lastCompared, first.lastRecovered], [0, 0], 'compared nothing');
    assert.deepEqual(wp.calls, [], 'WordPress was not asked');
    const prior = first.lastCheckAt;
    // 21 changes after the first check (WooCommerce's times are to the second; the window ends at the check's second).
    await new Promise((r) => setTimeout(r, 1100));
    wp.orders = [order(20, 60_000), order(21, 0)]; // 20 changed before the first check: not compared
    await new Promise((r) => setTimeout(r, 1100));
    wp.failNext.push(503);
    await h.admin('POST', `/v1/stores/${STORE}/gap-check`, {});
    const failed = await waitFor('the failure', async () => {
      const g = await gapStatus();
      return g.lastError ? g : null;
    });
    assert.match(failed.lastError, /WordPress answered 503 to the gap check's page of orders/);
    assert.ok(Date.parse(failed.retryAt) > Date.now() + 60_000, 'tried again later');
    assert.equal(failed.lastCheckAt, prior, 'not finished');
    assert.equal(placed().length, 0);
    await h.admin('POST', `/v1/stores/${STORE}/gap-check`, {});
    const g = await checked(prior);
    assert.equal(g.lastRecovered, 1);
    assert.equal(g.lastError, null);
    await h.drain(STORE);
    assert.deepEqual(placed().map((e) => /:order:(\d+):/.exec(e.uniqueId ?? '')?.[1]), ['21']);
  });
});
