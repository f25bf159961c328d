/**
 * The Redis backend's job transport: one BullMQ queue per REDIS_PREFIX (queue `klaviyo`, BullMQ key prefix
 * `<REDIS_PREFIX>:bull`). A BullMQ job only carries a job record's id and generation; the record itself, its
 * status and its delivery's sync-log entry stay in our hashes, changed by the scripts of ./scripts.ts.
 *
 * Claiming uses a Worker in manual mode (no processor): getNextJob() without blocking hands out one job with a
 * lock (a token only this claim knows), this module renews the locks of the jobs this replica holds, and the
 * Worker's stalled-job check puts the jobs of a replica that stopped renewing (killed, frozen) back in the queue.
 * Live jobs (BullMQ priority 1) are handed out before replays and backlog (priority 2); a retry is a delayed job.
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';

export const BULL_QUEUE = 'klaviyo';
const JOB_NAME = 'send';

export interface BullJobData {
  /** Our job record's id (the `j:<id>` hash). */
  jobId: string;
  storeId: string;
}

/** A job record to put in the queue, at its generation (outbox entry `<id>:<gen>`). */
export interface QueueEntry {
  jobId: string;
  gen: string;
  storeId: string;
  /** '0' live, '1' replay or backlog (the record's `priority`). */
  priority: string;
  dueAt: number;
}

export interface Claim {
  job: BullJob<BullJobData>;
  token: string;
  jobId: string;
  gen: string;
}

export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/** BullMQ's job id for generation `gen` of our job `jobId` (BullMQ refuses ids that are plain integers or hold ':'). */
export function bullJobId(jobId: string, gen: string): string {
  return `${jobId}-${gen}`;
}

export function parseBullJobId(id: string | undefined): { jobId: string; gen: string } | null {
  const m = /^(\d+)-(\d+)$/.exec(id ?? '');
  return m ? { jobId: m[1]!, gen: m[2]! } : null;
}

export interface BullTransportOptions {
  url: string;
  prefix: string;
  /** How long a claim outlives a replica that stopped renewing it (BullMQ lockDuration). */
  leaseMs: number;
}

export class BullTransport {
  readonly queue: Queue<BullJobData>;
  readonly worker: Worker<BullJobData>;
  private readonly held = new Map<string, string>(); // BullMQ job id -> lock token, renewed while held
  private readonly renewer: NodeJS.Timeout;
  private seq = 0;
  private readonly tokenBase = randomBytes(6).toString('hex');
  private readonly lockBase: string;

  constructor(redis: Redis, private readonly opts: BullTransportOptions) {
    const prefix = bullPrefix(opts.prefix);
    this.lockBase = `${prefix}:${BULL_QUEUE}:`;
    // The queue shares the storage's connection (it fails fast while Redis is away). The worker opens its own
    // (BullMQ refuses a shared one with bounded retries); without the offline queue a claim while Redis is away
    // fails at once instead of waiting for Redis, so the pipeline looks again later and shutdown is not held up.
    this.queue = new Queue<BullJobData>(BULL_QUEUE, { connection: redis, prefix, streams: { events: { maxLen: 1000 } } });
    this.worker = new Worker<BullJobData>(BULL_QUEUE, null, {
      connection: { url: opts.url, enableOfflineQueue: false },
      prefix,
      autorun: false,
      lockDuration: opts.leaseMs,
      stalledInterval: Math.max(250, Math.floor(opts.leaseMs / 4)),
      // A job that stalls again and again (replicas keep dying on it) goes back to the queue every time; BullMQ
      // would fail it after maxStalledCount stalls, and our record would wait for nothing.
      maxStalledCount: 1_000_000_000,
    });
    // Errors of background work (stalled checks while Redis is away) surface through our own calls instead.
    this.queue.on('error', () => {});
    this.worker.on('error', () => {});
    this.renewer = setInterval(() => { this.renew().catch(() => { /* retried on the next beat */ }); }, Math.max(100, Math.floor(opts.leaseMs / 3)));
    this.renewer.unref();
  }

  async start(): Promise<void> {
    await this.queue.waitUntilReady();
    await this.worker.waitUntilReady();
    await this.worker.startStalledCheckTimer();
  }

  /** The key of BullMQ's lock on a job: it holds the claim's token while the claim is alive. */
  lockKey(bullId: string): string {
    return `${this.lockBase}${bullId}:lock`;
  }

  /** Adds jobs; adding an id that is already in the queue changes nothing (BullMQ dedupes by job id). */
  async add(entries: QueueEntry[], now: number): Promise<void> {
    if (entries.length === 0) return;
    await this.queue.addBulk(entries.map((e) => ({
      name: JOB_NAME,
      data: { jobId: e.jobId, storeId: e.storeId },
      opts: {
        jobId: bullJobId(e.jobId, e.gen),
        priority: e.priority === '0' ? 1 : 2,
        delay: Math.max(0, e.dueAt - now),
        removeOnComplete: true,
        removeOnFail: true,
      },
    })));
  }

  /** The next due job, locked for this replica, or null when none is due. Does not wait. */
  async next(): Promise<Claim | null> {
    const token = `${this.tokenBase}:${++this.seq}`;
    const job = (await this.worker.getNextJob(token, { block: false })) as BullJob<BullJobData> | undefined;
    if (!job?.id) return null;
    const ids = parseBullJobId(job.id);
    // Not one of ours (someone else's job on this queue): finish it so it does not come back.
    if (!ids) {
      await job.moveToCompleted(null, token, false).catch(() => {});
      return this.next();
    }
    this.held.set(job.id, token);
    return { job, token, ...ids };
  }

  /** Done with a claim: completed (sent, dead, set aside or stale), or delayed until `at` (a retry). */
  async finish(c: Claim, how: { complete: true } | { delayUntil: number }): Promise<void> {
    try {
      if ('complete' in how) await c.job.moveToCompleted(null, c.token, false);
      else await c.job.moveToDelayed(how.delayUntil, c.token);
    } finally {
      this.release(c);
    }
  }

  /** Stops renewing a claim's lock (it comes back through the stalled check if it was not finished). */
  release(c: Claim): void {
    if (this.held.get(c.job.id!) === c.token) this.held.delete(c.job.id!);
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const ids = [...this.held.keys()];
    await this.worker.extendJobLocks(ids, ids.map((id) => this.held.get(id)!), this.opts.leaseMs);
  }

  /** Jobs waiting to be handed out: due now, or delayed (retries). */
  async waiting(): Promise<{ due: number; delayed: number }> {
    const c = await this.queue.getJobCounts('wait', 'prioritized', 'delayed');
    return { due: (c.wait ?? 0) + (c.prioritized ?? 0), delayed: c.delayed ?? 0 };
  }

  /** When the earliest delayed job is due (ms epoch), or null. */
  async nextDelayedAt(redis: Redis): Promise<number | null> {
    const first = await redis.zrange(this.queue.keys.delayed!, '0', '0', 'WITHSCORES');
    // BullMQ scores a delayed job by (due time * 0x1000 + a counter that keeps FIFO order within a millisecond).
    return first[1] === undefined ? null : Math.floor(Number(first[1]) / 0x1000);
  }

  async close(): Promise<void> {
    clearInterval(this.renewer);
    this.held.clear();
    await this.worker.close().catch(() => {});
    await this.queue.close().catch(() => {});
  }
}
