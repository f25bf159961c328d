/**
 * Staging copies: which site a delivery comes from, and what happens to one from a site other than the store's.
 *
 * A store is pinned to its site URL (the `siteUrl` saved when it connected). WooCommerce names the sending site in
 * every delivery (`X-WC-Webhook-Source: home_url('/')`), and a cloned site (a staging copy with the same webhooks
 * and secret) signs its deliveries just as well, so the signature alone cannot tell them apart. A delivery whose
 * source is not the pinned site is held: stored, not mapped, nothing sent, until the merchant releases it (it is
 * then mapped like any other delivery) or discards it (it stays in the sync log, marked discarded).
 *
 * "The same site" (`sameSite`): the same host (any case) and port (a default port is no port) and the same path
 * (a trailing slash, the query and the fragment do not count). The scheme does not count either: a site that moved
 * from http to https is still the same site, and one host serves one WordPress at a given path. `www.shop.example`
 * and `shop.example` are different sites (WordPress names one of them as its home; a change of it is a domain move,
 * released with a re-pin).
 */
import type { DeliveryState, DeliveryStatus } from './records.js';

/** Stored, waiting for the merchant: its source is not the store's pinned site. */
export const HELD = { state: 'held', status: 'held' } as const satisfies { state: DeliveryState; status: DeliveryStatus };

/** A held delivery the merchant discarded: nothing is sent, its entry (and body, until retention) stays. */
export const DISCARDED = { state: 'discarded', status: 'discarded' } as const satisfies { state: DeliveryState; status: DeliveryStatus };

/** Longest source kept for a header that is not a URL (it is shown, never parsed again). */
const MAX_SOURCE = 200;

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The canonical form of a site URL, as shown and as held deliveries are grouped by: lower-case scheme and host, no
 * default port, the path without its trailing slash, no query or fragment. Null for what is not an http(s) URL.
 */
export function canonicalSite(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const port = u.port && u.port !== DEFAULT_PORTS[u.protocol] ? `:${u.port}` : '';
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.hostname.toLowerCase()}${port}${path}`;
}

/** What identifies a site: its canonical form without the scheme. */
function siteIdentity(url: string): string | null {
  const c = canonicalSite(url);
  return c === null ? null : c.replace(/^https?:\/\//, '');
}

/** Whether two site URLs name the same site (see the module's comment). Anything that is not a URL is no site. */
export function sameSite(a: string, b: string): boolean {
  const x = siteIdentity(a);
  return x !== null && x === siteIdentity(b);
}

/** How a source is kept and shown: its canonical form, or (not a URL) the header as sent, trimmed and cut. */
export function sourceLabel(source: string): string {
  return canonicalSite(source) ?? (source.trim().slice(0, MAX_SOURCE) || '(empty)');
}

/**
 * Whether a delivery is held, from the store's pinned site and the delivery's `X-WC-Webhook-Source`. A delivery
 * without the header is not held: WooCommerce and the plugin always send it, so it is a sender that names no site
 * (an older one, a tool), not a copy.
 */
export function deliverySource(pinned: string, source: string | undefined): { held: false } | { held: true; source: string } {
  if (source === undefined) return { held: false };
  return sameSite(pinned, source) ? { held: false } : { held: true, source: sourceLabel(source) };
}

/** How a site that asks the sidecar relates to the store: the pinned site, or another one (a copy, or a move). */
export function siteRelation(pinned: string, site: string): 'pinned' | 'other' {
  return sameSite(pinned, site) ? 'pinned' : 'other';
}

/** The sync log's note of a held delivery. */
export function heldNote(source: string, pinned: string): string {
  return `Held: sent by ${source}, not by this store's site ${canonicalSite(pinned) ?? pinned} (a copy of the site?). `
    + 'Nothing was sent to Klaviyo; release or discard it on the settings page.';
}

/** The sync log's note of a held delivery the merchant discarded. */
export function discardedNote(source: string, separatedAs?: string): string {
  return separatedAs
    ? `Discarded: held from ${source}, which was connected as its own store "${separatedAs}". Nothing was sent to Klaviyo.`
    : `Discarded by the merchant: held from ${source}. Nothing was sent to Klaviyo.`;
}

/** What a held delivery becomes when it is released: waiting to be mapped, like one just received. */
export const RELEASED = { state: 'received', status: 'pending', note: null } as const satisfies { state: DeliveryState; status: DeliveryStatus; note: null };

/** One source whose deliveries are held, as the sources route lists it. */
export interface HeldSource {
  source: string;
  count: number;
  /** ms epoch of the first and the last held delivery. */
  firstAt: number;
  lastAt: number;
}
