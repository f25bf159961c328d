/**
 * The bulk endpoints a history sync uses: POST /api/event-bulk-create-jobs (≤ 1,000 events, 5 MB, `backfill`
 * fires no flow) and POST /api/profile-bulk-import-jobs (≤ 10,000 profiles, 5 MB) with its job resource and
 * import errors, validated against the spec and throttled at the spec's tier (10/s, 150/m).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '../src/index.js';
import { loadSpec } from '../src/spec.js';

const KEY = 'pk_test_bulk0123456789';
const H = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' };

type Ev = { uid: string | null; metric?: string; time?: string; backfill?: boolean; props?: Record<string, unknown> };
const entry = (email: string, evs: Ev[], backfill?: boolean) => ({
  type: 'event-bulk-create',
  attributes: {
    ...(backfill === undefined ? {} : { backfill }),
    profile: { data: { type: 'profile', attributes: { email } } },
    events: { data: evs.map((e) => ({ type: 'event', attributes: {
      properties: e.props ?? { OrderId: 1 }, metric: { data: { type: 'metric', attributes: { name: e.metric ?? 'Placed Order' } } },
      ...(e.uid === null ? {} : { unique_id: e.uid }), ...(e.time ? { time: e.time } : {}), ...(e.backfill === undefined ? {} : { backfill: e.backfill }),
    } })) },
  },
});
const eventJob = (entries: unknown[]) => ({ data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data: entries } } } });
const importJob = (profiles: Record<string, unknown>[], lists: string[] = []) => ({
  data: { type: 'profile-bulk-import-job', attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } },
    ...(lists.length ? { relationships: { lists: { data: lists.map((id) => ({ type: 'list', id })) } } } : {}) },
});

describe('Klaviyo double: bulk jobs', () => {
  let d: KlaviyoDouble;
  let clock = 1_800_000_000_000 + 100;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(d.url + path, { method: 'POST', headers: H, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
  };
  const get = async (path: string) => {
    const r = await fetch(d.url + path, { headers: H });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  before(async () => { d = await startKlaviyoDouble({ now: () => clock, bulkJobMs: 1000 }); });
  after(() => d.close());
  beforeEach(() => { d.reset(); d.setRateLimits({ enabled: false }); clock = Math.ceil(clock / 60_000) * 60_000 + 100; });

  it('serves the bulk operations with the spec\'s tier (10/s burst, 150/m steady)', () => {
    const ops = loadSpec().operations;
    for (const k of ['POST /api/event-bulk-create-jobs', 'POST /api/profile-bulk-import-jobs', 'GET /api/profile-bulk-import-jobs/{job_id}', 'GET /api/profile-bulk-import-jobs/{id}/import-errors']) {
      assert.deepEqual(ops.get(k)?.ratelimit, { burst: '10/s', steady: '150/m' }, k);
    }
  });

  it('records bulk events like single ones: deduped by unique_id across requests and paths, backfill kept, 202 without a body', async () => {
    const past = '2024-03-01T12:00:00+00:00';
    const r = await post('/api/event-bulk-create-jobs', eventJob([
      entry('a@example.com', [{ uid: 'o1:placed', time: past }, { uid: 'o1:item:1', metric: 'Ordered Product', time: past }], true),
      entry('b@example.com', [{ uid: 'o2:placed', time: past, backfill: false }]),
    ]));
    assert.equal(r.status, 202);
    assert.equal(r.body, null);
    assert.deepEqual(d.events.map((e) => [e.uniqueId, e.backfill, e.via, e.time]), [
      ['o1:placed', true, 'bulk', past], ['o1:item:1', true, 'bulk', past], ['o2:placed', false, 'bulk', past],
    ]);
    // The same unique_id again, through the bulk path and through POST /api/events: Klaviyo keeps the first.
    assert.equal((await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: 'o1:placed', time: past }], true)]))).status, 202);
    const single = { data: { type: 'event', attributes: { properties: {}, unique_id: 'o2:placed', metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } }, profile: { data: { type: 'profile', attributes: { email: 'b@example.com' } } } } } };
    assert.equal((await post('/api/events', single)).status, 202);
    assert.equal(d.events.length, 3);
    // A single event first, then the history sync sends it in bulk: still one.
    assert.equal((await post('/api/events', { data: { ...single.data, attributes: { ...single.data.attributes, unique_id: 'o3:placed' } } })).status, 202);
    assert.equal((await post('/api/event-bulk-create-jobs', eventJob([entry('b@example.com', [{ uid: 'o3:placed' }], true)]))).status, 202);
    assert.equal(d.events.filter((e) => e.uniqueId === 'o3:placed').length, 1);
    assert.equal(d.events.find((e) => e.uniqueId === 'o3:placed')!.via, 'event');
    assert.deepEqual(d.invalidRequests(), []);
  });

  it('refuses a whole request when one event is invalid or a unique_id repeats in it, and over 1,000 events or 5 MB', async () => {
    const bad = await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: 'x1' }]), entry('not-an-email', [{ uid: 'x2' }])]));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].source.pointer, '/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/email');
    const repeat = await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: 'x1' }, { uid: 'x1' }])]));
    assert.equal(repeat.status, 400);
    assert.match(repeat.body.errors[0].detail, /repeated/);
    assert.equal((await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: 'x1', time: '1989-12-31T00:00:00Z' }])]))).status, 400);
    assert.equal(d.events.length, 0, 'nothing of a refused request is recorded');
    const evs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ uid: `e${from + i}` }));
    const tooMany = await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', evs(600)), entry('b@example.com', evs(401, 600))]));
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.errors[0].detail, /at most 1000 events; got 1001/);
    assert.equal((await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', evs(600)), entry('b@example.com', evs(400, 600))]))).status, 202);
    assert.equal(d.events.length, 1000);
    const big = eventJob([entry('c@example.com', Array.from({ length: 60 }, (_, i) => ({ uid: `big${i}`, props: { blob: 'x'.repeat(90_000) } })))]);
    const huge = await post('/api/event-bulk-create-jobs', big);
    assert.equal(huge.status, 413);
    assert.equal(huge.body.errors[0].status, 413);
    const noType = eventJob([]);
    (noType.data as Record<string, unknown>).type = 'event-bulk-create-jobs';
    assert.equal((await post('/api/event-bulk-create-jobs', noType)).status, 400, 'the spec\'s enum');
  });

  it('imports profiles as a job: queued, processing, complete on the clock; import errors per record; lists without subscribing', async () => {
    const r = await post('/api/profile-bulk-import-jobs', importJob([
      { email: 'a@example.com', first_name: 'A', properties: { TotalOrders: 3 } },
      { email: 'broken' },
      { email: 'c@example.com', phone_number: '555-1234' },
      { first_name: 'nobody' },
      { email: 'e@example.com' },
    ], ['L00001']));
    assert.equal(r.status, 202);
    assert.equal(r.body.data.type, 'profile-bulk-import-job');
    assert.equal(r.body.data.attributes.status, 'queued');
    assert.equal(r.body.data.attributes.total_count, 5);
    const id = r.body.data.id as string;
    assert.equal((await get(`/api/profile-bulk-import-jobs/${id}/import-errors`)).body.data.length, 0, 'no errors known while queued');
    clock += 600;
    const mid = await get(`/api/profile-bulk-import-jobs/${id}`);
    assert.equal(mid.status, 200);
    assert.equal(mid.body.data.attributes.status, 'processing');
    clock += 600;
    const done = await get(`/api/profile-bulk-import-jobs/${id}`);
    assert.deepEqual([done.body.data.attributes.status, done.body.data.attributes.completed_count, done.body.data.attributes.failed_count], ['complete', 2, 3]);
    assert.ok(done.body.data.attributes.completed_at);
    const errs = await get(`/api/profile-bulk-import-jobs/${id}/import-errors?page%5Bsize%5D=2`);
    assert.equal(errs.status, 200);
    assert.deepEqual(errs.body.data.map((e: { attributes: { source: { pointer: string } } }) => e.attributes.source.pointer), [
      '/data/attributes/profiles/data/1/attributes/email', '/data/attributes/profiles/data/2/attributes/phone_number',
    ]);
    assert.deepEqual(errs.body.data[0].attributes.original_payload, { email: 'broken' });
    const rest = await get(new URL(errs.body.links.next as string).pathname + new URL(errs.body.links.next as string).search);
    assert.equal(rest.body.data.length, 1);
    assert.equal(rest.body.links.next, undefined);
    const a = d.profileByEmail('a@example.com')!;
    assert.deepEqual(a.attributes.properties, { TotalOrders: 3 });
    assert.deepEqual(a.lists, ['L00001']);
    assert.equal(a.subscriptions.email.consent, 'NEVER_SUBSCRIBED', 'an import never subscribes');
    assert.equal(d.profiles.length, 2);
    assert.equal(d.bulkJobs.length, 1);
    assert.equal((await get('/api/profile-bulk-import-jobs/nope')).status, 404);
    assert.equal((await post('/api/profile-bulk-import-jobs', importJob([{ email: 'z@example.com' }], ['NOPE1']))).status, 404);
    assert.deepEqual(d.invalidRequests().filter((x) => x.status < 300), [], 'every answer matched the spec');
  });

  it('takes 10,000 profiles a job and refuses 10,001; another key cannot read the job', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com` }));
    const over = await post('/api/profile-bulk-import-jobs', importJob(many(10_001)));
    assert.equal(over.status, 400);
    assert.match(over.body.errors[0].detail, /at most 10000 profiles/);
    const ok = await post('/api/profile-bulk-import-jobs', importJob(many(10_000)));
    assert.equal(ok.status, 202);
    assert.equal(d.profiles.length, 10_000);
    const other = await fetch(`${d.url}/api/profile-bulk-import-jobs/${ok.body.data.id as string}`, { headers: { ...H, authorization: 'Klaviyo-API-Key pk_test_other000000' } });
    assert.equal(other.status, 404);
  });

  it('throttles the bulk endpoints at 10 a second', async () => {
    d.setRateLimits({ enabled: true, scale: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: `t${i}` }])]))).status);
    assert.deepEqual(statuses, [...Array(10).fill(202), 429]);
    clock += 1000;
    assert.equal((await post('/api/event-bulk-create-jobs', eventJob([entry('a@example.com', [{ uid: 't99' }])]))).status, 202);
  });
});
