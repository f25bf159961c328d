/**
 * The SQLite file after a million deliveries, with retention on: `node --import tsx bench/retention-size.ts`.
 * A store receiving RETENTION_SIZE_PER_DAY (10,000) mapped orders a day, each with two done jobs, for
 * RETENTION_SIZE_TOTAL / per-day days; retention (30 days) runs after each day through the storage contract. Rows are
 * written straight into the schema (mapping a million deliveries through the pipeline would measure the pipeline).
 * Prints the file size (database + WAL) with retention and, for the same rows, what the bodies alone would add,
 * then the free pages left and the four largest tables and indexes (pages, bytes, unused bytes inside them).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SecretBox } from '../src/storage/secrets.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { retentionCutoff } from '../src/sync/index.js';
import { REPO } from './common.js';

const TOTAL = Number(process.env.RETENTION_SIZE_TOTAL ?? 1_000_000);
const PER_DAY = Number(process.env.RETENTION_SIZE_PER_DAY ?? 10_000);
const DAYS = 30;
const DAY = 86_400_000;

const fixtures = join(REPO, '..', 'shared', 'fixtures', 'woocommerce-10.0.2');
const orderBody = readdirSync(fixtures).filter((f) => f.includes('order')).map((f) => (JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as { body: string }).body)
  .sort((a, b) => b.length - a.length)[0] ?? '{}';
const headers = JSON.stringify({ 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-source': 'https://shop.example/', 'x-wc-webhook-signature': randomBytes(32).toString('base64') });
const jobBody = JSON.stringify({ data: { type: 'event', attributes: { properties: JSON.parse(orderBody) as unknown, unique_id: 'x'.repeat(40) } } }).slice(0, 2000);

const dir = mkdtempSync(join(tmpdir(), 'wck-retention-size-'));
const storage = new SqliteStorage(dir, SecretBox.from(dir, randomBytes(32).toString('base64')));
const db = new Database(join(dir, 'sidecar.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
const insD = db.prepare(`INSERT INTO deliveries (store_id, received_at, topic, content_hash, headers, body, state, status, resource, resource_id, order_number, email)
  VALUES ('s1', ?, 'order.updated', ?, ?, ?, 'processed', 'succeeded', 'order', ?, ?, ?)`);
const insJ = db.prepare(`INSERT INTO jobs (delivery_id, store_id, kind, metric, key, body, status, attempts, next_at, response_status, done_at)
  VALUES (?, 's1', 'event', ?, ?, ?, 'done', 1, ?, 202, ?)`);
const start = Date.now() - Math.ceil(TOTAL / PER_DAY) * DAY;
const files = () => ['sidecar.db', 'sidecar.db-wal'].map((f) => { try { return statSync(join(dir, f)).size; } catch { return 0; } });
const size = () => ['sidecar.db', 'sidecar.db-wal'].reduce((n, f) => { try { return n + statSync(join(dir, f)).size; } catch { return n; } }, 0);
let n = 0;
let day = 0;
const t0 = Date.now();
while (n < TOTAL) {
  const dayStart = start + day * DAY;
  db.transaction(() => {
    for (let i = 0; i < PER_DAY && n < TOTAL; i++, n++) {
      const at = dayStart + Math.floor((i / PER_DAY) * DAY);
      const id = Number(insD.run(at, `h${n}`, headers, orderBody, n, String(n), `c${n}@example.com`).lastInsertRowid);
      insJ.run(id, 'Placed Order', `woo:s1:order:${n}:placed`, jobBody, at, at);
      insJ.run(id, 'Ordered Product', `woo:s1:order:${n}:item:1`, jobBody, at, at);
    }
  })();
  day++;
  const cutoff = retentionCutoff(DAYS, dayStart + DAY);
  while ((await storage.pruneBodies(cutoff, 5000)) === 5000) { /* next batch */ }
  if (day % 10 === 0) db.pragma('wal_checkpoint(TRUNCATE)');
}
db.pragma('wal_checkpoint(TRUNCATE)');
const withRetention = size();
process.stdout.write(`db, wal: ${files().join(", ")}; freelist pages ${String(db.pragma("freelist_count", { simple: true }))} of ${String(db.pragma("page_count", { simple: true }))}\n`);
const kept = db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE body != ''`).get() as { n: number };
const bodyBytes = TOTAL * (orderBody.length + headers.length + 2 * jobBody.length);
process.stdout.write(`${TOTAL} deliveries over ${day} days (${PER_DAY}/day), retention ${DAYS} days: SQLite file ${(withRetention / 1e6).toFixed(0)} MB `
  + `(${kept.n} deliveries with bodies), ${((Date.now() - t0) / 1000).toFixed(0)} s. Without retention the bodies alone would be `
  + `${(bodyBytes / 1e6).toFixed(0)} MB (body ${orderBody.length} B, headers ${headers.length} B, two requests of ${jobBody.length} B each).\n`);
for (const r of db.prepare(`SELECT name, COUNT(*) AS pages, SUM(pgsize) AS bytes, SUM(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4`).all()) process.stdout.write(JSON.stringify(r) + "\n");
db.close();
await storage.close();
rmSync(dir, { recursive: true, force: true });
