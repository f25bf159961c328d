/**
 * History sync: the sidecar reads the store's customers and orders from the plugin's signed history route (here a
 * fake WordPress, test/fake-history.ts), stores each record as a delivery, and sends what the live mapper makes of
 * them after live traffic: every order once in the double, profile totals exact, nobody subscribed, a failed page
 * read again, a second run sending nothing new, a live order during a run sent at once, and pause/resume/cancel.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { buildOrder } from './builders.js';
import { fakeHistoryWp, historyCustomers, historyOrders, type FakeHistoryWp } from './fake-history.js';
import { FIXTURE_SECRET, waitFor, loadFixtures, withFakeWordPress, type Harness } from './helpers.js';

const STORE = 'history-store';

describe('history sync', () => {
  const ctx = withFakeWordPress({
    store: STORE, start: () => fakeHistoryWp(FIXTURE_SECRET), removeStore: true,
    reset: (wp) => { wp.calls.length = 0; wp.failNext.length = 0; wp.delayMs = 0; wp.products = []; },
  });
  let h: Harness;
  let wp: FakeHistoryWp;
  const status = async () => (await h.admin('GET', `/v1/stores/${STORE}/history`)).body.run;
  const finished = () => waitFor('the run to finish', async () => {
    const r = await status();
    return r && (r.state === 'done' || r.state === 'failed') ? r : null;
  });
  const placed = () => h.double.events.filter((e) => e.metric === 'Placed Order');

  beforeEach(() => {
    h = ctx.h;
    wp = ctx.wp;
  });

  it('sends every order once with exact totals, subscribes nobody, shows done/total, and a second run sends nothing new', async () => {
    wp.customers = historyCustomers(30);
    wp.orders = historyOrders(240, 30);
    const start = await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'all' });
    assert.equal(start.status, 200);
    assert.equal(start.body.run.state, 'running');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'all' })).status, 409, 'one run at a time');
    const run = await finished();
    assert.equal(run.state, 'done');
    assert.deepEqual([run.customers, run.orders], [{ done: 30, total: 30, finished: true }, { done: 240, total: 240, finished: true }]);
    assert.equal(run.percent, 100);
    assert.equal(run.secondsLeft, 0);
    assert.ok(run.eventsQueued >= 240 * 2, `Placed Order and Ordered Product per order, at least (${run.eventsQueued})`);
    assert.deepEqual(run.errors, []);
    await h.drain(STORE, 60_000);

    const ids = placed().map((e) => e.uniqueId).sort();
    assert.equal(ids.length, 240);
    assert.equal(new Set(ids).size, 240, 'every order once');
    assert.ok(placed().every((e) => e.time && Date.parse(e.time) < Date.UTC(2025, 1, 1)), 'each event keeps its own past time');
    assert.ok(h.double.events.every((e) => e.backfill), 'every history event is a backfill: Klaviyo records it and fires no flow for it');
    for (const i of [0, 7, 29]) {
      const p = h.double.profileByEmail(`shopper${i}@example.com`)!.attributes.properties as Record<string, unknown>;
      assert.equal(p.TotalOrders, 8, `shopper${i}: 240 orders over 30 shoppers`);
      assert.equal(p.LifetimeValue, 240);
      assert.equal(p.AverageOrderValue, 30);
    }
    assert.equal(h.double.subscriptions.length, 0, 'history never subscribes anyone, though the customers carry granted consent');
    assert.ok(h.double.events.every((e) => e.via === 'bulk'), 'sent through event-bulk-create-jobs');
    const posts = (path: string) => h.double.requests.filter((r) => r.method === 'POST' && r.path === path && r.status === 202).length;
    assert.ok(posts('/api/event-bulk-create-jobs') > 0 && posts('/api/event-bulk-create-jobs') <= Math.ceil(run.eventsQueued / 1000) + 20, `few bulk requests (${posts('/api/event-bulk-create-jobs')})`);
    assert.ok(posts('/api/profile-bulk-import-jobs') > 0);
    assert.equal(h.double.requests.filter((r) => r.path === '/api/events' || r.path === '/api/profile-import').length, 0, 'nothing went the single way');
    assert.deepEqual(h.double.invalidRequests(), []);
    const log = (await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=5`)).body.items;
    assert.ok(log.every((d: any) => d.topic === 'history.order'), 'the sync log shows each record');

    const sentBefore = h.double.requests.length;
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'all' })).status, 200, 'a finished run can be started again');
    assert.equal((await finished()).orders.done, 240);
    await h.drain(STORE, 60_000);
    const again = h.double.requests.slice(sentBefore).filter((r) => r.method === 'POST');
    assert.deepEqual(again, [], 'a second run sends nothing: every record repeats what was sent');
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=duplicate&limit=1`)).body.items.length, 1);
  });

  it('a profile Klaviyo\'s bulk import refuses is dead in the sync log with Klaviyo\'s detail, the others are sent', async () => {
    wp.orders = [];
    // Klaviyo takes at most 100 KB per profile in a bulk import: a customer with a 110 KB name is refused on its own.
    wp.customers = [...historyCustomers(3, 500), { ...historyCustomers(1, 90)[0]!, email: 'long@example.com', first_name: 'A'.repeat(110_000) }];
    await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'all' });
    const run = await finished();
    assert.equal(run.customers.done, 4);
    await h.drain(STORE, 60_000);
    const dead = (await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=dead&limit=10`)).body.items;
    assert.equal(dead.length, 1, JSON.stringify(dead));
    assert.equal(dead[0].topic, 'history.customer');
    assert.equal(dead[0].resourceId, 90);
    assert.match(dead[0].error.message, /Klaviyo's profile import refused this profile: The maximum allowed payload size per-profile is 100KB\./);
    assert.equal(h.double.profileByEmail('long@example.com'), undefined);
    for (const i of [0, 1, 2]) assert.ok(h.double.profileByEmail(`shopper${i}@example.com`));
  });

  it('fills the catalog first, whatever the scope: the real 10.0.2 products are items, variants and categories before any order is read', async () => {
    const products = loadFixtures().filter((f) => f.name.includes('product-created')).map((f) => JSON.parse(f.body) as { id: number; date_modified_gmt: string });
    assert.equal(products.length, 5);
    wp.products = products;
    wp.customers = [];
    wp.orders = historyOrders(5, 5);
    await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'months', months: 1 });
    const run = await finished();
    assert.equal(run.state, 'done');
    assert.deepEqual(run.products, { done: 5, total: 5, finished: true });
    assert.equal(run.done, 5 + run.orders.done);
    const productPages = wp.calls.filter((c) => c.resource === 'products' && c.limit > 0);
    const firstOrders = wp.calls.findIndex((c) => c.resource === 'orders' && c.limit > 0);
    assert.ok(productPages.length > 0 && wp.calls.indexOf(productPages.at(-1)!) < firstOrders, 'products before orders');
    await h.drain(STORE, 60_000);
    const c = h.double.catalog();
    assert.deepEqual(c.items.map((i) => i.id).sort(), ['11', '12', '13'].map((n) => `$custom:::$default:::${n}`), 'the three products are items');
    assert.ok(['14', '15'].every((n) => c.variants.some((v) => v.id === `$custom:::$default:::${n}`)), 'the variations are variants');
    assert.ok(c.categories.length > 0);
    assert.deepEqual(h.double.invalidRequests(), []);
  });

  it('reads a failed page again after a backoff and shows the failure; months scope asks only for what changed since', async () => {
    wp.customers = [];
    const recent = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 19);
    wp.orders = [...historyOrders(100, 10), ...historyOrders(50, 10, 5000).map((o) => ({ ...o, date_modified_gmt: recent }))];
    wp.failNext.push(0, 0, 0, 0, 0, 503); // the three counts and the (empty) products and customers pages pass, the first orders page fails once
    await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'months', months: 3 });
    const run = await finished();
    assert.equal(run.state, 'done');
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0].message, /WordPress answered 503 to the history page of orders: wck_fail: failing with 503/);
    assert.equal(run.errors[0].recordId, null);
    assert.ok(wp.calls.filter((c) => c.resource === 'products').every((c) => c.modifiedAfter === null), 'products are read whole');
    const since = wp.calls.find((c) => c.resource === 'orders')!.modifiedAfter!;
    assert.ok(Math.abs(Date.parse(since) - (Date.now() - 92 * 86_400_000)) < 3 * 86_400_000, `three months back: ${since}`);
    // The orders of 2025 are older than three months: only the 50 changed 20 days ago are in scope.
    assert.deepEqual(run.orders, { done: 50, total: 50, finished: true });
    await h.drain(STORE, 60_000);
    assert.equal(placed().length, 50);
  });

  it('a live order during a running sync is sent within seconds; pause, resume and cancel', async () => {
    wp.customers = [];
    wp.orders = historyOrders(1000, 40);
    wp.delayMs = 400;
    await h.admin('POST', `/v1/stores/${STORE}/history`, { scope: 'all' });
    await waitFor('some history sent', async () => placed().length > 20);
    const sentAt = Date.now();
    const live = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 99_001, status: 'processing', email: 'live@example.com' }));
    assert.equal(live.status, 200);
    await waitFor('the live order in Klaviyo', async () => placed().some((e) => e.uniqueId?.includes(':99001:')), 5000);
    assert.equal(placed().find((e) => e.uniqueId?.includes(':99001:'))!.backfill, false, 'a live order triggers its flows');
    const took = Date.now() - sentAt;
    assert.equal((await status()).state, 'running', 'the run was still reading');
    assert.ok(took < 5000, `live order sent after ${took} ms`);

    const paused = await h.admin('POST', `/v1/stores/${STORE}/history/pause`);
    assert.equal(paused.body.run.state, 'paused');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/history/pause`)).status, 409);
    const at = (await status()).orders.done;
    await new Promise((r) => setTimeout(r, 600));
    assert.ok((await status()).orders.done <= at + 100, 'at most the page being read when it paused');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/history/resume`)).body.run.state, 'running');
    await waitFor('more pages', async () => (await status()).orders.done > at + 100);
    const cancelled = await h.admin('POST', `/v1/stores/${STORE}/history/cancel`);
    assert.equal(cancelled.body.run.state, 'cancelled');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/history/resume`)).status, 409);
    const r = await status();
    assert.ok(r.orders.done < 1000 && r.ratePerMinute > 0);
    await h.drain(STORE, 120_000);
    assert.equal(new Set(placed().map((e) => e.uniqueId)).size, placed().length);
  });
});
