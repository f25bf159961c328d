/**
 * A back-in-stock signup (topic `back_in_stock.signup`, stored by POST /v1/stores/{id}/back-in-stock) -> one
 * `POST /api/back-in-stock-subscriptions` for the catalog variant the product path made (mapping/product.ts: a
 * variation's own variant, a simple product's variant of its own). The profile carries identifiers only, as the spec
 * allows there: a back-in-stock subscription is not list consent and never subscribes anyone to marketing.
 */
import type { BackInStockBody, KlaviyoRequest } from '../klaviyo/types.js';
import { MappingError } from './errors.js';
import { catalogId } from './product.js';
import type { MappingResult, ProductIndexEntry } from './types.js';

/** The signup as the sidecar stores it. */
export interface BackInStockSignup {
  signupId: string;
  email: string;
  /** E.164, only when the shopper gave one (the store offers SMS). */
  phone: string | null;
  /** The product or variation the shopper asked about, and the WooCommerce id of its catalog variant. */
  productId: number;
  variantWooId: number;
  requestedAt: string;
}

/**
 * The WooCommerce id of the catalog variant a signup for this product names: a variation's own, a simple (or other
 * non-variable) product's own; null for a variable product, whose variants are its variations.
 */
export function backInStockVariant(entry: ProductIndexEntry): number | null {
  return entry.type === 'variable' ? null : entry.id;
}

export const BACK_IN_STOCK_NOTE = 'Back-in-stock signup: Klaviyo notifies the shopper when the variant is back (not a marketing subscription).';

export function mapBackInStock(storeId: string, payload: unknown): MappingResult {
  const p = (payload ?? {}) as Partial<BackInStockSignup>;
  if (typeof p.signupId !== 'string' || typeof p.email !== 'string' || !p.email.includes('@') || typeof p.variantWooId !== 'number') {
    throw new MappingError('The back-in-stock signup has no signup id, email or variant.');
  }
  const email = p.email.trim().toLowerCase();
  const phone = typeof p.phone === 'string' && p.phone ? p.phone : null;
  const body: BackInStockBody = {
    data: {
      type: 'back-in-stock-subscription',
      attributes: {
        channels: phone ? ['EMAIL', 'SMS'] : ['EMAIL'],
        profile: { data: { type: 'profile', attributes: { email, ...(phone ? { phone_number: phone } : {}) } } },
      },
      relationships: { variant: { data: { type: 'catalog-variant', id: catalogId(p.variantWooId) } } },
    },
  };
  const request: KlaviyoRequest = { kind: 'back_in_stock', key: `woo:${storeId}:back-in-stock:${p.signupId}`, body };
  return { summary: { resource: 'product', resourceId: p.productId ?? p.variantWooId, email }, note: BACK_IN_STOCK_NOTE, requests: [request] };
}
