/**
 * A store's history sync (pure): the run's state and its transitions, what a page read from the plugin changes, when
 * a failed page is tried again, and the progress the status route shows (rate and time left from the counters).
 * The worker (worker/history.ts) reads pages and stores their records as deliveries of the history topics before it
 * asks storage to save the run this module computed, compared with the version it read; so a crash between the two
 * reads the page again, and its records are recognised as repeats when they are planned (same content, same keys).
 */

/**
 * The resources a run reads, in the order it reads them: the catalog first (so Klaviyo's catalog is filled, and the
 * orders' items find their categories and URLs in the product index), then profiles (so orders find their profile),
 * then orders. Products are read whole whatever the scope: the catalog is what the shop sells now.
 */
export const HISTORY_RESOURCES = ['products', 'customers', 'orders'] as const;
export type HistoryResource = (typeof HISTORY_RESOURCES)[number];

export const HISTORY_STATES = ['running', 'paused', 'cancelled', 'done', 'failed'] as const;
export type HistoryState = (typeof HISTORY_STATES)[number];

/** Everything, or what WooCommerce changed in the last N months. */
export type HistoryScope = { kind: 'all' } | { kind: 'months'; months: number };

export interface ResourceProgress {
  /** The plugin's keyset cursor after the last page kept (null: from the start). */
  cursor: string | null;
  /** Records read and stored as deliveries. */
  done: number;
  /** How many records the scope holds, as the plugin last counted them (null before the first page). */
  total: number | null;
  finished: boolean;
}

/** A problem the run met, with the record (or page) it belongs to. */
export interface HistoryError {
  at: number;
  resource: HistoryResource;
  /** The WooCommerce id of the record, when the problem is one record's. */
  recordId: number | null;
  message: string;
}

export interface HistoryRun {
  storeId: string;
  runId: string;
  scope: HistoryScope;
  /** Records modified at or after this (ISO 8601 UTC), or null for everything. */
  since: string | null;
  state: HistoryState;
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Milliseconds spent running before the current stretch (pauses do not count toward the rate). */
  runningMs: number;
  /** When the current running stretch began (null while not running). */
  runningSince: number | null;
  resources: Record<HistoryResource, ResourceProgress>;
  /** Klaviyo events the stored records imply (the live mapper's count); repeats of what was sent are not sent again. */
  eventsQueued: number;
  /** Failures of the page being read, in a row. */
  pageFailures: number;
  /** When the next page may be read (ms epoch): after a failure, a backoff. */
  nextAt: number;
  lastError: string | null;
  /** The newest problems, at most MAX_ERRORS. */
  errors: HistoryError[];
  /** Bumped by every change; storage saves a run only over the version it was computed from. */
  version: number;
}

/** Records a page asks for (WooCommerce's REST API pages at most 100). */
export const HISTORY_PAGE_SIZE = 100;
/** A page failing this many times in a row fails the run (resume tries again). */
export const MAX_PAGE_FAILURES = 8;
const MAX_ERRORS = 50;
const PAGE_RETRY_BASE_MS = 1000;
const PAGE_RETRY_MAX_MS = 60_000;

/** A transition the run's state does not allow (answered 409 at the edge). */
export class HistoryTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryTransitionError';
  }
}

export const isActive = (run: HistoryRun | null): boolean => run !== null && (run.state === 'running' || run.state === 'paused');

/** The ISO time a scope starts at, seen at `now`. */
export function scopeSince(scope: HistoryScope, now: number): string | null {
  if (scope.kind === 'all') return null;
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - scope.months);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function startRun(held: HistoryRun | null, storeId: string, runId: string, scope: HistoryScope, now: number): HistoryRun {
  if (isActive(held)) throw new HistoryTransitionError(`A history sync is already ${held!.state}; cancel it first.`);
  const fresh = (): ResourceProgress => ({ cursor: null, done: 0, total: null, finished: false });
  return {
    storeId, runId, scope, since: scopeSince(scope, now), state: 'running', startedAt: now, updatedAt: now, finishedAt: null,
    runningMs: 0, runningSince: now, resources: { products: fresh(), customers: fresh(), orders: fresh() }, eventsQueued: 0, pageFailures: 0,
    nextAt: now, lastError: null, errors: [], version: (held?.version ?? 0) + 1,
  };
}

const stopClock = (run: HistoryRun, now: number) => ({ runningMs: run.runningMs + (run.runningSince === null ? 0 : Math.max(0, now - run.runningSince)), runningSince: null });

export function pauseRun(run: HistoryRun | null, now: number): HistoryRun {
  if (!run || run.state !== 'running') throw new HistoryTransitionError(`Only a running history sync can be paused (it is ${run?.state ?? 'not started'}).`);
  return { ...run, ...stopClock(run, now), state: 'paused', updatedAt: now, version: run.version + 1 };
}

/** Resumes a paused run, or tries a failed one again from its cursor. */
export function resumeRun(run: HistoryRun | null, now: number): HistoryRun {
  if (!run || (run.state !== 'paused' && run.state !== 'failed')) {
    throw new HistoryTransitionError(`Only a paused or failed history sync can be resumed (it is ${run?.state ?? 'not started'}).`);
  }
  return { ...run, state: 'running', runningSince: now, pageFailures: 0, nextAt: now, finishedAt: null, updatedAt: now, version: run.version + 1 };
}

export function cancelRun(run: HistoryRun | null, now: number): HistoryRun {
  if (!run || !(run.state === 'running' || run.state === 'paused' || run.state === 'failed')) {
    throw new HistoryTransitionError(`Only a running, paused or failed history sync can be cancelled (it is ${run?.state ?? 'not started'}).`);
  }
  return { ...run, ...stopClock(run, now), state: 'cancelled', finishedAt: now, updatedAt: now, version: run.version + 1 };
}

