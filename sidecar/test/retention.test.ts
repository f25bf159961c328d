/** Retention: delivery bodies older than RETENTION_DAYS are cleared, the log line stays; younger ones are kept. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pruneVerdict } from '../src/sync/index.js';
import { Retention } from '../src/worker/retention.js';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const DAY = 86_400_000;
const STORE = 'retention-shop';

describe('pruneVerdict', () => {
  it('prunes what is old and mapped, waits on what is not mapped yet, stops at the first young one', () => {
    assert.equal(pruneVerdict('processed', 10, 11), 'prune');
    assert.equal(pruneVerdict('rejected', 10, 11), 'prune');
    assert.equal(pruneVerdict('received', 10, 11), 'wait');
    assert.equal(pruneVerdict('processed', 11, 11), 'stop');
  });
});

describe('retention', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('clears old bodies and headers, keeps the log line, and keeps young bodies', async () => {
    const old = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 801, status: 'processing', items: 1 }));
    const rejected = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 802, status: 'processing' }), 'wrong-secret');
    await h.drain(STORE);
    await new Promise((r) => setTimeout(r, 5));
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const young = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 803, status: 'processing', items: 1 }));
    await h.drain(STORE);
    const before = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${old.body.id}`);
    assert.ok(before.body.payload);

    const retention = new Retention(h.sidecar.storage, h.sidecar.app.log, { days: 30, now: () => cutoff + 30 * DAY });
    assert.equal(await retention.run(), 2);
    assert.equal(await retention.run(), 0, 'a second pass finds nothing more');

    const pruned = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${old.body.id}`);
    assert.equal(pruned.status, 200);
    assert.equal(pruned.body.payload, undefined);
    assert.deepEqual(pruned.body.headers, {});
    assert.equal(pruned.body.status, before.body.status);
    assert.equal(pruned.body.orderNumber, '801');
    assert.equal(pruned.body.email, before.body.email);
    assert.deepEqual(pruned.body.requests.map((r: { status: string }) => r.status), before.body.requests.map((r: { status: string }) => r.status));
    const full = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${old.body.id}`);
    assert.ok(full.body.requests.length >= 2);
    assert.ok(full.body.requests.every((r: { body: unknown }) => JSON.stringify(r.body) === '{}'), 'done requests keep no body');
    const rej = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${rejected.body.id}`);
    assert.equal(rej.body.payload, undefined);
    assert.equal(rej.body.error.class, 'invalid_signature');
    const kept = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${young.body.id}`);
    assert.equal(kept.body.payload.id, 803);
    // The list and search still find the pruned delivery by its log line.
    const found = await h.admin('GET', `/v1/stores/${STORE}/deliveries?q=801&limit=10`);
    assert.ok(found.body.items.some((d: { id: string }) => d.id === old.body.id));
  });
});
