/** Store configuration and Klaviyo key checks (Bearer ADMIN_TOKEN), and the store lookup the store routes share. */
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError, SidecarError, SiteNotPinnedError } from '../errors.js';
import { canonicalSite, reusableKeyCheck, sameSite, sourceLabel } from '../sync/index.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { KlaviyoAuthError, KlaviyoError } from '../klaviyo/errors.js';
import type { Pipeline } from '../worker/pipeline.js';
import type { KeyStatus, Storage, StoreRecord } from '../storage/types.js';
import { last4 } from '../redact.js';
import { ensureFlowSettings } from './flows.js';
import type { StoreCache } from '../storage/store-cache.js';
import { adminErrors, answer, malformedStoreId, storeErrors, unknownStore, ErrorBody, KeyCheck, ListsPage, STORE_ID, StoreBody, StoreIdParams, StoreSaved, VerifyKeyBody } from './schemas.js';

export { STORE_ID };

export function storeIdParam(id: string): string {
  if (!STORE_ID.test(id)) throw new NotFoundError('unknown_store', `No store "${id.slice(0, 64)}".`);
  return id;
}

const loaded = new WeakMap<FastifyRequest, StoreRecord>();

/**
 * A preValidation hook: the route's `storeId` names a configured store, or the answer is `404 unknown_store`. It runs
 * before the query is validated, so an unknown store is reported first whatever else is wrong with the request.
 */
export function requireStore(stores: StoreCache): preValidationAsyncHookHandler {
  return async (req) => {
    const id = (req.params as { storeId: string }).storeId;
    const store = await stores.get(storeIdParam(id));
    if (!store) throw new NotFoundError('unknown_store', `No store "${id}".`);
    loaded.set(req, store);
  };
}

