/** What happens when Klaviyo throttles, fails, rejects a request or refuses the key. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GOOD_KEY, startHarness, type Harness } from './helpers.js';
import { buildOrder } from './builders.js';

const STORE = 'fault-store';

describe('Klaviyo failures', () => {
  let h: Harness;
  let next = 1000;
  before(async () => {
    h = await startHarness({ env: { MAX_ATTEMPTS: '3' } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());
  beforeEach(() => h.double.clearFaults());

  it('waits as Retry-After says on 429 and delivers', async () => {
    h.double.inject({ kind: 'status', status: 429, count: 2, retryAfter: 1, paths: ['/api/events'] });
    const id = next++;
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing' }))).status, 200);
    const s = await h.drain(STORE);
    const placed = h.double.events.filter((e) => e.uniqueId === `woo:${STORE}:order:${id}:placed`);
    assert.equal(placed.length, 1);
    assert.ok(s.errorCounts.rate_limited >= 2);
    const throttled = h.double.requests.filter((r) => r.status === 429);
    const afterThrottle = h.double.requests.find((r) => r.id > throttled[0]!.id && r.status === 202 && (r.body as any)?.data?.attributes?.unique_id === `woo:${STORE}:order:${id}:placed`);
    assert.ok(afterThrottle, 'the throttled event was sent again and accepted');
    assert.ok(Date.parse(afterThrottle.at) - Date.parse(throttled[0]!.at) >= 900, 'it waited about a second as Retry-After said');
  });

  it('backs off on 5xx and connection resets, then delivers', async () => {
    h.double.inject({ kind: 'status', status: 503, count: 1, paths: ['/api/events'] });
    h.double.inject({ kind: 'reset', count: 1, paths: ['/api/events'] });
    const id = next++;
    await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }));
    const s = await h.drain(STORE);
    assert.equal(h.double.events.filter((e) => e.uniqueId?.startsWith(`woo:${STORE}:order:${id}:`)).length, 2);
    assert.ok(s.errorCounts.server >= 1 && s.errorCounts.network >= 1);
  });

  it('dead-letters after the attempt cap, keeps the reason, and a replay delivers', async () => {
    h.double.inject({ kind: 'status', status: 500, count: 50, paths: ['/api/events'] });
    const id = next++;
    const r = await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }));
    const s = await h.drain(STORE);
    assert.ok(s.queue.dead >= 2);
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'dead');
    assert.match(d.body.error.message, /500.*gave up after 3 attempts/);
    h.double.clearFaults();
    const replay = await h.admin('POST', `/v1/stores/${STORE}/replay?status=dead`);
    assert.ok(replay.body.replayed >= 2);
    await h.drain(STORE);
    assert.equal(h.double.events.filter((e) => e.uniqueId?.startsWith(`woo:${STORE}:order:${id}:`)).length, 2);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`)).body.status, 'succeeded');
  });

  it('dead-letters a 400 at once with Klaviyo\'s error detail', async () => {
    const id = next++;
    const r = await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1, email: 'nobody@localhost' }));
    await h.drain(STORE);
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'dead');
    assert.equal(d.body.error.class, 'bad_request');
    assert.equal(d.body.error.klaviyo[0].detail, 'Invalid email address');
    assert.ok(d.body.requests.every((q: any) => q.attempts === 1), 'a 400 is not retried');
    const list = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=dead`);
    assert.ok(list.body.items.some((x: any) => x.id === r.body.id));
  });

  it('pauses the store on 401, loses nothing, and drains after a valid key is saved', async () => {
    h.double.revokeKey(GOOD_KEY);
    const ids = [next++, next++];
    for (const id of ids) await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }));
    let s: any;
    for (let i = 0; i < 200; i++) {
      s = (await h.admin('GET', `/v1/stores/${STORE}/status`)).body;
      if (s.paused) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(s.paused, true);
    assert.equal(s.key.status, 'invalid');
    await new Promise((r) => setTimeout(r, 200));
    s = (await h.admin('GET', `/v1/stores/${STORE}/status`)).body;
    assert.ok(s.queue.paused >= 4, `jobs wait while paused: ${JSON.stringify(s.queue)}`);
    assert.equal(s.queue.dead, 0 + (s.queue.dead ?? 0));
    const put = await h.configureStore(STORE, { key: 'pk_bad_key_still_wrong' });
    assert.equal(put.body.key.status, 'invalid');
    h.double.restoreKey(GOOD_KEY);
    const ok = await h.configureStore(STORE);
    assert.equal(ok.body.key.status, 'valid');
    s = await h.drain(STORE);
    assert.equal(s.paused, false);
    for (const id of ids) assert.equal(h.double.events.filter((e) => e.uniqueId?.startsWith(`woo:${STORE}:order:${id}:`)).length, 2);
  });

  it('keeps every request valid against the spec', () => {
    assert.deepEqual(h.double.invalidRequests().filter((r) => !r.fault), []);
  });
});
