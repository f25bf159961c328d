/**
 * Consent end to end against the Klaviyo double: real WooCommerce 10.0.2 order and customer payloads with the
 * plugin's `_wck_consent` meta added; the double keeps each profile's subscription state, so the tests assert what
 * Klaviyo ends up with (subscribed or not, channel, list, consent time) and what the sync log and the consent route say.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FIXTURES, FIXTURE_SECRET, FIXTURE_SITE, GOOD_KEY, startHarness, type Harness } from './helpers.js';

const STORE = 'consent-shop';

const fixture = (name: string) => JSON.parse((JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { body: string }).body) as Record<string, any>;
const ORDER = fixture('11-order-created.json');
const CUSTOMER = fixture('09-customer-updated.json');

interface Rec { channel: 'email' | 'sms'; status: 'granted' | 'withdrawn'; at: string; source: string; label?: string; order_id?: number; user_id?: number }
const record = (r: Rec) => ({ label: r.channel === 'email' ? 'Email me news and offers' : 'Text me offers', ...r });

let orderSeq = 9000;
function order(email: string, records: Rec[], over: Record<string, any> = {}) {
  const id = ++orderSeq;
  return {
    ...structuredClone(ORDER), id, number: String(id),
    billing: { ...ORDER.billing, email, ...(over.billing ?? {}) },
    meta_data: [...ORDER.meta_data, ...(records.length ? [{ id: 1, key: '_wck_consent', value: records.map((r) => record({ order_id: id, ...r })) }] : [])],
    ...Object.fromEntries(Object.entries(over).filter(([k]) => k !== 'billing')),
  };
}
function customer(email: string, records: Rec[]) {
  return {
    ...structuredClone(CUSTOMER), email, billing: { ...CUSTOMER.billing, email },
    meta_data: [...CUSTOMER.meta_data, { id: 2, key: '_wck_consent', value: JSON.stringify(records.map((r) => record({ user_id: CUSTOMER.id, ...r }))) }],
  };
}

describe('consent: subscriptions through the sidecar', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());
  beforeEach(async () => {
    h.double.reset();
    const r = await h.configureStore(STORE);
    assert.equal(r.status, 200);
  });

  const subscribeJobs = () => h.double.requests.filter((r) => r.path === '/api/profile-subscription-bulk-create-jobs' && r.status === 202);
  const unsubscribeJobs = () => h.double.requests.filter((r) => r.path === '/api/profile-subscription-bulk-delete-jobs' && r.status === 202);
  const log = async (email: string) => (await h.admin('GET', `/v1/stores/${STORE}/deliveries?q=${encodeURIComponent(email)}`)).body.items as any[];
  const consent = async (email: string) => (await h.admin('GET', `/v1/stores/${STORE}/consent?email=${encodeURIComponent(email)}`)).body;

  it('a block-checkout order with email consent subscribes the profile to the list with consented_at from the record', async () => {
    const email = 'ann@example.com';
    const at = '2026-11-01T10:00:00.000Z';
    assert.equal((await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at, source: 'block_checkout' }]))).status, 200);
    await h.drain(STORE);
    const p = h.double.profileByEmail(email)!;
    assert.equal(p.subscriptions.email.consent, 'SUBSCRIBED');
    assert.equal(p.subscriptions.email.consentTimestamp, at);
    assert.deepEqual(p.lists, ['L00001']);
    assert.equal(p.subscriptions.sms.consent, 'NEVER_SUBSCRIBED');
    const [job] = subscribeJobs();
    assert.equal((job!.body as any).data.attributes.historical_import, true, 'a record over a day old is a historical import');
    assert.deepEqual(h.double.invalidRequests(), []);
    const [entry] = await log(email);
    const sub = entry.requests.find((r: any) => r.kind === 'subscribe');
    assert.equal(sub.metric, 'email');
    assert.equal(sub.status, 'done');
    assert.match(entry.note, /Email consent granted at 2026-11-01T10:00:00.000Z: subscribe to list L00001/);
    const c = await consent(email.toUpperCase());
    assert.equal(c.klaviyo.email.status, 'SUBSCRIBED');
    assert.equal(c.klaviyoError, null);
    assert.deepEqual(c.records.map((r: any) => [r.channel, r.status, r.outcome, r.source, r.orderId]), [['email', 'granted', 'subscribed', 'block_checkout', orderSeq]]);
    assert.equal(c.records[0].label, 'Email me news and offers');
  });

  it('a fresh consent (seconds after checkout) goes without historical_import, so Klaviyo runs the list\'s flows', async () => {
    const email = 'fresh@example.com';
    const at = new Date(Date.now() - 5000).toISOString();
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at, source: 'block_checkout' }]));
    await h.drain(STORE);
    const body = subscribeJobs()[0]!.body as any;
    assert.equal(body.data.attributes.historical_import, undefined);
    assert.equal(body.data.attributes.profiles.data[0].attributes.subscriptions.email.marketing.consented_at, undefined);
    const p = h.double.profileByEmail(email)!;
    assert.equal(p.subscriptions.email.consent, 'SUBSCRIBED');
    assert.deepEqual(p.lists, ['L00001']);
    assert.ok(Date.parse(p.subscriptions.email.consentTimestamp!) >= Date.parse(at), 'Klaviyo records the consent when it subscribes');
    assert.equal((await consent(email)).records[0].at, at, 'the record keeps the shopper\'s own time');
  });

  it('SMS consent subscribes the E.164 phone for SMS', async () => {
    const email = 'sms@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'sms', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'classic_checkout' }],
      { billing: { phone: '07911 123456', country: 'GB' } }));
    await h.drain(STORE);
    const p = h.double.profileByEmail(email)!;
    assert.equal(p.subscriptions.sms.consent, 'SUBSCRIBED');
    assert.equal(p.subscriptions.email.consent, 'NEVER_SUBSCRIBED');
    const body = subscribeJobs()[0]!.body as any;
    assert.equal(body.data.attributes.profiles.data[0].attributes.phone_number, '+447911123456');
    assert.equal(body.data.attributes.custom_source, 'WooCommerce classic checkout');
    assert.equal((await consent(email)).klaviyo.sms.status, 'SUBSCRIBED');
  });

  it('an order without consent makes a profile and subscribes nothing', async () => {
    const email = 'none@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, []));
    await h.drain(STORE);
    assert.ok(h.double.events.some((e) => e.metric === 'Placed Order' && e.profile.email === email), 'the order\'s events make its profile');
    assert.equal(subscribeJobs().length, 0);
    assert.deepEqual((await consent(email)).records, []);
  });

  it('a My Account opt-out after the checkout opt-in ends unsubscribed', async () => {
    const email = 'optout@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE);
    assert.equal(h.double.profileByEmail(email)!.subscriptions.email.consent, 'SUBSCRIBED');
    await h.deliverJson(STORE, 'customer.updated', customer(email, [
      { channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' },
      { channel: 'email', status: 'withdrawn', at: '2026-11-05T08:00:00Z', source: 'account_page' },
    ]));
    await h.drain(STORE);
    assert.equal(h.double.profileByEmail(email)!.subscriptions.email.consent, 'UNSUBSCRIBED');
    assert.equal(unsubscribeJobs().length, 1);
    assert.equal((unsubscribeJobs()[0]!.body as any).data.relationships, undefined, 'a withdrawal unsubscribes the channel, not one list');
    const c = await consent(email);
    assert.deepEqual(c.records.map((r: any) => [r.status, r.outcome, r.source]), [['withdrawn', 'unsubscribed', 'account_page'], ['granted', 'subscribed', 'block_checkout']]);
    assert.equal(c.klaviyo.email.status, 'UNSUBSCRIBED');
  });

  it('the same deliveries replayed twice send no second subscription job', async () => {
    const email = 'twice@example.com';
    const o = order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]);
    await h.deliverJson(STORE, 'order.created', o);
    await h.drain(STORE);
    await h.deliverJson(STORE, 'order.created', o);
    await h.deliverJson(STORE, 'order.updated', { ...o, status: 'completed', date_completed_gmt: '2026-11-02T10:00:00' });
    await h.drain(STORE);
    const [first] = (await log(email)).slice(-1);
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/${first.id}/replay?all=1`)).status, 200);
    await h.drain(STORE);
    assert.equal(subscribeJobs().length, 2, 'the explicit replay of the job re-sends it (Klaviyo treats a repeated subscribe as a no-op)');
    // Deliveries that repeat or restate the record plan no job of their own.
    const jobs = (await log(email)).flatMap((d) => d.requests.filter((r: any) => r.kind === 'subscribe'));
    assert.equal(jobs.length, 1);
    assert.equal(h.double.profileByEmail(email)!.subscriptions.email.consent, 'SUBSCRIBED');
  });

  it('an older consent delivered after a withdrawal stays withdrawn', async () => {
    const email = 'late@example.com';
    await h.deliverJson(STORE, 'customer.updated', customer(email, [{ channel: 'email', status: 'withdrawn', at: '2026-11-05T08:00:00Z', source: 'account_page' }]));
    await h.drain(STORE);
    await h.deliverJson(STORE, 'order.updated', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'classic_checkout' }]));
    await h.drain(STORE);
    assert.equal(subscribeJobs().length, 0, 'the older grant is never sent');
    assert.equal(h.double.profileByEmail(email)!.subscriptions.email.consent, 'UNSUBSCRIBED');
    const [latest] = await log(email);
    assert.match(latest.note, /not applied, the newer withdrawal of 2026-11-05T08:00:00.000Z decides/);
    const c = await consent(email);
    assert.deepEqual(c.records.map((r: any) => [r.status, r.outcome]), [['withdrawn', 'unsubscribed'], ['granted', 'superseded']]);
  });

  it('no list configured: the record is kept, nothing is sent, and the log says so', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}`, { siteUrl: FIXTURE_SITE, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: null } });
    const email = 'nolist@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE);
    assert.equal(subscribeJobs().length, 0);
    const [entry] = await log(email);
    assert.match(entry.note, /no list is configured, so nothing is sent to Klaviyo/);
    assert.deepEqual((await consent(email)).records.map((r: any) => r.outcome), ['not_sent']);
  });

  it('a phone that cannot be made E.164: SMS is refused with the reason, email consent still works', async () => {
    const email = 'badphone@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [
      { channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' },
      { channel: 'sms', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' },
    ], { billing: { phone: '12', country: 'US' } }));
    await h.drain(STORE);
    const p = h.double.profileByEmail(email)!;
    assert.equal(p.subscriptions.email.consent, 'SUBSCRIBED');
    assert.equal(p.subscriptions.sms.consent, 'NEVER_SUBSCRIBED');
    const [entry] = await log(email);
    assert.match(entry.note, /SMS refused: the phone "12" cannot be made an E\.164 number/);
    const outcomes = Object.fromEntries((await consent(email)).records.map((r: any) => [r.channel, [r.outcome, r.detail]]));
    assert.equal(outcomes.email[0], 'subscribed');
    assert.equal(outcomes.sms[0], 'refused');
    assert.match(outcomes.sms[1], /cannot be made an E\.164 number/);
  });

  it('a double opt-in list: the log says Klaviyo sends a confirmation first; no consented_at is sent', async () => {
    await h.admin('PUT', `/v1/stores/${STORE}`, { siteUrl: FIXTURE_SITE, webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY, listId: 'L00002' } });
    const email = 'doi@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE);
    const body = subscribeJobs()[0]!.body as any;
    assert.equal(body.data.attributes.historical_import, undefined);
    assert.equal(body.data.attributes.profiles.data[0].attributes.subscriptions.email.marketing.consented_at, undefined);
    const p = h.double.profileByEmail(email)!;
    assert.deepEqual(p.subscriptions.email.pendingConfirmation, ['L00002']);
    assert.match((await log(email))[0].note, /double opt-in: Klaviyo sends a confirmation email first/);
    assert.match((await consent(email)).records[0].detail, /confirmation email first/);
  });

  it('several waiting subscriptions go as one Klaviyo job', async () => {
    await h.sidecar.storage.setPaused(STORE, true, 'test');
    const emails = ['b1@example.com', 'b2@example.com', 'b3@example.com'];
    for (const e of emails) await h.deliverJson(STORE, 'order.created', order(e, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    // Let planning run while paused, then resume: the three jobs wait together.
    await new Promise((r) => setTimeout(r, 300));
    await h.sidecar.storage.setPaused(STORE, false, null);
    h.sidecar.pipeline.kick();
    await h.drain(STORE);
    const sizes = subscribeJobs().map((r) => (r.body as any).data.attributes.profiles.data.length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 3);
    assert.ok(sizes.length < 3, `batched: ${JSON.stringify(sizes)}`);
    for (const e of emails) assert.equal(h.double.profileByEmail(e)!.subscriptions.email.consent, 'SUBSCRIBED');
  });

  it('a refused subscription is dead with Klaviyo\'s detail, shown as failed; 5xx retries and a replay delivers', async () => {
    const email = 'fail@example.com';
    h.double.inject({ kind: 'status', status: 503, count: 100, paths: ['/api/profile-subscription-bulk-create-jobs'] });
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE, 30_000);
    const c = await consent(email);
    assert.equal(c.records[0].outcome, 'failed');
    assert.ok(c.records[0].detail);
    h.double.clearFaults();
    await h.admin('POST', `/v1/stores/${STORE}/replay?status=dead`);
    await h.drain(STORE);
    assert.equal((await consent(email)).records[0].outcome, 'subscribed');
    assert.equal(h.double.profileByEmail(email)!.subscriptions.email.consent, 'SUBSCRIBED');
  });

  it('the periodic sync reads unsubscribes made in Klaviyo; the route shows when', async () => {
    const email = 'footer@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE);
    assert.equal((await consent(email)).unsubscribedInKlaviyoAt, null);
    h.double.unsubscribeInKlaviyo(email, 'email');
    assert.equal(await h.sidecar.consentSync.run(), 1);
    const c = await consent(email);
    assert.ok(c.unsubscribedInKlaviyoAt);
    assert.equal(c.klaviyo.email.status, 'UNSUBSCRIBED');
    assert.equal(await h.sidecar.consentSync.run(), 0, 'the cursor moved: nothing new the second time');
    const reads = h.double.requests.filter((r) => r.path === '/api/profiles');
    assert.ok(reads.every((r) => r.validationErrors.length === 0), JSON.stringify(reads.map((r) => r.validationErrors)));
    assert.match(reads.at(-1)!.query.filter!, /^greater-than\(updated,/);
  });

  it('Klaviyo unreachable: klaviyo is null and klaviyoError says why, the records still show', async () => {
    const email = 'down@example.com';
    await h.deliverJson(STORE, 'order.created', order(email, [{ channel: 'email', status: 'granted', at: '2026-11-01T10:00:00Z', source: 'block_checkout' }]));
    await h.drain(STORE);
    h.double.inject({ kind: 'hang', ms: 5000, count: 1, paths: ['/api/profiles'] });
    const c = await consent(email);
    assert.equal(c.klaviyo, null);
    assert.match(c.klaviyoError, /did not answer within 3 seconds/);
    assert.equal(c.records.length, 1);
    assert.equal((await h.admin('GET', `/v1/stores/${STORE}/consent?email=not-an-email`)).status, 400);
  });
});
