/**
 * Adaptive rate limits: the sidecar's Klaviyo client and in-process limiter against the double with limits the
 * sidecar does not know, side by side with the published tiers, in one run. The clock is simulated
 * (test/limits-sim.ts): an HTTP round trip takes no simulated time, sleeping in the limiter advances it, so five
 * minutes of Klaviyo's fixed windows take seconds and the shares do not depend on how busy the machine is.
 */
import { simulateLimits, type SimResult } from '../test/limits-sim.js';

export interface LimitsRow { name: string; limits: string; result: SimResult }
export interface LimitsResult { minutes: number; senders: number; rows: LimitsRow[] }

export async function runLimits(minutes = 5, senders = 8): Promise<LimitsResult> {
  const cases = [
    { name: 'published tiers', limits: 'XL 350/s, 3500/min', settings: { enabled: true, scale: 1 }, account: { burst: 350, steady: 3500 } },
    { name: 'a tenth of the published tiers', limits: 'XL 35/s, 350/min', settings: { enabled: true, scale: 0.1 }, account: { burst: 35, steady: 350 } },
    { name: 'the burst alone at a tenth', limits: 'XL 35/s, 3500/min', settings: { enabled: true, tiers: { XL: { burst: 35, steady: 3500 } } }, account: { burst: 35, steady: 3500 } },
    { name: 'the burst alone at a 117th', limits: 'XL 3/s, 3500/min', settings: { enabled: true, tiers: { XL: { burst: 3, steady: 3500 } } }, account: { burst: 3, steady: 3500 } },
  ];
  const rows: LimitsRow[] = [];
  for (const c of cases) rows.push({ name: c.name, limits: c.limits, result: await simulateLimits({ limits: c.settings, account: c.account, minutes, senders }) });
  return { minutes, senders, rows };
}
