/**
 * A stateful Klaviyo test double. Every request is validated against Klaviyo's OpenAPI spec (revision
 * header, auth scheme, JSON:API body); it answers with Klaviyo's real status codes and error bodies,
 * dedupes events by unique_id, upserts profiles (201 then 200, 409 duplicate_profile), pages lists by 10,
 * throttles with Retry-After, and injects faults on demand.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { createCatalog, type BackInStockSubscription, type CatalogState, type JobError } from './catalog.js';
import { createMetrics, type MappedMetric } from './metrics.js';
import { loadSpec, type Operation } from './spec.js';

export type { MappedMetric } from './metrics.js';
export type { BackInStockSubscription, CatalogCategory, CatalogItem, CatalogState, CatalogVariant, JobError } from './catalog.js';

export interface RecordedRequest {
  id: number; at: string; method: string; path: string; query: Record<string, string>;
  headers: Record<string, string>; body: unknown; status: number; validationErrors: string[]; fault?: string;
}
export interface AcceptedEvent {
  metric: string; uniqueId: string | null; profile: Record<string, unknown>; properties: Record<string, unknown>;
  value?: number | null; valueCurrency?: string | null; time?: string | null; apiKey: string; receivedAt: string;
  /**
   * Sent with `backfill: true` (POST /api/events or an event-bulk-create-jobs entry): the spec says such an event "is recorded
   * but does NOT trigger flows", so a flow triggered by its metric would not fire for it.
   */
  backfill: boolean;
  /** Which endpoint recorded it. */
  via: 'event' | 'bulk';
}
/** One per-record error of an asynchronous bulk job, as `GET …/{id}/import-errors` lists it. */
export interface ImportError {
  id: string; code: string; title: string; detail: string; source: { pointer: string }; original_payload: Record<string, unknown> | null;
}
/**
 * An asynchronous bulk job (a profile-bulk-import-job; the registry is generic over the JSON:API type so other job
 * kinds can use it). Its effects are applied when it is created; its status moves queued → processing → complete
 * on the double's clock over `bulkJobMs`, as a client polling Klaviyo sees it.
 */
export interface BulkJob {
  type: string; id: string; apiKey: string; createdAt: number; total: number; failed: number;
  errors: ImportError[]; profileIds: string[]; listIds: string[];
  /**
   * A catalog job's resources by relationship (`items`, `variants`, `categories`): when set, these are the job's
   * relationships and its failed resources are listed in its `errors` attribute once complete, as Klaviyo's catalog
   * jobs do (they have no import-errors).
   */
  related?: Record<string, { type: string; id: string }[]>;
}
/** One channel's marketing consent as Klaviyo keeps it on a profile. */
export interface ChannelConsent {
  consent: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
  /** `consented_at` of a historical import, else when Klaviyo recorded the change. */
  consentTimestamp: string | null;
  lastUpdated: string | null;
  method: string | null;
  methodDetail: string | null;
  /** A double opt-in list this profile was asked to confirm (Klaviyo sent the confirmation; not yet subscribed). */
  pendingConfirmation: string[];
  /** Email only: a global suppression (hard bounce, spam complaint, unsubscribe), as Klaviyo reports it. */
  suppression: { reason: string; timestamp: string }[];
}
export interface StoredProfile {
  id: string; email?: string; phone_number?: string; external_id?: string; attributes: Record<string, unknown>; apiKey: string;
  created: string; updated: string;
  subscriptions: { email: ChannelConsent; sms: ChannelConsent };
  /** Ids of the lists the profile is a member of. */
  lists: string[];
}
/** One accepted POST /api/data-privacy-deletion-jobs. */
export interface PrivacyDeletion {
  apiKey: string; identifier: { email?: string; phone_number?: string; id?: string }; profilesDeleted: number; eventsDeleted: number; at: string;
}
export type Fault =
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; count?: number; probability?: number; retryAfter?: number | null; paths?: string[] }
  | { kind: 'reset'; count?: number; probability?: number; paths?: string[] }
  | { kind: 'hang'; ms: number; count?: number; probability?: number; paths?: string[] };

/** Klaviyo's published tiers, named by the spec's x-klaviyo-ratelimit burst. */
export type Tier = 'XS' | 'S' | 'M' | 'L' | 'XL';
const TIER_BY_BURST: Record<string, Tier> = { '1/s': 'XS', '3/s': 'S', '10/s': 'M', '75/s': 'L', '350/s': 'XL' };

/**
 * How the double throttles. scale multiplies every published tier (an account at a tenth of the published
 * limits: 0.1); tiers sets a tier's burst (per second) and steady (per minute) limits outright, e.g. an account
 * whose burst alone is lower. Neither is visible to a client except through 429s and the RateLimit-* headers.
 */
export interface RateLimitSettings {
  enabled: boolean;
  scale?: number;
  tiers?: Partial<Record<Tier, { burst: number; steady: number }>>;
}

export interface DoubleOptions {
  port?: number;
  host?: string;
  specPath?: string;
  validKeys?: string[];
  lists?: { id: string; name: string; optInProcess?: 'single_opt_in' | 'double_opt_in' }[];
  rateLimits?: RateLimitSettings;
  /**
   * Klaviyo's real limits, per API key and operation, taken from the spec's x-klaviyo-ratelimit (XL 350/s·3500/m,
   * L 75/s·750/m, M 10/s·150/m, S 3/s·60/m, XS 1/s·15/m) in fixed 1-second and 1-minute windows, as Klaviyo's docs
   * describe. Shorthand for rateLimits { enabled: true, scale: 1 }.
   */
  realLimits?: boolean;
  /**
   * false: forget an accepted event's dedupe key at once (default true, as Klaviyo: a repeat is dropped). Only for a
   * long benchmark whose events are all new, so the process's memory is the sender's rather than the double's.
   */
  keepEventKeys?: boolean;
  /** The double's clock in ms (default Date.now): lets tests cross rate-limit windows without waiting. */
  now?: () => number;
  latencyMs?: number;
  seed?: number;
  /** How long a bulk job takes on the double's clock: queued for the first half, processing for the second (default 200). */
  bulkJobMs?: number;
}

export interface KlaviyoDouble {
  url: string;
  close(): Promise<void>;
  reset(): void;
  readonly requests: RecordedRequest[];
  invalidRequests(): RecordedRequest[];
  readonly events: AcceptedEvent[];
  readonly profiles: StoredProfile[];
  readonly subscriptions: RecordedRequest[];
  /** Every bulk job accepted, oldest first. */
  readonly bulkJobs: BulkJob[];
  /** The catalog Klaviyo holds (every key's), as the catalog bulk jobs left it. */
  catalog(): CatalogState;
  /** Every back-in-stock subscription taken, oldest first. */
  readonly backInStock: BackInStockSubscription[];
  /**
   * Klaviyo fails this catalog resource (item, variant or category id) inside the create and update jobs that carry
   * it, with `detail` in the job's `errors`, the next `times` jobs (a reason of Klaviyo's own).
   */
  refuseCatalogResource(id: string, detail: string, times?: number): void;
  /** The mapped metrics (revenue, …) keys have mapped to a metric. */
  mappedMetrics(): MappedMetric[];
  /** Accepted data-privacy-deletion-jobs: the identifier asked for and how many profiles and events it removed. */
  readonly deletions: PrivacyDeletion[];
  revokeKey(key: string): void;
  restoreKey(key: string): void;
  /**
   * A private key created without these scopes (none: the default; [] gives every scope back): an operation needing
   * one of them (the spec's x-klaviyo-scopes) answers 403 permission_denied, as Klaviyo does.
   */
  withoutScopes(key: string, scopes: string[]): void;
  inject(fault: Fault): void;
  clearFaults(): void;
  setRateLimits(r: RateLimitSettings): void;
  /** The profile with this email (any key), if Klaviyo has one. */
  profileByEmail(email: string): StoredProfile | undefined;
  /** What a shopper does in Klaviyo: unsubscribes through an email footer (email) or replies STOP (sms). */
  unsubscribeInKlaviyo(email: string, channel: 'email' | 'sms'): void;
}

