/** Builds WooCommerce 10.0.2-shaped order and customer payloads, and mapping outcomes, for tests. */
import type { MappingOutcome } from '../src/sync/index.js';

export interface OrderOpts {
  id: number;
  status?: string;
  currency?: string;
  email?: string;
  phone?: string;
  country?: string;
  items?: number;
  paidAt?: string | null;
  completedAt?: string | null;
  refunds?: { id: number; total: string; reason?: string }[];
  coupons?: string[];
  customerId?: number;
  totals?: { total?: string; discount?: string; shipping?: string };
  lineItems?: Record<string, unknown>[];
}

export function buildOrder(o: OrderOpts): Record<string, unknown> {
  const status = o.status ?? 'processing';
  const paid = o.paidAt !== undefined ? o.paidAt : status === 'processing' || status === 'completed' ? '2026-11-22T20:28:41' : null;
  const lineItems = o.lineItems ?? Array.from({ length: o.items ?? 2 }, (_, i) => ({
    id: o.id * 100 + i + 1, name: `Product ${i + 1}`, product_id: 500 + i, variation_id: 0, quantity: i + 1, tax_class: '',
    subtotal: `${(10 * (i + 1)).toFixed(2)}`, subtotal_tax: '0.00', total: `${(10 * (i + 1)).toFixed(2)}`, total_tax: '0.00',
    taxes: [], meta_data: [], sku: `SKU-${i + 1}`, price: 10, image: { id: '', src: '' }, parent_name: null,
  }));
  return {
    id: o.id, parent_id: 0, number: String(o.id), status, currency: o.currency ?? 'USD', version: '10.0.2', prices_include_tax: false,
    date_created: '2026-11-22T15:28:41', date_modified: '2026-11-22T15:28:43', discount_total: o.totals?.discount ?? '0.00', discount_tax: '0.00',
    shipping_total: o.totals?.shipping ?? '0.00', shipping_tax: '0.00', cart_tax: '0.00', total: o.totals?.total ?? '30.00', total_tax: '0.00',
    customer_id: o.customerId ?? 0, order_key: `wc_order_${o.id}`,
    billing: { first_name: 'Ann', last_name: 'Lee', company: '', address_1: '2 High St', address_2: '', city: 'Leeds', state: '', postcode: 'LS1 1AA',
      country: o.country ?? 'US', email: o.email ?? `ann.${o.id}@example.com`, phone: o.phone ?? '' },
    shipping: { first_name: 'Ann', last_name: 'Lee', company: '', address_1: '2 High St', address_2: '', city: 'Leeds', state: '', postcode: 'LS1 1AA', country: o.country ?? 'US', phone: '' },
    payment_method: 'bacs', payment_method_title: 'Direct bank transfer', transaction_id: '', customer_note: '', created_via: 'checkout',
    date_completed: o.completedAt ?? null, date_paid: paid, number_: undefined,
    line_items: lineItems, tax_lines: [], shipping_lines: [], fee_lines: [],
    coupon_lines: (o.coupons ?? []).map((code, i) => ({ id: 900 + i, code, discount: '1.00', discount_tax: '0', meta_data: [] })),
    refunds: (o.refunds ?? []).map((r) => ({ id: r.id, reason: r.reason ?? '', total: r.total })),
    date_created_gmt: '2026-11-22T20:28:41', date_modified_gmt: '2026-11-22T20:28:43',
    date_completed_gmt: o.completedAt ?? (status === 'completed' ? '2026-11-22T20:28:43' : null), date_paid_gmt: paid,
    currency_symbol: '$', meta_data: [],
  };
}

export function buildCustomer(c: { id: number; email?: string; phone?: string; country?: string; first?: string }): Record<string, unknown> {
  return {
    id: c.id, date_created: '2026-11-22T15:28:40', date_created_gmt: '2026-11-22T20:28:40', date_modified: '2026-11-22T15:28:40',
    date_modified_gmt: '2026-11-22T20:28:40', email: c.email ?? `c${c.id}@example.com`, first_name: c.first ?? 'Cat', last_name: 'Ng', role: 'customer',
    username: `c${c.id}`, billing: { first_name: c.first ?? 'Cat', last_name: 'Ng', company: '', address_1: '9 Rue X', address_2: '', city: 'Paris', postcode: '75001',
      country: c.country ?? 'FR', state: '', email: c.email ?? `c${c.id}@example.com`, phone: c.phone ?? '' },
    shipping: { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', postcode: '', country: '', state: '', phone: '' },
    is_paying_customer: false, avatar_url: '', meta_data: [],
  };
}

/** A mapping outcome of one order with a Placed Order event per key: what storage tests plan. */
export function eventOutcome(keys: string[]): MappingOutcome {
  return {
    ok: true,
    result: {
      summary: { resource: 'order', resourceId: 1, orderNumber: '1', email: 'a@example.com' },
      requests: keys.map((key) => ({ kind: 'event', key, metric: 'Placed Order', body: { data: { type: 'event', attributes: { unique_id: key } } } })),
    },
  } as unknown as MappingOutcome;
}
