/**
 * A send's outcome as changes to persist: the job's new fields, what the store records (last success, last error,
 * error counts, events sent), and the delivery's new status given its other jobs. Pure; the worker decides the
 * outcome (retry policy), storage applies the changes in one atomic step.
 */
import type { KlaviyoErrorItem } from '../klaviyo/errors.js';
import type { RequestKind } from '../klaviyo/types.js';
import type { JobFailure, JobStatus } from './records.js';
import { countJobs, deliveryStatus } from './status.js';
import { erasedJob, keepsBodyWhenSettled } from './privacy.js';
import type { DeliveryStatus } from './records.js';

export type SendOutcome =
  | { kind: 'done'; responseStatus: number }
  | { kind: 'retry'; failure: JobFailure; delayMs: number; consumesAttempt: boolean }
  | { kind: 'dead'; failure: JobFailure }
  /** The store's key was refused: the job waits, unchanged, until the store resumes. */
  | { kind: 'held'; failure: JobFailure };

export interface JobChange {
  status: JobStatus;
  /** Added to the job's attempts. */
  attemptsDelta: number;
  /** The job's new due time, when it changes. */
  nextAt?: number;
  responseStatus: number | null;
  /** The job's error fields; null clears them. */
  error: { class: string; message: string; detail: string | null } | null;
  doneAt?: number;
  /** The job's request body is cleared (a sent deletion request keeps no email). */
  clearBody?: true;
}

export interface StoreChange {
  lastSuccessAt?: number;
  lastError?: { at: number; class: string; message: string; deliveryId: string };
  /** An error class to count once more. */
  countError?: string;
  /** An event was accepted at this time (events per minute). */
  eventSentAt?: number;
}

export interface Settlement {
  job: JobChange;
  store: StoreChange;
  /** The delivery's status afterwards (null: it keeps its status). */
  deliveryStatus: DeliveryStatus | null;
}

/** Klaviyo's error items as kept with a job: the fields worth showing, as JSON text. */
export function errorDetail(errors: KlaviyoErrorItem[] | undefined): string | null {
  return errors && errors.length ? JSON.stringify(errors.map(({ code, title, detail, source }) => ({ code, title, detail, source }))) : null;
}

/**
 * `job`: the job as claimed, with its error as stored now (an erasure may have marked it while it was in flight: then
 * it is never retried, held or dead but cancelled, and keeps no body either way); `siblings`: the statuses of the delivery's other jobs; `paused`: whether the store is
 * paused once the outcome is recorded.
 */
export function settle(
  job: { deliveryId: string; kind: RequestKind; errorClass?: string | null; errorMessage?: string | null },
  outcome: SendOutcome, siblings: Iterable<JobStatus>, paused: boolean, now: number,
): Settlement {
  let change: JobChange;
  const store: StoreChange = {};
  if (outcome.kind === 'done') {
    change = { status: 'done', attemptsDelta: 1, responseStatus: outcome.responseStatus, error: null, doneAt: now };
    store.lastSuccessAt = now;
    if (job.kind === 'event') store.eventSentAt = now;
  } else {
    const f = outcome.failure;
    const error = { class: f.errorClass, message: f.message, detail: errorDetail(f.klaviyoErrors) };
    switch (outcome.kind) {
      case 'retry':
        change = { status: 'retrying', attemptsDelta: outcome.consumesAttempt ? 1 : 0, nextAt: now + outcome.delayMs, responseStatus: f.responseStatus, error };
        break;
      case 'dead':
        change = { status: 'dead', attemptsDelta: 1, responseStatus: f.responseStatus, error };
        break;
      case 'held':
        change = { status: 'pending', attemptsDelta: 0, responseStatus: f.responseStatus, error };
        break;
    }
    store.countError = f.errorClass;
    store.lastError = { at: now, class: f.errorClass, message: f.message, deliveryId: job.deliveryId };
  }
  if (erasedJob(job.errorClass)) {
    if (change.status !== 'done') {
      change = { status: 'cancelled', attemptsDelta: change.attemptsDelta, responseStatus: change.responseStatus, error: { class: job.errorClass!, message: job.errorMessage ?? '', detail: null } };
    }
    change.clearBody = true;
  }
  if (!keepsBodyWhenSettled(job.kind, change.status)) change.clearBody = true;
  const counts = countJobs(siblings);
  counts[change.status] = (counts[change.status] ?? 0) + 1;
  return { job: change, store, deliveryStatus: deliveryStatus(counts, paused) };
}
