/** WAL checkpoints run in a worker thread: the database file receives the data without the event loop doing it. */
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { SecretBox } from '../src/storage/secrets.js';

describe('SQLite WAL checkpoints', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('copies committed pages into the database file from the worker, and keeps every delivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-ckpt-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    const before = statSync(join(dir, 'sidecar.db')).size;
    const body = JSON.stringify({ id: 1, note: 'x'.repeat(4000) });
    for (let i = 0; i < 400; i++) {
      await storage.recordDelivery({ storeId: 'ckpt', topic: 'order.created', contentHash: `h${i}`, headers: {}, body });
    }
    // Automatic checkpoints are off on the main connection: only the worker can have moved the pages.
    const deadline = Date.now() + 5000;
    while (statSync(join(dir, 'sidecar.db')).size < before + 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(join(dir, 'sidecar.db')).size >= before + 1_000_000, 'the database file grew by the checkpointed deliveries');
    await storage.close();
    const reopened = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    assert.equal((await reopened.takeReceived(1000)).length, 400);
    await reopened.close();
  });
});

/**
 * Writes 20 deliveries of about 4 KB at a time for `ms`, noting the WAL file's largest size after each batch. With
 * `enough`, it goes on past `ms` (up to `capMs`) until `enough` holds: on a loaded machine the checkpoint worker
 * thread can be starved for seconds, and the test waits for it rather than failing on the machine's load.
 */
async function writeSteadily(storage: SqliteStorage, wal: string, ms: number,
  enough: (s: { largest: number; written: number }) => boolean = () => true, capMs = 20_000): Promise<{ count: number; largest: number; written: number }> {
  const body = JSON.stringify({ id: 1, note: 'x'.repeat(4000) });
  const start = Date.now();
  let count = 0;
  let largest = 0;
  while (Date.now() < start + ms || (!enough({ largest, written: count * body.length }) && Date.now() < start + capMs)) {
    await Promise.all(Array.from({ length: 20 }, () => storage.recordDelivery({ storeId: 'w', topic: 'order.created', contentHash: `h${count++}`, headers: {}, body })));
    largest = Math.max(largest, statSync(wal).size);
  }
  return { count, largest, written: count * body.length };
}

describe('SQLite WAL size', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('is given back by the worker once writes stop, never inside a commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-walsize-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir), { walTruncateAboveBytes: 256 * 1024 });
    const wal = join(dir, 'sidecar.db-wal');
    // Keep writing for a while: the WAL grows past the limit and nothing truncates it while commits go on.
    const { count: i, largest } = await writeSteadily(storage, wal, 1500);
    assert.ok(largest > 256 * 1024, `the WAL grew to ${largest} bytes`);
    assert.equal(storage.checkpointer.truncations, 0, 'not truncated while writes went on');
    // Idle: the worker checkpoints everything and truncates the file.
    const deadline = Date.now() + 6000;
    while ((statSync(wal).size > 256 * 1024 || storage.checkpointer.truncations === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(statSync(wal).size <= 256 * 1024, `the WAL is back to ${statSync(wal).size} bytes`);
    assert.ok(storage.checkpointer.truncations >= 1);
    await storage.close();
    const reopened = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    assert.equal((await reopened.takeReceived(100_000)).length, i, 'every delivery survived the truncation');
    await reopened.close();
  });
});

describe('SQLite WAL under steady writes', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('starts over once it holds walRestartAboveBytes instead of growing by everything written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-walrestart-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir), { walRestartAboveBytes: 256 * 1024 });
    const wal = join(dir, 'sidecar.db-wal');
    // Commits never stop for 2 s, so the passive checkpoints never catch up with the last one.
    const { count: i, largest, written } = await writeSteadily(storage, wal, 2000,
      (w) => storage.checkpointer.restarts >= 1 && w.largest < w.written / 2);
    assert.ok(storage.checkpointer.restarts >= 1, 'the worker started the WAL over');
    assert.ok(largest < written / 2, `the WAL reached ${largest} bytes for ${written} written`);
    await storage.close();
    const reopened = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    assert.equal((await reopened.takeReceived(100_000)).length, i, 'every delivery survived the restarts');
    await reopened.close();
  });
});
