/**
 * Gap repair's route (the store's credential or the admin token): the plugin reports a webhook it saw re-enabled, or
 * someone asks for a check; the check itself runs in the worker (worker/gap-repair.ts). The status route shows the
 * last check (`gapCheck`).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StoreCache } from '../storage/store-cache.js';
import { gapSummary, type GapCheck, type GapReason } from '../sync/index.js';
import { answer, storeErrors, unknownStore, GapCheckRequestBody, GapCheckView, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';
import { z } from 'zod';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A store's gap check as the status route shows it. */
export function gapCheckView(c: GapCheck | null): z.output<typeof GapCheckView> {
  return {
    lastCheckAt: iso(c?.lastCheckAt ?? null), lastReason: c?.lastReason ?? null, checkedUntil: c?.checkedUntil ?? null,
    lastCompared: c?.lastCompared ?? null, lastRecovered: c?.lastRecovered ?? null, summary: c ? gapSummary(c) : null,
    running: c?.running ? {
      reason: c.running.reason, startedAt: iso(c.running.startedAt)!, from: c.running.from, until: c.running.until,
      compared: c.running.compared, recovered: c.running.recovered,
    } : null,
    requestedAt: iso(c?.requestedAt ?? null), lastError: c?.lastError ?? null, retryAt: iso(c?.retryAt ?? null),
  };
}

export async function gapRoutes(app: FastifyInstance, deps: { stores: StoreCache; request: (storeId: string, reason: GapReason) => Promise<GapCheck> }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/v1/stores/:storeId/gap-check', {
    config: { auth: 'store' },
    schema: {
      operationId: 'requestGapCheck', summary: 'Check now for orders WooCommerce did not deliver', tags: ['status'],
      description: 'Asks for a gap check at once (one also runs daily, when Klaviyo answers again after an outage, and when the sidecar '
        + 'starts): the orders WooCommerce changed since the last check are read from the plugin\'s signed history route and compared, '
        + 'by id and modified date, with what the sidecar holds; the missing ones are stored as sync-log entries (`recovered.order`, sent '
        + 'live, for a change of the last day; `recovered.order.backfill`, as backfill, for an older one) and sent once. The plugin calls '
        + 'it with `webhook_reenabled` when one of its webhooks is active again.',
      params: StoreIdParams,
      body: GapCheckRequestBody,
      response: { 200: answer('The check as it stands (it runs within seconds).', z.object({ gapCheck: GapCheckView })), 404: unknownStore, ...storeErrors },
    },
    preValidation: requireStore(deps.stores),
  }, async (req) => ({ gapCheck: gapCheckView(await deps.request(storeOf(req).id, req.body.reason)) }));
}
