/**
 * Planning: given a mapped delivery, what its store already planned, and the store's state, decide what is new and
 * must be sent, the delivery's status and its note. Pure: the worker reads the inputs from storage, calls this, and
 * hands the plan to storage, which applies it only if the inputs still hold (compare-and-set).
 */
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { DeliveryStatus, JobPriority, MappingOutcome } from './records.js';
import type { StoreChange } from './settle.js';
import { deliveryStatus } from './status.js';
import { consentKeys, NO_CONSENT, planConsent, type ConsentPlan, type ConsentState } from './consent.js';
import { recordVersion } from './gaps.js';
import { applyOrderTotals, NO_TOTALS, profileTotals, totalsRequest, type TotalsPlan, type TotalsState } from './totals.js';

/** What storage knows that planning depends on, read together for one delivery. */
export interface PlanningState {
  /** The delivery still waits to be mapped (false: another worker or replica got there first). */
  received: boolean;
  /** An earlier delivery of the same store and topic with the same content, already mapped: this one repeats it. */
  duplicateOf: string | null;
  /** Of the keys asked about (planningKeys), those the store already planned. */
  planned: ReadonlySet<string>;
  paused: boolean;
  /** The newest consent record recorded per channel for the mapping's consent email (absent: none asked). */
  consent?: ConsentState;
  /** The totals state of the mapping's order email (absent: none asked; NO_TOTALS: none yet). */
  totals?: TotalsState;
}

export interface DeliveryPlan {
  deliveryId: string;
  /** Whether the store was paused when the plan was made (the status depends on it): applied only if it still is. */
  paused: boolean;
  state: 'processed' | 'duplicate';
  status: DeliveryStatus;
  resource: string | null;
  resourceId: number | null;
  orderNumber: string | null;
  email: string | null;
  note: string | null;
  /** The delivery's own error (mapping failed), also counted for the store and recorded as its last error. */
  error: { class: 'mapping'; message: string } | null;
  /**
   * New jobs, one per request whose key the store has not planned, each key once. Storage applies the plan only if
   * none of these keys was planned meanwhile (and, for a plan that is not a duplicate, no earlier delivery with the
   * same content was mapped meanwhile); otherwise it changes nothing and the worker plans again.
   */
  requests: KlaviyoRequest[];
  /**
   * The consent records to keep, applied with the plan only if the newest record per channel it assumed is still the
   * newest (otherwise 'conflict').
   */
  consent?: ConsentPlan;
  /** The profile's next totals state, applied only if its version is still the one the plan read (else 'conflict'). */
  totals?: TotalsPlan;
  /** The new jobs' priority: 0 live, 2 a history sync's records. */
  priority: JobPriority;
  /** The order state this delivery carries (`order:<id>|<modified>`), kept with the plan: what gap repair compares. */
  recordVersion: string | null;
  /** The delivery's body from now on, when the mapping keeps less than the payload (an erasure keeps no email). */
  body?: string;
}

/** What a planned request becomes: a job due now; live (0) jobs go ahead of replays and backlog (1). */
export function newJob(now: number, priority: JobPriority = 0): { status: 'pending'; attempts: 0; nextAt: number; priority: JobPriority } {
  return { status: 'pending', attempts: 0, nextAt: now, priority };
}

export const NOTE_NOTHING_NEW = 'Everything this delivery implies was already sent or queued.';
export const duplicateNote = (originalId: string): string => `Same content as delivery ${originalId}; nothing new to send.`;

export const cartEndedNote = (orderId: number): string =>
  `The cart became order ${orderId}, whose Placed Order was already sent or queued: a cart's events never follow its order.`;

/** The keys planning needs to know about: every request key the mapping produced, and the key that ends a cart. */
export function planningKeys(outcome: MappingOutcome): string[] {
  if (!outcome.ok) return [];
  const ended = outcome.result.endedBy ? [outcome.result.endedBy.key] : [];
  return [...new Set([...outcome.result.requests.map((r) => r.key), ...consentKeys(outcome.result.consent), ...ended])];
}

export function planDelivery(deliveryId: string, outcome: MappingOutcome, state: PlanningState): DeliveryPlan {
  const s = (outcome.ok ? outcome.result.summary : outcome.summary) ?? {};
  const base = {
    deliveryId,
    paused: state.paused,
    resource: s.resource ?? null,
    resourceId: s.resourceId ?? null,
    orderNumber: s.orderNumber ?? null,
    email: s.email ?? null,
    priority: (outcome.ok && outcome.result.backlog ? 2 : 0) as JobPriority,
    recordVersion: s.resource === 'order' && typeof s.resourceId === 'number' && s.modified ? recordVersion('order', s.resourceId, s.modified) : null,
    ...(outcome.ok && outcome.result.storedPayload !== undefined ? { body: JSON.stringify(outcome.result.storedPayload) } : {}),
  };
  if (state.duplicateOf !== null) {
    return { ...base, state: 'duplicate', status: 'duplicate', note: duplicateNote(state.duplicateOf), error: null, requests: [] };
  }
  if (!outcome.ok) {
    return { ...base, state: 'processed', status: 'dead', note: null, error: { class: 'mapping', message: outcome.error }, requests: [] };
  }
  const { result } = outcome;
  if (result.endedBy && state.planned.has(result.endedBy.key)) {
    // Ordering rule: Placed Order follows Started Checkout. A cart that arrives after its order's Placed Order was
    // planned is over; sending it now would start an abandoned-cart flow for a shopper who bought.
    return { ...base, state: 'processed', status: 'skipped', note: cartEndedNote(result.endedBy.orderId), error: null, requests: [] };
  }
  let requests = result.requests;
  let note = result.note;
  let consent: ConsentPlan | undefined;
  if (result.consent) {
    const c = planConsent(deliveryId, result.consent, state.consent ?? NO_CONSENT);
    consent = c.plan;
    requests = [...requests, ...c.requests];
    if (c.notes.length) note = [note, ...c.notes].filter(Boolean).join(' ');
  }
  let totals: TotalsPlan | undefined;
  if (result.totals) {
    const held = state.totals ?? NO_TOTALS;
    const next = applyOrderTotals(held, result.totals);
    if (next) {
      totals = { email: result.totals.email, assumedVersion: held.version, next };
      // Sent only when the totals change (a new state of an unpaid order changes none).
      if (JSON.stringify(profileTotals(next)) !== JSON.stringify(profileTotals(held))) requests = [...requests, totalsRequest(result.totals.storeId, result.totals.email, next)];
    }
  }
  const seen = new Set<string>();
  const fresh = requests.filter((r) => {
    if (state.planned.has(r.key) || seen.has(r.key)) return false;
    seen.add(r.key);
    return true;
  });
  if (fresh.length === 0) {
    return {
      ...base, state: 'processed', status: 'skipped', note: note ?? (requests.length ? NOTE_NOTHING_NEW : null), error: null, requests: [],
      ...(consent ? { consent } : {}), ...(totals ? { totals } : {}),
    };
  }
  return {
    ...base,
    state: 'processed',
    status: deliveryStatus({ pending: fresh.length }, state.paused)!,
    note: note ?? null,
    error: null,
    requests: fresh,
    ...(consent ? { consent } : {}),
    ...(totals ? { totals } : {}),
  };
}

/** What the store records when a plan is applied: a mapping failure is counted and becomes its last error. */
export function planStoreChange(plan: DeliveryPlan, now: number): StoreChange {
  if (!plan.error) return {};
  return { countError: plan.error.class, lastError: { at: now, class: plan.error.class, message: plan.error.message, deliveryId: plan.deliveryId } };
}
