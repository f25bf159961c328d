/** The sync core, pure: when a store's save reuses Klaviyo's last answer about its key; and the route asking once. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEY_RECHECK_AFTER_MS, reusableKeyCheck } from '../../src/sync/index.js';
import { FIXTURE_SECRET, FIXTURE_SITE, GOOD_KEY, startHarness, type Harness } from '../helpers.js';

const at = '2026-12-03T10:00:00.000Z';
const known = { privateKey: 'pk_a', keyStatus: 'valid', keyDetail: null, keyCheckedAt: at };
const later = (ms: number) => new Date(Date.parse(at) + ms);

describe('sync core: reusing a key check', () => {
  it('reuses a valid answer about the same key for under a minute', () => {
    assert.deepEqual(reusableKeyCheck(known, 'pk_a', later(59_000)), { status: 'valid', detail: null, checkedAt: at });
  });
  it('asks again for another key, an older answer, a key found invalid or unverified, or a new store', () => {
    assert.equal(reusableKeyCheck(known, 'pk_b', later(1000)), null);
    assert.equal(reusableKeyCheck(known, 'pk_a', later(KEY_RECHECK_AFTER_MS)), null);
    assert.equal(reusableKeyCheck({ ...known, keyStatus: 'invalid' }, 'pk_a', later(1000)), null);
    assert.equal(reusableKeyCheck({ ...known, keyStatus: 'unverified' }, 'pk_a', later(1000)), null);
    assert.equal(reusableKeyCheck({ ...known, keyCheckedAt: null }, 'pk_a', later(1000)), null);
    assert.equal(reusableKeyCheck({ ...known, keyCheckedAt: 'soon' }, 'pk_a', later(1000)), null);
    assert.equal(reusableKeyCheck(known, 'pk_a', later(-5000)), null, 'a clock that went back asks again');
    assert.equal(reusableKeyCheck(null, 'pk_a', later(1000)), null);
  });
});

describe('saving a store asks Klaviyo about its key once a minute at most', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => h.close());
  const accounts = () => h.double.requests.filter((r) => r.path === '/api/accounts').length;
  const save = (key: string) => h.admin('PUT', '/v1/stores/key-reuse', { siteUrl: FIXTURE_SITE, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: key, listId: 'L00001' } });

  it('a second save with the same valid key reuses the answer; a refused key is asked about every time', async () => {
    h.double.revokeKey('pk_refused_0123456789abcdef');
    const first = await save(GOOD_KEY);
    assert.equal(first.status, 200);
    assert.equal(accounts(), 1);
    const again = await save(GOOD_KEY);
    assert.equal(again.body.key.status, 'valid');
    assert.equal(again.body.key.checkedAt, first.body.key.checkedAt, 'the answer of the first save');
    assert.equal(accounts(), 1, 'Klaviyo was not asked again');
    const bad = await save('pk_refused_0123456789abcdef');
    assert.equal(bad.body.key.status, 'invalid');
    assert.equal(accounts(), 2);
    await save('pk_refused_0123456789abcdef');
    assert.equal(accounts(), 3, 'a refused key is asked about again');
    assert.equal((await save(GOOD_KEY)).body.key.status, 'valid');
    assert.equal(accounts(), 4, 'a key that was not the last one saved is asked about');
  });
});
