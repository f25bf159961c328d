import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalises a WooCommerce billing phone to E.164 using the billing country as the default region.
 * Returns undefined for a phone that cannot be made a valid number: the profile is sent without it
 * rather than rejected by Klaviyo as a whole.
 */
export function toE164(raw: unknown, country: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const region = typeof country === 'string' && /^[A-Z]{2}$/i.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberFromString(raw.trim(), region ? { defaultCountry: region } : undefined);
    if (!parsed || !parsed.isValid()) return undefined;
    return parsed.number;
  } catch {
    return undefined;
  }
}
