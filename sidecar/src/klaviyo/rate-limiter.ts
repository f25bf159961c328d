/**
 * Paces requests per Klaviyo account and rate-limit tier, just under both the burst (per second) and the
 * steady (per minute) limits in the spec's x-klaviyo-ratelimit, and honours Retry-After from 429s. What the
 * account really allows is learned from its answers and 429s (allowance.ts) and resizes the buckets.
 * Live work goes before backlog work. This in-memory limiter serves one process; the interface lets a
 * shared (Redis) limiter serve several replicas.
 */
import { createHash } from 'node:crypto';
import { answerObservation, initialAllowance, observe, type Allowance, type AllowanceState } from './allowance.js';
import { RATE_LIMITS } from './generated/ratelimits.js';

export type Operation = keyof typeof RATE_LIMITS;
export type Priority = 'live' | 'backlog';

export interface RateLimiter {
  acquire(accountId: string, operation: Operation, priority?: Priority): Promise<void>;
  /** A 429 told us to wait: nobody on that account and operation sends until then. */
  blockFor(accountId: string, operation: Operation, ms: number): void;
  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void;
  /** A 429 came back: wait Retry-After (a second without one) and learn the account's real allowance from it. */
  throttled(accountId: string, operation: Operation, retryAfterMs: number | null): void;
}

export function accountIdForKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

export function perSecond(spec: string): number {
  const m = /^(\d+)\/([smhd])$/.exec(spec);
  if (!m) throw new Error(`unreadable rate limit ${spec}`);
  const n = Number(m[1]);
  return n / { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

interface Bucket { capacity: number; tokens: number; refillPerMs: number; updated: number }

function bucket(capacity: number, refillPerSecond: number, now: number): Bucket {
  return { capacity, tokens: capacity, refillPerMs: refillPerSecond / 1000, updated: now };
}

function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.capacity, b.tokens + (now - b.updated) * b.refillPerMs);
  b.updated = now;
}

/**
 * Token-bucket settings that keep every fixed window of Klaviyo's (1 s burst, 1 min steady, aligned we do not know
 * how) within the limit. A bucket of capacity C refilled at r per window lets through at most C + r in any one
 * window, so a bucket as big as its refill (the obvious choice) lets through up to twice the limit in a window
 * that starts when the bucket is full: after any idle spell. Here r is headroom × limit and C the rest, less a
 * margin of 2% of the limit for network jitter moving a request across a window edge: C + r ≤ 0.98 × limit.
 */
export function pacing(operation: Operation, headroom = 0.95): Pacing {
  return pacingFor(publishedAllowance(operation), headroom);
}

export interface Pacing { burst: { capacity: number; perSecond: number }; steady: { capacity: number; perSecond: number } }

/** The same bucket settings for an allowance learned from the account's answers (allowance.ts). */
export function pacingFor(allowance: Allowance, headroom = 0.95): Pacing {
  const window = (limit: number, seconds: number) => {
    const rate = limit * headroom;
    return { capacity: Math.max(1, Math.floor(limit * 0.98 - rate)), perSecond: rate / seconds };
  };
  return { burst: window(allowance.burst, 1), steady: window(allowance.steady, 60) };
}

/** The published tier of an operation (x-klaviyo-ratelimit), per 1-second and per 1-minute window. */
export function publishedAllowance(operation: Operation): Allowance {
  const limits = RATE_LIMITS[operation];
  return { burst: perSecond(limits.burst), steady: perSecond(limits.steady) * 60 };
}

/** How many of the ascending times fall in (at - ms, at]. */
export function countSince(times: number[], at: number, ms: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > at - ms; i--) if (times[i]! <= at) n++;
  return n;
}

function waitFor(b: Bucket): number {
  return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / b.refillPerMs);
}

export interface LimiterOptions {
  /** Fraction of the published limits to use (default 0.95: just under). */
  headroom?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  burst: Bucket;
  steady: Bucket;
  blockedUntil: number;
  liveWaiting: number;
  learned: AllowanceState;
  /** Grant times of the last minute, ascending: what we sent, for the estimator. */
  grants: number[];
  /** Answers (not 429) per second of our clock over the last minute: [second, count], ascending. */
  accepted: [number, number][];
}

/** Counts one answer in its second, keeping the last minute. */
export function countAnswer(accepted: [number, number][], now: number): void {
  const sec = Math.floor(now / 1000);
  const last = accepted[accepted.length - 1];
  if (last && last[0] === sec) last[1]++;
  else accepted.push([sec, 1]);
  while (accepted.length > 0 && accepted[0]![0] <= sec - 60) accepted.shift();
}

