/**
 * The per-store product index the product webhooks fill: order and cart items carry their product's category names
 * (`Categories`, a variation's from its parent) and permalink (`ProductURL`); an item whose product is not known yet
 * still maps, without them. The pure mapping is given the entries; the running sidecar keeps them (both backends).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapDelivery, productIdsOf, productIndexEntry } from '../src/mapping/index.js';
import type { KlaviyoRequest } from '../src/klaviyo/types.js';
import { ProductSchema } from '../src/woo/schemas.js';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'index-store';

const product = (o: Record<string, unknown> = {}) => ({
  id: 101, name: 'Linen Apron', permalink: 'https://shop.example/product/linen-apron/', type: 'simple', status: 'publish',
  catalog_visibility: 'visible', description: '', short_description: '', sku: 'APRON-1', price: '30.00', manage_stock: false, stock_status: 'instock',
  backorders: 'no', parent_id: 0, date_modified_gmt: '2026-12-01T10:00:00', images: [], categories: [{ id: 31, name: 'Kitchen &amp; Home', slug: 'kitchen-home' }, { id: 32, name: 'Gifts', slug: 'gifts' }],
  variations: [], ...o,
});
const hoodie = product({ id: 201, name: 'Hoodie', type: 'variable', sku: 'HOOD', permalink: 'https://shop.example/product/hoodie/', variations: [202], categories: [{ id: 40, name: 'Clothing', slug: 'clothing' }] });
const hoodieM = product({ id: 202, name: 'Hoodie - M', type: 'variation', parent_id: 201, sku: 'HOOD-M', permalink: 'https://shop.example/product/hoodie/?attribute_size=M', categories: [] });
const item = (o: Record<string, unknown> = {}) => ({
  id: 1, name: 'Linen Apron', product_id: 101, variation_id: 0, quantity: 1, subtotal: '30.00', total: '30.00', sku: 'APRON-1', meta_data: [], ...o,
});
const hoodieItem = item({ id: 2, name: 'Hoodie - M', product_id: 201, variation_id: 202, sku: 'HOOD-M', subtotal: '45.00', total: '45.00' });
const cart = (o: Record<string, unknown> = {}) => ({
  cart_token: 'tok0123456789idx', email: 'ivy@example.com', customer_id: 0, currency: 'GBP', total: '75.00', line_items: [item(), hoodieItem],
  checkout_url: 'https://shop.example/?wck_restore=tok0123456789idx', captured_at_gmt: '2026-12-03T10:00:00Z', source: 'block_checkout', ...o,
});
const props = (r: KlaviyoRequest) => (r as Extract<KlaviyoRequest, { kind: 'event' }>).body.data.attributes.properties;
const catalogOf = (items: unknown) => (items as Record<string, unknown>[]).map((i) => [i.ProductName, i.Categories, i.ProductURL]);

describe('product index: the pure mapping', () => {
  const entries = [product(), hoodie, hoodieM].map((p) => productIndexEntry(ProductSchema.parse(p)));
  const lookup = new Map(entries.map((e) => [e.id, e]));

  it('a product entry keeps its category names as shown and its permalink; a variation names its parent', () => {
    assert.deepEqual(entries[0], { id: 101, parentId: null, type: 'simple', name: 'Linen Apron', categories: ['Kitchen & Home', 'Gifts'], url: 'https://shop.example/product/linen-apron/' });
    assert.deepEqual(entries[2], { id: 202, parentId: 201, type: 'variation', name: 'Hoodie - M', categories: [], url: 'https://shop.example/product/hoodie/?attribute_size=M' });
    const mapped = mapDelivery({ storeId: 's', topic: 'product.created', payload: product() });
    assert.deepEqual(mapped.product, entries[0]);
    assert.equal(mapDelivery({ storeId: 's', topic: 'product.deleted', payload: { id: 101 } }).productRemoved, 101);
  });

  it('the ids an order or a cart names, and none for other topics', () => {
    assert.deepEqual(productIdsOf('cart.item_added', cart({ added: item({ product_id: 300 }) })).sort(), [101, 201, 202, 300]);
    assert.deepEqual(productIdsOf('order.updated', buildOrder({ id: 8, lineItems: [hoodieItem] })).sort(), [201, 202]);
    assert.deepEqual(productIdsOf('customer.updated', { line_items: [item()] }), []);
  });

  it('order items name their product\'s categories (a variation\'s parent\'s) and the most precise permalink; an unknown product maps without them', () => {
    const order = buildOrder({ id: 9, lineItems: [item(), hoodieItem, item({ id: 3, product_id: 999, name: 'Unknown' })], totals: { total: '105.00' } });
    const r = mapDelivery({ storeId: 's', topic: 'order.updated', payload: order, products: lookup });
    const placed = r.requests.find((q) => q.kind === 'event' && q.metric === 'Placed Order')!;
    assert.deepEqual(catalogOf(props(placed).Items), [
      ['Linen Apron', ['Kitchen & Home', 'Gifts'], 'https://shop.example/product/linen-apron/'],
      ['Hoodie - M', ['Clothing'], 'https://shop.example/product/hoodie/?attribute_size=M'],
      ['Unknown', undefined, undefined],
    ]);
    const ordered = r.requests.filter((q) => q.kind === 'event' && q.metric === 'Ordered Product').map((q) => props(q));
    assert.deepEqual(ordered.map((p) => [p.ProductName, p.Categories, p.ProductURL]), catalogOf(props(placed).Items));
    const without = mapDelivery({ storeId: 's', topic: 'order.updated', payload: order });
    assert.ok((props(without.requests[0]!).Items as Record<string, unknown>[]).every((i) => !('Categories' in i) && !('ProductURL' in i)), 'no index: no fields, still mapped');
  });
});

describe('product index through the running sidecar', () => {
  let h: Harness;
  const send = async (topic: string, payload: unknown) => {
    const r = await h.deliverJson(STORE, topic, payload);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await h.drain(STORE);
  };
  const last = (metric: string) => h.double.events.filter((e) => e.metric === metric).at(-1)!;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('a cart before its products are known still maps, without the fields', async () => {
    await send('cart.checkout_started', cart());
    assert.deepEqual(catalogOf(last('Started Checkout').properties.Items), [['Linen Apron', undefined, undefined], ['Hoodie - M', undefined, undefined]]);
  });

  it('after the product deliveries, Started Checkout and Added to Cart name categories and permalinks', async () => {
    await send('product.created', product());
    await send('product.created', hoodie);
    await send('product.created', hoodieM);
    await send('cart.checkout_started', cart({ line_items: [item({ quantity: 2 }), hoodieItem] }));
    assert.deepEqual(catalogOf(last('Started Checkout').properties.Items), [
      ['Linen Apron', ['Kitchen & Home', 'Gifts'], 'https://shop.example/product/linen-apron/'],
      ['Hoodie - M', ['Clothing'], 'https://shop.example/product/hoodie/?attribute_size=M'],
    ]);
    await send('cart.item_added', cart({ cart_token: 'tok0123456789add', line_items: [hoodieItem], added: hoodieItem }));
    const added = last('Added to Cart').properties;
    assert.deepEqual([added.AddedItemCategories, added.AddedItemProductURL], [['Clothing'], 'https://shop.example/product/hoodie/?attribute_size=M']);
  });

  it('a product edit changes what later orders carry; a product and an order in one batch see each other in order; a trashed product is forgotten', async () => {
    await h.deliverJson(STORE, 'product.updated', product({ categories: [{ id: 33, name: 'Sale', slug: 'sale' }], date_modified_gmt: '2026-12-02T10:00:00' }));
    await h.deliverJson(STORE, 'order.created', buildOrder({ id: 51, lineItems: [item()], totals: { total: '30.00' } }));
    await h.drain(STORE);
    assert.deepEqual(catalogOf(last('Placed Order').properties.Items), [['Linen Apron', ['Sale'], 'https://shop.example/product/linen-apron/']]);
    await send('product.deleted', { id: 101 });
    await send('order.created', buildOrder({ id: 52, lineItems: [item()], totals: { total: '30.00' } }));
    assert.deepEqual(catalogOf(last('Placed Order').properties.Items), [['Linen Apron', undefined, undefined]]);
    assert.deepEqual(h.double.invalidRequests(), []);
  });
});