type Json = Record<string, unknown>;

/** What `/__double/flow-webhook` sends and answers. */
async function sendFlowWebhook(req: Json): Promise<{ status: number | null; body: unknown; attempts: number }> {
  const url = String(req.url);
  const headers = { 'content-type': 'application/json', 'user-agent': 'Klaviyo-Webhooks/1.0 (flow webhook)', ...(req.headers as Record<string, string> | undefined) };
  const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? {});
  const retries = typeof req.retries === 'number' ? req.retries : 2;
  let last: { status: number | null; body: unknown } = { status: null, body: null };
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers, body: raw, redirect: 'manual' });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* keep text */ }
      last = { status: res.status, body: parsed };
      if (res.status !== 429 && res.status < 500) return { ...last, attempts: attempt };
    } catch (err) {
      last = { status: null, body: String(err) };
    }
    if (attempt > retries) return { ...last, attempts: attempt };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function klaviyoError(status: number, code: string, title: string, detail: string, pointer = '/data') {
  return { errors: [{ id: randomUUID(), status, code, title, detail, source: { pointer }, links: {}, meta: {} }] };
}

/** The spec's payload limits of the bulk endpoints (5 MB a request). */
const MAX_BODY_BYTES: Record<string, number> = {
  bulk_create_events: 5 * 1024 * 1024, bulk_import_profiles: 5 * 1024 * 1024,
  ...Object.fromEntries(['item', 'variant', 'category'].flatMap((k) => ['create', 'update', 'delete'].map((a) => [`bulk_${a}_catalog_${k === 'category' ? 'categories' : `${k}s`}`, 5 * 1024 * 1024]))),
};

function perWindow(spec: string): number {
  return Number(/^(\d+)/.exec(spec)?.[1] ?? '0');
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isValidPhone(p: unknown): boolean {
  if (typeof p !== 'string' || !p.startsWith('+')) return false;
  const parsed = parsePhoneNumberFromString(p);
  return !!parsed && parsed.isValid() && parsed.number === p;
}

function validEmail(e: unknown): boolean {
  return typeof e === 'string' && e.length < 100 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e);
}

