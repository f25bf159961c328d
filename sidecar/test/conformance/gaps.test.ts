/**
 * Conformance: gap repair's check is saved only over the version it was computed from (so of two replicas one claims
 * it), survives a restart and goes with the store; the order states plans carried are kept with the plan, each once.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { beginGapCheck, recordVersion, requestGapCheck } from '../../src/sync/index.js';
import type { MappingOutcome } from '../../src/storage/types.js';
import { events, openBackend, receiveAndPlan, store, TEST_BACKEND, type Backend } from './backend.js';

/** `events()` for order `id` at `modified`. */
function orderAt(id: number, modified: string, keys: string[]): MappingOutcome {
  const o = events(keys) as MappingOutcome & { result: { summary: Record<string, unknown> } };
  o.result.summary = { ...o.result.summary, resourceId: id, modified };
  return o;
}

describe(`conformance (${TEST_BACKEND}): gap checks`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
  });
  afterEach(() => b.close());

  it('one of two claims on the same version wins, durable across a restart, removed with the store', async () => {
    const s = b.storage;
    await s.saveStore(store('g1'));
    assert.equal(await s.gapCheck('g1'), null);
    const baseline = beginGapCheck(null, 'g1', 1_000_000)!;
    assert.equal(await s.saveGapCheck(baseline, 0), true);
    const asked = requestGapCheck(baseline, 'g1', 'webhook_reenabled', 2_000_000);
    assert.equal(await s.saveGapCheck(asked, baseline.version), true);
    const claim = beginGapCheck(asked, 'g1', 2_000_100)!;
    const [a, c] = await Promise.all([s.saveGapCheck(claim, asked.version), s.saveGapCheck({ ...claim, running: { ...claim.running!, cursor: 'x' } }, asked.version)]);
    assert.equal([a, c].filter(Boolean).length, 1, 'one replica claims the check');
    const again = await b.restart();
    assert.equal((await again.gapCheck('g1'))!.version, claim.version);
    assert.equal(await again.removeStore('g1', Date.now()), true);
    assert.equal(await again.gapCheck('g1'), null);
  });

  it('a plan keeps the order state it carried; another state of the same order is not held', async () => {
    const s = b.storage;
    await s.saveStore(store('g2'));
    await receiveAndPlan(s, 'g2', orderAt(7, '2026-12-03T10:00:00', ['k-7a']));
    await receiveAndPlan(s, 'g2', orderAt(7, '2026-12-03T10:00:00', ['k-7a']));
    await receiveAndPlan(s, 'g2', orderAt(8, '2026-12-03T11:00:00Z', ['k-8a']));
    const v = (id: number, m: string) => recordVersion('order', id, m)!;
    const held = await s.heldRecordVersions('g2', [v(7, '2026-12-03T10:00:00'), v(7, '2026-12-03T10:05:00'), v(8, '2026-12-03T11:00:00'), v(9, '2026-12-03T11:00:00')]);
    assert.deepEqual([...held].sort(), [v(7, '2026-12-03T10:00:00'), v(8, '2026-12-03T11:00:00')]);
    assert.deepEqual([...await s.heldRecordVersions('other', [v(7, '2026-12-03T10:00:00')])], [], 'per store');
  });
});
