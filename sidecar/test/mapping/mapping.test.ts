/** The pure mapper on payloads of our own: coalesced lifecycles, money, phones, currencies, timezones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import { mapDelivery, MappingError } from '../../src/mapping/index.js';
import { isRestErrorPayload, parseTopic } from '../../src/woo/topics.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import { buildCustomer, buildOrder } from '../builders.js';

const spec = loadSpec();
const eventSchema = spec.operations.get('POST /api/events')!.validateBody!;
const profileSchema = spec.operations.get('POST /api/profile-import')!.validateBody!;

/** Every body the mapper produces must satisfy Klaviyo's spec. */
function valid(requests: KlaviyoRequest[]): KlaviyoRequest[] {
  for (const r of requests) {
    const v = r.kind === 'event' ? eventSchema : profileSchema;
    assert.ok(v(r.body), `${r.key}: ${JSON.stringify(v.errors)}`);
  }
  return requests;
}

const map = (topic: string, payload: unknown) => {
  const r = mapDelivery({ storeId: 's1', topic: parseTopic(topic)!, payload });
  valid(r.requests);
  return r;
};
const events = (topic: string, payload: unknown) =>
  map(topic, payload).requests.filter((r): r is Extract<KlaviyoRequest, { kind: 'event' }> => r.kind === 'event');

describe('order lifecycle from each payload\'s own state', () => {
  it('emits nothing for an unpaid pending order', () => {
    const r = map('order.created', buildOrder({ id: 1, status: 'pending' }));
    assert.equal(r.requests.length, 0);
    assert.match(r.note!, /not paid/);
  });

  it('emits Placed Order and one Ordered Product per line item once paid', () => {
    const ev = events('order.updated', buildOrder({ id: 2, status: 'processing', items: 3 }));
    assert.deepEqual(ev.map((e) => e.metric), ['Placed Order', 'Ordered Product', 'Ordered Product', 'Ordered Product']);
    assert.deepEqual(ev.map((e) => e.key), ['woo:s1:order:2:placed', 'woo:s1:order:2:item:201', 'woo:s1:order:2:item:202', 'woo:s1:order:2:item:203']);
  });

  it('derives every event from one coalesced payload: paid, completed and refunded twice', () => {
    const ev = events('order.created', buildOrder({ id: 3, status: 'completed', items: 2, totals: { total: '50.00' },
      refunds: [{ id: 31, total: '-12.50', reason: 'broken' }, { id: 32, total: '-7.25' }] }));
    assert.deepEqual(ev.map((e) => e.metric), ['Placed Order', 'Ordered Product', 'Ordered Product', 'Fulfilled Order', 'Refunded Order', 'Refunded Order']);
    const refunds = ev.filter((e) => e.metric === 'Refunded Order');
    assert.deepEqual(refunds.map((e) => e.body.data.attributes.value), [12.5, 7.25], 'each partial refund carries its own amount');
    assert.deepEqual(refunds.map((e) => e.key), ['woo:s1:order:3:refund:31', 'woo:s1:order:3:refund:32']);
    assert.equal(refunds[0]!.body.data.attributes.properties.Reason, 'broken');
  });

  it('emits Cancelled Order for a cancelled order, with Placed only if it had been paid', () => {
    assert.deepEqual(events('order.updated', buildOrder({ id: 4, status: 'cancelled' })).map((e) => e.metric), ['Cancelled Order']);
    assert.deepEqual(events('order.updated', buildOrder({ id: 5, status: 'cancelled', items: 1, paidAt: '2026-01-01T10:00:00' })).map((e) => e.metric),
      ['Placed Order', 'Ordered Product', 'Cancelled Order']);
  });

  it('keeps unique_ids stable across repeated deliveries', () => {
    const a = events('order.created', buildOrder({ id: 6, status: 'processing' })).map((e) => e.key);
    const b = events('order.updated', buildOrder({ id: 6, status: 'completed' })).map((e) => e.key);
    assert.deepEqual(b.slice(0, a.length), a);
  });

  it('records order.deleted and customer.deleted without events', () => {
    assert.equal(map('order.deleted', { id: 9 }).requests.length, 0);
    assert.equal(map('customer.deleted', { id: 9 }).requests.length, 0);
    assert.throws(() => map('order.deleted', {}), MappingError);
  });
});

