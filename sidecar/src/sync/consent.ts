/**
 * Consent: which of a delivery's consent records are acted on, once, in the order of the records (their own time),
 * never in the order deliveries arrive. Pure: storage reads the newest record already recorded per profile and
 * channel, the core decides, storage writes the records and the new jobs in one atomic step if that newest record
 * is still the same (compare-and-set), and reads the records back through `consentRecordView`.
 */
import type { KlaviyoRequest, ProfilesResponse } from '../klaviyo/types.js';
import type { ConsentMapping, ConsentRecord } from '../mapping/types.js';
import type { JobStatus } from './records.js';

export type ConsentChannel = 'email' | 'sms';
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms'];

/** What a record became: as stored at planning (the first four), or from its job once it is sent. */
export const CONSENT_OUTCOMES = ['queued', 'not_sent', 'refused', 'superseded', 'subscribed', 'unsubscribed', 'failed'] as const;
export type ConsentOutcome = (typeof CONSENT_OUTCOMES)[number];
export type StoredConsentOutcome = 'queued' | 'not_sent' | 'refused' | 'superseded';

/** The newest record recorded for a profile and channel: what a new record is compared with. */
export interface ConsentNewest {
  at: string;
  status: 'granted' | 'withdrawn';
}

/** Per channel, the newest record recorded for the delivery's profile (null: none yet). */
export type ConsentState = Record<ConsentChannel, ConsentNewest | null>;
export const NO_CONSENT: ConsentState = { email: null, sms: null };

/** A consent record as storage keeps it (per store); (email, channel, status, at) identifies it, the first one kept wins. */
export interface ConsentRow {
  email: string;
  channel: ConsentChannel;
  status: 'granted' | 'withdrawn';
  label: string;
  at: string;
  source: ConsentRecord['source'];
  orderId: number | null;
  userId: number | null;
  outcome: StoredConsentOutcome;
  detail: string | null;
  /** The key of the subscription request it queued (its job), when `queued`. */
  key: string | null;
  deliveryId: string;
}

export interface ConsentPlan {
  email: string;
  /** The newest records the plan was computed from: applied only if they are still the newest. */
  assumed: ConsentState;
  /** Records to keep (already kept ones are left as they are). */
  rows: ConsentRow[];
  /** The newest record per channel once the plan is applied. */
  newest: ConsentState;
}

/** Whether record `a` comes after `b` (by its time; at the same time a withdrawal comes after a grant). */
export function isNewer(a: ConsentNewest, b: ConsentNewest | null): boolean {
  if (!b) return true;
  return a.at > b.at || (a.at === b.at && a.status === 'withdrawn' && b.status === 'granted');
}

const same = (a: ConsentNewest, b: ConsentNewest | null) => !!b && a.at === b.at && a.status === b.status;
const describe = (n: ConsentNewest) => `${n.status === 'granted' ? 'grant' : 'withdrawal'} of ${n.at}`;

/** The consent email planning reads the state for. */
export function consentSubject(consent: ConsentMapping | undefined): string | null {
  return consent?.email ?? null;
}

/** The subscription request keys of a consent mapping (planning asks storage which were planned). */
export function consentKeys(consent: ConsentMapping | undefined): string[] {
  return consent ? consent.candidates.flatMap((c) => (c.request ? [c.request.key] : [])) : [];
}

/**
 * The records of one delivery against the newest already recorded: a channel's newest record of the delivery is
 * acted on only if it comes after the recorded one; an older one (an order delivered late, a replay) is kept as
 * superseded, and one already recorded changes nothing. Every record is kept as proof.
 */
export function planConsent(deliveryId: string, consent: ConsentMapping, recorded: ConsentState): {
  plan: ConsentPlan; requests: KlaviyoRequest[]; notes: string[];
} {
  const rows: ConsentRow[] = [];
  const requests: KlaviyoRequest[] = [];
  const notes = [...consent.notes];
  const newest: ConsentState = { ...recorded };
  const row = (r: ConsentRecord, outcome: StoredConsentOutcome, detail: string | null, key: string | null): ConsentRow => ({
    email: consent.email, channel: r.channel, status: r.status, label: r.label, at: r.at, source: r.source,
    orderId: r.order_id ?? null, userId: r.user_id ?? null, outcome, detail, key, deliveryId,
  });
  for (const c of consent.candidates) {
    const prior = recorded[c.channel];
    const what = `${c.channel === 'email' ? 'Email' : 'SMS'} consent ${c.record.status} at ${c.record.at}`;
    if (same(c.record, prior)) {
      notes.push(`${what}: already recorded, nothing new to send.`);
      continue;
    }
    if (!isNewer(c.record, prior)) {
      rows.push(row(c.record, 'superseded', `the newer ${describe(prior!)} decides`, null));
      notes.push(`${what}: not applied, the newer ${describe(prior!)} decides.`);
      continue;
    }
    newest[c.channel] = { at: c.record.at, status: c.record.status };
    rows.push(row(c.record, c.outcome, c.detail, c.request?.key ?? null));
    if (c.request) {
      requests.push(c.request);
      const list = c.request.kind === 'subscribe' ? c.request.body.data.relationships?.list?.data?.id : null;
      notes.push(`${what}: ${c.request.kind === 'subscribe' ? `subscribe to list ${list ?? '?'}` : 'unsubscribe from marketing'}${c.detail ? ` (${c.detail})` : ''}.`);
    } else {
      notes.push(`${what}: ${c.detail ?? 'not sent'}.`);
    }
  }
  // The other records of the delivery (older ones of the same channel) are kept as proof, superseded.
  for (const r of consent.records) {
    if (consent.candidates.some((c) => c.record === r)) continue;
    const n = newest[r.channel];
    if (n && same(r, n)) continue;
    rows.push(row(r, 'superseded', n ? `the newer ${describe(n)} decides` : null, null));
  }
  return { plan: { email: consent.email, assumed: recorded, rows, newest }, requests, notes };
}

