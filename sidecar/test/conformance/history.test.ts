/** Conformance: a store's history run is kept durably, saved only over the version it was computed from, and listed while running. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pauseRun, startRun } from '../../src/sync/index.js';
import { openBackend, store, TEST_BACKEND, type Backend } from './backend.js';

describe(`conformance (${TEST_BACKEND}): history runs`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
  });
  afterEach(() => b.close());

  it('compare-and-set on the version, durable across a restart, running stores listed, removed with the store', async () => {
    const s = b.storage;
    await s.saveStore(store('h1'));
    assert.equal(await s.historyRun('h1'), null);
    const run = startRun(null, 'h1', 'r1', { kind: 'all' }, 1000);
    assert.equal(await s.saveHistoryRun(run, 1), false, 'nothing stored: only version 0 is expected');
    assert.equal(await s.saveHistoryRun(run, 0), true);
    assert.deepEqual(await s.historyRun('h1'), run);
    assert.deepEqual(await s.runningHistory(), ['h1']);
    const paused = pauseRun(run, 2000);
    assert.equal(await s.saveHistoryRun(paused, 0), false, 'a change computed from an older version is refused');
    assert.deepEqual(await s.historyRun('h1'), run, 'and changes nothing');
    assert.equal(await s.saveHistoryRun(paused, run.version), true);
    assert.deepEqual(await s.runningHistory(), []);
    const again = await b.restart();
    assert.deepEqual(await again.historyRun('h1'), paused);
    assert.equal(await again.removeStore('h1', Date.now()), true);
    assert.equal(await again.historyRun('h1'), null);
  });
});
