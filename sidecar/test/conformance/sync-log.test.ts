/**
 * Conformance: the sync log. Replay (one delivery, all dead, a delivery that died in mapping), search (email
 * substring in any case, order number with or without '#'), and cursor paging, newest first.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SEARCH_SCAN_LIMIT, STALL_MS } from '../../src/sync/index.js';
import type { DeliveryFilter, Storage } from '../../src/storage/types.js';
import { planAndApply } from '../../src/worker/planning.js';
import { claimUntil, delivery, events, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

const dead = { errorClass: 'bad_request', message: 'Klaviyo answered 400', responseStatus: 400 };

/** Follows a listing's cursors to its end: every page's ids, in order. */
async function allPages(s: Storage, storeId: string, f: Omit<DeliveryFilter, 'cursor'>, max = 50): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await s.listDeliveries(storeId, { ...f, cursor });
    pages.push(page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < max);
  return pages;
}

describe(`conformance (${TEST_BACKEND}): sync log and replay`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('s'));
  });
  afterEach(() => b.close());

  /** A delivery with one job, sent and dead-lettered. */
  async function deadDelivery(s: Storage, key: string): Promise<string> {
    const id = await receiveAndPlan(s, 's', events([key]));
    const [job] = await claimUntil(s, 1);
    await s.settleJob(job!, { kind: 'dead', failure: dead }, Date.now());
    return id;
  }

  it('replays one delivery\'s dead jobs: pending again, attempts from zero, behind live traffic', async () => {
    const s = b.storage;
    const id = await deadDelivery(s, 'd1');
    assert.equal((await s.getDelivery('s', id))?.status, 'dead');
    assert.equal(await s.replayDelivery('s', id, false), 1);
    const v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'pending');
    assert.deepEqual(v?.requests.map((r) => [r.status, r.attempts]), [['pending', 0]]);
    const [job] = await claimUntil(s, 1, 2000);
    assert.equal(job?.priority, 'backlog');
    assert.equal(job?.attempts, 0);
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    assert.equal((await s.getDelivery('s', id))?.status, 'succeeded');
    assert.equal(await s.replayDelivery('s', id, false), 0, 'nothing dead to replay');
    assert.equal(await s.replayDelivery('s', id, true), 1, 'all: the done job too');
    assert.equal((await s.getDelivery('s', id))?.status, 'pending');
    assert.equal(await s.replayDelivery('s', '999999', false), null, 'an unknown delivery');
    assert.equal(await s.replayDelivery('other', id, false), null, 'another store\'s delivery');
  });

  it('a replay of everything leaves out the done jobs whose body retention removed: it would send an empty request', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 's', events(['kept-a', 'kept-b']));
    const [first, second] = await claimUntil(s, 2);
    await s.settleJob(first!, { kind: 'done', responseStatus: 202 }, Date.now());
    await s.settleJob(second!, { kind: 'dead', failure: dead }, Date.now());
    assert.ok(await s.pruneBodies(Date.now() + 1000, 100) >= 1, 'retention removed the done job\'s body');
    assert.equal(await s.replayDelivery('s', id, true), 1, 'only the dead job, whose body is kept');
    const v = await s.getDelivery('s', id);
    assert.deepEqual(v?.requests.map((r) => r.status).sort(), ['done', 'pending']);
    const [again] = await claimUntil(s, 1, 2000);
    assert.notDeepEqual(again?.request.body, {}, 'the replayed job still has its body');
    await s.settleJob(again!, { kind: 'done', responseStatus: 202 }, Date.now());
    assert.equal(await s.replayDelivery('s', id, true), 1, 'all: the replayed job, done again with its body, is replayed again');
  });

  it('replays every dead delivery of a store, mapping again the ones that died in mapping', async () => {
    const s = b.storage;
    const a = await deadDelivery(s, 'all-a');
    const c = await deadDelivery(s, 'all-c');
    const m = await receiveAndPlan(s, 's', { ok: false, error: 'The order payload is not usable: id: expected number' });
    const ok = await receiveAndPlan(s, 's', events(['fine']));
    assert.equal(await s.replayByStatus('s', 'dead'), 3);
    for (const id of [a, c, m]) assert.equal((await s.getDelivery('s', id))?.status, 'pending', id);
    assert.equal((await s.getDelivery('s', ok))?.status, 'pending');
    assert.equal((await s.getDelivery('s', m))?.error, null);
    assert.deepEqual((await s.takeReceived(10)).map((d) => d.id), [m], 'the mapping failure is mapped again');
    assert.equal((await s.stats('s', Date.now())).deliveries.byStatus.dead, undefined);
    assert.equal(await s.replayByStatus('s', 'dead'), 0);
  });

  it('says since when work waits with nothing sent (stalledSince, stalled after 15 minutes), and nothing once it is sent', async () => {
    const s = b.storage;
    const before = Date.now();
    await deadDelivery(s, 'stall-dead');
    assert.equal((await s.stats('s', Date.now())).stalledSince, null, 'a dead delivery does not wait');
    const id = await receiveAndPlan(s, 's', events(['stall-a']));
    const received = Date.parse((await s.getDelivery('s', id))!.receivedAt);
    assert.ok(received >= before);
    const now = Date.now();
    const waiting = await s.stats('s', now);
    assert.equal(waiting.stalledSince, new Date(received).toISOString());
    assert.equal(waiting.stalled, false);
    assert.equal((await s.stats('s', received + STALL_MS)).stalled, true);
    const [job] = await claimUntil(s, 1);
    await s.settleJob(job!, { kind: 'done', responseStatus: 202 }, Date.now());
    const sent = await s.stats('s', received + STALL_MS);
    assert.deepEqual([sent.stalledSince, sent.stalled], [null, false]);
  });

  it('maps a delivery that died in mapping again when it is replayed', async () => {
    const s = b.storage;
    const d = delivery('s', { contentHash: 'remap' });
    const id = await receiveAndPlan(s, 's', { ok: false, error: 'The order has no line items.' }, d);
    const before = await s.getDelivery('s', id);
    assert.equal(before?.status, 'dead');
    assert.deepEqual(before?.error, { class: 'mapping', message: 'The order has no line items.' });
    const stats = await s.stats('s', Date.now());
    assert.deepEqual(stats.errorCounts, { mapping: 1 });
    assert.equal(stats.lastError?.deliveryId, id);

    assert.equal(await s.replayDelivery('s', id, false), 1);
    assert.equal((await s.getDelivery('s', id))?.status, 'pending');
    assert.deepEqual((await s.takeReceived(10)).map((r) => r.id), [id]);
    await planAndApply(s, id, events(['remapped']));
    const v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'pending', 'not a duplicate of itself');
    assert.deepEqual(v?.requests.map((r) => r.key), ['remapped']);
  });

  it('searches by email substring in any case and by order number with or without #', async () => {
    const s = b.storage;
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const email = i === 3 || i === 9 ? `Needle.${i}@Shop.example` : `user${i}@example.com`;
      ids.push(await receiveAndPlan(s, 's', events([], { email, orderNumber: String(1000 + i) })));
    }
    await s.saveStore(store('t'));
    await receiveAndPlan(s, 't', events([], { email: 'needle@other.example', orderNumber: '1003' }));
    const q = async (text: string, extra: Partial<DeliveryFilter> = {}) => (await allPages(s, 's', { q: text, limit: 10, ...extra })).flat();
    assert.deepEqual(await q('needle'), [ids[8], ids[2]], 'newest first');
    assert.deepEqual(await q('NEEDLE.3@shop'), [ids[2]]);
    assert.deepEqual(await q('#1005'), [ids[4]]);
    assert.deepEqual(await q('1005'), [ids[4]]);
    assert.deepEqual(await q('  1007 '), [ids[6]]);
    assert.deepEqual(await q('100'), [], 'an order number matches exactly, not as a substring');
    assert.deepEqual(await q('needle', { status: 'skipped' }), [ids[8], ids[2]]);
    assert.deepEqual(await q('needle', { status: 'dead' }), []);
    assert.deepEqual(await q('%'), [], 'no wildcard');
    assert.equal((await q('example')).length, 12, 'another store\'s deliveries are never returned');
  });

  it('pages newest first with stable cursors, with and without a status filter', async () => {
    const s = b.storage;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await receiveAndPlan(s, 's', events(i % 2 ? [`k${i}`] : [])));
    const newestFirst = [...ids].reverse();
    const first = await s.listDeliveries('s', { limit: 10 });
    assert.deepEqual(first.items.map((d) => d.id), newestFirst.slice(0, 10));
    assert.ok(first.nextCursor);
    // A delivery arriving between pages does not shift the next one.
    await receiveAndPlan(s, 's', events([]));
    const second = await s.listDeliveries('s', { limit: 10, cursor: first.nextCursor! });
    assert.deepEqual(second.items.map((d) => d.id), newestFirst.slice(10, 20));
    const third = await s.listDeliveries('s', { limit: 10, cursor: second.nextCursor! });
    assert.deepEqual(third.items.map((d) => d.id), newestFirst.slice(20));
    assert.equal(third.nextCursor, null);
    const again = await s.listDeliveries('s', { limit: 10, cursor: first.nextCursor! });
    assert.deepEqual(again.items.map((d) => d.id), second.items.map((d) => d.id), 'the same cursor gives the same page');

    const pending = await allPages(s, 's', { status: 'pending', limit: 5 });
    assert.deepEqual(pending.map((p) => p.length), [5, 5, 2]);
    assert.deepEqual(pending.flat(), newestFirst.filter((id) => ids.indexOf(id) % 2 === 1));
    const exact = await allPages(s, 's', { status: 'pending', limit: 12 });
    assert.deepEqual(exact.map((p) => p.length), [12], 'a page that ends the list has no cursor');
    const item = first.items[0]!;
    assert.equal(item.payload, undefined, 'a listing shows no payloads');
    assert.ok((await s.getDelivery('s', item.id))?.headers, 'one delivery\'s page has its headers');
  });

  it('a search that reads more than the scan limit without filling a page answers with a cursor to go on', { timeout: 120_000 }, async () => {
    const s = b.storage;
    const match = await receiveAndPlan(s, 's', events([], { email: 'needle@shop.example' }));
    for (let done = 0; done < SEARCH_SCAN_LIMIT + 500; done += 1000) {
      await Promise.all(Array.from({ length: 1000 }, () => s.recordDelivery(delivery('s'))));
    }
    const first = await s.listDeliveries('s', { q: 'needle', limit: 10 });
    assert.deepEqual(first.items, []);
    assert.ok(first.nextCursor, 'a cursor to go on');
    const rest = await allPages(s, 's', { q: 'needle', limit: 10 });
    assert.deepEqual(rest.flat(), [match]);
    assert.equal(rest.length, 2);
  });
});
