/**
 * The history sync's routes (the store's credential or the admin token): start one (everything or the last N
 * months), pause, resume, cancel, and its status. The transitions are the sync core's (sync/history.ts); storage
 * saves a run only over the version it was read at, so a click racing the worker's page is read again and applied.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SidecarError, StorageError, ValidationError } from '../errors.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import {
  cancelRun, historyProgress, HistoryTransitionError, pauseRun, resumeRun, startRun, withAllResources, type HistoryRun, type HistoryScope,
} from '../sync/index.js';
import { answer, storeErrors, unknownStore, ErrorBody, HistoryStartBody, HistoryStatus, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The run as the status route shows it. */
export function historyView(stored: HistoryRun | null, now: number) {
  if (!stored) return { run: null };
  const run = withAllResources(stored);
  const p = historyProgress(run, now);
  const res = (r: HistoryRun['resources']['orders']) => ({ done: r.done, total: r.total, finished: r.finished });
  return {
    run: {
      runId: run.runId, state: run.state, scope: run.scope, since: run.since, startedAt: iso(run.startedAt), updatedAt: iso(run.updatedAt),
      finishedAt: run.finishedAt === null ? null : iso(run.finishedAt), products: res(run.resources.products),
      customers: res(run.resources.customers), orders: res(run.resources.orders),
      done: p.done, total: p.total, percent: p.percent, eventsQueued: run.eventsQueued, ratePerMinute: p.ratePerMinute, secondsLeft: p.secondsLeft,
      lastError: run.lastError, errors: run.errors.map((e) => ({ ...e, at: iso(e.at) })),
    },
  };
}

class HistoryConflictError extends SidecarError {
  constructor(cause: HistoryTransitionError) {
    super('history_conflict', cause.message, { httpStatus: 409, cause });
  }
}

export async function historyRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; wake: () => void }): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();

  /** Applies a transition to the stored run, reading it again if the worker saved a page meanwhile. */
  const transition = async (storeId: string, change: (held: HistoryRun | null, now: number) => HistoryRun) => {
    for (let i = 0; i < 10; i++) {
      const held = await storage.historyRun(storeId);
      const now = Date.now();
      let next: HistoryRun;
      try {
        next = change(held, now);
      } catch (err) {
        if (err instanceof HistoryTransitionError) throw new HistoryConflictError(err);
        throw err;
      }
      if (await storage.saveHistoryRun(next, held?.version ?? 0)) {
        deps.wake();
        return historyView(next, now);
      }
    }
    throw new StorageError('The history sync changed too often to apply the request; try again.');
  };

  const common = {
    params: StoreIdParams,
    response: {
      200: answer('The run after the change.', HistoryStatus),
      404: unknownStore,
      409: answer('`history_conflict`: the run\'s state does not allow it (e.g. one is already running, or none is paused).', ErrorBody),
      ...storeErrors,
    },
  };

  api.post('/v1/stores/:storeId/history', {
    config: { auth: 'store' },
    schema: {
      operationId: 'startHistorySync', summary: 'Start a history sync', tags: ['history'],
      description: 'Reads the store\'s products (the whole catalog, as WooCommerce\'s `product.updated` deliveries), then its customers, then its orders, from the plugin\'s signed history route, page by page (100 records, '
        + 'ordered by modified date and id), and stores each record as a sync-log entry of topic `history.customer` / `history.order`, mapped '
        + 'like the live webhook with the same event `unique_id`s (so nothing Klaviyo has is sent again), without consent (history never '
        + 'subscribes anyone), and sent after live traffic. Refused while a run is running or paused.',
      body: HistoryStartBody,
      ...common,
      response: { ...common.response, 400: answer('`invalid_request`: `months` is missing for `scope: months`.', ErrorBody) },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const { scope, months } = req.body;
    if (scope === 'months' && months === undefined) throw new ValidationError('`months` is required with `scope: months`.');
    const s: HistoryScope = scope === 'all' ? { kind: 'all' } : { kind: 'months', months: months! };
    const id = storeOf(req).id;
    return transition(id, (held, now) => startRun(held, id, randomUUID(), s, now));
  });

  for (const [verb, change, summary] of [
    ['pause', pauseRun, 'Pause the running history sync (the page being read is kept)'],
    ['resume', resumeRun, 'Resume a paused history sync, or try a failed one again, from its cursor'],
    ['cancel', cancelRun, 'Cancel the history sync (what was stored is still sent)'],
  ] as const) {
    api.post(`/v1/stores/:storeId/history/${verb}`, {
      config: { auth: 'store' },
      schema: { operationId: `${verb}HistorySync`, summary, tags: ['history'], ...common },
      preValidation: requireStore(stores),
    }, async (req) => transition(storeOf(req).id, (held, now) => change(held, now)));
  }

  api.get('/v1/stores/:storeId/history', {
    config: { auth: 'store' },
    schema: {
      operationId: 'getHistorySync', summary: 'The history sync\'s state and progress', tags: ['history'],
      description: 'Done and total per resource, events the stored records imply, the rate over the time spent running, the time left at '
        + 'that rate, and the newest problems with the record they belong to.',
      params: StoreIdParams,
      response: { 200: answer('The latest run.', HistoryStatus), 404: unknownStore, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => historyView(await storage.historyRun(storeOf(req).id), Date.now()));
}
