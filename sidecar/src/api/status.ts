/** Status, the sync log and replay (Bearer ADMIN_TOKEN). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { accountIdForKey } from '../klaviyo/rate-limiter.js';
import type { Pipeline } from '../worker/pipeline.js';
import type { Storage } from '../storage/types.js';
import type { StoreCache } from '../storage/store-cache.js';
import {
  storeErrors, answer, DeliveriesQuery, DeliveryDetail, DeliveryPage, DeliveryParams, ErrorBody, ReplayDeliveryQuery,
  ReplayResult, ReplayStoreQuery, SidecarStatus, StoreIdParams, unknownStore,
} from './schemas.js';
import { requireStore, storeOf } from './stores.js';
import { gapCheckView } from './gaps.js';

const unknownDelivery = answer('`unknown_store`, or `unknown_delivery`: no such delivery for this store.', ErrorBody);
const invalidQuery = answer('`invalid_request`: the query does not validate (`details` says which field).', ErrorBody);

/**
 * Storage's delivery views as the schema types them. The casts are only about Klaviyo's error items: storage keeps
 * Klaviyo's JSON as it came, which may carry more members than its interface names (the schema lets them through).
 */
type Page = z.output<typeof DeliveryPage>;
type Detail = z.output<typeof DeliveryDetail>;

export async function statusRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; client: KlaviyoClient; pipeline: Pipeline }): Promise<void> {
  const { storage, stores, client, pipeline } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const existingStore = requireStore(stores);
  const tags = ['status'];

  api.get('/v1/stores/:storeId/status', {
    config: { auth: 'store' },
    schema: {
      operationId: 'getStatus', summary: 'The store\'s health', tags,
      params: StoreIdParams,
      response: { 200: answer('The store\'s status.', SidecarStatus), 404: unknownStore, ...storeErrors },
    },
    preValidation: existingStore,
  }, async (req) => {
    const store = storeOf(req);
    const now = Date.now();
    const s = await storage.stats(store.id, now);
    return {
      storeId: store.id,
      paused: store.paused,
      pauseReason: store.pauseReason,
      key: { status: store.keyStatus, last4: store.keyLast4, checkedAt: store.keyCheckedAt, detail: store.keyDetail },
      listId: store.listId,
      queue: s.queue,
      deliveries: s.deliveries,
      eventsPerMinute: Math.round((s.eventsLast5Min / 5) * 10) / 10,
      lastSuccessAt: s.lastSuccessAt,
      lastError: s.lastError,
      errorCounts: { rate_limited: 0, server: 0, network: 0, bad_request: 0, auth: 0, conflict: 0, circuit_open: 0, mapping: 0, ingress: 0, ...s.errorCounts },
      circuit: client.breaker.state(accountIdForKey(store.privateKey)),
      stalledSince: s.stalledSince,
      stalled: s.stalled,
      gapCheck: gapCheckView(await storage.gapCheck(store.id)),
    };
  });

  api.get('/v1/stores/:storeId/deliveries', {
    config: { auth: 'store' },
    schema: {
      operationId: 'listDeliveries', summary: 'The sync log, newest first', tags,
      params: StoreIdParams,
      querystring: DeliveriesQuery,
      response: { 200: answer('A page of the sync log.', DeliveryPage), 400: invalidQuery, 404: unknownStore, ...storeErrors },
    },
    preValidation: existingStore,
  }, async (req) => storage.listDeliveries(storeOf(req).id, req.query) as Promise<Page>);

  api.get('/v1/stores/:storeId/deliveries/:id', {
    config: { auth: 'store' },
    schema: {
      operationId: 'getDelivery', summary: 'One sync-log entry with what arrived and what was sent', tags,
      params: DeliveryParams,
      response: { 200: answer('The delivery.', DeliveryDetail), 404: unknownDelivery, ...storeErrors },
    },
    preValidation: existingStore,
  }, async (req) => {
    const d = await storage.getDelivery(storeOf(req).id, req.params.id);
    if (!d) throw new NotFoundError('unknown_delivery', `No delivery ${req.params.id.slice(0, 20)} for this store.`);
    return d as Detail;
  });

  api.post('/v1/stores/:storeId/deliveries/:id/replay', {
    config: { auth: 'store' },
    schema: {
      operationId: 'replayDelivery', summary: 'Replay one delivery\'s failed jobs', tags,
      params: DeliveryParams,
      querystring: ReplayDeliveryQuery,
      response: { 200: answer('How many jobs were reset to pending.', ReplayResult), 404: unknownDelivery, ...storeErrors },
    },
    preValidation: existingStore,
  }, async (req) => {
    const n = await storage.replayDelivery(storeOf(req).id, req.params.id, req.query.all === '1');
    if (n === null) throw new NotFoundError('unknown_delivery', `No delivery ${req.params.id.slice(0, 20)} for this store.`);
    pipeline.kick();
    return { replayed: n };
  });

  api.post('/v1/stores/:storeId/replay', {
    config: { auth: 'store' },
    schema: {
      operationId: 'replayDead', summary: 'Replay every dead delivery of the store', tags,
      params: StoreIdParams,
      querystring: ReplayStoreQuery,
      response: { 200: answer('How many jobs were reset to pending.', ReplayResult), 400: invalidQuery, 404: unknownStore, ...storeErrors },
    },
    preValidation: existingStore,
  }, async (req) => {
    const n = await storage.replayByStatus(storeOf(req).id, 'dead');
    pipeline.kick();
    return { replayed: n };
  });
}
