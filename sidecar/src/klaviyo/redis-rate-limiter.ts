/**
 * The rate limiter shared by every replica on one Redis: per Klaviyo account and operation, a GCRA
 * (generic cell rate algorithm) for the burst limit and one for the steady limit, checked and spent
 * together in one Lua script on Redis's clock. A Retry-After or an exhausted RateLimit-Remaining seen by
 * one replica blocks that account and operation for all of them; live work goes before backlog across
 * replicas too (a waiting live request raises a short-lived flag that backlog requests yield to).
 */
import type { Redis } from 'ioredis';
import { RATE_LIMITS } from './generated/ratelimits.js';
import { pacing, type Operation, type Priority, type RateLimiter } from './rate-limiter.js';

const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function fmt(x) return string.format('%.3f', x) end
`;

/** ARGV: base key, priority, burst cap, burst interval ms, steady cap, steady interval ms. Returns ms to wait (0 = go). */
const ACQUIRE = `${CLOCK}
local base = ARGV[1]
local blocked = tonumber(redis.call('GET', base .. ':block') or '0')
if blocked > now then return math.ceil(blocked - now) end
if ARGV[2] == 'backlog' and redis.call('EXISTS', base .. ':live') == 1 then return 5 end
local bcap, bint, scap, sint = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local btat = math.max(tonumber(redis.call('GET', base .. ':b') or '0'), now)
local stat = math.max(tonumber(redis.call('GET', base .. ':s') or '0'), now)
local wait = math.max(btat - now - (bcap - 1) * bint, stat - now - (scap - 1) * sint)
-- Sub-millisecond waits are rounding in the stored times, not a limit.
if wait >= 1 then
  if ARGV[2] == 'live' then redis.call('SET', base .. ':live', '1', 'PX', 200) end
  return math.ceil(wait)
end
redis.call('SET', base .. ':b', fmt(btat + bint), 'PX', math.ceil(bcap * bint + 1000))
redis.call('SET', base .. ':s', fmt(stat + sint), 'PX', math.ceil(scap * sint + 1000))
return 0
`;

/** ARGV: base key, ms. Nobody sends on this account and operation for ms. */
const BLOCK = `${CLOCK}
local base, ms = ARGV[1], tonumber(ARGV[2])
local untilMs = now + ms
local cur = tonumber(redis.call('GET', base .. ':block') or '0')
if untilMs > cur then redis.call('SET', base .. ':block', fmt(untilMs), 'PX', math.max(1, math.ceil(ms))) end
return 0
`;

/** ARGV: base key, remaining, steady cap, steady interval ms. At most `remaining` requests may go at once. */
const CLAMP = `${CLOCK}
local base, remaining, scap, sint = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local stat = tonumber(redis.call('GET', base .. ':s') or '0')
local floor = now + (scap - remaining) * sint
if floor > stat then redis.call('SET', base .. ':s', fmt(floor), 'PX', math.ceil(scap * sint + 1000)) end
return 0
`;

interface Limits { bcap: number; bint: number; scap: number; sint: number }

export interface RedisLimiterOptions {
  /** Fraction of the published limits to use (default 0.95, as the in-process limiter). */
  headroom?: number;
  sleep?: (ms: number) => Promise<void>;
  onError?: (err: unknown) => void;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly headroom: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onError: (err: unknown) => void;
  private readonly limits = new Map<Operation, Limits>();

  constructor(private readonly redis: Redis, private readonly prefix: string, opts: RedisLimiterOptions = {}) {
    this.headroom = opts.headroom ?? 0.95;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.onError = opts.onError ?? (() => {});
    redis.defineCommand('wckRlAcquire', { numberOfKeys: 0, lua: ACQUIRE });
    redis.defineCommand('wckRlBlock', { numberOfKeys: 0, lua: BLOCK });
    redis.defineCommand('wckRlClamp', { numberOfKeys: 0, lua: CLAMP });
  }

  private base(accountId: string, operation: Operation): string {
    const l = RATE_LIMITS[operation];
    // Same key shape as the in-process limiter: account, tier (burst and steady) and operation.
    return `${this.prefix}:rl:${accountId}:${l.burst}:${l.steady}:${operation}`;
  }

  private limitsOf(operation: Operation): Limits {
    let l = this.limits.get(operation);
    if (!l) {
      // The in-process limiter's bucket sizes: GCRA with capacity C and interval 1/r is a token bucket (C, r).
      const { burst, steady } = pacing(operation, this.headroom);
      l = { bcap: burst.capacity, bint: 1000 / burst.perSecond, scap: steady.capacity, sint: 1000 / steady.perSecond };
      this.limits.set(operation, l);
    }
    return l;
  }

  private call(name: 'wckRlAcquire' | 'wckRlBlock' | 'wckRlClamp', ...args: (string | number)[]): Promise<number> {
    const fn = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<number>>)[name]!;
    return fn.call(this.redis, ...args);
  }

  async acquire(accountId: string, operation: Operation, priority: Priority = 'live'): Promise<void> {
    const l = this.limitsOf(operation);
    const base = this.base(accountId, operation);
    for (;;) {
      const wait = Number(await this.call('wckRlAcquire', base, priority, l.bcap, l.bint, l.scap, l.sint));
      if (wait <= 0) return;
      await this.sleep(Math.min(wait, 1000));
    }
  }

  blockFor(accountId: string, operation: Operation, ms: number): void {
    this.call('wckRlBlock', this.base(accountId, operation), Math.max(1, Math.ceil(ms))).catch(this.onError);
  }

  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void {
    const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const remaining = Number(first(headers['ratelimit-remaining']));
    const reset = Number(first(headers['ratelimit-reset']));
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    if (remaining <= 0) {
      this.blockFor(accountId, operation, reset * 1000);
      return;
    }
    const l = this.limitsOf(operation);
    this.call('wckRlClamp', this.base(accountId, operation), remaining, l.scap, l.sint).catch(this.onError);
  }
}
