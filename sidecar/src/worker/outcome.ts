/**
 * Applying a send's outcome: the retry policy decides what a failure means, the decision becomes a SendOutcome, and
 * storage settles the job with it (the sync core derives the job's fields, the store's counters and the delivery's
 * status). A refused key also pauses the store; a phone Klaviyo gave to another profile is dropped and the profile
 * sent again.
 */
import type { FastifyBaseLogger } from 'fastify';
import { KlaviyoError } from '../klaviyo/errors.js';
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import type { Job, JobFailure, SendOutcome } from '../sync/index.js';
import { decide, type Decision, type RetryOptions } from './retry-policy.js';

export interface OutcomeDeps {
  storage: Storage;
  stores: StoreCache;
  log: FastifyBaseLogger;
  retry: RetryOptions;
}

export const PAUSE_REASON = 'Klaviyo refused the private key. Save a valid key to resume.';

export function toFailure(err: unknown): JobFailure {
  if (err instanceof KlaviyoError) {
    return { errorClass: err.errorClass, message: err.message, responseStatus: err.status, klaviyoErrors: err.errors };
  }
  return { errorClass: 'internal', message: err instanceof Error ? err.message : String(err), responseStatus: null };
}

/** The outcome a retry-policy decision records. */
export function sendOutcome(decision: Decision, failure: JobFailure): SendOutcome {
  switch (decision.action) {
    case 'retry':
      return { kind: 'retry', failure, delayMs: decision.delayMs, consumesAttempt: decision.consumesAttempt };
    case 'dead':
      return { kind: 'dead', failure: { ...failure, message: decision.reason } };
    case 'pause':
      return { kind: 'held', failure };
    case 'retry_without_phone':
      return { kind: 'retry', failure, delayMs: 0, consumesAttempt: false };
  }
}

export async function applySent(deps: OutcomeDeps, job: Job, responseStatus: number): Promise<void> {
  await deps.storage.settleJob(job, { kind: 'done', responseStatus }, Date.now());
}

/** Records a failed send; returns what it became (the retry policy's action). */
export async function applyFailure(deps: OutcomeDeps, job: Job, err: unknown): Promise<Decision['action']> {
  const { storage } = deps;
  const failure = toFailure(err);
  const decision = decide(err, job.attempts + 1, deps.retry, { kind: job.request.kind, phoneDropped: job.phoneDropped });
  if (decision.action === 'pause') {
    deps.log.warn({ storeId: job.storeId }, 'Klaviyo refused the store key; pausing the store');
    await storage.setKeyStatus(job.storeId, 'invalid', failure.message);
    await storage.setPaused(job.storeId, true, PAUSE_REASON);
    deps.stores.invalidate(job.storeId);
  } else if (decision.action === 'retry_without_phone') {
    await storage.replaceJobRequest(job, withoutPhone(job.request));
  }
  await storage.settleJob(job, sendOutcome(decision, failure), Date.now());
  return decision.action;
}

/** The retry policy asks for this for profile upserts only (events never carry a phone Klaviyo refuses). */
function withoutPhone(request: KlaviyoRequest): KlaviyoRequest {
  const copy = structuredClone(request) as Extract<KlaviyoRequest, { kind: 'profile' }>;
  delete copy.body.data.attributes.phone_number;
  return copy;
}
