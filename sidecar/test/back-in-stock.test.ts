/**
 * Back-in-stock signups: POST /v1/stores/{id}/back-in-stock checks the signup, stores it as a sync-log entry, and the
 * worker sends Klaviyo's back-in-stock subscription for the catalog variant the product path made; bad input is a
 * clear 400 and records nothing; an unknown product is 404; nobody is subscribed to marketing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import { mapDelivery } from '../src/mapping/index.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'bis-store';
const id = (n: number) => `$custom:::$default:::${n}`;
const spec = loadSpec();
const bisSchema = spec.operations.get('POST /api/back-in-stock-subscriptions')!.validateBody!;

const product = (o: Record<string, unknown> = {}) => ({
  id: 101, name: 'Linen Apron', permalink: 'https://shop.example/product/linen-apron/', type: 'simple', status: 'publish',
  catalog_visibility: 'visible', description: '', short_description: '', sku: 'APRON-1', price: '30.00', manage_stock: true, stock_quantity: 0,
  stock_status: 'outofstock', backorders: 'no', parent_id: 0, date_modified_gmt: '2026-12-01T10:00:00', images: [], categories: [], variations: [], ...o,
});

describe('back-in-stock: the pure mapping', () => {
  it('a signup is one back-in-stock subscription for its variant, identifiers only, EMAIL (and SMS with a phone), no consent', () => {
    const r = mapDelivery({ storeId: 's', topic: 'back_in_stock.signup', payload: { signupId: 'u1', email: 'Ana@Example.com', phone: '+447700900123', productId: 201, variantWooId: 202, requestedAt: '2026-12-03T10:00:00Z' } });
    assert.equal(r.requests.length, 1);
    const q = r.requests[0]!;
    assert.equal(q.kind, 'back_in_stock');
    assert.equal(q.key, 'woo:s:back-in-stock:u1');
    assert.ok(bisSchema(q.body), JSON.stringify(bisSchema.errors));
    assert.deepEqual(q.body, { data: { type: 'back-in-stock-subscription', attributes: { channels: ['EMAIL', 'SMS'], profile: { data: { type: 'profile', attributes: { email: 'ana@example.com', phone_number: '+447700900123' } } } }, relationships: { variant: { data: { type: 'catalog-variant', id: id(202) } } } } });
    assert.equal(r.consent, undefined, 'never a marketing subscription');
    assert.deepEqual(r.summary, { resource: 'product', resourceId: 201, email: 'ana@example.com' });
  });
});

describe('back-in-stock through the running sidecar', () => {
  let h: Harness;
  const signup = (body: unknown) => h.admin('POST', `/v1/stores/${STORE}/back-in-stock`, body);
  const entries = async () => (await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=100`)).body.items as { id: string; topic: string; status: string }[];
  before(async () => {
    h = await startHarness({ env: { KLAVIYO_JOB_POLL_MS: '10' }, double: { bulkJobMs: 20 } });
    assert.equal((await h.configureStore(STORE)).status, 200);
    for (const p of [
      product(),
      product({ id: 201, name: 'Hoodie', type: 'variable', sku: 'HOOD', variations: [202], stock_status: 'outofstock' }),
      product({ id: 202, name: 'Hoodie - M', type: 'variation', parent_id: 201, sku: 'HOOD-M', permalink: 'https://shop.example/product/hoodie/?attribute_size=M' }),
    ]) assert.equal((await h.deliverJson(STORE, 'product.created', p)).status, 200);
    await h.drain(STORE);
  });
  after(() => h.close());

  it('a signup for a simple product reaches Klaviyo\'s back-in-stock subscriptions for its own variant, and subscribes nobody', async () => {
    const r = await signup({ email: ' Ana@Example.com ', productId: 101 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'accepted');
    assert.equal(r.body.variantId, id(101));
    await h.drain(STORE);
    assert.deepEqual(h.double.backInStock.map((s) => [s.variantId, s.email, s.phone_number, s.channels]), [[id(101), 'ana@example.com', null, ['EMAIL']]]);
    assert.equal(h.double.subscriptions.length, 0, 'no profile-subscription job');
    assert.equal(h.double.profileByEmail('ana@example.com')?.subscriptions.email.consent ?? 'NEVER_SUBSCRIBED', 'NEVER_SUBSCRIBED');
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.deepEqual([d.body.topic, d.body.status, d.body.email, d.body.requests[0].kind], ['back_in_stock.signup', 'succeeded', 'ana@example.com', 'back_in_stock']);
  });

  it('a variation\'s signup names the variation\'s variant; a phone for SMS goes as E.164 with the SMS channel', async () => {
    const r = await signup({ email: 'ben@example.com', phone: '07911 123456', country: 'GB', productId: 202 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await h.drain(STORE);
    assert.deepEqual(h.double.backInStock.at(-1), { ...h.double.backInStock.at(-1)!, variantId: id(202), email: 'ben@example.com', phone_number: '+447911123456', channels: ['EMAIL', 'SMS'] });
  });

  it('bad input is a clear 400 and records nothing; an unknown product is 404; a variable product asks for a variation', async () => {
    const before = (await entries()).length;
    const sent = h.double.backInStock.length;
    const cases: [unknown, number, RegExp][] = [
      [{ productId: 101 }, 400, /email: An email address is required\./],
      [{ email: 'not-an-email', productId: 101 }, 400, /email: This is not a valid email address\./],
      [{ email: 'a@example.com' }, 400, /productId: A product or variation id is required\./],
      [{ email: 'a@example.com', productId: 101, phone: '12' }, 400, /phone: This is not a valid phone number\./],
      [{ email: 'a@example.com', productId: 201 }, 400, /variable product: name one of its variations/],
      [{ email: 'a@example.com', productId: 999 }, 404, /knows no product or variation 999/],
    ];
    for (const [body, status, message] of cases) {
      const r = await signup(body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match(r.body.error.message, message);
    }
    assert.equal((await signup({ email: 'a@example.com', productId: 999 })).body.error.code, 'unknown_product');
    await h.drain(STORE);
    assert.equal((await entries()).length, before, 'nothing recorded');
    assert.equal(h.double.backInStock.length, sent, 'nothing sent');
  });

  it('a signup for a variant Klaviyo does not hold is retried, then dead in the sync log with its reason, and a replay sends it', async () => {
    // Klaviyo holds no variant 101 any more (deleted there): it refuses the subscription.
    h.double.reset();
    const r = await signup({ email: 'cy@example.com', productId: 101 });
    await h.drain(STORE);
    const d = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${r.body.id}`);
    assert.equal(d.body.status, 'dead');
    assert.match(d.body.error.message, /catalog variant with ID \$custom:::\$default:::101 does not exist.*gave up after 8 attempts/, 'retried first: the catalog job may be on its way');
    await h.deliverJson(STORE, 'product.updated', product({ date_modified_gmt: '2026-12-02T10:00:00', price: '31.00' }));
    await h.drain(STORE);
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/${r.body.id}/replay`)).status, 200);
    await h.drain(STORE);
    assert.deepEqual(h.double.backInStock.map((s) => [s.variantId, s.email]), [[id(101), 'cy@example.com']]);
    assert.deepEqual(h.double.invalidRequests(), []);
  });
});
