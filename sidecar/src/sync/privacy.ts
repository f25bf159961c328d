/**
 * Privacy requests: whose data a sync-log entry or a consent record is, and what an erasure leaves of an entry.
 * Storage finds the candidates and writes what these rules say; it decides nothing itself.
 */
import type { RequestKind } from '../klaviyo/types.js';
import type { DeliveryState, DeliveryStatus, JobStatus } from './records.js';
import { countJobs, deliveryStatus } from './status.js';

/** A person as the sidecar keys them: the email, trimmed and in lower case. */
export function privacySubject(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether a record's email (as WooCommerce sent it) is the person's. */
export function isSubject(recordEmail: string | null | undefined, subject: string): boolean {
  return recordEmail != null && privacySubject(recordEmail) === privacySubject(subject);
}

/** The note an erased sync-log entry shows instead of its own. */
export const ERASED_NOTE = 'Erased at the customer\'s request: the payload, its headers and the email were removed.';

/** The note of an entry erased before it was mapped: nothing of it was ever sent. */
export const ERASED_UNMAPPED_NOTE = 'Erased at the customer\'s request before it was mapped: nothing of it was sent, its payload and headers were removed.';

/** The error class of a request cancelled by an erasure. */
export const ERASURE_CANCELLED = 'erasure_cancelled';

/** Why a request of the person's was not sent. */
export const cancelledByErasure = (requestId: string): string => `Cancelled by the erasure request (delivery ${requestId}): not sent, its body was removed.`;

/**
 * Whether the raw body of an entry still waiting to be mapped names the person: it holds their email as a JSON
 * string (in any case), as every email field of a WooCommerce payload or a Klaviyo flow webhook does.
 */
export function bodyNamesSubject(body: string, subject: string): boolean {
  return body.toLowerCase().includes(JSON.stringify(privacySubject(subject)));
}

/**
 * Entries that were never mapped and keep their body: waiting to be mapped, held (a staging copy sent them) or
 * discarded. They name no email yet; their body does.
 */
export const UNMAPPED_STATES: readonly DeliveryState[] = ['received', 'held', 'discarded'];

/** Whether erasure finds an entry: mapped and naming the person, or never mapped with a body that names them. */
export function isErasureTarget(d: { id: string; state: string; email: string | null; body: string }, subject: string, requestId: string): boolean {
  if (d.id === requestId) return false;
  return (UNMAPPED_STATES as readonly string[]).includes(d.state) ? bodyNamesSubject(d.body, subject) : isSubject(d.email, subject);
}

export interface ErasedJob {
  id: string;
  status: JobStatus;
  /** The job's error afterwards (a cancelled job says why); undefined: unchanged. */
  error?: { class: string; message: string };
}

export interface ErasedEntry {
  delivery: { state: 'processed' | 'duplicate'; status: DeliveryStatus; body: ''; headers: '{}'; email: null; note: string };
  /** The jobs whose body is cleared, with their status afterwards. A job in flight is not among them. */
  jobs: ErasedJob[];
}

/**
 * What erasure does to one of the person's entries. One never mapped (waiting, held, discarded) is marked mapped
 * (skipped) without being mapped: it is never sent, nor released. Of a mapped one, the payload, headers and email go; its requests waiting to be
 * sent (pending, retrying) or given up (dead, so no replay sends them) are cancelled, and sent ones keep their
 * status; every one of them loses its body. A request in flight cannot be called back: it is marked (its error says
 * the erasure cancelled it), and its outcome is settled as cancelled, or done without its body (Klaviyo's deletion,
 * queued after it, removes what it sent); never retried. The delivery's status follows from its jobs (one that died in mapping is skipped: its payload
 * is gone, a replay has nothing to map).
 */
export function erasedEntry(
  d: { state: string; status: DeliveryStatus }, jobs: readonly { id: string; status: JobStatus }[], paused: boolean, requestId: string,
): ErasedEntry {
  const cleared = { body: '' as const, headers: '{}' as const, email: null };
  if ((UNMAPPED_STATES as readonly string[]).includes(d.state)) return { delivery: { ...cleared, state: 'processed', status: 'skipped', note: ERASED_UNMAPPED_NOTE }, jobs: [] };
  const changed: ErasedJob[] = [];
  const after: JobStatus[] = [];
  let cancelled = 0;
  for (const j of jobs) {
    if (j.status === 'in_flight') {
      // Being sent: its outcome, when it comes, is settled as the erasure says (erasedJob).
      changed.push({ id: j.id, status: 'in_flight', error: { class: ERASURE_CANCELLED, message: cancelledByErasure(requestId) } });
      after.push(j.status);
      continue;
    }
    if (j.status === 'done' || j.status === 'cancelled') {
      changed.push({ id: j.id, status: j.status });
      after.push(j.status);
      continue;
    }
    cancelled++;
    changed.push({ id: j.id, status: 'cancelled', error: { class: ERASURE_CANCELLED, message: cancelledByErasure(requestId) } });
    after.push('cancelled');
  }
  const note = cancelled ? `${ERASED_NOTE} ${cancelled === 1 ? 'One request' : `${cancelled} requests`} not sent yet ${cancelled === 1 ? 'was' : 'were'} cancelled.` : ERASED_NOTE;
  return {
    delivery: { ...cleared, state: d.state === 'duplicate' ? 'duplicate' : 'processed', status: deliveryStatus(countJobs(after), paused) ?? (d.status === 'dead' ? 'skipped' : d.status), note },
    jobs: changed,
  };
}

/** Whether a job's error is the mark an erasure left on it while it was in flight (see erasedEntry). */
export function erasedJob(errorClass: string | null | undefined): boolean {
  return errorClass === ERASURE_CANCELLED;
}

/** Whether a job settled with this outcome keeps its body: a sent deletion request keeps no email. */
export function keepsBodyWhenSettled(kind: RequestKind, status: JobStatus): boolean {
  return !(kind === 'privacy_deletion' && status === 'done');
}

/** The most sync-log entries an export lists. */
export const EXPORT_LIMIT = 500;
