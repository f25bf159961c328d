/**
 * The planning step: map a received delivery (pure), read what planning depends on, let the sync core plan, and
 * hand the plan to storage, which applies it only if what it was computed from still holds. On a conflict (another
 * delivery planned one of the keys, or the same content, meanwhile) the delivery is planned again from fresh state.
 */
import { StorageError } from '../errors.js';
import { mapDelivery, MappingError } from '../mapping/index.js';
import type { PlanningStore, ReceivedDelivery } from '../storage/types.js';
import { consentSubject, planDelivery, planningKeys, totalsSubject, type DeliveryPlan, type MappingOutcome } from '../sync/index.js';
import type { ListInfo, ProductLookup } from '../mapping/index.js';
import type { FlowSettings } from '../flows/actions.js';

/** More conflicts than this in a row for one delivery means something is wrong, not busy. */
const MAX_PLANNING_ROUNDS = 20;

export interface MapContext {
  /** Called with an error mapping did not expect (a bug), which becomes the delivery's mapping error. */
  onUnexpected?: (err: unknown) => void;
  list?: ListInfo | null;
  flow?: FlowSettings | null;
  /** The store's product index entries for the delivery's items (mapping/index.ts `productIdsOf`). */
  products?: ProductLookup;
  /** The body, already parsed (the worker parsed it to find the products it names). */
  payload?: { ok: true; value: unknown } | { ok: false; error: SyntaxError };
}

/** Parses a stored delivery's body. */
export function parseBody(body: string): NonNullable<MapContext['payload']> {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    return { ok: false, error: err as SyntaxError };
  }
}

/** Parses and maps a stored delivery; a payload that cannot be mapped becomes a failed outcome, never a throw. */
export function mapReceived(d: ReceivedDelivery, ctx: MapContext = {}): MappingOutcome {
  const parsed = ctx.payload ?? parseBody(d.body);
  if (!parsed.ok) return { ok: false, error: parsed.error.message };
  try {
    return {
      ok: true,
      result: mapDelivery({ storeId: d.storeId, topic: d.topic, payload: parsed.value, list: ctx.list ?? null, now: Date.now(), flow: ctx.flow ?? null, products: ctx.products }),
    };
  } catch (err) {
    if (err instanceof MappingError || err instanceof SyntaxError) return { ok: false, error: err.message };
    ctx.onUnexpected?.(err);
    return { ok: false, error: `Mapping failed: ${(err as Error).message}` };
  }
}

/** Plans a mapped delivery and applies the plan. Null when the delivery was no longer waiting (planned elsewhere). */
export async function planAndApply(storage: PlanningStore, deliveryId: string, outcome: MappingOutcome): Promise<DeliveryPlan | null> {
  const keys = planningKeys(outcome);
  const consentEmail = outcome.ok ? consentSubject(outcome.result.consent) : null;
  const totalsEmail = outcome.ok ? totalsSubject(outcome.result.totals) : null;
  for (let round = 0; round < MAX_PLANNING_ROUNDS; round++) {
    const state = await storage.planningState(deliveryId, keys, consentEmail, totalsEmail);
    if (!state.received) return null;
    const plan = planDelivery(deliveryId, outcome, state);
    const applied = await storage.applyPlan(plan);
    if (applied === 'applied') return plan;
    if (applied === 'gone') return null;
  }
  throw new StorageError(`Planning delivery ${deliveryId} conflicted ${MAX_PLANNING_ROUNDS} times in a row.`);
}