export async function startKlaviyoDouble(opts: DoubleOptions = {}): Promise<KlaviyoDouble> {
  const spec = loadSpec(opts.specPath);
  const requests: RecordedRequest[] = [];
  const events: AcceptedEvent[] = [];
  const profiles: StoredProfile[] = [];
  const subscriptions: RecordedRequest[] = [];
  const deletions: PrivacyDeletion[] = [];
  const seenEvents = new Set<string>();
  const bulkJobs: BulkJob[] = [];
  const bulkJobMs = opts.bulkJobMs ?? 200;
  const revoked = new Set<string>();
  const lackedScopes = new Map<string, Set<string>>();
  let faults: (Fault & { left?: number })[] = [];
  let rateLimits: RateLimitSettings = opts.realLimits ? { enabled: true, scale: 1 } : opts.rateLimits ?? { enabled: false };
  const clock = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; n: number }>();
  const random = mulberry32(opts.seed ?? 42);
  const lists = opts.lists ?? Array.from({ length: 23 }, (_, i) => ({
    id: `L${String(i + 1).padStart(5, '0')}`, name: `List ${i + 1}`, optInProcess: (i % 2 ? 'double_opt_in' : 'single_opt_in') as 'single_opt_in' | 'double_opt_in',
  }));
  let seq = 0;
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const keyValid = (key: string) => {
    if (revoked.has(key)) return false;
    if (opts.validKeys) return opts.validKeys.includes(key);
    return key.startsWith('pk_') && !key.startsWith('pk_bad');
  };

  const takeFault = (path: string): Fault | null => {
    for (const f of faults) {
      if (f.paths && !f.paths.some((p) => path.startsWith(p))) continue;
      if (f.left !== undefined) {
        if (f.left <= 0) continue;
        f.left--;
        return f;
      }
      if (f.probability !== undefined && random() < f.probability) return f;
    }
    faults = faults.filter((f) => f.left === undefined || f.left > 0);
    return null;
  };

  /** Fixed windows per key and operation: burst over 1 s, steady over 60 s. */
  const throttle = (apiKey: string, op: Operation, now: number): { retryAfter: number } | { remaining: number; reset: number; limit: number } => {
    const scale = rateLimits.scale ?? 1;
    const tier = rateLimits.tiers?.[TIER_BY_BURST[op.ratelimit.burst] ?? 'XL'];
    const burst = tier?.burst ?? Math.max(1, Math.floor(perWindow(op.ratelimit.burst) * scale));
    const steady = tier?.steady ?? Math.max(1, Math.floor(perWindow(op.ratelimit.steady) * scale));
    const w = (name: string, ms: number) => {
      const key = `${apiKey}|${op.operationId}|${name}`;
      const start = Math.floor(now / ms) * ms;
      let e = windows.get(key);
      if (!e || e.start !== start) { e = { start, n: 0 }; windows.set(key, e); }
      return e;
    };
    const b = w('burst', 1000);
    const s = w('steady', 60_000);
    if (rateLimits.enabled) {
      if (b.n >= burst) return { retryAfter: Math.max(1, Math.ceil((b.start + 1000 - now) / 1000)) };
      if (s.n >= steady) return { retryAfter: Math.max(1, Math.ceil((s.start + 60_000 - now) / 1000)) };
    }
    b.n++;
    s.n++;
    return { remaining: Math.max(0, steady - s.n), reset: Math.ceil((s.start + 60_000 - now) / 1000), limit: steady };
  };

  const nowIso = () => new Date(clock()).toISOString();
  const neverSubscribed = (): ChannelConsent => ({ consent: 'NEVER_SUBSCRIBED', consentTimestamp: null, lastUpdated: null, method: null, methodDetail: null, pendingConfirmation: [], suppression: [] });
  const newProfile = (apiKey: string): StoredProfile => {
    const now = nowIso();
    return { id: `01P${randomUUID().replace(/-/g, '').slice(0, 23).toUpperCase()}`, attributes: {}, apiKey, created: now, updated: now, subscriptions: { email: neverSubscribed(), sms: neverSubscribed() }, lists: [] };
  };

  const profileIdentity = (attrs: Json) => (attrs.email ?? attrs.phone_number ?? attrs.external_id ?? attrs.anonymous_id ?? attrs.id ?? '') as string;

  const upsertProfile = (apiKey: string, attrs: Json): { status: number; body: unknown } => {
    const byEmail = attrs.email ? profiles.find((p) => p.apiKey === apiKey && p.email === attrs.email) : undefined;
    const byPhone = attrs.phone_number ? profiles.find((p) => p.apiKey === apiKey && p.phone_number === attrs.phone_number) : undefined;
    const byExt = attrs.external_id ? profiles.find((p) => p.apiKey === apiKey && p.external_id === attrs.external_id) : undefined;
    if (byEmail && byPhone && byEmail !== byPhone) {
      return { status: 409, body: { errors: [{ id: randomUUID(), status: 409, code: 'duplicate_profile', title: 'Conflict.', detail: 'A profile already exists with one of these identifiers.', source: { pointer: '/data/attributes' }, links: {}, meta: { duplicate_profile_id: byPhone.id } }] } };
    }
    const existing = byEmail ?? byPhone ?? byExt;
    const p: StoredProfile = existing ?? newProfile(apiKey);
    p.updated = nowIso();
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null) delete p.attributes[k];
      // Klaviyo merges custom properties key by key: a request without a key keeps what is stored.
      else if (k === 'properties' && typeof v === 'object' && !Array.isArray(v)) p.attributes.properties = { ...(p.attributes.properties as Json | undefined), ...(v as Json) };
      else p.attributes[k] = v;
    }
    p.email = p.attributes.email as string | undefined;
    p.phone_number = p.attributes.phone_number as string | undefined;
    p.external_id = p.attributes.external_id as string | undefined;
    if (!existing) profiles.push(p);
    const now = new Date().toISOString();
    return {
      status: existing ? 200 : 201,
      body: { data: { type: 'profile', id: p.id, attributes: { ...p.attributes, created: now, updated: now }, links: { self: `${baseUrl}/api/profiles/${p.id}/` } }, links: { self: `${baseUrl}/api/profile-import/` } },
    };
  };

  /** A subscription job's profile: found by email, else by phone, else created (Klaviyo creates missing profiles). */
  const jobProfile = (apiKey: string, attrs: Json): StoredProfile => {
    const byEmail = attrs.email ? profiles.find((p) => p.apiKey === apiKey && p.email === attrs.email) : undefined;
    const byPhone = attrs.phone_number ? profiles.find((p) => p.apiKey === apiKey && p.phone_number === attrs.phone_number) : undefined;
    let p = byEmail ?? byPhone;
    if (!p) {
      p = newProfile(apiKey);
      profiles.push(p);
    }
    for (const k of ['email', 'phone_number'] as const) {
      if (typeof attrs[k] === 'string' && !p.attributes[k]) { p.attributes[k] = attrs[k]; p[k] = attrs[k] as string; }
    }
    return p;
  };

  const listOf = (id: string | undefined) => (id ? lists.find((l) => l.id === id) : undefined);

  const subscriptionsView = (p: StoredProfile) => {
    const e = p.subscriptions.email;
    const m = p.subscriptions.sms;
    return {
      email: {
        marketing: {
          can_receive_email_marketing: e.consent === 'SUBSCRIBED' && e.suppression.length === 0,
          consent: e.consent, consent_timestamp: e.consentTimestamp, last_updated: e.lastUpdated, method: e.method, method_detail: e.methodDetail ?? '',
          custom_method_detail: null, double_optin: null, suppression: e.suppression, list_suppressions: [],
        },
      },
      sms: {
        marketing: { can_receive_sms_marketing: m.consent === 'SUBSCRIBED', consent: m.consent, consent_timestamp: m.consentTimestamp, method: m.method, method_detail: m.methodDetail ?? '', last_updated: m.lastUpdated },
      },
    };
  };

  const profileView = (p: StoredProfile, withSubscriptions: boolean) => ({
    type: 'profile', id: p.id,
    attributes: {
      email: p.email ?? null, phone_number: p.phone_number ?? null, external_id: p.external_id ?? null,
      first_name: (p.attributes.first_name as string | undefined) ?? null, last_name: (p.attributes.last_name as string | undefined) ?? null,
      organization: null, locale: null, title: null, image: null, created: p.created, updated: p.updated, last_event_date: null,
      location: null, properties: (p.attributes.properties as Json | undefined) ?? {},
      ...(withSubscriptions ? { subscriptions: subscriptionsView(p) } : {}),
    },
    relationships: { lists: { links: { self: `${baseUrl}/api/profiles/${p.id}/relationships/lists/`, related: `${baseUrl}/api/profiles/${p.id}/lists/` } } },
    links: { self: `${baseUrl}/api/profiles/${p.id}/` },
  });

  /** The filters GET /api/profiles takes that the double serves: equals on email, greater-than/less-than on updated. */
  const profileFilter = (f: string | undefined): ((p: StoredProfile) => boolean) | string => {
    if (!f) return () => true;
    const parts = f.split(/,(?=(?:equals|greater-than|less-than)\()/);
    const tests: ((p: StoredProfile) => boolean)[] = [];
    for (const part of parts) {
      const m = /^(equals|greater-than|less-than)\((email|phone_number|updated|created),\s*"?([^"]*)"?\)$/.exec(part.trim());
      if (!m) return `Invalid filter provided: ${part}`;
      const [, opName, fieldName, value] = m as unknown as [string, string, 'email' | 'phone_number' | 'updated' | 'created', string];
      if (opName === 'equals') {
        if (fieldName === 'updated' || fieldName === 'created') return `'${opName}' is not a valid operator for '${fieldName}'`;
        tests.push((p) => p[fieldName] === value);
      } else {
        if (fieldName !== 'updated' && fieldName !== 'created') return `'${opName}' is not a valid operator for '${fieldName}'`;
        const t = Date.parse(value);
        if (Number.isNaN(t)) return `Invalid date-time value for ${fieldName}: ${value}`;
        tests.push(opName === 'greater-than' ? (p) => Date.parse(p[fieldName]) > t : (p) => Date.parse(p[fieldName]) < t);
      }
    }
    return (p) => tests.every((t) => t(p));
  };

  const setConsent = (c: ChannelConsent, consent: ChannelConsent['consent'], at: string, method: string, detail: string | null) => {
    c.consent = consent;
    c.consentTimestamp = at;
    c.lastUpdated = nowIso();
    c.method = method;
    c.methodDetail = detail;
  };

  /** What Klaviyo refuses in one event (shared by POST /api/events and each event of a bulk create job). */
  const eventProblem = (profile: Json, attrs: Json, pointer: string, profilePointer = `${pointer}/profile/data/attributes`): { detail: string; pointer: string; schema?: boolean } | null => {
    if (!profileIdentity(profile)) return { detail: 'At least one profile identifier (email, phone_number, external_id, id) is required.', pointer: profilePointer, schema: true };
    if (profile.phone_number !== undefined && profile.phone_number !== null && !isValidPhone(profile.phone_number)) {
      return { detail: 'Invalid phone number format (Example of a valid format: +12345678901)', pointer: `${profilePointer}/phone_number` };
    }
    if (profile.email !== undefined && profile.email !== null && !validEmail(profile.email)) return { detail: 'Invalid email address', pointer: `${profilePointer}/email` };
    if (Object.keys((attrs.properties as Json) ?? {}).length > 400) return { detail: 'Events may not have more than 400 properties.', pointer: `${pointer}/properties` };
    if (typeof attrs.time === 'string') {
      // The spec: after the year 1990 and at most 1 year in the future.
      const t = Date.parse(attrs.time);
      if (t < Date.UTC(1990, 0, 1) || t > clock() + 366 * 86_400_000) return { detail: 'The time must be after the year 1990 and can only be up to 1 year in the future.', pointer: `${pointer}/time` };
    }
    return null;
  };
  /** Klaviyo's dedupe key: profile, metric and unique_id (or the time to the second without one). */
  const eventKey = (apiKey: string, profile: Json, attrs: Json) => {
    const metric = (((attrs.metric as Json)?.data as Json)?.attributes as Json)?.name as string;
    const uniqueId = (attrs.unique_id as string | null | undefined) ?? null;
    return `${apiKey}|${profileIdentity(profile)}|${metric}|${uniqueId ?? String(attrs.time ?? Math.floor(Date.now() / 1000))}`;
  };
  /** Records an event unless Klaviyo already has one with its key (the first processed is kept). */
  const recordEvent = (apiKey: string, profile: Json, attrs: Json, backfill: boolean, via: AcceptedEvent['via']) => {
    const dedupe = eventKey(apiKey, profile, attrs);
    if (seenEvents.has(dedupe)) return;
    if (opts.keepEventKeys !== false) seenEvents.add(dedupe);
    events.push({
      metric: (((attrs.metric as Json)?.data as Json)?.attributes as Json)?.name as string, uniqueId: (attrs.unique_id as string | null | undefined) ?? null,
      profile, properties: (attrs.properties as Json) ?? {}, value: attrs.value as number | null | undefined,
      valueCurrency: attrs.value_currency as string | null | undefined, time: attrs.time as string | null | undefined, apiKey, receivedAt: new Date().toISOString(),
      backfill, via,
    });
  };

  /** A job's progress on the double's clock: queued, then processing (half done), then complete. */
  const jobStatus = (job: BulkJob) => {
    const elapsed = clock() - job.createdAt;
    const iso = (ms: number) => new Date(ms).toISOString();
    if (elapsed < bulkJobMs / 2) return { status: 'queued' as const, completed_count: 0, failed_count: 0, started_at: null, completed_at: null };
    if (elapsed < bulkJobMs) return { status: 'processing' as const, completed_count: Math.floor((job.total - job.failed) / 2), failed_count: 0, started_at: iso(job.createdAt + bulkJobMs / 2), completed_at: null };
    return { status: 'complete' as const, completed_count: job.total - job.failed, failed_count: job.failed, started_at: iso(job.createdAt + bulkJobMs / 2), completed_at: iso(job.createdAt + bulkJobMs) };
  };
  const jobView = (job: BulkJob) => {
    const self = `${baseUrl}/api/${job.type}s/${job.id}`;
    if (job.related) {
      const state = jobStatus(job);
      return {
        type: job.type, id: job.id,
        attributes: {
          status: state.status, completed_count: state.completed_count, failed_count: state.failed_count, completed_at: state.completed_at,
          created_at: new Date(job.createdAt).toISOString(), total_count: job.total, expires_at: new Date(job.createdAt + 7 * 86_400_000).toISOString(),
          errors: state.status === 'complete' ? job.errors.map(({ original_payload: _p, ...e }) => e) : [],
        },
        relationships: Object.fromEntries(Object.entries(job.related).map(([name, data]) => [name, { data, links: { self: `${self}/relationships/${name}/`, related: `${self}/${name}/` } }])),
        links: { self: `${self}/` },
      };
    }
    return {
      type: job.type, id: job.id,
      attributes: { ...jobStatus(job), created_at: new Date(job.createdAt).toISOString(), total_count: job.total, expires_at: new Date(job.createdAt + 7 * 86_400_000).toISOString() },
      relationships: {
        lists: { data: job.listIds.map((id) => ({ type: 'list', id })), links: { self: `${self}/relationships/lists/`, related: `${self}/lists/` } },
        profiles: { data: job.profileIds.slice(0, 100).map((id) => ({ type: 'profile', id })), links: { self: `${self}/relationships/profiles/`, related: `${self}/profiles/` } },
        'import-errors': { data: job.errors.slice(0, 100).map((e) => ({ type: 'import-error', id: e.id })), links: { related: `${self}/import-errors/` } },
      },
      links: { self: `${self}/` },
    };
  };

  const catalog = createCatalog({
    baseUrl: () => baseUrl, nowIso, error: klaviyoError,
    jobs: {
      create(type: string, apiKey: string, total: number, jobErrors: JobError[], related: Record<string, { type: string; id: string }[]>) {
        const job: BulkJob = {
          type, id: randomUUID().replace(/-/g, ''), apiKey, createdAt: clock(), total, failed: jobErrors.length,
          errors: jobErrors.map((e) => ({ ...e, original_payload: null })), profileIds: [], listIds: [], related,
        };
        bulkJobs.push(job);
        return { status: 202, body: { data: jobView(job), links: { self: `${baseUrl}/api/${type}s/` } } };
      },
      get(type: string, apiKey: string, id: string) {
        const job = bulkJobs.find((j) => j.id === id && j.apiKey === apiKey && j.type === type);
        return job ? { status: 200, body: { data: jobView(job), links: { self: `${baseUrl}/api/${type}s/${job.id}/` } } } : null;
      },
    },
  });

  const metrics = createMetrics({ baseUrl: () => baseUrl, nowIso, clock, events: () => events, error: klaviyoError });

  const handle = (op: Operation, apiKey: string, query: Record<string, string>, body: Json | null, errors: string[], params: Record<string, string> = {}): { status: number; body?: unknown } => {
    const data = (body?.data ?? {}) as Json;
    const attrs = (data.attributes ?? {}) as Json;
    const fromCatalog = catalog.handle(op.operationId, apiKey, query, body, errors, params) ?? metrics.handle(op.operationId, apiKey, query, body, errors, params);
    if (fromCatalog) return fromCatalog;
    switch (op.operationId) {
      case 'create_event': {
        const profile = ((attrs.profile as Json)?.data as Json)?.attributes as Json ?? {};
        const problem = eventProblem(profile, attrs, '/data/attributes');
        if (problem) {
          if (problem.schema) errors.push(problem.detail);
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', problem.detail, problem.pointer) };
        }
        recordEvent(apiKey, profile, attrs, attrs.backfill === true, 'event');
        return { status: 202 };
      }
      case 'bulk_create_events': {
        // One entry per profile, each with its events; at most 1,000 events a request (5 MB is checked on the raw body).
        const entries = ((((attrs['events-bulk-create'] as Json)?.data) ?? []) as Json[]);
        const total = entries.reduce((n, e) => n + ((((e.attributes as Json)?.events as Json)?.data as unknown[]) ?? []).length, 0);
        if (total > 1000) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', `A bulk create job may contain at most 1000 events; got ${total}.`, '/data/attributes/events-bulk-create/data') };
        const inRequest = new Set<string>();
        const accepted: [Json, Json, boolean][] = [];
        for (const [i, e] of entries.entries()) {
          const ea = (e.attributes ?? {}) as Json;
          const profile = ((ea.profile as Json)?.data as Json)?.attributes as Json ?? {};
          for (const [j, ev] of (((ea.events as Json)?.data as Json[]) ?? []).entries()) {
            const evAttrs: Json = { ...((ev.attributes ?? {}) as Json), profile: ea.profile };
            const base = `/data/attributes/events-bulk-create/data/${i}`;
            const problem = eventProblem(profile, evAttrs, `${base}/attributes/events/data/${j}/attributes`, `${base}/attributes/profile/data/attributes`);
            if (problem) {
              if (problem.schema) errors.push(problem.detail);
              return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', problem.detail, problem.pointer) };
            }
            // The spec: a unique_id repeated for the same profile and metric fails the request, and nothing is processed.
            const key = eventKey(apiKey, profile, evAttrs);
            if ((evAttrs.unique_id ?? null) !== null && inRequest.has(key)) {
              return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', `unique_id ${String(evAttrs.unique_id)} is repeated for the same profile and metric.`, `${base}/attributes/events/data/${j}/attributes/unique_id`) };
            }
            inRequest.add(key);
            accepted.push([profile, evAttrs, evAttrs.backfill === true || (evAttrs.backfill !== false && ea.backfill === true)]);
          }
        }
        for (const [profile, evAttrs, backfill] of accepted) recordEvent(apiKey, profile, evAttrs, backfill, 'bulk');
        return { status: 202 };
      }
      case 'bulk_import_profiles': {
        const profs = (((attrs.profiles as Json)?.data as Json[]) ?? []);
        if (profs.length > 10_000) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', `A bulk import job may contain at most 10000 profiles; got ${profs.length}.`, '/data/attributes/profiles/data') };
        const listIds = ((((data.relationships as Json)?.lists as Json)?.data as Json[] | undefined) ?? []).map((l) => String(l.id));
        for (const [i, id] of listIds.entries()) {
          if (!listOf(id)) return { status: 404, body: klaviyoError(404, 'not_found', 'Not found.', `A list with id ${id} does not exist.`, `/data/relationships/lists/data/${i}/id`) };
        }
        const job: BulkJob = { type: 'profile-bulk-import-job', id: randomUUID().replace(/-/g, ''), apiKey, createdAt: clock(), total: profs.length, failed: 0, errors: [], profileIds: [], listIds };
        for (const [i, pr] of profs.entries()) {
          const a = (pr.attributes ?? {}) as Json;
          const ptr = `/data/attributes/profiles/data/${i}/attributes`;
          const fail = (detail: string, pointer: string, code = 'invalid') => {
            job.failed++;
            job.errors.push({ id: randomUUID(), code, title: code === 'invalid' ? 'Invalid input.' : 'Conflict.', detail, source: { pointer }, original_payload: a });
          };
          if (Buffer.byteLength(JSON.stringify(pr)) > 100 * 1024) { fail('The maximum allowed payload size per-profile is 100KB.', ptr); continue; }
          if (!profileIdentity(a)) { fail('At least one profile identifier (email, phone_number, external_id) is required.', ptr); continue; }
          if (a.email !== undefined && a.email !== null && !validEmail(a.email)) { fail('Invalid email address', `${ptr}/email`); continue; }
          if (a.phone_number !== undefined && a.phone_number !== null && !isValidPhone(a.phone_number)) { fail('Invalid phone number format (Example of a valid format: +12345678901)', `${ptr}/phone_number`); continue; }
          const up = upsertProfile(apiKey, a);
          if (up.status === 409) { fail('A profile already exists with one of these identifiers.', ptr, 'duplicate_profile'); continue; }
          const p = profiles.find((x) => x.id === ((up.body as Json).data as Json).id)!;
          // An import adds profiles to the job's lists; it never subscribes anyone (consent is untouched).
          for (const l of listIds) if (!p.lists.includes(l)) p.lists.push(l);
          job.profileIds.push(p.id);
        }
        bulkJobs.push(job);
        return { status: 202, body: { data: jobView(job), links: { self: `${baseUrl}/api/profile-bulk-import-jobs/` } } };
      }
      case 'get_bulk_import_profiles_job': {
        const job = bulkJobs.find((j) => j.id === params.job_id && j.apiKey === apiKey && j.type === 'profile-bulk-import-job');
        if (!job) return { status: 404, body: klaviyoError(404, 'not_found', 'Not found.', `A profile bulk import job with id ${params.job_id ?? ''} does not exist.`, '/job_id') };
        return { status: 200, body: { data: jobView(job), links: { self: `${baseUrl}/api/profile-bulk-import-jobs/${job.id}/` } } };
      }
      case 'get_errors_for_bulk_import_profiles_job': {
        const job = bulkJobs.find((j) => j.id === params.id && j.apiKey === apiKey && j.type === 'profile-bulk-import-job');
        if (!job) return { status: 404, body: klaviyoError(404, 'not_found', 'Not found.', `A profile bulk import job with id ${params.id ?? ''} does not exist.`, '/id') };
        const size = query['page[size]'] === undefined ? 20 : Number(query['page[size]']);
        if (!Number.isInteger(size) || size < 1 || size > 100) {
          errors.push('page[size] must be between 1 and 100');
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'page[size] must be between 1 and 100', '/page[size]') };
        }
        // Errors are known once the job has processed its records.
        const known = jobStatus(job).status === 'complete' ? job.errors : [];
        const start = query['page[cursor]'] ? Number(Buffer.from(query['page[cursor]'], 'base64url').toString()) : 0;
        const page = known.slice(start, start + size);
        const self = `${baseUrl}/api/profile-bulk-import-jobs/${job.id}/import-errors`;
        const next = start + size < known.length ? `${self}?page%5Bsize%5D=${size}&page%5Bcursor%5D=${Buffer.from(String(start + size)).toString('base64url')}` : undefined;
        return {
          status: 200,
          body: { data: page.map((e) => ({ type: 'import-error', id: e.id, attributes: { code: e.code, title: e.title, detail: e.detail, source: e.source, original_payload: e.original_payload } })), links: { self, ...(next ? { next } : {}) } },
        };
      }
      case 'create_or_update_profile': {
        if (!profileIdentity(attrs)) {
          errors.push('profile has no identifier');
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'At least one profile identifier is required.', '/data/attributes') };
        }
        if (attrs.phone_number !== undefined && attrs.phone_number !== null && !isValidPhone(attrs.phone_number)) {
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Invalid phone number format (Example of a valid format: +12345678901)', '/data/attributes/phone_number') };
        }
        if (attrs.email !== undefined && attrs.email !== null && !validEmail(attrs.email)) {
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Invalid email address', '/data/attributes/email') };
        }
        return upsertProfile(apiKey, attrs);
      }
      case 'get_accounts':
        return {
          status: 200,
          body: { data: [{ type: 'account', id: 'AbC123', attributes: { test_account: true, contact_information: { default_sender_name: 'Test Shop', default_sender_email: 'shop@example.com', website_url: 'https://shop.example', organization_name: 'Test Shop', street_address: { address1: '1 Main St', address2: '', city: 'Boston', region: 'MA', country: 'US', zip: '02110' } }, industry: 'Retail', timezone: 'America/New_York', preferred_currency: 'USD', public_api_key: 'AbC123', locale: 'en-US' }, links: { self: `${baseUrl}/api/accounts/AbC123/` } }], links: { self: `${baseUrl}/api/accounts/` } },
        };
      case 'get_lists': {
        const size = query['page[size]'] === undefined ? 10 : Number(query['page[size]']);
        if (!Number.isInteger(size) || size < 1 || size > 10) {
          errors.push('page[size] must be between 1 and 10');
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'page[size] must be <= 10', '/page[size]') };
        }
        const start = query['page[cursor]'] ? Number(Buffer.from(query['page[cursor]'], 'base64url').toString()) : 0;
        const page = lists.slice(start, start + size);
        const next = start + size < lists.length ? `${baseUrl}/api/lists?page%5Bsize%5D=${size}&page%5Bcursor%5D=${Buffer.from(String(start + size)).toString('base64url')}` : null;
        return {
          status: 200,
          body: { data: page.map((l) => ({ type: 'list', id: l.id, attributes: { name: l.name, created: '2026-01-01T00:00:00+00:00', updated: '2026-01-01T00:00:00+00:00', opt_in_process: l.optInProcess ?? 'single_opt_in' }, links: { self: `${baseUrl}/api/lists/${l.id}/` } })), links: { self: `${baseUrl}/api/lists`, next, prev: null } },
        };
      }
      case 'bulk_subscribe_profiles': {
        const hist = attrs.historical_import === true;
        const profs = (((attrs.profiles as Json)?.data as Json[]) ?? []);
        if (profs.length > 1000) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'A job may subscribe at most 1000 profiles.', '/data/attributes/profiles/data') };
        for (const p of profs) {
          const subs = ((p.attributes as Json)?.subscriptions ?? {}) as Record<string, Record<string, { consented_at?: unknown }>>;
          for (const channel of Object.values(subs)) {
            for (const c of Object.values(channel ?? {})) {
              if (c && typeof c === 'object' && c.consented_at && !hist) {
                return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'consented_at may only be provided with historical_import.', '/data/attributes/profiles') };
              }
              if (c && typeof c === 'object' && hist && !c.consented_at) {
                return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'consented_at is required when historical_import is true.', '/data/attributes/profiles') };
              }
              if (c && typeof c === 'object' && typeof c.consented_at === 'string' && Date.parse(c.consented_at) > clock()) {
                return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'consented_at must be in the past.', '/data/attributes/profiles') };
              }
            }
          }
        }
        const listId = ((((data.relationships as Json)?.list as Json)?.data as Json)?.id as string | undefined);
        const list = listOf(listId);
        if (listId && !list) return { status: 404, body: klaviyoError(404, 'not_found', 'Not found.', `A list with id ${listId} does not exist.`, '/data/relationships/list/data/id') };
        for (const pr of profs) {
          const a = (pr.attributes ?? {}) as Json;
          if (a.phone_number !== undefined && a.phone_number !== null && !isValidPhone(a.phone_number)) {
            return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Invalid phone number format (Example of a valid format: +12345678901)', '/data/attributes/profiles/data/attributes/phone_number') };
          }
        }
        const double = list?.optInProcess === 'double_opt_in' && !hist;
        for (const pr of profs) {
          const a = (pr.attributes ?? {}) as Json;
          const p = jobProfile(apiKey, a);
          const subs = (a.subscriptions ?? {}) as Record<string, { marketing?: { consented_at?: string } }>;
          for (const ch of ['email', 'sms'] as const) {
            const m = subs[ch]?.marketing;
            if (!m) continue;
            const c = p.subscriptions[ch];
            if (double) {
              // Klaviyo sends the confirmation; the profile is subscribed once it is confirmed (POST /__double/confirm).
              if (listId && !c.pendingConfirmation.includes(listId)) c.pendingConfirmation.push(listId);
            } else {
              setConsent(c, 'SUBSCRIBED', m.consented_at ?? nowIso(), 'API', (attrs.custom_source as string | null | undefined) ?? null);
              if (ch === 'email') c.suppression = [];
            }
          }
          if (listId && !double && !p.lists.includes(listId)) p.lists.push(listId);
          p.updated = nowIso();
        }
        return { status: 202 };
      }
      case 'bulk_unsubscribe_profiles': {
        const profs = (((attrs.profiles as Json)?.data as Json[]) ?? []);
        if (profs.length > 100) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'A job may unsubscribe at most 100 profiles.', '/data/attributes/profiles/data') };
        const listId = ((((data.relationships as Json)?.list as Json)?.data as Json)?.id as string | undefined);
        for (const pr of profs) {
          const a = (pr.attributes ?? {}) as Json;
          const p = jobProfile(apiKey, a);
          const subs = (a.subscriptions ?? {}) as Record<string, { marketing?: unknown }>;
          // Klaviyo: a profile not in the given list (or with no list given) is unsubscribed globally.
          const inList = listId ? p.lists.includes(listId) : false;
          if (inList) p.lists = p.lists.filter((l) => l !== listId);
          for (const ch of ['email', 'sms'] as const) {
            if (!subs[ch]?.marketing) continue;
            if (!inList) setConsent(p.subscriptions[ch], 'UNSUBSCRIBED', nowIso(), 'API', null);
            p.subscriptions[ch].pendingConfirmation = [];
          }
          p.updated = nowIso();
        }
        return { status: 202 };
      }
      case 'request_profile_deletion': {
        // Klaviyo: exactly one of email, phone_number or id; every matching profile of the account is deleted with its events.
        const prof = ((attrs.profile as Json)?.data ?? {}) as Json;
        const pa = (prof.attributes ?? {}) as Json;
        const given = { email: pa.email, phone_number: pa.phone_number, id: prof.id };
        const ids = Object.entries(given).filter(([, v]) => v !== undefined && v !== null && v !== '');
        if (ids.length !== 1) {
          errors.push(`${ids.length} profile identifiers`);
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Exactly one of email, phone_number or id must be provided.', '/data/attributes/profile/data') };
        }
        const [field, value] = ids[0] as ['email' | 'phone_number' | 'id', string];
        if (field === 'email' && !validEmail(value)) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Invalid email address', '/data/attributes/profile/data/attributes/email') };
        if (field === 'phone_number' && !isValidPhone(value)) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'Invalid phone number format (Example of a valid format: +12345678901)', '/data/attributes/profile/data/attributes/phone_number') };
        const match = (p: StoredProfile) => p.apiKey === apiKey && (field === 'email' ? p.email?.toLowerCase() === value.toLowerCase() : p[field] === value);
        const gone = profiles.filter(match);
        const eventOf = (e: AcceptedEvent) => e.apiKey === apiKey && gone.some((p) => (p.email && e.profile.email === p.email) || (p.phone_number && e.profile.phone_number === p.phone_number))
          || (e.apiKey === apiKey && field === 'email' && String(e.profile.email ?? '').toLowerCase() === value.toLowerCase())
          || (e.apiKey === apiKey && field === 'phone_number' && e.profile.phone_number === value);
        const before = events.length;
        for (let i = events.length - 1; i >= 0; i--) if (eventOf(events[i]!)) events.splice(i, 1);
        for (let i = profiles.length - 1; i >= 0; i--) if (match(profiles[i]!)) profiles.splice(i, 1);
        deletions.push({ apiKey, identifier: { [field]: value }, profilesDeleted: gone.length, eventsDeleted: before - events.length, at: nowIso() });
        return { status: 202 };
      }
      case 'get_list': {
        const l = listOf(params.id);
        if (!l) return { status: 404, body: klaviyoError(404, 'not_found', 'Not found.', `A list with id ${params.id ?? ''} does not exist.`, '/id') };
        return {
          status: 200,
          body: { data: { type: 'list', id: l.id, attributes: { name: l.name, created: '2026-01-01T00:00:00+00:00', updated: '2026-01-01T00:00:00+00:00', opt_in_process: l.optInProcess ?? 'single_opt_in' }, relationships: {}, links: { self: `${baseUrl}/api/lists/${l.id}/` } }, links: { self: `${baseUrl}/api/lists/${l.id}/` } },
        };
      }
      case 'get_profiles': {
        const size = query['page[size]'] === undefined ? 20 : Number(query['page[size]']);
        if (!Number.isInteger(size) || size < 1 || size > 100) {
          errors.push('page[size] must be between 1 and 100');
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', 'page[size] must be between 1 and 100', '/page[size]') };
        }
        const extra = (query['additional-fields[profile]'] ?? '').split(',').filter(Boolean);
        if (extra.some((x) => x !== 'subscriptions' && x !== 'predictive_analytics')) {
          errors.push(`additional-fields[profile] ${extra.join(',')}`);
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', `'${extra.join(',')}' is not a valid field for additional-fields[profile]`, '/additional-fields[profile]') };
        }
        const test = profileFilter(query.filter);
        if (typeof test === 'string') {
          errors.push(test);
          return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', test, '/filter') };
        }
        const sort = query.sort ?? 'id';
        if (!/^-?(id|created|updated|email)$/.test(sort)) return { status: 400, body: klaviyoError(400, 'invalid', 'Invalid input.', `'${sort}' is not a valid sort field`, '/sort') };
        const desc = sort.startsWith('-');
        const by = sort.replace(/^-/, '') as 'id' | 'created' | 'updated' | 'email';
        const all = profiles.filter((p) => p.apiKey === apiKey && test(p))
          .sort((a, b) => (String(a[by] ?? '') < String(b[by] ?? '') ? -1 : String(a[by] ?? '') > String(b[by] ?? '') ? 1 : 0) * (desc ? -1 : 1));
        const start = query['page[cursor]'] ? Number(Buffer.from(query['page[cursor]'], 'base64url').toString()) : 0;
        const page = all.slice(start, start + size);
        let next: string | null = null;
        if (start + size < all.length) {
          const q = new URLSearchParams({ ...query, 'page[cursor]': Buffer.from(String(start + size)).toString('base64url') });
          next = `${baseUrl}/api/profiles?${q.toString()}`;
        }
        return { status: 200, body: { data: page.map((p) => profileView(p, extra.includes('subscriptions'))), links: { self: `${baseUrl}/api/profiles`, ...(next ? { next } : {}) } } };
      }
    }
    return { status: 501, body: klaviyoError(501, 'not_implemented', 'Not implemented.', 'The test double does not serve this operation.') };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://double');
        const path = url.pathname.replace(/\/+$/, '') || '/';
        const raw = Buffer.concat(chunks).toString('utf8');
        if (path.startsWith('/__double')) return control(path, req.method ?? 'GET', raw, res);
        const query = Object.fromEntries(url.searchParams.entries());
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
        const auth = headers.authorization ?? '';
        const record: RecordedRequest = {
          id: ++seq, at: new Date().toISOString(), method: req.method ?? 'GET', path, query,
          headers: { ...headers, ...(auth ? { authorization: auth.replace(/(pk_[A-Za-z0-9]{0,4})[A-Za-z0-9_]*/, '$1***') } : {}) },
          body: null, status: 0, validationErrors: [],
        };
        requests.push(record);
        const send = (status: number, body?: unknown, extra: Record<string, string> = {}) => {
          record.status = status;
          const text = body === undefined ? '' : JSON.stringify(body);
          res.writeHead(status, { ...(text ? { 'content-type': 'application/vnd.api+json' } : {}), ...extra });
          res.end(text);
        };
        if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
        const fault = takeFault(path);
        if (fault) {
          record.fault = fault.kind === 'status' ? `status ${fault.status}` : fault.kind;
          if (fault.kind === 'reset') { record.status = -1; req.socket.destroy(); return; }
          if (fault.kind === 'hang') await new Promise((r) => setTimeout(r, fault.ms));
          else if (fault.status === 429) {
            const n = fault.retryAfter ?? 1;
            return send(429, klaviyoError(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${n} second${n === 1 ? '' : 's'}.`), fault.retryAfter === null ? {} : { 'retry-after': String(n) });
          } else {
            return send(fault.status, klaviyoError(fault.status, 'error', 'A server error occurred.', 'Something went wrong on our side.'));
          }
        }
        const found = spec.find(record.method, path);
        const op = found?.op;
        if (!op) {
          record.validationErrors.push(spec.allPaths.has(path) ? `${record.method} ${path} is not served by the double` : `${record.method} ${path} is not in the spec`);
          return send(404, klaviyoError(404, 'not_found', 'Not found.', `${record.method} ${path} does not exist.`));
        }
        if (!/^Klaviyo-API-Key pk_[A-Za-z0-9_]+$/.test(auth)) {
          record.validationErrors.push('Authorization must be "Klaviyo-API-Key <private key>"');
          return send(401, klaviyoError(401, 'not_authenticated', 'Authentication credentials were not provided.', 'Missing or invalid authorization scheme. Please use Klaviyo-API-Key.'));
        }
        const apiKey = auth.slice('Klaviyo-API-Key '.length);
        if (!/^\d{4}-\d{2}-\d{2}(\.[a-z0-9]+)?$/.test(headers.revision ?? '')) {
          record.validationErrors.push(`must have required header 'revision' (YYYY-MM-DD[.suffix]), got ${JSON.stringify(headers.revision ?? null)}`);
          return send(400, klaviyoError(400, 'invalid', 'Invalid input.', 'You must specify a valid API revision in the revision header.', '/headers/revision'));
        }
        let body: Json | null = null;
        if (MAX_BODY_BYTES[op.operationId] !== undefined && Buffer.byteLength(raw) > MAX_BODY_BYTES[op.operationId]!) {
          record.validationErrors.push(`body of ${Buffer.byteLength(raw)} bytes is over the 5 MB limit`);
          return send(413, klaviyoError(413, 'request_too_large', 'Request entity too large.', 'The maximum allowed payload size is 5MB.'));
        }
        if (op.validateBody) {
          const ctype = (headers['content-type'] ?? '').split(';')[0]!.trim();
          if (ctype !== 'application/vnd.api+json' && ctype !== 'application/json') {
            record.validationErrors.push(`unsupported content type ${ctype}`);
            return send(415, klaviyoError(415, 'unsupported_media_type', 'Unsupported media type.', `Unsupported media type "${ctype}" in request.`));
          }
          try { body = JSON.parse(raw) as Json; } catch {
            record.validationErrors.push('body is not JSON');
            return send(400, klaviyoError(400, 'parse_error', 'Malformed request.', 'JSON parse error.'));
          }
          record.body = body;
          if (!op.validateBody(body)) {
            for (const e of op.validateBody.errors ?? []) record.validationErrors.push(`${e.instancePath || '/'} ${e.message ?? ''}`.trim());
            const first = op.validateBody.errors?.[0];
            return send(400, klaviyoError(400, 'invalid', 'Invalid input.', `${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`.trim(), first?.instancePath || '/data'));
          }
        }
        if (!keyValid(apiKey)) return send(401, klaviyoError(401, 'not_authenticated', 'Incorrect authentication credentials.', 'Incorrect authentication credentials.'));
        const lacked = lackedScopes.get(apiKey);
        const lacking = lacked ? op.scopes.filter((sc) => lacked.has(sc)) : [];
        if (lacking.length) {
          return send(403, klaviyoError(403, 'permission_denied', 'You do not have permission to perform this action.', `This API key is missing required scopes: ${lacking.join(', ')}.`));
        }
        const t = throttle(apiKey, op, clock());
        if ('retryAfter' in t) {
          return send(429, klaviyoError(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${t.retryAfter} second${t.retryAfter === 1 ? '' : 's'}.`), { 'retry-after': String(t.retryAfter) });
        }
        const out = handle(op, apiKey, query, body, record.validationErrors, found.params);
        if ((out.status === 200 || out.status === 202) && out.body !== undefined && op.validateResponse && !op.validateResponse(out.body)) {
          // The double's own answer must be what Klaviyo's spec says; a test reading invalidRequests() sees it.
          for (const e of op.validateResponse.errors ?? []) record.validationErrors.push(`response ${e.instancePath || '/'} ${e.message ?? ''}`.trim());
        }
        if ((op.operationId === 'bulk_subscribe_profiles' || op.operationId === 'bulk_unsubscribe_profiles') && out.status === 202) subscriptions.push(record);
        return send(out.status, out.body, { 'ratelimit-limit': String(t.limit), 'ratelimit-remaining': String(t.remaining), 'ratelimit-reset': String(t.reset) });
      })().catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });

  const double: KlaviyoDouble = {
    url: '',
    requests, events, profiles, subscriptions, bulkJobs, deletions,
    backInStock: catalog.backInStock,
    mappedMetrics: () => metrics.mapped(),
    catalog: () => catalog.state(),
    refuseCatalogResource: (id, detail, times) => catalog.refuseResource(id, detail, times),
    invalidRequests: () => requests.filter((r) => r.validationErrors.length > 0),
    reset() {
      requests.length = 0; events.length = 0; profiles.length = 0; subscriptions.length = 0; bulkJobs.length = 0; deletions.length = 0;
      seenEvents.clear(); revoked.clear(); lackedScopes.clear(); faults = []; windows.clear(); catalog.clear(); metrics.clear();
    },
    revokeKey: (k) => void revoked.add(k),
    restoreKey: (k) => void revoked.delete(k),
    withoutScopes: (k, scopes) => void (scopes.length ? lackedScopes.set(k, new Set(scopes)) : lackedScopes.delete(k)),
    inject(f) { faults.push(f.count !== undefined ? { ...f, left: f.count } : { ...f }); },
    clearFaults() { faults = []; },
    setRateLimits(r) { rateLimits = r; windows.clear(); },
    profileByEmail: (email) => profiles.find((p) => p.email?.toLowerCase() === email.toLowerCase()),
    unsubscribeInKlaviyo(email, channel) {
      const p = double.profileByEmail(email);
      if (!p) return;
      setConsent(p.subscriptions[channel], 'UNSUBSCRIBED', nowIso(), channel === 'email' ? 'EMAIL_UNSUBSCRIBE' : 'TEXT', channel === 'sms' ? 'STOP' : null);
      if (channel === 'email') p.subscriptions.email.suppression = [{ reason: 'UNSUBSCRIBE', timestamp: nowIso() }];
      p.updated = nowIso();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };

  function control(path: string, method: string, raw: string, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    const body = raw ? JSON.parse(raw) as Json : {};
    const counts: Record<string, number> = {};
    for (const r of requests) counts[`${r.method} ${r.path} ${r.status}`] = (counts[`${r.method} ${r.path} ${r.status}`] ?? 0) + 1;
    if (path === '/__double/state' && method === 'GET') return reply(200, { events, profiles, subscriptions: subscriptions.length, deletions, bulkJobs: bulkJobs.map((j) => ({ ...j, ...jobStatus(j) })), catalog: catalog.state(), backInStock: catalog.backInStock, mappedMetrics: metrics.mapped(), requests: counts, invalid: double.invalidRequests() });
    if (path === '/__double/reset' && method === 'POST') { double.reset(); return reply(200, { ok: true }); }
    if (path === '/__double/faults' && method === 'POST') { double.inject(body as unknown as Fault); return reply(200, { ok: true }); }
    if (path === '/__double/faults' && method === 'DELETE') { double.clearFaults(); return reply(200, { ok: true }); }
    if (path === '/__double/catalog/refuse' && method === 'POST') { double.refuseCatalogResource(String(body.id), String(body.detail ?? 'Invalid input.'), typeof body.times === 'number' ? body.times : 1); return reply(200, { ok: true }); }
    if (path === '/__double/keys/revoke' && method === 'POST') { double.revokeKey(String(body.key)); return reply(200, { ok: true }); }
    if (path === '/__double/keys/restore' && method === 'POST') { double.restoreKey(String(body.key)); return reply(200, { ok: true }); }
    if (path === '/__double/unsubscribe' && method === 'POST') { double.unsubscribeInKlaviyo(String(body.email), body.channel === 'sms' ? 'sms' : 'email'); return reply(200, { ok: true }); }
    if (path === '/__double/confirm' && method === 'POST') {
      // The shopper clicks the double opt-in confirmation: subscribed to the lists it was pending for.
      const p = double.profileByEmail(String(body.email));
      if (!p) return reply(404, { error: 'no such profile' });
      for (const ch of ['email', 'sms'] as const) {
        const c = p.subscriptions[ch];
        if (!c.pendingConfirmation.length) continue;
        for (const l of c.pendingConfirmation) if (!p.lists.includes(l)) p.lists.push(l);
        c.pendingConfirmation = [];
        setConsent(c, 'SUBSCRIBED', nowIso(), 'DOUBLE_OPT_IN', null);
      }
      p.updated = nowIso();
      return reply(200, { ok: true });
    }
    if (path === '/__double/flow-webhook' && method === 'POST') {
      // A flow's webhook action: POST the rendered JSON body with the configured headers; like Klaviyo, a 429, a 5xx
      // or no answer is retried (here up to `retries` times, 100 ms apart) with the same body.
      void sendFlowWebhook(body).then((r) => reply(200, r), (err: unknown) => reply(502, { error: String(err) }));
      return;
    }
    if (path === '/__double/rate-limits' && method === 'POST') { double.setRateLimits(body as unknown as RateLimitSettings); return reply(200, { ok: true }); }
    return reply(404, { error: 'unknown control route' });
  }

  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;
  double.url = baseUrl;
  return double;
}
