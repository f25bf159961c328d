/**
 * A product's life cycle through the running sidecar against the Klaviyo double: what Klaviyo's catalog holds after
 * each step (creates, price and stock changes, variation edits, trash and restore, replays).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'catalog-store';
const id = (n: number) => `$custom:::$default:::${n}`;

const product = (o: Record<string, unknown> = {}) => ({
  id: 101, name: 'Linen Apron', permalink: 'https://shop.example/product/linen-apron/', type: 'simple', status: 'publish',
  catalog_visibility: 'visible', description: '<p>Heavy &amp; soft linen.</p>', short_description: '', sku: 'APRON-1', price: '30.00',
  manage_stock: true, stock_quantity: 4, stock_status: 'instock', backorders: 'no', parent_id: 0, date_modified_gmt: '2026-12-01T10:00:00',
  images: [{ id: 9, src: 'https://shop.example/apron.jpg' }], categories: [{ id: 31, name: 'Kitchen &amp; Home', slug: 'kitchen-home' }], variations: [],
  ...o,
});
const variation = (vid: number, o: Record<string, unknown> = {}) => ({
  ...product({ id: vid, type: 'variation', parent_id: 201, name: `Hoodie - ${vid}`, permalink: `https://shop.example/product/hoodie/?attribute_size=${vid}`, sku: `HOOD-${vid}`, price: '45.00', categories: [], images: [] }),
  ...o,
});

describe('the catalog through a product life cycle', () => {
  let h: Harness;
  const send = async (topic: string, payload: unknown) => {
    const r = await h.deliverJson(STORE, topic, payload);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await h.drain(STORE);
  };
  before(async () => {
    h = await startHarness({ env: { KLAVIYO_JOB_POLL_MS: '10' }, double: { bulkJobMs: 20 } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('a new simple product is an item, its own variant and its category', async () => {
    await send('product.created', product());
    const c = h.double.catalog();
    assert.deepEqual(c.categories.map((x) => [x.id, x.name]), [[id(31), 'Kitchen & Home']]);
    assert.equal(c.items.length, 1);
    const item = c.items[0]!;
    assert.deepEqual([item.id, item.title, item.description, item.price, item.url, item.image_full_url, item.published, item.categories],
      [id(101), 'Linen Apron', 'Heavy & soft linen.', 30, 'https://shop.example/product/linen-apron/', 'https://shop.example/apron.jpg', true, [id(31)]]);
    assert.deepEqual(c.variants.map((v) => [v.id, v.item, v.sku, v.price, v.inventory_quantity, v.inventory_policy]), [[id(101), id(101), 'APRON-1', 30, 4, 1]]);
    assert.deepEqual(h.double.invalidRequests(), []);
  });

  it('a price change and a stock change (each a product.updated) update the item and the variant in place', async () => {
    await send('product.updated', product({ price: '27.50', date_modified_gmt: '2026-12-01T11:00:00' }));
    await send('product.updated', product({ price: '27.50', stock_quantity: 0, stock_status: 'outofstock', date_modified_gmt: '2026-12-01T11:05:00' }));
    const c = h.double.catalog();
    assert.equal(c.items.length, 1, 'no duplicate item');
    assert.equal(c.items[0]!.price, 27.5);
    assert.deepEqual(c.variants.map((v) => [v.id, v.price, v.inventory_quantity]), [[id(101), 27.5, 0]]);
  });

  it('the same content again sends nothing', async () => {
    const before = h.double.requests.length;
    await send('product.updated', product({ price: '27.50', stock_quantity: 0, stock_status: 'outofstock', date_modified_gmt: '2026-12-01T11:06:00' }));
    assert.equal(h.double.requests.length, before, 'an unchanged product is not sent again');
  });

  it('a variable product: variations are variants with their own price and stock, a variation before its parent is not lost', async () => {
    await send('product.created', variation(202, { price: '40.00', stock_quantity: 2 }));
    await send('product.created', product({ id: 201, name: 'Hoodie', type: 'variable', sku: 'HOOD', price: '40.00', permalink: 'https://shop.example/product/hoodie/', variations: [202, 203], categories: [] }));
    await send('product.created', variation(203, { price: '45.00', stock_quantity: 7 }));
    const c = h.double.catalog();
    const hoodie = c.items.find((i) => i.id === id(201))!;
    assert.deepEqual([hoodie.title, hoodie.url, hoodie.price], ['Hoodie', 'https://shop.example/product/hoodie/', 40], 'the product\'s own content won over the placeholder');
    assert.deepEqual(c.variants.filter((v) => v.item === id(201)).map((v) => [v.id, v.price, v.inventory_quantity]).sort(), [[id(202), 40, 2], [id(203), 45, 7]]);
    assert.equal(c.variants.some((v) => v.id === id(201)), false, 'a variable product has no variant of its own');
  });

  it('a variation edit changes that variant; a variation removed from the product leaves the catalog', async () => {
    await send('product.updated', variation(203, { price: '44.00', stock_quantity: 6, date_modified_gmt: '2026-12-01T12:00:00' }));
    assert.deepEqual(h.double.catalog().variants.filter((v) => v.id === id(203)).map((v) => [v.price, v.inventory_quantity]), [[44, 6]]);
    await send('product.updated', product({ id: 201, name: 'Hoodie', type: 'variable', sku: 'HOOD', price: '40.00', permalink: 'https://shop.example/product/hoodie/', variations: [202], categories: [], date_modified_gmt: '2026-12-01T12:01:00' }));
    assert.deepEqual(h.double.catalog().variants.filter((v) => v.item === id(201)).map((v) => v.id), [id(202)]);
  });

  it('a trashed product leaves the catalog with its variants; restored, it comes back', async () => {
    // WooCommerce trashes a variable product's variations first (product.deleted for each), then the product.
    await send('product.deleted', { id: 203 });
    assert.equal(h.double.catalog().variants.some((v) => v.id === id(203)), false, 'a trashed variation leaves the catalog');
    await send('product.deleted', { id: 201 });
    let c = h.double.catalog();
    assert.equal(c.items.some((i) => i.id === id(201)), false);
    assert.equal(c.variants.some((v) => v.item === id(201)), false, 'nothing stale');
    await send('product.restored', product({ status: 'draft', price: '27.50', stock_quantity: 0, stock_status: 'outofstock', date_modified_gmt: '2026-12-01T13:00:00' }));
    c = h.double.catalog();
    assert.equal(c.items.find((i) => i.id === id(101))!.published, false, 'a draft is kept unpublished');
  });

  it('replaying the product deliveries leaves the same catalog (no duplicates, nothing stale)', async () => {
    const snapshot = JSON.stringify(h.double.catalog(), (k, v: unknown) => (k === 'updated' || k === 'created' ? undefined : v));
    const all = await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=100`);
    const products = (all.body.items as { id: string; resource: string | null; resourceId: number; status: string }[])
      .filter((d) => d.resource === 'product' && d.status === 'succeeded');
    assert.ok(products.length >= 6, JSON.stringify(all.body.items.map((d: { status: string }) => d.status)));
    // In the order WooCommerce sent them (a replay of one old delivery alone sends its older content again).
    for (const d of [...products].sort((x, y) => Number(x.id) - Number(y.id))) {
      assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/${d.id}/replay?all=1`)).status, 200);
      await h.drain(STORE);
    }
    assert.equal(JSON.stringify(h.double.catalog(), (k, v: unknown) => (k === 'updated' || k === 'created' ? undefined : v)), snapshot);
    assert.deepEqual(h.double.invalidRequests(), []);
    const one = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${products[0]!.id}`);
    assert.equal(one.body.requests[0].kind, 'catalog', 'the sync log shows the catalog request');
  });
});

describe('catalog bulk jobs read back', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { KLAVIYO_JOB_POLL_MS: '10', MAX_ATTEMPTS: '2' }, double: { bulkJobMs: 30 } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('each job is read back (GET on the job) until Klaviyo finished it, before the next is sent', async () => {
    const r = await h.deliverJson(STORE, 'product.created', product({ id: 401, sku: 'R-401' }));
    await h.drain(STORE);
    const seq = h.double.requests.filter((q) => q.path.startsWith('/api/catalog-item-bulk-')).map((q) => `${q.method} ${q.path.replace(/[0-9a-f]{32}/, '{id}')}`);
    assert.deepEqual([...new Set(seq)], ['POST /api/catalog-item-bulk-create-jobs', 'GET /api/catalog-item-bulk-create-jobs/{id}', 'POST /api/catalog-item-bulk-update-jobs', 'GET /api/catalog-item-bulk-update-jobs/{id}']);
    const create = h.double.requests.findIndex((q) => q.path === '/api/catalog-item-bulk-create-jobs');
    const update = h.double.requests.findIndex((q) => q.path === '/api/catalog-item-bulk-update-jobs');
    assert.ok(h.double.requests.slice(create, update).some((q) => q.method === 'GET' && q.path.startsWith('/api/catalog-item-bulk-create-jobs/')), 'the update waits for the create');
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'succeeded', 'a create failed because the id exists, or an update because it does not yet, is not a failure');
    assert.deepEqual(h.double.invalidRequests(), []);
  });

  it('a resource Klaviyo fails inside its jobs makes the delivery dead with Klaviyo\'s reason; a replay sends it again', async () => {
    h.double.refuseCatalogResource(id(402), 'The price must be a number.', 2);
    const r = await h.deliverJson(STORE, 'product.created', product({ id: 402, sku: 'R-402' }));
    await h.drain(STORE);
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'dead', JSON.stringify(d.body));
    // Klaviyo refused the item in its create job and failed its update as missing: the create's reason shows, and the
    // variant its item lacked is named too.
    assert.match(d.body.error.message, /^Klaviyo's catalog job failed the item \$custom:::\$default:::402 \(create\): The price must be a number\. \(and 1 more: variant \$custom:::\$default:::402\)/);
    assert.equal(d.body.requests[0].kind, 'catalog');
    assert.equal(h.double.catalog().items.some((i) => i.id === id(402)), false, 'Klaviyo does not hold it');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/${r.body.id}/replay`)).status, 200);
    await h.drain(STORE);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`)).body.status, 'succeeded');
    assert.equal(h.double.catalog().items.some((i) => i.id === id(402)), true);
  });

  it('a create Klaviyo fails and an update that applies the content is not a failure', async () => {
    h.double.refuseCatalogResource(id(401), 'Refused on create.', 1);
    const r = await h.deliverJson(STORE, 'product.updated', product({ id: 401, sku: 'R-401', price: '31.00', date_modified_gmt: '2026-12-02T10:00:00' }));
    await h.drain(STORE);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`)).body.status, 'succeeded');
    assert.equal(h.double.catalog().items.find((i) => i.id === id(401))!.price, 31);
  });
});

describe('a catalog job Klaviyo does not finish in time', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { KLAVIYO_JOB_POLL_MS: '10', KLAVIYO_JOB_WAIT_MS: '150', MAX_ATTEMPTS: '2' }, double: { bulkJobMs: 60_000 } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('is retried like a server error, then dead with the reason (replayable)', async () => {
    const r = await h.deliverJson(STORE, 'product.created', product({ id: 501 }));
    await h.drain(STORE);
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'dead');
    assert.match(d.body.error.message, /Klaviyo had not finished the catalog job .* after 150 ms; the change is sent again\..*gave up after 2 attempts/);
    assert.equal(h.double.requests.filter((q) => q.path === '/api/catalog-category-bulk-create-jobs').length, 2, 'sent twice');
  });
});
