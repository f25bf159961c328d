/**
 * The estimator of an account's real rate allowance per operation (pure: observations in, allowance out; it
 * never reads the clock, every observation says when it happened). Klaviyo publishes tiers (x-klaviyo-ratelimit),
 * but some accounts are allowed less, and other integrations on the account spend the same allowance.
 *
 * What Klaviyo tells us (developers.klaviyo.com, "Rate limits, status codes, and errors"): every non-429 answer
 * carries RateLimit-Limit (the steady, 1-minute, limit), RateLimit-Remaining (about how many are left in the
 * current steady window) and RateLimit-Reset (seconds until it resets); a 429 carries only Retry-After (seconds).
 *
 * - Steady: RateLimit-Limit is the account's steady limit, so it is taken as is.
 * - Burst: never told. The prior is the published burst scaled like the steady limit (an account at a tenth of
 *   the published steady limit is most likely at a tenth of the burst too). A burst 429 (Retry-After of at most a
 *   second while the steady window still had room) confirmed by another in a later second within ten seconds cuts
 *   it to 90% of what we sent in the last second (a lone one, say another integration's burst, only waits its
 *   Retry-After), once per second however many in-flight requests come back throttled; a clean minute raises it
 *   by 5% again, up to the prior (additive increase, multiplicative decrease), but for ten minutes not up to where
 *   the 429 came.
 * - A steady 429 without a known RateLimit-Limit cuts the steady estimate the same way from the last minute's count.
 */

export interface Allowance {
  /** Requests per 1-second window. */
  burst: number;
  /** Requests per 1-minute window. */
  steady: number;
}

export interface AllowanceState {
  published: Allowance;
  allowance: Allowance;
  /** The steady limit Klaviyo last told us in RateLimit-Limit, or null. */
  steadyHeader: number | null;
  /** The burst never goes above this: the published burst scaled as the steady limit. */
  burstCeiling: number;
  lastCutAt: number;
  lastRaiseAt: number;
  /** The burst estimate a burst 429 came at: not tried again for ten minutes. */
  burstFailedAt: number | null;
  /** When a burst 429 came that cut nothing yet: a lone one (another integration's burst, a blip) teaches nothing. */
  burstSuspectAt: number | null;
  /** The steady window as the last answer described it. */
  remaining: number | null;
  resetAt: number | null;
}

export type Observation =
  | { kind: 'answer'; at: number; limit?: number; remaining?: number; resetSeconds?: number }
  | {
      kind: 'throttled';
      at: number;
      /** Retry-After in ms, or null when the 429 had none. */
      retryAfterMs: number | null;
      /** How many requests we sent in the second before, and in the minute before. */
      sentLastSecond: number;
      sentLastMinute: number;
      /**
       * The most answers (not 429) in one second of the last minute, seconds aligned to our clock. Klaviyo's windows
       * are aligned to its own, so the burst limit is at least half of it: a cut never goes below that (429s that
       * our pace does not explain, say injected or another integration's, cannot starve us).
       */
      acceptedBestSecond?: number;
    };

const CUT = 0.9;
const RAISE = 0.05;
const RAISE_AFTER_MS = 60_000;
const RETRY_FAILED_AFTER_MS = 600_000;
const CONFIRM_WITHIN_MS = 10_000;

export function initialAllowance(published: Allowance): AllowanceState {
  return {
    published,
    allowance: { ...published },
    steadyHeader: null,
    burstCeiling: published.burst,
    // Long ago (kept JSON-safe: the Redis limiter shares this state between replicas).
    lastCutAt: Number.MIN_SAFE_INTEGER,
    lastRaiseAt: Number.MIN_SAFE_INTEGER,
    burstFailedAt: null,
    burstSuspectAt: null,
    remaining: null,
    resetAt: null,
  };
}

function scaledBurst(published: Allowance, steady: number): number {
  const scaled = Math.ceil((published.burst * steady) / published.steady);
  return Math.max(1, Math.min(steady, scaled));
}

