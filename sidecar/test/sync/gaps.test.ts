/** Gap repair's rules (sync/gaps.ts), pure: when a check is due, its window, the comparison, live or backfill, a page. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyGapFailure, applyGapPage, beginGapCheck, compareRecords, gapCheckDue, GAP_LEASE_MS, GAP_OVERLAP_MS, GAP_SETTLE_MS, recordVersion, recoverAsLive,
  requestGapCheck, type GapCheck,
} from '../../src/sync/gaps.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('gap repair rules', () => {
  it('is due daily, on a trigger after the last check started, when a lapsed claim can be taken over, and after a failure\'s retry time', () => {
    assert.equal(gapCheckDue(null, T), 'daily');
    const done = applyGapPage(beginGapCheck(requestGapCheck(null, 's', 'webhook_reenabled', T), 's', T)!, { from: null, next: null, compared: 3, recovered: 1 }, T + 1000)!;
    assert.equal(done.running, null);
    assert.equal(done.lastRecovered, 1);
    assert.equal(gapCheckDue(done, T + DAY / 2), null);
    assert.equal(gapCheckDue(done, T + 1000 + DAY), 'daily');
    const asked = requestGapCheck(done, 's', 'webhook_reenabled', T + 2000);
    assert.equal(gapCheckDue(asked, T + 2000), 'webhook_reenabled');
    const running = beginGapCheck(asked, 's', T + 3000)!;
    assert.equal(gapCheckDue(running, T + 4000), null, 'another replica holds the claim');
    assert.equal(gapCheckDue(running, T + 3000 + GAP_LEASE_MS), 'webhook_reenabled', 'its claim lapsed');
    const failed = applyGapFailure(running, 'WordPress answered 503', T + 5000, 60_000);
    assert.equal(gapCheckDue(failed, T + 6000), null);
    assert.equal(gapCheckDue(failed, T + 65_000), 'webhook_reenabled');
  });

  it('a window runs from the last end less the overlap to a few minutes ago; after a re-enabled webhook, to now; a lapsed check resumes its cursor', () => {
    const baseline = beginGapCheck(null, 's', T)!;
    assert.equal(baseline.running, null, 'a store\'s first check compares nothing: watching starts now');
    assert.deepEqual([baseline.lastCompared, baseline.checkedUntil], [0, new Date(T - GAP_SETTLE_MS).toISOString().replace('.000', '')]);
    const daily = beginGapCheck(baseline, 's', T + DAY)!.running!;
    assert.equal(Date.parse(daily.from), T - GAP_SETTLE_MS, 'never before watching began (no overlap before the first check)');
    const reenabled = beginGapCheck(requestGapCheck(null, 's', 'webhook_reenabled', T), 's', T)!.running!;
    assert.equal(Date.parse(reenabled.from), T - DAY, 'a re-enabled webhook\'s first check looks back a day');
    const B = T + DAY;
    const first = beginGapCheck(baseline, 's', B)!.running!;
    const page = applyGapPage(beginGapCheck(baseline, 's', B)!, { from: null, next: 'c1', compared: 100, recovered: 2 }, B + 10)!;
    const done = applyGapPage(page, { from: 'c1', next: null, compared: 5, recovered: 0 }, B + 20)!;
    assert.deepEqual([done.lastCompared, done.lastRecovered, done.checkedUntil], [105, 2, first.until]);
    assert.equal(applyGapPage(done, { from: 'c1', next: null, compared: 5, recovered: 0 }, B + 30), null, 'a page read from another cursor no longer applies');
    const next = beginGapCheck(requestGapCheck(done, 's', 'webhook_reenabled', B + DAY / 4), 's', B + DAY / 4)!.running!;
    assert.equal(Date.parse(next.from), Date.parse(first.until) - GAP_OVERLAP_MS, 'later windows overlap the one before');
    assert.equal(Date.parse(next.until), Math.floor((B + DAY / 4) / 1000) * 1000 + 1000, 'to now, this second included: a disabled webhook queued nothing');
    const taken = beginGapCheck(page, 's', B + 10 + GAP_LEASE_MS)!;
    assert.equal(taken.running!.cursor, 'c1');
    assert.equal(taken.running!.recovered, 2);
  });

  it('a record is held only at the state the sidecar planned; one changed after the window is left to the next check', () => {
    const held = new Set([recordVersion('order', 1, '2026-12-03T10:00:00')!, recordVersion('order', 2, '2026-12-03T09:00:00Z')!]);
    assert.deepEqual(compareRecords([
      { id: 1, modified: '2026-12-03T10:00:00' }, { id: 2, modified: '2026-12-03T10:30:00' }, { id: 3, modified: '2026-12-03T10:40:00' },
      { id: 4, modified: '2026-12-03T11:00:00' },
    ], held, '2026-12-03T11:00:00Z'), ['held', 'missing', 'missing', 'later']);
    assert.equal(recordVersion('order', 1, '2026-12-03T10:00:00.000Z'), 'order:1|2026-12-03T10:00:00', 'one second, whatever the form');
  });

  it('a change of the last day is recovered live, an older one as backfill', () => {
    assert.equal(recoverAsLive('2026-12-03T02:00:00', T), true);
    assert.equal(recoverAsLive('2026-12-02T11:59:00', T), false);
  });

  it('a finished check records its reason and is not asked again by the trigger it met', () => {
    const asked: GapCheck = requestGapCheck(beginGapCheck(null, 's', T - DAY / 2)!, 's', 'klaviyo_back', T);
    const done = applyGapPage(beginGapCheck(asked, 's', T + 1)!, { from: null, next: null, compared: 0, recovered: 0 }, T + 2)!;
    assert.equal(done.lastReason, 'klaviyo_back');
    assert.equal(gapCheckDue(done, T + 3), null);
  });
});
