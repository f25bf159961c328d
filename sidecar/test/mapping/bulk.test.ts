/**
 * The bulk bodies a history sync sends (mapping/bulk.ts) and the client's bulk calls, against the Klaviyo double:
 * the live path's events merged into event-bulk-create-jobs within Klaviyo's limits (1,000 events, 5 MB), marked
 * `backfill` so no flow fires, deduped with the live path by unique_id; profiles into profile-bulk-import-jobs
 * (10,000, 5 MB), polled to completion, with per-record import errors.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '@wck/klaviyo-double';
import { loadSpec } from '@wck/klaviyo-double/spec';
import { KlaviyoClient } from '../../src/klaviyo/client.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import { mapDelivery } from '../../src/mapping/index.js';
import { BULK_EVENTS_LIMIT, BULK_MAX_BYTES, bulkEventJobs, bulkProfileJobs } from '../../src/mapping/bulk.js';
import { buildOrder } from '../builders.js';

const spec = loadSpec();
const eventsSchema = spec.operations.get('POST /api/event-bulk-create-jobs')!.validateBody!;
const profilesSchema = spec.operations.get('POST /api/profile-bulk-import-jobs')!.validateBody!;
const KEY = 'pk_test_history0123456789';
type EventRequest = Extract<KlaviyoRequest, { kind: 'event' }>;
type ProfileRequest = Extract<KlaviyoRequest, { kind: 'profile' }>;

/** The live path's requests for `n` paid orders of `customers` shoppers, a year ago. */
function history(n: number, customers = Math.ceil(n / 3)) {
  const events: EventRequest[] = [];
  const profiles: ProfileRequest[] = [];
  for (let id = 1; id <= n; id++) {
    const order = { ...buildOrder({ id, status: 'completed', email: `shopper${id % customers}@example.com`, items: 2 }), date_paid_gmt: '2025-11-22T10:00:00', date_completed_gmt: '2025-11-23T10:00:00' };
    const r = mapDelivery({ storeId: 'h1', topic: 'order.updated', payload: order });
    for (const q of r.requests) {
      if (q.kind === 'event') events.push(q);
      else if (q.kind === 'profile') profiles.push(q);
    }
  }
  return { events, profiles };
}

describe('history sync bulk bodies', () => {
  it('merges the live events into jobs of at most 1,000 events under 5 MB, each valid for Klaviyo and marked backfill', () => {
    const { events } = history(2500);
    assert.equal(events.length, 2500 * 4, 'Placed, two Ordered Product, Fulfilled per order');
    const { jobs, tooBig } = bulkEventJobs(events);
    assert.deepEqual(tooBig, []);
    assert.equal(jobs.length, 10);
    assert.deepEqual(jobs.flatMap((j) => j.keys), events.map((e) => e.key), 'every event once, in order');
    for (const j of jobs) {
      const all = j.body.data.attributes['events-bulk-create'].data.flatMap((e) => e.attributes.events.data);
      assert.ok(all.length <= BULK_EVENTS_LIMIT);
      assert.ok(j.bytes < BULK_MAX_BYTES);
      assert.equal(Buffer.byteLength(JSON.stringify(j.body)), j.bytes);
      assert.ok(eventsSchema(j.body), JSON.stringify(eventsSchema.errors?.slice(0, 2)));
      assert.ok(all.every((e) => e.attributes.backfill === true && typeof e.attributes.unique_id === 'string' && e.attributes.time?.startsWith('2025-11-2')));
      // One entry per shopper within a job.
      const emails = j.body.data.attributes['events-bulk-create'].data.map((e) => e.attributes.profile.data.attributes.email);
      assert.equal(new Set(emails).size, emails.length);
    }
  });

  it('splits by size before 5 MB, and sets aside an event too big for any job', () => {
    const { events } = history(40, 40);
    const big = events.map((e) => structuredClone(e));
    big.forEach((e, i) => { e.body.data.attributes.properties = { ...e.body.data.attributes.properties, Notes: Array.from({ length: 6 }, () => 'x'.repeat(60_000)), N: i }; });
    const huge = structuredClone(big[0]!);
    huge.key = 'huge';
    huge.body.data.attributes.properties = { Blob: Array.from({ length: 90 }, () => 'y'.repeat(60_000)) };
    const { jobs, tooBig } = bulkEventJobs([...big, huge]);
    assert.deepEqual(tooBig, ['huge']);
    assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
    assert.ok(jobs.every((j) => j.bytes < BULK_MAX_BYTES && eventsSchema(j.body)));
    assert.equal(jobs.flatMap((j) => j.keys).length, big.length);
  });

  it('puts profiles in jobs of at most 10,000, merging two of one email', () => {
    // Request 12,000 is p10500 again: in the second job, where it is merged into p10500's entry.
    const reqs: ProfileRequest[] = Array.from({ length: 12_001 }, (_, i) => ({
      kind: 'profile', key: `p${i}`, body: { data: { type: 'profile', attributes: { email: `p${i === 12_000 ? 10_500 : i}@example.com`, properties: i === 12_000 ? { TotalOrders: 2 } : { TotalOrders: 1, First: true } } } },
    }));
    const jobs = bulkProfileJobs(reqs);
    assert.deepEqual(jobs.map((j) => j.body.data.attributes.profiles.data.length), [10_000, 2000]);
    assert.deepEqual(jobs.map((j) => j.keys.length), [10_000, 2001]);
    assert.ok(jobs.every((j) => profilesSchema(j.body) && j.bytes < BULK_MAX_BYTES));
    assert.deepEqual(jobs[1]!.body.data.attributes.profiles.data[500]!.attributes, { email: 'p10500@example.com', properties: { TotalOrders: 2, First: true } });
  });
});

