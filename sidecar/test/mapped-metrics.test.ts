/** Klaviyo's revenue mapped metric is pointed at our Placed Order once, after the store's first Placed Order. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'revenue-store';

describe('revenue mapped metric', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  const until = async (what: string, ok: () => boolean) => {
    const end = Date.now() + 5000;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it('is set to Placed Order after the first one is sent, and not patched again', async () => {
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id: 7001, status: 'pending' }))).status, 200);
    await h.drain(STORE);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.double.requests.some((r) => r.path.startsWith('/api/mapped-metrics')), false, 'nothing before a Placed Order exists');
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id: 7002, status: 'processing' }))).status, 200);
    await h.drain(STORE);
    await until('the revenue mapping', () => h.double.mappedMetrics().length === 1);
    const metrics = await fetch(`${h.double.url}/api/metrics`, { headers: { authorization: 'Klaviyo-API-Key pk_test_0123456789abcdef', revision: '2026-07-15' } }).then((r) => r.json()) as { data: { id: string; attributes: { name: string } }[] };
    const placed = metrics.data.find((m) => m.attributes.name === 'Placed Order')!;
    assert.deepEqual(h.double.mappedMetrics().map((m) => [m.id, m.metricId]), [['revenue', placed.id]]);
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id: 7003, status: 'processing' }))).status, 200);
    await h.drain(STORE);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.double.requests.filter((r) => r.method === 'PATCH' && r.path === '/api/mapped-metrics/revenue').length, 1, 'set once');
    assert.deepEqual(h.double.invalidRequests(), []);
  });
});
