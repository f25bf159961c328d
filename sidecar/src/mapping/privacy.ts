/**
 * WooCommerce's personal-data eraser anonymises an order in place: its emails become WordPress's placeholder
 * `deleted@site.invalid`, phones are cleared and names and addresses become `[deleted]` (translated on non-English
 * sites). The order.updated it fires then must not overwrite the person's Klaviyo profile with blanks, nor create a
 * profile for the placeholder.
 */
import { createHash } from 'node:crypto';
import { MappingError } from './errors.js';
import type { MappingResult } from './types.js';

/** The address wp_privacy_anonymize_data() gives every anonymised email. */
export const ANONYMISED_EMAIL = 'deleted@site.invalid';

export const ANONYMISED_NOTE = 'Anonymised by WooCommerce\'s personal-data eraser: nothing is sent, so no Klaviyo profile is overwritten or created.';

const isPlaceholder = (v: unknown): boolean => typeof v === 'string' && v.trim().toLowerCase() === ANONYMISED_EMAIL;
const isDeletedText = (v: unknown): boolean => v === '[deleted]';

/** Whether an order or customer payload was anonymised (the placeholder email, or English `[deleted]` names and no email). */
export function isAnonymised(p: { email?: unknown; billing?: { email?: unknown; first_name?: unknown; last_name?: unknown } | null }): boolean {
  const b = p.billing ?? {};
  if (isPlaceholder(p.email) || isPlaceholder(b.email)) return true;
  const noEmail = (v: unknown) => v == null || v === '';
  return noEmail(p.email) && noEmail(b.email) && isDeletedText(b.first_name) && isDeletedText(b.last_name);
}

/** The body of an erasure request as the sidecar stores it (topic `privacy.erasure`). */
export interface ErasureRequest {
  requestId: string;
  email: string;
  requestedAt: string;
}

export const ERASURE_NOTE = 'Erasure request: Klaviyo is asked to delete the profile and its events (data-privacy-deletion-job).';

/** What an erasure request's entry keeps once mapped: no email, a hash of it (the same person's requests match). */
export interface StoredErasure {
  requestId: string;
  subjectSha256: string;
  requestedAt: string;
}

/**
 * An erasure request becomes one data-privacy-deletion-job with the one identifier Klaviyo allows per request, the
 * email; keyed by the request, so a repeat of the same request is never sent twice. The entry names no email, and
 * once mapped keeps a hash of it instead of the email (the job carries the email until it is sent).
 */
export function mapErasure(storeId: string, payload: unknown): MappingResult {
  const p = (payload ?? {}) as Partial<ErasureRequest>;
  if (typeof p.requestId !== 'string' || typeof p.email !== 'string' || !p.email.includes('@')) {
    throw new MappingError('The erasure request has no request id or email.');
  }
  const email = p.email.trim().toLowerCase();
  const stored: StoredErasure = { requestId: p.requestId, subjectSha256: createHash('sha256').update(email).digest('hex'), requestedAt: String(p.requestedAt ?? '') };
  return {
    summary: { resource: 'erasure', resourceId: null },
    storedPayload: stored,
    note: ERASURE_NOTE,
    requests: [{
      kind: 'privacy_deletion',
      key: `privacy:${storeId}:erasure:${p.requestId}`,
      body: { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email } } } } } },
    }],
  };
}
