/**
 * The Redis backend's jobs travel through BullMQ: a BullMQ Queue on the same prefix sees them while they wait,
 * while they are sent and while they wait for a retry; a paused store's jobs leave BullMQ and come back on
 * resume; an outbox left by a crashed replica is added and delivered; a replica killed mid-send loses its job
 * to another through BullMQ's stalled-job check, and Klaviyo (the double) accepts it once.
 * Runs in the Redis suite (npm run test:redis).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startKlaviyoDouble } from '@wck/klaviyo-double';
import { sign } from '../src/ingress/signature.js';
import { mapDelivery } from '../src/mapping/index.js';
import { BULL_QUEUE, bullPrefix } from '../src/storage/redis/bullmq.js';
import { RedisStorage } from '../src/storage/redis/redis.js';
import type { Job, JobFailure, SendOutcome, StoreRecord } from '../src/storage/types.js';
import { planAndApply } from '../src/worker/planning.js';
import { SecretBox } from '../src/storage/secrets.js';
import { buildOrder } from './builders.js';
import { eventOutcome } from './builders.js';
import { dropRedisPrefix, FIXTURE_SECRET, freePort, GOOD_KEY, REDIS_TEST_URL, spawnSidecar, startHarness, TEST_BACKEND, waitOk } from './helpers.js';

const skip = TEST_BACKEND === 'redis' ? false : 'Redis only: runs in npm run test:redis';
const STORE = 'bull-store';
const TOKEN = 'bullmq-admin-token-0123456789';

function store(id: string): StoreRecord {
  return { id, siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, privateKey: GOOD_KEY, keyLast4: GOOD_KEY.slice(-4),
    listId: null, keyStatus: 'valid', keyDetail: null, keyCheckedAt: null, paused: false, pauseReason: null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The replica stops right after its scripts wrote the outbox, before it adds the entries to BullMQ. */
function skipOutboxFlush(storage: RedisStorage): void {
  storage.outbox.flush = async () => {};
}

const done: SendOutcome = { kind: 'done', responseStatus: 202 };
const dead = (failure: JobFailure): SendOutcome => ({ kind: 'dead', failure });

