/**
 * The conformance suite's backend factory: the same scenarios run on the backend the pass is for (TEST_BACKEND:
 * SQLite in `test:sqlite`, Redis in `test:redis`), driven through the Storage interface and the sync core the way
 * the worker drives them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from '../../src/storage/secrets.js';
import { SqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Job, MappingOutcome, NewDelivery, Storage, StoreRecord } from '../../src/storage/types.js';
import { planAndApply } from '../../src/worker/planning.js';
import { dropRedisPrefix, REDIS_TEST_URL, TEST_BACKEND } from '../helpers.js';

export { TEST_BACKEND };

export interface Backend {
  storage: Storage;
  /** Closes the storage without cleaning up and opens it again on the same data: a restart. */
  restart(): Promise<Storage>;
  /** Closes the storage and removes its data. */
  close(): Promise<void>;
}

export async function openBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'wck-conformance-'));
  const box = SecretBox.fromDataDir(dir);
  let open: () => Promise<Storage>;
  let cleanup = async () => {};
  if (TEST_BACKEND === 'redis') {
    const prefix = `wck-test-${randomBytes(6).toString('hex')}`;
    const { RedisStorage } = await import('../../src/storage/redis/redis.js');
    // RedisStorage is checked against Storage where it is declared (`implements Storage`).
    open = async () => (await RedisStorage.connect(box, { url: REDIS_TEST_URL, prefix, leaseMs: 2000 })) as unknown as Storage;
    cleanup = () => dropRedisPrefix(prefix);
  } else {
    open = async () => new SqliteStorage(dir, box);
  }
  const b: Backend = {
    storage: await open(),
    async restart() {
      await b.storage.close();
      b.storage = await open();
      await b.storage.recover();
      return b.storage;
    },
    async close() {
      await b.storage.close();
      await cleanup();
    },
  };
  return b;
}

export function store(id: string, over: Partial<StoreRecord> = {}): StoreRecord {
  return {
    id, siteUrl: 'https://shop.example', webhookSecret: 'secret-0123456789', privateKey: 'pk_test_0123456789abcdef', keyLast4: 'cdef',
    listId: null, keyStatus: 'valid', keyDetail: null, keyCheckedAt: null, paused: false, pauseReason: null, ...over,
  };
}

let hashes = 0;
export function delivery(storeId: string, over: Partial<NewDelivery> = {}): NewDelivery {
  return { storeId, topic: 'order.updated', contentHash: `h${++hashes}-${randomBytes(4).toString('hex')}`, headers: { 'x-wc-webhook-id': '1' }, body: '{"id":1}', ...over };
}

/** A mapping outcome of one order with a Placed Order event per key. */
export function events(keys: string[], summary: { orderNumber?: string; email?: string } = {}): MappingOutcome {
  return {
    ok: true,
    result: {
      summary: { resource: 'order', resourceId: 1, orderNumber: summary.orderNumber ?? '1', email: summary.email ?? 'a@example.com' },
      requests: keys.map((key) => ({ kind: 'event', key, metric: 'Placed Order', body: { data: { type: 'event', attributes: { unique_id: key } } } })),
    },
  } as unknown as MappingOutcome;
}

/** Stores a delivery and plans it with `outcome`, as ingress and the worker do. */
export async function receiveAndPlan(s: Storage, storeId: string, outcome: MappingOutcome, over: Partial<NewDelivery> = {}): Promise<string> {
  const { id } = await s.recordDelivery(delivery(storeId, over));
  await planAndApply(s, id, outcome);
  return id;
}

/**
 * Claims until `n` jobs were handed out or `ms` passed (a backend may hand out a job a little after it is due, e.g.
 * Redis's delayed jobs, or in-flight jobs after their lease lapsed).
 */
export async function claimUntil(s: Storage, n: number, ms = 200): Promise<Job[]> {
  const out: Job[] = [];
  const until = Date.now() + ms;
  for (;;) {
    out.push(...(await s.claimJobs(n - out.length, Date.now())));
    if (out.length >= n || Date.now() > until) return out;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
