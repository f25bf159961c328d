/**
 * Conformance: the job queue. Send outcomes are settled by the sync core and recorded atomically with the store's
 * counters and the delivery's status; a paused store's jobs wait; jobs left in flight by a crash come back.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Job, JobFailure } from '../../src/storage/types.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import { claimUntil, events, openBackend, receiveAndPlan, sleep, store, TEST_BACKEND, type Backend } from './backend.js';

const server: JobFailure = { errorClass: 'server', message: 'Klaviyo answered 503: down', responseStatus: 503 };
const badRequest: JobFailure = {
  errorClass: 'bad_request', message: 'Klaviyo answered 400: bad email (/data/attributes/email)', responseStatus: 400,
  klaviyoErrors: [{ id: 'e1', code: 'invalid', title: 'Invalid input.', detail: 'bad email', source: { pointer: '/data/attributes/email' }, meta: { x: 1 } }],
};
/** How long a backend may take to hand out jobs left in flight again (Redis: the lease lapses, then a stalled check). */
const RECOVERY_MS = TEST_BACKEND === 'redis' ? 8000 : 200;

describe(`conformance (${TEST_BACKEND}): jobs`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
    await b.storage.saveStore(store('s'));
  });
  afterEach(() => b.close());

  const byKey = (jobs: Job[], key: string) => jobs.find((j) => j.request.key === key)!;

  it('records done, retry and dead outcomes with attempts, errors, the delivery status and the store stats', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 's', events(['a', 'b', 'c']));
    const jobs = await claimUntil(s, 3);
    assert.equal(jobs.length, 3);
    assert.ok(jobs.every((j) => j.deliveryId === id && j.storeId === 's' && j.attempts === 0 && j.priority === 'live' && !j.phoneDropped));
    assert.equal((await s.stats('s', Date.now())).queue.in_flight, 3);

    await s.settleJob(byKey(jobs, 'a'), { kind: 'done', responseStatus: 202 }, Date.now());
    let v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'pending');
    assert.deepEqual(v?.requests.map((r) => [r.key, r.status, r.attempts, r.responseStatus]), [['a', 'done', 1, 202], ['b', 'in_flight', 0, null], ['c', 'in_flight', 0, null]]);

    await s.settleJob(byKey(jobs, 'b'), { kind: 'retry', failure: server, delayMs: 300, consumesAttempt: true }, Date.now());
    v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'retrying');
    assert.deepEqual(v?.error, { class: 'server', message: server.message });
    assert.deepEqual(await s.claimJobs(10, Date.now()), [], 'not due yet');
    assert.ok((await s.nextDueAt())! > Date.now() - 50);

    await s.settleJob(byKey(jobs, 'c'), { kind: 'dead', failure: badRequest }, Date.now());
    v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'dead', 'a dead job makes the delivery dead while another still retries');
    assert.deepEqual(v?.error, {
      class: 'bad_request', message: badRequest.message,
      klaviyo: [{ code: 'invalid', title: 'Invalid input.', detail: 'bad email', source: { pointer: '/data/attributes/email' } }],
    }, 'the dead job\'s error is shown first, with Klaviyo\'s items');
    assert.deepEqual(v?.requests.map((r) => [r.key, r.status, r.attempts, r.error]), [
      ['a', 'done', 1, null], ['b', 'retrying', 1, server.message], ['c', 'dead', 1, badRequest.message],
    ]);

    const stats = await s.stats('s', Date.now());
    assert.deepEqual(stats.queue, { pending: 0, in_flight: 0, retrying: 1, paused: 0, done: 1, dead: 1, cancelled: 0 });
    assert.deepEqual(stats.errorCounts, { server: 1, bad_request: 1 });
    assert.equal(stats.lastError?.class, 'bad_request');
    assert.equal(stats.lastError?.deliveryId, id);
    assert.equal(stats.eventsLast5Min, 1);
    assert.ok(stats.lastSuccessAt && Date.parse(stats.lastSuccessAt) > Date.now() - 60_000);
    assert.deepEqual(stats.deliveries, { total: 1, byStatus: { dead: 1 } });
    assert.equal((await s.stats('s', Date.now() + 301_000)).eventsLast5Min, 0, 'events older than five minutes no longer count');

    // Due after its delay, with the attempt it consumed; a rate limit waits without consuming one.
    const [again] = await claimUntil(s, 1, 2000);
    assert.equal(again?.request.key, 'b');
    assert.equal(again?.attempts, 1);
    await s.settleJob(again!, { kind: 'retry', failure: { errorClass: 'rate_limited', message: '429', responseStatus: 429 }, delayMs: 0, consumesAttempt: false }, Date.now());
    const [third] = await claimUntil(s, 1, 2000);
    assert.equal(third?.attempts, 1);
    await s.settleJob(third!, { kind: 'done', responseStatus: 202 }, Date.now());
    assert.deepEqual((await s.stats('s', Date.now())).errorCounts, { server: 1, bad_request: 1, rate_limited: 1 });
    assert.equal((await s.stats('s', Date.now())).eventsLast5Min, 2);
    assert.equal((await s.getDelivery('s', id))?.status, 'dead');
  });

  it('a delivery whose jobs are all done has succeeded', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 's', events(['x', 'y']));
    for (const j of await claimUntil(s, 2)) await s.settleJob(j, { kind: 'done', responseStatus: 202 }, Date.now());
    const v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'succeeded');
    assert.equal(v?.error, null);
    assert.deepEqual((await s.stats('s', Date.now())).deliveries.byStatus, { succeeded: 1 });
    assert.equal(await s.readyJobs(), 0);
    assert.equal(await s.nextDueAt(), null);
  });

  it('sends a job again with the request it was given (retry without the phone)', async () => {
    const s = b.storage;
    await receiveAndPlan(s, 's', events(['ph']));
    const [job] = await claimUntil(s, 1);
    const request = structuredClone(job!.request) as Extract<KlaviyoRequest, { kind: 'event' }>;
    (request.body.data.attributes as Record<string, unknown>).value = 42;
    await s.replaceJobRequest(job!, request);
    await s.settleJob(job!, { kind: 'retry', failure: { errorClass: 'conflict', message: '409', responseStatus: 409 }, delayMs: 0, consumesAttempt: false }, Date.now());
    const [again] = await claimUntil(s, 1, 2000);
    assert.equal(again?.phoneDropped, true);
    assert.deepEqual(again?.request, request);
    assert.equal(again?.attempts, 0);
  });

  it('holds a paused store\'s jobs: statuses paused <-> pending, nothing claimed, stats re-bucketed', async () => {
    const s = b.storage;
    await s.saveStore(store('other'));
    const id = await receiveAndPlan(s, 's', events(['p1', 'p2']));
    const otherId = await receiveAndPlan(s, 'other', events(['o1']));
    assert.equal(await s.readyJobs(), 3);
    await s.setPaused('s', true, 'Klaviyo refused the private key.');
    assert.equal((await s.getDelivery('s', id))?.status, 'paused');
    assert.equal((await s.getStore('s'))?.paused, true);
    assert.equal((await s.getStore('s'))?.pauseReason, 'Klaviyo refused the private key.');
    const stats = await s.stats('s', Date.now());
    assert.deepEqual(stats.queue, { pending: 0, in_flight: 0, retrying: 0, paused: 2, done: 0, dead: 0, cancelled: 0 });
    assert.deepEqual(stats.deliveries.byStatus, { paused: 1 });
    const claimed = await claimUntil(s, 3);
    assert.deepEqual(claimed.map((j) => j.deliveryId), [otherId], 'only the store that is not paused');
    assert.equal((await s.getDelivery('other', otherId))?.status, 'pending');

    await s.setPaused('s', false, null);
    assert.equal((await s.getDelivery('s', id))?.status, 'pending');
    assert.deepEqual((await s.stats('s', Date.now())).queue, { pending: 2, in_flight: 0, retrying: 0, paused: 0, done: 0, dead: 0, cancelled: 0 });
    assert.deepEqual((await claimUntil(s, 2, 2000)).map((j) => j.request.key).sort(), ['p1', 'p2']);
  });

  it('a job held because the key was refused waits unchanged until the store resumes', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 's', events(['h1']));
    const [job] = await claimUntil(s, 1);
    await s.setPaused('s', true, 'key refused');
    await s.settleJob(job!, { kind: 'held', failure: { errorClass: 'auth', message: 'Klaviyo answered 401', responseStatus: 401 } }, Date.now());
    const v = await s.getDelivery('s', id);
    assert.equal(v?.status, 'paused');
    assert.deepEqual(v?.requests.map((r) => [r.status, r.attempts]), [['pending', 0]]);
    assert.deepEqual((await s.stats('s', Date.now())).errorCounts, { auth: 1 });
    assert.deepEqual(await claimUntil(s, 1), []);
    await s.setPaused('s', false, null);
    const [again] = await claimUntil(s, 1, 2000);
    assert.equal(again?.id, job!.id);
    assert.equal(again?.attempts, 0);
  });

  it('hands out live jobs before replays and backlog', async () => {
    const s = b.storage;
    const old = await receiveAndPlan(s, 's', events(['old']));
    const [j] = await claimUntil(s, 1);
    await s.settleJob(j!, { kind: 'dead', failure: badRequest }, Date.now());
    assert.equal(await s.replayDelivery('s', old, false), 1);
    await receiveAndPlan(s, 's', events(['new']));
    const jobs = await claimUntil(s, 2, 2000);
    assert.deepEqual(jobs.map((x) => [x.request.key, x.priority]), [['new', 'live'], ['old', 'backlog']]);
  });

  it('gives jobs left in flight back after recover, and after a restart', async () => {
    const s = b.storage;
    const id = await receiveAndPlan(s, 's', events(['c1', 'c2']));
    const claimed = await claimUntil(s, 2);
    assert.equal(claimed.length, 2);
    await s.recover();
    const back = await claimUntil(s, 2, RECOVERY_MS);
    assert.deepEqual(back.map((j) => j.id).sort(), claimed.map((j) => j.id).sort());

    const restarted = await b.restart();
    const afterRestart = await claimUntil(restarted, 2, RECOVERY_MS);
    assert.deepEqual(afterRestart.map((j) => j.id).sort(), claimed.map((j) => j.id).sort());
    for (const j of afterRestart) await restarted.settleJob(j, { kind: 'done', responseStatus: 202 }, Date.now());
    assert.equal((await restarted.getDelivery('s', id))?.status, 'succeeded');
  });

  it('keeps received deliveries across a restart until they are planned', async () => {
    const s = b.storage;
    const { id } = await s.recordDelivery({ storeId: 's', topic: 'order.created', contentHash: 'r1', headers: {}, body: '{"id":7}' });
    const restarted = await b.restart();
    assert.deepEqual((await restarted.takeReceived(10)).map((d) => [d.id, d.topic, d.body]), [[id, 'order.created', '{"id":7}']]);
    await sleep(0);
  });
});
