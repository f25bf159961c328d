/**
 * WooCommerce's order attribution (`_wc_order_attribution_*` order meta, written at checkout when the store records
 * it) as Klaviyo properties: on Placed Order, and once per profile as its first touch.
 */
import { compact } from './profile.js';

const PREFIX = '_wc_order_attribution_';

/** WooCommerce's field -> the property name Klaviyo gets. */
const FIELDS: Record<string, string> = {
  source_type: 'SourceType',
  utm_source: 'Source',
  utm_medium: 'Medium',
  utm_campaign: 'Campaign',
  utm_content: 'Content',
  utm_term: 'Term',
  referrer: 'Referrer',
  device_type: 'Device',
  session_entry: 'EntryPage',
};

/** The attribution an order's meta_data carries, by Klaviyo name (empty when the store records none). */
export function attributionOf(metaData: unknown): Record<string, string> {
  if (!Array.isArray(metaData)) return {};
  const out: Record<string, string> = {};
  for (const m of metaData as unknown[]) {
    if (!m || typeof m !== 'object') continue;
    const { key, value } = m as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || !key.startsWith(PREFIX) || typeof value !== 'string') continue;
    const name = FIELDS[key.slice(PREFIX.length)];
    const v = value.trim();
    // WooCommerce writes "(none)" for a field it could not determine.
    if (name && v && v !== '(none)') out[name] = v.slice(0, 500);
  }
  return compact(out) as Record<string, string>;
}

/** Placed Order's properties: `Attribution{Name}`. */
export function attributionProperties(a: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [`Attribution${k}`, v]));
}

/** The profile's first-touch properties: `FirstTouch{Name}`. */
export function firstTouchProperties(a: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [`FirstTouch${k}`, v]));
}
