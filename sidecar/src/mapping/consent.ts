/**
 * Consent records (from the meta `_wck_consent` the plugin writes on an order at checkout, or on the customer from
 * My Account) -> Klaviyo subscription requests, one per channel for the newest record of the delivery. Pure: it
 * does not know what was applied before; the sync core (sync/consent.ts) compares each candidate with the newest
 * record already recorded for the profile and channel, so an older grant replayed after a withdrawal stays
 * withdrawn and a repeated record sends nothing. SMS needs an E.164 phone and is refused with the reason
 * otherwise; no list means nothing is sent and the reason is said.
 */
import { z } from 'zod';
import type { KlaviyoRequest, SubscribeJobBody, SubscribeProfile, UnsubscribeJobBody, UnsubscribeProfile } from '../klaviyo/types.js';
import { toE164 } from './phone.js';

export const CONSENT_META_KEY = '_wck_consent';
/** Klaviyo's per-job limits: profile-subscription-bulk-create-jobs 1000 profiles, -delete-jobs 100. */
export const SUBSCRIBE_BATCH_LIMIT = 1000;
export const UNSUBSCRIBE_BATCH_LIMIT = 100;


const ConsentRecordSchema = z.object({
  channel: z.enum(['email', 'sms']),
  status: z.enum(['granted', 'withdrawn']),
  label: z.string(),
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
  source: z.enum(['block_checkout', 'classic_checkout', 'registration', 'account_page']),
  order_id: z.number().int().positive().optional(),
  user_id: z.number().int().positive().optional(),
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

export interface ParsedConsent {
  records: ConsentRecord[];
  /** Entries that are not consent records, with why (they are never acted on). */
  refused: string[];
}

/** The consent records in a WooCommerce payload's meta_data (order or customer). */
export function consentRecordsFrom(metaData: unknown): ParsedConsent {
  const out: ParsedConsent = { records: [], refused: [] };
  if (!Array.isArray(metaData)) return out;
  for (const meta of metaData) {
    if (!meta || typeof meta !== 'object' || (meta as { key?: unknown }).key !== CONSENT_META_KEY) continue;
    const value = (meta as { value?: unknown }).value;
    let list: unknown;
    try {
      list = typeof value === 'string' ? JSON.parse(value) : value;
    } catch {
      out.refused.push(`${CONSENT_META_KEY} is not JSON`);
      continue;
    }
    if (!Array.isArray(list)) {
      out.refused.push(`${CONSENT_META_KEY} is not a list`);
      continue;
    }
    list.forEach((entry, i) => {
      const parsed = ConsentRecordSchema.safeParse(entry);
      // One time format (ms, Z), so records compare by their text as well as by their time.
      if (parsed.success) out.records.push({ ...parsed.data, at: new Date(parsed.data.at).toISOString() });
      else out.refused.push(`record ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
    });
  }
  return out;
}


export type ConsentChannel = 'email' | 'sms';

/** The store's list as planning sees it: its id and opt-in process (null: it could not be read). */
export interface ListInfo {
  id: string;
  optInProcess: 'single_opt_in' | 'double_opt_in' | null;
}

/** What a delivery's newest record of one channel asks for, before the core compares it with what was recorded. */
export interface ConsentCandidate {
  channel: ConsentChannel;
  record: ConsentRecord;
  /** The subscription request, or null when nothing can be sent (no list, no E.164 phone). */
  request: Extract<KlaviyoRequest, { kind: 'subscribe' | 'unsubscribe' }> | null;
  /** `queued`: the request goes out; `not_sent` (no list) and `refused` (no E.164 phone): recorded only. */
  outcome: 'queued' | 'not_sent' | 'refused';
  /** Plain words for the sync log and the consent screen (no list; the phone refused; a double opt-in list). */
  detail: string | null;
}

export interface ConsentMapping {
  /** The profile the records belong to (lower case): the subject the core keys the consent state by. */
  email: string;
  /** Every record of the delivery, oldest first: all are kept as proof, the newest per channel is acted on. */
  records: ConsentRecord[];
  candidates: ConsentCandidate[];
  /** Lines for the delivery's note: what was refused or not sent, and why. */
  notes: string[];
}

const SOURCE_LABEL: Record<ConsentRecord['source'], string> = {
  block_checkout: 'WooCommerce block checkout',
  classic_checkout: 'WooCommerce classic checkout',
  registration: 'WooCommerce registration',
  account_page: 'WooCommerce account page',
};

/** The request key of a record: the same record gives the same key, so a replayed delivery plans no second job. */
export const consentKey = (storeId: string, email: string, r: ConsentRecord): string =>
  `consent:${storeId}:${r.channel}:${email}:${r.status}:${r.at}`;

/** The newest record per channel, by its time; on a tie a withdrawal wins. */
export function newestPerChannel(records: ConsentRecord[]): Partial<Record<ConsentChannel, ConsentRecord>> {
  const out: Partial<Record<ConsentChannel, ConsentRecord>> = {};
  for (const r of records) {
    const cur = out[r.channel];
    if (!cur || r.at > cur.at || (r.at === cur.at && r.status === 'withdrawn')) out[r.channel] = r;
  }
  return out;
}

export const DOUBLE_OPT_IN_NOTE = 'the list uses double opt-in: Klaviyo sends a confirmation email first and subscribes the profile once it is confirmed';
const UNKNOWN_OPT_IN_NOTE = 'the list\'s opt-in setting could not be read: sent without the consent time, so Klaviyo applies the list\'s own opt-in (a double opt-in list sends a confirmation first)';

/** A record older than this when it is planned (a backlog, a replay) goes as a historical import with its own time. */
export const HISTORICAL_AFTER_MS = 24 * 3_600_000;
export const HISTORICAL_NOTE = 'the consent is over a day old: sent as a historical import with its own time (Klaviyo starts no "Added to list" flow for it)';

export interface ConsentInput {
  /** When it is planned (ms epoch); absent: every record counts as old. */
  now?: number;
  storeId: string;
  metaData: unknown;
  email: string | null | undefined;
  phone: unknown;
  country: unknown;
  list: ListInfo | null;
}

/**
 * The consent of one order or customer payload. Undefined when it carries no `_wck_consent` at all.
 *
 * `historical_import`: Klaviyo takes `consented_at` (the record's own time) only with `historical_import: true`, which
 * also skips the list's double opt-in confirmation and its "Added to list" flows (a welcome series). So a fresh record
 * (planned within a day of its `at`, the usual case: seconds after checkout) goes without either: Klaviyo records the
 * consent when it subscribes, runs the list's flows, and a double opt-in list sends its confirmation; the record's own
 * time is kept by the sidecar as the proof. A record over a day old on a single opt-in list (a backlog after an outage,
 * a replay) goes as a historical import with `consented_at` = its `at`, so Klaviyo keeps the real consent time and no
 * late welcome email goes out. A double opt-in list (or one whose setting could not be read) never gets a historical
 * import. A withdrawal unsubscribes the channel's marketing globally (no list): it withdraws consent to marketing, not
 * membership of one list.
 */
export function mapConsent(input: ConsentInput): ConsentMapping | { notes: string[] } | undefined {
  const parsed = consentRecordsFrom(input.metaData);
  if (parsed.records.length === 0 && parsed.refused.length === 0) return undefined;
  const notes = parsed.refused.map((r) => `consent record not used: ${r}`);
  const email = input.email?.trim().toLowerCase();
  if (!email) return { notes: [...notes, 'consent recorded without an email address: nothing is subscribed'] };
  const records = [...parsed.records].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const candidates: ConsentCandidate[] = [];
  const newest = newestPerChannel(records);
  for (const channel of ['email', 'sms'] as const) {
    const record = newest[channel];
    if (!record) continue;
    const key = consentKey(input.storeId, email, record);
    if (!input.list) {
      candidates.push({ channel, record, request: null, outcome: 'not_sent', detail: 'no list is configured, so nothing is sent to Klaviyo' });
      continue;
    }
    let identity: { email: string; phone_number?: string } = { email };
    if (channel === 'sms') {
      const phone = toE164(input.phone, input.country);
      if (!phone) {
        const shown = typeof input.phone === 'string' ? input.phone : '';
        candidates.push({ channel, record, request: null, outcome: 'refused', detail: `SMS refused: the phone ${JSON.stringify(shown)} cannot be made an E.164 number` });
        continue;
      }
      identity = { email, phone_number: phone };
    }
    if (record.status === 'granted') {
      const old = input.now === undefined || input.now - Date.parse(record.at) > HISTORICAL_AFTER_MS;
      const historical = input.list.optInProcess === 'single_opt_in' && old;
      const marketing = { consent: 'SUBSCRIBED' as const, ...(historical ? { consented_at: record.at } : {}) };
      const profile: SubscribeProfile = {
        type: 'profile',
        attributes: { ...identity, subscriptions: channel === 'email' ? { email: { marketing } } : { sms: { marketing } } },
      };
      const body: SubscribeJobBody = {
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: { custom_source: SOURCE_LABEL[record.source], ...(historical ? { historical_import: true } : {}), profiles: { data: [profile] } },
          relationships: { list: { data: { type: 'list', id: input.list.id } } },
        },
      };
      const detail = input.list.optInProcess === 'double_opt_in' ? DOUBLE_OPT_IN_NOTE
        : input.list.optInProcess === null ? UNKNOWN_OPT_IN_NOTE : historical ? HISTORICAL_NOTE : null;
      candidates.push({ channel, record, request: { kind: 'subscribe', key, channel, body }, outcome: 'queued', detail });
    } else {
      const marketing = { consent: 'UNSUBSCRIBED' as const };
      const profile: UnsubscribeProfile = {
        type: 'profile',
        attributes: { ...identity, subscriptions: channel === 'email' ? { email: { marketing } } : { sms: { marketing } } },
      };
      const body: UnsubscribeJobBody = {
        data: { type: 'profile-subscription-bulk-delete-job', attributes: { profiles: { data: [profile] } } },
      };
      candidates.push({ channel, record, request: { kind: 'unsubscribe', key, channel, body }, outcome: 'queued', detail: null });
    }
  }
  return { email, records, candidates, notes };
}

type SubscriptionRequest = Extract<KlaviyoRequest, { kind: 'subscribe' | 'unsubscribe' }>;

/** Requests that can share one Klaviyo job: the same kind, list and import mode. */
export function batchKey(r: SubscriptionRequest): string {
  if (r.kind === 'unsubscribe') return 'unsubscribe';
  const a = r.body.data.attributes;
  return `subscribe|${r.body.data.relationships?.list?.data?.id ?? ''}|${a.historical_import === true ? 1 : 0}|${a.custom_source ?? ''}`;
}

/**
 * Several waiting subscription requests of one batchKey as Klaviyo jobs: at most 1000 profiles per create job, 100 per
 * delete job. Returns the groups of request indexes with the body that carries them.
 */
export function mergeSubscriptions(requests: SubscriptionRequest[]): { indexes: number[]; kind: 'subscribe' | 'unsubscribe'; body: SubscribeJobBody | UnsubscribeJobBody }[] {
  const groups = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const k = batchKey(r);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out: { indexes: number[]; kind: 'subscribe' | 'unsubscribe'; body: SubscribeJobBody | UnsubscribeJobBody }[] = [];
  for (const indexes of groups.values()) {
    const first = requests[indexes[0]!]!;
    const limit = first.kind === 'subscribe' ? SUBSCRIBE_BATCH_LIMIT : UNSUBSCRIBE_BATCH_LIMIT;
    for (let i = 0; i < indexes.length; i += limit) {
      const part = indexes.slice(i, i + limit);
      const body = structuredClone(first.body) as { data: { attributes: { profiles: { data: unknown[] } } } };
      body.data.attributes.profiles.data = part.flatMap((n) => requests[n]!.body.data.attributes.profiles.data as unknown[]);
      out.push({ indexes: part, kind: first.kind, body: body as SubscribeJobBody | UnsubscribeJobBody });
    }
  }
  return out;
}
