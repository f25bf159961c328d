/**
 * Back-in-stock signups (the store's credential or the admin token), as the plugin hands on what a shopper typed on
 * an out-of-stock product's page: checked, stored durably as a sync-log entry (topic `back_in_stock.signup`), and sent
 * by the worker as Klaviyo's back-in-stock subscription for the product's catalog variant. Never a marketing
 * subscription.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError, ValidationError } from '../errors.js';
import { backInStockVariant, type BackInStockSignup } from '../mapping/back-in-stock.js';
import { toE164 } from '../mapping/phone.js';
import { catalogId } from '../mapping/product.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { BACK_IN_STOCK_TOPIC } from '../woo/topics.js';
import { answer, storeErrors, BackInStockAccepted, BackInStockBody, ErrorBody, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';

export async function backInStockRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; kick: () => void }): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/stores/:storeId/back-in-stock', {
    config: { auth: 'store' },
    schema: {
      operationId: 'signUpBackInStock', summary: 'A shopper asks to be told when a product is back in stock', tags: ['catalog'],
      description: 'Checks the signup (an email; a phone only when the store offers SMS; a product or variation the product webhooks '
        + 'told the sidecar about), records it durably (a sync-log entry of topic `back_in_stock.signup`, naming the email), and the '
        + 'worker sends `POST /api/back-in-stock-subscriptions` for the product\'s catalog variant (a variation\'s own, a simple '
        + 'product\'s own) with channel EMAIL (and SMS with a phone), retried like any request. The profile carries identifiers only: '
        + 'it never subscribes anyone to marketing. Nothing is recorded for a signup refused here.',
      params: StoreIdParams,
      body: BackInStockBody,
      response: {
        200: answer('Recorded; Klaviyo\'s back-in-stock subscription is queued.', BackInStockAccepted),
        400: answer('`invalid_request`: no email or not an email address, a phone that is not a valid number, no product id, or a variable product (name one of its variations).', ErrorBody),
        404: answer('`unknown_store`: no such store; `unknown_product`: the product webhooks never told the sidecar about this product or variation (or it was trashed).', ErrorBody),
        ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const { email, productId } = req.body;
    const rawPhone = req.body.phone ?? '';
    const phone = rawPhone ? toE164(rawPhone, req.body.country) : undefined;
    if (rawPhone && !phone) throw new ValidationError('phone: This is not a valid phone number.', [{ field: 'phone', message: 'This is not a valid phone number.' }]);
    const [entry] = await storage.products(store.id, [productId]);
    if (!entry) throw new NotFoundError('unknown_product', `The sidecar knows no product or variation ${productId} of this store (the product webhooks never sent it, or it was trashed).`);
    const variantWooId = backInStockVariant(entry);
    if (variantWooId === null) {
      throw new ValidationError(`productId: Product ${productId} is a variable product: name one of its variations.`, [{ field: 'productId', message: 'A variable product: name one of its variations.' }]);
    }
    const signup: BackInStockSignup = {
      signupId: randomUUID(), email: email.toLowerCase(), phone: phone ?? null, productId, variantWooId, requestedAt: new Date().toISOString(),
    };
    const body = JSON.stringify(signup);
    const { id } = await storage.recordDelivery({
      storeId: store.id, topic: BACK_IN_STOCK_TOPIC, headers: {}, body,
      contentHash: createHash('sha256').update(BACK_IN_STOCK_TOPIC).update('\n').update(body).digest('hex'),
    });
    deps.kick();
    return { id, status: 'accepted' as const, variantId: catalogId(variantWooId) };
  });
}