async function until<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('BullMQ carries the Redis backend\'s jobs', { skip }, () => {
  const prefixes: string[] = [];
  const open: { close(): Promise<void> }[] = [];
  const newPrefix = () => {
    const p = `wck-test-${randomBytes(6).toString('hex')}`;
    prefixes.push(p);
    return p;
  };
  const box = SecretBox.fromDataDir(mkdtempSync(join(tmpdir(), 'wck-bullmq-')));
  const connect = async (prefix: string, leaseMs = 1000) => {
    const s = await RedisStorage.connect(box, { url: REDIS_TEST_URL, prefix, leaseMs });
    open.push(s);
    return s;
  };
  /** A BullMQ Queue of its own on the sidecar's prefix, as an operator's dashboard would open it. */
  const inspect = (prefix: string) => {
    const q = new Queue(BULL_QUEUE, { connection: { url: REDIS_TEST_URL }, prefix: bullPrefix(prefix) });
    open.push(q);
    return q;
  };
  const counts = async (q: Queue) => {
    const c = await q.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return { waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
  };
  after(async () => {
    for (const s of open) await s.close().catch(() => {});
    for (const p of prefixes) await dropRedisPrefix(p);
  });

  it('adds mapped jobs to BullMQ, holds them locked while sent, delays a retry there, and removes them when done', async () => {
    const prefix = newPrefix();
    const a = await connect(prefix);
    const q = inspect(prefix);
    await a.saveStore(store(STORE));
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'b1', headers: {}, body: '{}' });
    assert.deepEqual(await counts(q), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }, 'nothing before mapping');
    assert.equal((await planAndApply(a, d.id, eventOutcome(['bull-1', 'bull-2'])))?.requests.length, 2);

    const view = await a.getDelivery(STORE, d.id);
    const ids = view!.requests.map((r) => r.id).sort();
    assert.deepEqual(await counts(q), { waiting: 2, active: 0, delayed: 0, completed: 0, failed: 0 });
    const waiting = await q.getJobs(['prioritized', 'wait']);
    assert.deepEqual(waiting.map((j) => (j.data as { jobId: string }).jobId).sort(), ids, 'one BullMQ job per job record');
    assert.ok(waiting.every((j) => j.priority === 1 && (j.data as { storeId: string }).storeId === STORE), 'live jobs at the live priority');
    assert.equal(await a.redis.scard(`${prefix}:outbox`), 0, 'the outbox is emptied once BullMQ has them');

    const claimed = await a.claimJobs(5, Date.now());
    assert.deepEqual(claimed.map((j) => j.id).sort(), ids);
    assert.deepEqual(await counts(q), { waiting: 0, active: 2, delayed: 0, completed: 0, failed: 0 }, 'claimed jobs are active BullMQ jobs');
    assert.deepEqual(await a.claimJobs(5, Date.now()), [], 'nothing is handed out twice');

    const [retried, sent] = claimed as [Job, Job];
    await a.settleJob(retried, { kind: 'retry', failure: { errorClass: 'server', message: 'try later', responseStatus: 503 }, delayMs: 400, consumesAttempt: true }, Date.now());
    await a.settleJob(sent, done, Date.now());
    assert.deepEqual(await counts(q), { waiting: 0, active: 0, delayed: 1, completed: 0, failed: 0 }, 'a retry waits as a delayed BullMQ job; a done one is removed');
    const due = await a.nextDueAt();
    assert.ok(due !== null && due > Date.now() + 100, 'the next due time is the retry\'s');

    const t0 = Date.now();
    const again = await until('the retry', 5000, async () => { const j = await a.claimJobs(5, Date.now()); return j.length ? j : null; });
    assert.deepEqual(again.map((j) => j.id), [retried.id]);
    assert.ok(Date.now() - t0 >= 250, 'not before its delay');
    assert.equal(again[0]!.attempts, 1);
    await a.settleJob(again[0]!, done, Date.now());
    assert.deepEqual(await counts(q), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }, 'BullMQ keeps nothing of finished jobs');
    assert.equal((await a.getDelivery(STORE, d.id))?.status, 'succeeded');
  });

  it('sends live jobs before replays: BullMQ priorities', async () => {
    const prefix = newPrefix();
    const a = await connect(prefix);
    await a.saveStore(store(STORE));
    const old = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'p-old', headers: {}, body: '{}' });
    await planAndApply(a, old.id, eventOutcome(['prio-old']));
    const [first] = await a.claimJobs(5, Date.now());
    await a.settleJob(first!, dead({ errorClass: 'invalid', message: 'no', responseStatus: 400 }), Date.now());
    assert.equal(await a.replayDelivery(STORE, old.id, false), 1);
    const live = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'p-live', headers: {}, body: '{}' });
    await planAndApply(a, live.id, eventOutcome(['prio-live']));
    const order = (await a.claimJobs(1, Date.now())).concat(await a.claimJobs(1, Date.now()));
    assert.deepEqual(order.map((j) => j.priority), ['live', 'backlog']);
    assert.deepEqual(order.map((j) => j.request.key), ['prio-live', 'prio-old']);
    for (const j of order) await a.settleJob(j, done, Date.now());
  });

  it('takes a paused store\'s jobs out of BullMQ and puts them back on resume', async () => {
    const prefix = newPrefix();
    const a = await connect(prefix);
    const q = inspect(prefix);
    await a.saveStore(store(STORE));
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'pz', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['pause-1', 'pause-2', 'pause-3']));
    await a.setPaused(STORE, true, 'test');
    assert.deepEqual(await a.claimJobs(5, Date.now()), [], 'nothing of a paused store is sent');
    assert.deepEqual(await counts(q), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }, 'set aside, not left in BullMQ');
    assert.equal(await a.redis.zcard(`${prefix}:held:${STORE}`), 3);
    const s = await a.stats(STORE, Date.now());
    assert.equal(s.queue.paused, 3);
    assert.equal((await a.getDelivery(STORE, d.id))?.status, 'paused');

    await a.setPaused(STORE, false, null);
    assert.equal((await counts(q)).waiting, 3, 'resume re-queues them in BullMQ');
    assert.equal(await a.redis.zcard(`${prefix}:held:${STORE}`), 0);
    const jobs = await a.claimJobs(5, Date.now());
    assert.equal(jobs.length, 3);
    for (const j of jobs) await a.settleJob(j, done, Date.now());
    assert.equal((await a.getDelivery(STORE, d.id))?.status, 'succeeded');
  });

  it('adds what a crashed replica left in the outbox, and an entry added twice is still sent once', async () => {
    const prefix = newPrefix();
    const a = await connect(prefix);
    const b = await connect(prefix);
    const q = inspect(prefix);
    await a.saveStore(store(STORE));
    // A dies right after its script stored the jobs, before it added them to BullMQ.
    skipOutboxFlush(a);
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'ob', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['outbox-1', 'outbox-2']));
    const entries = (await a.redis.smembers(`${prefix}:outbox`)).sort();
    assert.equal(entries.length, 2);
    assert.equal((await counts(q)).waiting, 0, 'not in BullMQ yet');

    await b.recover();
    assert.equal(await b.redis.scard(`${prefix}:outbox`), 0);
    assert.equal((await counts(q)).waiting, 2, 'the other replica added them');
    // The same entries again (a replica that crashed after adding but before removing them): BullMQ has those ids.
    await b.redis.sadd(`${prefix}:outbox`, ...entries);
    await b.recover();
    assert.equal((await counts(q)).waiting, 2, 'adding an id BullMQ has changes nothing');

    const jobs = await b.claimJobs(5, Date.now());
    assert.equal(jobs.length, 2);
    for (const j of jobs) await b.settleJob(j, done, Date.now());
    // A BullMQ job for a job record that is done (an entry re-added after the job was sent) is dropped unsent.
    const [jid, gen] = entries[0]!.split(':') as [string, string];
    await q.add('send', { jobId: jid, storeId: STORE }, { jobId: `${jid}-${gen}`, priority: 1, removeOnComplete: true });
    assert.deepEqual(await b.claimJobs(5, Date.now()), [], 'a stale BullMQ job is not sent');
    assert.deepEqual(await counts(q), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
    const view = await b.getDelivery(STORE, d.id);
    assert.deepEqual(view?.requests.map((r) => [r.status, r.attempts]), [['done', 1], ['done', 1]]);
  });

  it('moves jobs of the queue layout before BullMQ (due sets, in-flight hash) into BullMQ on recovery', async () => {
    const prefix = newPrefix();
    const a = await connect(prefix);
    const q = inspect(prefix);
    await a.saveStore(store(STORE));
    skipOutboxFlush(a);
    const d = await a.recordDelivery({ storeId: STORE, topic: 'order.created', contentHash: 'legacy', headers: {}, body: '{}' });
    await planAndApply(a, d.id, eventOutcome(['legacy-due', 'legacy-inflight']));
    // Rewrite what the scripts stored as an older version left it: one job due, one claimed by a replica now gone.
    const [due, inflight] = (await a.getDelivery(STORE, d.id))!.requests.map((r) => r.id) as [string, string];
    await a.redis.multi().del(`${prefix}:outbox`).hdel(`${prefix}:j:${due}`, 'gen').hdel(`${prefix}:j:${inflight}`, 'gen')
      .zadd(`${prefix}:due:0`, Date.now(), due).hset(`${prefix}:inflight`, inflight, 'old-replica')
      .hset(`${prefix}:j:${inflight}`, 'status', 'in_flight').exec();
    await a.recover();
    assert.equal((await counts(q)).waiting, 2);
    assert.equal(await a.redis.exists(`${prefix}:due:0`, `${prefix}:inflight`), 0, 'the old keys are gone');
    const jobs = await a.claimJobs(5, Date.now());
    assert.deepEqual(jobs.map((j) => j.id).sort(), [due, inflight].sort());
    for (const j of jobs) await a.settleJob(j, done, Date.now());
    assert.equal((await a.getDelivery(STORE, d.id))?.status, 'succeeded');
  });

  it('delivers an outbox left behind once a sidecar starts', async () => {
    const prefix = newPrefix();
    const dataDir = mkdtempSync(join(tmpdir(), 'wck-bullmq-outbox-'));
    const a = await RedisStorage.connect(SecretBox.fromDataDir(dataDir), { url: REDIS_TEST_URL, prefix, leaseMs: 2000 });
    await a.saveStore(store('outbox-store'));
    skipOutboxFlush(a);
    const order = buildOrder({ id: 9300, status: 'processing', items: 1 });
    const d = await a.recordDelivery({ storeId: 'outbox-store', topic: 'order.created', contentHash: 'outbox-e2e', headers: {}, body: JSON.stringify(order) });
    const result = mapDelivery({ storeId: 'outbox-store', topic: 'order.created', payload: order });
    const jobs = (await planAndApply(a, d.id, { ok: true, result }))?.requests.length ?? 0;
    assert.ok(jobs >= 2);
    assert.equal(await a.redis.scard(`${prefix}:outbox`), jobs);
    await a.close();

    const h = await startHarness({ dataDir, env: { REDIS_PREFIX: prefix } });
    try {
      await h.drain('outbox-store');
      const placed = h.double.requests.filter((r) => r.path === '/api/events' && r.status === 202
        && (r.body as any)?.data?.attributes?.unique_id === 'woo:outbox-store:order:9300:placed');
      assert.equal(placed.length, 1, 'the order reached Klaviyo once');
      assert.equal(h.double.events.filter((e) => e.uniqueId?.startsWith('woo:outbox-store:order:9300:')).length, 2);
      const r = new Redis(REDIS_TEST_URL);
      try { assert.equal(await r.scard(`${prefix}:outbox`), 0); } finally { r.disconnect(); }
    } finally {
      await h.close();
    }
  });

  it('a replica killed mid-send loses its jobs to another through BullMQ\'s stalled check; Klaviyo accepts each once', async () => {
    const prefix = newPrefix();
    const double = await startKlaviyoDouble();
    const dataDir = mkdtempSync(join(tmpdir(), 'wck-bullmq-kill-'));
    const children: { child: ChildProcess; exited: Promise<number | null> }[] = [];
    const startReplica = async () => {
      const port = await freePort();
      const r = spawnSidecar({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, KLAVIYO_API_BASE: double.url,
        LOG_LEVEL: 'error', REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, REDIS_LEASE_MS: '1500' });
      children.push(r);
      const url = `http://127.0.0.1:${port}`;
      await waitOk(url, '/readyz', 400);
      return { url, ...r };
    };
    const q = inspect(prefix);
    try {
      const a = await startReplica();
      const put = await fetch(`${a.url}/v1/stores/${STORE}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ siteUrl: 'http://shop.example', webhookSecret: FIXTURE_SECRET, klaviyo: { privateKey: GOOD_KEY } }) });
      assert.equal(put.status, 200);
      // Klaviyo hangs on events: A's sends stay in flight until A is killed.
      double.inject({ kind: 'hang', ms: 5000, probability: 1, paths: ['/api/events'] });
      const body = JSON.stringify(buildOrder({ id: 9400, status: 'processing', items: 1 }));
      const res = await fetch(`${a.url}/v1/stores/${STORE}/webhooks/woocommerce`, { method: 'POST', body, headers: {
        'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': sign(body, FIXTURE_SECRET) } });
      assert.equal(res.status, 200);
      const uniques = [`woo:${STORE}:order:9400:placed`, `woo:${STORE}:order:9400:item:${9400 * 100 + 1}`];
      const isEvent = (u: string) => (r: (typeof double.requests)[number]) => r.path === '/api/events' && (r.body as any)?.data?.attributes?.unique_id === u;
      // The double reads a hung request's body only once the hang ends: count A's requests by path.
      await until('A to send both events', 10_000, async () => double.requests.filter((r) => r.path === '/api/events' && r.fault === 'hang').length === 2);
      // The order's profile-totals import may be in flight beside them (it is not hung): count the event sends.
      const activeKinds = async () => {
        const r = new Redis(REDIS_TEST_URL);
        try {
          const jobs = await q.getJobs(['active']);
          return await Promise.all(jobs.map(async (j) => ({ bullId: j.id, storeId: (j.data as { storeId: string }).storeId,
            kind: await r.hget(`${prefix}:j:${(j.data as { jobId: string }).jobId}`, 'kind') })));
        } finally {
          r.disconnect();
        }
      };
      const active = (await activeKinds()).filter((j) => j.kind === 'event');
      assert.deepEqual(active.map((j) => j.storeId), [STORE, STORE], `A's two event sends are active BullMQ jobs (${JSON.stringify(await counts(q))})`);

      a.child.kill('SIGKILL');
      await a.exited;
      double.clearFaults();
      await startReplica();
      // B gets the jobs only through BullMQ's stalled check (A never finished them), then sends them.
      await until('B to send both events', 15_000, async () => uniques.every((u) => double.requests.some((r) => isEvent(u)(r) && r.status === 202 && !r.fault)));
      const r = new Redis(REDIS_TEST_URL);
      try {
        const events = await r.xrange(`${bullPrefix(prefix)}:${BULL_QUEUE}:events`, '-', '+');
        const stalled = new Set(events.filter(([, f]) => f[1] === 'stalled').map(([, f]) => f[f.indexOf('jobId') + 1]));
        assert.ok(active.every((j) => stalled.has(j.bullId ?? '')), `both event sends went back through the stalled check (${[...stalled].join(', ')})`);
      } finally {
        r.disconnect();
      }
      await until('the queue to drain', 10_000, async () => {
        const x = await counts(q);
        return x.waiting + x.active + x.delayed === 0;
      });
      for (const u of uniques) {
        assert.equal(double.requests.filter((r) => isEvent(u)(r) && r.status === 202 && !r.fault).length, 1, `${u} accepted once`);
        assert.equal(double.events.filter((e) => e.uniqueId === u).length, 1, `${u} kept once`);
      }
    } finally {
      for (const c of children) { c.child.kill('SIGKILL'); await c.exited; }
      await double.close();
    }
  });
});
