/** The sync core, pure: a delivery's status from its jobs, and planning (what is new, the status, the note). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countJobs, deliveryStatus, duplicateNote, newJob, NOTE_NOTHING_NEW, planDelivery, planningKeys, planStoreChange, type MappingOutcome,
  type PlanningState,
} from '../../src/sync/index.js';
import { eventOutcome } from '../builders.js';

const state = (over: Partial<PlanningState> = {}): PlanningState => ({ received: true, duplicateOf: null, planned: new Set(), paused: false, ...over });

describe('sync core: delivery status', () => {
  it('derives the status from the job counts and the pause', () => {
    assert.equal(deliveryStatus({}, false), null, 'no jobs: the status it was planned with stays');
    assert.equal(deliveryStatus({ done: 2 }, false), 'succeeded');
    assert.equal(deliveryStatus({ done: 2 }, true), 'succeeded', 'nothing waits, so the pause does not show');
    assert.equal(deliveryStatus({ pending: 1, done: 1 }, false), 'pending');
    assert.equal(deliveryStatus({ in_flight: 1 }, false), 'pending');
    assert.equal(deliveryStatus({ retrying: 1, pending: 1 }, false), 'retrying');
    assert.equal(deliveryStatus({ retrying: 1 }, true), 'paused');
    assert.equal(deliveryStatus({ pending: 1 }, true), 'paused');
    assert.equal(deliveryStatus({ dead: 1, retrying: 1 }, true), 'dead', 'dead wins: it needs a replay');
  });

  it('counts statuses', () => {
    assert.deepEqual(countJobs(['done', 'dead', 'done']), { done: 2, dead: 1 });
    assert.deepEqual(countJobs([]), {});
  });
});

describe('sync core: planning', () => {
  it('plans every key not planned before, once each, pending or paused', () => {
    const outcome = eventOutcome(['a', 'b', 'a', 'c']);
    assert.deepEqual(planningKeys(outcome), ['a', 'b', 'c']);
    const plan = planDelivery('7', outcome, state({ planned: new Set(['b']) }));
    assert.deepEqual(plan.requests.map((r) => r.key), ['a', 'c']);
    assert.equal(plan.state, 'processed');
    assert.equal(plan.status, 'pending');
    assert.equal(plan.note, null);
    assert.equal(plan.paused, false);
    assert.deepEqual([plan.resource, plan.resourceId, plan.orderNumber, plan.email], ['order', 1, '1', 'a@example.com']);
    const paused = planDelivery('7', outcome, state({ paused: true }));
    assert.equal(paused.status, 'paused');
    assert.equal(paused.paused, true);
  });

  it('skips a delivery with nothing new, with a note saying why', () => {
    const plan = planDelivery('7', eventOutcome(['a']), state({ planned: new Set(['a']) }));
    assert.equal(plan.status, 'skipped');
    assert.equal(plan.note, NOTE_NOTHING_NEW);
    assert.deepEqual(plan.requests, []);
    const own = { ok: true, result: { summary: { resource: 'order', resourceId: 3 }, requests: [], note: 'Recorded only.' } } as MappingOutcome;
    const recorded = planDelivery('8', own, state());
    assert.equal(recorded.status, 'skipped');
    assert.equal(recorded.note, 'Recorded only.', 'the mapper\'s own note');
    assert.equal(planDelivery('9', eventOutcome([]), state()).note, null, 'nothing implied, nothing to explain');
  });

  it('makes a repeat of earlier content a duplicate, even when it failed to map', () => {
    const plan = planDelivery('9', eventOutcome(['new']), state({ duplicateOf: '4' }));
    assert.equal(plan.state, 'duplicate');
    assert.equal(plan.status, 'duplicate');
    assert.equal(plan.note, duplicateNote('4'));
    assert.equal(plan.note, 'Same content as delivery 4; nothing new to send.');
    assert.deepEqual(plan.requests, []);
    assert.equal(plan.orderNumber, '1');
    const failed = planDelivery('9', { ok: false, error: 'bad' }, state({ duplicateOf: '4' }));
    assert.equal(failed.status, 'duplicate');
    assert.equal(failed.error, null);
  });

  it('makes a mapping failure dead with its error, counted for the store', () => {
    const plan = planDelivery('5', { ok: false, summary: { resource: 'order', resourceId: 2, email: 'x@y.z' }, error: 'no line items' }, state());
    assert.equal(plan.status, 'dead');
    assert.deepEqual(plan.error, { class: 'mapping', message: 'no line items' });
    assert.equal(plan.email, 'x@y.z');
    assert.deepEqual(planningKeys({ ok: false, error: 'x' }), []);
    assert.deepEqual(planStoreChange(plan, 1000), { countError: 'mapping', lastError: { at: 1000, class: 'mapping', message: 'no line items', deliveryId: '5' } });
    assert.deepEqual(planStoreChange(planDelivery('6', eventOutcome(['k']), state()), 1000), {});
  });

  it('creates jobs due now, ahead of backlog', () => {
    assert.deepEqual(newJob(123), { status: 'pending', attempts: 0, nextAt: 123, priority: 0 });
  });
});
