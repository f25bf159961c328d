/**
 * The storage backends the benchmarks compare. SQLite is the default; Redis is measured when the sidecar has a
 * Redis backend and a Redis answers at BENCH_REDIS_URL (default redis://127.0.0.1:6379), under a random
 * wck-bench-… key prefix whose keys are deleted afterwards, one by one (never FLUSHALL or FLUSHDB).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { REPO, textKnob } from './common.js';

export interface Backend {
  id: string;
  name: string;
  available: boolean;
  reason?: string;
  env: Record<string, string>;
  /** Another build of the sidecar to run (default: sidecar/dist/server.js). */
  entry?: string;
  cleanup?(): Promise<void>;
}

export function sqliteBackend(): Backend {
  return { id: 'sqlite', name: 'SQLite (WAL, fsynced before the answer)', available: true, env: {} };
}

export async function redisBackend(): Promise<Backend> {
  const name = 'Redis';
  const url = textKnob('BENCH_REDIS_URL') ?? 'redis://127.0.0.1:6379';
  const src = resolve(REPO, 'sidecar', 'src');
  if (!(existsSync(resolve(src, 'storage', 'redis', 'redis.ts')) || existsSync(resolve(src, 'queue', 'redis.ts'))) || !/RedisStorage/.test(readFileSync(resolve(src, 'app.ts'), 'utf8'))) {
    return { id: 'redis', name, available: false, reason: 'the sidecar has no Redis backend yet', env: {} };
  }
  if (!/REDIS_PREFIX/.test(readFileSync(resolve(src, 'config.ts'), 'utf8'))) {
    return { id: 'redis', name, available: false, reason: 'the sidecar cannot be given a key prefix (REDIS_PREFIX), so the benchmark will not write to Redis', env: {} };
  }
  const prefix = `wck-bench-${randomBytes(6).toString('hex')}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // A refused connection is reported by connect() below; without a listener ioredis also prints it as unhandled.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    return { id: 'redis', name, available: false, reason: `no Redis answered at ${url} (${(err as Error).message})`, env: {} };
  }
  return {
    id: 'redis', name: `Redis (${url.replace(/\/\/[^@/]*@/, '//')})`, available: true,
    env: { REDIS_URL: url, REDIS_PREFIX: prefix },
    async cleanup() {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      process.stdout.write(`redis: deleted ${deleted} keys under ${prefix}\n`);
    },
  };
}

/** Makes a fresh backend for one measurement (on Redis: its own key prefix, whose keys cleanup deletes). */
export type BackendFactory = () => Backend | Promise<Backend>;

/** One benchmark's result on one backend, or why it has none there. */
export type OnBackend<T> =
  | { id: string; name: string; measured: true; result: T }
  | { id: string; name: string; measured: false; reason: string };

/**
 * Measures on one fresh backend from `factory` and cleans it up afterwards (after `measure` has stopped its
 * sidecars). A backend that is not available, or whose run fails, is returned with the reason instead of failing
 * the whole benchmark run. `variant` (e.g. "2 replicas") is added to the row's name and id.
 */
export async function onBackend<T>(label: string, factory: BackendFactory, measure: (backend: Backend) => Promise<T>, variant?: string): Promise<OnBackend<T>> {
  const backend = await factory();
  const id = variant ? `${backend.id}-${variant.replace(/[^A-Za-z0-9]+/g, '-')}` : backend.id;
  const name = variant ? `${backend.name}, ${variant}` : backend.name;
  try {
    if (!backend.available) {
      process.stdout.write(`${label}: ${name} not available: ${backend.reason ?? 'not available'}\n`);
      return { id, name, measured: false, reason: backend.reason ?? 'not available' };
    }
    process.stdout.write(`${label}: on ${name}\n`);
    return { id, name, measured: true, result: await measure(backend) };
  } catch (err) {
    const reason = `the run failed: ${(err as Error).message}`;
    process.stdout.write(`${label}: ${name}: ${reason}\n`);
    return { id, name, measured: false, reason };
  } finally {
    await backend.cleanup?.();
  }
}

/** Measures on each backend in turn (never two at once), each fresh. */
export async function onEachBackend<T>(label: string, backends: BackendFactory[], measure: (backend: Backend) => Promise<T>): Promise<OnBackend<T>[]> {
  const out: OnBackend<T>[] = [];
  for (const b of backends) out.push(await onBackend(label, b, measure));
  return out;
}
