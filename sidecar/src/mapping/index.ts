/** Pure mapping from WooCommerce deliveries to Klaviyo requests. See docs/how-it-works.md. */
import { mapBackInStock } from './back-in-stock.js';
import { mapCart } from './cart.js';
import { mapCustomer } from './customer.js';
import { mapFlowWebhook } from './flow.js';
import { flowActionOf } from '../flows/actions.js';
import { MappingError } from './errors.js';
import { mapOrder } from './order.js';
import { mapProduct, mapProductRemoval } from './product.js';
import { mapErasure } from './privacy.js';
import type { MappingInput, MappingResult } from './types.js';
import type { DeliveryTopic } from '../woo/topics.js';
import { CartSchema, CustomerSchema, DeletedSchema, OrderSchema, ProductSchema } from '../woo/schemas.js';

export { MappingError } from './errors.js';
export { METRICS } from './order.js';
export { catalogId, productIndexEntry } from './product.js';
export { CART_METRICS, cartContentsHash } from './cart.js';
export * from './types.js';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, payload: unknown, what: string): T {
  const r = schema.safeParse(payload);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MappingError(`The ${what} payload is not usable: ${first}`);
  }
  return r.data;
}

/**
 * A record read by a history sync (or an old order gap repair recovered, which keeps its consent): what the live topic maps (same keys, the event's own past `time`), without its
 * consent (history never subscribes anyone), each event marked `backfill: true` (Klaviyo's spec: "the event is
 * recorded but does NOT trigger flows"), sent after live traffic.
 */
function historical(r: MappingResult, keepConsent = false): MappingResult {
  const { consent, ...rest } = r;
  const requests = r.requests.map((q) => (q.kind === 'event'
    ? { ...q, body: { data: { ...q.body.data, attributes: { ...q.body.data.attributes, backfill: true } } } }
    : q));
  return { ...rest, requests, backlog: true, ...(keepConsent && consent ? { consent } : {}) };
}

export const RECOVERED_NOTE = 'Recovered by the gap check: WooCommerce changed this order and did not deliver the change.';

/** An order gap repair recovered: what `order.updated` maps, with a note saying where it came from. */
function recovered(r: MappingResult): MappingResult {
  return { ...r, note: r.note ? `${RECOVERED_NOTE} ${r.note}` : RECOVERED_NOTE };
}

const ITEM_TOPICS = new Set<string>(['order.created', 'order.updated', 'order.restored', 'history.order', 'recovered.order', 'recovered.order.backfill', 'cart.checkout_started', 'cart.item_added']);

/**
 * The product and variation ids whose product index entries mapping this delivery uses (its items', an added cart
 * item's); none for a topic that lists no items or a payload that is not one.
 */
export function productIdsOf(topic: DeliveryTopic, payload: unknown): number[] {
  if (!ITEM_TOPICS.has(topic) || !payload || typeof payload !== 'object') return [];
  const p = payload as { line_items?: unknown; added?: unknown };
  const items = [...(Array.isArray(p.line_items) ? p.line_items : []), p.added];
  const ids = new Set<number>();
  for (const i of items) {
    if (!i || typeof i !== 'object') continue;
    for (const v of [(i as { product_id?: unknown }).product_id, (i as { variation_id?: unknown }).variation_id]) {
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) ids.add(v);
    }
  }
  return [...ids];
}

export function mapDelivery(input: MappingInput): MappingResult {
  const { storeId, topic, payload } = input;
  const list = input.list ?? null;
  switch (topic) {
    case 'order.created':
    case 'order.updated':
    case 'order.restored':
      return mapOrder(storeId, parse(OrderSchema, payload, 'order'), list, input.now, input.products);
    case 'customer.created':
    case 'customer.updated':
      return mapCustomer(storeId, parse(CustomerSchema, payload, 'customer'), list, input.now);
    case 'order.deleted': {
      const { id } = parse(DeletedSchema, payload, 'order.deleted');
      return { summary: { resource: 'order', resourceId: id, orderNumber: String(id) }, requests: [], note: 'Recorded only: a trashed order sends nothing to Klaviyo.' };
    }
    case 'customer.deleted': {
      const { id } = parse(DeletedSchema, payload, 'customer.deleted');
      return { summary: { resource: 'customer', resourceId: id }, requests: [], note: 'Recorded only: a deleted WordPress user sends nothing to Klaviyo.' };
    }
    case 'product.created':
    case 'product.updated':
    case 'product.restored':
      return mapProduct(storeId, parse(ProductSchema, payload, 'product'), topic === 'product.restored');
    case 'product.deleted':
      return mapProductRemoval(storeId, parse(DeletedSchema, payload, 'product.deleted').id);
    case 'klaviyo.flow.coupon':
    case 'klaviyo.flow.tag':
    case 'klaviyo.flow.profile-properties':
      return mapFlowWebhook(storeId, flowActionOf(topic)!, payload, input.flow ?? null);
    case 'cart.checkout_started':
    case 'cart.item_added':
      return mapCart(storeId, topic, parse(CartSchema, payload, 'cart'), input.products);
    case 'privacy.erasure':
      return mapErasure(storeId, payload);
    case 'back_in_stock.signup':
      return mapBackInStock(storeId, payload);
    case 'history.order':
    case 'history.customer':
      return historical(mapDelivery({ ...input, topic: topic === 'history.order' ? 'order.updated' : 'customer.updated', list: null }));
    case 'recovered.order':
      return recovered(mapDelivery({ ...input, topic: 'order.updated' }));
    case 'recovered.order.backfill':
      // The shopper's consent is kept: it is what WooCommerce would have delivered (older than a day it goes as a
      // historical import, as for a late live delivery).
      return recovered(historical(mapDelivery({ ...input, topic: 'order.updated' }), true));
  }
}
