/**
 * WooCommerce order payload -> Klaviyo events. Lifecycle events are derived from the payload's own state
 * (date_paid_gmt, date_completed_gmt, status, refunds), never from transitions seen: WooCommerce builds
 * each payload when it sends and coalesces changes, so one delivery may carry a paid, completed and twice
 * refunded order. Every implied event is returned with a deterministic unique_id; the sync core drops the
 * ones already planned.
 */
import { ANONYMISED_NOTE, isAnonymised } from './privacy.js';
import { attributionOf, attributionProperties, firstTouchProperties } from './attribution.js';
import type { CreateEventBody, EventAttributes, KlaviyoRequest } from '../klaviyo/types.js';
import { abs, divide, parseMoney, toNumber, type Money } from './money.js';
import { compact, profileAttributes } from './profile.js';
import type { MappingResult, OrderTotalsInput, ProductLookup } from './types.js';
import { withConsent } from './with-consent.js';
import type { ListInfo } from './consent.js';
import type { WooAddress, WooLineItem, WooOrder } from '../woo/schemas.js';

export const METRICS = {
  placed: 'Placed Order',
  orderedProduct: 'Ordered Product',
  fulfilled: 'Fulfilled Order',
  cancelled: 'Cancelled Order',
  refunded: 'Refunded Order',
} as const;

const PAID_STATUSES = new Set(['processing', 'completed']);

/** WooCommerce *_gmt fields carry no offset; they are UTC. */
export function gmtToIso(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v)) return undefined;
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? new Date(v).toISOString() : `${v.slice(0, 19)}Z`;
}

export function amount(value: unknown, scale: number): number | undefined {
  const m = parseMoney(value, scale);
  return m ? toNumber(m) : undefined;
}

/** The currency's scale as the payload's `total` shows it ("12.50": 2). */
export function currencyScale(order: { total?: unknown }): number {
  const t = typeof order.total === 'string' ? order.total : '';
  const dot = t.indexOf('.');
  return dot === -1 ? 0 : t.length - dot - 1;
}

function addressProps(a: WooAddress | null | undefined) {
  if (!a) return undefined;
  const out = compact({
    FirstName: a.first_name ?? undefined,
    LastName: a.last_name ?? undefined,
    Company: a.company ?? undefined,
    Address1: a.address_1 ?? undefined,
    Address2: a.address_2 ?? undefined,
    City: a.city ?? undefined,
    RegionCode: a.state ?? undefined,
    Zip: a.postcode ?? undefined,
    CountryCode: a.country ?? undefined,
    Phone: a.phone ?? undefined,
    Email: a.email ?? undefined,
  });
  return Object.keys(out).length ? out : undefined;
}

/**
 * What the store's product index says of an item: its product's category names (a variation's are its parent's) and
 * its permalink (the variation's own, else the product's). Nothing for a product the index does not hold yet.
 */
export function catalogProps(item: WooLineItem, products: ProductLookup | undefined): { Categories?: string[]; ProductURL?: string } {
  if (!products) return {};
  const own = item.variation_id ? products.get(item.variation_id) : undefined;
  let product = item.product_id ? products.get(item.product_id) : undefined;
  if (product?.parentId) product = products.get(product.parentId) ?? product;
  if (!product && own?.parentId) product = products.get(own.parentId);
  const url = own?.url ?? product?.url ?? undefined;
  return { ...(product ? { Categories: product.categories } : {}), ...(url ? { ProductURL: url } : {}) };
}

/**
 * The properties of one line item, shared by every event that lists items (Placed Order, Ordered Product, and the
 * cart's Started Checkout and Added to Cart, whose items have the line items' shape; a cart has no OrderId).
 */
export function itemProps(item: WooLineItem, scale: number, orderId?: number, products?: ProductLookup) {
  const subtotal = parseMoney(item.subtotal, scale);
  const unit: Money | null = subtotal && item.quantity > 0 ? divide(subtotal, item.quantity) : null;
  const variation = (item.meta_data ?? [])
    .filter((m) => typeof m.display_key === 'string' && !String(m.key ?? '').startsWith('_'))
    .map((m) => `${String(m.display_key)}: ${String(m.display_value)}`);
  return compact({
    OrderId: orderId,
    ProductID: item.product_id ?? undefined,
    VariantID: item.variation_id ? item.variation_id : undefined,
    SKU: item.sku ?? undefined,
    ProductName: item.name ?? undefined,
    ParentName: item.parent_name ?? undefined,
    Variation: variation.length ? variation.join(', ') : undefined,
    Quantity: item.quantity,
    ItemPrice: unit ? toNumber(unit) : undefined,
    RowTotal: amount(item.total, scale),
    ImageURL: item.image?.src ?? undefined,
    ...catalogProps(item, products),
  });
}

const NOT_COUNTED = new Set(['cancelled', 'failed', 'trash', 'checkout-draft']);

/** The order's contribution to its profile's totals (sync/totals.ts), when it has an email. */
function orderTotals(storeId: string, order: WooOrder, email: string | null | undefined, paid: boolean, scale: number, placedAt: string | undefined): OrderTotalsInput | undefined {
  const modifiedAt = gmtToIso(order.date_modified_gmt) ?? gmtToIso(order.date_created_gmt);
  if (!email || !modifiedAt) return undefined;
  const refunded = (order.refunds ?? []).reduce((sum, r) => sum + abs(parseMoney(r.total, scale) ?? { minor: 0n, scale }).minor, 0n);
  return {
    storeId, email, orderId: order.id, modifiedAt, counted: paid && !NOT_COUNTED.has(order.status), currency: order.currency, scale,
    totalMinor: (parseMoney(order.total, scale)?.minor ?? 0n).toString(), refundedMinor: refunded.toString(), placedAt: placedAt ?? null,
  };
}

