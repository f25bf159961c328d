/** The sync core, pure: sync-log views, search, cursors and stats. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeCursor, deliveryView, encodeCursor, matchesSearch, searchQuery, STALL_MS, stalledSince, storeStats, toJob, type DeliveryRecord, type JobRecord,
} from '../../src/sync/index.js';

const delivery: DeliveryRecord = {
  id: '12', storeId: 's', receivedAt: Date.UTC(2026, 0, 2), topic: 'order.updated', state: 'processed', status: 'dead', resource: 'order',
  resourceId: 5, orderNumber: '1005', email: 'Ann@Shop.example', note: null, errorClass: null, errorMessage: null,
  headers: '{"x-wc-webhook-id":"1"}', body: '{"id":5}',
};
const job = (over: Partial<JobRecord>): JobRecord => ({
  id: '1', deliveryId: '12', storeId: 's', kind: 'event', metric: 'Placed Order', key: 'k', body: '{"data":{}}', status: 'done', attempts: 1,
  nextAt: 0, priority: 0, phoneDropped: false, responseStatus: 202, errorClass: null, errorMessage: null, errorDetail: null, doneAt: 1, ...over,
});

describe('sync core: views', () => {
  it('shows the dead job\'s error first, with Klaviyo\'s items', () => {
    const jobs = [
      job({ id: '1', status: 'retrying', errorClass: 'server', errorMessage: '503' }),
      job({ id: '2', status: 'dead', errorClass: 'bad_request', errorMessage: '400', errorDetail: '[{"code":"invalid"}]' }),
    ];
    const v = deliveryView(delivery, jobs, false);
    assert.deepEqual(v.error, { class: 'bad_request', message: '400', klaviyo: [{ code: 'invalid' }] });
    assert.equal(v.receivedAt, '2026-01-02T00:00:00.000Z');
    assert.deepEqual(v.requests.map((r) => [r.id, r.status, r.error]), [['1', 'retrying', '503'], ['2', 'dead', '400']]);
    assert.equal(v.payload, undefined);
    assert.equal(v.requests[0]!.body, undefined);
  });

  it('shows the delivery\'s own error before any job\'s, and the payload on a full view', () => {
    const v = deliveryView({ ...delivery, errorClass: 'mapping', errorMessage: 'no items' }, [job({ errorClass: 'server', errorMessage: 'x' })], true);
    assert.deepEqual(v.error, { class: 'mapping', message: 'no items' });
    assert.deepEqual(v.payload, { id: 5 });
    assert.deepEqual(v.headers, { 'x-wc-webhook-id': '1' });
    assert.deepEqual(v.requests[0]!.body, { data: {} });
    const raw = deliveryView({ ...delivery, body: 'not json' }, [], true);
    assert.equal(raw.payload, undefined);
    assert.equal(raw.rawBody, 'not json');
  });

  it('turns a job record into the job the sender takes', () => {
    const j = toJob(job({ priority: 1, phoneDropped: true, attempts: 2 }));
    assert.deepEqual(j, {
      id: '1', deliveryId: '12', storeId: 's', request: { kind: 'event', key: 'k', metric: 'Placed Order', body: { data: {} } },
      attempts: 2, phoneDropped: true, priority: 'backlog', bulk: false,
    });
    assert.deepEqual(toJob(job({ kind: 'profile', metric: null })).request, { kind: 'profile', key: 'k', body: { data: {} } });
  });

  it('matches an email substring in any case, or an exact order number with or without #', () => {
    const q = (t: string) => matchesSearch(delivery, searchQuery(t)!);
    assert.ok(q('ann@'));
    assert.ok(q('SHOP.EXAMPLE'));
    assert.ok(q('#1005'));
    assert.ok(q(' 1005 '));
    assert.ok(!q('100'));
    assert.ok(!q('bob'));
    assert.equal(searchQuery('   '), null);
    assert.equal(searchQuery(undefined), null);
    assert.ok(!matchesSearch({ email: null, orderNumber: null }, searchQuery('x')!));
  });

  it('round-trips cursors and refuses garbage', () => {
    assert.equal(decodeCursor(encodeCursor(42)), 42);
    assert.equal(decodeCursor(encodeCursor('17')), 17);
    assert.equal(decodeCursor(undefined), null);
    assert.equal(decodeCursor('!!!'), null);
  });

  it('re-buckets a paused store\'s waiting jobs and shapes the stats', () => {
    const counters = {
      paused: true, jobs: { pending: 2, retrying: 1, in_flight: 1, done: 4 }, deliveries: { paused: 2, succeeded: 3, dead: 0 },
      eventsLast5Min: 3, lastSuccessAt: Date.UTC(2026, 0, 1), lastError: { at: Date.UTC(2026, 0, 1), class: 'auth', message: 'no', deliveryId: '9' },
      errorCounts: { auth: 1 }, oldestWaitingAt: null,
    };
    const s = storeStats(counters);
    assert.deepEqual(s.queue, { pending: 0, in_flight: 1, retrying: 0, paused: 3, done: 4, dead: 0, cancelled: 0 });
    assert.deepEqual(s.deliveries, { total: 5, byStatus: { paused: 2, succeeded: 3 } });
    assert.equal(s.lastSuccessAt, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(s.lastError, { at: '2026-01-01T00:00:00.000Z', class: 'auth', message: 'no', deliveryId: '9' });
    assert.deepEqual(storeStats({ ...counters, paused: false }).queue, { pending: 2, in_flight: 1, retrying: 1, paused: 0, done: 4, dead: 0, cancelled: 0 });
    assert.equal(storeStats({ ...counters, lastSuccessAt: null, lastError: null }).lastError, null);
  });

  it('says since when work waits with nothing sent, and a stall after 15 minutes unless the store is paused', () => {
    const t0 = Date.UTC(2026, 0, 1, 12);
    assert.equal(stalledSince(null, t0), null);
    assert.equal(stalledSince(t0, null), t0);
    assert.equal(stalledSince(t0, t0 + 60_000), t0 + 60_000, 'work older than the last success waits since that success');
    assert.equal(stalledSince(t0 + 60_000, t0), t0 + 60_000, 'work newer than the last success waits since it arrived');
    const counters = {
      paused: false, jobs: { pending: 1 }, deliveries: { pending: 1 }, eventsLast5Min: 0, lastSuccessAt: t0, lastError: null,
      errorCounts: {}, oldestWaitingAt: t0 - 3_600_000,
    };
    assert.deepEqual([storeStats(counters, t0 + STALL_MS - 1).stalled, storeStats(counters, t0 + STALL_MS).stalled], [false, true]);
    assert.equal(storeStats(counters, t0).stalledSince, '2026-01-01T12:00:00.000Z');
    assert.equal(storeStats({ ...counters, paused: true }, t0 + STALL_MS).stalled, false);
    assert.deepEqual(storeStats({ ...counters, oldestWaitingAt: null }, t0 + STALL_MS), { ...storeStats({ ...counters, oldestWaitingAt: null }, t0), stalled: false, stalledSince: null });
  });
});
