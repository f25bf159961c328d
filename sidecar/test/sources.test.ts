/**
 * Staging copies: a store is pinned to its site; deliveries another site sends (a clone carrying the same webhooks
 * and secret) are stored and held, answered `held`, and sent nowhere until the merchant releases them (sent once)
 * or discards them (kept, marked); a settings save from the copy is refused 409; a release can re-pin the store (a
 * domain move); and a copy can be separated into a store of its own with a connection code.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { canonicalSite, deliverySource, sameSite } from '../src/sync/index.js';
import { buildOrder } from './builders.js';
import { FIXTURE_SECRET, FIXTURE_SITE, GOOD_KEY, startHarness, type Harness } from './helpers.js';

const STORE = 'pinned-store';
const LIVE = 'https://shop.example';
const COPY = 'https://staging.shop.example/';
const COPY_SITE = 'https://staging.shop.example';

describe('the same site (sync core)', () => {
  it('ignores scheme, host case, a trailing slash, a default port, query and fragment; a path, a port or a subdomain differ', () => {
    for (const same of ['https://shop.example/', 'http://shop.example', 'https://SHOP.example:443', 'http://shop.example:80/', 'https://shop.example/?x=1#y']) {
      assert.ok(sameSite(LIVE, same), same);
    }
    for (const other of ['https://staging.shop.example', 'https://www.shop.example', 'https://shop.example:8443', 'https://shop.example/shop', 'not a url', 'ftp://shop.example']) {
      assert.ok(!sameSite(LIVE, other), other);
    }
    assert.ok(sameSite('https://shop.example/blog/', 'http://Shop.Example/blog'));
    assert.equal(canonicalSite('HTTPS://Shop.Example:443/Blog/'), 'https://shop.example/Blog');
    assert.equal(canonicalSite('http://127.0.0.1:8881/'), 'http://127.0.0.1:8881');
  });

  it('holds a delivery whose source is another site, not one without a source', () => {
    assert.deepEqual(deliverySource(LIVE, undefined), { held: false });
    assert.deepEqual(deliverySource(LIVE, 'https://shop.example/'), { held: false });
    assert.deepEqual(deliverySource(LIVE, COPY), { held: true, source: COPY_SITE });
    assert.deepEqual(deliverySource(LIVE, '  garbage  '), { held: true, source: 'garbage' });
  });
});

describe('staging copies', () => {
  let h: Harness;
  const placed = () => h.double.events.filter((e) => e.metric === 'Placed Order');
  const sources = async (site?: string) => (await h.admin('GET', `/v1/stores/${STORE}/sources${site ? `?site=${encodeURIComponent(site)}` : ''}`)).body;
  const save = (siteUrl: string) => h.admin('PUT', `/v1/stores/${STORE}`, { siteUrl, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } });
  /** One order as real WooCommerce sends it: created, then updated (two deliveries). */
  const order = async (id: number, source: string) => {
    const body = buildOrder({ id, email: `ann.${id}@example.com` });
    const a = await h.deliverJson(STORE, 'order.created', body, FIXTURE_SECRET, { 'x-wc-webhook-source': source });
    const b = await h.deliverJson(STORE, 'order.updated', { ...body, date_modified_gmt: '2026-11-22T20:29:00' }, FIXTURE_SECRET, { 'x-wc-webhook-source': source });
    return [a, b];
  };
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 150));
    await h.drain(STORE);
  };

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    h.double.reset();
    await h.admin('DELETE', `/v1/stores/${STORE}`);
    assert.equal((await save(LIVE)).status, 200);
  });

  it('holds a copy\'s deliveries (answered held, nothing sent, in the sync log), and releases them once', async () => {
    const live = await order(7001, 'https://shop.example/');
    assert.deepEqual(live.map((r) => [r.status, r.body.status]), [[200, 'accepted'], [200, 'accepted']]);
    const copy = await order(7002, COPY);
    assert.deepEqual(copy.map((r) => [r.status, r.body.status]), [[200, 'held'], [200, 'held']]);
    await settle();
    assert.deepEqual(placed().map((e) => e.properties.OrderId), [7001], 'only the live site\'s order was sent');

    const listed = await sources(COPY);
    assert.equal(listed.pinned, LIVE);
    assert.deepEqual(listed.site, { url: COPY_SITE, relation: 'other' });
    assert.deepEqual(listed.held.map((s: { source: string; count: number }) => [s.source, s.count]), [[COPY_SITE, 2]]);
    assert.equal(listed.heldTotal, 2);
    assert.deepEqual((await sources('https://SHOP.example/')).site, { url: LIVE, relation: 'pinned' });

    const log = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=held`);
    assert.equal(log.body.items.length, 2);
    assert.match(log.body.items[0].note, /Held: sent by https:\/\/staging\.shop\.example, not by this store's site https:\/\/shop\.example/);
    const status = await h.admin('GET', `/v1/stores/${STORE}/status`);
    assert.equal(status.body.deliveries.byStatus.held, 2);
    assert.equal(status.body.stalled, false);

    const released = await h.admin('POST', `/v1/stores/${STORE}/sources/release`, { source: COPY_SITE });
    assert.deepEqual([released.status, released.body], [200, { source: COPY_SITE, released: 2, pinned: LIVE }]);
    await settle();
    assert.deepEqual(placed().map((e) => e.properties.OrderId).sort(), [7001, 7002], 'the held order was sent once');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/sources/release`, { source: COPY_SITE })).body.released, 0, 'nothing left to release');
    await settle();
    assert.equal(placed().length, 2, 'releasing again sent nothing');
    assert.deepEqual((await sources()).held, []);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=held`)).body.items.length, 0);
    assert.deepEqual(h.double.invalidRequests(), []);
  });

  it('discards a copy\'s deliveries visibly and sends nothing', async () => {
    await order(7101, COPY);
    const discarded = await h.admin('POST', `/v1/stores/${STORE}/sources/discard`, { source: COPY });
    assert.deepEqual([discarded.status, discarded.body], [200, { source: COPY_SITE, discarded: 2 }]);
    await settle();
    assert.equal(placed().length, 0);
    const log = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=discarded`);
    assert.equal(log.body.items.length, 2);
    assert.match(log.body.items[0].note, /Discarded by the merchant: held from https:\/\/staging\.shop\.example/);
    const one = await h.admin('GET', `/v1/stores/${STORE}/deliveries/${log.body.items[0].id}`);
    assert.equal(one.body.payload.id, 7101, 'the body is kept');
    assert.deepEqual((await sources()).held, []);
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/sources/release`, { source: COPY })).body.released, 0, 'a discarded delivery is not released');
    const pinned = await h.admin('POST', `/v1/stores/${STORE}/sources/discard`, { source: 'http://shop.example/' });
    assert.deepEqual([pinned.status, pinned.body.error.code], [409, 'source_is_pinned']);
  });

  it('refuses a settings save from the copy with 409 site_not_pinned; the same site written otherwise saves', async () => {
    const refused = await save(COPY);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'site_not_pinned');
    assert.match(refused.body.error.message, /pinned to https:\/\/shop\.example, and https:\/\/staging\.shop\.example is another site/);
    for (const same of ['https://shop.example/', 'http://SHOP.example:80']) assert.equal((await save(same)).status, 200, same);
    const list = await h.admin('GET', '/v1/stores');
    assert.equal(list.body.stores.find((s: { storeId: string }) => s.storeId === STORE).siteUrl, 'http://SHOP.example:80');
  });

  it('re-pins the store on a release for a domain move: the new site passes, the old one is held', async () => {
    const moved = 'https://new-shop.example/';
    await order(7201, moved);
    const released = await h.admin('POST', `/v1/stores/${STORE}/sources/release`, { source: moved, repin: true });
    assert.deepEqual(released.body, { source: 'https://new-shop.example', released: 2, pinned: 'https://new-shop.example' });
    await settle();
    assert.deepEqual(placed().map((e) => e.properties.OrderId), [7201]);
    assert.deepEqual((await order(7202, moved)).map((r) => r.body.status), ['accepted', 'accepted']);
    assert.deepEqual((await order(7203, 'https://shop.example/')).map((r) => r.body.status), ['held', 'held']);
    assert.equal((await save('https://new-shop.example')).status, 200, 'the moved site saves its settings');
    assert.equal((await save(LIVE)).status, 409, 'the old site no longer does');
    await settle();
    assert.deepEqual(placed().map((e) => e.properties.OrderId).sort(), [7201, 7202]);
  });

  it('separates a copy into a store of its own: a connection code that connects, its held deliveries discarded here', async () => {
    await order(7301, COPY);
    const sep = await h.admin('POST', `/v1/stores/${STORE}/sources/separate`, { source: COPY });
    assert.equal(sep.status, 200);
    assert.match(sep.body.storeId, /^pinned-store-copy-[0-9a-f]{6}$/);
    assert.equal(sep.body.discarded, 2);
    const connected = await h.admin('POST', '/v1/connect', { code: sep.body.code });
    assert.equal(connected.status, 200);
    assert.equal(connected.body.storeId, sep.body.storeId);
    const own = await fetch(`${h.url}/v1/stores/${sep.body.storeId}`, {
      method: 'PUT', headers: { authorization: `Bearer ${connected.body.credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ siteUrl: COPY, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00001' } }),
    });
    assert.equal(own.status, 200);
    const log = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=discarded`);
    assert.match(log.body.items[0].note, new RegExp(`connected as its own store "${sep.body.storeId}"`));
    const body = buildOrder({ id: 7302 });
    const ownDelivery = await h.deliverJson(sep.body.storeId, 'order.created', body, FIXTURE_SECRET, { 'x-wc-webhook-source': COPY });
    assert.equal(ownDelivery.body.status, 'accepted', 'the copy\'s own store takes its deliveries');
    await h.drain(sep.body.storeId);
    assert.deepEqual(placed().map((e) => e.properties.OrderId), [7302]);
    await h.admin('DELETE', `/v1/stores/${sep.body.storeId}`);
  });

  it('keeps the recorded fixtures\' source as the harness\'s pinned site', () => {
    assert.ok(sameSite(FIXTURE_SITE, 'http://127.0.0.1:8881/'));
  });
});
