/** The sync core's privacy rules, and the retry policy's answer to a key without the deletion scope. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KlaviyoAuthError } from '../../src/klaviyo/errors.js';
import {
  bodyNamesSubject, cancelledByErasure, deliveryStatus, ERASED_NOTE, ERASED_UNMAPPED_NOTE, ERASURE_CANCELLED, erasedEntry, isErasureTarget, settle,
} from '../../src/sync/index.js';
import { decide } from '../../src/worker/retry-policy.js';

describe('sync core: privacy', () => {
  it('finds an unmapped entry by its email as a JSON string, in any case; not a longer address holding it, not the request itself', () => {
    assert.equal(bodyNamesSubject('{"billing":{"email":"Ann@Example.com"}}', 'ann@example.com'), true);
    assert.equal(bodyNamesSubject('{"billing":{"email":"joann@example.com"}}', 'ann@example.com'), false);
    assert.equal(bodyNamesSubject('{"billing":{"email":"ann@example.com.au"}}', 'ann@example.com'), false);
    const body = '{"requestId":"r","email":"ann@example.com"}';
    assert.equal(isErasureTarget({ id: '7', state: 'received', email: null, body }, 'ann@example.com', '7'), false, 'the erasure request itself');
    assert.equal(isErasureTarget({ id: '6', state: 'received', email: null, body }, 'ann@example.com', '7'), true);
    assert.equal(isErasureTarget({ id: '5', state: 'processed', email: 'ANN@example.com', body: '' }, 'ann@example.com', '7'), true);
    assert.equal(isErasureTarget({ id: '5', state: 'processed', email: 'bo@example.com', body }, 'ann@example.com', '7'), false, 'a mapped entry by its email');
  });

  it('cancels waiting and dead requests, keeps sent ones sent, marks one in flight; an unmapped entry is skipped', () => {
    const e = erasedEntry({ state: 'processed', status: 'dead' }, [
      { id: '1', status: 'done' }, { id: '2', status: 'pending' }, { id: '3', status: 'retrying' }, { id: '4', status: 'dead' }, { id: '5', status: 'in_flight' },
    ], false, '99');
    const mark = { class: ERASURE_CANCELLED, message: cancelledByErasure('99') };
    assert.deepEqual(e.jobs, [
      { id: '1', status: 'done' }, { id: '2', status: 'cancelled', error: mark }, { id: '3', status: 'cancelled', error: mark },
      { id: '4', status: 'cancelled', error: mark }, { id: '5', status: 'in_flight', error: mark },
    ]);
    assert.equal(e.delivery.status, 'pending', 'the one in flight still waits for its outcome');
    assert.equal(e.delivery.note, `${ERASED_NOTE} 3 requests not sent yet were cancelled.`);
    assert.deepEqual([e.delivery.body, e.delivery.headers, e.delivery.email], ['', '{}', null]);
    assert.equal(erasedEntry({ state: 'processed', status: 'dead' }, [], false, '99').delivery.status, 'skipped', 'died in mapping: nothing left to replay');
    assert.deepEqual(erasedEntry({ state: 'received', status: 'pending' }, [], false, '99'),
      { delivery: { state: 'processed', status: 'skipped', body: '', headers: '{}', email: null, note: ERASED_UNMAPPED_NOTE }, jobs: [] });
    assert.equal(deliveryStatus({ cancelled: 2 }, false), 'skipped', 'nothing was sent');
    assert.equal(deliveryStatus({ cancelled: 2, done: 1 }, false), 'succeeded');
  });

  it('settles a job marked while in flight as cancelled (never retried), or done without its body; a sent deletion keeps no email', () => {
    const marked = { deliveryId: '1', kind: 'event' as const, errorClass: ERASURE_CANCELLED, errorMessage: cancelledByErasure('9') };
    const retry = settle(marked, { kind: 'retry', failure: { errorClass: 'server', message: '503', responseStatus: 503 }, delayMs: 10, consumesAttempt: true }, [], false, 1000);
    assert.equal(retry.job.status, 'cancelled');
    assert.deepEqual(retry.job.error, { class: ERASURE_CANCELLED, message: cancelledByErasure('9'), detail: null });
    assert.equal(retry.job.clearBody, true);
    assert.equal(retry.deliveryStatus, 'skipped');
    const held = settle(marked, { kind: 'held', failure: { errorClass: 'auth', message: '401', responseStatus: 401 } }, [], true, 1000);
    assert.equal(held.job.status, 'cancelled');
    const done = settle(marked, { kind: 'done', responseStatus: 202 }, [], false, 1000);
    assert.deepEqual([done.job.status, done.job.error, done.job.clearBody], ['done', null, true]);
    assert.equal(settle({ deliveryId: '1', kind: 'event' }, { kind: 'done', responseStatus: 202 }, [], false, 1).job.clearBody, undefined, 'an event keeps its body');
    assert.equal(settle({ deliveryId: '1', kind: 'privacy_deletion' }, { kind: 'done', responseStatus: 202 }, [], false, 1).job.clearBody, true);
    assert.equal(settle({ deliveryId: '1', kind: 'privacy_deletion' }, { kind: 'dead', failure: { errorClass: 'auth', message: '403', responseStatus: 403 } }, [], false, 1).job.clearBody,
      undefined, 'a dead deletion keeps the email its replay sends');
  });

  it('a 403 on a deletion is the missing data-privacy:write scope: that request is dead, the store is not paused', () => {
    const opts = { maxAttempts: 5, baseMs: 10, maxMs: 100 };
    const forbidden = new KlaviyoAuthError('Klaviyo answered 403: permission_denied', 403);
    const d = decide(forbidden, 1, opts, { kind: 'privacy_deletion' });
    assert.equal(d.action, 'dead');
    assert.match((d as { reason: string }).reason, /lacks the `data-privacy:write` scope.*Klaviyo answered 403/);
    assert.equal(decide(forbidden, 1, opts, { kind: 'event' }).action, 'pause', 'any other request: the key is refused');
    assert.equal(decide(new KlaviyoAuthError('Klaviyo answered 401', 401), 1, opts, { kind: 'privacy_deletion' }).action, 'pause', 'a 401 is the key itself');
  });
});
