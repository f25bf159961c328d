/**
 * A delivery whose JSON is far outside anything WooCommerce builds (deep nesting, huge arrays) is refused
 * before it can turn into thousands of Klaviyo requests. Real order payloads nest about 5 levels deep and
 * carry tens of line items.
 */
export const MAX_DEPTH = 32;
export const MAX_ARRAY = 2000;

/** Returns why the value is too complex, or null. Iterative: deep input cannot exhaust the stack. */
export function tooComplex(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return `it nests deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(v)) {
      if (v.length > MAX_ARRAY) return `an array has ${v.length} items (at most ${MAX_ARRAY})`;
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
  }
  return null;
}
