/** WooCommerce's anonymised orders and customers never overwrite or create a Klaviyo profile. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapDelivery } from '../../src/mapping/index.js';
import { isAnonymised } from '../../src/mapping/privacy.js';
import { parseTopic } from '../../src/woo/topics.js';
import { buildCustomer, buildOrder } from '../builders.js';

/** An order as wc_privacy_remove_order_personal_data() leaves it (WooCommerce 10.0.2, WordPress 7.1, English). */
function anonymise(order: Record<string, any>): Record<string, any> {
  const blank = (a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v === '' ? '' : '[deleted]']));
  return {
    ...order,
    billing: { ...blank(order.billing), country: order.billing.country, state: order.billing.state, email: 'deleted@site.invalid', phone: '' },
    shipping: order.shipping ? { ...blank(order.shipping), country: order.shipping.country, phone: '' } : order.shipping,
    customer_ip_address: '0.0.0.0', customer_user_agent: '[deleted]',
  };
}

const map = (topic: string, payload: unknown) => mapDelivery({ storeId: 's1', topic: parseTopic(topic)!, payload });

describe('anonymised orders', () => {
  for (const topic of ['order.updated', 'order.created', 'order.restored']) {
    it(`${topic} of an anonymised paid order sends nothing and says why`, () => {
      const order = buildOrder({ id: 90, status: 'completed', items: 2, phone: '+14155550123' });
      assert.ok(map(topic, order).requests.length > 0, 'the same order before erasure is sent');
      const r = map(topic, anonymise(order));
      assert.deepEqual(r.requests, []);
      assert.match(r.note!, /Anonymised/);
      assert.equal(r.summary.email, undefined);
    });
  }

  it('a placeholder email in any case, with the phone kept, still sends nothing', () => {
    const r = map('order.updated', buildOrder({ id: 91, status: 'processing', email: ' Deleted@Site.Invalid ', phone: '+14155550123' }));
    assert.deepEqual(r.requests, []);
  });

  it('[deleted] names without an email (email erased to empty by a filter) send nothing', () => {
    const o = buildOrder({ id: 92, status: 'processing', phone: '+14155550123' }) as Record<string, any>;
    o.billing = { ...o.billing, email: '', first_name: '[deleted]', last_name: '[deleted]' };
    assert.deepEqual(map('order.updated', o).requests, []);
  });

  it('a real customer named like the marker, with an email, is sent', () => {
    const o = buildOrder({ id: 93, status: 'processing' }) as Record<string, any>;
    o.billing = { ...o.billing, first_name: '[deleted]', last_name: '[deleted]' };
    assert.equal(isAnonymised(o), false);
    assert.ok(map('order.updated', o).requests.length > 0);
  });

  it('a customer whose email is the placeholder sends no profile', () => {
    assert.ok(map('customer.updated', buildCustomer({ id: 5 })).requests.length > 0);
    const r = map('customer.updated', buildCustomer({ id: 5, email: 'deleted@site.invalid' }));
    assert.deepEqual(r.requests, []);
    assert.match(r.note!, /Anonymised/);
  });
});
