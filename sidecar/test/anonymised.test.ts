/** An anonymised order delivered by WooCommerce reaches the sync log and sends nothing to Klaviyo. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

describe('an anonymised order end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore('anon-shop')).status, 200);
  });
  after(() => h.close());

  it('is recorded with its note and the double receives no request for it', async () => {
    const o = buildOrder({ id: 500, status: 'completed', items: 1, email: 'deleted@site.invalid' }) as Record<string, any>;
    o.billing = { ...o.billing, first_name: '[deleted]', last_name: '[deleted]', phone: '' };
    const before = h.double.requests.filter((r) => r.path !== '/api/accounts' && !r.path.includes('metrics')).length;
    assert.equal((await h.deliverJson('anon-shop', 'order.updated', o)).status, 200);
    await h.drain('anon-shop');
    assert.equal(h.double.requests.filter((r) => r.path !== '/api/accounts' && !r.path.includes('metrics')).length, before);
    assert.equal(h.double.profiles.length, 0);
    assert.equal(h.double.events.length, 0);
    const log = await h.admin('GET', '/v1/stores/anon-shop/deliveries?limit=5');
    assert.match(log.body.items[0].note, /Anonymised/);
    assert.equal(log.body.items[0].email ?? null, null);
  });
});
