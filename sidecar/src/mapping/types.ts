/**
 * The contract between mapping (pure: WooCommerce payload -> Klaviyo requests) and the sync core.
 *
 * A mapper returns EVERY Klaviyo request the payload's own state implies, each with a deterministic
 * `key`. The sync core drops the keys already planned for that store (per-order state), so noisy,
 * repeated, late or coalesced deliveries produce each lifecycle event exactly once.
 */
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { WooTopic } from '../woo/topics.js';

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
