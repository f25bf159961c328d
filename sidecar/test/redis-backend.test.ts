/**
 * What only the Redis backend has: claims shared by replicas (atomic, under BullMQ locks), and the rate limiter
 * and Retry-After shared by every replica. Two RedisStorage / RedisRateLimiter instances on separate connections
 * stand for two processes. Runs in the Redis suite (npm run test:redis).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisRateLimiter } from '../src/klaviyo/redis-rate-limiter.js';
import { RedisStorage } from '../src/storage/redis/redis.js';
import { SecretBox } from '../src/storage/secrets.js';
import type { SendOutcome } from '../src/storage/types.js';
import { planAndApply } from '../src/worker/planning.js';
import { eventOutcome } from './builders.js';
import { dropRedisPrefix, REDIS_TEST_URL, TEST_BACKEND } from './helpers.js';

const skip = TEST_BACKEND === 'redis' ? false : 'Redis only: runs in npm run test:redis';
const STORE = 'lease-store';
const done: SendOutcome = { kind: 'done', responseStatus: 202 };

describe('Redis backend across replicas', { skip }, () => {
  const prefix = `wck-test-${randomBytes(6).toString('hex')}`;
  const box = SecretBox.fromDataDir(mkdtempSync(join(tmpdir(), 'wck-redis-unit-')));
  const open: { close(): Promise<void> }[] = [];
  const connect = async (leaseMs = 600) => {
    const s = await RedisStorage.connect(box, { url: REDIS_TEST_URL, prefix, leaseMs });
    open.push(s);
    return s;
  };
  after(async () => {
    for (const s of open) await s.close().catch(() => {});
    await dropRedisPrefix(prefix);
  });
  /** As a replica that froze: its claims are no longer renewed. */
  const freeze = (s: RedisStorage) => clearInterval((s.bull as unknown as { renewer: NodeJS.Timeout }).renewer);
  /** As a replica killed without a word: no more renewals, its connections gone. */
  const crash = async (s: RedisStorage) => {
    freeze(s);
    s.redis.disconnect();
    await s.bull.worker.close(true).catch(() => {});
    open.splice(open.indexOf(s), 1);
  };
  /** Claims on `s` until a job comes (BullMQ's stalled check hands out lapsed claims), or `ms` passed. */
  const claimWithin = async (s: RedisStorage, ms: number) => {
    const until = Date.now() + ms;
    for (;;) {
      const jobs = await s.claimJobs(5, Date.now());
      if (jobs.length || Date.now() > until) return jobs;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('claims atomically: concurrent claims from two replicas never return the same job', async () => {
    const a = await connect();
    const b = await connect();
    await a.saveStore({ id: STORE, siteUrl: 'http://shop.example', webhookSecret: 's'.repeat(20), privateKey: 'pk_test_x', keyLast4: '_x',
      listId: null, keyStatus: 'valid', keyDetail: null, keyCheckedAt: null, paused: false, pauseReason: null });
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'h1', headers: {}, body: '{}' });
    const dup = await b.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'h1', headers: {}, body: '{}' });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    // Both replicas map the same delivery: only the first stores jobs, and no key is planned twice.
    const [pa, pb] = await Promise.all([planAndApply(a, d.id, eventOutcome(keys)), planAndApply(b, d.id, eventOutcome(keys))]);
    assert.equal((pa?.requests.length ?? 0) + (pb?.requests.length ?? 0), 40);
    assert.ok(!pa !== !pb, 'one replica applied the plan, the other found the delivery planned');
    // Same content through the other replica is a duplicate (recognised when it is planned) and plans nothing.
    const repeat = await planAndApply(b, dup.id, eventOutcome(['k-other']));
    assert.equal(repeat?.status, 'duplicate');
    assert.equal((await a.getDelivery(STORE, dup.id))?.status, 'duplicate');
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimJobs(5, Date.now())));
    const ids = claims.flat().map((j) => j.id);
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40, 'every job claimed once');
    for (const j of claims.flat()) await a.settleJob(j, done, Date.now());
    const s = await b.stats(STORE, Date.now());
    assert.equal(s.queue.done, 40);
    assert.equal((await b.getDelivery(STORE, d.id))?.status, 'succeeded');
  });

  it('stores a delivery with one command to Redis', async () => {
    const a = await connect();
    const delivery = { storeId: STORE, topic: 'order.created', contentHash: 'one-trip', headers: {}, body: '{}' };
    await a.recordDelivery(delivery); // the script is loaded into Redis once
    const sent: string[] = [];
    const send = a.redis.sendCommand.bind(a.redis);
    a.redis.sendCommand = ((cmd: { name: string }) => { sent.push(cmd.name); return send(cmd as never); }) as typeof a.redis.sendCommand;
    try {
      await a.recordDelivery({ ...delivery, contentHash: 'one-trip-2' });
    } finally {
      a.redis.sendCommand = send;
    }
    assert.deepEqual(sent, ['evalsha']);
  });

  it('settles sibling jobs from two replicas at once: every outcome counted, the delivery status derived from all of them', async () => {
    const a = await connect();
    const b = await connect();
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'siblings', headers: {}, body: '{}' });
    const keys = Array.from({ length: 30 }, (_, i) => `sib-${i}`);
    await planAndApply(a, d.id, eventOutcome(keys));
    const mine = [...await claimWithin(a, 2000), ...await a.claimJobs(30, Date.now()), ...await a.claimJobs(30, Date.now())];
    assert.equal(mine.length, 30);
    const before = (await a.stats(STORE, Date.now())).queue.done;
    // Concurrent outcomes of one delivery's jobs: each read of the siblings goes stale as the others are written.
    await Promise.all(mine.map((j, i) => (i % 2 ? a : b).settleJob(j, i === 7
      ? { kind: 'retry', failure: { errorClass: 'server', message: 'busy', responseStatus: 503 }, delayMs: 60_000, consumesAttempt: true }
      : done, Date.now())));
    const v = await a.getDelivery(STORE, d.id);
    assert.equal(v?.requests.filter((r) => r.status === 'done').length, 29);
    assert.equal(v?.status, 'retrying', 'one job waits for a retry: the last outcome written saw every other one');
    assert.equal((await a.stats(STORE, Date.now())).queue.done - before, 29);
  });

  it('a send outcome read before the store was paused is computed again: the job is set aside, the delivery paused', async () => {
    const a = await connect();
    const b = await connect();
    const store = 'cas-pause-store';
    await a.saveStore({ id: store, siteUrl: 'http://shop.example', webhookSecret: 's'.repeat(20), privateKey: 'pk_test_x', keyLast4: '_x',
      listId: null, keyStatus: 'valid', keyDetail: null, keyCheckedAt: null, paused: false, pauseReason: null });
    const d = await a.recordDelivery({ storeId: store, topic: 'order.created', contentHash: 'cas-pause', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['cas-pause-1']));
    const [job] = await claimWithin(a, 2000);
    assert.ok(job);
    // Another replica pauses the store after this one read what the outcome depends on, before it writes.
    const conn = (a as unknown as { c: { run: (name: string, ...args: unknown[]) => Promise<unknown> } }).c;
    const run = conn.run.bind(conn);
    let paused = false;
    conn.run = async (name, ...args) => {
      if (name === 'wckSettle' && !paused) {
        paused = true;
        await b.setPaused(store, true, 'key refused');
      }
      return run(name, ...args);
    };
    try {
      await a.settleJob(job, { kind: 'retry', failure: { errorClass: 'server', message: 'busy', responseStatus: 503 }, delayMs: 10, consumesAttempt: true }, Date.now());
    } finally {
      conn.run = run;
    }
    assert.ok(paused);
    const v = await a.getDelivery(store, d.id);
    assert.equal(v?.status, 'paused', 'not retrying: computed again with the store paused');
    assert.equal(v?.requests[0]?.attempts, 1);
    assert.deepEqual(await a.redis.zrange(`${prefix}:held:${store}`, '0', '-1'), [job.id], 'set aside, not delayed in BullMQ');
    await a.setPaused(store, false, null);
    const [again] = await claimWithin(a, 3000);
    assert.equal(again?.id, job.id);
    await a.settleJob(again!, done, Date.now());
    assert.equal((await a.getDelivery(store, d.id))?.status, 'succeeded');
  });

  it('gives a crashed replica\'s in-flight jobs to another only after its lock lapsed', async () => {
    const a = await connect(600);
    const b = await connect(600);
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'h2', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['lease-1']));
    const [job] = await a.claimJobs(5, Date.now());
    assert.ok(job);
    // A is alive (renewing its lock): B's stalled checks and claims leave the job alone however often B looks.
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await b.recover();
      assert.deepEqual(await b.claimJobs(5, Date.now()), []);
    }
    await crash(a);
    const died = Date.now();
    assert.deepEqual(await b.claimJobs(5, Date.now()), [], 'not before the lock lapsed');
    const taken = await claimWithin(b, 5000);
    assert.deepEqual(taken.map((j) => j.id), [job.id]);
    // The lock was renewed at most a third of 600 ms before the crash.
    assert.ok(Date.now() - died >= 300, `handed out after the lock lapsed (${Date.now() - died} ms)`);
    await b.settleJob(taken[0]!, done, Date.now());
    assert.equal((await b.getDelivery(STORE, d.id))?.status, 'succeeded');
  });

  it('a replica that lost its job to another does not overwrite the other\'s outcome', async () => {
    const a = await connect(600);
    const b = await connect(600);
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'h3', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['fence-1']));
    const [job] = await a.claimJobs(5, Date.now());
    assert.ok(job);
    freeze(a);
    await a.redis.del(a.bull.lockKey(`${job.id}-1`)); // lock gone, as after a long stall
    const [again] = await claimWithin(b, 5000);
    assert.equal(again?.id, job.id);
    // A wakes up and reports a failure: B holds the job now, so A's retry is ignored.
    await a.settleJob(job, { kind: 'retry', failure: { errorClass: 'server', message: 'late', responseStatus: 503 }, delayMs: 10, consumesAttempt: true }, Date.now());
    let view = await b.getDelivery(STORE, d.id);
    assert.equal(view?.requests[0]?.status, 'in_flight');
    await b.settleJob(again!, done, Date.now());
    view = await b.getDelivery(STORE, d.id);
    assert.equal(view?.requests[0]?.status, 'done');
    assert.equal(view?.status, 'succeeded');
  });

  it('shares the rate limit of an account and operation between replicas', async () => {
    const c1 = new Redis(REDIS_TEST_URL);
    const c2 = new Redis(REDIS_TEST_URL);
    try {
      const l1 = new RedisRateLimiter(c1, prefix);
      const l2 = new RedisRateLimiter(c2, prefix);
      // POST /api/events: a bucket of ~105 for the minute, refilled ~55/s. 250 requests split over two
      // replicas must take (250 - 105) / 55 ≈ 2.6 s together; separate limiters would let each 125 through in ~0.4 s.
      const t0 = Date.now();
      const stamps: number[] = [];
      await Promise.all([l1, l2].map(async (l) => {
        for (let i = 0; i < 125; i++) {
          await l.acquire('acct-shared', 'POST /api/events', 'live');
          stamps.push(Date.now() - t0);
        }
      }));
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 2000, `two replicas were paced together (${elapsed} ms)`);
      // No sliding second after the first burst lets through more than Klaviyo's 350/s burst limit.
      stamps.sort((x, y) => x - y);
      for (let i = 0; i < stamps.length; i++) {
        const inSecond = stamps.filter((t) => t >= stamps[i]! && t < stamps[i]! + 1000).length;
        assert.ok(inSecond <= 350, `at most 350 in one second (${inSecond})`);
      }
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it('a Retry-After seen by one replica pauses that account and operation for the other', async () => {
    const c1 = new Redis(REDIS_TEST_URL);
    const c2 = new Redis(REDIS_TEST_URL);
    try {
      const l1 = new RedisRateLimiter(c1, prefix);
      const l2 = new RedisRateLimiter(c2, prefix);
      l1.blockFor('acct-429', 'POST /api/profile-import', 800);
      await new Promise((r) => setTimeout(r, 50)); // the block is written asynchronously
      const t0 = Date.now();
      await l2.acquire('acct-429', 'POST /api/profile-import', 'live');
      assert.ok(Date.now() - t0 >= 650, `the other replica waited (${Date.now() - t0} ms)`);
      const t1 = Date.now();
      await l2.acquire('acct-other', 'POST /api/profile-import', 'live');
      assert.ok(Date.now() - t1 < 300, 'another account is not blocked');
      // RateLimit-Remaining: 0 with a reset also blocks everyone.
      l1.observe('acct-hdr', 'POST /api/events', { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
      await new Promise((r) => setTimeout(r, 50));
      const t2 = Date.now();
      await l2.acquire('acct-hdr', 'POST /api/events', 'live');
      assert.ok(Date.now() - t2 >= 800, `RateLimit-Reset honoured across replicas (${Date.now() - t2} ms)`);
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it('what one replica learns about the real allowance of the account paces every replica', async () => {
    const c1 = new Redis(REDIS_TEST_URL);
    const c2 = new Redis(REDIS_TEST_URL);
    try {
      const l1 = new RedisRateLimiter(c1, prefix);
      const waits: number[] = [];
      const l2 = new RedisRateLimiter(c2, prefix, { sleep: async (ms) => { waits.push(ms); await new Promise((r) => setTimeout(r, ms)); } });
      // Published XL: ~105 go at once. The account answers RateLimit-Limit 350 (a tenth): a bucket of 10.
      l1.observe('acct-low', 'POST /api/events', { 'ratelimit-limit': '350', 'ratelimit-remaining': '349', 'ratelimit-reset': '59' });
      /** What a replica has learned, once the other's asynchronous write has landed (within 2 s). */
      const settled = async (l: RedisRateLimiter, account: string, op: 'POST /api/events' | 'POST /api/profile-import', ok: (a: { burst: number; steady: number }) => boolean) => {
        let a = await l.allowance(account, op);
        for (let i = 0; i < 40 && !ok(a); i++) {
          await new Promise((r) => setTimeout(r, 50));
          a = await l.allowance(account, op);
        }
        return a;
      };
      assert.deepEqual(await settled(l2, 'acct-low', 'POST /api/events', (a) => a.steady === 350), { burst: 35, steady: 350 });
      // The learned steady bucket holds ten and refills ~5.5/s: 20 requests wait ~1.8 s in all (published: none).
      for (let i = 0; i < 20; i++) await l2.acquire('acct-low', 'POST /api/events', 'live');
      const waited = waits.reduce((x, y) => x + y, 0);
      assert.ok(waited >= 1200, `paced by the learned steady rate (${waited} ms waited)`);
      // Burst 429s on the other replica after it sent 20 in a second: both now take the same lower burst.
      for (let i = 0; i < 20; i++) await l1.acquire('acct-burst', 'POST /api/profile-import', 'live');
      l1.throttled('acct-burst', 'POST /api/profile-import', 1000);
      await new Promise((r) => setTimeout(r, 1100)); // a second 429 a second later confirms the first
      for (let i = 0; i < 20; i++) await l1.acquire('acct-burst', 'POST /api/profile-import', 'live');
      l1.throttled('acct-burst', 'POST /api/profile-import', 1000);
      // 90% of what was sent in the last second, as every replica's per-second counts estimate it (of the 40 sent).
      const learned = (await settled(l2, 'acct-burst', 'POST /api/profile-import', (a) => a.burst < 75)).burst;
      assert.ok(learned >= 1 && learned <= 36, `the other replica learned a burst of ${learned}`);
      assert.equal((await l1.allowance('acct-burst', 'POST /api/profile-import')).burst, learned, 'both replicas take the same');
      // The acquire script takes the learned sizes: after the 1 s block, the bucket is the learned one.
      assert.match(String(await c1.get(`${prefix}:rl:${'acct-burst'}:75/s:750/m:POST /api/profile-import:pace`)), /^1 /);
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it('pruned bodies free Redis memory (MEMORY USAGE of the delivery hashes)', async () => {
    // A prefix of its own: retention walks deliveries in arrival order and waits at one not mapped yet, as other
    // tests here leave some.
    const own = `${prefix}-mem`;
    const a = await RedisStorage.connect(box, { url: REDIS_TEST_URL, prefix: own, leaseMs: 600 });
    open.push(a);
    const body = JSON.stringify({ note: 'x'.repeat(20_000) });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const d = await a.recordDelivery({ storeId: 'mem-store', topic: 'order.created', contentHash: `mem${i}`, headers: { 'x-wc-webhook-topic': 'order.created' }, body });
      await planAndApply(a, d.id, eventOutcome([`mem-k${i}`]));
      ids.push(d.id);
    }
    const usage = async () => {
      let n = 0;
      for (const id of ids) n += Number(await a.redis.call('MEMORY', 'USAGE', `${own}:d:${id}`, 'SAMPLES', '0'));
      return n;
    };
    const before = await usage();
    assert.ok(before >= 50 * 20_000, `the bodies are held (${before} bytes)`);
    while ((await a.pruneBodies(Date.now() + 1000, 1000)) > 0) { /* until nothing is left */ }
    const after = await usage();
    assert.ok(after < before / 10, `pruning freed the bodies' memory (${before} → ${after} bytes)`);
    await a.close();
    open.splice(open.indexOf(a), 1);
    await dropRedisPrefix(own);
  });
});
