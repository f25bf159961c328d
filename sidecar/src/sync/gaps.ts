/**
 * Gap repair (pure): once a day, and when a trigger asks (a webhook re-enabled, Klaviyo back after an outage, the
 * sidecar started), the sidecar compares what WooCommerce changed since the last check with what it holds, and
 * stores what is missing as deliveries. This module decides every rule of it: when a check is due, the window it
 * compares (from the last check's end, less an overlap; up to a few minutes ago, so deliveries WooCommerce still has
 * queued are not taken for gaps), which records of a page are missing (an (order id, date_modified) the sidecar never
 * planned), whether a recovered record goes as a live event or as backfill, and what a page or a failure changes.
 *
 * The worker (worker/gap-repair.ts) claims a check by saving it over the version it read (one replica runs it; the
 * claim is a lease a crashed replica's successor takes over), stores a page's missing records before it saves the
 * check with the cursor moved on, and reads the next page only once every stored delivery was planned. So a crash
 * between the two reads the page again and finds those records held: nothing is stored or counted twice.
 */

/** How often a store is checked without a trigger. */
export const GAP_CHECK_EVERY_MS = 24 * 3600_000;
/** The window starts this much before the last check's end: a change saved at the boundary is compared twice, never missed. */
export const GAP_OVERLAP_MS = 10 * 60_000;
/**
 * The window ends this long before the check: WooCommerce delivers its webhooks from Action Scheduler, seconds to
 * minutes after the change, and a delivery still queued is not a gap. Those changes are in the next check's window.
 */
export const GAP_SETTLE_MS = 5 * 60_000;
/**
 * A store's first check compares nothing: it marks where the sidecar began watching (orders from before are the
 * history sync's, sent as backfill; a new store must not fire post-purchase flows for yesterday's orders). Only a
 * re-enabled webhook, whose gap the merchant just ended, looks back this far on a first check.
 */
export const GAP_FIRST_LOOKBACK_MS = GAP_CHECK_EVERY_MS;
/**
 * A recovered order changed at most this long ago is sent as a live event (its flows fire: a shopper whose order
 * confirmation was lost in an outage of a few hours still gets the post-purchase flow); an older one as backfill
 * (recorded in Klaviyo, no flow fires: a thank-you days late would be wrong), like a history sync's records.
 */
export const GAP_LIVE_WINDOW_MS = 24 * 3600_000;
/** A replica's claim on a running check; saving a page renews it. */
export const GAP_LEASE_MS = 2 * 60_000;
/** A check that failed is tried again after this. */
export const GAP_RETRY_MS = 15 * 60_000;

/** How often a store is checked without a trigger, and how long before the check the window ends (GAP_CHECK_HOURS, GAP_SETTLE_SECONDS). */
export interface GapPolicy {
  everyMs: number;
  settleMs: number;
}
export const DEFAULT_GAP_POLICY: GapPolicy = { everyMs: GAP_CHECK_EVERY_MS, settleMs: GAP_SETTLE_MS };

export const GAP_REASONS = ['daily', 'webhook_reenabled', 'klaviyo_back', 'sidecar_started', 'requested'] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/** The check being run. */
export interface RunningGapCheck {
  reason: GapReason;
  startedAt: number;
  /** Records modified at or after this are compared (ISO 8601 UTC, seconds). */
  from: string;
  /** ...and before this. */
  until: string;
  /** The plugin's keyset cursor after the last page kept (null: from the start of the window). */
  cursor: string | null;
  compared: number;
  recovered: number;
  /** The claim: another replica may take the check over after this (ms epoch). */
  leaseUntil: number;
}

