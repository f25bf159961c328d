/** The store's Klaviyo flow webhook settings (store credential or admin token): the secret to paste, rotation, paths. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  DEFAULT_COUPON_CODE_PROPERTY, DEFAULT_COUPON_EXPIRES_PROPERTY, FLOW_ACTIONS, FLOW_EXAMPLE_BODIES, type FlowSettings,
} from '../flows/actions.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { answer, storeErrors, unknownStore, ErrorBody, FlowSettingsBody, FlowWebhookSettings, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';

export function newFlowSecret(): string {
  return `wckf_${randomBytes(24).toString('base64url')}`;
}

export function defaultFlowSettings(): FlowSettings {
  return {
    secret: newFlowSecret(), signingSecret: null, couponCodeProperty: DEFAULT_COUPON_CODE_PROPERTY,
    couponExpiresProperty: DEFAULT_COUPON_EXPIRES_PROPERTY, profilePaths: [],
  };
}

/** The store's settings, made (with a new secret) the first time they are asked for. */
export async function ensureFlowSettings(storage: Storage, storeId: string): Promise<FlowSettings> {
  const have = await storage.flowSettings(storeId);
  if (have) return have;
  const made = defaultFlowSettings();
  await storage.saveFlowSettings(storeId, made);
  return made;
}

export async function flowRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; publicUrl?: string }): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['flow webhooks'];
  const view = (req: FastifyRequest, storeId: string, s: FlowSettings) => {
    const base = deps.publicUrl ?? `${req.protocol}://${req.host}`;
    return {
      header: 'X-WCK-Flow-Secret', secret: s.secret, signingSecretSet: s.signingSecret !== null,
      couponCodeProperty: s.couponCodeProperty, couponExpiresProperty: s.couponExpiresProperty, profilePaths: s.profilePaths,
      actions: FLOW_ACTIONS.map((action) => ({ action, url: `${base}/v1/stores/${storeId}/klaviyo/flow-webhooks/${action}`, exampleBody: FLOW_EXAMPLE_BODIES[action] })),
    };
  };
  const common = { params: StoreIdParams };

  api.get('/v1/stores/:storeId/klaviyo/flow-webhooks', {
    config: { auth: 'store' },
    schema: {
      operationId: 'getFlowWebhooks', summary: 'How to call the store\'s flow webhooks from Klaviyo', tags, ...common,
      response: { 200: answer('The URLs, the header and its secret, and the settings.', FlowWebhookSettings), 404: unknownStore, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    return view(req, store.id, await ensureFlowSettings(storage, store.id));
  });

  api.put('/v1/stores/:storeId/klaviyo/flow-webhooks', {
    config: { auth: 'store' },
    schema: {
      operationId: 'saveFlowWebhooks', summary: 'Save the store\'s flow webhook settings', tags, ...common,
      body: FlowSettingsBody,
      response: {
        200: answer('Saved.', FlowWebhookSettings),
        400: answer('`invalid_request`: the body does not validate (`details` says which field).', ErrorBody),
        404: unknownStore, ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const s = await ensureFlowSettings(storage, store.id);
    const b = req.body;
    const next: FlowSettings = {
      ...s,
      couponCodeProperty: b.couponCodeProperty ?? s.couponCodeProperty,
      couponExpiresProperty: b.couponExpiresProperty ?? s.couponExpiresProperty,
      profilePaths: b.profilePaths ?? s.profilePaths,
      signingSecret: b.signingSecret === undefined ? s.signingSecret : b.signingSecret,
    };
    await storage.saveFlowSettings(store.id, next);
    return view(req, store.id, next);
  });

  api.post('/v1/stores/:storeId/klaviyo/flow-webhooks/secret', {
    config: { auth: 'store' },
    schema: {
      operationId: 'rotateFlowSecret', summary: 'Rotate the store\'s flow secret', tags, ...common,
      description: 'A new flow secret; flow webhooks with the old one are refused `401 invalid_flow_secret` from now on.',
      response: { 200: answer('The new secret with the rest of the settings.', FlowWebhookSettings), 404: unknownStore, ...storeErrors },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const next = { ...(await ensureFlowSettings(storage, store.id)), secret: newFlowSecret() };
    await storage.saveFlowSettings(store.id, next);
    return view(req, store.id, next);
  });
}
