/**
 * Runs a Klaviyo flow webhook's store action: a signed call to the plugin's machine route on the store's WordPress
 * (`X-WCK-Signature` = base64(HMAC-SHA256(body, the store's webhook secret)), the secret WooCommerce signs its
 * deliveries with), then, for a coupon, the code and its expiry written to the Klaviyo profile. The plugin answers the
 * same coupon for the same key, so a retry after a failed profile write makes no second coupon. WordPress's failures
 * are classified like Klaviyo's (a 5xx or no answer retries with backoff, another 4xx is dead with WordPress's
 * message), so the retry policy and the sync log treat them alike.
 */
import { createHmac } from 'node:crypto';
import type { CouponResult } from '../flows/actions.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import type { Priority } from '../klaviyo/rate-limiter.js';
import { KlaviyoBadRequestError, KlaviyoNetworkError, KlaviyoServerError } from '../klaviyo/errors.js';
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { StoreRecord } from '../storage/types.js';

/** The plugin's route, in the `?rest_route=` form every permalink setting answers. */
export const FLOW_ACTION_ROUTE = '/wc-klaviyo-sync-sidecar/v1/flow-actions';

export function flowActionUrl(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/?rest_route=${FLOW_ACTION_ROUTE}`;
}

type StoreRequest = Extract<KlaviyoRequest, { kind: 'store' }>;

export class StoreActions {
  constructor(private readonly client: KlaviyoClient, private readonly timeoutMs = 15_000) {}

  /** Runs the action; resolves with the last HTTP status (Klaviyo's for a coupon's profile write), throws a classified error. */
  async run(store: StoreRecord, request: StoreRequest, priority: Priority): Promise<number> {
    const { result, status } = await this.callPlugin(store, request);
    if (request.body.action !== 'coupon') return status;
    const coupon = result as CouponResult;
    if (typeof coupon.code !== 'string' || coupon.code === '') {
      throw new KlaviyoBadRequestError('WordPress answered without a coupon code.', status);
    }
    const properties: Record<string, unknown> = { [request.body.codeProperty]: coupon.code };
    if (coupon.expiresAt) properties[request.body.expiresProperty] = coupon.expiresAt;
    const profile: KlaviyoRequest = {
      kind: 'profile', key: `${request.key}:profile`,
      body: { data: { type: 'profile', attributes: { email: request.body.email, properties } } },
    };
    return (await this.client.send(store.privateKey, profile, priority)).status;
  }

  private async callPlugin(store: StoreRecord, request: StoreRequest): Promise<{ result: unknown; status: number }> {
    const { codeProperty: _c, expiresProperty: _e, ...forPlugin } = request.body as StoreRequest['body'] & { codeProperty?: string; expiresProperty?: string };
    const body = JSON.stringify({ ...forPlugin, sentAt: new Date().toISOString() });
    const url = flowActionUrl(store.siteUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs),
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
    const message = `WordPress answered ${res.status} to the ${request.body.action} action: ${detail}`;
    if (res.status >= 500 || res.status === 408 || res.status === 429 || res.status < 200) throw new KlaviyoServerError(message, res.status);
    if (res.status >= 300 && res.status < 400) throw new KlaviyoBadRequestError(`${message} (a redirect: check the store's address)`, res.status);
    throw new KlaviyoBadRequestError(message, res.status);
  }
}
