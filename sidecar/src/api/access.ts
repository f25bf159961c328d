/**
 * Stores and their credentials: the operator lists and removes stores and makes connection codes (admin token); a
 * store redeems a code for its credential (`POST /v1/connect`, the code is the credential) and rotates it.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError } from '../errors.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { connectVerdict, issueConnectCode, issueCredential, parseConnectCode, sha256, sidecarId } from './credentials.js';
import {
  adminErrors, answer, ConnectBody, malformedStoreId, unknownStore, ConnectCode, Connected, ErrorBody, StoreCredential, StoreIdParams, StoreList, StoreRemoved, storeErrors,
} from './schemas.js';

export interface AccessDeps {
  storage: Storage;
  stores: StoreCache;
  adminToken: string;
  publicUrl?: string;
  connectCodeTtlS: number;
}

const jsonErrors = {
  400: answer('`invalid_request`: the body does not validate; or it is not JSON (`fst_err_ctp_invalid_json_body`, `fst_err_ctp_empty_json_body`).', ErrorBody),
  415: answer('`fst_err_ctp_invalid_media_type`: the body is not `application/json`.', ErrorBody),
};

/** Redeems a connection code: the code is taken in one atomic step, then the store's credential is issued. */
export async function redeemConnectCode(storage: Storage, adminToken: string, code: string, now: number): Promise<{ storeId: string; credential: string; sidecarUrl: string }> {
  const claim = parseConnectCode(code);
  const mine = sidecarId(adminToken);
  // A code of another sidecar is refused before anything is taken.
  if (claim.i !== mine) connectVerdict(claim, mine, null, now);
  const record = await storage.takeConnectCode(sha256(claim.k), now);
  const storeId = connectVerdict(claim, mine, record, now);
  return { storeId, credential: await issueCredential(storage, storeId), sidecarUrl: claim.u };
}

export async function accessRoutes(app: FastifyInstance, deps: AccessDeps): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  api.get('/v1/stores', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'listStores', summary: 'Every store, with whether it is configured and holds a credential', tags,
      response: { 200: answer('The stores.', StoreList), ...adminErrors },
    },
  }, async () => {
    const ids = await storage.listStoreIds();
    const list = await Promise.all(ids.map(async (id) => {
      const [store, hash] = await Promise.all([storage.getStore(id), storage.credentialHash(id)]);
      if (!store && !hash) return null;
      return {
        storeId: id, configured: store !== null, hasCredential: hash !== null, siteUrl: store?.siteUrl ?? null,
        paused: store?.paused ?? false, keyStatus: store?.keyStatus ?? null,
      };
    }));
    return { stores: list.filter((s) => s !== null) };
  });

  api.delete('/v1/stores/:storeId', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'removeStore', summary: 'Remove a store: its configuration and credential, and revoke its connection codes', tags,
      description: 'Deliveries for the store are refused (`404 unknown_store`) from then on; its sync log stays until retention clears it.',
      params: StoreIdParams,
      response: { 200: answer('The store was removed.', StoreRemoved), 404: unknownStore, ...adminErrors },
    },
  }, async (req) => {
    const { storeId } = req.params;
    const removed = await storage.removeStore(storeId, Date.now());
    stores.invalidate(storeId);
    if (!removed) throw new NotFoundError('unknown_store', `No store "${storeId}".`);
    return { storeId, removed: true as const };
  });

  api.post('/v1/stores/:storeId/connect-codes', {
    config: { auth: 'admin' },
    schema: {
      operationId: 'createConnectCode', summary: 'A single-use, short-lived connection code for one store', tags,
      description: 'The code carries the sidecar\'s public address (PUBLIC_URL, or this request\'s host) and a claim on the store; it '
        + 'expires after CONNECT_CODE_TTL_S. The store need not exist yet: the code reserves its id, and the site that redeems it saves the '
        + 'configuration with the credential it gets. Only the code\'s SHA-256 is kept.',
      params: StoreIdParams,
      response: { 200: answer('The code, shown this once.', ConnectCode), 404: malformedStoreId, ...adminErrors },
    },
  }, async (req) => {
    const { storeId } = req.params;
    const publicUrl = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    const { code, expiresAt } = await issueConnectCode(storage, { storeId, publicUrl, adminToken: deps.adminToken, ttlSeconds: deps.connectCodeTtlS, now: Date.now() });
    return { storeId, code, sidecarUrl: publicUrl, expiresAt: new Date(expiresAt).toISOString() };
  });

  api.post('/v1/connect', {
    config: { auth: 'none' },
    schema: {
      operationId: 'connect', summary: 'Redeem a connection code for the store\'s credential', tags,
      description: 'No Bearer token: the code is the credential. It works once and until it expires; the store\'s credential is '
        + 'answered this once (a credential the store held before stops working).',
      body: ConnectBody,
      response: {
        200: answer('The store\'s credential.', Connected),
        400: answer('`connect_code_malformed`: not a connection code; `connect_code_other_sidecar`: made by another sidecar; or `invalid_request`.', ErrorBody),
        404: answer('`connect_code_unknown`: this sidecar has no such code.', ErrorBody),
        409: answer('`connect_code_used`: the code was already used.', ErrorBody),
        410: answer('`connect_code_expired`: the code expired; `connect_code_store_removed`: its store was removed.', ErrorBody),
        415: jsonErrors[415],
        500: adminErrors[500],
        503: adminErrors[503],
      },
    },
  }, async (req) => {
    const r = await redeemConnectCode(storage, deps.adminToken, req.body.code, Date.now());
    req.log.info({ storeId: r.storeId }, 'connection code redeemed');
    return r;
  });

  api.post('/v1/stores/:storeId/credential', {
    config: { auth: 'store' },
    schema: {
      operationId: 'rotateCredential', summary: 'Issue a new store credential; the one before stops working at once', tags,
      description: 'With the store\'s credential it rotates it; with the admin token it issues one (a single-store self-hoster '
        + 'exchanges the admin token for the store\'s credential this way, and keeps only the credential).',
      params: StoreIdParams,
      response: { 200: answer('The new credential, shown this once.', StoreCredential), 404: malformedStoreId, ...storeErrors },
    },
  }, async (req) => {
    const { storeId } = req.params;
    return { storeId, credential: await issueCredential(storage, storeId) };
  });
}
