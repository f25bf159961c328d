/** The job queue: claims in claim order (through the jobs_ready index), send outcomes as the sync core settles them. */
import type { KlaviyoRequest } from '../../klaviyo/types.js';
import { ERASURE_CANCELLED, settle, toJob, type Job, type JobStatus, type SendOutcome } from '../../sync/index.js';
import type { JobQueue } from '../types.js';
import type { SqliteDb } from './db.js';
import { jobRecord, type Row } from './schema.js';
import { applyStoreChange, setDeliveryStatus, storePaused } from './shared.js';

export class SqliteJobs implements JobQueue {
  constructor(private readonly db: SqliteDb) {}

  claimJobs(limit: number, now: number): Promise<Job[]> {
    return this.db.write(() => {
      const rows = this.db.sql(`SELECT j.* FROM jobs j JOIN stores s ON s.id = j.store_id
        WHERE j.status IN ('pending', 'retrying') AND j.next_at <= ? AND s.paused = 0
        ORDER BY j.priority, j.next_at, j.id LIMIT ?`).all(now, limit) as Row[];
      const mark = this.db.sql(`UPDATE jobs SET status = 'in_flight' WHERE id = ?`);
      for (const r of rows) mark.run(r.id);
      return rows.map((r) => toJob(jobRecord(r)));
    });
  }

  settleJob(job: Job, outcome: SendOutcome, now: number): Promise<void> {
    return this.db.write(() => {
      const siblings = (this.db.sql(`SELECT status FROM jobs WHERE delivery_id = ? AND id <> ?`).all(job.deliveryId, job.id) as Row[])
        .map((r) => r.status as JobStatus);
      const mark = this.db.sql(`SELECT error_class, error_message FROM jobs WHERE id = ?`).get(job.id) as Row | undefined;
      const s = settle({ deliveryId: job.deliveryId, kind: job.request.kind, errorClass: mark?.error_class as string | null, errorMessage: mark?.error_message as string | null },
        outcome, siblings, storePaused(this.db, job.storeId), now);
      const c = s.job;
      this.db.sql(`UPDATE jobs SET status = ?, attempts = attempts + ?, next_at = coalesce(?, next_at), response_status = ?,
        error_class = ?, error_message = ?, error_detail = ?, done_at = coalesce(?, done_at), body = CASE WHEN ? THEN '{}' ELSE body END WHERE id = ?`).run(
        c.status, c.attemptsDelta, c.nextAt ?? null, c.responseStatus, c.error?.class ?? null, c.error?.message ?? null,
        c.error?.detail ?? null, c.doneAt ?? null, c.clearBody ? 1 : 0, job.id);
      applyStoreChange(this.db, job.storeId, s.store);
      if (s.deliveryStatus) setDeliveryStatus(this.db, job.deliveryId, s.deliveryStatus);
    });
  }

  replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void> {
    return this.db.write(() => {
      this.db.sql(`UPDATE jobs SET body = ?, phone_dropped = 1 WHERE id = ?`).run(JSON.stringify(request.body), job.id);
    });
  }

  async readyJobs(): Promise<number> {
    return (this.db.sql(`SELECT count(*) AS n FROM jobs WHERE status IN ('pending', 'retrying')`).get() as Row).n as number;
  }

  async nextDueAt(): Promise<number | null> {
    const r = this.db.sql(`SELECT min(j.next_at) AS t FROM jobs j JOIN stores s ON s.id = j.store_id
      WHERE j.status IN ('pending', 'retrying') AND s.paused = 0`).get() as Row | undefined;
    return (r?.t as number | null) ?? null;
  }

  recover(): Promise<void> {
    return this.db.write(() => {
      // A job an erasure marked while it was in flight is never sent again (erasedJob).
      this.db.sql(`UPDATE jobs SET status = 'pending' WHERE status = 'in_flight' AND (error_class IS NULL OR error_class <> ?)`).run(ERASURE_CANCELLED);
      this.db.sql(`UPDATE jobs SET status = 'cancelled', body = '{}' WHERE status = 'in_flight'`).run();
    });
  }
}
