/**
 * Bounded disk on SQLite: retention's pruning gives pages back (the file is auto_vacuum=INCREMENTAL and cleared rows
 * are rewritten, not shrunk in place), and a file made before that setting is rewritten once at start, keeping
 * every row.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SecretBox } from '../src/storage/secrets.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { SCHEMA } from '../src/storage/sqlite/schema.js';

const skip = process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false;
const DAY = 86_400_000;
const body = JSON.stringify({ id: 1, note: 'x'.repeat(3000) });
const jobBody = JSON.stringify({ data: { note: 'y'.repeat(1800) } });

/** `n` mapped deliveries with two done jobs each, received on `day`, written straight into the schema. */
function fill(db: Database.Database, n: number, day: number, from: number): void {
  const insD = db.prepare(`INSERT INTO deliveries (store_id, received_at, topic, content_hash, headers, body, state, status, resource, resource_id, order_number, email)
    VALUES ('s1', ?, 'order.updated', ?, '{"x-wc-webhook-topic":"order.updated"}', ?, 'processed', 'succeeded', 'order', ?, ?, ?)`);
  const insJ = db.prepare(`INSERT INTO jobs (delivery_id, store_id, kind, metric, key, body, status, attempts, next_at, response_status, done_at)
    VALUES (?, 's1', 'event', 'Placed Order', ?, ?, 'done', 1, ?, 202, ?)`);
  db.transaction(() => {
    for (let i = from; i < from + n; i++) {
      const at = day * DAY + i;
      const id = Number(insD.run(at, `h${i}`, body, i, String(i), `c${i}@example.com`).lastInsertRowid);
      insJ.run(id, `woo:s1:order:${i}:placed`, jobBody, at, at);
      insJ.run(id, `woo:s1:order:${i}:item:1`, jobBody, at, at);
    }
  })();
}

const pages = (db: Database.Database) => db.pragma('page_count', { simple: true }) as number;

describe('SQLite disk use with retention', { skip }, () => {
  it('pruning frees whole pages: the file stays at the size of what is kept, not of everything received', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-disk-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    const db = new Database(join(dir, 'sidecar.db'));
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'a new file is auto_vacuum=INCREMENTAL');
    // Keep 3 days of 300 a day; receive 12 days.
    let sizeAfterWindow = 0;
    for (let day = 0; day < 12; day++) {
      fill(db, 300, day, day * 300);
      while ((await storage.pruneBodies((day - 2) * DAY, 500)) === 500) { /* next batch */ }
      if (day === 3) sizeAfterWindow = pages(db);
    }
    const kept = db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE body != ''`).get() as { n: number };
    assert.equal(kept.n, 900, 'three days of bodies kept');
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM deliveries`).get() as { n: number }).n, 3600, 'every log line kept');
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE body = '{}'`).get() as { n: number }).n, 5400, 'pruned jobs cleared');
    // Eight more days received: only the log lines of the pruned ones were added (a body of 3 kB and two
    // requests of 2 kB each take ~3 pages; a pruned line a fraction of one).
    const grown = pages(db) - sizeAfterWindow;
    assert.ok(grown < 0.25 * 8 * 300 * 3, `the file grew ${grown} pages over eight more days (${8 * 300 * 3} if nothing were freed)`);
    assert.ok((db.pragma('freelist_count', { simple: true }) as number) <= 0.25 * pages(db), 'freed pages are reused, or given back');
    db.close();
    await storage.close();
  });

  it('gives a large drop back to the file system (the first pass over an old backlog)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-disk-drop-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    const db = new Database(join(dir, 'sidecar.db'));
    for (let day = 0; day < 10; day++) fill(db, 200, day, day * 200);
    const full = pages(db);
    while ((await storage.pruneBodies(9 * DAY, 500)) === 500) { /* next batch */ }
    assert.ok(pages(db) < full / 3, `the file shrank from ${full} to ${pages(db)} pages`);
    assert.ok((db.pragma('freelist_count', { simple: true }) as number) <= 0.25 * pages(db));
    db.close();
    await storage.close();
  });

  it('rewrites a file made without auto_vacuum once at start, keeping every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-disk-migrate-'));
    const old = new Database(join(dir, 'sidecar.db'));
    old.pragma('journal_mode = WAL');
    old.exec(SCHEMA);
    assert.equal(old.pragma('auto_vacuum', { simple: true }), 0);
    fill(old, 400, 0, 0);
    // As retention did before: bodies cleared in place, which left the pages allocated.
    old.exec(`UPDATE deliveries SET body = '', headers = '{}'; UPDATE jobs SET body = '{}'`);
    old.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(join(dir, 'sidecar.db')).size;
    old.close();
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir));
    await storage.close();
    const db = new Database(join(dir, 'sidecar.db'));
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM deliveries`).get() as { n: number }).n, 400);
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n, 800);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const after = statSync(join(dir, 'sidecar.db')).size;
    assert.ok(after < before / 3, `the rewrite dropped what clearing in place left behind (${before} → ${after} bytes)`);
    db.close();
  });
});
