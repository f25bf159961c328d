/** WooCommerce webhook topics the sidecar handles, and what WooCommerce delivers instead of a resource. */

export const WOO_TOPICS = [
  'order.created',
  'order.updated',
  'order.deleted',
  'order.restored',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'product.created',
  'product.updated',
  'product.deleted',
  'product.restored',
] as const;
export type WooTopic = (typeof WOO_TOPICS)[number];

/**
 * Topics the plugin itself sends to the same ingress, signed like WooCommerce's deliveries (X-WC-Webhook-Signature
 * with the webhook secret): carts it captured from the shopper's session, sent from Action Scheduler's queue. They are
 * not WooCommerce webhooks (the plugin registers none for them), so they are kept apart from WOO_TOPICS.
 */
export const CART_TOPICS = ['cart.checkout_started', 'cart.item_added'] as const;
export type CartTopic = (typeof CART_TOPICS)[number];
/** Every topic the ingress route accepts. */
export type IngressTopic = WooTopic | CartTopic;

/**
 * A topic the sidecar records itself, never accepted at ingress (parseTopic knows only WooCommerce's): an erasure
 * request (POST /v1/stores/{id}/privacy/erasure) is stored as a delivery of this topic, so its Klaviyo deletion is
 * planned, sent, retried and shown in the sync log like any other request.
 */
export const ERASURE_TOPIC = 'privacy.erasure' as const;
/**
 * A topic the sidecar records itself: a shopper's back-in-stock signup the plugin handed on
 * (POST /v1/stores/{id}/back-in-stock), stored as a delivery so that Klaviyo's subscription is planned, sent, retried
 * and shown in the sync log like any other request.
 */
export const BACK_IN_STOCK_TOPIC = 'back_in_stock.signup' as const;
/**
 * Topics of the records a history sync reads from the plugin (the JSON WooCommerce's order, customer and product
 * webhooks carry), stored as deliveries by the sidecar itself: orders and customers mapped as `order.updated` /
 * `customer.updated` with the same keys, their consent left out (history never subscribes anyone), and sent after live
 * traffic; products as WooCommerce's own `product.updated` (a catalog change, and the product index's entry).
 */
export const HISTORY_TOPICS = { orders: 'history.order', customers: 'history.customer', products: 'product.updated' } as const;
/**
 * Topics of the orders gap repair recovered (sync/gaps.ts: WooCommerce changed them and the sidecar never got the
 * change), stored by the sidecar itself: mapped as `order.updated` with the same keys, so what was sent is not sent
 * again. `recovered.order` is a change of the last day, sent live (its flows fire); `recovered.order.backfill` an older
 * one, sent as backfill after live traffic, like a history sync's records.
 */
export const RECOVERED_TOPICS = { live: 'recovered.order', backfill: 'recovered.order.backfill' } as const;
/**
 * Every topic a stored delivery can have: WooCommerce's, the Klaviyo flow webhooks' (`klaviyo.flow.<action>`,
 * spelt out here so this module imports nothing; flows/actions.ts derives the same list from its actions), and the
 * erasure request's.
 */
export type DeliveryTopic = IngressTopic | 'klaviyo.flow.coupon' | 'klaviyo.flow.tag' | 'klaviyo.flow.profile-properties' | typeof ERASURE_TOPIC
  | typeof BACK_IN_STOCK_TOPIC
  | typeof HISTORY_TOPICS.orders | typeof HISTORY_TOPICS.customers | typeof RECOVERED_TOPICS.live | typeof RECOVERED_TOPICS.backfill;

/** The topic of an ingress delivery: WooCommerce's webhook topics and the plugin's cart topics. */
export function parseTopic(header: string | undefined | null): IngressTopic | null {
  const t = (header ?? '').trim();
  return (WOO_TOPICS as readonly string[]).includes(t) || (CART_TOPICS as readonly string[]).includes(t) ? (t as IngressTopic) : null;
}

/** A WP REST error object delivered instead of a resource (e.g. the webhook's user lost its rights). */
export function isRestErrorPayload(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.code === 'string' && typeof p.message === 'string' && !('id' in p) &&
    (p.data === undefined || (typeof p.data === 'object' && p.data !== null));
}
