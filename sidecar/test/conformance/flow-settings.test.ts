/** Conformance: a store's flow webhook settings are kept sealed, durably, per store, and go with the store. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { defaultFlowSettings } from '../../src/api/flows.js';
import { openBackend, store, TEST_BACKEND, type Backend } from './backend.js';

describe(`conformance (${TEST_BACKEND}): flow webhook settings`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
  });
  afterEach(() => b.close());

  it('saves, replaces and reads back the settings per store, also after a restart; removing the store removes them', async () => {
    const s = b.storage;
    await s.saveStore(store('f1'));
    assert.equal(await s.flowSettings('f1'), null);
    const first = { ...defaultFlowSettings(), profilePaths: [{ path: 'event.extra.tier', property: 'Tier' }] };
    await s.saveFlowSettings('f1', first);
    assert.deepEqual(await s.flowSettings('f1'), first);
    assert.equal(await s.flowSettings('f2'), null, 'per store');
    const rotated = { ...first, secret: 'wckf_rotated', signingSecret: 'sign-me' };
    await s.saveFlowSettings('f1', rotated);
    const again = await b.restart();
    assert.deepEqual(await again.flowSettings('f1'), rotated, 'kept durably');
    assert.equal(await again.removeStore('f1', Date.now()), true);
    assert.equal(await again.flowSettings('f1'), null);
  });
});
