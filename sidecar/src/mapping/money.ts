/**
 * Exact money arithmetic on integer minor units. WooCommerce sends money as strings ("188.13"); line-item
 * `price` is a float with binary noise (17.099999999999998) and is never used for amounts.
 */
export interface Money {
  minor: bigint;
  scale: number;
}

export function parseMoney(value: unknown, scale?: number): Money | null {
  const text = typeof value === 'number' ? value.toString() : typeof value === 'string' ? value.trim() : '';
  const m = /^(-)?(\d*)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[2] === '' && m[3] === undefined)) return null;
  const decimals = m[3] ?? '';
  const s = scale ?? decimals.length;
  const padded = (decimals + '0'.repeat(Math.max(0, s - decimals.length))).slice(0, s);
  let minor = BigInt((m[2] || '0') + padded);
  // round half up on the dropped digits, if any
  if (decimals.length > s && Number(decimals[s]) >= 5) minor += 1n;
  return { minor: m[1] ? -minor : minor, scale: s };
}

export function rescale(a: Money, scale: number): Money {
  if (a.scale === scale) return a;
  if (scale > a.scale) return { minor: a.minor * 10n ** BigInt(scale - a.scale), scale };
  const factor = 10n ** BigInt(a.scale - scale);
  const half = factor / 2n;
  const sign = a.minor < 0n ? -1n : 1n;
  return { minor: sign * ((sign * a.minor + half) / factor), scale };
}

export function add(a: Money, b: Money): Money {
  const s = Math.max(a.scale, b.scale);
  return { minor: rescale(a, s).minor + rescale(b, s).minor, scale: s };
}

export function abs(a: Money): Money {
  return { minor: a.minor < 0n ? -a.minor : a.minor, scale: a.scale };
}

/** Divides by a positive integer, rounding half up, keeping the scale. */
export function divide(a: Money, by: number): Money {
  const d = BigInt(by);
  const sign = a.minor < 0n ? -1n : 1n;
  return { minor: sign * ((sign * a.minor * 2n + d) / (2n * d)), scale: a.scale };
}

/** The exact decimal as a JS number: the shortest double that prints as that decimal (no float noise). */
export function toNumber(a: Money): number {
  const neg = a.minor < 0n;
  const digits = (neg ? -a.minor : a.minor).toString().padStart(a.scale + 1, '0');
  const text = a.scale === 0 ? digits : `${digits.slice(0, -a.scale)}.${digits.slice(-a.scale)}`;
  return Number((neg ? '-' : '') + text);
}

export const ZERO: Money = { minor: 0n, scale: 2 };
