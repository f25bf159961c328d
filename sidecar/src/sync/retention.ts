/**
 * Retention: a delivery's body and headers, and the request bodies of its jobs that are done, are kept for the
 * configured days, then only its log line (status, resource, email, note, error, its jobs) is. A delivery not yet mapped, or
 * held for the merchant (sources.ts), keeps its body whatever its age: it is still needed. Backends walk deliveries in id order (the order they arrived) and stop at the first one too young.
 */
import type { DeliveryState } from './records.js';

export type PruneVerdict = 'prune' | 'wait' | 'stop';

/** What to do with the delivery received at `receivedAt` in `state`, when bodies received before `cutoff` go. */
export function pruneVerdict(state: DeliveryState, receivedAt: number, cutoff: number): PruneVerdict {
  if (receivedAt >= cutoff) return 'stop';
  return state === 'received' || state === 'held' ? 'wait' : 'prune';
}

/** The cutoff for `days` of retention at `now`. */
export const retentionCutoff = (days: number, now: number): number => now - days * 86_400_000;
