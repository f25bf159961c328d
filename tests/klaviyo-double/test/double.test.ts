/** The double must behave like Klaviyo, or tests against it prove nothing. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '../src/index.js';

const KEY = 'pk_test_abcdef123456';
const H = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' };
const event = (o: { uniqueId?: string; email?: string; phone?: string; value?: unknown; metric?: string } = {}) => ({
  data: { type: 'event', attributes: {
    properties: { OrderId: 1 }, value: o.value ?? 9.99, value_currency: 'USD', unique_id: o.uniqueId ?? 'u-1',
    metric: { data: { type: 'metric', attributes: { name: o.metric ?? 'Placed Order' } } },
    profile: { data: { type: 'profile', attributes: { email: o.email ?? 'a@example.com', ...(o.phone ? { phone_number: o.phone } : {}) } } },
  } },
});
const profile = (attrs: Record<string, unknown>) => ({ data: { type: 'profile', attributes: attrs } });

describe('Klaviyo double', () => {
  let d: KlaviyoDouble;
  const post = async (path: string, body: unknown, headers: Record<string, string> = H) => {
    const r = await fetch(d.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
  };
  before(async () => { d = await startKlaviyoDouble(); });
  after(() => d.close());
  beforeEach(() => d.reset());

  it('accepts a valid event with 202 and no body, and dedupes by unique_id', async () => {
    const a = await post('/api/events', event());
    assert.equal(a.status, 202);
    assert.equal(a.body, null);
    assert.equal((await post('/api/events/', event())).status, 202, 'trailing slash works too');
    assert.equal(d.events.length, 1);
    await post('/api/events', event({ uniqueId: 'u-2' }));
    await post('/api/events', event({ metric: 'Fulfilled Order' }));
    assert.equal(d.events.length, 3, 'another unique_id or metric is another event');
    assert.deepEqual(d.invalidRequests(), []);
  });

  it('rejects bodies the spec forbids, with Klaviyo-shaped errors', async () => {
    const noMetric = event();
    delete (noMetric.data.attributes as Record<string, unknown>).metric;
    for (const [body, pointer] of [[noMetric, '/data/attributes'], [event({ value: '9.99' }), '/data/attributes/value'], [{ data: { ...event().data, type: 'events' } }, '/data/type']] as const) {
      const r = await post('/api/events', body);
      assert.equal(r.status, 400);
      assert.equal(r.body.errors[0].status, 400);
      assert.equal(r.body.errors[0].code, 'invalid');
      assert.equal(r.body.errors[0].source.pointer, pointer);
    }
    assert.equal(d.invalidRequests().length, 3);
    assert.equal(d.events.length, 0);
  });

  it('rejects an invalid phone with the real error body', async () => {
    const r = await post('/api/events', event({ phone: '555-1234' }));
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].detail, 'Invalid phone number format (Example of a valid format: +12345678901)');
    assert.equal((await post('/api/events', event({ phone: '+14155552671' }))).status, 202);
  });

  it('requires the revision header and the Klaviyo-API-Key scheme', async () => {
    const { revision: _r, ...noRevision } = H;
    assert.equal((await post('/api/events', event(), noRevision)).status, 400);
    assert.equal((await post('/api/events', event(), { ...H, authorization: `Bearer ${KEY}` })).status, 401);
    assert.equal((await post('/api/events', event(), { ...H, authorization: 'Klaviyo-API-Key pk_bad_000000' })).status, 401);
    assert.equal((await post('/api/events', event(), { ...H, 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/api/nope', {})).status, 404);
  });

  it('upserts profiles: 201, then 200, and 409 duplicate_profile across two profiles', async () => {
    assert.equal((await post('/api/profile-import', profile({ email: 'x@example.com' }))).status, 201);
    assert.equal((await post('/api/profile-import', profile({ email: 'x@example.com', first_name: 'X' }))).status, 200);
    assert.equal((await post('/api/profile-import', profile({ email: 'y@example.com', phone_number: '+14155552671' }))).status, 201);
    const c = await post('/api/profile-import', profile({ email: 'x@example.com', phone_number: '+14155552671' }));
    assert.equal(c.status, 409);
    assert.equal(c.body.errors[0].code, 'duplicate_profile');
    assert.ok(c.body.errors[0].meta.duplicate_profile_id);
    assert.equal(d.profiles.length, 2);
    assert.equal(d.profiles[0]!.attributes.first_name, 'X');
  });

  it('merges custom properties on profile import, as Klaviyo does: keys sent are set, others kept', async () => {
    assert.equal((await post('/api/profile-import', profile({ email: 'p@example.com', properties: { WooCommerceCustomerId: 7 } }))).status, 201);
    assert.equal((await post('/api/profile-import', profile({ email: 'p@example.com', properties: { WooCouponCode: 'ABC' } }))).status, 200);
    assert.deepEqual(d.profiles[0]!.attributes.properties, { WooCommerceCustomerId: 7, WooCouponCode: 'ABC' });
  });

  it('sends a flow webhook like a flow\'s webhook action: the body and headers as configured, retried on a 5xx', async () => {
    const got: { headers: Record<string, unknown>; body: string }[] = [];
    const target = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => {
        got.push({ headers: req.headers, body: raw });
        res.writeHead(got.length === 1 ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ n: got.length }));
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const a = target.address();
    const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
    const r = await fetch(`${d.url}/__double/flow-webhook`, { method: 'POST', body: JSON.stringify({ url, headers: { 'X-WCK-Flow-Secret': 's3' }, body: { email: 'a@example.com' } }) });
    const answer = await r.json() as { status: number; body: { n: number }; attempts: number };
    target.close();
    assert.deepEqual(answer, { status: 200, body: { n: 2 }, attempts: 2 });
    assert.equal(got.length, 2);
    assert.equal(got[0]!.body, got[1]!.body, 'a retry is the same body');
    assert.equal(got[1]!.headers['x-wck-flow-secret'], 's3');
    assert.equal(got[1]!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(got[1]!.body), { email: 'a@example.com' });
  });

  it('answers 401 for a revoked key until it is restored', async () => {
    d.revokeKey(KEY);
    assert.equal((await post('/api/events', event())).status, 401);
    d.restoreKey(KEY);
    assert.equal((await post('/api/events', event())).status, 202);
  });

  it('pages lists by at most 10 with absolute next links', async () => {
    let url: string | null = `${d.url}/api/lists?page%5Bsize%5D=10`;
    const ids: string[] = [];
    while (url) {
      const r = await fetch(url, { headers: H });
      const doc = await r.json() as { data: { id: string }[]; links: { next: string | null } };
      ids.push(...doc.data.map((l) => l.id));
      url = doc.links.next;
    }
    assert.equal(ids.length, 23);
    assert.equal((await fetch(`${d.url}/api/lists?page%5Bsize%5D=50`, { headers: H })).status, 400);
  });

  it('injects 429 with and without Retry-After, 5xx and connection resets', async () => {
    d.inject({ kind: 'status', status: 429, count: 1, retryAfter: 3 });
    const a = await post('/api/events', event());
    assert.equal(a.status, 429);
    assert.equal(a.headers.get('retry-after'), '3');
    assert.equal(a.body.errors[0].code, 'throttled');
    d.inject({ kind: 'status', status: 429, count: 1, retryAfter: null });
    const b = await post('/api/events', event());
    assert.equal(b.headers.get('retry-after'), null);
    assert.match(b.body.errors[0].detail, /Expected available in 1 second/);
    d.inject({ kind: 'status', status: 503, count: 1 });
    assert.equal((await post('/api/events', event())).status, 503);
    d.inject({ kind: 'reset', count: 1 });
    await assert.rejects(post('/api/events', event()));
    assert.equal((await post('/api/events', event())).status, 202);
  });

  it('enforces the spec\'s rate limits when switched on', async () => {
    d.setRateLimits({ enabled: true, scale: 0.01 }); // accounts: 1/s burst
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${d.url}/api/accounts`, { headers: H })).status);
    assert.deepEqual(statuses, [200, 429, 429]);
    d.setRateLimits({ enabled: false });
  });

  it('has a control API for tests in other processes', async () => {
    await post('/api/events', event());
    await fetch(`${d.url}/__double/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 500, count: 1 }) });
    assert.equal((await post('/api/events', event())).status, 500);
    const state = await (await fetch(`${d.url}/__double/state`)).json() as { events: unknown[] };
    assert.equal(state.events.length, 1);
    await fetch(`${d.url}/__double/reset`, { method: 'POST' });
    assert.equal(d.events.length, 0);
  });
  it('serves profile-subscription-bulk-delete-jobs (spec-validated) and enforces 1000 profiles per subscribe job, 100 per unsubscribe job', async () => {
    const job = (type: string, n: number, consent: string) => ({ data: { type, attributes: { profiles: { data: Array.from({ length: n }, (_, i) => ({ type: 'profile', attributes: { email: `p${i}@example.com`, subscriptions: { email: { marketing: { consent } } } } })) } }, relationships: { list: { data: { type: 'list', id: 'L1' } } } } });
    assert.equal((await post('/api/profile-subscription-bulk-delete-jobs', job('profile-subscription-bulk-delete-job', 100, 'UNSUBSCRIBED'))).status, 202);
    const tooMany = await post('/api/profile-subscription-bulk-delete-jobs', job('profile-subscription-bulk-delete-job', 101, 'UNSUBSCRIBED'));
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.errors[0].detail, /at most 100/);
    assert.equal((await post('/api/profile-subscription-bulk-create-jobs', job('profile-subscription-bulk-create-job', 1001, 'SUBSCRIBED'))).status, 400);
    assert.equal((await post('/api/profile-subscription-bulk-delete-jobs', job('profile-subscription-bulk-delete-job', 1, 'SUBSCRIBED'))).status, 400, 'the spec allows only UNSUBSCRIBED');
    assert.equal(d.subscriptions.length, 1);
  });

  const get = async (path: string) => {
    const r = await fetch(d.url + path, { headers: H });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const subscribe = (list: string, profiles: Record<string, unknown>[], historical = true) => post('/api/profile-subscription-bulk-create-jobs', {
    data: { type: 'profile-subscription-bulk-create-job', attributes: { custom_source: 'Test', ...(historical ? { historical_import: true } : {}), profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } }, relationships: { list: { data: { type: 'list', id: list } } } },
  });

  it('keeps per-profile subscription state: email and SMS consent, consented_at, list membership, unsubscribes', async () => {
    const at = '2026-11-01T10:00:00.000Z';
    assert.equal((await subscribe('L00001', [{ email: 'ann@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consented_at: at } } } }])).status, 202);
    assert.equal((await subscribe('L00001', [{ email: 'ann@example.com', phone_number: '+447911123456', subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED', consented_at: at } } } }])).status, 202);
    const p = d.profileByEmail('ann@example.com')!;
    assert.equal(p.subscriptions.email.consent, 'SUBSCRIBED');
    assert.equal(p.subscriptions.email.consentTimestamp, at);
    assert.equal(p.subscriptions.sms.consent, 'SUBSCRIBED');
    assert.equal(p.phone_number, '+447911123456');
    assert.deepEqual(p.lists, ['L00001']);
    const noTime = await subscribe('L00001', [{ email: 'b@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }]);
    assert.equal(noTime.status, 400, 'historical_import needs consented_at');
    assert.equal((await subscribe('NOPE1', [{ email: 'b@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }], false)).status, 404);
    // Without a list the profile is unsubscribed globally.
    assert.equal((await post('/api/profile-subscription-bulk-delete-jobs', { data: { type: 'profile-subscription-bulk-delete-job', attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'ann@example.com', subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } } }] } } } })).status, 202);
    assert.equal(p.subscriptions.email.consent, 'UNSUBSCRIBED');
    assert.equal(p.subscriptions.sms.consent, 'SUBSCRIBED', 'only the channel named');
    assert.deepEqual(d.invalidRequests().filter((r) => r.status !== 400 && r.status !== 404), []);
  });

  it('a double opt-in list without historical_import waits for the confirmation', async () => {
    assert.equal((await subscribe('L00002', [{ email: 'doi@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }], false)).status, 202);
    const p = d.profileByEmail('doi@example.com')!;
    assert.equal(p.subscriptions.email.consent, 'NEVER_SUBSCRIBED');
    assert.deepEqual(p.subscriptions.email.pendingConfirmation, ['L00002']);
    await fetch(`${d.url}/__double/confirm`, { method: 'POST', body: JSON.stringify({ email: 'doi@example.com' }) });
    assert.equal(p.subscriptions.email.consent, 'SUBSCRIBED');
    assert.deepEqual(p.lists, ['L00002']);
  });

  it('serves GET /api/lists/{id} and GET /api/profiles with subscriptions, filters and paging; its answers satisfy the spec', async () => {
    const l = await get('/api/lists/L00002');
    assert.equal(l.status, 200);
    assert.equal(l.body.data.attributes.opt_in_process, 'double_opt_in');
    assert.equal((await get('/api/lists/NOPE')).status, 404);
    for (let i = 0; i < 3; i++) await subscribe('L00001', [{ email: `p${i}@example.com`, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2026-11-01T10:00:00Z' } } } }]);
    await new Promise((r) => setTimeout(r, 5)); // a later millisecond than the subscriptions, so the sort below has one answer
    d.unsubscribeInKlaviyo('p1@example.com', 'email');
    const one = await get(`/api/profiles?filter=${encodeURIComponent('equals(email,"p1@example.com")')}&additional-fields%5Bprofile%5D=subscriptions`);
    assert.equal(one.status, 200);
    assert.equal(one.body.data.length, 1);
    assert.equal(one.body.data[0].attributes.subscriptions.email.marketing.consent, 'UNSUBSCRIBED');
    assert.equal(one.body.data[0].attributes.subscriptions.email.marketing.suppression[0].reason, 'UNSUBSCRIBE');
    const plain = await get(`/api/profiles?filter=${encodeURIComponent('equals(email,"p1@example.com")')}`);
    assert.equal(plain.body.data[0].attributes.subscriptions, undefined, 'subscriptions only when asked for');
    const since = await get(`/api/profiles?filter=${encodeURIComponent('greater-than(updated,2020-01-01T00:00:00Z)')}&sort=updated&page%5Bsize%5D=2&additional-fields%5Bprofile%5D=subscriptions`);
    assert.equal(since.body.data.length, 2);
    assert.ok(since.body.links.next);
    const rest = await get(new URL(since.body.links.next as string).pathname + new URL(since.body.links.next as string).search);
    assert.equal(rest.body.data.length, 1);
    assert.equal(rest.body.data[0].attributes.email, 'p1@example.com', 'sorted by updated: the unsubscribed one changed last');
    assert.equal((await get(`/api/profiles?filter=${encodeURIComponent('equals(updated,2020-01-01)')}`)).status, 400);
    assert.equal((await get('/api/profiles?page%5Bsize%5D=101')).status, 400);
    assert.deepEqual(d.invalidRequests().filter((r) => r.status === 200), [], 'every 200 answer matched the spec');
  });
});

describe('Klaviyo double: data-privacy-deletion-jobs', () => {
  let d: KlaviyoDouble;
  let t = Date.UTC(2026, 0, 1, 12, 0, 0, 100);
  const post = async (path: string, body: unknown) => {
    const r = await fetch(d.url + path, { method: 'POST', headers: H, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const deletion = (attributes: Record<string, unknown>, id?: string) => ({
    data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', ...(id ? { id } : {}), attributes } } } },
  });
  before(async () => { d = await startKlaviyoDouble({ realLimits: true, now: () => t }); });
  after(() => d.close());
  beforeEach(() => { d.reset(); t += 120_000; });

  it('deletes the profile and its events (202, no body), and leaves other profiles and accounts alone', async () => {
    await post('/api/profile-import', profile({ email: 'erase@example.com', first_name: 'Ann' }));
    await post('/api/profile-import', profile({ email: 'keep@example.com' }));
    await post('/api/events', event({ uniqueId: 'e1', email: 'erase@example.com' }));
    await post('/api/events', event({ uniqueId: 'e2', email: 'keep@example.com' }));
    t += 1000;
    const r = await post('/api/data-privacy-deletion-jobs', deletion({ email: 'Erase@Example.com' }));
    assert.equal(r.status, 202);
    assert.equal(r.body, null);
    assert.equal(d.profileByEmail('erase@example.com'), undefined);
    assert.ok(d.profileByEmail('keep@example.com'));
    assert.deepEqual(d.events.map((e) => e.uniqueId), ['e2']);
    assert.deepEqual(d.deletions.map((x) => [x.identifier, x.profilesDeleted, x.eventsDeleted]), [[{ email: 'Erase@Example.com' }, 1, 1]]);
    assert.deepEqual(d.invalidRequests(), []);
  });

  it('refuses two identifiers, none, or a body the spec forbids (400, nothing deleted)', async () => {
    await post('/api/profile-import', profile({ email: 'erase@example.com' }));
    t += 1000;
    for (const body of [deletion({ email: 'erase@example.com', phone_number: '+14155552671' }), deletion({}), deletion({ email: 'erase@example.com' }, '01ABC').data.attributes]) {
      const r = await post('/api/data-privacy-deletion-jobs', body);
      assert.equal(r.status, 400);
      assert.equal(r.body.errors[0].code, 'invalid');
      t += 1000;
    }
    const missingType = { data: { attributes: deletion({ email: 'erase@example.com' }).data.attributes } };
    assert.equal((await post('/api/data-privacy-deletion-jobs', missingType)).status, 400, 'the spec requires data.type');
    assert.ok(d.profileByEmail('erase@example.com'));
    assert.equal(d.deletions.length, 0);
  });

  it('throttles at its tier from the spec: 3 per second (S), then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('/api/data-privacy-deletion-jobs', deletion({ email: `p${i}@example.com` }))).status);
    assert.deepEqual(statuses, [202, 202, 202, 429]);
  });

  it('throttles at 60 per minute (S steady)', async () => {
    let ok = 0;
    for (let i = 0; i < 61; i++) {
      if ((await post('/api/data-privacy-deletion-jobs', deletion({ email: `p${i}@example.com` }))).status === 202) ok++;
      if (i % 3 === 2) t += 1000;
    }
    assert.equal(ok, 60);
  });
});