/** The most answers in one second of the last minute. */
export function bestSecond(accepted: [number, number][], now: number): number {
  const sec = Math.floor(now / 1000);
  let best = 0;
  for (const [s, n] of accepted) if (s > sec - 60) best = Math.max(best, n);
  return best;
}

export class InMemoryRateLimiter implements RateLimiter {
  private readonly state = new Map<string, Entry>();
  private readonly headroom: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: LimiterOptions = {}) {
    this.headroom = opts.headroom ?? 0.95;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private entry(accountId: string, operation: Operation) {
    const key = `${accountId}|${RATE_LIMITS[operation].burst}|${RATE_LIMITS[operation].steady}|${operation}`;
    let e = this.state.get(key);
    if (!e) {
      const { burst, steady } = pacing(operation, this.headroom);
      const now = this.now();
      e = {
        burst: bucket(burst.capacity, burst.perSecond, now),
        steady: bucket(steady.capacity, steady.perSecond, now),
        blockedUntil: 0,
        liveWaiting: 0,
        learned: initialAllowance(publishedAllowance(operation)),
        grants: [],
        accepted: [],
      };
      this.state.set(key, e);
    }
    return e;
  }

  async acquire(accountId: string, operation: Operation, priority: Priority = 'live'): Promise<void> {
    const e = this.entry(accountId, operation);
    if (priority === 'live') e.liveWaiting++;
    try {
      for (;;) {
        const now = this.now();
        refill(e.burst, now);
        refill(e.steady, now);
        let wait = Math.max(e.blockedUntil - now, waitFor(e.burst), waitFor(e.steady));
        if (wait <= 0 && priority === 'backlog' && e.liveWaiting > 0) wait = 5;
        if (wait <= 0) {
          e.burst.tokens -= 1;
          e.steady.tokens -= 1;
          e.grants.push(now);
          if (e.grants.length > 64 && e.grants[0]! <= now - 60_000) e.grants = e.grants.filter((t) => t > now - 60_000);
          return;
        }
        await this.sleep(Math.min(wait, 1000));
      }
    } finally {
      if (priority === 'live') e.liveWaiting--;
    }
  }

  blockFor(accountId: string, operation: Operation, ms: number): void {
    const e = this.entry(accountId, operation);
    e.blockedUntil = Math.max(e.blockedUntil, this.now() + ms);
  }

  /** The allowance learned so far for an account and operation (published tier until something is learned). */
  allowance(accountId: string, operation: Operation): Allowance {
    return { ...this.entry(accountId, operation).learned.allowance };
  }

  private learn(e: Entry, next: AllowanceState): void {
    const before = e.learned.allowance;
    e.learned = next;
    if (next.allowance.burst === before.burst && next.allowance.steady === before.steady) return;
    const p = pacingFor(next.allowance, this.headroom);
    const now = this.now();
    refill(e.burst, now);
    refill(e.steady, now);
    e.burst = { capacity: p.burst.capacity, tokens: Math.min(e.burst.tokens, p.burst.capacity), refillPerMs: p.burst.perSecond / 1000, updated: now };
    e.steady = { capacity: p.steady.capacity, tokens: Math.min(e.steady.tokens, p.steady.capacity), refillPerMs: p.steady.perSecond / 1000, updated: now };
  }

  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void {
    const e = this.entry(accountId, operation);
    const now = this.now();
    const obs = answerObservation(now, headers);
    if (obs.kind === 'answer' && obs.limit !== undefined) countAnswer(e.accepted, now);
    this.learn(e, observe(e.learned, obs));
    if (obs.kind !== 'answer' || obs.remaining === undefined || obs.resetSeconds === undefined) return;
    // Klaviyo's headers describe the steady window, shared with every other tool on the account.
    if (obs.remaining <= 0) e.blockedUntil = Math.max(e.blockedUntil, now + obs.resetSeconds * 1000);
    else e.steady.tokens = Math.min(e.steady.tokens, obs.remaining);
  }

  throttled(accountId: string, operation: Operation, retryAfterMs: number | null): void {
    const e = this.entry(accountId, operation);
    const now = this.now();
    this.learn(e, observe(e.learned, {
      kind: 'throttled', at: now, retryAfterMs,
      sentLastSecond: countSince(e.grants, now, 1000), sentLastMinute: countSince(e.grants, now, 60_000),
      acceptedBestSecond: bestSecond(e.accepted, now),
    }));
    this.blockFor(accountId, operation, retryAfterMs ?? 1000);
  }
}
