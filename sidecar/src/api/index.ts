/**
 * The sidecar's HTTP API in one call: the OpenAPI document, schema compilers, the error edge, health, the
 * WooCommerce ingress, and the routes of stores and operator, each behind the credential it declares (credentials.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ingressRoutes } from '../ingress/route.js';
import { flowIngressRoutes } from '../ingress/flow-route.js';
import type { KlaviyoClient } from '../klaviyo/client.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import type { Pipeline } from '../worker/pipeline.js';
import { accessRoutes } from './access.js';
import { authenticate, declareAuth } from './credentials.js';
import { describeOnly, errorHandler, notFoundHandler, validatorCompiler } from './errors.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import type { Metrics } from '../metrics/metrics.js';
import { registerOpenApi } from './openapi.js';
import { statusRoutes } from './status.js';
import { consentRoutes } from './consent.js';
import { flowRoutes } from './flows.js';
import { privacyRoutes } from './privacy.js';
import { backInStockRoutes } from './back-in-stock.js';
import { historyRoutes } from './history.js';
import { sourcesRoutes } from './sources.js';
import { gapRoutes } from './gaps.js';
import type { GapCheck, GapReason } from '../sync/index.js';
import { storeRoutes } from './stores.js';

export interface ApiDeps {
  storage: Storage;
  stores: StoreCache;
  client: KlaviyoClient;
  pipeline: Pipeline;
  adminToken: string;
  publicUrl?: string;
  maxBodyBytes: number;
  metrics: Metrics;
  /** Accepted on GET /metrics besides the admin token. */
  metricsToken?: string;
  /** How long a connection code lives (seconds). */
  connectCodeTtlS: number;
  /** True once shutdown began (`/readyz` then answers 503). */
  closing: () => boolean;
  /** A history sync was started or resumed: its reader looks for work now. */
  wakeHistory: () => void;
  /** A trigger for the store's gap check (worker/gap-repair.ts). */
  requestGapCheck: (storeId: string, reason: GapReason) => Promise<GapCheck>;
}

export async function registerApi(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { storage, stores, client, pipeline, adminToken } = deps;
  // Before any route (and before the OpenAPI plugin reads them): each route's declared credential, checked and documented.
  app.addHook('onRoute', declareAuth);
  app.addHook('onRequest', authenticate({ adminToken, metricsToken: deps.metricsToken, credentials: storage }));
  await registerOpenApi(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(describeOnly);
  app.setErrorHandler(errorHandler(() => [adminToken]));
  app.setNotFoundHandler(notFoundHandler);

  await app.register(async (scope) => healthRoutes(scope, { storage, closing: deps.closing }));
  await app.register(async (scope) => ingressRoutes(scope, { storage, stores, onAccepted: () => pipeline.kick(), maxBodyBytes: deps.maxBodyBytes, metrics: deps.metrics }));
  await app.register(async (scope) => flowIngressRoutes(scope, { storage, stores, onAccepted: () => pipeline.kick(), maxBodyBytes: deps.maxBodyBytes, metrics: deps.metrics }));
  await app.register(async (scope) => metricsRoutes(scope, { metrics: deps.metrics }));
  await app.register(async (scope) => {
    await storeRoutes(scope, { storage, stores, client, pipeline, publicUrl: deps.publicUrl });
    await statusRoutes(scope, { storage, stores, client, pipeline });
    await accessRoutes(scope, { storage, stores, adminToken, publicUrl: deps.publicUrl, connectCodeTtlS: deps.connectCodeTtlS });
    await consentRoutes(scope, { storage, stores, client });
    await flowRoutes(scope, { storage, stores, publicUrl: deps.publicUrl });
    await privacyRoutes(scope, { storage, stores, kick: () => pipeline.kick() });
    await backInStockRoutes(scope, { storage, stores, kick: () => pipeline.kick() });
    await historyRoutes(scope, { storage, stores, wake: deps.wakeHistory });
    await sourcesRoutes(scope, { storage, stores, kick: () => pipeline.kick(), adminToken, publicUrl: deps.publicUrl, connectCodeTtlS: deps.connectCodeTtlS });
    await gapRoutes(scope, { stores, request: deps.requestGapCheck });
  });
}
