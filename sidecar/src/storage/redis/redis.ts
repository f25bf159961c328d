/**
 * Scale-out storage: deliveries, jobs, dedupe state, stores and the sync log in Redis, shared by several
 * sidecar replicas. Each state change is one Lua script (storage/redis/scripts.ts), so it is atomic across
 * replicas; a delivery is acknowledged only after Redis replied to the script that stored it (how much an
 * acknowledged write survives then depends on Redis persistence: AOF with appendfsync everysec or always).
 *
 * The job queue is BullMQ (storage/redis/bullmq.ts): scripts that create or re-queue jobs write them to an
 * outbox in the same atomic step, and this replica adds them to BullMQ right after (recovery adds what a
 * crashed replica left). BullMQ hands each job to one replica under a lock that replica renews; a crashed
 * replica's jobs come back through BullMQ's stalled-job check once their locks lapsed, never while it is alive
 * and still sending. An outcome is recorded under that lock (redis-scripts.ts finishJob), then the BullMQ job
 * is completed or delayed (a retry).
 */
import { Redis } from 'ioredis';
import { StorageError } from '../../errors.js';
import type { KlaviyoErrorItem } from '../../klaviyo/errors.js';
import type { KlaviyoRequest, WooTopic } from '../../mapping/types.js';
import type { SecretBox } from '../secrets.js';
import { BullTransport, type Claim, type QueueEntry } from './bullmq.js';
import { SCRIPTS, type ScriptName } from './scripts.js';
import {
  DELIVERY_STATUSES, type DeliveryFilter, type DeliveryStatus, type DeliveryView, type Job, type JobFailure, type JobStatus,
  type JobView, type KeyStatus, type NewDelivery, type ProcessingOutcome, type ReceivedDelivery, type Rejection, type Storage,
  type StoreRecord, type StoreStats,
} from '../types.js';

type Arg = string | number;
type Hash = Record<string, string>;

export interface RedisStorageOptions {
  url: string;
  prefix: string;
  /** How long a replica's claim on an in-flight job outlives the replica (ms): BullMQ's lock duration. */
  leaseMs: number;
}

/** Longest walk through the sync log for one page of a text search. */
const SEARCH_SCAN_LIMIT = 20_000;
/** Outbox entries handled per BullMQ call. */
const OUTBOX_CHUNK = 500;

type Unfinished = { args: string[]; claim: Claim | undefined };

export class RedisStorage implements Storage {
  readonly backend = 'redis' as const;
  readonly bull: BullTransport;
  private readonly p: string;
  private lastRecover = 0;
  private unfinished: Unfinished[] = [];
  /** The BullMQ claim behind each job this replica is sending. */
  private readonly claims = new WeakMap<Job, Claim>();
  private closed = false;

  private constructor(readonly redis: Redis, private readonly box: SecretBox, private readonly opts: RedisStorageOptions) {
    this.p = `${opts.prefix}:`;
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    this.bull = new BullTransport(redis, opts);
  }

