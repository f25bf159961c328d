/**
 * Privacy requests: whose data a sync-log entry or a consent record is, and what an erasure leaves of an entry.
 * Storage finds the candidates and writes what these rules say; it decides nothing itself.
 */
import type { JobStatus } from './records.js';

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

/**
 * What erasure does to one sync-log entry naming the person: its payload, headers and email go, its note says so.
 * An entry still waiting to be mapped is left alone (`null`): it has no email yet, and mapping it needs its body.
 */
export function erasedDelivery(state: string): { body: ''; headers: '{}'; email: null; note: string } | null {
  return state === 'received' ? null : { body: '', headers: '{}', email: null, note: ERASED_NOTE };
}

/**
 * Whether erasure clears a request's body: a request sent (`done`) or given up (`dead`) keeps nothing of the person;
 * one still waiting keeps its body to be sent (before the deletion, which is queued after it).
 */
export function erasesJobBody(status: JobStatus): boolean {
  return status === 'done' || status === 'dead';
}

/** The most sync-log entries an export lists. */
export const EXPORT_LIMIT = 500;
