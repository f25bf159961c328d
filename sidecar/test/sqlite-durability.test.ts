/**
 * SQLite commits with synchronous=NORMAL and fsyncs the WAL off the event loop: no write may be answered before
 * that fsync has finished, and one fsync serves every commit made before it started.
 */
import assert from 'node:assert/strict';
import { fsync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StorageError } from '../src/errors.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { SecretBox } from '../src/storage/secrets.js';

type Cb = (err: Error | null) => void;

function storageWithFsync(fsyncFn: (fd: number, cb: Cb) => void): SqliteStorage {
  const dir = mkdtempSync(join(tmpdir(), 'wck-fsync-'));
  return new SqliteStorage(dir, SecretBox.fromDataDir(dir), { fsync: fsyncFn });
}

const delivery = (i: number) => ({ storeId: 's', topic: 'order.created', contentHash: `h${i}`, headers: {}, body: `{"id":${i}}` });
const turn = () => new Promise((r) => setTimeout(r, 20));

describe('SQLite durability before the answer', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('answers a write only after the WAL fsync that follows its commit has finished', async () => {
    const pending: { fd: number; cb: Cb }[] = [];
    const storage = storageWithFsync((fd, cb) => pending.push({ fd, cb }));
    let answered = 0;
    const first = [1, 2, 3].map((i) => storage.recordDelivery(delivery(i)).then((r) => { answered++; return r; }));
    await turn();
    assert.equal(answered, 0, 'nothing is answered while its fsync has not finished');
    assert.equal(pending.length, 1, 'one fsync for the three writes of one turn');
    // Committed already (visible to readers), only not yet known to be on disk.
    assert.equal((await storage.takeReceived(10)).length, 3);

    // A write committed while that fsync runs waits for the next one, even after the first finishes.
    const late = storage.recordDelivery(delivery(4)).then(() => { answered++; });
    await turn();
    assert.equal(pending.length, 1, 'the next fsync starts only when the running one ends');
    fsync(pending[0]!.fd, (err) => pending[0]!.cb(err));
    const ids = await Promise.all(first);
    assert.equal(new Set(ids.map((r) => r.id)).size, 3, 'three deliveries stored');
    await turn();
    assert.equal(answered, 3, 'the write committed during the first fsync still waits');
    assert.equal(pending.length, 2, 'a second fsync started for it');
    fsync(pending[1]!.fd, (err) => pending[1]!.cb(err));
    await late;
    assert.equal(answered, 4);
    await storage.close();
  });

  it('rejects the writes, as a storage error, when the fsync fails', async () => {
    const storage = storageWithFsync((_fd, cb) => setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))));
    await assert.rejects(storage.recordDelivery(delivery(1)), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.match((err as Error).message, /not acknowledged/);
      assert.match(String(((err as Error).cause as Error).message), /EIO/);
      return true;
    });
    await storage.close();
  });

  it('shares one fsync between the commits of many concurrent writes (real fsync)', async () => {
    let syncs = 0;
    const storage = storageWithFsync((fd, cb) => { syncs++; fsync(fd, cb); });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => storage.recordDelivery(delivery(i))));
    assert.equal(new Set(results.map((r) => r.id)).size, 200);
    assert.ok(syncs >= 1 && syncs < 20, `${syncs} fsyncs for 200 concurrent writes`);
    await storage.close();
  });
});