  /** Connects, checks Redis answers, and starts BullMQ's worker (claims, lock renewal, stalled-job check). */
  static async connect(box: SecretBox, opts: RedisStorageOptions): Promise<RedisStorage> {
    const redis = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new StorageError(`Redis at ${redactUrl(opts.url)} could not be reached.`, err);
    }
    const s = new RedisStorage(redis, box, opts);
    try {
      await s.bull.start();
    } catch (err) {
      await s.bull.close();
      redis.disconnect();
      throw new StorageError(`BullMQ could not start on Redis at ${redactUrl(opts.url)}.`, err);
    }
    return s;
  }

  /** The key prefix, for the shared rate limiter. */
  get prefix(): string {
    return this.opts.prefix;
  }

  private run(name: ScriptName, ...args: Arg[]): Promise<unknown> {
    const fn = (this.redis as unknown as Record<ScriptName, (...a: Arg[]) => Promise<unknown>>)[name];
    // Unreachable Redis answers 503 at the edge (WooCommerce retries), not a bare 500.
    return fn.call(this.redis, this.opts.prefix, ...args).catch((err: unknown) => {
      throw new StorageError(`Storage is unavailable: Redis did not run ${name}.`, err);
    });
  }

  async getStore(id: string): Promise<StoreRecord | null> {
    const r = await this.redis.hgetall(`${this.p}store:${id}`) as Hash;
    if (!r.site_url) return null;
    return {
      id,
      siteUrl: r.site_url,
      webhookSecret: this.box.open(r.secret_enc!),
      privateKey: this.box.open(r.key_enc!),
      keyLast4: r.key_last4 ?? '',
      listId: r.list_id ?? null,
      keyStatus: (r.key_status ?? 'unverified') as KeyStatus,
      keyDetail: r.key_detail ?? null,
      keyCheckedAt: r.key_checked_at ?? null,
      paused: r.paused === '1',
      pauseReason: r.pause_reason ?? null,
    };
  }

  async saveStore(s: StoreRecord): Promise<void> {
    const key = `${this.p}store:${s.id}`;
    const now = String(Date.now());
    const tx = this.redis.multi()
      .hset(key, {
        site_url: s.siteUrl, secret_enc: this.box.seal(s.webhookSecret), key_enc: this.box.seal(s.privateKey), key_last4: s.keyLast4,
        key_status: s.keyStatus, updated_at: now,
      })
      .hsetnx(key, 'created_at', now);
    for (const [f, v] of [['list_id', s.listId], ['key_detail', s.keyDetail], ['key_checked_at', s.keyCheckedAt]] as const) {
      if (v == null) tx.hdel(key, f); else tx.hset(key, f, v);
    }
    await tx.exec();
    await this.setPaused(s.id, s.paused, s.pauseReason);
  }

  async setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> {
    const key = `${this.p}store:${id}`;
    if (!(await this.redis.exists(key))) return;
    const tx = this.redis.multi().hset(key, { key_status: status, key_checked_at: new Date().toISOString() });
    if (detail == null) tx.hdel(key, 'key_detail'); else tx.hset(key, 'key_detail', detail);
    await tx.exec();
  }

  async setPaused(id: string, paused: boolean, reason: string | null): Promise<void> {
    const [, queued] = await this.run('wckSetPaused', id, paused ? '1' : '0', reason ?? '') as [number, string[]];
    await this.flushOutbox(queued);
  }

  async recordDelivery(d: NewDelivery): Promise<{ id: string; duplicate: boolean }> {
    const [id, dup] = await this.run('wckRecordDelivery', d.storeId, d.topic, d.contentHash, JSON.stringify(d.headers), d.body, String(Date.now())) as [string, number];
    return { id: String(id), duplicate: dup === 1 };
  }

  async recordRejection(r: Rejection): Promise<string> {
    return String(await this.run('wckRecordRejection', r.storeId, r.topic ?? '', JSON.stringify(r.headers), r.body, r.code, r.message, String(Date.now())));
  }

  async takeReceived(limit: number): Promise<ReceivedDelivery[]> {
    const ids = await this.redis.zrange(`${this.p}received`, '0', String(limit - 1));
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(`${this.p}d:${id}`, 'store_id', 'topic', 'body', 'state');
    const rows = await execPipe(pipe);
    const out: ReceivedDelivery[] = [];
    ids.forEach((id, i) => {
      const [storeId, topic, body, state] = rows[i] as (string | null)[];
      if (state === 'received' && storeId && topic && body != null) out.push({ id, storeId, topic: topic as WooTopic, body });
    });
    return out;
  }

  async completeProcessing(deliveryId: string, outcome: ProcessingOutcome): Promise<{ jobs: number }> {
    let payload: Record<string, unknown>;
    if (outcome.ok) {
      const { summary, requests, note } = outcome.result;
      payload = {
        ok: true, resource: summary.resource, resourceId: summary.resourceId == null ? null : String(summary.resourceId),
        orderNumber: summary.orderNumber ?? null, email: summary.email ?? null, note: note ?? null,
        requests: requests.map((r) => ({ key: r.key, kind: r.kind, metric: r.kind === 'event' ? r.metric : null, body: JSON.stringify(r.body) })),
      };
    } else {
      const s = outcome.summary ?? {};
      payload = {
        ok: false, error: outcome.error, resource: s.resource ?? null, resourceId: s.resourceId == null ? null : String(s.resourceId),
        orderNumber: s.orderNumber ?? null, email: s.email ?? null,
      };
    }
    const [jobs, queued] = await this.run('wckCompleteProcessing', deliveryId, String(Date.now()), JSON.stringify(payload)) as [number, string[]];
    await this.flushOutbox(queued);
    return { jobs };
  }

  /**
   * Adds outbox entries (`<job id>:<gen>`) to BullMQ, then removes them from the outbox. Entries whose job is
   * not waiting at that generation any more are only removed. Called right after the script that wrote them;
   * a failure leaves them for recover(), so it is not an error of the caller.
   */
  private async flushOutbox(entries: string[]): Promise<void> {
    try {
      await this.addToBull(entries);
    } catch {
      // Still in the outbox: recover() adds them.
    }
  }

  private async addToBull(entries: string[]): Promise<void> {
    for (let i = 0; i < entries.length; i += OUTBOX_CHUNK) {
      const chunk = entries.slice(i, i + OUTBOX_CHUNK);
      const pipe = this.redis.pipeline();
      for (const e of chunk) pipe.hmget(`${this.p}j:${e.slice(0, e.indexOf(':'))}`, 'status', 'gen', 'store_id', 'priority', 'next_at');
      const rows = await execPipe(pipe) as (string | null)[][];
      const add: QueueEntry[] = [];
      chunk.forEach((e, k) => {
        const [status, gen, storeId, priority, nextAt] = rows[k]!;
        const [jobId, entryGen] = e.split(':') as [string, string];
        if ((status === 'pending' || status === 'retrying') && gen === entryGen && storeId) {
          add.push({ jobId, gen: entryGen, storeId, priority: priority ?? '0', dueAt: Number(nextAt ?? 0) });
        }
      });
      await this.bull.add(add, Date.now());
      await this.redis.srem(`${this.p}outbox`, ...chunk);
    }
  }

  async claimJobs(limit: number, now: number): Promise<Job[]> {
    if (this.unfinished.length) await this.flushUnfinished();
    if (now - this.lastRecover >= Math.max(200, this.opts.leaseMs / 4)) await this.recover();
    const out: Job[] = [];
    // Jobs of a paused store and stale ones are set aside as they come; look at a bounded number per call.
    for (let looked = 0; out.length < limit && looked < limit + 64; looked++) {
      let claim: Claim | null = null;
      try {
        claim = await this.bull.next();
        if (!claim) break;
        const res = await this.run('wckClaimJob', claim.jobId, claim.gen, this.bull.lockKey(claim.job.id!), claim.token) as [string, string[]?];
        if (res[0] === 'send') {
          const job = toJob(toHash(res[1]!));
          this.claims.set(job, claim);
          out.push(job);
        } else if (res[0] === 'lost') {
          this.bull.release(claim);
        } else {
          await this.bull.finish(claim, { complete: true }).catch(() => { /* comes back through the stalled check */ });
        }
      } catch (err) {
        // Unclaimed: the lock lapses and BullMQ hands the job out again. Jobs already claimed are sent.
        if (claim) this.bull.release(claim);
        if (out.length) return out;
        throw err instanceof StorageError ? err : new StorageError('Storage is unavailable: BullMQ did not hand out a job.', err);
      }
    }
    return out;
  }

  private async finish(job: Job, action: 'done' | 'retry' | 'dead' | 'held', now: number, o: {
    responseStatus?: number | null; failure?: JobFailure; nextAt?: number; attempts?: number;
  }): Promise<void> {
    const f = o.failure;
    const claim = this.claims.get(job);
    this.claims.delete(job);
    const args = [job.id, claim ? this.bull.lockKey(claim.job.id!) : '', claim?.token ?? '', action, String(now),
      o.responseStatus == null ? '' : String(o.responseStatus), f?.errorClass ?? '', f?.message ?? '', detail(f?.klaviyoErrors) ?? '',
      String(o.nextAt ?? now), String(o.attempts ?? 0), String(now - 600_000)];
    // A job must not stay in flight under a live lock because Redis blinked: retry, then keep it for later
    // (its lock is still renewed meanwhile).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.settle(claim, await this.run('wckFinishJob', ...args) as [string, string?]);
        return;
      } catch (err) {
        if (this.closed || attempt >= 5) {
          this.unfinished.push({ args, claim });
          throw new StorageError(`Recording job ${job.id} failed; it is retried on the next claim.`, err);
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  /** Moves the BullMQ job on once its outcome is recorded. A failed move is not retried: the stalled check brings it back. */
  private async settle(claim: Claim | undefined, res: [string, string?]): Promise<void> {
    if (!claim) return;
    if (res[0] === 'complete') await this.bull.finish(claim, { complete: true }).catch(() => {});
    else if (res[0] === 'delay') await this.bull.finish(claim, { delayUntil: Number(res[1]) }).catch(() => {});
    else this.bull.release(claim);
  }

  /** Outcomes that could not be recorded earlier (Redis was unreachable). */
  private async flushUnfinished(): Promise<void> {
    const pending = this.unfinished;
    this.unfinished = [];
    for (const u of pending) {
      try {
        await this.settle(u.claim, await this.run('wckFinishJob', ...u.args) as [string, string?]);
      } catch {
        this.unfinished.push(u);
      }
    }
  }

  jobDone(job: Job, responseStatus: number, now: number): Promise<void> {
    return this.finish(job, 'done', now, { responseStatus });
  }

  jobRetry(job: Job, failure: JobFailure, delayMs: number, consumesAttempt: boolean, now: number): Promise<void> {
    return this.finish(job, 'retry', now, { responseStatus: failure.responseStatus, failure, nextAt: now + delayMs, attempts: consumesAttempt ? 1 : 0 });
  }

  jobDead(job: Job, failure: JobFailure, now: number): Promise<void> {
    return this.finish(job, 'dead', now, { responseStatus: failure.responseStatus, failure });
  }

  jobHeld(job: Job, failure: JobFailure, now: number): Promise<void> {
    return this.finish(job, 'held', now, { responseStatus: failure.responseStatus, failure });
  }

  async replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void> {
    await this.redis.hset(`${this.p}j:${job.id}`, { body: JSON.stringify(request.body), phone_dropped: '1' });
  }

  /** Jobs in BullMQ waiting to be handed out, due or delayed, plus outbox entries not yet added. */
  async readyJobs(): Promise<number> {
    const [w, outbox] = await Promise.all([this.bull.waiting(), this.redis.scard(`${this.p}outbox`)]);
    return w.due + w.delayed + outbox;
  }

  async nextDueAt(): Promise<number | null> {
    const [w, outbox] = await Promise.all([this.bull.waiting(), this.redis.scard(`${this.p}outbox`)]);
    if (w.due > 0 || outbox > 0) return Date.now();
    return this.bull.nextDelayedAt(this.redis);
  }

  /**
   * Adds to BullMQ what any replica left in the outbox (one that crashed between its script and BullMQ), and
   * moves jobs of the queue layout of earlier versions over. A crashed replica's claimed jobs need nothing here:
   * BullMQ's stalled-job check hands them out again once their locks lapse.
   */
  async recover(): Promise<void> {
    this.lastRecover = Date.now();
    const [, queued] = await this.run('wckRecover') as [number, string[]];
    await this.addToBull(queued);
    // Bounded: entries that keep failing are tried again on the next recovery.
    for (let round = 0; round < 40; round++) {
      const entries = await this.redis.srandmember(`${this.p}outbox`, OUTBOX_CHUNK);
      if (entries.length === 0) break;
      await this.addToBull(entries);
    }
  }

  async listDeliveries(storeId: string, f: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    const index = f.status ? `${this.p}log:${storeId}:${f.status}` : `${this.p}log:${storeId}`;
    let max = '+inf';
    if (f.cursor) {
      const c = Number.parseInt(Buffer.from(f.cursor, 'base64url').toString('utf8'), 10);
      if (Number.isFinite(c)) max = `(${c}`;
    }
    const cursorOf = (id: string) => Buffer.from(id).toString('base64url');
    const q = f.q?.trim();
    let ids: string[];
    let nextCursor: string | null = null;
    if (!q) {
      const page = await this.redis.zrevrangebyscore(index, max, '-inf', 'LIMIT', 0, f.limit + 1);
      ids = page.slice(0, f.limit);
      if (page.length > f.limit) nextCursor = cursorOf(ids[ids.length - 1]!);
    } else {
      // Email substring or exact order number, as the SQLite backend: walk the log newest first.
      const needle = q.toLowerCase();
      const order = q.replace(/^#/, '');
      ids = [];
      let scanned = 0;
      for (;;) {
        const chunk = await this.redis.zrevrangebyscore(index, max, '-inf', 'LIMIT', 0, 200);
        if (chunk.length === 0) break;
        const pipe = this.redis.pipeline();
        for (const id of chunk) pipe.hmget(`${this.p}d:${id}`, 'email', 'order_number');
        const rows = await execPipe(pipe) as (string | null)[][];
        let full = false;
        for (let i = 0; i < chunk.length; i++) {
          const [email, num] = rows[i]!;
          scanned++;
          if ((email && email.toLowerCase().includes(needle)) || num === order) {
            if (ids.length === f.limit) { full = true; break; }
            ids.push(chunk[i]!);
          }
          max = `(${chunk[i]!}`;
        }
        if (full) { nextCursor = cursorOf(ids[ids.length - 1]!); break; }
        if (chunk.length < 200) break;
        if (scanned >= SEARCH_SCAN_LIMIT) { nextCursor = cursorOf(max.slice(1)); break; }
      }
    }
    const items = await this.views(storeId, ids, false);
    return { items: items.filter((v): v is DeliveryView => v !== null), nextCursor };
  }

  async getDelivery(storeId: string, id: string): Promise<DeliveryView | null> {
    const [v] = await this.views(storeId, [id], true);
    return v ?? null;
  }

  private async views(storeId: string, ids: string[], full: boolean): Promise<(DeliveryView | null)[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(`${this.p}d:${id}`).hkeys(`${this.p}dj:${id}`);
    const res = await execPipe(pipe);
    const jobIds = ids.map((_, i) => (res[i * 2 + 1] as string[]).map(Number).sort((a, b) => a - b).map(String));
    const jp = this.redis.pipeline();
    for (const js of jobIds) for (const j of js) jp.hgetall(`${this.p}j:${j}`);
    const jobRows = (await execPipe(jp)) as Hash[];
    let k = 0;
    return ids.map((id, i) => {
      const r = res[i * 2] as Hash;
      const jobs = jobIds[i]!.map((jid) => ({ id: jid, ...jobRows[k++]! }));
      if (!r.store_id || r.store_id !== storeId) return null;
      return this.view(id, r, jobs, full);
    });
  }

  private view(id: string, r: Hash, jobs: Hash[], full: boolean): DeliveryView {
    const requests = jobs.map((j): JobView => ({
      id: j.id!, kind: j.kind as 'event' | 'profile', metric: j.metric ?? null, key: j.key!, status: j.status as JobStatus,
      attempts: Number(j.attempts ?? 0), responseStatus: j.response_status ? Number(j.response_status) : null,
      error: j.error_message ?? null, ...(full ? { body: JSON.parse(j.body!) as unknown } : {}),
    }));
    let error: DeliveryView['error'] = null;
    if (r.error_class) error = { class: r.error_class, message: r.error_message ?? '' };
    else {
      const failed = jobs.filter((j) => j.error_class).sort((a, b) => Number(b.status === 'dead') - Number(a.status === 'dead'))[0];
      if (failed) {
        error = { class: failed.error_class!, message: failed.error_message ?? '' };
        if (failed.error_detail) error.klaviyo = JSON.parse(failed.error_detail) as KlaviyoErrorItem[];
      }
    }
    const v: DeliveryView = {
      id, receivedAt: new Date(Number(r.received_at)).toISOString(), topic: r.topic ?? null, resource: r.resource ?? null,
      resourceId: r.resource_id ? Number(r.resource_id) : null, orderNumber: r.order_number ?? null, email: r.email ?? null,
      status: r.status as DeliveryStatus, note: r.note ?? null, error, requests,
    };
    if (full) {
      v.headers = JSON.parse(r.headers ?? '{}') as Record<string, string>;
      try { v.payload = JSON.parse(r.body ?? ''); } catch { v.rawBody = (r.body ?? '').slice(0, 65536); }
    }
    return v;
  }

  async replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> {
    const [n, queued] = await this.run('wckReplayDelivery', storeId, id, all ? '1' : '0', String(Date.now())) as [number, string[]];
    await this.flushOutbox(queued);
    return n < 0 ? null : n;
  }

  async replayByStatus(storeId: string, _status: 'dead'): Promise<number> {
    const [n, queued] = await this.run('wckReplayDead', storeId, String(Date.now())) as [number, string[]];
    await this.flushOutbox(queued);
    return n;
  }

  async stats(storeId: string, now: number): Promise<StoreStats> {
    const p = this.p;
    const pipe = this.redis.pipeline()
      .hgetall(`${p}store:${storeId}`)
      .scard(`${p}sj:${storeId}:pending`).scard(`${p}sj:${storeId}:in_flight`).scard(`${p}sj:${storeId}:retrying`).scard(`${p}sj:${storeId}:dead`)
      .hget(`${p}jdone`, storeId)
      .zcount(`${p}ev:${storeId}`, `(${now - 300_000}`, '+inf')
      .hgetall(`${p}errc:${storeId}`);
    for (const s of DELIVERY_STATUSES) pipe.zcard(`${p}log:${storeId}:${s}`);
    const res = await execPipe(pipe);
    const store = res[0] as Hash;
    const queue: StoreStats['queue'] = {
      pending: Number(res[1]), in_flight: Number(res[2]), retrying: Number(res[3]), dead: Number(res[4]), done: Number(res[5] ?? 0), paused: 0,
    };
    if (store.paused === '1') {
      queue.paused = queue.pending + queue.retrying;
      queue.pending = 0;
      queue.retrying = 0;
    }
    const errorCounts: Record<string, number> = {};
    for (const [k, v] of Object.entries(res[7] as Hash)) errorCounts[k] = Number(v);
    const byStatus: StoreStats['deliveries']['byStatus'] = {};
    let total = 0;
    DELIVERY_STATUSES.forEach((s, i) => {
      const n = Number(res[8 + i]);
      if (n > 0) byStatus[s] = n;
      total += n;
    });
    return {
      queue,
      deliveries: { total, byStatus },
      eventsLast5Min: Number(res[6]),
      lastSuccessAt: store.last_success_at ? new Date(Number(store.last_success_at)).toISOString() : null,
      lastError: store.last_error_at
        ? { at: new Date(Number(store.last_error_at)).toISOString(), class: store.last_error_class ?? '', message: store.last_error_message ?? '', deliveryId: store.last_error_delivery ?? null }
        : null,
      errorCounts,
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // After a drained shutdown nothing is claimed; a job whose outcome could not be recorded comes back through
    // the stalled check once its lock lapses.
    try {
      await this.bull.close();
    } finally {
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }
}

function toJob(r: Hash): Job {
  const body = JSON.parse(r.body!) as unknown;
  const request = (r.kind === 'event'
    ? { kind: 'event', key: r.key, metric: r.metric, body }
    : { kind: 'profile', key: r.key, body }) as KlaviyoRequest;
  return {
    id: r.id!, deliveryId: r.delivery_id!, storeId: r.store_id!, request, attempts: Number(r.attempts ?? 0),
    phoneDropped: r.phone_dropped === '1', priority: r.priority === '0' ? 'live' : 'backlog',
  };
}

async function execPipe(pipe: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const res = await pipe.exec();
  if (!res) throw new StorageError('Redis discarded a pipeline.');
  return res.map(([err, v]) => {
    if (err) throw new StorageError(`Redis refused a command: ${err.message}`, err);
    return v;
  });
}

function toHash(flat: string[]): Hash {
  const h: Hash = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  return h;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

function detail(errors: KlaviyoErrorItem[] | undefined): string | null {
  return errors && errors.length ? JSON.stringify(errors.map(({ code, title, detail: d, source }) => ({ code, title, detail: d, source }))) : null;
}