describe('history sync bulk calls against the double', () => {
  let d: KlaviyoDouble;
  let client: KlaviyoClient;
  before(async () => {
    d = await startKlaviyoDouble({ bulkJobMs: 40 });
    client = new KlaviyoClient({ baseUrl: d.url });
  });
  after(async () => { await client.close(); await d.close(); });
  beforeEach(() => d.reset());

  it('a history sync overlapping live traffic, and run twice, records each event once; history fires no flow', async () => {
    const { events } = history(300);
    // Live already sent the first 100 orders' events one by one.
    for (const e of events.slice(0, 400)) await client.send(KEY, e);
    const { jobs } = bulkEventJobs(events);
    for (let run = 0; run < 2; run++) for (const j of jobs) await client.bulkCreateEvents(KEY, j.body);
    assert.deepEqual(d.invalidRequests(), []);
    assert.equal(d.events.length, events.length);
    assert.deepEqual(new Set(d.events.map((e) => e.uniqueId)), new Set(events.map((e) => e.key)));
    assert.ok(d.events.slice(0, 400).every((e) => e.via === 'event' && !e.backfill));
    assert.ok(d.events.slice(400).every((e) => e.via === 'bulk' && e.backfill && e.time?.startsWith('2025-11-2')));
    assert.equal(d.requests.filter((r) => r.path === '/api/event-bulk-create-jobs').length, jobs.length * 2);
  });

  it('imports profiles as a job, polls it to complete, and reads its per-record errors', async () => {
    const reqs: ProfileRequest[] = ['a@example.com', 'not-an-email', 'c@example.com'].map((email, i) => ({
      kind: 'profile', key: `k${i}`, body: { data: { type: 'profile', attributes: { email, properties: { TotalOrders: i } } } },
    }));
    const [job] = bulkProfileJobs(reqs);
    let j = await client.bulkImportProfiles(KEY, job!.body);
    assert.equal(j.status, 'queued');
    assert.equal(j.total, 3);
    for (let i = 0; i < 50 && j.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      j = await client.getProfileImportJob(KEY, j.id);
    }
    assert.deepEqual([j.status, j.completed, j.failed], ['complete', 2, 1]);
    const errors = await client.getProfileImportErrors(KEY, j.id);
    assert.deepEqual(errors.map((e) => [e.code, e.pointer, e.detail]), [['invalid', '/data/attributes/profiles/data/1/attributes/email', 'Invalid email address']]);
    assert.deepEqual(errors[0]!.payload, { email: 'not-an-email', properties: { TotalOrders: 1 } });
    assert.equal(d.profileByEmail('c@example.com')!.subscriptions.email.consent, 'NEVER_SUBSCRIBED', 'an import never subscribes');
    assert.deepEqual(d.invalidRequests(), []);
  });
});
