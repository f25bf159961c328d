/** Store configuration and Klaviyo key checks (Bearer ADMIN_TOKEN). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError, SidecarError, ValidationError } from '../errors.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { KlaviyoAuthError, KlaviyoError } from '../klaviyo/errors.js';
import type { Pipeline } from '../worker/pipeline.js';
import type { KeyStatus, Storage } from '../storage/types.js';
import { last4 } from '../redact.js';
import type { StoreCache } from '../storage/store-cache.js';

export const STORE_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;

const StoreBody = z.object({
  siteUrl: z.url({ protocol: /^https?$/ }),
  webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters').max(1024),
  klaviyo: z.object({
    privateKey: z.string().regex(/^pk_[A-Za-z0-9_]+$/, 'privateKey must be a Klaviyo private key (pk_…)').max(200),
    listId: z.string().regex(/^[A-Za-z0-9]+$/).max(64).nullish(),
  }),
});
const VerifyBody = z.object({ privateKey: z.string().regex(/^pk_[A-Za-z0-9_]+$/, 'privateKey must be a Klaviyo private key (pk_…)').max(200) });

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new ValidationError(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  }
  return r.data;
}

export function storeIdParam(id: string): string {
  if (!STORE_ID.test(id)) throw new NotFoundError('unknown_store', `No store "${id.slice(0, 64)}".`);
  return id;
}

export async function checkKey(client: KlaviyoClient, key: string): Promise<{ status: KeyStatus; detail: string | null; account?: { name: string | null } }> {
  try {
    const acc = await client.getAccount(key);
    return { status: 'valid', detail: null, account: { name: acc.name } };
  } catch (err) {
    if (err instanceof KlaviyoAuthError) return { status: 'invalid', detail: 'Klaviyo rejected this private key (it is wrong, revoked, or lacks the accounts:read scope).' };
    if (err instanceof KlaviyoError) return { status: 'unverified', detail: `Klaviyo could not be asked right now: ${err.message}` };
    throw err;
  }
}

export async function storeRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; client: KlaviyoClient; pipeline: Pipeline; publicUrl?: string }): Promise<void> {
  const { storage, stores, client, pipeline } = deps;

  app.put<{ Params: { storeId: string } }>('/v1/stores/:storeId', async (req) => {
    const storeId = storeIdParam(req.params.storeId);
    const body = parseBody(StoreBody, req.body);
    const key = await checkKey(client, body.klaviyo.privateKey);
    const existing = await storage.getStore(storeId);
    const invalid = key.status === 'invalid';
    await storage.saveStore({
      id: storeId,
      siteUrl: body.siteUrl,
      webhookSecret: body.webhookSecret,
      privateKey: body.klaviyo.privateKey,
      keyLast4: last4(body.klaviyo.privateKey),
      listId: body.klaviyo.listId ?? null,
      keyStatus: key.status,
      keyDetail: key.detail,
      keyCheckedAt: new Date().toISOString(),
      paused: invalid,
      pauseReason: invalid ? 'Klaviyo refused the private key. Save a valid key to resume.' : null,
    });
    stores.invalidate(storeId);
    if (existing?.paused && !invalid) pipeline.kick();
    const base = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    return {
      storeId,
      webhookUrl: `${base}/v1/stores/${storeId}/webhooks/woocommerce`,
      key: { status: key.status, last4: last4(body.klaviyo.privateKey), checkedAt: new Date().toISOString(), detail: key.detail },
      listId: body.klaviyo.listId ?? null,
      paused: invalid,
    };
  });

  app.post('/v1/klaviyo/verify-key', async (req) => {
    const { privateKey } = parseBody(VerifyBody, req.body);
    const key = await checkKey(client, privateKey);
    return { status: key.status, last4: last4(privateKey), detail: key.detail, ...(key.account ? { account: key.account } : {}) };
  });

  app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/klaviyo/lists', async (req) => {
    const store = await stores.get(storeIdParam(req.params.storeId));
    if (!store) throw new NotFoundError('unknown_store', `No store "${req.params.storeId}".`);
    try {
      return { lists: await client.getAllLists(store.privateKey) };
    } catch (err) {
      if (err instanceof KlaviyoAuthError) throw new SidecarError('klaviyo_key_invalid', 'Klaviyo rejected the saved private key.', { httpStatus: 409, cause: err });
      if (err instanceof KlaviyoError) throw new SidecarError('klaviyo_unreachable', `Klaviyo could not be asked for the lists: ${err.message}`, { httpStatus: 502, cause: err });
      throw err;
    }
  });
}