describe('money, time and currency', () => {
  it('computes exact decimals from strings, never float noise', () => {
    const ev = events('order.created', buildOrder({ id: 10, status: 'processing', totals: { total: '0.30', discount: '0.10' }, lineItems: [
      { id: 1, name: 'A', product_id: 1, variation_id: 0, quantity: 3, subtotal: '0.30', total: '0.20', sku: 'A', price: 0.06666666666666667, image: { src: '' }, meta_data: [] },
    ] }));
    const placed = ev[0]!.body.data.attributes;
    assert.equal(placed.value, 0.3);
    assert.equal((placed.properties.Items as any[])[0].ItemPrice, 0.1);
    assert.equal((placed.properties.Items as any[])[0].RowTotal, 0.2);
    assert.equal(placed.properties.DiscountValue, 0.1);
  });

  it('uses the order currency, with zero-decimal currencies intact', () => {
    const ev = events('order.created', buildOrder({ id: 11, status: 'processing', currency: 'JPY', totals: { total: '1500' }, lineItems: [
      { id: 1, name: 'Tea', product_id: 1, variation_id: 0, quantity: 2, subtotal: '1500', total: '1500', sku: 'T', price: 750, meta_data: [] },
    ] }));
    assert.equal(ev[0]!.body.data.attributes.value, 1500);
    assert.equal(ev[0]!.body.data.attributes.value_currency, 'JPY');
    assert.equal((ev[0]!.body.data.attributes.properties.Items as any[])[0].ItemPrice, 750);
    const eur = events('order.created', buildOrder({ id: 12, status: 'processing', currency: 'EUR', totals: { total: '19.99' } }));
    assert.equal(eur[0]!.body.data.attributes.value_currency, 'EUR');
    assert.equal(eur[0]!.body.data.attributes.value, 19.99);
  });

  it('takes time from the *_gmt fields as UTC, not from the store-local ones', () => {
    const order = buildOrder({ id: 13, status: 'completed' });
    Object.assign(order, { date_created: '2026-03-01T01:30:00', date_created_gmt: '2026-02-28T22:30:00', date_paid_gmt: '2026-02-28T22:31:00', date_completed_gmt: '2026-02-28T23:59:59' });
    const ev = events('order.updated', order);
    assert.equal(ev.find((e) => e.metric === 'Placed Order')!.body.data.attributes.time, '2026-02-28T22:31:00Z');
    assert.equal(ev.find((e) => e.metric === 'Fulfilled Order')!.body.data.attributes.time, '2026-02-28T23:59:59Z');
  });

  it('names variations and keeps coupons', () => {
    const ev = events('order.created', buildOrder({ id: 14, status: 'processing', coupons: ['SPRING', 'VIP'], lineItems: [
      { id: 1, name: 'Shirt - L', product_id: 7, variation_id: 9, quantity: 1, subtotal: '20.00', total: '18.00', sku: 'S-L', parent_name: 'Shirt',
        meta_data: [{ id: 1, key: 'pa_size', value: 'l', display_key: 'Size', display_value: 'L' }, { id: 2, key: '_reduced_stock', value: '1', display_key: '_reduced_stock', display_value: '1' }] },
    ] }));
    const item = (ev[0]!.body.data.attributes.properties.Items as any[])[0];
    assert.equal(item.VariantID, 9);
    assert.equal(item.Variation, 'Size: L');
    assert.equal(ev[0]!.body.data.attributes.properties.DiscountCode, 'SPRING, VIP');
    assert.equal(ev[1]!.body.data.attributes.properties.VariantID, 9);
  });
});

