/** Conformance: a store's product index keeps entries per store and id, durably; removals and store removal drop them. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ProductIndexEntry } from '../../src/storage/types.js';
import { openBackend, store, TEST_BACKEND, type Backend } from './backend.js';

const entry = (id: number, o: Partial<ProductIndexEntry> = {}): ProductIndexEntry => ({
  id, parentId: null, type: 'simple', name: `P${id}`, categories: ['Mugs'], url: `https://shop.example/p/${id}/`, ...o,
});
const byId = (xs: ProductIndexEntry[]) => [...xs].sort((a, b) => a.id - b.id);

describe(`conformance (${TEST_BACKEND}): product index`, () => {
  let b: Backend;
  beforeEach(async () => {
    b = await openBackend();
  });
  afterEach(() => b.close());

  it('saves, replaces, removes and reads entries per store, also after a restart; removing the store removes them', async () => {
    const s = b.storage;
    await s.saveStore(store('p1'));
    await s.saveStore(store('p2'));
    assert.deepEqual(await s.products('p1', [1, 2]), []);
    await s.saveProducts('p1', [entry(1), entry(2, { type: 'variation', parentId: 1, categories: [] }), entry(3)], []);
    await s.saveProducts('p2', [entry(1, { name: 'Other store' })], []);
    assert.deepEqual(byId(await s.products('p1', [1, 2, 9])), [entry(1), entry(2, { type: 'variation', parentId: 1, categories: [] })]);
    assert.deepEqual(await s.products('p2', [1]), [entry(1, { name: 'Other store' })], 'per store');
    assert.deepEqual(await s.products('p1', []), []);
    await s.saveProducts('p1', [entry(1, { categories: ['Tea & Gifts'] })], [3]);
    const again = await b.restart();
    assert.deepEqual(byId(await again.products('p1', [1, 2, 3])), [entry(1, { categories: ['Tea & Gifts'] }), entry(2, { type: 'variation', parentId: 1, categories: [] })], 'kept durably; 3 removed');
    assert.equal(await again.removeStore('p1', Date.now()), true);
    assert.deepEqual(await again.products('p1', [1, 2]), []);
    assert.equal((await again.products('p2', [1])).length, 1, 'the other store keeps its own');
  });
});
