/**
 * Replays every real WooCommerce 10.0.2 delivery through the running sidecar against the Klaviyo double and
 * asserts exactly what Klaviyo received; then replays everything again and asserts nothing doubled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventKeys, eventRequests, loadFixtures, startHarness, type Harness } from './helpers.js';

const STORE = 'fixture-store';

describe('real WooCommerce 10.0.2 deliveries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const put = await h.configureStore(STORE);
    assert.equal(put.status, 200);
    assert.equal(put.body.key.status, 'valid');
  });
  after(() => h.close());

  const expectedEvents = [
    'Cancelled Order|woo:fixture-store:order:18:cancelled|37.5|EUR',
    'Fulfilled Order|woo:fixture-store:order:17:fulfilled|188.13|USD',
    'Ordered Product|woo:fixture-store:order:17:item:1|12.5|USD',
    'Ordered Product|woo:fixture-store:order:17:item:2|49.98|USD',
    'Ordered Product|woo:fixture-store:order:17:item:3|57|USD',
    'Ordered Product|woo:fixture-store:order:17:item:4|84|USD',
    'Placed Order|woo:fixture-store:order:17:placed|188.13|USD',
    'Refunded Order|woo:fixture-store:order:17:refund:19|12.5|USD',
  ];

  it('answers each delivery as WooCommerce needs and records the rejects', async () => {
    const answers: Record<string, number> = {};
    for (const f of loadFixtures()) {
      const r = await h.deliver(STORE, f.body, f.headers);
      answers[f.name] = r.status;
    }
    for (const [name, status] of Object.entries(answers)) {
      if (name.includes('ping')) assert.equal(status, 200, `${name} (ping) must get exactly 200`);
      else if (name.startsWith('24-') || name.startsWith('25-')) assert.equal(status, 422, `${name} is a WP REST error object`);
      else assert.equal(status, 200, name);
    }
    const rejected = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=rejected&limit=100`);
    assert.equal(rejected.body.items.length, 2, 'only the two REST error objects');
    assert.ok(rejected.body.items.some((d: any) => d.error.class === 'rest_error_payload'));
  });

  it('sends Klaviyo exactly the lifecycle the orders imply, once each', async () => {
    const status = await h.drain(STORE);
    assert.deepEqual(eventKeys(h.double), expectedEvents);
    assert.deepEqual(h.double.invalidRequests(), []);
    assert.equal(status.queue.dead, 0);
    const placed = h.double.events.find((e) => e.metric === 'Placed Order')!;
    assert.equal(placed.time, '2026-11-22T20:28:41Z', 'time is the UTC instant from date_paid_gmt');
    assert.equal(placed.profile.email, 'jane.doe@example.com');
    assert.equal(placed.profile.phone_number, undefined, 'a fictional 555 number cannot be E.164-valid and is dropped');
    assert.deepEqual((placed.properties.Items as any[]).map((i) => i.ItemPrice), [12.5, 24.99, 19, 21]);
    assert.equal(placed.properties.DiscountCode, 'save10');
    const cancelled = h.double.events.find((e) => e.metric === 'Cancelled Order')!;
    assert.equal(cancelled.profile.email, 'gus.guest+tag@example.com', 'guest email lowercased and trimmed');
    assert.equal(h.double.profiles.length, 1);
    assert.equal(h.double.profiles[0]!.attributes.email, 'jane.doe@example.com');
    assert.deepEqual((h.double.profiles[0]!.attributes.properties as any).WooCommerceCustomerId, 2);
    // Jane's totals: her one order, 188.13, less its 12.50 refund; Gus's cancelled order counts for nothing.
    const { WooCommerceCustomerId: _id, ...totals } = h.double.profiles[0]!.attributes.properties as Record<string, unknown>;
    assert.deepEqual(totals, {
      TotalOrders: 1, LifetimeValue: 175.63, LifetimeValueCurrency: 'USD', FirstOrderDate: '2026-11-22T20:28:41Z', LastOrderDate: '2026-11-22T20:28:41Z', AverageOrderValue: 175.63,
    });
    assert.equal(status.lastSuccessAt !== null, true);
  });

  it('fills the catalog from the product deliveries: items, variants with their own price and stock, categories linked', () => {
    const c = h.double.catalog();
    const id = (n: number) => `$custom:::$default:::${n}`;
    assert.deepEqual(c.categories.map((x) => [x.id, x.name]).sort(), [[id(15), 'Uncategorized'], [id(16), 'Mugs'], [id(17), 'Tea & Gifts']]);
    assert.deepEqual(c.items.map((x) => [x.id, x.title, x.price, x.url, x.categories]).sort(), [
      [id(11), 'Blue Mug', 12.5, 'http://127.0.0.1:8881/product/blue-mug/', [id(16)]],
      [id(12), 'Tea Sampler – “Ünïcode” & <b>bold</b>', 24.99, 'http://127.0.0.1:8881/product/tea-sampler-unicode-bold/', [id(17)]],
      [id(13), 'T-Shirt', 19, 'http://127.0.0.1:8881/product/t-shirt/', [id(15)]],
    ]);
    assert.deepEqual(c.variants.map((x) => [x.id, x.item, x.sku, x.price, x.inventory_quantity]).sort(), [
      [id(11), id(11), 'MUG-BLUE', 12.5, 1],
      [id(12), id(12), 'TEA-01', 24.99, 1],
      [id(14), id(13), 'TSHIRT-S', 19, 1],
      [id(15), id(13), 'TSHIRT-L', 21, 1],
    ]);
  });

  it('each item of Placed Order and Ordered Product names its product\'s categories and permalink, from the product deliveries before it', () => {
    const placed = h.double.events.find((e) => e.metric === 'Placed Order')!;
    const expected = [
      ['Blue Mug', ['Mugs'], 'http://127.0.0.1:8881/product/blue-mug/'],
      ['Tea Sampler – “Ünïcode” & <b>bold</b>', ['Tea & Gifts'], 'http://127.0.0.1:8881/product/tea-sampler-unicode-bold/'],
      // A variation: its product's categories, its own permalink (with its attributes).
      ['T-Shirt - S', ['Uncategorized'], 'http://127.0.0.1:8881/product/t-shirt/?attribute_size=S'],
      ['T-Shirt - L', ['Uncategorized'], 'http://127.0.0.1:8881/product/t-shirt/?attribute_size=L'],
    ];
    assert.deepEqual((placed.properties.Items as any[]).map((i) => [i.ProductName, i.Categories, i.ProductURL]), expected);
    const ordered = h.double.events.filter((e) => e.metric === 'Ordered Product').sort((a, b) => String(a.uniqueId).localeCompare(String(b.uniqueId)));
    assert.deepEqual(ordered.map((e) => [e.properties.ProductName, e.properties.Categories, e.properties.ProductURL]), expected);
  });

  it('sends nothing new when every delivery arrives again, and replays never double an event', async () => {
    const before = eventRequests(h.double);
    for (const f of loadFixtures()) await h.deliver(STORE, f.body, f.headers);
    await h.drain(STORE);
    assert.equal(eventRequests(h.double), before, 'repeated deliveries are deduplicated on content before Klaviyo');
    const dup = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=duplicate&limit=100`);
    assert.ok(dup.body.items.length >= 10);

    const all = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=succeeded&limit=100`);
    for (const d of all.body.items) {
      const r = await h.admin('POST', `/v1/stores/${STORE}/deliveries/${d.id}/replay?all=1`);
      assert.equal(r.status, 200);
    }
    await h.drain(STORE);
    assert.ok(eventRequests(h.double) > before, 'the replay really sent the requests again');
    assert.deepEqual(eventKeys(h.double), expectedEvents, 'Klaviyo dedupes them by unique_id');
    const c = h.double.catalog();
    assert.deepEqual([c.items.length, c.variants.length, c.categories.length], [3, 4, 3], 'replayed catalog changes leave no duplicate');
    assert.deepEqual(h.double.invalidRequests(), []);
  });

  it('finds deliveries by email and order number in the sync log', async () => {
    const byEmail = await h.admin('GET', `/v1/stores/${STORE}/deliveries?q=GUS.guest&limit=100`);
    assert.ok(byEmail.body.items.length > 0);
    assert.ok(byEmail.body.items.every((d: any) => d.email === 'gus.guest+tag@example.com'));
    const byOrder = await h.admin('GET', `/v1/stores/${STORE}/deliveries?q=17&limit=100`);
    assert.ok(byOrder.body.items.every((d: any) => d.orderNumber === '17'));
    const one = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${byOrder.body.items[0].id}`);
    assert.equal(one.body.payload.id, 17);
    assert.ok(one.body.requests.length > 0 || one.body.status === 'duplicate' || one.body.status === 'skipped');
  });
});
