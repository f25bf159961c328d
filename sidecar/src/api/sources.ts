/**
 * Staging copies (the store's credential or the admin token): which other sites sent deliveries that are held, and
 * the merchant's answer to each: release them (they are mapped and sent, once; optionally the store is re-pinned to
 * that site, for a move to another domain), discard them (kept in the sync log as `discarded`), or separate the copy
 * (its held deliveries are discarded and a connection code for a new store of its own is issued). Whether a delivery
 * is held and what "the same site" means are the sync core's (sync/sources.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SiteNotPinnedError, ValidationError } from '../errors.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage, StoreRecord } from '../storage/types.js';
import { canonicalSite, discardedNote, sameSite, siteRelation, sourceLabel } from '../sync/index.js';
import { issueConnectCode } from './credentials.js';
import {
  answer, storeErrors, unknownStore, ErrorBody, ReleaseSourceBody, SourceBody, SourceDiscarded, SourceReleased, SourceSeparated, SourcesQuery,
  SourcesView, StoreIdParams,
} from './schemas.js';
import { requireStore, storeOf } from './stores.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface SourcesDeps {
  storage: Storage;
  stores: StoreCache;
  kick: () => void;
  adminToken: string;
  publicUrl?: string;
  connectCodeTtlS: number;
}

/** The source a body names, as held deliveries are grouped by; refused when it is the pinned site itself. */
function otherSource(store: StoreRecord, given: string): string {
  if (sameSite(store.siteUrl, given)) {
    throw new SiteNotPinnedError('source_is_pinned', `${sourceLabel(given)} is the site this store is pinned to: its deliveries are never held.`);
  }
  return sourceLabel(given);
}

export async function sourcesRoutes(app: FastifyInstance, deps: SourcesDeps): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sources'];
  const pinnedError = answer('`source_is_pinned`: the source is the pinned site itself.', ErrorBody);
  const bodyErrors = { 400: answer('`invalid_request`: the body does not validate.', ErrorBody) };

  api.get('/v1/stores/:storeId/sources', {
    config: { auth: 'store' },
    schema: {
      operationId: 'listSources', summary: 'The pinned site and the other sites whose deliveries are held', tags,
      description: 'A delivery whose `X-WC-Webhook-Source` is not the store\'s pinned site (a staging copy of the shop carrying the same '
        + 'webhooks and secret) is stored and held: nothing is sent until it is released. `site` (the plugin sends its own address) says '
        + 'whether the asking site is the pinned one.',
      params: StoreIdParams,
      querystring: SourcesQuery,
      response: { 200: answer('The sources.', SourcesView), 404: unknownStore, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const held = await storage.heldSources(store.id);
    const site = req.query.site;
    return {
      pinned: canonicalSite(store.siteUrl) ?? store.siteUrl,
      site: site === undefined ? null : { url: sourceLabel(site), relation: siteRelation(store.siteUrl, site) },
      held: held.map((h) => ({ source: h.source, count: h.count, firstAt: iso(h.firstAt), lastAt: iso(h.lastAt) })),
      heldTotal: held.reduce((n, h) => n + h.count, 0),
    };
  });

  api.post('/v1/stores/:storeId/sources/release', {
    config: { auth: 'store' },
    schema: {
      operationId: 'releaseSource', summary: 'Send the deliveries held from a source (once), optionally re-pinning the store to it', tags,
      description: 'Each held delivery is mapped and sent like one just received (event `unique_id`s keep anything Klaviyo has from being '
        + 'sent twice); releasing again finds nothing left to release. With `repin`, the store is pinned to the source from now on.',
      params: StoreIdParams,
      body: ReleaseSourceBody,
      response: { 200: answer('What was released.', SourceReleased), ...bodyErrors, 404: unknownStore, 409: pinnedError, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const source = otherSource(store, req.body.source);
    if (req.body.repin) {
      const site = canonicalSite(source);
      if (site === null) throw new ValidationError(`The store cannot be pinned to "${source}": it is not an http(s) address.`);
      // Pinned first: a delivery from the source that arrives while the held ones are released is not held again.
      await storage.saveStore({ ...store, siteUrl: site });
      stores.invalidate(store.id);
      req.log.info({ storeId: store.id, from: store.siteUrl, to: site }, 'store re-pinned');
    }
    const released = await storage.releaseHeld(store.id, source);
    if (released > 0) deps.kick();
    req.log.info({ storeId: store.id, source, released }, 'held deliveries released');
    return { source, released, pinned: req.body.repin ? canonicalSite(source)! : canonicalSite(store.siteUrl) ?? store.siteUrl };
  });

  api.post('/v1/stores/:storeId/sources/discard', {
    config: { auth: 'store' },
    schema: {
      operationId: 'discardSource', summary: 'Discard the deliveries held from a source', tags,
      description: 'Nothing is sent; each stays in the sync log as `discarded` (with its body, until retention).',
      params: StoreIdParams,
      body: SourceBody,
      response: { 200: answer('What was discarded.', SourceDiscarded), ...bodyErrors, 404: unknownStore, 409: pinnedError, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const source = otherSource(store, req.body.source);
    const discarded = await storage.discardHeld(store.id, source, discardedNote(source));
    req.log.info({ storeId: store.id, source, discarded }, 'held deliveries discarded');
    return { source, discarded };
  });

  api.post('/v1/stores/:storeId/sources/separate', {
    config: { auth: 'store' },
    schema: {
      operationId: 'separateSource', summary: 'Connect a copy as a store of its own', tags,
      description: 'For a copy that is a shop of its own (a staging site to keep): its held deliveries here are discarded (kept in the '
        + 'sync log, marked so) and a connection code for a new store (`<storeId>-copy-<hex>`) is answered, which the copy redeems like '
        + 'any code (`POST /v1/connect`) and then saves as its own store, pinned to its own address.',
      params: StoreIdParams,
      body: SourceBody,
      response: { 200: answer('The new store\'s connection code.', SourceSeparated), ...bodyErrors, 404: unknownStore, 409: pinnedError, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const source = otherSource(store, req.body.source);
    const storeId = `${store.id.slice(0, 50)}-copy-${randomBytes(3).toString('hex')}`;
    const publicUrl = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    const { code, expiresAt } = await issueConnectCode(storage, { storeId, publicUrl, adminToken: deps.adminToken, ttlSeconds: deps.connectCodeTtlS, now: Date.now() });
    const discarded = await storage.discardHeld(store.id, source, discardedNote(source, storeId));
    req.log.info({ storeId: store.id, source, newStoreId: storeId, discarded }, 'copy separated');
    return { source, discarded, storeId, code, sidecarUrl: publicUrl, expiresAt: iso(expiresAt) };
  });
}
