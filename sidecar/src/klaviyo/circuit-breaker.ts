/**
 * Stops hammering Klaviyo during an outage: after `threshold` consecutive server or network failures on an
 * account, calls fail fast for a cooldown (doubling up to a cap); then one probe is let through.
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  threshold?: number;
  cooldownMs?: number;
  maxCooldownMs?: number;
  now?: () => number;
}

interface Circuit { state: CircuitState; since: number; failures: number; cooldown: number; probing: boolean }

export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;
  private readonly closedListeners: (() => void)[] = [];

  constructor(opts: CircuitOptions = {}) {
    this.threshold = opts.threshold ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.maxCooldownMs = opts.maxCooldownMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  private get(account: string): Circuit {
    let c = this.circuits.get(account);
    if (!c) {
      c = { state: 'closed', since: this.now(), failures: 0, cooldown: this.cooldownMs, probing: false };
      this.circuits.set(account, c);
    }
    return c;
  }

  /** The account's circuit as it stands (closed for an account never seen), for metrics. */
  stateOf(account: string): CircuitState {
    return this.circuits.get(account)?.state ?? 'closed';
  }

  /** 0 when a call may go through now; otherwise how long until it may. */
  check(account: string): number {
    const c = this.get(account);
    if (c.state === 'closed') return 0;
    const now = this.now();
    if (c.state === 'open') {
      const left = c.since + c.cooldown - now;
      if (left > 0) return left;
      c.state = 'half_open';
      c.since = now;
      c.probing = false;
    }
    if (c.probing) return Math.max(1000, Math.floor(c.cooldown / 10));
    c.probing = true;
    return 0;
  }

  /** Calls `f` whenever an account's circuit closes again after being open (Klaviyo answers again). */
  onClosed(f: () => void): void {
    this.closedListeners.push(f);
  }

  success(account: string): void {
    const c = this.get(account);
    if (c.state !== 'closed') {
      c.state = 'closed';
      c.since = this.now();
      c.cooldown = this.cooldownMs;
      for (const f of this.closedListeners) f();
    }
    c.failures = 0;
    c.probing = false;
  }

  failure(account: string): void {
    const c = this.get(account);
    c.failures++;
    if (c.state === 'half_open') {
      c.state = 'open';
      c.since = this.now();
      c.cooldown = Math.min(this.maxCooldownMs, c.cooldown * 2);
      c.probing = false;
    } else if (c.state === 'closed' && c.failures >= this.threshold) {
      c.state = 'open';
      c.since = this.now();
    }
  }

  state(account: string): { state: CircuitState; since: string; consecutiveFailures: number } {
    const c = this.get(account);
    if (c.state === 'open' && this.now() >= c.since + c.cooldown) return { state: 'half_open', since: new Date(c.since + c.cooldown).toISOString(), consecutiveFailures: c.failures };
    return { state: c.state, since: new Date(c.since).toISOString(), consecutiveFailures: c.failures };
  }
}