export interface GapCheck {
  storeId: string;
  /** When the last check finished (ms epoch), null before the first. */
  lastCheckAt: number | null;
  /** When it started: a trigger after this asks for another. */
  lastStartedAt: number | null;
  /** Why it ran. */
  lastReason: GapReason | null;
  /** The end of the window the last check compared (ISO); the next one starts there, less the overlap. */
  checkedUntil: string | null;
  /** Where the store's first check began watching (ISO): no window starts before it (absent in checks saved before it existed). */
  watchingSince?: string | null;
  /** Orders the last check compared and recovered. */
  lastCompared: number | null;
  lastRecovered: number | null;
  /** A trigger asked for a check at this time (ms epoch), and why; met by the first check that starts after it. */
  requestedAt: number | null;
  requestReason: GapReason | null;
  running: RunningGapCheck | null;
  /** Why the last check could not finish, with when the next try is due. */
  lastError: string | null;
  retryAt: number | null;
  /** Bumped by every change; storage saves a check only over the version it was computed from. */
  version: number;
}

export const isoSecond = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function emptyGapCheck(storeId: string): GapCheck {
  return {
    storeId, lastCheckAt: null, lastStartedAt: null, lastReason: null, checkedUntil: null, lastCompared: null, lastRecovered: null, requestedAt: null, requestReason: null,
    running: null, lastError: null, retryAt: null, version: 0,
  };
}

/** A trigger asks for a check (the next look runs one). */
export function requestGapCheck(held: GapCheck | null, storeId: string, reason: GapReason, now: number): GapCheck {
  const c = held ?? emptyGapCheck(storeId);
  return { ...c, requestedAt: now, requestReason: reason, retryAt: null, version: c.version + 1 };
}

/** Why a check is due now (null: not due): a running check whose claim lapsed, a trigger, a day since the last. */
export function gapCheckDue(c: GapCheck | null, now: number, policy: GapPolicy = DEFAULT_GAP_POLICY): GapReason | null {
  if (!c) return 'daily';
  if (c.running) return c.running.leaseUntil <= now ? c.running.reason : null;
  if (c.retryAt !== null && c.retryAt > now) return null;
  if (c.requestedAt !== null && (c.lastStartedAt === null || c.requestedAt > c.lastStartedAt)) return c.requestReason ?? 'requested';
  if (c.lastCheckAt === null || now - c.lastCheckAt >= policy.everyMs) return 'daily';
  if (c.retryAt !== null) return c.lastReason ?? 'daily';
  return null;
}

/**
 * The check claimed to run now: a lapsed one taken over from its cursor, else a new one whose window runs from the
 * last check's end (less the overlap) to `policy.settleMs` ago. After a webhook was re-enabled it runs to now: a
 * disabled webhook queued nothing, so every change before it is a gap. A store's first check is finished at once with
 * an empty window (where watching starts), unless a re-enabled webhook asked for it (it looks back GAP_FIRST_LOOKBACK_MS).
 */
export function beginGapCheck(held: GapCheck | null, storeId: string, now: number, policy: GapPolicy = DEFAULT_GAP_POLICY): GapCheck | null {
  const reason = gapCheckDue(held, now, policy);
  if (!reason) return null;
  const c = held ?? emptyGapCheck(storeId);
  if (c.running) return { ...c, running: { ...c.running, leaseUntil: now + GAP_LEASE_MS }, version: c.version + 1 };
  // After a re-enabled webhook, up to and including this second (a change of this second was made while it was off, or
  // is delivered and held); otherwise a change at the window's end is compared by the next check.
  const until = reason === 'webhook_reenabled' ? now + 1000 : now - policy.settleMs;
  if (!c.checkedUntil && reason !== 'webhook_reenabled') {
    return {
      ...c, running: null, lastCheckAt: now, lastStartedAt: now, lastReason: reason, checkedUntil: isoSecond(until), watchingSince: isoSecond(until),
      lastCompared: 0, lastRecovered: 0,
      lastError: null, retryAt: null, version: c.version + 1,
    };
  }
  const from = c.checkedUntil
    ? Math.max(Date.parse(c.checkedUntil) - GAP_OVERLAP_MS, c.watchingSince ? Date.parse(c.watchingSince) : -Infinity)
    : now - GAP_FIRST_LOOKBACK_MS;
  return {
    ...c, version: c.version + 1, retryAt: null,
    running: { reason, startedAt: now, from: isoSecond(Math.min(from, until)), until: isoSecond(until), cursor: null, compared: 0, recovered: 0, leaseUntil: now + GAP_LEASE_MS },
  };
}

