/**
 * The contract between mapping (pure: WooCommerce payload -> Klaviyo requests) and the sync core.
 *
 * A mapper returns EVERY Klaviyo request the payload's own state implies, each with a deterministic
 * `key`. The sync core drops the keys already planned for that store (per-order state), so noisy,
 * repeated, late or coalesced deliveries produce each lifecycle event exactly once.
 */
import type { KlaviyoRequest } from '../klaviyo/types.js';
import type { FlowSettings } from '../flows/actions.js';
import type { DeliveryTopic } from '../woo/topics.js';
import type { ConsentMapping, ListInfo } from './consent.js';

export type { ConsentCandidate, ConsentMapping, ConsentRecord, ListInfo } from './consent.js';

export interface MappingInput {
  storeId: string;
  topic: DeliveryTopic;
  /** The parsed JSON body of the delivery. */
  payload: unknown;
  /** The store's list for consent (null: none configured). */
  list?: ListInfo | null;
  /** When it is mapped (ms epoch): consent over a day old goes as a historical import. Absent: every record is old. */
  now?: number;
  /** The store's flow webhook settings, for `klaviyo.flow.*` deliveries. */
  flow?: FlowSettings | null;
  /**
   * What the store's product index holds for the products an order or a cart names (its items' products, variations
   * and their parents), by WooCommerce id: their category names and permalinks. A product not in it maps without them.
   */
  products?: ProductLookup;
}

/**
 * One product (or variation) as the sidecar's per-store product index keeps it, from the product webhooks: what an
 * order's or a cart's items need (category names, permalink) and what a back-in-stock signup checks.
 */
export interface ProductIndexEntry {
  /** WooCommerce's product or variation id. */
  id: number;
  /** A variation's product (its categories are the product's); null for a product. */
  parentId: number | null;
  /** WooCommerce's product type: simple, variable, variation, grouped, external. */
  type: string;
  name: string;
  /** Category names, as the shopper sees them. Empty for a variation (WooCommerce keeps them on its product). */
  categories: string[];
  /** The permalink (a variation's names its attributes), or null when WooCommerce sent none. */
  url: string | null;
}

export type ProductLookup = ReadonlyMap<number, ProductIndexEntry>;

export interface DeliverySummary {
  /** `profile`: a Klaviyo flow webhook, about the profile it names. `erasure`: an erasure request the sidecar recorded (no WooCommerce resource). */
  resource: 'order' | 'customer' | 'product' | 'profile' | 'erasure' | 'cart';
  resourceId?: number | null;
  email?: string;
  /** WooCommerce order number (`number`), for orders. */
  orderNumber?: string;
  /** The order's `date_modified_gmt`: which of its states this is (gap repair compares it with WooCommerce's). */
  modified?: string;
}

export interface MappingResult {
  summary: DeliverySummary;
  requests: KlaviyoRequest[];
  /** Why nothing is sent, when requests is empty on purpose (e.g. "order.deleted is recorded only"). */
  note?: string;
  /** The consent records the payload carries (`_wck_consent`), for the sync core to plan subscriptions from. */
  consent?: ConsentMapping;
  /** An order's contribution to its profile's totals (orders with an email), for the sync core to fold in. */
  totals?: OrderTotalsInput;
  /** A record read by a history sync: its jobs are sent after live traffic (backlog priority). */
  backlog?: boolean;
  /** A product delivery's entry for the store's product index (storage keeps it before the delivery is planned). */
  product?: ProductIndexEntry;
  /** A trashed product's id: it leaves the store's product index with its catalog entry. */
  productRemoved?: number;
  /**
   * A cart that became an order: the request key (that order's Placed Order) whose planning ends the cart. Once it is
   * planned, the cart's requests are not sent (sync/plan.ts), so Placed Order is never followed by its Started Checkout.
   */
  endedBy?: { key: string; orderId: number };
  /**
   * What the delivery keeps of its payload once mapped, instead of the payload (an erasure request keeps no email:
   * its request carries it until it is sent).
   */
  storedPayload?: unknown;
}

/** One order's state as it counts toward its profile's totals (sync/totals.ts). Amounts in minor units. */
export interface OrderTotalsInput {
  storeId: string;
  /** The profile: the billing email, lower case (guests are counted by email too). */
  email: string;
  orderId: number;
  /** `date_modified_gmt` as ISO UTC: which of two states of the order is newer. */
  modifiedAt: string;
  /** Paid (date_paid_gmt, or processing/completed) and not cancelled or failed. */
  counted: boolean;
  currency: string;
  scale: number;
  totalMinor: string;
  /** The sum of the refunds' amounts (positive). */
  refundedMinor: string;
  /** Paid at, else created at (ISO UTC). */
  placedAt: string | null;
}
