/**
 * The sidecar's client and in-process limiter against a double whose limits are lower than the published tiers
 * and unknown to the sidecar: throttled requests stay under 1% and at least 90% of what the account allows is
 * used. Counts are the double's own record (cross-checked with the senders'); the clock is simulated
 * (test/limits-sim.ts), so nothing here depends on time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateLimits } from './limits-sim.js';

describe('adaptive rate limits against lower limits than published', () => {
  it('a tenth of the published tiers (events 35/s, 350/min): 8 senders, 5 minutes', async () => {
    const r = await simulateLimits({ limits: { enabled: true, scale: 0.1 }, account: { burst: 35, steady: 350 }, minutes: 5, senders: 8 });
    assert.deepEqual(r.learned, { burst: 35, steady: 350 });
    assert.ok(r.throttledShare < 0.01, `throttled ${r.throttled} of ${r.accepted + r.throttled}`);
    assert.ok(r.usedShare >= 0.9, `used ${r.accepted} of ${r.allowed} allowed`);
  });

  it('only the burst lowered (events 3/s, published 3500/min): learned from 429s, 8 senders, 10 minutes', async () => {
    const r = await simulateLimits({ limits: { enabled: true, tiers: { XL: { burst: 3, steady: 3500 } } }, account: { burst: 3, steady: 3500 }, minutes: 10, senders: 8 });
    assert.ok(r.learned.burst <= 4, `learned burst ${r.learned.burst}`);
    assert.ok(r.throttledShare < 0.01, `throttled ${r.throttled} of ${r.accepted + r.throttled}`);
    assert.ok(r.usedShare >= 0.9, `used ${r.accepted} of ${r.allowed} allowed`);
  });
});
