/**
 * Bulk bodies for a history sync (pure): the same event and profile requests the live path maps, merged into
 * Klaviyo's bulk jobs within their limits. Events go to POST /api/event-bulk-create-jobs (one entry per profile
 * with its events; at most 1,000 events and 5 MB a request) marked `backfill: true`, which Klaviyo records without
 * firing flows, with the event's own past `time` and its live `unique_id`, so a history sync that overlaps live
 * traffic or runs twice never doubles an event. Profiles go to POST /api/profile-bulk-import-jobs (at most 10,000
 * profiles and 5 MB a request), which never subscribes anyone.
 */
import type { BulkEventsBody, BulkProfilesBody, KlaviyoRequest } from '../klaviyo/types.js';

/** Klaviyo's limits for the bulk endpoints (the spec's operation descriptions). */
export const BULK_EVENTS_LIMIT = 1000;
export const BULK_PROFILES_LIMIT = 10_000;
export const BULK_MAX_BYTES = 5 * 1024 * 1024;
/** What a body is kept under: the limit less room for the JSON:API envelope. */
const BUDGET = BULK_MAX_BYTES - 64 * 1024;

type EventRequest = Extract<KlaviyoRequest, { kind: 'event' }>;
type ProfileRequest = Extract<KlaviyoRequest, { kind: 'profile' }>;

export interface BulkJob<B> {
  /** The keys of the requests the job carries, in order. */
  keys: string[];
  body: B;
  /** The body's size in bytes as sent (JSON). */
  bytes: number;
}

const bytesOf = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** Who an event is for: the identifiers its profile carries (Klaviyo resolves a profile by them). */
function identity(r: EventRequest): string {
  const p = r.body.data.attributes.profile.data.attributes as { email?: string | null; phone_number?: string | null; external_id?: string | null };
  return `${p.email ?? ''}|${p.phone_number ?? ''}|${p.external_id ?? ''}`;
}

/**
 * Event requests as event-bulk-create-jobs, in order: events of one profile share an entry, a job holds at most
 * 1,000 events and stays under 5 MB. A single event too big for a job on its own is returned in `tooBig`.
 */
export function bulkEventJobs(requests: readonly EventRequest[]): { jobs: BulkJob<BulkEventsBody>[]; tooBig: string[] } {
  const jobs: BulkJob<BulkEventsBody>[] = [];
  const tooBig: string[] = [];
  type Entry = BulkEventsBody['data']['attributes']['events-bulk-create']['data'][number];
  let entries: Entry[] = [];
  let byProfile = new Map<string, Entry>();
  let keys: string[] = [];
  let count = 0;
  let bytes = 0;
  const flush = () => {
    if (!count) return;
    const body: BulkEventsBody = { data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data: entries } } } };
    jobs.push({ keys, body, bytes: bytesOf(body) });
    entries = []; byProfile = new Map(); keys = []; count = 0; bytes = 0;
  };
  for (const r of requests) {
    const { profile, ...attrs } = r.body.data.attributes;
    const event = { type: 'event' as const, attributes: { ...attrs, backfill: true } };
    const eventBytes = bytesOf(event) + 1;
    const who = identity(r);
    const profileBytes = byProfile.has(who) ? 0 : bytesOf(profile) + 120;
    if (eventBytes + bytesOf(profile) + 120 > BUDGET) { tooBig.push(r.key); continue; }
    if (count + 1 > BULK_EVENTS_LIMIT || bytes + eventBytes + profileBytes > BUDGET) flush();
    let entry = byProfile.get(who);
    if (!entry) {
      entry = { type: 'event-bulk-create', attributes: { backfill: true, profile, events: { data: [] } } };
      byProfile.set(who, entry);
      entries.push(entry);
      bytes += bytesOf(profile) + 120;
    }
    entry.attributes.events.data.push(event);
    keys.push(r.key);
    count++;
    bytes += eventBytes;
  }
  flush();
  return { jobs, tooBig };
}

/**
 * Profile requests as profile-bulk-import-jobs, in order: at most 10,000 profiles a job, under 5 MB. Two requests
 * for the same email in one job are merged (the later one's fields win, properties key by key), as Klaviyo would
 * apply them one after the other.
 */
export function bulkProfileJobs(requests: readonly ProfileRequest[]): BulkJob<BulkProfilesBody>[] {
  const jobs: BulkJob<BulkProfilesBody>[] = [];
  type Profile = BulkProfilesBody['data']['attributes']['profiles']['data'][number];
  let profiles: Profile[] = [];
  let byEmail = new Map<string, Profile>();
  let keys: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (!profiles.length) return;
    const body: BulkProfilesBody = { data: { type: 'profile-bulk-import-job', attributes: { profiles: { data: profiles } } } };
    jobs.push({ keys, body, bytes: bytesOf(body) });
    profiles = []; byEmail = new Map(); keys = []; bytes = 0;
  };
  for (const r of requests) {
    const attrs = r.body.data.attributes;
    const email = attrs.email ?? null;
    const held = email ? byEmail.get(email) : undefined;
    if (held) {
      const before = bytesOf(held);
      const props = { ...(held.attributes.properties ?? {}), ...(attrs.properties ?? {}) };
      held.attributes = { ...held.attributes, ...attrs, ...(Object.keys(props).length ? { properties: props } : {}) };
      bytes += bytesOf(held) - before;
      keys.push(r.key);
      continue;
    }
    const profile: Profile = { type: 'profile', attributes: { ...attrs } };
    const size = bytesOf(profile) + 1;
    if (profiles.length + 1 > BULK_PROFILES_LIMIT || bytes + size > BUDGET) flush();
    profiles.push(profile);
    if (email) byEmail.set(email, profile);
    keys.push(r.key);
    bytes += size;
  }
  flush();
  return jobs;
}
