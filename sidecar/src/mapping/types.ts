/**
 * The contract between mapping (pure: WooCommerce payload -> Klaviyo requests) and the queue.
 *
 * A mapper returns EVERY Klaviyo request the payload's own state implies, each with a deterministic
 * `key`. The processor drops the keys it already planned for that store (per-order state), so noisy,
 * repeated, late or coalesced deliveries produce each lifecycle event exactly once.
 */
import type { CreateEventBody, ProfileImportBody } from '../klaviyo/types.js';

export const WOO_TOPICS = [
  'order.created',
  'order.updated',
  'order.deleted',
  'order.restored',
  'customer.created',
  'customer.updated',
  'customer.deleted',
] as const;
export type WooTopic = (typeof WOO_TOPICS)[number];

export type KlaviyoRequest =
  | {
      kind: 'event';
      /** Dedupe key; equal to body.data.attributes.unique_id. */
      key: string;
      metric: string;
      body: CreateEventBody;
    }
  | {
      kind: 'profile';
      /** Dedupe key: changes when the profile content changes, so identical re-sends are dropped. */
      key: string;
      body: ProfileImportBody;
    };

export interface MappingInput {
  storeId: string;
  topic: WooTopic;
  /** The parsed JSON body of the delivery. */
  payload: unknown;
}

export interface DeliverySummary {
  resource: 'order' | 'customer';
  resourceId: number;
  email?: string;
  /** WooCommerce order number (`number`), for orders. */
  orderNumber?: string;
}

export interface MappingResult {
  summary: DeliverySummary;
  requests: KlaviyoRequest[];
  /** Why nothing is sent, when requests is empty on purpose (e.g. "order.deleted is recorded only"). */
  note?: string;
}
