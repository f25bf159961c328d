/**
 * The sidecar's configuration: the only module that reads process.env. Validated once by zod; every
 * problem is reported in one message.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/**
 * Every setting, once: its validation, its default and what it means. The README and docs/api.md list the same keys
 * (configTable() renders the table they show).
 */
export const ConfigSchema = z.object({
  PORT: intFrom(8787, 0, 65535).describe('listen port'),
  HOST: z.string().min(1).default('0.0.0.0').describe('listen address'),
  DATA_DIR: z.string().min(1).default('./data').describe('SQLite database, generated admin token, at-rest encryption key'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional()
    .describe('the operator\'s Bearer token (create, list and remove stores, connection codes, `/metrics`; it also opens every store\'s routes); when unset, generated on first start, kept in `DATA_DIR/admin-token` and printed once'),
  SECRET_KEY: z.string().refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32,
    'SECRET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)').optional()
    .describe('key that seals Klaviyo keys and webhook secrets at rest (32 bytes, base64); the same on every replica. When unset, generated on first start and kept in `DATA_DIR/secret.key`'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional()
    .describe('Bearer token for `GET /metrics` besides the admin token, for a Prometheus scraper that must not hold the admin token'),
  CONNECT_CODE_TTL_S: intFrom(900, 60, 604_800).describe('seconds a connection code (`wckc_…`, `POST /v1/stores/{storeId}/connect-codes`) can be redeemed'),
  CONSENT_SYNC_SECONDS: intFrom(300, 0, 86400).describe('how often the unsubscribes and suppressions made in Klaviyo are read back per store (GET /api/profiles updated since the last run); the lag of "unsubscribed in Klaviyo" is up to this. 0 turns it off'),
  GAP_CHECK_HOURS: intFrom(24, 0, 168).describe('how often each store\'s orders changed since the last check are compared with what the sidecar holds, and what WooCommerce did not deliver is sent (gap repair; also when a webhook is re-enabled, Klaviyo is back after an outage, or the sidecar starts). 0 turns it off'),
  GAP_SETTLE_SECONDS: intFrom(300, 0, 3600).describe('a gap check compares orders changed up to this long before it runs: WooCommerce may still have their webhooks queued'),
  RETENTION_DAYS: intFrom(30, 1, 3650).describe('days a delivery\'s body and headers are kept; then only its sync-log line is (status, resource, email, note, error, its requests)'),
  KLAVIYO_API_BASE: z.url({ protocol: /^https?$/, error: 'KLAVIYO_API_BASE must be an http(s) URL' }).default('https://a.klaviyo.com')
    .describe('Klaviyo base URL (tests point it at the test double)'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('pino level'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http(s) URL' }).optional()
    .describe('base URL used to build webhook URLs; when unset, derived from the request'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional()
    .describe('`redis://` or `rediss://` URL: keep the queue, dedupe state, stores and sync log in Redis so several replicas can share them; unset = SQLite under `DATA_DIR`'),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'REDIS_PREFIX must be 1-64 letters, digits, dots, dashes or underscores').default('wck')
    .describe('every Redis key starts with `<prefix>:`; replicas serving the same stores use the same prefix'),
  REDIS_LEASE_MS: intFrom(30_000, 1000, 3_600_000)
    .describe('a replica renews a lease on its in-flight jobs; if it dies, other replicas send them again this long after its last renewal'),
  MAX_BODY_BYTES: intFrom(2 * 1024 * 1024, 1024, 64 * 1024 * 1024).describe('largest delivery accepted (413 above)'),
  SEND_CONCURRENCY: intFrom(8, 1, 256).describe('Klaviyo requests in flight at once'),
  MAX_ATTEMPTS: intFrom(8, 1, 100).describe('attempts for 5xx, timeouts and resets before a job is dead-lettered'),
  BACKOFF_BASE_MS: intFrom(1000, 1, 3_600_000).describe('first retry delay of the exponential backoff with full jitter'),
  BACKOFF_MAX_MS: intFrom(300_000, 1, 86_400_000).describe('longest retry delay of the backoff (not below `BACKOFF_BASE_MS`)'),
  KLAVIYO_TIMEOUT_MS: intFrom(10_000, 100, 600_000).describe('per Klaviyo request'),
  CIRCUIT_THRESHOLD: intFrom(5, 1, 1000).describe('consecutive server/network failures that open the circuit'),
  CIRCUIT_COOLDOWN_MS: intFrom(30_000, 10, 3_600_000).describe('first cooldown of an open circuit (doubles up to 5 min)'),
  KLAVIYO_JOB_POLL_MS: intFrom(100, 5, 60_000).describe('first wait before a catalog bulk job Klaviyo accepted is read back (GET on the job); the wait doubles up to 2 s'),
  KLAVIYO_JOB_WAIT_MS: intFrom(60_000, 100, 3_600_000).describe('how long a catalog bulk job may take before the change is sent again later (retried like a 5xx)'),
});

export interface ConfigKey {
  key: string;
  /** The default as text, or null when the key is unset by default. */
  default: string | null;
  description: string;
}

/** Every key with its default and meaning, read from the schema. */
export function configReference(): ConfigKey[] {
  const json = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, { default?: unknown; description?: string }>;
  };
  return Object.entries(json.properties).map(([key, p]) => ({
    key, default: p.default === undefined ? null : String(p.default), description: p.description ?? '',
  }));
}

/** The configuration table the README and docs/api.md show, in Markdown. */
export function configTable(): string {
  const rows = configReference().map((k) => `| \`${k.key}\` | ${k.default === null ? 'unset' : `\`${k.default}\``} | ${k.description} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminToken?: string;
  /** Seals secrets at rest; unset = the key file in dataDir. */
  secretKey?: string;
  /** Also accepted on GET /metrics. */
  metricsToken?: string;
  /** Seconds a connection code can be redeemed. */
  connectCodeTtlS: number;
  /** Days delivery bodies are kept. */
  retentionDays: number;
  /** How often each store is checked for orders WooCommerce did not deliver (ms); 0: never. */
  gapCheckMs: number;
  /** A check compares orders changed up to this long before it (ms). */
  gapSettleMs: number;
  /** How often Klaviyo's unsubscribes are read back (ms); 0: never. */
  consentSyncMs: number;
  klaviyoApiBase: string;
  logLevel: (typeof LOG_LEVELS)[number];
  publicUrl?: string;
  redisUrl?: string;
  /** Every Redis key starts with `${redisPrefix}:`. */
  redisPrefix: string;
  /** How long after a replica stops renewing its lease its in-flight jobs are given to others. */
  redisLeaseMs: number;
  maxBodyBytes: number;
  sendConcurrency: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  klaviyoTimeoutMs: number;
  circuitThreshold: number;
  circuitCooldownMs: number;
  /** Catalog bulk jobs: the first wait before reading one back, and how long one may take. */
  klaviyoJobPollMs: number;
  klaviyoJobWaitMs: number;
}

/** Parses an environment (defaults to process.env). Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  }
  const c = parsed.data;
  if (c.BACKOFF_MAX_MS < c.BACKOFF_BASE_MS) throw new ConfigError(['BACKOFF_MAX_MS must not be below BACKOFF_BASE_MS']);
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    adminToken: c.ADMIN_TOKEN,
    secretKey: c.SECRET_KEY,
    metricsToken: c.METRICS_TOKEN,
    connectCodeTtlS: c.CONNECT_CODE_TTL_S,
    retentionDays: c.RETENTION_DAYS,
    consentSyncMs: c.CONSENT_SYNC_SECONDS * 1000,
    gapCheckMs: c.GAP_CHECK_HOURS * 3600_000,
    gapSettleMs: c.GAP_SETTLE_SECONDS * 1000,
    klaviyoApiBase: c.KLAVIYO_API_BASE.replace(/\/+$/, ''),
    logLevel: c.LOG_LEVEL,
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    redisLeaseMs: c.REDIS_LEASE_MS,
    maxBodyBytes: c.MAX_BODY_BYTES,
    sendConcurrency: c.SEND_CONCURRENCY,
    maxAttempts: c.MAX_ATTEMPTS,
    backoffBaseMs: c.BACKOFF_BASE_MS,
    backoffMaxMs: c.BACKOFF_MAX_MS,
    klaviyoTimeoutMs: c.KLAVIYO_TIMEOUT_MS,
    circuitThreshold: c.CIRCUIT_THRESHOLD,
    circuitCooldownMs: c.CIRCUIT_COOLDOWN_MS,
    klaviyoJobPollMs: c.KLAVIYO_JOB_POLL_MS,
    klaviyoJobWaitMs: c.KLAVIYO_JOB_WAIT_MS,
  };
}
