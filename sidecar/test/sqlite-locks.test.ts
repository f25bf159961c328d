/**
 * The event loop never sleeps on SQLite's write lock. When another connection holds it (the checkpointer restarting
 * or truncating the WAL), writes wait on a timer, commit in order once it is free, and are refused only after
 * `lockWaitMs`.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StorageError } from '../src/errors.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { SecretBox } from '../src/storage/secrets.js';

const delivery = (i: number) => ({ storeId: 's', topic: 'order.created', contentHash: `h${i}`, headers: {}, body: `{"id":${i}}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(lockWaitMs?: number): { storage: SqliteStorage; other: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'wck-locks-'));
  const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir), { lockWaitMs });
  return { storage, other: new Database(join(dir, 'sidecar.db')) };
}

/** Resolves with the longest delay of a 10 ms timer over `ms`: how long the event loop was held. */
async function longestStall(ms: number): Promise<number> {
  let worst = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const t = performance.now();
    await sleep(10);
    worst = Math.max(worst, performance.now() - t - 10);
  }
  return worst;
}

describe('SQLite write lock held by another connection', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('waits without holding the event loop, then commits every queued write in order', async () => {
    const { storage, other } = open();
    other.exec('BEGIN IMMEDIATE');
    let settled = 0;
    const first = storage.recordDelivery(delivery(1)).finally(() => settled++);
    const stall = longestStall(300);
    await sleep(100);
    const second = storage.recordDelivery(delivery(2)).finally(() => settled++);
    // Generous for a busy CI machine; sleeping in SQLite's busy handler held it the whole 5 s.
    assert.ok((await stall) < 1000, `the event loop was held ${Math.round(await stall)} ms`);
    assert.equal(settled, 0, 'nothing is answered while the lock is held');
    assert.equal((await storage.takeReceived(10)).length, 0, 'reads go on meanwhile');
    other.exec('COMMIT');
    const [a, b] = await Promise.all([first, second]);
    assert.ok(Number(b.id) > Number(a.id), 'committed in the order they were made');
    assert.deepEqual((await storage.takeReceived(10)).map((d) => d.body), ['{"id":1}', '{"id":2}']);
    other.close();
    await storage.close();
  });

  it('refuses the writes with a storage error once the lock has been held for lockWaitMs, and writes again after', async () => {
    const { storage, other } = open(300);
    other.exec('BEGIN IMMEDIATE');
    const t = Date.now();
    await assert.rejects(storage.recordDelivery(delivery(1)), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.match(err.message, /locked by another connection for 300 ms/);
      return true;
    });
    assert.ok(Date.now() - t >= 280, 'refused only after the wait');
    other.exec('COMMIT');
    await storage.recordDelivery(delivery(2));
    assert.deepEqual((await storage.takeReceived(10)).map((d) => d.body), ['{"id":2}']);
    other.close();
    await storage.close();
  });

  it('closes after committing what waits for the lock', async () => {
    const { storage, other } = open();
    other.exec('BEGIN IMMEDIATE');
    const pending = storage.recordDelivery(delivery(1));
    await sleep(50);
    const closed = storage.close();
    await sleep(50);
    other.exec('COMMIT');
    await pending;
    await closed;
    assert.equal((other.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n, 1);
    other.close();
  });
});
