/**
 * Senders against the Klaviyo double on a shared simulated clock, for the adaptive rate-limit test and bench row.
 * Time stands still while any sender is busy (an HTTP round trip takes no simulated time) and jumps to the next
 * wake-up when every sender sleeps in the limiter, so minutes of Klaviyo's fixed windows pass in seconds and the
 * counts do not depend on how busy the machine is.
 */
import { startKlaviyoDouble, type RateLimitSettings } from '@wck/klaviyo-double';
import { KlaviyoClient } from '../src/klaviyo/client.js';
import { KlaviyoRateLimitedError } from '../src/klaviyo/errors.js';
import { accountIdForKey, InMemoryRateLimiter } from '../src/klaviyo/rate-limiter.js';
import type { KlaviyoRequest } from '../src/klaviyo/types.js';

export class SimulatedClock {
  private t: number;
  private active = 0;
  private sleepers: { at: number; wake: () => void }[] = [];

  constructor(start: number) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  readonly sleep = (ms: number): Promise<void> => new Promise<void>((wake) => {
    this.sleepers.push({ at: this.t + Math.max(0, ms), wake });
    this.active--;
    this.advance();
  });

  enter(): void {
    this.active++;
  }

  leave(): void {
    this.active--;
    this.advance();
  }

  private advance(): void {
    if (this.active > 0 || this.sleepers.length === 0) return;
    this.sleepers.sort((a, b) => a.at - b.at);
    const at = this.sleepers[0]!.at;
    this.t = Math.max(this.t, at);
    while (this.sleepers.length > 0 && this.sleepers[0]!.at <= this.t) {
      this.active++;
      this.sleepers.shift()!.wake();
    }
  }
}

export interface SimResult {
  /** What the double answered inside the measured minutes, by status (its own record, cross-checked). */
  accepted: number;
  throttled: number;
  /** What the double's windows allowed in those minutes: per minute, the lower of steady and 60 × burst. */
  allowed: number;
  /** throttled / (accepted + throttled) and accepted / allowed. */
  throttledShare: number;
  usedShare: number;
  /** What the limiter had learned at the end. */
  learned: { burst: number; steady: number };
}

const KEY = 'pk_sim_limits0123456789';

function event(n: number): KlaviyoRequest {
  return {
    kind: 'event', key: `sim-${n}`, metric: 'Placed Order',
    body: { data: { type: 'event', attributes: {
      properties: { OrderId: n }, unique_id: `sim-${n}`,
      metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
      profile: { data: { type: 'profile', attributes: { email: `sim${n}@example.com` } } },
    } } },
  };
}

/**
 * `senders` concurrent senders of POST /api/events (tier XL) for `minutes` simulated minutes against a double
 * throttling with `limits` (unknown to the sidecar), `account` the limits the double applies to events.
 */
export async function simulateLimits(opts: { limits: RateLimitSettings; account: { burst: number; steady: number }; minutes: number; senders: number }): Promise<SimResult> {
  const start = 1_800_000_000_000; // a minute boundary: the double's windows and the measured minutes line up
  const clock = new SimulatedClock(start);
  const double = await startKlaviyoDouble({ rateLimits: opts.limits, now: clock.now });
  const limiter = new InMemoryRateLimiter({ now: clock.now, sleep: clock.sleep });
  const client = new KlaviyoClient({ baseUrl: double.url, limiter, connections: opts.senders });
  const end = start + opts.minutes * 60_000;
  const seen: { at: number; status: number }[] = [];
  let n = 0;
  try {
    await Promise.all(Array.from({ length: opts.senders }, async () => {
      clock.enter();
      try {
        while (clock.now() < end) {
          let status: number;
          try {
            status = (await client.send(KEY, event(n++), 'backlog')).status;
          } catch (err) {
            if (!(err instanceof KlaviyoRateLimitedError)) throw err;
            status = 429;
          }
          seen.push({ at: clock.now(), status });
        }
      } finally {
        clock.leave();
      }
    }));
    const byDouble = (s: number) => double.requests.filter((r) => r.status === s).length;
    const mine = (s: number) => seen.filter((r) => r.status === s).length;
    if (byDouble(202) !== mine(202) || byDouble(429) !== mine(429)) {
      throw new Error(`the double recorded ${byDouble(202)} accepted and ${byDouble(429)} throttled, the senders ${mine(202)} and ${mine(429)}`);
    }
    if (double.invalidRequests().length > 0) throw new Error(`the double refused requests: ${double.invalidRequests()[0]!.validationErrors.join('; ')}`);
    const inside = seen.filter((r) => r.at < end);
    const accepted = inside.filter((r) => r.status === 202).length;
    const throttled = inside.filter((r) => r.status === 429).length;
    const allowed = opts.minutes * Math.min(opts.account.steady, 60 * opts.account.burst);
    return {
      accepted, throttled, allowed,
      throttledShare: throttled / Math.max(1, accepted + throttled),
      usedShare: accepted / allowed,
      learned: limiter.allowance(accountIdForKey(KEY), 'POST /api/events'),
    };
  } finally {
    await client.close();
    await double.close();
  }
}
