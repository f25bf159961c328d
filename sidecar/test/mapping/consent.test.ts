/** Consent records -> Klaviyo subscription requests (pure): newest record per delivery, E.164 for SMS, no list, batching. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import {
  CONSENT_META_KEY,
  consentRecordsFrom,
  mapConsent,
  mergeSubscriptions,
  type ConsentInput,
  type ConsentMapping,
  type ConsentRecord,
} from '../../src/mapping/consent.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import { NO_CONSENT, planConsent } from '../../src/sync/index.js';

const spec = loadSpec();
const createSchema = spec.operations.get('POST /api/profile-subscription-bulk-create-jobs')!.validateBody!;
const deleteSchema = spec.operations.get('POST /api/profile-subscription-bulk-delete-jobs')!.validateBody!;

const rec = (over: Partial<ConsentRecord> = {}): ConsentRecord => ({
  channel: 'email',
  status: 'granted',
  label: 'Send me news and offers by email.',
  at: '2026-11-01T10:00:00.000Z',
  source: 'block_checkout',
  order_id: 42,
  ...over,
});
const meta = (records: unknown) => [{ id: 1, key: CONSENT_META_KEY, value: JSON.stringify(records) }, { id: 2, key: '_other', value: 'x' }];
const base: Omit<ConsentInput, 'metaData'> = { storeId: 's1', email: 'Ann@Example.com', phone: '07911 123456', country: 'GB', list: { id: 'LIST1', optInProcess: 'single_opt_in' } };
const map = (records: ConsentRecord[], over: Partial<ConsentInput> = {}) => mapConsent({ ...base, metaData: meta(records), ...over }) as ConsentMapping;

describe('consent records from meta_data', () => {
  it('reads the records the plugin wrote, with one time format, and refuses malformed ones with a reason', () => {
    const parsed = consentRecordsFrom(meta([rec({ at: '2026-11-01T10:00:00Z' }), { channel: 'fax', status: 'granted' }]));
    assert.deepEqual(parsed.records, [rec()]);
    assert.equal(parsed.refused.length, 1);
    assert.match(parsed.refused[0]!, /record 1: channel/);
    assert.deepEqual(consentRecordsFrom([{ key: CONSENT_META_KEY, value: '{not json' }]).refused, [`${CONSENT_META_KEY} is not JSON`]);
    assert.deepEqual(consentRecordsFrom(undefined), { records: [], refused: [] });
    assert.equal(mapConsent({ ...base, metaData: [] }), undefined, 'no consent meta: nothing at all');
  });
});

describe('mapping consent', () => {
  it('email consent on a single opt-in list: historical_import with consented_at from the record; the body satisfies the spec', () => {
    const m = map([rec()]);
    assert.equal(m.email, 'ann@example.com');
    const [c] = m.candidates;
    assert.equal(c!.outcome, 'queued');
    const r = c!.request as Extract<KlaviyoRequest, { kind: 'subscribe' }>;
    assert.ok(createSchema(r.body), JSON.stringify(createSchema.errors));
    assert.equal(r.body.data.attributes.historical_import, true);
    const profile = r.body.data.attributes.profiles.data[0]!;
    assert.equal(profile.attributes.email, 'ann@example.com');
    assert.equal(profile.attributes.subscriptions.email?.marketing?.consented_at, '2026-11-01T10:00:00.000Z');
    assert.equal(r.body.data.relationships?.list?.data?.id, 'LIST1');
    assert.equal(r.key, 'consent:s1:email:ann@example.com:granted:2026-11-01T10:00:00.000Z');
  });

  it('a fresh record (within a day) goes without historical_import or consented_at, so the list\'s flows run', () => {
    const c = map([rec()], { now: Date.parse(rec().at) + 60_000 }).candidates[0]!;
    const body = (c.request as Extract<KlaviyoRequest, { kind: 'subscribe' }>).body;
    assert.ok(createSchema(body));
    assert.equal(body.data.attributes.historical_import, undefined);
    assert.equal(body.data.attributes.profiles.data[0]!.attributes.subscriptions.email?.marketing?.consented_at, undefined);
    assert.equal(c.detail, null);
    assert.match(map([rec()], { now: Date.parse(rec().at) + 2 * 86_400_000 }).candidates[0]!.detail!, /historical import/);
  });

  it('a double opt-in list (or one whose setting is unknown): no consent time, and the detail says Klaviyo confirms first', () => {
    const d = map([rec()], { list: { id: 'L2', optInProcess: 'double_opt_in' } }).candidates[0]!;
    const body = (d.request as Extract<KlaviyoRequest, { kind: 'subscribe' }>).body;
    assert.ok(createSchema(body));
    assert.equal(body.data.attributes.historical_import, undefined);
    assert.equal(body.data.attributes.profiles.data[0]!.attributes.subscriptions.email?.marketing?.consented_at, undefined);
    assert.match(d.detail!, /confirmation email first/);
    assert.match(map([rec()], { list: { id: 'L2', optInProcess: null } }).candidates[0]!.detail!, /could not be read/);
  });

  it('SMS consent subscribes the E.164 phone; one that cannot be made E.164 is refused with the reason, email still works', () => {
    const sms = map([rec({ channel: 'sms' })]).candidates[0]!;
    const body = (sms.request as Extract<KlaviyoRequest, { kind: 'subscribe' }>).body;
    assert.equal(body.data.attributes.profiles.data[0]!.attributes.phone_number, '+447911123456');
    assert.ok(createSchema(body));
    const bad = map([rec(), rec({ channel: 'sms' })], { phone: '12' });
    assert.deepEqual(bad.candidates.map((c) => [c.channel, c.outcome]), [['email', 'queued'], ['sms', 'refused']]);
    assert.match(bad.candidates[1]!.detail!, /SMS refused: the phone "12" cannot be made an E\.164 number/);
  });

  it('a withdrawal unsubscribes the channel (no list); the body satisfies the spec', () => {
    const c = map([rec(), rec({ status: 'withdrawn', at: '2026-11-02T10:00:00.000Z' })]).candidates[0]!;
    assert.equal(c.request!.kind, 'unsubscribe');
    assert.ok(deleteSchema(c.request!.body), JSON.stringify(deleteSchema.errors));
    assert.equal((c.request!.body as { data: { relationships?: unknown } }).data.relationships, undefined);
  });

  it('no list configured: nothing to send and the reason; no email: nothing at all, said in the note', () => {
    const c = map([rec()], { list: null }).candidates[0]!;
    assert.equal(c.request, null);
    assert.equal(c.outcome, 'not_sent');
    assert.match(c.detail!, /no list is configured/);
    const none = mapConsent({ ...base, email: '', metaData: meta([rec()]) });
    assert.ok(none && !('email' in none));
    assert.match(none.notes[0]!, /without an email address/);
  });
});

describe('the sync core plans consent against what was recorded', () => {
  it('the newest record per channel decides, by its own time; an older grant after a withdrawal stays withdrawn', () => {
    const withdrawn = rec({ status: 'withdrawn', at: '2026-11-02T10:00:00.000Z', source: 'account_page', order_id: undefined, user_id: 7 });
    const both = planConsent('d1', map([withdrawn, rec()]), NO_CONSENT);
    assert.deepEqual(both.requests.map((r) => r.kind), ['unsubscribe']);
    assert.deepEqual(both.plan.rows.map((r) => [r.status, r.outcome]), [['withdrawn', 'queued'], ['granted', 'superseded']]);
    const late = planConsent('d2', map([rec()]), { email: { at: withdrawn.at, status: 'withdrawn' }, sms: null });
    assert.deepEqual(late.requests, [], 'the older grant is not sent');
    assert.deepEqual(late.plan.rows.map((r) => r.outcome), ['superseded']);
    assert.match(late.notes[0]!, /not applied, the newer withdrawal of 2026-11-02T10:00:00.000Z decides/);
  });

  it('a record already recorded sends nothing and keeps nothing new; at the same time a withdrawal wins', () => {
    const again = planConsent('d3', map([rec()]), { email: { at: rec().at, status: 'granted' }, sms: null });
    assert.deepEqual(again.requests, []);
    assert.deepEqual(again.plan.rows, []);
    const tie = planConsent('d4', map([rec({ status: 'withdrawn' })]), { email: { at: rec().at, status: 'granted' }, sms: null });
    assert.deepEqual(tie.requests.map((r) => r.kind), ['unsubscribe']);
  });
});

describe('batching subscription requests', () => {
  it('merges up to Klaviyo\'s limits: 1000 profiles per create job, 100 per delete job; the merged bodies satisfy the spec', () => {
    const subs = Array.from({ length: 1001 }, (_, n) => map([rec()], { email: `p${n}@example.com` }).candidates[0]!.request!);
    const merged = mergeSubscriptions(subs);
    assert.deepEqual(merged.map((m) => m.body.data.attributes.profiles.data.length), [1000, 1]);
    assert.ok(createSchema(merged[0]!.body));
    const gone = Array.from({ length: 101 }, (_, n) => map([rec({ status: 'withdrawn' })], { email: `q${n}@example.com` }).candidates[0]!.request!);
    const deletes = mergeSubscriptions(gone);
    assert.deepEqual(deletes.map((m) => m.body.data.attributes.profiles.data.length), [100, 1]);
    assert.ok(deleteSchema(deletes[0]!.body));
  });

  it('never merges across lists or import modes', () => {
    const a = map([rec()]).candidates[0]!.request!;
    const b = map([rec()], { email: 'b@example.com', list: { id: 'OTHER', optInProcess: 'single_opt_in' } }).candidates[0]!.request!;
    const c = map([rec()], { email: 'c@example.com', list: { id: 'LIST1', optInProcess: 'double_opt_in' } }).candidates[0]!.request!;
    assert.equal(mergeSubscriptions([a, b, c]).length, 3);
  });
});
