/** Consent records -> Klaviyo subscription requests (pure): newest record wins, E.164 for SMS, no list, batching. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '@wck/klaviyo-double/spec';
import {
  CONSENT_META_KEY,
  consentRecordsFrom,
  planSubscriptions,
  subscribeBodies,
  unsubscribeBodies,
  type ConsentRecord,
} from '../../src/mapping/consent.js';

const spec = loadSpec();
const createSchema = spec.operations.get('POST /api/profile-subscription-bulk-create-jobs')!.validateBody!;
const deleteSchema = spec.operations.get('POST /api/profile-subscription-bulk-delete-jobs')!.validateBody!;

const rec = (over: Partial<ConsentRecord> = {}): ConsentRecord => ({
  channel: 'email',
  status: 'granted',
  label: 'Send me news and offers by email.',
  at: '2026-11-01T10:00:00Z',
  source: 'block_checkout',
  order_id: 42,
  ...over,
});
const meta = (records: unknown) => [{ id: 1, key: CONSENT_META_KEY, value: JSON.stringify(records) }, { id: 2, key: '_other', value: 'x' }];

describe('consent records from meta_data', () => {
  it('reads the records the plugin wrote and refuses malformed ones with a reason', () => {
    const parsed = consentRecordsFrom(meta([rec(), { channel: 'fax', status: 'granted' }]));
    assert.deepEqual(parsed.records, [rec()]);
    assert.equal(parsed.refused.length, 1);
    assert.match(parsed.refused[0]!, /record 1: channel/);
    assert.deepEqual(consentRecordsFrom([{ key: CONSENT_META_KEY, value: '{not json' }]).refused, [`${CONSENT_META_KEY} is not JSON`]);
    assert.deepEqual(consentRecordsFrom(undefined), { records: [], refused: [] });
  });
});

describe('planning subscriptions', () => {
  const base = { storeId: 's1', email: 'ann@example.com', phone: '07911 123456', country: 'GB', listId: 'LIST1' };

  it('email consent subscribes the email with consented_at from the record; the bodies satisfy the spec', () => {
    const plan = planSubscriptions({ ...base, records: [rec()] });
    assert.deepEqual(plan.notes, []);
    assert.equal(plan.intents.length, 1);
    const [body] = subscribeBodies('LIST1', plan.intents);
    assert.ok(createSchema(body), JSON.stringify(createSchema.errors));
    const profile = body!.data.attributes.profiles.data[0]!;
    assert.equal(profile.attributes.email, 'ann@example.com');
    assert.equal(profile.attributes.subscriptions.email?.marketing?.consented_at, '2026-11-01T10:00:00Z');
    assert.equal(body!.data.relationships?.list?.data?.id, 'LIST1');
  });

  it('SMS consent subscribes the E.164 phone; a phone that cannot be made E.164 is refused with the reason, email still works', () => {
    const sms = planSubscriptions({ ...base, records: [rec({ channel: 'sms' })] });
    assert.equal(sms.intents[0]!.phone, '+447911123456');
    assert.ok(createSchema(subscribeBodies('LIST1', sms.intents)[0]));
    const bad = planSubscriptions({ ...base, phone: '12', records: [rec(), rec({ channel: 'sms' })] });
    assert.deepEqual(bad.intents.map((i) => i.channel), ['email']);
    assert.match(bad.notes[0]!, /SMS consent refused: the phone "12" cannot be made an E\.164 number/);
  });

  it('an older grant arriving after a withdrawal stays withdrawn; the newest record wins by its time', () => {
    const withdrawn = rec({ status: 'withdrawn', at: '2026-11-02T10:00:00Z', source: 'account_page', order_id: undefined, user_id: 7 });
    const older = rec({ at: '2026-11-01T10:00:00Z' });
    const plan = planSubscriptions({ ...base, records: [older], applied: { email: withdrawn } });
    assert.deepEqual(plan.intents, [], 'nothing sent: the older grant does not override the newer withdrawal');
    const both = planSubscriptions({ ...base, records: [withdrawn, older] });
    assert.deepEqual(both.intents.map((i) => i.action), ['unsubscribe']);
    const [body] = unsubscribeBodies('LIST1', both.intents);
    assert.ok(deleteSchema(body), JSON.stringify(deleteSchema.errors));
  });

  it('a replay of a record already applied sends nothing; the same record gives the same key', () => {
    const first = planSubscriptions({ ...base, records: [rec()] });
    const replay = planSubscriptions({ ...base, records: [rec()], applied: { email: first.intents[0]!.record } });
    assert.deepEqual(replay.intents, []);
    assert.equal(planSubscriptions({ ...base, records: [rec()] }).intents[0]!.key, first.intents[0]!.key);
  });

  it('no list configured: nothing is sent and the note says so; no record: nothing at all', () => {
    const plan = planSubscriptions({ ...base, listId: undefined, records: [rec()] });
    assert.deepEqual(plan.intents, []);
    assert.match(plan.notes[0]!, /no list is configured/);
    assert.deepEqual(planSubscriptions({ ...base, records: [] }), { intents: [], notes: [] });
  });

  it('batches up to Klaviyo\'s limits: 1000 profiles per create job, 100 per delete job', () => {
    const many = Array.from({ length: 1001 }, (_, n) => planSubscriptions({ ...base, email: `p${n}@example.com`, records: [rec()] }).intents[0]!);
    assert.deepEqual(subscribeBodies('LIST1', many).map((b) => b.data.attributes.profiles.data.length), [1000, 1]);
    const gone = many.slice(0, 101).map((i) => ({ ...i, action: 'unsubscribe' as const }));
    const bodies = unsubscribeBodies('LIST1', gone);
    assert.deepEqual(bodies.map((b) => b.data.attributes.profiles.data.length), [100, 1]);
    assert.ok(deleteSchema(bodies[1]));
  });
});
