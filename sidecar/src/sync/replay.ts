/**
 * Replay: which jobs go back to the queue, and whether a delivery is mapped again. Pure; storage applies the
 * result atomically. Every event carries a deterministic unique_id, so replaying sends no duplicate to Klaviyo.
 */
import type { DeliveryState, DeliveryStatus, JobPriority, JobStatus } from './records.js';

/** What a replayed job becomes: due now, attempts from zero, behind live traffic. */
export function replayedJob(now: number): { status: 'pending'; attempts: 0; nextAt: number; priority: JobPriority } {
  return { status: 'pending', attempts: 0, nextAt: now, priority: 1 };
}

/** What a delivery becomes when it is mapped again (it failed before it had jobs, e.g. in mapping). */
export const REMAPPED = { state: 'received', status: 'pending', errorClass: null, errorMessage: null } as const satisfies {
  state: DeliveryState; status: DeliveryStatus; errorClass: null; errorMessage: null;
};

/**
 * Job statuses a replay of one delivery resets: dead ones, or with `all` every job not in flight. A job whose request
 * body is gone (retention removed a done job's body after its days; an erasure removed the person's) is never reset:
 * it would send an empty request.
 */
export function replayableStatuses(all: boolean): readonly JobStatus[] {
  return all ? ['dead', 'done', 'retrying', 'pending'] : ['dead'];
}

export interface DeliveryReplay {
  /** Ids of the jobs to reset (replayedJob). */
  jobs: string[];
  /** Map the delivery again (REMAPPED). */
  remap: boolean;
  /** How many things were replayed: jobs reset, or 1 for a delivery mapped again. */
  count: number;
}

export function replayDelivery(d: { state: DeliveryState; status: DeliveryStatus }, jobs: Iterable<{ id: string; status: JobStatus; bodyGone?: boolean }>, all: boolean): DeliveryReplay {
  const allowed = replayableStatuses(all);
  const ids = [...jobs].filter((j) => allowed.includes(j.status) && !j.bodyGone).map((j) => j.id);
  if (ids.length > 0) return { jobs: ids, remap: false, count: ids.length };
  const remap = mayRemap(d, false);
  return { jobs: [], remap, count: remap ? 1 : 0 };
}

/** A delivery that died before it had jobs (mapping failed) is mapped again by a replay. */
export function mayRemap(d: { state: DeliveryState; status: DeliveryStatus }, hasJobs: boolean): boolean {
  return d.state === 'processed' && d.status === 'dead' && !hasJobs;
}
