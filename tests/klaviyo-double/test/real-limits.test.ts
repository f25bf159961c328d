/**
 * With realLimits the double throttles as Klaviyo does: per key and operation, fixed 1-second (burst) and
 * 1-minute (steady) windows with the tiers of the spec's x-klaviyo-ratelimit, 429 + Retry-After when over,
 * RateLimit-* headers (steady window) on every other answer. The clock is injected so minutes pass instantly.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startKlaviyoDouble, type KlaviyoDouble } from '../src/index.js';
import { loadSpec } from '../src/spec.js';

const KEY = 'pk_test_limits0123456789';
const OTHER_KEY = 'pk_test_other0123456789';
const H = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' };
const event = (n: number) => JSON.stringify({
  data: { type: 'event', attributes: {
    properties: { OrderId: n }, unique_id: `u-${n}`,
    metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
    profile: { data: { type: 'profile', attributes: { email: `p${n}@example.com` } } },
  } },
});
const profile = (n: number) => JSON.stringify({ data: { type: 'profile', attributes: { email: `p${n}@example.com` } } });

describe('Klaviyo double with realLimits', () => {
  let d: KlaviyoDouble;
  // A minute boundary plus 100 ms: both windows start fresh.
  let clock = 1_800_000_000_000 + 100;
  const call = async (method: 'GET' | 'POST', path: string, body?: string, key = KEY) => {
    const r = await fetch(d.url + path, { method, body, headers: { ...H, authorization: `Klaviyo-API-Key ${key}` } });
    await r.arrayBuffer();
    const h = (name: string) => r.headers.get(name);
    return { status: r.status, retryAfter: h('retry-after'), limit: h('ratelimit-limit'), remaining: h('ratelimit-remaining'), reset: h('ratelimit-reset') };
  };
  /** Sends n requests one after another, returning how many got each status. */
  const burst = async (n: number, one: (i: number) => Promise<{ status: number }>) => {
    const counts: Record<number, number> = {};
    for (let i = 0; i < n; i++) {
      const s = (await one(i)).status;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return counts;
  };

  before(async () => {
    d = await startKlaviyoDouble({ realLimits: true, now: () => clock });
  });
  after(async () => {
    await d.close();
  });
  beforeEach(() => {
    d.reset();
    clock = Math.ceil(clock / 60_000) * 60_000 + 100;
  });

  it('reads the tiers from the spec', () => {
    const ops = loadSpec().operations;
    assert.deepEqual(ops.get('POST /api/events')?.ratelimit, { burst: '350/s', steady: '3500/m' });
    assert.deepEqual(ops.get('POST /api/profile-import')?.ratelimit, { burst: '75/s', steady: '750/m' });
    assert.deepEqual(ops.get('GET /api/accounts')?.ratelimit, { burst: '1/s', steady: '15/m' });
  });

  it('XL (POST /api/events): 350 per second, then 429 with Retry-After until the next second', async () => {
    assert.deepEqual(await burst(350, (i) => call('POST', '/api/events', event(i))), { 202: 350 });
    const over = await call('POST', '/api/events', event(1000));
    assert.equal(over.status, 429);
    assert.equal(over.retryAfter, '1');
    assert.equal(over.remaining, null, 'Klaviyo sends RateLimit-* only on answers that are not 429');
    clock += 1000;
    const next = await call('POST', '/api/events', event(1001));
    assert.equal(next.status, 202);
    assert.equal(next.limit, '3500');
    assert.equal(next.remaining, String(3500 - 351));
    assert.equal(next.reset, '59');
    assert.equal((await call('POST', '/api/events', event(1002), OTHER_KEY)).status, 202, 'another account has its own quota');
  });

  it('XL (POST /api/events): 3500 per minute across seconds, then 429 until the minute ends', async () => {
    let sent = 0;
    for (let second = 0; second < 10; second++) {
      const counts = await burst(350, (i) => call('POST', '/api/events', event(second * 1000 + i)));
      assert.equal(counts[202], 350, `second ${second}`);
      sent += 350;
      clock += 1000;
    }
    assert.equal(sent, 3500);
    const over = await call('POST', '/api/events', event(99_999));
    assert.equal(over.status, 429);
    assert.equal(over.retryAfter, '50', 'the steady window ends 50 s later');
    clock += 50_000;
    assert.equal((await call('POST', '/api/events', event(100_000))).status, 202);
  });

  it('L (POST /api/profile-import): 75 per second and 750 per minute', async () => {
    assert.deepEqual(await burst(76, (i) => call('POST', '/api/profile-import', profile(i))), { 201: 75, 429: 1 });
    for (let second = 1; second < 10; second++) {
      clock += 1000;
      assert.deepEqual(await burst(75, (i) => call('POST', '/api/profile-import', profile(second * 100 + i))), { 201: 75 });
    }
    clock += 1000;
    const over = await call('POST', '/api/profile-import', profile(5000));
    assert.equal(over.status, 429, '750 in the minute already');
    assert.equal(over.retryAfter, '50');
  });

  it('XS (GET /api/accounts): 1 per second and 15 per minute', async () => {
    const statuses: number[] = [];
    for (let second = 0; second < 16; second++) {
      statuses.push((await call('GET', '/api/accounts')).status, (await call('GET', '/api/accounts')).status);
      clock += 1000;
    }
    assert.deepEqual(statuses.slice(0, 30), Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 200 : 429)));
    assert.deepEqual(statuses.slice(30), [429, 429], 'the 16th second is over 15 per minute');
  });

  it('limits an account below the published tiers (scale, or a tier set outright), telling only through 429s and headers', async () => {
    d.setRateLimits({ enabled: true, scale: 0.1 });
    const first = await call('POST', '/api/events', event(1));
    assert.equal(first.limit, '350', 'a tenth of XL steady');
    assert.deepEqual(await burst(35, (i) => call('POST', '/api/events', event(10 + i))), { 202: 34, 429: 1 }, 'a tenth of the XL burst: 35 in the second');
    assert.equal((await call('POST', '/api/profile-import', profile(1))).limit, '75', 'a tenth of L steady');
    clock += 1000;
    d.setRateLimits({ enabled: true, tiers: { XL: { burst: 3, steady: 40 } } });
    assert.deepEqual(await burst(4, (i) => call('POST', '/api/events', event(100 + i))), { 202: 3, 429: 1 });
    clock += 1000;
    const next = await call('POST', '/api/events', event(200));
    assert.equal(next.limit, '40');
    assert.equal(next.remaining, '36');
    assert.equal((await call('POST', '/api/profile-import', profile(2))).limit, '750', 'other tiers keep the published limits');
    d.setRateLimits({ enabled: true, scale: 1 });
  });

  it('is off by default', async () => {
    const plain = await startKlaviyoDouble({ now: () => clock });
    try {
      const statuses = await Promise.all(Array.from({ length: 3 }, () => fetch(`${plain.url}/api/accounts`, { headers: H }).then((r) => r.status)));
      assert.deepEqual(statuses, [200, 200, 200]);
    } finally {
      await plain.close();
    }
  });
});
