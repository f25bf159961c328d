/** An outage and random faults: the circuit opens and stops the hammering, probes, and nothing is lost or doubled. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './helpers.js';
import { buildOrder } from './builders.js';

const STORE = 'outage-store';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Klaviyo outage and random faults', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { MAX_ATTEMPTS: '30', CIRCUIT_THRESHOLD: '3', CIRCUIT_COOLDOWN_MS: '400', KLAVIYO_TIMEOUT_MS: '300' } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('opens the circuit during an outage, shows it in status, probes, and delivers everything once after', async () => {
    h.double.clearFaults();
    // An outage of Klaviyo: events and profile imports (each order's totals) alike, so no success closes the circuit.
    h.double.inject({ kind: 'status', status: 503, count: 1_000_000, paths: ['/api/events', '/api/profile-import'] });
    const ids = Array.from({ length: 20 }, (_, i) => 7000 + i);
    for (const id of ids) {
      assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }))).status, 200);
    }
    // Wait for the circuit to open.
    let status: any;
    for (let i = 0; i < 200; i++) {
      status = (await h.admin('GET', `/v1/stores/${STORE}/status`)).body;
      if (status.circuit.state !== 'closed') break;
      await sleep(20);
    }
    assert.notEqual(status.circuit.state, 'closed', 'status shows the circuit open during the outage');
    // While open, the sidecar sends at most a probe per cooldown, not one request per job.
    const before = h.double.requests.filter((r) => r.path === '/api/events').length;
    await sleep(1200);
    const during = h.double.requests.filter((r) => r.path === '/api/events').length - before;
    assert.ok(during <= 6, `no hammering while the circuit is open: ${during} requests in 1.2 s for 40 waiting jobs`);
    assert.ok((await h.admin('GET', `/v1/stores/${STORE}/status`)).body.errorCounts.circuit_open >= 1);

    h.double.clearFaults();
    const s = await h.drain(STORE, 60_000);
    assert.equal(s.queue.dead, 0);
    assert.equal(s.circuit.state, 'closed', 'a successful probe closes the circuit');
    for (const id of ids) {
      assert.equal(h.double.events.filter((e) => e.uniqueId === `woo:${STORE}:order:${id}:placed`).length, 1, `order ${id} placed once`);
      assert.equal(h.double.events.filter((e) => e.uniqueId === `woo:${STORE}:order:${id}:item:${id * 100 + 1}`).length, 1);
    }
  });

  it('random 429s, 5xx, resets and hangs past the timeout lose nothing and double nothing', async () => {
    h.double.clearFaults();
    h.double.inject({ kind: 'status', status: 429, probability: 0.1, retryAfter: 1, paths: ['/api/events'] });
    h.double.inject({ kind: 'status', status: 500, probability: 0.1, paths: ['/api/events', '/api/profile-import'] });
    h.double.inject({ kind: 'reset', probability: 0.1, paths: ['/api/events'] });
    h.double.inject({ kind: 'hang', ms: 600, probability: 0.05, paths: ['/api/events'] });
    const ids = Array.from({ length: 40 }, (_, i) => 8000 + i);
    for (const id of ids) {
      assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 2 }))).status, 200);
    }
    const s = await h.drain(STORE, 90_000);
    h.double.clearFaults();
    // A hung request may have reached Klaviyo after the sidecar gave up on it: Klaviyo dedupes by unique_id, so
    // count distinct accepted events, and check each is there exactly once in what the double kept.
    assert.equal(s.queue.dead, 0);
    for (const id of ids) {
      for (const key of [`woo:${STORE}:order:${id}:placed`, `woo:${STORE}:order:${id}:item:${id * 100 + 1}`, `woo:${STORE}:order:${id}:item:${id * 100 + 2}`]) {
        assert.equal(h.double.events.filter((e) => e.uniqueId === key).length, 1, `${key} exactly once`);
      }
    }
    assert.deepEqual(h.double.invalidRequests().filter((r) => !r.fault), []);

    // Replaying everything twice sends no duplicate events.
    const list = (await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=100`)).body.items as { id: string }[];
    for (let round = 0; round < 2; round++) {
      for (const d of list) await h.admin('POST', `/v1/stores/${STORE}/deliveries/${d.id}/replay?all=1`);
      await h.drain(STORE, 60_000);
    }
    // The double keeps one event per unique_id, as Klaviyo does; a replay that changed a unique_id would show up
    // as an extra event. Exactly the expected set must be there.
    const expected = new Set(ids.flatMap((id) => [`woo:${STORE}:order:${id}:placed`, `woo:${STORE}:order:${id}:item:${id * 100 + 1}`, `woo:${STORE}:order:${id}:item:${id * 100 + 2}`]));
    const got = h.double.events.filter((e) => ids.some((id) => e.uniqueId?.startsWith(`woo:${STORE}:order:${id}:`))).map((e) => e.uniqueId!);
    assert.equal(got.length, expected.size, 'no event added by replaying everything twice');
    assert.deepEqual(new Set(got), expected);
  });
});
