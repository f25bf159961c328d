/**
 * Builds the sidecar: storage, Klaviyo client, pipeline and routes. server.ts runs it; tests build it too.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { registerApi } from './api/index.js';
import { resolveAdminToken } from './api/auth.js';
import { CircuitBreaker } from './klaviyo/circuit-breaker.js';
import { KlaviyoClient } from './klaviyo/client.js';
import { InMemoryRateLimiter, type RateLimiter } from './klaviyo/rate-limiter.js';
import { RedisRateLimiter } from './klaviyo/redis-rate-limiter.js';
import { Metrics } from './metrics/metrics.js';
import { Pipeline } from './worker/pipeline.js';
import { Retention } from './worker/retention.js';
import { ConsentSync } from './worker/consent-sync.js';
import { HistoryRunner } from './worker/history.js';
import { GapRepair } from './worker/gap-repair.js';
import { RedisStorage } from './storage/redis/redis.js';
import { SqliteStorage } from './storage/sqlite/index.js';
import type { Storage } from './storage/types.js';
import { REDACT_PATHS, redactQuery } from './redact.js';
import { lazyRequestLogger } from './request-logger.js';
import { StoreCache } from './storage/store-cache.js';
import { SecretBox } from './storage/secrets.js';
import { SecretKeyMismatchError } from './errors.js';

export interface AppDeps {
  storage?: Storage;
  client?: KlaviyoClient;
  /** Start the processing and sending loops (default true). */
  startPipeline?: boolean;
  logger?: boolean | Record<string, unknown>;
  /** Where the default logger writes (tests capture every line); the redaction stays as configured. */
  logStream?: { write(line: string): void };
}

export interface SidecarApp {
  app: FastifyInstance;
  storage: Storage;
  pipeline: Pipeline;
  retention: Retention;
  consentSync: ConsentSync;
  history: HistoryRunner;
  gaps: GapRepair;
  client: KlaviyoClient;
  adminToken: string;
  adminTokenGenerated: boolean;
  /** Stop taking requests and work, drain what is in flight, close storage. */
  shutdown(): Promise<void>;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<SidecarApp> {
  const { token: adminToken, generated } = resolveAdminToken(config.dataDir, config.adminToken);
  const box = SecretBox.from(config.dataDir, config.secretKey);
  // REDIS_URL is the only switch: Redis for several replicas (shared queue and rate limits), else SQLite.
  const storage: Storage = deps.storage ?? (config.redisUrl
    ? await RedisStorage.connect(box, { url: config.redisUrl, prefix: config.redisPrefix, leaseMs: config.redisLeaseMs })
    : new SqliteStorage(config.dataDir, box));
  // A replica whose key cannot open what is stored would answer every delivery with 500: it refuses to start instead.
  if (!box.opensAll(await storage.sealedSamples(box.seal('wck-key-check')))) {
    if (!deps.storage) await storage.close();
    throw new SecretKeyMismatchError(box.source, config.dataDir);
  }
  const limiter: RateLimiter = storage instanceof RedisStorage ? new RedisRateLimiter(storage.redis, storage.prefix) : new InMemoryRateLimiter();
  const client: KlaviyoClient = deps.client ?? new KlaviyoClient({
    baseUrl: config.klaviyoApiBase,
    timeoutMs: config.klaviyoTimeoutMs,
    limiter,
    breaker: new CircuitBreaker({ threshold: config.circuitThreshold, cooldownMs: config.circuitCooldownMs }),
    catalogJobs: { firstPollMs: config.klaviyoJobPollMs, maxWaitMs: config.klaviyoJobWaitMs },
  });
  const stores = new StoreCache(storage);
  const metrics = new Metrics({ storage, stores, breaker: client.breaker });

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
      ...(deps.logStream ? { stream: deps.logStream } : {}),
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
    metrics,
  });
  const history = new HistoryRunner(storage, stores, log, () => pipeline.kick());
  const gaps = new GapRepair(storage, stores, log, () => pipeline.kick(), { policy: { everyMs: config.gapCheckMs, settleMs: config.gapSettleMs } });
  // Klaviyo answering again after an outage: what WooCommerce sent meanwhile is held, but check that nothing is missing.
  client.breaker.onClosed(() => { if (config.gapCheckMs > 0) void gaps.requestAll('klaviyo_back'); });
  let closing = false;
  await registerApi(app, {
    wakeHistory: () => history.wake(),
    requestGapCheck: (storeId, reason) => gaps.request(storeId, reason),
    storage, stores, client, pipeline, adminToken, publicUrl: config.publicUrl, maxBodyBytes: config.maxBodyBytes, closing: () => closing,
    metrics, metricsToken: config.metricsToken, connectCodeTtlS: config.connectCodeTtlS,
  });

  const retention = new Retention(storage, log, { days: config.retentionDays });
  const consentSync = new ConsentSync(storage, client, log, { everyMs: config.consentSyncMs });
  if (deps.startPipeline !== false) {
    app.addHook('onReady', async () => {
      await pipeline.start();
      retention.start();
      consentSync.start();
      history.start();
      if (config.gapCheckMs > 0) gaps.start();
    });
  }

  return {
    app, storage, pipeline, retention, consentSync, history, gaps, client, adminToken, adminTokenGenerated: generated,
    async shutdown() {
      closing = true;
      await app.close();
      await history.stop();
      await gaps.stop();
      await pipeline.stop();
      await retention.stop();
      await consentSync.stop();
      await client.close();
      await storage.close();
    },
  };
}