export function mapOrder(storeId: string, order: WooOrder, list: ListInfo | null = null, now?: number, products?: ProductLookup): MappingResult {
  const scale = currencyScale(order);
  const email = profileAttributes({ billing: order.billing }).email ?? undefined;
  const summary = {
    resource: 'order' as const,
    resourceId: order.id,
    email,
    orderNumber: order.number != null ? String(order.number) : String(order.id),
    ...(order.date_modified_gmt ? { modified: order.date_modified_gmt } : {}),
  };
  if (isAnonymised(order)) return { summary: { ...summary, email: undefined }, requests: [], note: ANONYMISED_NOTE };
  const profile = profileAttributes({
    billing: order.billing,
    properties: order.customer_id ? { WooCommerceCustomerId: order.customer_id } : undefined,
  });
  if (!profile.email && !profile.phone_number) {
    return withConsent({ summary, requests: [], note: 'The order has no email and no valid phone: Klaviyo needs a profile identifier.' }, storeId, order, list, now);
  }

  const codes = (order.coupon_lines ?? []).map((c) => c.code).filter((c): c is string => !!c);
  const items = order.line_items.map((i) => itemProps(i, scale, order.id, products));
  const orderProps = compact({
    OrderId: order.id,
    OrderNumber: summary.orderNumber,
    Currency: order.currency,
    ItemNames: order.line_items.map((i) => i.name).filter((n): n is string => !!n),
    ItemCount: order.line_items.reduce((n, i) => n + i.quantity, 0),
    Items: items,
    DiscountCode: codes.length ? codes.join(', ') : undefined,
    Coupons: codes.length ? codes : undefined,
    DiscountValue: amount(order.discount_total, scale),
    IsDiscounted: codes.length > 0 || (parseMoney(order.discount_total, scale)?.minor ?? 0n) > 0n,
    ShippingTotal: amount(order.shipping_total, scale),
    TaxTotal: amount(order.total_tax, scale),
    ShippingMethods: (order.shipping_lines ?? []).map((s) => s.method_title).filter((s): s is string => !!s),
    PaymentMethod: order.payment_method_title ?? undefined,
    BillingAddress: addressProps(order.billing),
    ShippingAddress: addressProps(order.shipping),
    Status: order.status,
  });
  const total = amount(order.total, scale);
  const base = `woo:${storeId}:order:${order.id}`;
  const requests: KlaviyoRequest[] = [];
  const event = (metric: string, uniqueId: string, attrs: { properties: Record<string, unknown>; value?: number; time?: string }) => {
    const attributes: EventAttributes = {
      properties: attrs.properties,
      metric: { data: { type: 'metric', attributes: { name: metric } } },
      profile: { data: { type: 'profile', attributes: profile } },
      unique_id: uniqueId,
      value_currency: order.currency,
    };
    if (attrs.value !== undefined) attributes.value = attrs.value;
    if (attrs.time) attributes.time = attrs.time;
    const body: CreateEventBody = { data: { type: 'event', attributes } };
    requests.push({ kind: 'event', key: uniqueId, metric, body });
  };

  const placedAt = gmtToIso(order.date_paid_gmt) ?? gmtToIso(order.date_created_gmt);
  const paid = !!order.date_paid_gmt || PAID_STATUSES.has(order.status);
  const attribution = attributionOf((order as { meta_data?: unknown }).meta_data);
  if (paid) {
    event(METRICS.placed, `${base}:placed`, { properties: { ...orderProps, ...attributionProperties(attribution) }, value: total, time: placedAt });
    if (Object.keys(attribution).length && profile.email) {
      // First touch: planned once per profile (its key names the email), so a later order never overwrites it.
      requests.push({
        kind: 'profile',
        key: `woo:${storeId}:profile:${profile.email}:first-touch`,
        body: { data: { type: 'profile', attributes: { email: profile.email, properties: firstTouchProperties(attribution) } } },
      });
    }
    order.line_items.forEach((item, i) => {
      event(METRICS.orderedProduct, `${base}:item:${item.id}`, {
        properties: compact({ ...items[i], Currency: order.currency, OrderNumber: summary.orderNumber }),
        value: amount(item.subtotal, scale),
        time: placedAt,
      });
    });
  }
  if (order.status === 'completed' || !!order.date_completed_gmt) {
    event(METRICS.fulfilled, `${base}:fulfilled`, {
      properties: orderProps,
      value: total,
      time: gmtToIso(order.date_completed_gmt) ?? gmtToIso(order.date_modified_gmt),
    });
  }
  if (order.status === 'cancelled') {
    event(METRICS.cancelled, `${base}:cancelled`, {
      properties: compact({ ...orderProps, Reason: order.customer_note ?? undefined }),
      value: total,
      time: gmtToIso(order.date_modified_gmt),
    });
  }
  for (const refund of order.refunds ?? []) {
    const refunded = parseMoney(refund.total, scale);
    const value = refunded ? toNumber(abs(refunded)) : undefined;
    event(METRICS.refunded, `${base}:refund:${refund.id}`, {
      properties: compact({ ...orderProps, RefundId: refund.id, Reason: refund.reason ?? undefined, RefundAmount: value }),
      value,
      time: gmtToIso(order.date_modified_gmt),
    });
  }
  const note = requests.length ? undefined : `Nothing to send yet: the order is ${order.status} and not paid.`;
  const totals = orderTotals(storeId, order, profile.email, paid, scale, placedAt);
  return withConsent({ summary, requests, note, ...(totals ? { totals } : {}) }, storeId, order, list, now);
}
