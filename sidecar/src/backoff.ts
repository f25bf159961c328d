/**
 * Exponential backoff with full jitter: the delay before attempt n+1, capped, never below half the base. Shared by
 * the retry policy (whose delay becomes a job's stored due time) and by storage's in-process retries of a write
 * that Redis did not answer. A leaf module: it imports nothing.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** attempt = how many attempts have been made, including the one that just failed. */
export function backoffMs(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(opts.baseMs / 2, Math.round(random() * ceiling));
}
