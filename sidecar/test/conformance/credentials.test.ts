/**
 * Conformance: store credentials and connection codes. Storage keeps only hashes, replaces a credential at once,
 * takes a code in one atomic step (of racing redeemers one wins), keeps what decides expiry for the caller's rule, and
 * removing a store deletes its credential and revokes its codes.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { connectVerdict, sha256 } from '../../src/api/credentials.js';
import { ConnectCodeError } from '../../src/errors.js';
import { openBackend, store, TEST_BACKEND, type Backend } from './backend.js';

const claim = (s: string) => ({ u: 'https://sidecar.example', s, k: 'k'.repeat(32), i: 'me' });

describe(`conformance (${TEST_BACKEND}): credentials`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
  });
  afterEach(() => b.close());

  it('issues, verifies and rotates a credential; the one before is gone at once, also after a restart', async () => {
    const s = b.storage;
    assert.equal(await s.credentialHash('c1'), null);
    await s.setCredential('c1', sha256('wcks_first'));
    assert.equal(await s.credentialHash('c1'), sha256('wcks_first'));
    assert.equal(await s.credentialHash('c2'), null, 'credentials are per store');
    await s.setCredential('c1', sha256('wcks_second'));
    assert.equal(await s.credentialHash('c1'), sha256('wcks_second'));
    const again = await b.restart();
    assert.equal(await again.credentialHash('c1'), sha256('wcks_second'), 'kept durably');
    assert.deepEqual(await again.listStoreIds(), ['c1'], 'a store with only a credential is listed');
  });

  it('takes a code once, even when two redeemers race for it', async () => {
    const s = b.storage;
    const now = Date.now();
    await s.saveConnectCode(sha256('race'), 'c1', now + 60_000);
    const [x, y] = await Promise.all([s.takeConnectCode(sha256('race'), now), s.takeConnectCode(sha256('race'), now)]);
    const unused = [x, y].filter((r) => r !== null && r.usedAt === null);
    assert.equal(unused.length, 1, 'exactly one redeemer found it unused');
    const later = await s.takeConnectCode(sha256('race'), now + 1);
    assert.equal(later?.usedAt, now, 'it stays used, with the time it was taken');
    assert.equal(await s.takeConnectCode(sha256('never-issued'), now), null);
    // Many at once: still one.
    await s.saveConnectCode(sha256('many'), 'c1', now + 60_000);
    const many = await Promise.all(Array.from({ length: 8 }, () => s.takeConnectCode(sha256('many'), now)));
    assert.equal(many.filter((r) => r?.usedAt === null).length, 1);
  });

  it('keeps the expiry for the rule: an expired code is refused and used up', async () => {
    const s = b.storage;
    const now = Date.now();
    await s.saveConnectCode(sha256('old'), 'c1', now - 1);
    const r = await s.takeConnectCode(sha256('old'), now);
    assert.deepEqual(r, { storeId: 'c1', expiresAt: now - 1, usedAt: null, revokedAt: null });
    assert.throws(() => connectVerdict(claim('c1'), 'me', r, now), (e: unknown) => e instanceof ConnectCodeError && e.problem === 'connect_code_expired');
    const again = await s.takeConnectCode(sha256('old'), now);
    assert.throws(() => connectVerdict(claim('c1'), 'me', again, now), (e: unknown) => e instanceof ConnectCodeError && e.problem === 'connect_code_used');
    await s.saveConnectCode(sha256('fresh'), 'c1', now + 60_000);
    assert.equal(connectVerdict(claim('c1'), 'me', await s.takeConnectCode(sha256('fresh'), now), now), 'c1');
    assert.throws(() => connectVerdict(claim('c2'), 'me', { storeId: 'c1', expiresAt: now + 1, usedAt: null, revokedAt: null }, now),
      (e: unknown) => e instanceof ConnectCodeError && e.problem === 'connect_code_unknown', 'a code claims only its own store');
  });

  it('removing a store deletes its configuration and credential and revokes its codes; other stores keep theirs', async () => {
    const s = b.storage;
    const now = Date.now();
    await s.saveStore(store('gone'));
    await s.saveStore(store('kept'));
    await s.setCredential('gone', sha256('wcks_gone'));
    await s.setCredential('kept', sha256('wcks_kept'));
    await s.saveConnectCode(sha256('code-gone'), 'gone', now + 60_000);
    await s.saveConnectCode(sha256('code-kept'), 'kept', now + 60_000);
    assert.deepEqual(await s.listStoreIds(), ['gone', 'kept']);
    assert.equal(await s.removeStore('gone', now), true);
    assert.equal(await s.getStore('gone'), null);
    assert.equal(await s.credentialHash('gone'), null);
    const revoked = await s.takeConnectCode(sha256('code-gone'), now);
    assert.equal(revoked?.revokedAt, now);
    assert.throws(() => connectVerdict(claim('gone'), 'me', revoked, now), (e: unknown) => e instanceof ConnectCodeError && e.problem === 'connect_code_store_removed');
    assert.equal((await s.takeConnectCode(sha256('code-gone'), now))?.usedAt, null, 'a revoked code is never taken');
    assert.deepEqual(await s.listStoreIds(), ['kept']);
    assert.equal(await s.credentialHash('kept'), sha256('wcks_kept'));
    assert.equal((await s.takeConnectCode(sha256('code-kept'), now))?.usedAt, null);
    assert.equal(await s.removeStore('gone', now), false, 'nothing left to remove');
  });
});

