/**
 * Runs a Klaviyo flow webhook's store action: a signed call to the plugin's machine route on the store's WordPress
 * (`X-WCK-Signature` = base64(HMAC-SHA256(body, the store's webhook secret)), the secret WooCommerce signs its
 * deliveries with), then, for a coupon, the code and its expiry written to the Klaviyo profile. The plugin answers the
 * same coupon for the same key, so a retry after a failed profile write makes no second coupon. WordPress's failures
 * are classified like Klaviyo's (a 5xx or no answer retries with backoff, another 4xx is dead with WordPress's
 * message), so the retry policy and the sync log treat them alike.
 */
import type { CouponResult } from '../flows/actions.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import type { Priority } from '../klaviyo/rate-limiter.js';
import { KlaviyoBadRequestError } from '../klaviyo/errors.js';
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { StoreRecord } from '../storage/types.js';
import { callPlugin } from './wordpress.js';

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

  private callPlugin(store: StoreRecord, request: StoreRequest): Promise<{ result: unknown; status: number }> {
    const { codeProperty: _c, expiresProperty: _e, ...forPlugin } = request.body as StoreRequest['body'] & { codeProperty?: string; expiresProperty?: string };
    return callPlugin(store, 'flow-actions', forPlugin, `the ${request.body.action} action`, this.timeoutMs);
  }
}
