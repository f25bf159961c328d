/**
 * WooCommerce's personal-data eraser anonymises an order in place: its emails become WordPress's placeholder
 * `deleted@site.invalid`, phones are cleared and names and addresses become `[deleted]` (translated on non-English
 * sites). The order.updated it fires then must not overwrite the person's Klaviyo profile with blanks, nor create a
 * profile for the placeholder.
 */

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
