/**
 * The sync log's paging and filters, and the queue's priorities, on the suite's backend (SQLite or Redis):
 * pages by cursor are newest first without overlap, filters combine with paging, and live deliveries are
 * sent before replayed ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'log-store';

async function pages(h: Harness, query: string, limit: number): Promise<any[][]> {
  const out: any[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r = await h.admin('GET', `/v1/stores/${STORE}/deliveries?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    if (r.body.items.length) out.push(r.body.items);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('paging did not end');
}

describe('sync log and priorities', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { MAX_ATTEMPTS: '1', SEND_CONCURRENCY: '1' } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('pages newest first by cursor, with status and text filters', async () => {
    const ok: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 3000 + i, status: 'processing', items: 1, email: `page.${i}@example.com` }));
      ok.push(r.body.id);
    }
    const bad: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.deliverJson(STORE, 'order.created', buildOrder({ id: 3100 + i, status: 'processing', items: 1, email: 'nobody@localhost' }));
      bad.push(r.body.id);
    }
    await h.drain(STORE);

    const all = (await pages(h, 'x=1', 3)).flat().map((d) => d.id);
    assert.deepEqual(all, [...ok, ...bad].reverse(), 'every delivery once, newest first');
    const sizes = (await pages(h, 'x=1', 3)).map((p) => p.length);
    assert.deepEqual(sizes, [3, 3, 3, 1]);

    const dead = (await pages(h, 'status=dead', 2)).flat();
    assert.deepEqual(dead.map((d) => d.id), [...bad].reverse());
    assert.ok(dead.every((d) => d.status === 'dead' && d.error?.class === 'bad_request'));
    const succeeded = (await pages(h, 'status=succeeded', 4)).flat().map((d) => d.id);
    assert.deepEqual(succeeded, [...ok].reverse());

    const byEmail = (await pages(h, 'q=PAGE.', 2)).flat();
    assert.deepEqual(byEmail.map((d) => d.email), [6, 5, 4, 3, 2, 1, 0].map((i) => `page.${i}@example.com`));
    const byOrder = (await pages(h, 'q=%233102', 5)).flat();
    assert.deepEqual(byOrder.map((d) => d.id), [bad[2]], 'an order number, with or without #');
    const exact = (await pages(h, 'q=3002', 5)).flat();
    assert.deepEqual(exact.map((d) => d.id), [ok[2]]);
    assert.deepEqual((await pages(h, 'q=no-such-thing', 5)).flat(), []);
  });

  it('sends live deliveries before replayed ones', async () => {
    // Three dead deliveries to replay (a 500 with MAX_ATTEMPTS=1 is final).
    h.double.inject({ kind: 'status', status: 500, count: 6, paths: ['/api/events'] });
    const replayIds = [3200, 3201, 3202];
    for (const id of replayIds) await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }));
    await h.drain(STORE);
    h.double.clearFaults();
    // The one sender is held by a hanging request while replays and new live deliveries queue up.
    h.double.inject({ kind: 'hang', ms: 1500, count: 1, paths: ['/api/events'] });
    await h.deliverJson(STORE, 'order.created', buildOrder({ id: 3300, status: 'processing', items: 1 }));
    await new Promise((r) => setTimeout(r, 300));
    const replay = await h.admin('POST', `/v1/stores/${STORE}/replay?status=dead`);
    assert.ok(replay.body.replayed >= 6);
    const liveIds = [3301, 3302, 3303];
    for (const id of liveIds) await h.deliverJson(STORE, 'order.created', buildOrder({ id, status: 'processing', items: 1 }));
    await h.drain(STORE);
    const order = h.double.requests
      .filter((r) => r.path === '/api/events' && r.status === 202)
      .map((r) => String((r.body as any)?.data?.attributes?.unique_id))
      .filter((u) => /order:33\d\d:|order:320\d:/.test(u));
    const lastLive = Math.max(...order.map((u, i) => (/order:330[123]:/.test(u) ? i : -1)));
    const firstReplay = order.findIndex((u) => /order:320\d:/.test(u));
    assert.ok(firstReplay >= 0 && lastLive >= 0, JSON.stringify(order));
    assert.ok(lastLive < firstReplay, `live before replays: ${JSON.stringify(order)}`);
  });
});