describe('profiles', () => {
  it('upserts a customer with lowercased email, E.164 phone, location and WooCommerceCustomerId', () => {
    const r = map('customer.updated', buildCustomer({ id: 21, email: '  Cat.NG@Example.COM ', phone: '06 12 34 56 78', country: 'FR' }));
    const attrs = (r.requests[0] as Extract<KlaviyoRequest, { kind: 'profile' }>).body.data.attributes;
    assert.equal(attrs.email, 'cat.ng@example.com');
    assert.equal(attrs.phone_number, '+33612345678');
    assert.deepEqual(attrs.location, { address1: '9 Rue X', city: 'Paris', zip: '75001', country: 'FR' });
    assert.deepEqual(attrs.properties, { WooCommerceCustomerId: 21 });
    assert.ok(!('organization' in attrs), 'empty fields are omitted, not sent as null');
  });

  it('drops a phone that cannot be normalised instead of failing the profile', () => {
    for (const phone of ['garbage', '123', '+1 555 123 4567']) {
      const r = map('customer.created', buildCustomer({ id: 22, phone, country: 'US' }));
      const attrs = (r.requests[0] as Extract<KlaviyoRequest, { kind: 'profile' }>).body.data.attributes;
      assert.equal(attrs.phone_number, undefined, phone);
      assert.ok(attrs.email);
    }
    const uk = map('customer.created', buildCustomer({ id: 23, phone: '020 7946 0958', country: 'GB' }));
    assert.equal((uk.requests[0] as Extract<KlaviyoRequest, { kind: 'profile' }>).body.data.attributes.phone_number, '+442079460958');
  });

  it('changes the profile key only when the profile changes', () => {
    const a = map('customer.updated', buildCustomer({ id: 24 })).requests[0]!.key;
    const b = map('customer.updated', buildCustomer({ id: 24 })).requests[0]!.key;
    const c = map('customer.updated', buildCustomer({ id: 24, first: 'Catherine' })).requests[0]!.key;
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('sends guest orders with the billing email and no customer id', () => {
    const ev = events('order.created', buildOrder({ id: 25, status: 'processing', email: 'Guest@Example.com', customerId: 0 }));
    const profile = ev[0]!.body.data.attributes.profile.data.attributes;
    assert.equal(profile.email, 'guest@example.com');
    assert.equal(profile.properties, undefined);
  });

  it('skips an order with no identifier rather than sending an invalid event', () => {
    const r = map('order.created', buildOrder({ id: 26, status: 'processing', email: '' }));
    assert.equal(r.requests.length, 0);
    assert.match(r.note!, /identifier/);
  });
});

describe('payload checks', () => {
  it('recognises WP REST error objects', () => {
    assert.ok(isRestErrorPayload({ code: 'wc_user_invalid_id', message: 'Invalid user ID.', data: { status: 404 } }));
    assert.ok(!isRestErrorPayload(buildOrder({ id: 1 })));
    assert.ok(!isRestErrorPayload([1]));
  });
  it('knows only the topics it handles', () => {
    assert.equal(parseTopic('order.created'), 'order.created');
    assert.equal(parseTopic('coupon.created'), null);
    assert.equal(parseTopic('order.Created'), null);
  });
  it('explains an order payload without what the topic needs', () => {
    assert.throws(() => map('order.updated', { id: 'x' }), /not usable/);
  });
});

describe('order attribution', () => {
  const attributed = (id: number, source: string) => {
    const o = buildOrder({ id, status: 'processing' });
    return {
    ...o, billing: { ...(o.billing as Record<string, unknown>), email: 'ann@example.com' },
    meta_data: [
      { id: 1, key: '_wc_order_attribution_source_type', value: 'utm' },
      { id: 2, key: '_wc_order_attribution_utm_source', value: source },
      { id: 3, key: '_wc_order_attribution_utm_medium', value: 'email' },
      { id: 4, key: '_wc_order_attribution_utm_campaign', value: 'winter' },
      { id: 5, key: '_wc_order_attribution_device_type', value: 'Mobile' },
      { id: 6, key: '_wc_order_attribution_utm_term', value: '(none)' },
      { id: 7, key: '_other', value: 'x' },
    ],
    };
  };
  it('goes on Placed Order and, keyed once per profile, as first-touch profile properties', () => {
    const r = valid(mapDelivery({ storeId: 's', topic: 'order.created', payload: attributed(41, 'newsletter') }).requests);
    const placed = r.find((x) => x.kind === 'event' && x.metric === 'Placed Order') as Extract<KlaviyoRequest, { kind: 'event' }>;
    const p = placed.body.data.attributes.properties;
    assert.deepEqual([p.AttributionSourceType, p.AttributionSource, p.AttributionMedium, p.AttributionCampaign, p.AttributionDevice, p.AttributionTerm],
      ['utm', 'newsletter', 'email', 'winter', 'Mobile', undefined], '"(none)" is not sent');
    const first = r.filter((x) => x.kind === 'profile');
    assert.equal(first.length, 1);
    assert.equal(first[0]!.key, `woo:s:profile:${String((placed.body.data.attributes.profile.data.attributes as { email: string }).email)}:first-touch`);
    assert.deepEqual((first[0]!.body as { data: { attributes: { properties: unknown } } }).data.attributes.properties,
      { FirstTouchSourceType: 'utm', FirstTouchSource: 'newsletter', FirstTouchMedium: 'email', FirstTouchCampaign: 'winter', FirstTouchDevice: 'Mobile' });
    const later = mapDelivery({ storeId: 's', topic: 'order.created', payload: attributed(42, 'google') }).requests.filter((x) => x.kind === 'profile');
    assert.equal(later[0]!.key, first[0]!.key, 'a later order has the same key, so the core never sends its touch');
  });
  it('an order without attribution sends neither', () => {
    const r = mapDelivery({ storeId: 's', topic: 'order.created', payload: buildOrder({ id: 43, status: 'processing' }) }).requests;
    assert.equal(r.some((x) => x.kind === 'profile'), false);
    const placed = r.find((x) => x.kind === 'event' && x.metric === 'Placed Order') as Extract<KlaviyoRequest, { kind: 'event' }>;
    assert.equal(Object.keys(placed.body.data.attributes.properties).some((k) => k.startsWith('Attribution')), false);
  });
});

describe('products to catalog changes', () => {
  const jobSchema = (path: string) => spec.operations.get(`POST ${path}`)!.validateBody!;
  const asJob = (type: string, list: string, data: unknown[]) => ({ data: { type, attributes: { [list]: { data } } } });
  const simple = { id: 7, name: 'Mug', permalink: 'https://s.example/mug/', type: 'simple', status: 'publish', catalog_visibility: 'visible', description: '<b>Big</b> &amp; blue', short_description: '', sku: '', price: '12.50', manage_stock: false, stock_quantity: null, stock_status: 'outofstock', backorders: 'no', images: [], categories: [{ id: 3, name: 'Mugs &amp; Cups', slug: 'mugs' }], variations: [] };
  it('every job body it implies is valid against Klaviyo\'s spec', () => {
    const [r] = mapDelivery({ storeId: 's', topic: 'product.created', payload: simple }).requests;
    assert.equal(r!.kind, 'catalog');
    const c = (r as Extract<KlaviyoRequest, { kind: 'catalog' }>).body;
    for (const [path, type, list, data] of [
      ['/api/catalog-category-bulk-create-jobs', 'catalog-category-bulk-create-job', 'categories', c.categories!.create],
      ['/api/catalog-category-bulk-update-jobs', 'catalog-category-bulk-update-job', 'categories', c.categories!.update],
      ['/api/catalog-item-bulk-create-jobs', 'catalog-item-bulk-create-job', 'items', c.items!.create],
      ['/api/catalog-item-bulk-update-jobs', 'catalog-item-bulk-update-job', 'items', c.items!.update],
      ['/api/catalog-variant-bulk-create-jobs', 'catalog-variant-bulk-create-job', 'variants', c.variants!.create],
      ['/api/catalog-variant-bulk-update-jobs', 'catalog-variant-bulk-update-job', 'variants', c.variants!.update],
    ] as const) {
      const v = jobSchema(path);
      assert.ok(v(asJob(type, list, [...data])), `${path}: ${JSON.stringify(v.errors)}`);
    }
    assert.equal(c.items!.create[0]!.attributes.description, 'Big & blue');
    assert.equal(c.categories!.create[0]!.attributes.name, 'Mugs & Cups');
    assert.deepEqual([c.variants!.create[0]!.attributes.sku, c.variants!.create[0]!.attributes.inventory_quantity, c.variants!.create[0]!.attributes.price], ['7', 0, 12.5]);
  });
  it('the same product twice has one key; a change, a restore and a trash have others', () => {
    const key = (topic: string, p: unknown) => mapDelivery({ storeId: 's', topic: topic as never, payload: p }).requests[0]!.key;
    assert.equal(key('product.updated', { ...simple, date_modified_gmt: 'a' }), key('product.updated', { ...simple, date_modified_gmt: 'b' }));
    assert.notEqual(key('product.updated', simple), key('product.updated', { ...simple, price: '13.00' }));
    assert.notEqual(key('product.restored', simple), key('product.updated', simple));
    assert.equal(key('product.deleted', { id: 7 }), 'woo:s:product:7:catalog:removed');
    assert.equal(key('product.updated', { ...simple, status: 'trash' }), 'woo:s:product:7:catalog:removed');
  });
});
