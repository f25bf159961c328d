/**
 * A cart the plugin captured -> Started Checkout (`cart.checkout_started`) or Added to Cart (`cart.item_added`).
 * The items go through the order's item mapping (itemProps), so they carry the same properties as Placed Order's.
 * The unique_id names the cart and a hash of its contents (items and quantities): the same cart again plans a key
 * already planned and sends nothing; a changed cart is a new event. A cart never carries consent: nobody is
 * subscribed from a cart.
 */
import { createHash } from 'node:crypto';
import type { CreateEventBody, KlaviyoRequest } from '../klaviyo/types.js';
import type { CartTopic } from '../woo/topics.js';
import type { WooCart, WooLineItem } from '../woo/schemas.js';
import { amount, currencyScale, gmtToIso, itemProps } from './order.js';
import { compact, profileAttributes } from './profile.js';
import type { MappingResult, ProductLookup } from './types.js';

export const CART_METRICS = { startedCheckout: 'Started Checkout', addedToCart: 'Added to Cart' } as const;

/** The Placed Order key of an order (mapping/order.ts makes it): a cart whose order has it planned is over. */
export const placedOrderKey = (storeId: string, orderId: number): string => `woo:${storeId}:order:${orderId}:placed`;

/**
 * What identifies a cart's contents: each item's product, variation, attributes and quantity, in any order; and the
 * shopper's email when given (a corrected email is a new Started Checkout for the right profile).
 */
export function cartContentsHash(items: readonly WooLineItem[], email = ''): string {
  const lines = items.map((i) => {
    const attrs = (i.meta_data ?? []).map((m) => `${String(m.key ?? m.display_key)}=${String(m.display_value)}`).sort().join('&');
    return `${i.product_id ?? 0}:${i.variation_id ?? 0}:${attrs}:${i.quantity}`;
  }).sort();
  return createHash('sha256').update(lines.join('\n')).update(email ? `\n${email}` : '').digest('hex').slice(0, 16);
}

/** `AddedItem…` properties: the added item's own properties under the names Klaviyo's Added to Cart uses. */
function addedItemProps(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === 'ItemPrice') out.AddedItemPrice = v;
    else out[`AddedItem${k}`] = v;
  }
  return out;
}

export function mapCart(storeId: string, topic: CartTopic, cart: WooCart, products?: ProductLookup): MappingResult {
  const scale = currencyScale(cart);
  const profile = profileAttributes({
    email: cart.email,
    firstName: cart.first_name,
    lastName: cart.last_name,
    properties: cart.customer_id ? { WooCommerceCustomerId: cart.customer_id } : undefined,
  });
  const summary = { resource: 'cart' as const, email: profile.email ?? undefined };
  if (!profile.email) return { summary, requests: [], note: 'The cart has no valid email: Klaviyo needs a profile identifier.' };

  const items = cart.line_items.map((i) => itemProps(i, scale, undefined, products));
  const hash = cartContentsHash(cart.line_items, profile.email);
  const started = topic === 'cart.checkout_started';
  const metric = started ? CART_METRICS.startedCheckout : CART_METRICS.addedToCart;
  const added = !started && cart.added ? itemProps(cart.added, scale, undefined, products) : undefined;
  // Added to Cart: the same item added into the same resulting cart is the same event (a repeated request).
  const uniqueId = started
    ? `woo:${storeId}:cart:${cart.cart_token}:started:${hash}`
    : `woo:${storeId}:cart:${cart.cart_token}:added:${cart.added?.product_id ?? 0}-${cart.added?.variation_id ?? 0}:${hash}`;
  const properties = compact({
    CartToken: cart.cart_token,
    Currency: cart.currency,
    ItemNames: cart.line_items.map((i) => i.name).filter((n): n is string => !!n),
    ItemCount: cart.line_items.reduce((n, i) => n + i.quantity, 0),
    Items: items,
    CheckoutURL: cart.checkout_url,
    Source: cart.source ?? undefined,
    ...(added ? addedItemProps(added) : {}),
  });
  const body: CreateEventBody = {
    data: {
      type: 'event',
      attributes: {
        properties,
        metric: { data: { type: 'metric', attributes: { name: metric } } },
        profile: { data: { type: 'profile', attributes: profile } },
        unique_id: uniqueId,
        value_currency: cart.currency,
        ...(amount(cart.total, scale) !== undefined ? { value: amount(cart.total, scale)! } : {}),
        ...(gmtToIso(cart.captured_at_gmt) ? { time: gmtToIso(cart.captured_at_gmt)! } : {}),
      },
    },
  };
  const requests: KlaviyoRequest[] = [{ kind: 'event', key: uniqueId, metric, body }];
  return {
    summary,
    requests,
    // The cart became an order: once that order's Placed Order is planned, this cart is over (sync/plan.ts).
    ...(cart.order_id ? { endedBy: { key: placedOrderKey(storeId, cart.order_id), orderId: cart.order_id } } : {}),
  };
}
