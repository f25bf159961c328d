/**
 * Profile totals (TotalOrders, LifetimeValue, FirstOrderDate, LastOrderDate, AverageOrderValue): per store and
 * email, what each of the profile's orders contributes, as its newest state (by WooCommerce's own
 * `date_modified_gmt`) says; the totals are computed from those contributions, never counted up from deliveries.
 * So they are exact whatever order, repetition or coalescing the deliveries arrive in. Pure: storage reads the
 * profile's state, the core computes the next one and the profile request, storage writes it with the plan if the
 * state's version is still the one read (compare-and-set).
 */
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { OrderTotalsInput } from '../mapping/types.js';

/** What one order contributes to its profile's totals, as its newest state says. Amounts in minor units (decimal). */
export interface OrderContribution {
  /** `date_modified_gmt` (ISO, UTC) of the state this contribution was taken from. */
  modifiedAt: string;
  counted: boolean;
  currency: string;
  scale: number;
  totalMinor: string;
  refundedMinor: string;
  /** When it was paid (else created), ISO UTC. */
  placedAt: string | null;
}

/** A profile's totals state: a version bumped by every change, and each order's contribution by order id. */
export interface TotalsState {
  version: number;
  orders: Record<string, OrderContribution>;
}

export const NO_TOTALS: TotalsState = { version: 0, orders: {} };

/** The properties sent on the profile. */
export interface ProfileTotals {
  TotalOrders: number;
  LifetimeValue: number;
  LifetimeValueCurrency?: string;
  FirstOrderDate?: string;
  LastOrderDate?: string;
  AverageOrderValue?: number;
}

/** What a plan writes: the profile's next state, applied only if the stored version is still `assumedVersion`. */
export interface TotalsPlan {
  email: string;
  assumedVersion: number;
  next: TotalsState;
}

/**
 * The order's new contribution against the state: kept only if it is newer than the one held (an older or equal
 * state of the order changes nothing), so a late or repeated delivery never moves the totals back.
 */
export function applyOrderTotals(state: TotalsState, input: OrderTotalsInput): TotalsState | null {
  const id = String(input.orderId);
  const held = state.orders[id];
  const next: OrderContribution = {
    modifiedAt: input.modifiedAt, counted: input.counted, currency: input.currency, scale: input.scale,
    totalMinor: input.totalMinor, refundedMinor: input.refundedMinor, placedAt: input.placedAt,
  };
  if (held && !isNewerContribution(next, held)) return null;
  if (held && sameContribution(held, next)) return null;
  return { version: state.version + 1, orders: { ...state.orders, [id]: next } };
}

/**
 * Whether `a` is a later state of the order than `b`: a later `date_modified_gmt`; at the same second (WooCommerce
 * keeps seconds) the one with more refunded, then the one no longer counted (a cancellation), wins.
 */
function isNewerContribution(a: OrderContribution, b: OrderContribution): boolean {
  if (a.modifiedAt !== b.modifiedAt) return a.modifiedAt > b.modifiedAt;
  const ra = BigInt(a.refundedMinor);
  const rb = BigInt(b.refundedMinor);
  if (ra !== rb) return ra > rb;
  return a.counted !== b.counted ? !a.counted : false;
}

function sameContribution(a: OrderContribution, b: OrderContribution): boolean {
  return a.counted === b.counted && a.currency === b.currency && a.totalMinor === b.totalMinor && a.refundedMinor === b.refundedMinor
    && a.placedAt === b.placedAt && a.scale === b.scale;
}

function decimal(minor: bigint, scale: number): number {
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return Number((neg ? '-' : '') + text);
}

/**
 * The totals of a state. Counted orders: paid (or processing/completed) and not cancelled or failed. TotalOrders
 * counts them; LifetimeValue sums their totals less their refunds, in the currency of the newest counted order
 * (orders in another currency are left out of the money totals); AverageOrderValue is LifetimeValue over the orders
 * in that currency, half up at its scale; the dates are the first and last counted order's (paid, else created).
 */
export function profileTotals(state: TotalsState): ProfileTotals {
  const counted = Object.values(state.orders).filter((o) => o.counted);
  if (counted.length === 0) return { TotalOrders: 0, LifetimeValue: 0 };
  const byTime = [...counted].sort((a, b) => (a.placedAt ?? '').localeCompare(b.placedAt ?? ''));
  const newest = byTime[byTime.length - 1]!;
  const currency = newest.currency;
  const inCurrency = counted.filter((o) => o.currency === currency);
  const scale = Math.max(...inCurrency.map((o) => o.scale));
  const at = (o: OrderContribution, v: string) => BigInt(v) * 10n ** BigInt(scale - o.scale);
  const ltv = inCurrency.reduce((sum, o) => sum + at(o, o.totalMinor) - at(o, o.refundedMinor), 0n);
  const n = BigInt(inCurrency.length);
  const sign = ltv < 0n ? -1n : 1n;
  const avg = sign * ((sign * ltv * 2n + n) / (2n * n));
  const dates = byTime.map((o) => o.placedAt).filter((d): d is string => !!d);
  return {
    TotalOrders: counted.length,
    LifetimeValue: decimal(ltv, scale),
    LifetimeValueCurrency: currency,
    ...(dates.length ? { FirstOrderDate: dates[0]!, LastOrderDate: dates[dates.length - 1]! } : {}),
    AverageOrderValue: decimal(avg, scale),
  };
}

/** The profile request carrying the totals; its key names the state's version, so each change is sent once. */
export function totalsRequest(storeId: string, email: string, state: TotalsState): KlaviyoRequest {
  return {
    kind: 'profile',
    key: `totals:${storeId}:${email}:${state.version}`,
    body: { data: { type: 'profile', attributes: { email, properties: { ...profileTotals(state) } } } },
  };
}

/** The email planning reads the totals state for. */
export function totalsSubject(input: OrderTotalsInput | undefined): string | null {
  return input?.email ?? null;
}
