/**
 * Which failures retry, decided in one place.
 * - 429: wait as Retry-After (or the detail text) says, plus jitter; does not consume an attempt.
 * - 5xx, timeouts, connection resets, an open circuit: exponential backoff with full jitter, capped; after
 *   maxAttempts the job is dead-lettered.
 * - 400-class: dead at once, keeping Klaviyo's error detail (retrying cannot fix the request); but a back-in-stock
 *   subscription for a catalog variant Klaviyo does not hold yet is retried like a 5xx (its catalog job may be in flight).
 * - 401/403: pause the store until a valid key is saved; nothing is lost. A 403 on a deletion request is the key's
 *   missing `data-privacy:write` scope, which no other request needs: that request is dead (replayed once the scope
 *   is added), the store keeps syncing.
 * - 409 duplicate_profile on a profile upsert: retry once without the conflicting phone, then dead.
 */
import { backoffMs, type BackoffOptions } from '../backoff.js';
import { KlaviyoError } from '../klaviyo/errors.js';
import type { RequestKind } from '../klaviyo/types.js';

export interface RetryOptions extends BackoffOptions {
  maxAttempts: number;
}

export type Decision =
  | { action: 'retry'; delayMs: number; consumesAttempt: boolean }
  | { action: 'dead'; reason: string }
  | { action: 'pause'; reason: string }
  | { action: 'retry_without_phone' };

/** The scope Klaviyo's data-privacy-deletion-jobs needs. */
export const PRIVACY_SCOPE = 'data-privacy:write';

export const missingScope = (scope: string, detail: string): string =>
  `The Klaviyo private key lacks the \`${scope}\` scope: add it to the key in Klaviyo, then replay this request. ${detail}`;

/** attempt = how many attempts have been made, including the one that just failed. */
export function decide(error: unknown, attempt: number, opts: RetryOptions, ctx: { kind: RequestKind; phoneDropped?: boolean }): Decision {
  const random = opts.random ?? Math.random;
  if (!(error instanceof KlaviyoError)) {
    return { action: 'dead', reason: error instanceof Error ? error.message : String(error) };
  }
  switch (error.errorClass) {
    case 'rate_limited': {
      const wait = (error as { retryAfterMs?: number | null }).retryAfterMs;
      const delay = wait != null ? wait + Math.round(random() * 250) : backoffMs(attempt, opts);
      return { action: 'retry', delayMs: delay, consumesAttempt: false };
    }
    case 'auth':
      if (ctx.kind === 'privacy_deletion' && error.status === 403) return { action: 'dead', reason: missingScope(PRIVACY_SCOPE, error.message) };
      return { action: 'pause', reason: error.message };
    case 'conflict':
      if (ctx.kind === 'profile' && !ctx.phoneDropped) return { action: 'retry_without_phone' };
      return { action: 'dead', reason: error.message };
    case 'bad_request':
      // A back-in-stock subscription for a variant Klaviyo does not hold yet: the product's catalog job may still be on
      // its way (a new product), so it is tried again like a 5xx before it is dead.
      if (ctx.kind === 'back_in_stock' && error.errors.some((e) => /catalog variant .* does not exist/i.test(e.detail ?? ''))) {
        if (attempt >= opts.maxAttempts) return { action: 'dead', reason: `${error.message} (gave up after ${attempt} attempts)` };
        return { action: 'retry', delayMs: backoffMs(attempt, opts), consumesAttempt: true };
      }
      return { action: 'dead', reason: error.message };
    case 'circuit_open':
      return { action: 'retry', delayMs: Math.max((error as { retryInMs?: number }).retryInMs ?? 0, opts.baseMs), consumesAttempt: false };
    case 'server':
    case 'network':
      if (attempt >= opts.maxAttempts) return { action: 'dead', reason: `${error.message} (gave up after ${attempt} attempts)` };
      return { action: 'retry', delayMs: backoffMs(attempt, opts), consumesAttempt: true };
  }
}
