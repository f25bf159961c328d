/**
 * The job queue on BullMQ (./bullmq.ts). A claim takes the next BullMQ job under its lock and marks the record in
 * flight (wckClaim, a compare-and-set on the lock token, the generation and the record still waiting); the lock is
 * renewed while the job is sent, and a crashed replica's jobs come back through BullMQ's stalled-job check once
 * their locks lapsed, never while it is alive and still sending.
 *
 * An outcome is read, settled, compared and set: one pipeline reads the job's status, its delivery's other jobs,
 * the delivery's version and whether the store is paused; the sync core's `settle` computes the job's new fields,
 * the delivery's status and the store's counters; wckSettle writes them if the version and the paused flag are
 * unchanged and, for a failure, the claim's lock is still ours (an accepted request is recorded from anyone, so it
 * is not sent again). On a conflict (a sibling job settled meanwhile, the store paused) it reads again. Then the
 * BullMQ job is completed, or delayed for a retry, or completed and the job set aside while its store is paused.
 */
import { StorageError } from '../../errors.js';
import type { KlaviyoRequest } from '../../klaviyo/types.js';
import {
  EVENTS_WINDOW_MS, settle, toJob, WAITING_JOB_STATUSES, type Job, type JobStatus, type SendOutcome,
} from '../../sync/index.js';
import { backoffMs, type BackoffOptions } from '../../backoff.js';
import type { JobQueue } from '../types.js';
import type { BullTransport, Claim } from './bullmq.js';
import { jobRecord, toHash, type Hash, type RedisConnection } from './connection.js';
import { withStatus, type DeliveryPatcher, type JobPatch } from './deliveries.js';
import type { Outbox } from './outbox.js';

/** How often an outcome is read and compared again when its delivery keeps changing meanwhile. */
const MAX_SETTLE_ROUNDS = 50;
/**
 * An outcome that could not be recorded because Redis was unreachable is tried this many times, with the retry
 * policy's backoff (about 3 s in all at most), then kept and tried again on the next claim.
 */
const RECORD_TRIES = 6;
const RECORD_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 1600 };

