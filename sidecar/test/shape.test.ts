/** The ingress shape check: limits on nesting and array size, the same for objects and arrays. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ARRAY, MAX_DEPTH, tooComplex } from '../src/ingress/shape.js';

const nest = (levels: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

describe('tooComplex', () => {
  it('accepts WooCommerce-like payloads and plain values', () => {
    assert.equal(tooComplex({ id: 1, line_items: [{ id: 2, meta_data: [{ key: 'k', value: { x: [1, 2] } }] }], billing: { email: 'a@b.c' } }), null);
    assert.equal(tooComplex(null), null);
    assert.equal(tooComplex('text'), null);
    assert.equal(tooComplex([]), null);
  });

  it(`allows ${MAX_DEPTH} levels of objects and arrays and refuses one more`, () => {
    assert.equal(tooComplex(nest(MAX_DEPTH)), null);
    assert.equal(tooComplex(nest(MAX_DEPTH, 'a primitive below the last level is fine')), null);
    assert.match(String(tooComplex(nest(MAX_DEPTH + 1))), /nests deeper than 32 levels/);
    assert.match(String(tooComplex({ ok: 1, deep: nest(MAX_DEPTH) })), /nests deeper/);
  });

  it(`allows arrays of ${MAX_ARRAY} items and refuses larger ones, wherever they are`, () => {
    assert.equal(tooComplex({ items: Array.from({ length: MAX_ARRAY }, (_, i) => ({ i })) }), null);
    assert.match(String(tooComplex({ a: { b: [Array.from({ length: MAX_ARRAY + 1 }, () => 0)] } })), /an array has 2001 items/);
  });
});
