/**
 * The sidecar's configuration: the only module that reads process.env. Validated once by zod; every
 * problem is reported in one message.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

export const ConfigSchema = z.object({
  PORT: intFrom(8787, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  KLAVIYO_API_BASE: z.url({ protocol: /^https?$/, error: 'KLAVIYO_API_BASE must be an http(s) URL' }).default('https://a.klaviyo.com'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http(s) URL' }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'REDIS_PREFIX must be 1-64 letters, digits, dots, dashes or underscores').default('wck'),
  REDIS_LEASE_MS: intFrom(30_000, 1000, 3_600_000),
  MAX_BODY_BYTES: intFrom(2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  SEND_CONCURRENCY: intFrom(8, 1, 256),
  MAX_ATTEMPTS: intFrom(8, 1, 100),
  BACKOFF_BASE_MS: intFrom(1000, 1, 3_600_000),
  BACKOFF_MAX_MS: intFrom(300_000, 1, 86_400_000),
  KLAVIYO_TIMEOUT_MS: intFrom(10_000, 100, 600_000),
  CIRCUIT_THRESHOLD: intFrom(5, 1, 1000),
  CIRCUIT_COOLDOWN_MS: intFrom(30_000, 10, 3_600_000),
});

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminToken?: string;
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
  };
}
