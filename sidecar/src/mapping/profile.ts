import type { ProfileAttributes } from '../klaviyo/types.js';
import { toE164 } from './phone.js';
import type { WooAddress } from '../woo/schemas.js';

type Location = NonNullable<ProfileAttributes['location']>;

/** Drops undefined, null and empty strings, so Klaviyo never clears a stored field by accident. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Partial<T>;
}

export function normaliseEmail(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const e = email.trim().toLowerCase();
  return e.includes('@') ? e : undefined;
}

export function locationOf(addr: WooAddress | null | undefined): Location | undefined {
  if (!addr) return undefined;
  const loc = compact({
    address1: addr.address_1 ?? undefined,
    address2: addr.address_2 ?? undefined,
    city: addr.city ?? undefined,
    region: addr.state ?? undefined,
    zip: addr.postcode ?? undefined,
    country: addr.country ?? undefined,
  });
  return Object.keys(loc).length ? (loc as Location) : undefined;
}

/** Profile attributes from a billing address and an email. Never includes an id. */
export function profileAttributes(input: {
  email?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  billing?: WooAddress | null;
  properties?: Record<string, unknown>;
}): ProfileAttributes {
  const billing = input.billing ?? undefined;
  const attrs = compact({
    email: normaliseEmail(input.email) ?? normaliseEmail(billing?.email),
    phone_number: toE164(billing?.phone, billing?.country),
    first_name: typeof input.firstName === 'string' && input.firstName.trim() ? input.firstName : billing?.first_name ?? undefined,
    last_name: typeof input.lastName === 'string' && input.lastName.trim() ? input.lastName : billing?.last_name ?? undefined,
    organization: billing?.company ?? undefined,
    location: locationOf(billing),
    properties: input.properties ? compact(input.properties) : undefined,
  });
  return attrs as ProfileAttributes;
}
