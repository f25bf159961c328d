/**
 * A delivery whose JSON is far outside anything WooCommerce builds (deep nesting, huge arrays) is refused
 * before it can turn into thousands of Klaviyo requests. Real order payloads nest about 5 levels deep and
 * carry tens of line items.
 */
export const MAX_DEPTH = 32;
export const MAX_ARRAY = 2000;

/**
 * Returns why the value is too complex, or null. Iterative: deep input cannot exhaust the stack. Only objects and
 * arrays are pushed, on two parallel stacks, so checking a payload allocates next to nothing (it runs for every
 * delivery).
 */
export function tooComplex(value: unknown): string | null {
  const values: object[] = [];
  const depths: number[] = [];
  if (value !== null && typeof value === 'object') {
    values.push(value);
    depths.push(1);
  }
  while (values.length) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_DEPTH) return `it nests deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY) return `an array has ${v.length} items (at most ${MAX_ARRAY})`;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && typeof x === 'object') { values.push(x); depths.push(depth + 1); }
      }
    } else {
      for (const k in v) {
        const x: unknown = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') { values.push(x); depths.push(depth + 1); }
      }
    }
  }
  return null;
}
