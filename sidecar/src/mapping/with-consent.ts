/** Adds a payload's consent records (`_wck_consent` in its meta_data) to its mapping result. */
import { mapConsent, type ListInfo } from './consent.js';
import type { MappingResult } from './types.js';

interface WithMeta {
  meta_data?: unknown;
  /** A customer's account email (orders have none at the top level). */
  email?: string | null;
  billing?: { email?: string | null; phone?: string | null; country?: string | null } | null;
}

export function withConsent(result: MappingResult, storeId: string, payload: WithMeta, list: ListInfo | null, now?: number): MappingResult {
  const consent = mapConsent({
    now,
    storeId,
    metaData: payload.meta_data,
    // A customer's records belong to the account's email; an order's to its billing email.
    email: payload.email || payload.billing?.email,
    phone: payload.billing?.phone,
    country: payload.billing?.country,
    list,
  });
  if (!consent) return result;
  if (!('email' in consent)) return { ...result, note: [result.note, ...consent.notes].filter(Boolean).join(' ') };
  return { ...result, consent };
}
