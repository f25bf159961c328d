/**
 * Paces requests per Klaviyo account and rate-limit tier, just under both the burst (per second) and the
 * steady (per minute) limits in the spec's x-klaviyo-ratelimit, and honours Retry-After from 429s.
 * Live work goes before backlog work. This in-memory limiter serves one process; the interface lets a
 * shared (Redis) limiter serve several replicas.
 */
import { createHash } from 'node:crypto';
import { RATE_LIMITS } from './generated/ratelimits.js';

export type Operation = keyof typeof RATE_LIMITS;
export type Priority = 'live' | 'backlog';

export interface RateLimiter {
  acquire(accountId: string, operation: Operation, priority?: Priority): Promise<void>;
  /** A 429 told us to wait: nobody on that account and operation sends until then. */
  blockFor(accountId: string, operation: Operation, ms: number): void;
  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void;
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
export function pacing(operation: Operation, headroom = 0.95): { burst: { capacity: number; perSecond: number }; steady: { capacity: number; perSecond: number } } {
  const limits = RATE_LIMITS[operation];
  const window = (limit: number, seconds: number) => {
    const rate = limit * headroom;
    return { capacity: Math.max(1, Math.floor(limit * 0.98 - rate)), perSecond: rate / seconds };
  };
  return { burst: window(perSecond(limits.burst), 1), steady: window(perSecond(limits.steady) * 60, 60) };
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

export class InMemoryRateLimiter implements RateLimiter {
  private readonly state = new Map<string, { burst: Bucket; steady: Bucket; blockedUntil: number; liveWaiting: number }>();
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

  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void {
    const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const remaining = Number(first(headers['ratelimit-remaining']));
    const reset = Number(first(headers['ratelimit-reset']));
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    const e = this.entry(accountId, operation);
    // Klaviyo's headers describe the steady window, shared with every other tool on the account.
    if (remaining <= 0) e.blockedUntil = Math.max(e.blockedUntil, this.now() + reset * 1000);
    else e.steady.tokens = Math.min(e.steady.tokens, remaining);
  }
}