/**
 * A run as stored, with every resource: a run saved before products were read has none, and counts them as
 * finished (it did not read them).
 */
export function withAllResources(run: HistoryRun): HistoryRun {
  if (HISTORY_RESOURCES.every((r) => run.resources[r])) return run;
  const none: ResourceProgress = { cursor: null, done: 0, total: 0, finished: true };
  return { ...run, resources: Object.fromEntries(HISTORY_RESOURCES.map((r) => [r, run.resources[r] ?? none])) as HistoryRun['resources'] };
}

/** The resource the run reads next, or null when every one is finished. */
export function currentResource(run: HistoryRun): HistoryResource | null {
  return HISTORY_RESOURCES.find((r) => !withAllResources(run).resources[r].finished) ?? null;
}

/** The modified-after bound a resource's pages are read with: products are read whole. */
export const pageSince = (run: HistoryRun, resource: HistoryResource): string | null => (resource === 'products' ? null : run.since);

/** What one page held, as the worker saw it. */
export interface PageResult {
  resource: HistoryResource;
  /** The cursor the page was read from. */
  from: string | null;
  /** How many records were stored as deliveries. */
  stored: number;
  /** The next cursor, or null after the last page. */
  next: string | null;
  total: number | null;
  /** Events the stored records imply. */
  events: number;
  /** Records that could not be stored, with why. */
  problems: { recordId: number | null; message: string }[];
}

const keepErrors = (held: HistoryError[], more: HistoryError[]) => [...held, ...more].slice(-MAX_ERRORS);

/**
 * The run after a page was stored; null when the page no longer applies (the run is not running, or its cursor
 * moved on: another replica kept the same page first).
 */
export function applyPage(stored: HistoryRun, page: PageResult, now: number): HistoryRun | null {
  const run = withAllResources(stored);
  if (run.state !== 'running' || currentResource(run) !== page.resource || run.resources[page.resource].cursor !== page.from) return null;
  const held = run.resources[page.resource];
  const finished = page.next === null;
  const progress: ResourceProgress = {
    cursor: finished ? held.cursor : page.next, done: held.done + page.stored, total: page.total ?? held.total, finished,
  };
  if (finished) progress.total = progress.done;
  const next: HistoryRun = {
    ...run, resources: { ...run.resources, [page.resource]: progress }, eventsQueued: run.eventsQueued + page.events, pageFailures: 0,
    nextAt: now, lastError: null, updatedAt: now, version: run.version + 1,
    errors: keepErrors(run.errors, page.problems.map((p) => ({ at: now, resource: page.resource, recordId: p.recordId, message: p.message }))),
  };
  if (currentResource(next) === null) return { ...next, ...stopClock(next, now), state: 'done', finishedAt: now };
  return next;
}

/** The run after reading a page failed: tried again after a backoff, failed after MAX_PAGE_FAILURES in a row. */
export function applyPageFailure(run: HistoryRun, resource: HistoryResource, message: string, now: number): HistoryRun | null {
  if (run.state !== 'running') return null;
  const failures = run.pageFailures + 1;
  const errors = keepErrors(run.errors, [{ at: now, resource, recordId: null, message }]);
  const base = { ...run, pageFailures: failures, lastError: message, errors, updatedAt: now, version: run.version + 1 };
  if (failures >= MAX_PAGE_FAILURES) return { ...base, ...stopClock(run, now), state: 'failed', finishedAt: now };
  return { ...base, nextAt: now + Math.min(PAGE_RETRY_MAX_MS, PAGE_RETRY_BASE_MS * 2 ** (failures - 1)) };
}

export interface HistoryProgress {
  done: number;
  total: number | null;
  /** Records per minute while running. */
  ratePerMinute: number | null;
  /** Seconds left at that rate (null while unknown). */
  secondsLeft: number | null;
  /** Whole percent, when the total is known. */
  percent: number | null;
}

/** Progress from the counters: done over total, the rate over the time spent running, the time left at that rate. */
export function historyProgress(stored: HistoryRun, now: number): HistoryProgress {
  const run = withAllResources(stored);
  const done = HISTORY_RESOURCES.reduce((n, r) => n + run.resources[r].done, 0);
  const totals = HISTORY_RESOURCES.map((r) => run.resources[r].total);
  const total = totals.every((t) => t !== null) ? totals.reduce((a, b) => a! + b!, 0)! : null;
  const ms = run.runningMs + (run.runningSince === null ? 0 : Math.max(0, now - run.runningSince));
  const rate = ms >= 1000 && done > 0 ? (done / ms) * 60_000 : null;
  const left = total === null ? null : Math.max(0, total - done);
  return {
    done, total,
    ratePerMinute: rate === null ? null : Math.round(rate),
    secondsLeft: run.state === 'done' ? 0 : rate && left !== null ? Math.ceil((left / rate) * 60) : null,
    percent: run.state === 'done' ? 100 : total ? Math.min(100, Math.floor((done / total) * 100)) : null,
  };
}

/** The run with the totals the plugin counted for the resources it had none for (null: nothing new). */
export function applyTotals(stored: HistoryRun, totals: Partial<Record<HistoryResource, number>>, now: number): HistoryRun | null {
  const run = withAllResources(stored);
  const missing = HISTORY_RESOURCES.filter((r) => run.resources[r].total === null && typeof totals[r] === 'number');
  if (!missing.length || run.state !== 'running') return null;
  const resources = { ...run.resources };
  for (const r of missing) resources[r] = { ...resources[r], total: totals[r]! };
  return { ...run, resources, updatedAt: now, version: run.version + 1 };
}