/** The newest of several records (storage reads them back and asks which is the newest). */
export function newestOf(records: Iterable<ConsentNewest>): ConsentNewest | null {
  let out: ConsentNewest | null = null;
  for (const r of records) if (isNewer(r, out)) out = { at: r.at, status: r.status };
  return out;
}

export interface ConsentRecordView {
  channel: ConsentChannel;
  status: 'granted' | 'withdrawn';
  label: string;
  at: string;
  source: ConsentRecord['source'];
  orderId: number | null;
  userId: number | null;
  outcome: ConsentOutcome;
  detail: string | null;
}

/** A kept record as the consent route shows it: a queued one takes its outcome from its job. */
export function consentRecordView(r: ConsentRow, job: { status: JobStatus; errorMessage: string | null } | null): ConsentRecordView {
  let outcome: ConsentOutcome = r.outcome;
  let detail = r.detail;
  if (r.outcome === 'queued' && job) {
    if (job.status === 'done') outcome = r.status === 'granted' ? 'subscribed' : 'unsubscribed';
    else if (job.status === 'dead') {
      outcome = 'failed';
      detail = job.errorMessage ?? detail;
    } else if (job.errorMessage) detail = `waiting to be retried: ${job.errorMessage}`;
  }
  return { channel: r.channel, status: r.status, label: r.label, at: r.at, source: r.source, orderId: r.orderId, userId: r.userId, outcome, detail };
}

/** Newest first, as the consent route lists them. */
export function sortConsentViews(rows: ConsentRecordView[]): ConsentRecordView[] {
  return [...rows].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.channel.localeCompare(b.channel)));
}

/** A channel's marketing status as Klaviyo's `subscriptions` field says it, and when it was set. */
export interface KlaviyoChannelStatus {
  /** SUBSCRIBED, UNSUBSCRIBED, NEVER_SUBSCRIBED, … as Klaviyo says (SUPPRESSED for an email suppressed for marketing). */
  status: string;
  at: string | null;
}

type Profile = ProfilesResponse['data'][number];

/** The email and SMS marketing status of a profile Klaviyo returned with `additional-fields[profile]=subscriptions`. */
export function klaviyoStatus(p: Profile | undefined): { email: KlaviyoChannelStatus; sms: KlaviyoChannelStatus } {
  const subs = p?.attributes.subscriptions;
  const em = subs?.email?.marketing;
  const sms = subs?.sms?.marketing;
  const suppressed = em?.suppression?.[0];
  return {
    email: em
      ? { status: em.consent === 'SUBSCRIBED' && suppressed ? 'SUPPRESSED' : em.consent, at: (suppressed?.timestamp ?? em.consent_timestamp ?? em.last_updated) ?? null }
      : { status: 'NEVER_SUBSCRIBED', at: null },
    sms: sms ? { status: sms.consent, at: (sms.consent_timestamp ?? sms.last_updated) ?? null } : { status: 'NEVER_SUBSCRIBED', at: null },
  };
}

/**
 * What one page of profiles updated since the cursor says: every profile whose email marketing is unsubscribed or
 * suppressed, or whose SMS marketing is unsubscribed, with when; and the cursor to read from next (the latest
 * `updated` of the page, or the cursor itself for an empty page).
 */
export function unsubscribesOf(doc: ProfilesResponse, cursor: string): { found: { email: string; channel: ConsentChannel; at: string }[]; cursor: string } {
  const found: { email: string; channel: ConsentChannel; at: string }[] = [];
  let next = cursor;
  for (const p of doc.data) {
    const updated = p.attributes.updated ? new Date(p.attributes.updated).toISOString() : null;
    if (updated && updated > next) next = updated;
    const email = p.attributes.email?.toLowerCase();
    if (!email) continue;
    const s = klaviyoStatus(p);
    const when = (at: string | null) => new Date(at ?? updated ?? cursor).toISOString();
    if (s.email.status === 'UNSUBSCRIBED' || s.email.status === 'SUPPRESSED') found.push({ email, channel: 'email', at: when(s.email.at) });
    if (s.sms.status === 'UNSUBSCRIBED') found.push({ email, channel: 'sms', at: when(s.sms.at) });
  }
  return { found, cursor: next };
}

/** Where the first run of the periodic sync starts reading: a day back. */
export const CONSENT_SYNC_LOOKBACK_MS = 24 * 3_600_000;