type Unfinished = { job: Job; outcome: SendOutcome; now: number; claim: Claim | undefined };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RedisJobs implements JobQueue {
  private lastRecover = 0;
  private unfinished: Unfinished[] = [];
  /** The BullMQ claim behind each job this replica is sending. */
  private readonly claims = new Map<Job, Claim>();

  constructor(
    private readonly c: RedisConnection,
    private readonly bull: BullTransport,
    private readonly outbox: Outbox,
    private readonly deliveries: DeliveryPatcher,
    private readonly leaseMs: number,
    private readonly isClosed: () => boolean,
  ) {}

  async claimJobs(limit: number, now: number): Promise<Job[]> {
    if (this.unfinished.length) await this.flushUnfinished();
    if (now - this.lastRecover >= Math.max(200, this.leaseMs / 4)) await this.recoverShared();
    const out: Job[] = [];
    // Jobs of a paused store and stale ones are set aside as they come; look at a bounded number per call.
    for (let looked = 0; out.length < limit && looked < limit + 64; looked++) {
      let claim: Claim | null = null;
      try {
        claim = await this.bull.next();
        if (!claim) break;
        const res = await this.c.run('wckClaim', claim.jobId, claim.gen, this.bull.lockKey(claim.job.id!), claim.token, ...WAITING_JOB_STATUSES) as string[];
        if (res[0] === 'send') {
          const raw = toHash(res[1] as unknown as string[]);
          const job = toJob(jobRecord(raw.id!, raw));
          this.claims.set(job, claim);
          out.push(job);
        } else if (res[0] === 'lost') {
          this.bull.release(claim);
        } else if (res[0] === 'paused') {
          await this.setAside(claim, claim.job.data.storeId, res[1] as JobStatus, res[2]!, res[3]!);
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

  /**
   * A job of a paused store that BullMQ handed out waits aside until the store resumes (one that was in flight, its
   * replica gone, waits as pending again), and its BullMQ job is completed. If the store resumed meanwhile, the job
   * goes back to BullMQ due now.
   */
  private async setAside(claim: Claim, storeId: string, status: JobStatus, deliveryId: string, dueAt: string): Promise<void> {
    let paused = true;
    await this.deliveries.update(storeId, [deliveryId], (d) => {
      paused = d.paused;
      const job = d.jobs.find((j) => j.id === claim.jobId);
      if (!paused || !job || !WAITING_JOB_STATUSES.includes(job.status)) return null;
      const waits: JobStatus = status === 'in_flight' ? 'pending' : status;
      return { ...withStatus(d, [{ id: claim.jobId, status: waits }]), jobs: [{ id: claim.jobId, status: waits, hold: dueAt }] };
    });
    await this.bull.finish(claim, paused ? { complete: true } : { delayUntil: Date.now() }).catch(() => {});
  }

  async settleJob(job: Job, outcome: SendOutcome, now: number): Promise<void> {
    const claim = this.claims.get(job);
    this.claims.delete(job);
    // A job must not stay in flight under a live lock because Redis blinked: try again, then keep it for the next
    // claim (its lock is still renewed meanwhile).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.record({ job, outcome, now, claim });
        return;
      } catch (err) {
        if (this.isClosed() || attempt >= RECORD_TRIES) {
          this.unfinished.push({ job, outcome, now, claim });
          throw new StorageError(`Recording job ${job.id} failed; it is retried on the next claim.`, err);
        }
        await sleep(backoffMs(attempt, RECORD_BACKOFF));
      }
    }
  }

  private async record({ job, outcome, now, claim }: Unfinished): Promise<void> {
    const p = this.c.p;
    const failure = outcome.kind !== 'done';
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      const [row, jobs, ver, pausedN] = await this.c.exec(this.c.pipeline()
        .hmget(`${p}j:${job.id}`, 'status', 'next_at', 'error_class', 'error_message')
        .hgetall(`${p}dj:${job.deliveryId}`)
        .hget(`${p}d:${job.deliveryId}`, 'ver')
        .sismember(`${p}paused`, job.storeId)) as [(string | null)[], Hash, string | null, number];
      const [status, nextAt, errorClass, errorMessage] = row;
      // Already recorded as accepted (by this replica before a lost reply, or by another): nothing to change.
      if (!status || status === 'done') {
        if (claim) await this.bull.finish(claim, { complete: true }).catch(() => {});
        return;
      }
      // A failure is recorded only under the claim's lock.
      if (failure && !claim) return;
      const paused = pausedN === 1;
      const siblings = Object.entries(jobs).filter(([id]) => id !== job.id).map(([, s]) => s as JobStatus);
      const s = settle({ deliveryId: job.deliveryId, kind: job.request.kind, errorClass, errorMessage }, outcome, siblings, paused, now);
      const c = s.job;
      const st = s.store;
      const waits = c.status === 'pending' || c.status === 'retrying';
      const hold = waits && paused;
      const dueAt = String(c.nextAt ?? nextAt ?? now);
      const res = await this.c.run('wckSettle', job.id, job.deliveryId, job.storeId, ver ?? '0', paused ? '1' : '0',
        failure ? this.bull.lockKey(claim!.job.id!) : '', failure ? claim!.token : '',
        c.status, String(c.attemptsDelta), opt(c.nextAt), opt(c.responseStatus), c.error?.class ?? '', c.error?.message ?? '',
        c.error?.detail ?? '', opt(c.doneAt), s.deliveryStatus ?? '', opt(st.lastSuccessAt),
        opt(st.lastError?.at), st.lastError?.class ?? '', st.lastError?.message ?? '', st.lastError?.deliveryId ?? '', st.countError ?? '',
        opt(st.eventSentAt), String(now - 2 * EVENTS_WINDOW_MS), hold ? 'add' : waits ? '' : 'remove', dueAt, c.clearBody ? '1' : '') as 'ok' | 'conflict' | 'lost';
      if (res === 'conflict') continue;
      if (!claim) return;
      if (res === 'lost') this.bull.release(claim);
      // Moving the BullMQ job on is not retried: if it is lost, the stalled check brings the job back.
      else if (waits && !hold) await this.bull.finish(claim, { delayUntil: Number(dueAt) }).catch(() => {});
      else await this.bull.finish(claim, { complete: true }).catch(() => {});
      return;
    }
    throw new StorageError(`Recording job ${job.id} conflicted ${MAX_SETTLE_ROUNDS} times in a row.`);
  }

  /** Outcomes that could not be recorded earlier (Redis was unreachable). */
  private async flushUnfinished(): Promise<void> {
    const pending = this.unfinished;
    this.unfinished = [];
    for (const u of pending) {
      try {
        await this.record(u);
      } catch {
        this.unfinished.push(u);
      }
    }
  }

  async replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void> {
    await this.c.redis.multi()
      .hset(`${this.c.p}j:${job.id}`, { body: JSON.stringify(request.body), phone_dropped: '1' })
      .hincrby(`${this.c.p}d:${job.deliveryId}`, 'ver', 1)
      .exec();
  }

  /** Jobs in BullMQ waiting to be handed out, due or delayed, plus outbox entries not yet added. */
  async readyJobs(): Promise<number> {
    const [w, outbox] = await Promise.all([this.bull.waiting(), this.c.redis.scard(`${this.c.p}outbox`)]);
    return w.due + w.delayed + outbox;
  }

  async nextDueAt(): Promise<number | null> {
    const [w, outbox] = await Promise.all([this.bull.waiting(), this.c.redis.scard(`${this.c.p}outbox`)]);
    if (w.due > 0 || outbox > 0) return Date.now();
    return this.bull.nextDelayedAt(this.c.redis);
  }

  /**
   * After a crash: this replica gives back the jobs it still holds (pending again, in BullMQ due now), and adds what
   * any replica left behind. The jobs of a crashed replica need nothing here: BullMQ's stalled-job check hands them
   * out again once their locks lapse.
   */
  async recover(): Promise<void> {
    const mine = [...this.claims];
    this.claims.clear();
    for (const [job, claim] of mine) {
      await this.deliveries.update(job.storeId, [job.deliveryId], (d) => {
        if (d.jobs.find((j) => j.id === job.id)?.status !== 'in_flight') return null;
        const back: JobPatch = { id: job.id, status: 'pending' };
        return { ...withStatus(d, [back]), jobs: [back] };
      });
      await this.bull.finish(claim, { delayUntil: Date.now() }).catch(() => {});
    }
    await this.recoverShared();
  }

  /** What any replica left: the outbox, and jobs of the queue layout before BullMQ. Safe while others send. */
  private async recoverShared(): Promise<void> {
    this.lastRecover = Date.now();
    await this.moveEarlierLayout();
    await this.outbox.drain();
  }

  /**
   * Versions before BullMQ kept due jobs in `due:0` and `due:1` and claimed ones in `inflight` (stop every replica
   * of such a version first). Their jobs go to BullMQ through the outbox; the ones left in flight wait as pending.
   */
  private async moveEarlierLayout(): Promise<void> {
    const p = this.c.p;
    const [due0, due1, inflight] = await this.c.exec(this.c.pipeline()
      .zrange(`${p}due:0`, '0', '-1').zrange(`${p}due:1`, '0', '-1').hkeys(`${p}inflight`)) as string[][];
    const wasInFlight = new Map<string, boolean>();
    for (const id of [...due0!, ...due1!]) wasInFlight.set(id, false);
    for (const id of inflight!) wasInFlight.set(id, true);
    if (wasInFlight.size === 0) return;
    const ids = [...wasInFlight.keys()];
    const pipe = this.c.pipeline();
    for (const id of ids) pipe.hmget(`${p}j:${id}`, 'status', 'store_id', 'delivery_id');
    const rows = await this.c.exec(pipe) as (string | null)[][];
    const byStore = new Map<string, Map<string, JobPatch[]>>();
    ids.forEach((id, i) => {
      const [status, storeId, deliveryId] = rows[i]!;
      if (!storeId || !deliveryId) return;
      const due = wasInFlight.get(id) ? status === 'in_flight' : status === 'pending' || status === 'retrying';
      if (!due) return;
      const perDelivery = byStore.get(storeId) ?? new Map<string, JobPatch[]>();
      byStore.set(storeId, perDelivery);
      perDelivery.set(deliveryId, [...(perDelivery.get(deliveryId) ?? []), { id, status: status === 'in_flight' ? 'pending' : status as JobStatus, queue: true }]);
    });
    for (const [storeId, perDelivery] of byStore) {
      await this.deliveries.update(storeId, [...perDelivery.keys()], (d) => {
        const jobs = perDelivery.get(d.id)!;
        return { ...withStatus(d, jobs), jobs };
      });
    }
    await this.c.redis.del(`${p}due:0`, `${p}due:1`, `${p}inflight`);
  }

  /** Forgets this replica's claims (on close: they come back through the stalled check once their locks lapse). */
  forgetClaims(): void {
    this.claims.clear();
  }
}

function opt(v: number | null | undefined): string {
  return v == null ? '' : String(v);
}
