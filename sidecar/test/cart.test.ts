/**
 * Carts the plugin captured (cart.checkout_started, cart.item_added): the pure mapping to Started Checkout and
 * Added to Cart, and the running sidecar against the Klaviyo double (same cart twice sends once, a changed cart is a
 * new event, a cart that became an order after its Placed Order was planned sends nothing, nobody is subscribed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import { cartContentsHash, mapDelivery } from '../src/mapping/index.js';
import type { KlaviyoRequest } from '../src/klaviyo/types.js';
import { LineItemSchema } from '../src/woo/schemas.js';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const spec = loadSpec();
const eventSchema = spec.operations.get('POST /api/events')!.validateBody!;

const item = (o: Record<string, unknown> = {}) => ({
  id: 1, name: 'Linen Apron', product_id: 101, variation_id: 0, quantity: 2, subtotal: '60.00', total: '54.00', sku: 'APRON-1',
  image: { src: 'https://shop.example/apron.jpg' }, parent_name: null, meta_data: [], ...o,
});
const cart = (o: Record<string, unknown> = {}) => ({
  cart_token: 'tok0123456789abc', email: 'Cara@Example.com ', customer_id: 0, first_name: 'Cara', last_name: 'Cart', currency: 'GBP', total: '54.00',
  line_items: [item()], checkout_url: 'https://shop.example/?wck_restore=tok0123456789abc&wck_exp=1800000000&wck_sig=abc',
  captured_at_gmt: '2026-12-03T10:00:00Z', source: 'block_checkout', ...o,
});
const ev = (topic: string, payload: unknown) => {
  const r = mapDelivery({ storeId: 's1', topic: topic as 'cart.checkout_started', payload });
  for (const q of r.requests) assert.ok(eventSchema(q.body), JSON.stringify(eventSchema.errors));
  return r;
};
const attrs = (r: KlaviyoRequest) => (r as Extract<KlaviyoRequest, { kind: 'event' }>).body.data.attributes;

describe('cart mapping', () => {
  it('a checkout becomes Started Checkout with the order item properties, value, currency, CheckoutURL and no consent', () => {
    const r = ev('cart.checkout_started', cart());
    assert.equal(r.requests.length, 1);
    assert.equal(r.consent, undefined, 'a cart never subscribes anyone');
    assert.equal(r.summary.resource, 'cart');
    const a = attrs(r.requests[0]!);
    assert.equal(a.metric.data.attributes.name, 'Started Checkout');
    assert.equal(a.unique_id, `woo:s1:cart:tok0123456789abc:started:${cartContentsHash([LineItemSchema.parse(item())], 'cara@example.com')}`);
    assert.equal(a.value, 54);
    assert.equal(a.value_currency, 'GBP');
    assert.equal(a.time, '2026-12-03T10:00:00.000Z');
    assert.equal(a.profile.data.attributes.email, 'cara@example.com');
    assert.equal(a.profile.data.attributes.first_name, 'Cara');
    assert.deepEqual(a.properties.Items, [{ ProductID: 101, SKU: 'APRON-1', ProductName: 'Linen Apron', Quantity: 2, ItemPrice: 30, RowTotal: 54, ImageURL: 'https://shop.example/apron.jpg' }]);
    // The same item properties as Placed Order's (less OrderId), from the same mapping.
    const placed = mapDelivery({ storeId: 's1', topic: 'order.updated', payload: buildOrder({ id: 7, lineItems: [item({ id: 71 })], totals: { total: '54.00' } }) });
    const { OrderId, ...orderItem } = (attrs(placed.requests[0]!).properties.Items as Record<string, unknown>[])[0]!;
    assert.equal(OrderId, 7);
    assert.deepEqual(a.properties.Items, [orderItem]);
    assert.equal(a.properties.CheckoutURL, cart().checkout_url);
    assert.deepEqual(a.properties.ItemNames, ['Linen Apron']);
    assert.equal(a.properties.ItemCount, 2);
  });

  it('the same contents in any order is the same unique_id; a changed quantity or item is a new one', () => {
    const two = [item(), item({ id: 2, product_id: 102, name: 'Mug', quantity: 1 })];
    const key = (items: unknown[]) => ev('cart.checkout_started', cart({ line_items: items })).requests[0]!.key;
    assert.equal(key(two), key([...two].reverse()));
    assert.notEqual(key(two), key([two[0], { ...two[1], quantity: 2 }]));
    assert.notEqual(key(two), key([two[0]]));
    assert.notEqual(key(two), key([two[0], { ...two[1], variation_id: 5 }]));
    const other = ev('cart.checkout_started', cart({ line_items: two, email: 'cara.fixed@example.com' })).requests[0]!.key;
    assert.notEqual(key(two), other, 'a corrected email is a new Started Checkout, for the right profile');
  });

  it('an added item becomes Added to Cart with AddedItem properties and the whole cart', () => {
    const r = ev('cart.item_added', cart({ source: 'add_to_cart', added: item({ quantity: 1 }) }));
    const a = attrs(r.requests[0]!);
    assert.equal(a.metric.data.attributes.name, 'Added to Cart');
    assert.match(a.unique_id!, /^woo:s1:cart:tok0123456789abc:added:101-0:[0-9a-f]{16}$/);
    assert.equal(a.properties.AddedItemProductID, 101);
    assert.equal(a.properties.AddedItemProductName, 'Linen Apron');
    assert.equal(a.properties.AddedItemPrice, 60);
    assert.equal(a.properties.AddedItemQuantity, 1);
    assert.equal((a.properties.Items as unknown[]).length, 1);
  });

  it('refuses a cart without items or with a bad token, and sends nothing for an invalid email', () => {
    assert.throws(() => ev('cart.checkout_started', cart({ line_items: [] })), /line_items/);
    assert.throws(() => ev('cart.checkout_started', cart({ cart_token: '../x' })), /cart_token/);
    const r = ev('cart.checkout_started', cart({ email: 'not-an-email' }));
    assert.equal(r.requests.length, 0);
    assert.match(r.note!, /no valid email/);
  });
});

describe('carts through the sidecar', () => {
  const STORE = 'cart-store';
  let h: Harness;
  const send = async (topic: string, payload: unknown) => {
    const r = await h.deliverJson(STORE, topic, payload);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await h.drain(STORE);
    return r.body.id as string;
  };
  const entry = async (id: string) => (await h.admin('GET', `/v1/stores/${STORE}/deliveries/${id}`)).body;
  const started = () => h.double.events.filter((e) => e.metric === 'Started Checkout');
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('the same cart twice sends one Started Checkout; a changed cart sends another', async () => {
    await send('cart.checkout_started', cart());
    const again = await send('cart.checkout_started', cart({ captured_at_gmt: '2026-12-03T10:00:09Z' }));
    assert.equal(started().length, 1);
    assert.equal((await entry(again)).status, 'skipped');
    assert.equal(h.double.requests.filter((r) => r.path === '/api/events').length, 1, 'the repeat asked Klaviyo nothing');
    await send('cart.checkout_started', cart({ line_items: [item({ quantity: 3 })], total: '81.00' }));
    assert.deepEqual(started().map((e) => e.value), [54, 81]);
    assert.deepEqual(h.double.invalidRequests(), []);
    assert.equal(h.double.requests.filter((r) => r.path.includes('subscription')).length, 0, 'nobody is subscribed from a cart');
  });

  it('shows in the sync log like any delivery', async () => {
    const id = await send('cart.item_added', cart({ cart_token: 'tokAdded00000001', added: item() }));
    const e = await entry(id);
    assert.equal(e.topic, 'cart.item_added');
    assert.equal(e.resource, 'cart');
    assert.equal(e.email, 'cara@example.com');
    assert.equal(e.status, 'succeeded');
    assert.equal(h.double.events.filter((x) => x.metric === 'Added to Cart').length, 1);
  });

  it('Placed Order follows Started Checkout: a cart arriving after its order\'s Placed Order sends nothing', async () => {
    // Cart A: Started Checkout, then its order → both, in that order.
    await send('cart.checkout_started', cart({ cart_token: 'tokOrderFirst001', email: 'ann.301@example.com' }));
    await send('order.updated', buildOrder({ id: 301, status: 'processing' }));
    // Cart B became order 302, whose Placed Order was planned before the cart arrived (a retried send).
    await send('order.updated', buildOrder({ id: 302, status: 'processing' }));
    const late = await send('cart.checkout_started', cart({ cart_token: 'tokOrderLate0001', email: 'ann.302@example.com', order_id: 302 }));
    const e = await entry(late);
    assert.equal(e.status, 'skipped');
    assert.match(e.note, /became order 302/);
    const of = (email: string) => h.double.events.filter((x) => x.profile.email === email && ['Started Checkout', 'Placed Order'].includes(x.metric)).map((x) => x.metric);
    assert.deepEqual(of('ann.301@example.com'), ['Started Checkout', 'Placed Order']);
    assert.deepEqual(of('ann.302@example.com'), ['Placed Order']);
    // A cart that names its order before that order is paid still sends (it came first).
    await send('cart.checkout_started', cart({ cart_token: 'tokOrderNext0001', email: 'ann.303@example.com', order_id: 303 }));
    await send('order.updated', buildOrder({ id: 303, status: 'processing' }));
    assert.deepEqual(of('ann.303@example.com'), ['Started Checkout', 'Placed Order']);
  });
});