/** A WooCommerce `date_modified_gmt` (with or without a zone or fraction) as seconds in UTC: `2026-12-03T10:15:00`. */
export function modifiedSecond(value: string): string | null {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v)) return null;
  const t = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? Date.parse(v) : Date.parse(`${v.slice(0, 19)}Z`);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 19);
}

/** What the sidecar keeps of a planned order's state: `order:<id>|<modified second>`. */
export function recordVersion(resource: string, id: number, modified: string): string | null {
  const m = modifiedSecond(modified);
  return m === null ? null : `${resource}:${id}|${m}`;
}

/** A record of a page, as the comparison sees it. */
export interface PageRecord {
  id: number;
  modified: string;
}

/** The (id, date_modified) of a page's item, or null when it has neither (it cannot be compared: it is not recovered). */
export function pageRecord(item: unknown): PageRecord | null {
  if (!item || typeof item !== 'object') return null;
  const { id, date_modified_gmt: m } = item as { id?: unknown; date_modified_gmt?: unknown };
  return typeof id === 'number' && typeof m === 'string' && modifiedSecond(m) !== null ? { id, modified: m } : null;
}

export type GapVerdict = 'held' | 'missing' | 'later';

/**
 * Each record of a page against what the sidecar holds (`held`: the record versions storage found of the page's):
 * `held` when the sidecar planned that order at that date_modified, `missing` when not, `later` when it changed
 * after the window's end (the next check compares it; its webhook may still be on its way).
 */
export function compareRecords(records: readonly PageRecord[], held: ReadonlySet<string>, until: string): GapVerdict[] {
  const end = until.slice(0, 19);
  return records.map((r) => {
    const m = modifiedSecond(r.modified)!;
    if (m >= end) return 'later';
    return held.has(recordVersion('order', r.id, r.modified)!) ? 'held' : 'missing';
  });
}

/** Whether a recovered order is sent as a live event (its flows fire) or as backfill. */
export function recoverAsLive(modified: string, now: number): boolean {
  const m = modifiedSecond(modified);
  return m !== null && now - Date.parse(`${m}Z`) <= GAP_LIVE_WINDOW_MS;
}

/** What one page held, as the worker saw it. */
export interface GapPage {
  /** The cursor the page was read from. */
  from: string | null;
  /** The next cursor; null after the last page (or once the page reached past the window's end). */
  next: string | null;
  compared: number;
  recovered: number;
}

/** The check after a page was kept (finished after the last one); null when the page no longer applies. */
export function applyGapPage(c: GapCheck, page: GapPage, now: number): GapCheck | null {
  const r = c.running;
  if (!r || r.cursor !== page.from) return null;
  const running: RunningGapCheck = { ...r, cursor: page.next, compared: r.compared + page.compared, recovered: r.recovered + page.recovered, leaseUntil: now + GAP_LEASE_MS };
  if (page.next !== null) return { ...c, running, version: c.version + 1 };
  return {
    ...c, running: null, lastCheckAt: now, lastStartedAt: r.startedAt, lastReason: r.reason, checkedUntil: r.until, lastCompared: running.compared, lastRecovered: running.recovered,
    lastError: null, retryAt: null, version: c.version + 1,
  };
}

/** The check after reading a page failed: given up for now, what it compared is kept, tried again later from its start. */
export function applyGapFailure(c: GapCheck, message: string, now: number, retryMs = GAP_RETRY_MS): GapCheck {
  return { ...c, running: null, lastError: message, retryAt: now + retryMs, lastReason: c.running?.reason ?? c.lastReason, version: c.version + 1 };
}

/** The sync log's line for a finished check. */
export function gapSummary(c: GapCheck): string | null {
  if (c.lastCheckAt === null) return null;
  const n = c.lastRecovered ?? 0;
  return n === 0
    ? `Compared ${c.lastCompared ?? 0} orders WooCommerce changed with what the sidecar holds: nothing was missing.`
    : `Recovered ${n} ${n === 1 ? 'order' : 'orders'} that WooCommerce did not deliver.`;
}
