/** A delivery's status, derived from its jobs: the one rule both backends apply after every change of a job. */
import type { DeliveryStatus, JobStatus } from './records.js';

export type JobCounts = Partial<Record<JobStatus, number>>;

export function countJobs(statuses: Iterable<JobStatus>): JobCounts {
  const c: JobCounts = {};
  for (const s of statuses) c[s] = (c[s] ?? 0) + 1;
  return c;
}

/**
 * The status of a mapped delivery with jobs: dead when any job is dead (it needs a replay); paused while its store
 * is paused and jobs wait; retrying while a job waits for a retry; pending while jobs wait; skipped when every job
 * was cancelled (nothing was sent); else succeeded.
 * Null when the delivery has no jobs: its status is the one it was given when it was mapped (skipped, dead).
 */
export function deliveryStatus(counts: JobCounts, paused: boolean): DeliveryStatus | null {
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  if (total === 0) return null;
  const waiting = (counts.pending ?? 0) + (counts.retrying ?? 0) + (counts.in_flight ?? 0);
  if (counts.dead) return 'dead';
  if (waiting > 0 && paused) return 'paused';
  if (counts.retrying) return 'retrying';
  if (waiting > 0) return 'pending';
  if ((counts.cancelled ?? 0) === total) return 'skipped';
  return 'succeeded';
}

/** Jobs still to be sent: the ones whose delivery status depends on whether the store is paused. */
export const WAITING_JOB_STATUSES: readonly JobStatus[] = ['pending', 'retrying', 'in_flight'];
