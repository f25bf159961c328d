/**
 * The sidecar's signed calls to the plugin's machine routes on the store's WordPress (flow actions, history pages):
 * `POST /?rest_route=/wc-klaviyo-sync-sidecar/v1/<route>` (the form every permalink setting answers) with a JSON body
 * carrying `sentAt` (the plugin refuses one older than 5 minutes) and `X-WCK-Signature` = base64(HMAC-SHA256(body,
 * the store's webhook secret)), the secret WooCommerce signs its deliveries with. WordPress's failures are classified
 * like Klaviyo's: a 5xx, 408, 429 or no answer is retried, a redirect or another 4xx is not.
 */
import { createHmac } from 'node:crypto';
import { KlaviyoBadRequestError, KlaviyoNetworkError, KlaviyoServerError } from '../klaviyo/errors.js';
import type { StoreRecord } from '../storage/types.js';

export const PLUGIN_NAMESPACE = '/wc-klaviyo-sync-sidecar/v1';

export function pluginRouteUrl(siteUrl: string, route: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/?rest_route=${PLUGIN_NAMESPACE}/${route}`;
}

/** POSTs the signed body; resolves with the parsed JSON of a 2xx answer, throws a classified error otherwise (`signal`: given up on shutdown). */
export async function callPlugin(store: StoreRecord, route: string, payload: Record<string, unknown>, what: string, timeoutMs: number, signal?: AbortSignal): Promise<{ result: unknown; status: number }> {
  const body = JSON.stringify({ ...payload, sentAt: new Date().toISOString() });
  let res: Response;
  try {
    res = await fetch(pluginRouteUrl(store.siteUrl, route), {
      method: 'POST', redirect: 'manual', signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'x-wck-signature': createHmac('sha256', store.webhookSecret).update(body).digest('base64') },
      body,
    });
  } catch (err) {
    throw new KlaviyoNetworkError(`WordPress could not be reached at ${store.siteUrl}: ${(err as Error).message}`, err);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  if (res.status >= 200 && res.status < 300 && parsed && typeof parsed === 'object') return { result: parsed, status: res.status };
  const wp = parsed && typeof parsed === 'object' ? parsed as { code?: unknown; message?: unknown } : {};
  const detail = typeof wp.message === 'string' ? `${String(wp.code ?? '')}: ${wp.message}` : text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) || 'no detail';
  const message = `WordPress answered ${res.status} to ${what}: ${detail}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429 || res.status < 200) throw new KlaviyoServerError(message, res.status);
  if (res.status >= 300 && res.status < 400) throw new KlaviyoBadRequestError(`${message} (a redirect: check the store's address)`, res.status);
  throw new KlaviyoBadRequestError(message, res.status);
}
