/**
 * Builds the sidecar: storage, Klaviyo client, pipeline and routes. server.ts runs it; tests build it too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { SidecarError } from './errors.js';
import { ingressRoutes } from './ingress/route.js';
import { CircuitBreaker } from './klaviyo/circuit-breaker.js';
import { KlaviyoClient } from './klaviyo/client.js';
import { InMemoryRateLimiter, type RateLimiter } from './klaviyo/rate-limiter.js';
import { RedisRateLimiter } from './klaviyo/redis-rate-limiter.js';
import { Pipeline } from './worker/pipeline.js';
import { RedisStorage } from './storage/redis/redis.js';
import { SqliteStorage } from './storage/sqlite/sqlite.js';
import type { Storage } from './storage/types.js';
import { REDACT_PATHS, redactQuery, redactText } from './redact.js';
import { lazyRequestLogger } from './request-logger.js';
import { statusRoutes } from './api/status.js';
import { StoreCache } from './storage/store-cache.js';
import { storeRoutes } from './api/stores.js';
import { SecretBox } from './storage/secrets.js';
import { bearerAuth, resolveAdminToken } from './api/auth.js';

export interface AppDeps {
  storage?: Storage;
  client?: KlaviyoClient;
  /** Start the processing and sending loops (default true). */
  startPipeline?: boolean;
  logger?: boolean | Record<string, unknown>;
}

export interface SidecarApp {
  app: FastifyInstance;
  storage: Storage;
  pipeline: Pipeline;
  client: KlaviyoClient;
  adminToken: string;
  adminTokenGenerated: boolean;
  /** Stop taking requests and work, drain what is in flight, close storage. */
  shutdown(): Promise<void>;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<SidecarApp> {
  const { token: adminToken, generated } = resolveAdminToken(config.dataDir, config.adminToken);
  const box = SecretBox.fromDataDir(config.dataDir);
  // REDIS_URL is the only switch: Redis for several replicas (shared queue and rate limits), else SQLite.
  const storage = deps.storage ?? (config.redisUrl
    ? await RedisStorage.connect(box, { url: config.redisUrl, prefix: config.redisPrefix, leaseMs: config.redisLeaseMs })
    : new SqliteStorage(config.dataDir, box));
  const limiter: RateLimiter = storage instanceof RedisStorage ? new RedisRateLimiter(storage.redis, storage.prefix) : new InMemoryRateLimiter();
  const client = deps.client ?? new KlaviyoClient({
    baseUrl: config.klaviyoApiBase,
    timeoutMs: config.klaviyoTimeoutMs,
    limiter,
    breaker: new CircuitBreaker({ threshold: config.circuitThreshold, cooldownMs: config.circuitCooldownMs }),
  });
  const stores = new StoreCache(storage);

  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '***' },
      serializers: {
        // Query values never reach the log: someone will paste a token into a URL.
        req: (req: { method: string; url: string; host?: string; ip?: string }) => ({
          method: req.method, url: redactQuery(req.url), host: req.host, remoteAddress: req.ip,
        }),
      },
    },
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    return503OnClosing: true,
  });
  const log = app.log;
  const pipeline = new Pipeline(storage, client, stores, log, {
    concurrency: config.sendConcurrency,
    retry: { maxAttempts: config.maxAttempts, baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
  });
  let closing = false;
  const secrets = () => [adminToken];

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof SidecarError) {
      if (err.httpStatus >= 500) req.log.error({ err: { message: redactText(err.message, secrets()), code: err.code } }, 'request failed');
      return reply.code(err.httpStatus).send({ error: { code: err.code, message: redactText(err.message, secrets()), ...(err.details ? { details: err.details } : {}) } });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err: { message: redactText(err.message, secrets()), stack: err.stack } }, 'unexpected error');
      return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal Server Error' } });
    }
    return reply.code(status).send({ error: { code: (err.code ?? 'bad_request').toLowerCase(), message: redactText(err.message, secrets()) } });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` } }));

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    if (closing) return reply.code(503).send({ ready: false, reason: 'shutting down' });
    try {
      await storage.ping();
      return { ready: true, backend: storage.backend };
    } catch {
      return reply.code(503).send({ ready: false, reason: 'storage unreachable' });
    }
  });

  await app.register(async (scope) => ingressRoutes(scope, { storage, stores, pipeline, maxBodyBytes: config.maxBodyBytes }));
  await app.register(async (scope) => {
    scope.addHook('onRequest', bearerAuth(adminToken));
    await storeRoutes(scope, { storage, stores, client, pipeline, publicUrl: config.publicUrl });
    await statusRoutes(scope, { storage, stores, client, pipeline });
  });

  if (deps.startPipeline !== false) app.addHook('onReady', async () => pipeline.start());

  return {
    app, storage, pipeline, client, adminToken, adminTokenGenerated: generated,
    async shutdown() {
      closing = true;
      await app.close();
      await pipeline.stop();
      await client.close();
      await storage.close();
    },
  };
}