/** The store `requireStore` found for this request. */
export function storeOf(req: FastifyRequest): StoreRecord {
  const store = loaded.get(req);
  if (!store) throw new Error('storeOf() on a route without the requireStore hook');
  return store;
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

/** Answers of a route with a JSON body; the 4xx other than `invalid_request` come from Fastify's body parser. */
const bodyErrors = {
  400: answer('`invalid_request`: the body does not validate (`details` says which field); or the body is not JSON '
    + '(`fst_err_ctp_invalid_json_body`, `fst_err_ctp_empty_json_body`).', ErrorBody),
  413: answer('`fst_err_ctp_body_too_large`: the body is over 1 MiB.', ErrorBody),
  415: answer('`fst_err_ctp_invalid_media_type`: the body is not `application/json`.', ErrorBody),
};

export async function storeRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; client: KlaviyoClient; pipeline: Pipeline; publicUrl?: string }): Promise<void> {
  const { storage, stores, client, pipeline } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['stores'];

  api.put('/v1/stores/:storeId', {
    config: { auth: 'store' },
    schema: {
      operationId: 'saveStore', summary: 'Register or update a store', tags,
      description: 'The key is checked with Klaviyo\'s `GET /api/accounts` (a save with the same key Klaviyo accepted less than a minute ago reuses '
        + 'that answer: the endpoint allows 15 calls a minute per account). A key Klaviyo refuses saves the store paused; saving a valid key resumes it. '
        + 'The store is pinned to the `siteUrl` it is first saved with: a save with another site (`sameSite` in the sync core: host, port and '
        + 'path, any scheme) is refused `409 site_not_pinned` (a staging copy must not re-point the store; a domain move re-pins through `/sources/release`).',
      params: StoreIdParams,
      body: StoreBody,
      response: {
        200: answer('The store was saved.', StoreSaved),
        ...bodyErrors,
        404: malformedStoreId,
        409: answer('`site_not_pinned`: the store is pinned to another site (this one looks like a copy of it).', ErrorBody),
        ...storeErrors,
      },
    },
  }, async (req) => {
    const storeId = req.params.storeId;
    const body = req.body;
    const existing = await storage.getStore(storeId);
    // The store stays pinned to the site it was first saved from: a copy of that site cannot re-point it.
    if (existing && !sameSite(existing.siteUrl, body.siteUrl)) {
      const pinned = canonicalSite(existing.siteUrl) ?? existing.siteUrl;
      throw new SiteNotPinnedError('site_not_pinned', `This store is pinned to ${pinned}, and ${sourceLabel(body.siteUrl)} is another site `
        + '(a copy of the shop, such as a staging site?). Nothing was changed. Its orders are held, not sent to Klaviyo: connect the copy '
        + 'as a store of its own, or, if the shop moved to this address, release its deliveries with a re-pin on the settings page.');
    }
    const now = new Date();
    const known = reusableKeyCheck(existing, body.klaviyo.privateKey, now);
    const key = known ?? { ...await checkKey(client, body.klaviyo.privateKey), checkedAt: now.toISOString() };
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
      keyCheckedAt: key.checkedAt,
      paused: invalid,
      pauseReason: invalid ? 'Klaviyo refused the private key. Save a valid key to resume.' : null,
    });
    // The store's flow secret is made with the store (kept when it is saved again).
    await ensureFlowSettings(storage, storeId);
    stores.invalidate(storeId);
    if (existing?.paused && !invalid) pipeline.kick();
    const base = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    return {
      storeId,
      webhookUrl: `${base}/v1/stores/${storeId}/webhooks/woocommerce`,
      key: { status: key.status, last4: last4(body.klaviyo.privateKey), checkedAt: key.checkedAt, detail: key.detail },
      listId: body.klaviyo.listId ?? null,
      paused: invalid,
    };
  });

  api.post('/v1/klaviyo/verify-key', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'verifyKey', summary: 'Check a Klaviyo private key without saving it', tags,
      body: VerifyKeyBody,
      response: { 200: answer('What Klaviyo said about the key.', KeyCheck), ...bodyErrors, ...adminErrors },
    },
  }, async (req) => {
    const { privateKey } = req.body;
    const key = await checkKey(client, privateKey);
    return { status: key.status, last4: last4(privateKey), detail: key.detail, ...(key.account ? { account: key.account } : {}) };
  });

  api.post('/v1/stores/:storeId/klaviyo/verify-key', {
    config: { auth: 'store' },
    schema: {
      operationId: 'verifyStoreKey', summary: 'Check a Klaviyo private key for this store without saving it', tags,
      description: 'The same check as `POST /v1/klaviyo/verify-key`, on the store\'s own credential (the store need not be configured yet).',
      params: StoreIdParams,
      body: VerifyKeyBody,
      response: {
        200: answer('What Klaviyo said about the key.', KeyCheck), ...bodyErrors,
        404: malformedStoreId, ...storeErrors,
      },
    },
  }, async (req) => {
    const { privateKey } = req.body;
    const key = await checkKey(client, privateKey);
    return { status: key.status, last4: last4(privateKey), detail: key.detail, ...(key.account ? { account: key.account } : {}) };
  });

  api.get('/v1/stores/:storeId/klaviyo/lists', {
    config: { auth: 'store' },
    schema: {
      operationId: 'listKlaviyoLists', summary: 'The Klaviyo account\'s lists (every page followed)', tags,
      params: StoreIdParams,
      response: {
        200: answer('Every list of the account.', ListsPage),
        404: unknownStore,
        409: answer('`klaviyo_key_invalid`: Klaviyo rejected the saved private key.', ErrorBody),
        502: answer('`klaviyo_unreachable`: Klaviyo could not be asked.', ErrorBody),
        ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    try {
      return { lists: await client.getAllLists(store.privateKey) };
    } catch (err) {
      if (err instanceof KlaviyoAuthError) throw new SidecarError('klaviyo_key_invalid', 'Klaviyo rejected the saved private key.', { httpStatus: 409, cause: err });
      if (err instanceof KlaviyoError) throw new SidecarError('klaviyo_unreachable', `Klaviyo could not be asked for the lists: ${err.message}`, { httpStatus: 502, cause: err });
      throw err;
    }
  });
}
