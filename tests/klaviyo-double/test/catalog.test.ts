/** The double's catalog: bulk jobs change it as Klaviyo would, and reads show exactly what it holds. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '../src/index.js';

const KEY = 'pk_test_catalog123456';
const H = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' };
const ID = (ext: string) => `$custom:::$default:::${ext}`;
const item = (ext: string, o: Record<string, unknown> = {}, cats: string[] = []) => ({
  type: 'catalog-item',
  attributes: { external_id: ext, title: `Item ${ext}`, description: 'A thing', url: `https://shop.example/p/${ext}`, price: 10, ...o },
  ...(cats.length ? { relationships: { categories: { data: cats.map((c) => ({ type: 'catalog-category', id: ID(c) })) } } } : {}),
});
const variant = (ext: string, itemExt: string, o: Record<string, unknown> = {}) => ({
  type: 'catalog-variant',
  attributes: { external_id: ext, title: `Variant ${ext}`, description: 'A size', sku: `SKU-${ext}`, inventory_quantity: 5, price: 12, url: `https://shop.example/p/${itemExt}`, ...o },
  relationships: { item: { data: { type: 'catalog-item', id: ID(itemExt) } } },
});
const job = (kind: 'item' | 'variant' | 'category', action: 'create' | 'update' | 'delete', data: unknown[]) => {
  const list = kind === 'item' ? 'items' : kind === 'variant' ? 'variants' : 'categories';
  return { data: { type: `catalog-${kind}-bulk-${action}-job`, attributes: { [list]: { data } } } };
};

describe('Klaviyo double: catalog', () => {
  let d: KlaviyoDouble;
  let t = 1_800_000_000_000;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(d.url + path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) as Record<string, any> : null };
  };
  before(async () => { d = await startKlaviyoDouble({ now: () => t }); });
  after(() => d.close());
  beforeEach(() => d.reset());

  it('creates categories, items and variants through bulk jobs; a job answers queued and reads complete', async () => {
    const c = await call('POST', '/api/catalog-category-bulk-create-jobs', job('category', 'create', [{ type: 'catalog-category', attributes: { external_id: 'cat-1', name: 'Shirts' } }]));
    assert.equal(c.status, 202);
    assert.equal(c.body!.data.type, 'catalog-category-bulk-create-job');
    assert.equal(c.body!.data.attributes.status, 'queued');
    const i = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1', {}, ['cat-1']), item('p-2')]));
    assert.equal(i.status, 202);
    const v = await call('POST', '/api/catalog-variant-bulk-create-jobs', job('variant', 'create', [variant('v-1', 'p-1'), variant('v-2', 'p-1', { inventory_quantity: 0 })]));
    assert.equal(v.status, 202);
    t += 1000; // the jobs finish on the double's clock
    const read = await call('GET', `/api/catalog-item-bulk-create-jobs/${String(i.body!.data.id)}`);
    assert.equal(read.status, 200);
    assert.equal(read.body!.data.attributes.status, 'complete');
    assert.equal(read.body!.data.attributes.completed_count, 2);
    assert.deepEqual(read.body!.data.relationships.items.data.map((x: { id: string }) => x.id), [ID('p-1'), ID('p-2')]);
    const s = d.catalog();
    assert.deepEqual(s.items.map((x) => [x.id, x.categories]), [[ID('p-1'), [ID('cat-1')]], [ID('p-2'), []]]);
    assert.deepEqual(s.variants.map((x) => [x.id, x.item, x.inventory_quantity]), [[ID('v-1'), ID('p-1'), 5], [ID('v-2'), ID('p-1'), 0]]);
    const items = await call('GET', `/api/catalog-items?filter=${encodeURIComponent(`equals(category.id,"${ID('cat-1')}")`)}`);
    assert.deepEqual(items.body!.data.map((x: { id: string }) => x.id), [ID('p-1')]);
    assert.deepEqual(items.body!.data[0].relationships.variants.data.map((x: { id: string }) => x.id), [ID('v-1'), ID('v-2')]);
    const cats = await call('GET', `/api/catalog-categories/${encodeURIComponent(ID('cat-1'))}`);
    assert.deepEqual(cats.body!.data.relationships.items.data.map((x: { id: string }) => x.id), [ID('p-1')]);
    assert.deepEqual(d.invalidRequests(), [], 'requests and the double\'s own answers match the spec');
  });

  it('a replayed create is a per-item error in the job and leaves one copy; an update changes only what it sends', async () => {
    await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1', { price: 10 })]));
    const again = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1', { price: 99 }), item('p-3')]));
    assert.equal(again.status, 202);
    t += 1000;
    const read = await call('GET', `/api/catalog-item-bulk-create-jobs/${String(again.body!.data.id)}`);
    assert.equal(read.body!.data.attributes.failed_count, 1);
    assert.match(read.body!.data.attributes.errors[0].detail, /already exists/);
    assert.equal(d.catalog().items.filter((x) => x.id === ID('p-1')).length, 1, 'no duplicate');
    assert.equal(d.catalog().items.find((x) => x.id === ID('p-1'))!.price, 10, 'the replayed create changed nothing');
    await call('POST', '/api/catalog-item-bulk-update-jobs', job('item', 'update', [{ type: 'catalog-item', id: ID('p-1'), attributes: { price: 8.5 } }]));
    const p1 = d.catalog().items.find((x) => x.id === ID('p-1'))!;
    assert.equal(p1.price, 8.5);
    assert.equal(p1.title, 'Item p-1', 'attributes not sent are kept');
    const missing = await call('POST', '/api/catalog-item-bulk-update-jobs', job('item', 'update', [{ type: 'catalog-item', id: ID('nope'), attributes: { price: 1 } }]));
    t += 1000;
    const m = await call('GET', `/api/catalog-item-bulk-update-jobs/${String(missing.body!.data.id)}`);
    assert.equal(m.body!.data.attributes.failed_count, 1);
    assert.match(m.body!.data.attributes.errors[0].detail, /does not exist/);
  });

  it('a resource a test refuses fails inside the jobs that carry it, with its detail, as many times as asked; the rest of the job applies', async () => {
    d.refuseCatalogResource(ID('r-1'), 'The price must be a number.', 1);
    const c = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('r-0'), item('r-1')]));
    assert.equal(c.status, 202, 'never in the answer to the POST');
    assert.deepEqual(c.body!.data.attributes.errors, [], 'nor before the job is complete');
    t += 1000;
    const read = await call('GET', `/api/catalog-item-bulk-create-jobs/${String(c.body!.data.id)}`);
    assert.equal(read.body!.data.attributes.failed_count, 1);
    assert.deepEqual(read.body!.data.attributes.errors.map((e: any) => [e.code, e.detail, e.source.pointer]), [['invalid', 'The price must be a number.', '/data/attributes/items/data/1']]);
    assert.deepEqual(d.catalog().items.map((x) => x.id), [ID('r-0')]);
    await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('r-1')]));
    assert.deepEqual(d.catalog().items.map((x) => x.id).sort(), [ID('r-0'), ID('r-1')], 'once asked, once refused');
  });

  it('variant stock and price changes, a variant of an unknown item fails, deletions leave nothing stale', async () => {
    await call('POST', '/api/catalog-category-bulk-create-jobs', job('category', 'create', [{ type: 'catalog-category', attributes: { external_id: 'cat-1', name: 'Shirts' } }]));
    await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1', {}, ['cat-1'])]));
    await call('POST', '/api/catalog-variant-bulk-create-jobs', job('variant', 'create', [variant('v-1', 'p-1'), variant('v-x', 'ghost')]));
    assert.deepEqual(d.catalog().variants.map((v) => v.id), [ID('v-1')]);
    assert.equal(d.bulkJobs.at(-1)!.failed, 1);
    await call('POST', '/api/catalog-variant-bulk-update-jobs', job('variant', 'update', [{ type: 'catalog-variant', id: ID('v-1'), attributes: { inventory_quantity: 0, price: 11 } }]));
    assert.deepEqual([d.catalog().variants[0]!.inventory_quantity, d.catalog().variants[0]!.price], [0, 11]);
    await call('POST', '/api/catalog-item-bulk-delete-jobs', job('item', 'delete', [{ type: 'catalog-item', id: ID('p-1') }]));
    assert.deepEqual(d.catalog().items, []);
    assert.equal(d.catalog().variants.length, 1, 'Klaviyo keeps an item\'s variants until they are deleted themselves');
    await call('POST', '/api/catalog-variant-bulk-delete-jobs', job('variant', 'delete', [{ type: 'catalog-variant', id: ID('v-1') }]));
    await call('POST', '/api/catalog-category-bulk-delete-jobs', job('category', 'delete', [{ type: 'catalog-category', id: ID('cat-1') }]));
    assert.deepEqual(d.catalog(), { items: [], variants: [], categories: [] });
    assert.deepEqual(d.invalidRequests(), []);
  });

  it('refuses more than 100 resources per job, an id twice in one job, and a body the spec forbids', async () => {
    const many = Array.from({ length: 101 }, (_, i) => item(`p-${i}`));
    const r = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', many));
    assert.equal(r.status, 400);
    assert.match(r.body!.errors[0].detail, /up to 100/);
    const twice = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1'), item('p-1')]));
    assert.equal(twice.status, 400);
    const bad = await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [{ type: 'catalog-item', attributes: { external_id: 'x', title: 'No url' } }]));
    assert.equal(bad.status, 400, 'description and url are required by the spec');
    assert.deepEqual(d.catalog().items, []);
  });

  it('pages collections by at most 100 and filters by ids', async () => {
    await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', Array.from({ length: 3 }, (_, i) => item(`p-${i}`))));
    const page = await call('GET', '/api/catalog-items?page%5Bsize%5D=2');
    assert.equal(page.body!.data.length, 2);
    const next = await fetch(String(page.body!.links.next), { headers: H }).then((x) => x.json()) as { data: { id: string }[] };
    assert.deepEqual(next.data.map((x) => x.id), [ID('p-2')]);
    assert.equal((await call('GET', '/api/catalog-items?page%5Bsize%5D=101')).status, 400);
    const ids = await call('GET', `/api/catalog-items?filter=${encodeURIComponent(`any(ids,["${ID('p-0')}","${ID('p-2')}"])`)}`);
    assert.deepEqual(ids.body!.data.map((x: { id: string }) => x.id), [ID('p-0'), ID('p-2')]);
    assert.equal((await call('GET', '/api/catalog-items?filter=equals(sku,"x")')).status, 400, 'a filter the spec does not allow');
  });

  it('takes a back-in-stock subscription for a known variant only, and rate-limits the catalog writes at 75/s', async () => {
    await call('POST', '/api/catalog-item-bulk-create-jobs', job('item', 'create', [item('p-1')]));
    await call('POST', '/api/catalog-variant-bulk-create-jobs', job('variant', 'create', [variant('v-1', 'p-1', { inventory_quantity: 0 })]));
    const bis = (variantId: string, email?: string) => ({
      data: { type: 'back-in-stock-subscription', attributes: { channels: ['EMAIL'], profile: { data: { type: 'profile', attributes: email ? { email } : {} } } }, relationships: { variant: { data: { type: 'catalog-variant', id: variantId } } } },
    });
    assert.equal((await call('POST', '/api/back-in-stock-subscriptions', bis(ID('v-1'), 'shopper@example.com'))).status, 202);
    assert.equal((await call('POST', '/api/back-in-stock-subscriptions', bis(ID('v-1'), 'shopper@example.com'))).status, 202);
    assert.equal(d.backInStock.length, 1, 'the same shopper and variant is one subscription');
    assert.equal((await call('POST', '/api/back-in-stock-subscriptions', bis(ID('nope'), 'shopper@example.com'))).status, 400);
    assert.equal((await call('POST', '/api/back-in-stock-subscriptions', bis(ID('v-1')))).status, 400, 'EMAIL needs an email');
    assert.deepEqual(d.backInStock.map((s) => [s.variantId, s.email, s.channels]), [[ID('v-1'), 'shopper@example.com', ['EMAIL']]]);

    const limited = await startKlaviyoDouble({ realLimits: true, now: () => t });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 76; i++) {
        const r = await fetch(`${limited.url}/api/catalog-item-bulk-create-jobs`, { method: 'POST', headers: H, body: JSON.stringify(job('item', 'create', [item(`q-${i}`)])) });
        statuses.push(r.status);
      }
      assert.equal(statuses.filter((s) => s === 202).length, 75);
      assert.equal(statuses.at(-1), 429);
    } finally { await limited.close(); }
  });
});

describe('Klaviyo double: metrics and mapped metrics', () => {
  let d: KlaviyoDouble;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(d.url + path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) as Record<string, any> : null };
  };
  before(async () => { d = await startKlaviyoDouble(); });
  after(() => d.close());
  beforeEach(() => d.reset());

  it('a metric exists once an event of its name was accepted; revenue maps to it once, only to a metric that exists', async () => {
    assert.deepEqual((await call('GET', '/api/metrics')).body!.data, []);
    const patch = (metricId: string) => call('PATCH', '/api/mapped-metrics/revenue', { data: { type: 'mapped-metric', id: 'revenue', relationships: { metric: { data: { type: 'metric', id: metricId } } } } });
    assert.equal((await patch('nope12')).status, 404);
    await call('POST', '/api/events', { data: { type: 'event', attributes: { properties: {}, unique_id: 'u1', metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } }, profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } } } } });
    const metrics = await call('GET', `/api/metrics?filter=${encodeURIComponent('equals(integration.name,"API")')}`);
    assert.deepEqual(metrics.body!.data.map((m: { attributes: { name: string } }) => m.attributes.name), ['Placed Order']);
    const placedId = String(metrics.body!.data[0].id);
    assert.equal((await patch(placedId)).status, 200);
    const read = await call('GET', '/api/mapped-metrics/revenue');
    assert.equal(read.body!.data.relationships.metric.data.id, placedId);
    assert.deepEqual(d.mappedMetrics().map((m) => [m.id, m.metricId]), [['revenue', placedId]]);
    assert.equal((await call('GET', '/api/mapped-metrics')).body!.data.length, 7);
    assert.equal((await call('GET', '/api/mapped-metrics/unknown')).status, 404);
    assert.deepEqual(d.invalidRequests(), []);
  });
});
