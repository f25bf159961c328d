/**
 * The Redis connection every part of the backend shares: key names under the prefix, the scripts (./scripts.ts)
 * run with their failures as StorageError (answered 503 at the edge, so WooCommerce retries), pipelines, and the
 * hashes decoded into the sync core's records.
 */
import { Redis } from 'ioredis';
import { StorageError } from '../../errors.js';
import type { DeliveryRecord, DeliveryState, DeliveryStatus, JobRecord, JobStatus } from '../../sync/index.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

export type Hash = Record<string, string>;
type Arg = string | number;

export class RedisConnection {
  /** `<prefix>:`, the start of every key. */
  readonly p: string;

  constructor(readonly redis: Redis, readonly prefix: string) {
    this.p = `${prefix}:`;
    for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }

  /** Connects and checks Redis answers. */
  static async open(url: string, prefix: string): Promise<RedisConnection> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new StorageError(`Redis at ${redactUrl(url)} could not be reached.`, err);
    }
    return new RedisConnection(redis, prefix);
  }

  run(name: ScriptName, ...args: Arg[]): Promise<unknown> {
    const fn = (this.redis as unknown as Record<ScriptName, (...a: Arg[]) => Promise<unknown>>)[name];
    return fn.call(this.redis, this.prefix, ...args).catch((err: unknown) => {
      throw new StorageError(`Storage is unavailable: Redis did not run ${name}.`, err);
    });
  }

  pipeline(): ReturnType<Redis['pipeline']> {
    return this.redis.pipeline();
  }

  /** Runs a pipeline; any refused command fails the whole read. */
  async exec(pipe: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    let res;
    try {
      res = await pipe.exec();
    } catch (err) {
      throw new StorageError('Storage is unavailable: Redis did not answer.', err);
    }
    if (!res) throw new StorageError('Redis discarded a pipeline.');
    return res.map(([err, v]) => {
      if (err) throw new StorageError(`Redis refused a command: ${err.message}`, err);
      return v;
    });
  }
}

export function toHash(flat: string[]): Hash {
  const h: Hash = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  return h;
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

export function deliveryRecord(id: string, r: Hash): DeliveryRecord {
  return {
    id, storeId: r.store_id ?? '', receivedAt: Number(r.received_at ?? 0), topic: r.topic ?? null,
    state: (r.state ?? 'received') as DeliveryState, status: r.status as DeliveryStatus,
    resource: r.resource ?? null, resourceId: num(r.resource_id), orderNumber: r.order_number ?? null, email: r.email ?? null,
    note: r.note ?? null, errorClass: r.error_class ?? null, errorMessage: r.error_message ?? null,
    headers: r.headers ?? '{}', body: r.body ?? '',
  };
}

export function jobRecord(id: string, r: Hash): JobRecord {
  return {
    id, deliveryId: r.delivery_id ?? '', storeId: r.store_id ?? '', kind: r.kind as JobRecord['kind'], metric: r.metric ?? null,
    key: r.key ?? '', body: r.body ?? 'null', status: r.status as JobStatus, attempts: Number(r.attempts ?? 0),
    nextAt: Number(r.next_at ?? 0), priority: r.priority === '0' ? 0 : r.priority === '2' ? 2 : 1, phoneDropped: r.phone_dropped === '1',
    responseStatus: num(r.response_status), errorClass: r.error_class ?? null, errorMessage: r.error_message ?? null,
    errorDetail: r.error_detail ?? null, doneAt: num(r.done_at),
  };
}

/** A value for a hash field as the scripts take it: null (or undefined) deletes the field. */
export function field(v: string | number | boolean | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}