/** The state after one observation. The input is never changed; an unchanged state is returned as is. */
export function observe(state: AllowanceState, obs: Observation): AllowanceState {
  if (obs.kind === 'answer') {
    let next = state;
    const edit = (patch: Partial<AllowanceState>) => {
      next = { ...next, ...patch };
    };
    if (obs.remaining !== undefined && obs.resetSeconds !== undefined && Number.isFinite(obs.remaining) && Number.isFinite(obs.resetSeconds)) {
      edit({ remaining: obs.remaining, resetAt: obs.at + obs.resetSeconds * 1000 });
    }
    if (obs.limit !== undefined && Number.isFinite(obs.limit) && obs.limit >= 1 && obs.limit !== state.steadyHeader) {
      const steady = Math.floor(obs.limit);
      const ceiling = scaledBurst(state.published, steady);
      edit({
        steadyHeader: steady,
        burstCeiling: ceiling,
        allowance: { steady, burst: Math.min(next.allowance.burst, ceiling) },
      });
    }
    const a = next.allowance;
    // Only a real answer (Klaviyo sends RateLimit-Limit on every non-429) counts as a clean moment to raise.
    if (obs.limit !== undefined && a.burst < next.burstCeiling && obs.at - next.lastCutAt >= RAISE_AFTER_MS && obs.at - next.lastRaiseAt >= RAISE_AFTER_MS) {
      let burst = Math.min(next.burstCeiling, a.burst + Math.max(1, Math.ceil(a.burst * RAISE)));
      // Up to just under where the last burst 429 came, until that is ten minutes old.
      const failed = next.burstFailedAt;
      if (failed !== null && obs.at - next.lastCutAt < RETRY_FAILED_AFTER_MS) burst = Math.min(burst, Math.max(a.burst, failed - 1));
      if (burst > a.burst) edit({ allowance: { ...a, burst }, lastRaiseAt: obs.at });
    }
    return next;
  }
  // One cut per second: the other in-flight requests of the same overflow come back throttled too.
  if (obs.at - state.lastCutAt < 1000) return state;
  const steadyFull = (obs.retryAfterMs !== null && obs.retryAfterMs > 1000)
    || (state.remaining !== null && state.resetAt !== null && obs.at < state.resetAt && state.remaining <= 1);
  const a = state.allowance;
  if (steadyFull) {
    // With RateLimit-Limit known, a full steady window means others spent it: Retry-After covers that.
    if (state.steadyHeader !== null) return state;
    const steady = Math.max(1, Math.floor(Math.min(a.steady, obs.sentLastMinute) * CUT));
    return { ...state, allowance: { steady, burst: Math.min(a.burst, steady) }, burstCeiling: Math.min(state.burstCeiling, scaledBurst(state.published, steady)), lastCutAt: obs.at };
  }
  // A burst 429 cuts only when another one, in a later second, confirms it within ten seconds.
  const suspect = state.burstSuspectAt;
  if (suspect !== null && obs.at - suspect < 1000) return state;
  if (suspect === null || obs.at - suspect > CONFIRM_WITHIN_MS) return { ...state, burstSuspectAt: obs.at };
  const from = Math.min(a.burst, Math.max(1, obs.sentLastSecond));
  const floor = Math.min(a.burst, Math.ceil((obs.acceptedBestSecond ?? 0) / 2));
  const burst = Math.max(1, floor, Math.floor(from * CUT));
  return { ...state, allowance: { ...a, burst }, lastCutAt: obs.at, burstFailedAt: from, burstSuspectAt: null };
}

/** Reads the RateLimit-* headers of an answer into an observation. */
export function answerObservation(at: number, headers: Record<string, string | string[] | undefined>): Observation {
  const num = (name: string): number | undefined => {
    const v = headers[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (s === undefined) return undefined;
    // Take the leading number: "350" and the draft-standard "350;w=60" alike.
    const m = /^\s*(\d+(?:\.\d+)?)/.exec(s);
    return m ? Number(m[1]) : undefined;
  };
  const obs: Observation = { kind: 'answer', at };
  const limit = num('ratelimit-limit');
  const remaining = num('ratelimit-remaining');
  const reset = num('ratelimit-reset');
  if (limit !== undefined) obs.limit = limit;
  if (remaining !== undefined) obs.remaining = remaining;
  if (reset !== undefined) obs.resetSeconds = reset;
  return obs;
}
