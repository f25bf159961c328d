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
 * A topic the sidecar records itself, never accepted at ingress (parseTopic knows only WooCommerce's): an erasure
 * request (POST /v1/stores/{id}/privacy/erasure) is stored as a delivery of this topic, so its Klaviyo deletion is
 * planned, sent, retried and shown in the sync log like any other request.
 */
export const ERASURE_TOPIC = 'privacy.erasure' as const;
/**
 * Topics of the records a history sync reads from the plugin (the JSON WooCommerce's order and customer webhooks
 * carry), stored as deliveries by the sidecar itself: mapped as `order.updated` / `customer.updated` with the same keys,
 * their consent left out (history never subscribes anyone), and sent after live traffic.
 */
export const HISTORY_TOPICS = { orders: 'history.order', customers: 'history.customer' } as const;
/**
 * Every topic a stored delivery can have: WooCommerce's, the Klaviyo flow webhooks' (`klaviyo.flow.<action>`,
 * spelt out here so this module imports nothing; flows/actions.ts derives the same list from its actions), and the
 * erasure request's.
 */
export type DeliveryTopic = WooTopic | 'klaviyo.flow.coupon' | 'klaviyo.flow.tag' | 'klaviyo.flow.profile-properties' | typeof ERASURE_TOPIC
  | typeof HISTORY_TOPICS.orders | typeof HISTORY_TOPICS.customers;

export function parseTopic(header: string | undefined | null): WooTopic | null {
  const t = (header ?? '').trim();
  return (WOO_TOPICS as readonly string[]).includes(t) ? (t as WooTopic) : null;
}

/** A WP REST error object delivered instead of a resource (e.g. the webhook's user lost its rights). */
export function isRestErrorPayload(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.code === 'string' && typeof p.message === 'string' && !('id' in p) &&
    (p.data === undefined || (typeof p.data === 'object' && p.data !== null));
}
