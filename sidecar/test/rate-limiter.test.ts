/**
 * The in-process limiter against Klaviyo's fixed windows. Klaviyo counts requests in fixed 1-second and 1-minute
 * windows whose alignment we do not know, so the limiter must keep ANY 1-s and ANY 60-s interval within the limit
 * (checked here with a sliding window, which covers every alignment), while still using at least 90% of the steady
 * limit. Simulated clock: sleeping advances it, so minutes pass instantly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryRateLimiter, pacing, type Operation } from '../src/klaviyo/rate-limiter.js';

/** The most timestamps in any half-open interval [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    if (j < i) j = i;
    while (j < times.length && times[j]! < times[i]! + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** One sender that always has work: acquires back to back for `ms` of simulated time, after an optional history. */
async function drive(operation: Operation, opts: { ms: number; idleBeforeMs?: number }): Promise<{ times: number[]; start: number }> {
  let clock = 1_800_000_000_000;
  const limiter = new InMemoryRateLimiter({ now: () => clock, sleep: async (ms) => { clock += ms; } });
  const times: number[] = [];
  if (opts.idleBeforeMs !== undefined) {
    await limiter.acquire('acct', operation);
    times.push(clock);
    clock += opts.idleBeforeMs;
  }
  const start = clock;
  while (clock < start + opts.ms) {
    await limiter.acquire('acct', operation, 'backlog');
    times.push(clock);
  }
  return { times, start };
}

const CASES: { operation: Operation; burst: number; steady: number }[] = [
  { operation: 'POST /api/events', burst: 350, steady: 3500 },
  { operation: 'POST /api/profile-import', burst: 75, steady: 750 },
  { operation: 'GET /api/accounts', burst: 1, steady: 15 },
];

describe('InMemoryRateLimiter pacing against fixed windows', () => {
  for (const c of CASES) {
    for (const scenario of [{ name: 'cold start', idleBeforeMs: undefined }, { name: 'after two idle minutes', idleBeforeMs: 120_000 }]) {
      it(`${c.operation}: never over ${c.burst}/s or ${c.steady}/min in any window, ${scenario.name}`, async () => {
        const { times, start } = await drive(c.operation, { ms: 180_000, idleBeforeMs: scenario.idleBeforeMs });
        assert.ok(maxInAnyWindow(times, 1000) <= c.burst, `at most ${c.burst} in any second, got ${maxInAnyWindow(times, 1000)}`);
        assert.ok(maxInAnyWindow(times, 60_000) <= c.steady, `at most ${c.steady} in any minute, got ${maxInAnyWindow(times, 60_000)}`);
        // Throughput once past the start: the last two minutes of the three.
        const late = times.filter((t) => t >= start + 60_000).length / 2;
        assert.ok(late >= 0.9 * c.steady, `at least 90% of ${c.steady}/min, got ${late}`);
      });
    }
  }

  it('derives capacities that leave room for a full window of refill', () => {
    const p = pacing('POST /api/events');
    assert.equal(p.steady.perSecond * 60, 3325);
    assert.ok(p.steady.capacity + 3325 <= 3500 * 0.98);
    assert.ok(p.burst.capacity + p.burst.perSecond <= 350 * 0.98);
  });
});
