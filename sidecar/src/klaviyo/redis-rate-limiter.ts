/**
 * The rate limiter shared by every replica on one Redis: per Klaviyo account and operation, a GCRA
 * (generic cell rate algorithm) for the burst limit and one for the steady limit, checked and spent
 * together in one Lua script on Redis's clock. A Retry-After or an exhausted RateLimit-Remaining seen by
 * one replica blocks that account and operation for all of them; live work goes before backlog across
 * replicas too (a waiting live request raises a short-lived flag that backlog requests yield to).
 * What the estimator (allowance.ts) learns about the account's real allowance is shared too: the learned state
 * and the bucket sizes it implies live next to the GCRA times, the acquire script takes the sizes from there, and
 * every replica reads the learned state back at least once a second, so one replica's 429 paces them all.
 */
import type { Redis } from 'ioredis';
import { RATE_LIMITS } from './generated/ratelimits.js';
import { answerObservation, initialAllowance, observe, type AllowanceState } from './allowance.js';
import { bestSecond, countAnswer, pacingFor, publishedAllowance, type Operation, type Priority, type RateLimiter } from './rate-limiter.js';

const CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function fmt(x) return string.format('%.3f', x) end
`;

/**
 * ARGV: base key, priority, burst cap, burst interval ms, steady cap, steady interval ms (the published tier's;
 * the learned sizes in base:pace win). Returns ms to wait (0 = go). Counts grants per second and per minute for
 * the estimator.
 */
const ACQUIRE = `${CLOCK}
local base = ARGV[1]
local blocked = tonumber(redis.call('GET', base .. ':block') or '0')
if blocked > now then return math.ceil(blocked - now) end
if ARGV[2] == 'backlog' and redis.call('EXISTS', base .. ':live') == 1 then return 5 end
local bcap, bint, scap, sint = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local pace = redis.call('GET', base .. ':pace')
if pace then
  local p = {}
  for x in string.gmatch(pace, '%S+') do p[#p + 1] = tonumber(x) end
  bcap, bint, scap, sint = p[1], p[2], p[3], p[4]
end
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
local sec = base .. ':n1:' .. math.floor(now / 1000)
redis.call('INCR', sec)
redis.call('PEXPIRE', sec, 2100)
local min = base .. ':n60:' .. math.floor(now / 60000)
redis.call('INCR', min)
redis.call('PEXPIRE', min, 121000)
return 0
`;

/** ARGV: base key. Returns now, then grants in this second, the last second, this minute, the last minute. */
const SENT = `${CLOCK}
local base = ARGV[1]
local s, m = math.floor(now / 1000), math.floor(now / 60000)
local function n(k) return tonumber(redis.call('GET', k) or '0') end
return { now, n(base .. ':n1:' .. s), n(base .. ':n1:' .. (s - 1)), n(base .. ':n60:' .. m), n(base .. ':n60:' .. (m - 1)) }
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

/** A learned state is forgotten after a day without news: the account's limits may have been raised. */
const LEARNED_TTL_MS = 86_400_000;

interface Shared { state: AllowanceState; limits: Limits; readAt: number }

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
  private readonly shared = new Map<string, Shared>();
  private readonly refreshing = new Map<string, Promise<Shared>>();
  /** This replica's answers per second (a lower bound on the account's burst limit is all it is used for). */
  private readonly accepted = new Map<string, [number, number][]>();

  constructor(private readonly redis: Redis, private readonly prefix: string, opts: RedisLimiterOptions = {}) {
    this.headroom = opts.headroom ?? 0.95;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.onError = opts.onError ?? (() => {});
    redis.defineCommand('wckRlAcquire', { numberOfKeys: 0, lua: ACQUIRE });
    redis.defineCommand('wckRlBlock', { numberOfKeys: 0, lua: BLOCK });
    redis.defineCommand('wckRlClamp', { numberOfKeys: 0, lua: CLAMP });
    redis.defineCommand('wckRlSent', { numberOfKeys: 0, lua: SENT });
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
      l = this.limitsFor(initialAllowance(publishedAllowance(operation)));
      this.limits.set(operation, l);
    }
    return l;
  }

  private limitsFor(state: AllowanceState): Limits {
    const { burst, steady } = pacingFor(state.allowance, this.headroom);
    return { bcap: burst.capacity, bint: 1000 / burst.perSecond, scap: steady.capacity, sint: 1000 / steady.perSecond };
  }

  private call<T = number>(name: 'wckRlAcquire' | 'wckRlBlock' | 'wckRlClamp' | 'wckRlSent', ...args: (string | number)[]): Promise<T> {
    const fn = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[name]!;
    return fn.call(this.redis, ...args);
  }

  /** The learned state every replica shares, read from Redis at most once a second. */
  private async learned(base: string, operation: Operation, now: number): Promise<Shared> {
    const cached = this.shared.get(base);
    if (cached && now - cached.readAt < 1000) return cached;
    let pending = this.refreshing.get(base);
    if (!pending) {
      pending = (async () => {
        const raw = await this.redis.get(`${base}:learned`);
        let state = initialAllowance(publishedAllowance(operation));
        if (raw) {
          try {
            state = { ...state, ...(JSON.parse(raw) as AllowanceState) };
          } catch { /* unreadable: start again from the published tier */ }
        }
        // The steady window as this replica last saw it stays local: it changes with every answer.
        if (cached) state = { ...state, remaining: cached.state.remaining, resetAt: cached.state.resetAt };
        const s: Shared = { state, limits: this.limitsFor(state), readAt: Date.now() };
        this.shared.set(base, s);
        return s;
      })().finally(() => this.refreshing.delete(base));
      this.refreshing.set(base, pending);
    }
    return pending;
  }

  /** Runs one observation through the estimator and shares the result when the allowance changed. */
  private async learn(base: string, operation: Operation, step: (s: AllowanceState) => AllowanceState): Promise<Shared> {
    const cur = await this.learned(base, operation, Date.now());
    const next = step(cur.state);
    if (next === cur.state) return cur;
    const s: Shared = { state: next, limits: this.limitsFor(next), readAt: cur.readAt };
    this.shared.set(base, s);
    const a = cur.state;
    const changed = next.allowance.burst !== a.allowance.burst || next.allowance.steady !== a.allowance.steady
      || next.steadyHeader !== a.steadyHeader || next.lastCutAt !== a.lastCutAt || next.lastRaiseAt !== a.lastRaiseAt
      || next.burstSuspectAt !== a.burstSuspectAt;
    if (changed) {
      const { remaining: _r, resetAt: _t, ...lasting } = next;
      const l = s.limits;
      await this.redis.multi()
        .set(`${base}:learned`, JSON.stringify({ ...lasting, remaining: null, resetAt: null }), 'PX', LEARNED_TTL_MS)
        .set(`${base}:pace`, `${l.bcap} ${l.bint} ${l.scap} ${l.sint}`, 'PX', LEARNED_TTL_MS)
        .exec();
    }
    return s;
  }

  /** The allowance learned so far (shared by every replica). */
  async allowance(accountId: string, operation: Operation): Promise<{ burst: number; steady: number }> {
    const base = this.base(accountId, operation);
    this.shared.delete(base);
    return { ...(await this.learned(base, operation, Date.now())).state.allowance };
  }

  async acquire(accountId: string, operation: Operation, priority: Priority = 'live'): Promise<void> {
    // The published sizes; the script takes the learned ones from Redis when a replica has learned any.
    const l = this.limitsOf(operation);
    const base = this.base(accountId, operation);
    for (;;) {
      const wait = Number(await this.call('wckRlAcquire', base, priority, l.bcap, l.bint, l.scap, l.sint));
      if (wait <= 0) return;
      // Refresh what other replicas learned while waiting (at most once a second).
      void this.learned(base, operation, Date.now()).catch(this.onError);
      await this.sleep(Math.min(wait, 1000));
    }
  }

  blockFor(accountId: string, operation: Operation, ms: number): void {
    this.call('wckRlBlock', this.base(accountId, operation), Math.max(1, Math.ceil(ms))).catch(this.onError);
  }

  observe(accountId: string, operation: Operation, headers: Record<string, string | string[] | undefined>): void {
    const base = this.base(accountId, operation);
    const now = Date.now();
    const obs = answerObservation(now, headers);
    if (obs.kind === 'answer' && obs.limit !== undefined) {
      let a = this.accepted.get(base);
      if (!a) this.accepted.set(base, (a = []));
      countAnswer(a, now);
    }
    void (async () => {
      const s = await this.learn(base, operation, (st) => observe(st, obs));
      if (obs.kind !== 'answer' || obs.remaining === undefined || obs.resetSeconds === undefined) return;
      if (obs.remaining <= 0) {
        this.blockFor(accountId, operation, obs.resetSeconds * 1000);
        return;
      }
      await this.call('wckRlClamp', base, obs.remaining, s.limits.scap, s.limits.sint);
    })().catch(this.onError);
  }

  throttled(accountId: string, operation: Operation, retryAfterMs: number | null): void {
    const base = this.base(accountId, operation);
    this.blockFor(accountId, operation, retryAfterMs ?? 1000);
    void (async () => {
      const [now, sec, prevSec, min, prevMin] = (await this.call<number[]>('wckRlSent', base)).map(Number) as [number, number, number, number, number];
      // Sliding-window estimates from the fixed per-second and per-minute counts of every replica's grants.
      const sentLastSecond = Math.round(sec + prevSec * (1 - (now % 1000) / 1000));
      const sentLastMinute = Math.round(min + prevMin * (1 - (now % 60_000) / 60_000));
      const at = Date.now();
      const acceptedBestSecond = bestSecond(this.accepted.get(base) ?? [], at);
      await this.learn(base, operation, (st) => observe(st, { kind: 'throttled', at, retryAfterMs, sentLastSecond, sentLastMinute, acceptedBestSecond }));
    })().catch(this.onError);
  }
}
