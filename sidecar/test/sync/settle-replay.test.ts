/** The sync core, pure: a send's outcome as changes to persist, and what a replay resets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorDetail, mayRemap, replayableStatuses, replayDelivery, replayedJob, settle, type JobFailure } from '../../src/sync/index.js';

const event = { deliveryId: 'd1', kind: 'event' as const };
const failure: JobFailure = {
  errorClass: 'bad_request', message: 'bad', responseStatus: 400,
  klaviyoErrors: [{ id: 'x', code: 'invalid', title: 'Invalid', detail: 'bad', source: { pointer: '/data' }, meta: { a: 1 } }],
};

describe('sync core: settle', () => {
  it('done: the job is done with one more attempt, the store records a success and an event sent', () => {
    const s = settle(event, { kind: 'done', responseStatus: 202 }, ['done'], false, 1000);
    assert.deepEqual(s.job, { status: 'done', attemptsDelta: 1, responseStatus: 202, error: null, doneAt: 1000 });
    assert.deepEqual(s.store, { lastSuccessAt: 1000, eventSentAt: 1000 });
    assert.equal(s.deliveryStatus, 'succeeded');
    assert.deepEqual(settle({ deliveryId: 'd1', kind: 'profile' }, { kind: 'done', responseStatus: 202 }, [], false, 1000).store, { lastSuccessAt: 1000 }, 'a profile is no event');
  });

  it('retry: due after the delay, consuming an attempt or not, with its error counted', () => {
    const server = { errorClass: 'server', message: '503', responseStatus: 503 };
    const s = settle(event, { kind: 'retry', failure: server, delayMs: 500, consumesAttempt: true }, ['pending'], false, 1000);
    assert.deepEqual(s.job, { status: 'retrying', attemptsDelta: 1, nextAt: 1500, responseStatus: 503, error: { class: 'server', message: '503', detail: null } });
    assert.deepEqual(s.store, { countError: 'server', lastError: { at: 1000, class: 'server', message: '503', deliveryId: 'd1' } });
    assert.equal(s.deliveryStatus, 'retrying');
    assert.equal(settle(event, { kind: 'retry', failure: server, delayMs: 0, consumesAttempt: false }, [], false, 1000).job.attemptsDelta, 0);
    assert.equal(settle(event, { kind: 'retry', failure: server, delayMs: 0, consumesAttempt: false }, [], true, 1000).deliveryStatus, 'paused');
  });

  it('dead: with Klaviyo\'s error items kept, the delivery dead', () => {
    const s = settle(event, { kind: 'dead', failure }, ['done', 'pending'], false, 1000);
    assert.equal(s.job.status, 'dead');
    assert.equal(s.job.attemptsDelta, 1);
    assert.deepEqual(JSON.parse(s.job.error!.detail!), [{ code: 'invalid', title: 'Invalid', detail: 'bad', source: { pointer: '/data' } }]);
    assert.equal(s.deliveryStatus, 'dead');
    assert.equal(errorDetail([]), null);
    assert.equal(errorDetail(undefined), null);
  });

  it('held: the job waits unchanged (pending, no attempt), the delivery paused', () => {
    const auth = { errorClass: 'auth', message: '401', responseStatus: 401 };
    const s = settle(event, { kind: 'held', failure: auth }, [], true, 1000);
    assert.deepEqual(s.job, { status: 'pending', attemptsDelta: 0, responseStatus: 401, error: { class: 'auth', message: '401', detail: null } });
    assert.equal(s.deliveryStatus, 'paused');
    assert.equal(s.store.countError, 'auth');
  });
});

describe('sync core: replay', () => {
  it('resets dead jobs, or with all every job not in flight', () => {
    const jobs = [{ id: '1', status: 'dead' as const }, { id: '2', status: 'done' as const }, { id: '3', status: 'in_flight' as const }];
    const d = { state: 'processed' as const, status: 'dead' as const };
    assert.deepEqual(replayDelivery(d, jobs, false), { jobs: ['1'], remap: false, count: 1 });
    assert.deepEqual(replayDelivery(d, jobs, true), { jobs: ['1', '2'], remap: false, count: 2 });
    assert.deepEqual(replayDelivery(d, jobs.map((j) => ({ ...j, bodyGone: j.id === '2' })), true), { jobs: ['1'], remap: false, count: 1 },
      'a job whose body is gone is never replayed');
    assert.deepEqual(replayableStatuses(false), ['dead']);
    assert.deepEqual(replayedJob(50), { status: 'pending', attempts: 0, nextAt: 50, priority: 1 });
  });

  it('maps again a delivery that died before it had jobs, and nothing else', () => {
    assert.deepEqual(replayDelivery({ state: 'processed', status: 'dead' }, [], false), { jobs: [], remap: true, count: 1 });
    assert.deepEqual(replayDelivery({ state: 'processed', status: 'skipped' }, [], false), { jobs: [], remap: false, count: 0 });
    assert.deepEqual(replayDelivery({ state: 'rejected', status: 'rejected' }, [], true), { jobs: [], remap: false, count: 0 });
    assert.deepEqual(replayDelivery({ state: 'duplicate', status: 'duplicate' }, [], true), { jobs: [], remap: false, count: 0 });
    assert.equal(mayRemap({ state: 'processed', status: 'dead' }, true), false);
  });
});
