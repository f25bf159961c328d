/** The verdict on a catalog change's finished bulk jobs (klaviyo/catalog-results.ts): which resources failed, and why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogFailureMessage, catalogFailures, type CatalogStep } from '../src/klaviyo/catalog-results.js';

const err = (i: number, code: string, detail: string, list = 'items') => ({ id: `e${i}`, code, title: code, detail, source: { pointer: `/data/attributes/${list}/data/${i}` } });
const step = (kind: CatalogStep['kind'], action: CatalogStep['action'], ids: string[], errors: CatalogStep['errors'] = []): CatalogStep => ({ kind, action, ids, errors });

describe('catalog job results', () => {
  it('an upsert: a create failed as existing or an update that then applies is no failure', () => {
    assert.deepEqual(catalogFailures([step('item', 'create', ['a', 'b'], [err(0, 'conflict', 'A catalog item already exists with ID a.')]), step('item', 'update', ['a', 'b'])]), []);
    assert.deepEqual(catalogFailures([step('item', 'create', ['a'], [err(0, 'invalid', 'Bad title.')]), step('item', 'update', ['a'])]), [], 'the update applied the content');
  });

  it('an update that failed fails the resource, with the create\'s reason unless the create failed as existing', () => {
    const f = catalogFailures([
      step('item', 'create', ['a', 'b'], [err(0, 'invalid', 'Bad title.'), err(1, 'conflict', 'A catalog item already exists with ID b.')]),
      step('item', 'update', ['a', 'b'], [err(0, 'not_found', 'A catalog item with ID a does not exist.'), err(1, 'invalid', 'Bad price.')]),
    ]);
    assert.deepEqual(f.map((x) => [x.id, x.action, x.error.detail]), [['a', 'create', 'Bad title.'], ['b', 'update', 'Bad price.']]);
    assert.equal(catalogFailureMessage(f), 'Klaviyo\'s catalog job failed the item a (create): Bad title. (and 1 more: item b)');
  });

  it('a create alone (a placeholder item) fails only for another reason than the id existing; deletions only for another than it being gone', () => {
    assert.deepEqual(catalogFailures([step('item', 'create', ['p'], [err(0, 'conflict', 'exists')])]), []);
    assert.deepEqual(catalogFailures([step('item', 'create', ['p'], [err(0, 'invalid', 'Bad URL.')])]).map((x) => x.error.detail), ['Bad URL.']);
    assert.deepEqual(catalogFailures([step('variant', 'delete', ['v', 'w'], [err(0, 'not_found', 'A catalog variant with ID v does not exist.', 'variants'), err(1, 'error', 'Locked.', 'variants')])])
      .map((x) => [x.kind, x.id, x.action]), [['variant', 'w', 'delete']]);
  });

  it('an error with no index names every resource of its job; kinds are apart (an item and a variant may share an id)', () => {
    const noIndex = { id: 'x', code: 'invalid', title: 'Invalid', detail: 'Job failed.', source: { pointer: '/data' } };
    assert.deepEqual(catalogFailures([step('variant', 'create', ['a', 'b'], [noIndex])]).map((x) => x.id), ['a', 'b']);
    assert.deepEqual(catalogFailures([step('item', 'create', ['a']), step('item', 'update', ['a']), step('variant', 'create', ['a'], [err(0, 'invalid', 'Bad SKU.', 'variants')])]).map((x) => `${x.kind} ${x.id}`), ['variant a']);
  });
});
