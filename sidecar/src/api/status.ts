/** Status, the sync log and replay (Bearer ADMIN_TOKEN). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { accountIdForKey } from '../klaviyo/rate-limiter.js';
import type { Pipeline } from '../worker/pipeline.js';
import { DELIVERY_STATUSES, type Storage } from '../storage/types.js';
import type { StoreCache } from '../storage/store-cache.js';
import { parseBody, storeIdParam } from './stores.js';

const DeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  q: z.string().max(200).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export async function statusRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; client: KlaviyoClient; pipeline: Pipeline }): Promise<void> {
  const { storage, stores, client, pipeline } = deps;
  const requireStore = async (id: string) => {
    const store = await stores.get(storeIdParam(id));
    if (!store) throw new NotFoundError('unknown_store', `No store "${id}".`);
    return store;
  };

  app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/status', async (req) => {
    const store = await requireStore(req.params.storeId);
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
    };
  });

  app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/deliveries', async (req) => {
    const store = await requireStore(req.params.storeId);
    const q = parseBody(DeliveriesQuery, req.query);
    return storage.listDeliveries(store.id, q);
  });

  app.get<{ Params: { storeId: string; id: string } }>('/v1/stores/:storeId/deliveries/:id', async (req) => {
    const store = await requireStore(req.params.storeId);
    const d = /^\d{1,18}$/.test(req.params.id) ? await storage.getDelivery(store.id, req.params.id) : null;
    if (!d) throw new NotFoundError('unknown_delivery', `No delivery ${req.params.id.slice(0, 20)} for this store.`);
    return d;
  });

  app.post<{ Params: { storeId: string; id: string }; Querystring: { all?: string } }>('/v1/stores/:storeId/deliveries/:id/replay', async (req) => {
    const store = await requireStore(req.params.storeId);
    const n = /^\d{1,18}$/.test(req.params.id) ? await storage.replayDelivery(store.id, req.params.id, req.query.all === '1') : null;
    if (n === null) throw new NotFoundError('unknown_delivery', `No delivery ${req.params.id.slice(0, 20)} for this store.`);
    pipeline.kick();
    return { replayed: n };
  });

  app.post<{ Params: { storeId: string }; Querystring: { status?: string } }>('/v1/stores/:storeId/replay', async (req) => {
    const store = await requireStore(req.params.storeId);
    parseBody(z.object({ status: z.literal('dead') }), { status: req.query.status ?? 'dead' });
    const n = await storage.replayByStatus(store.id, 'dead');
    pipeline.kick();
    return { replayed: n };
  });
}
