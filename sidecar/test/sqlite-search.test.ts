/**
 * The SQLite sync-log text search reads a bounded number of deliveries per request, newest first, and hands back a
 * cursor to go on, so a search over a long log never holds the event loop for the whole scan.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import type { DeliveryFilter } from '../src/storage/types.js';
import { SecretBox } from '../src/storage/secrets.js';
import type { MappingOutcome } from '../src/sync/index.js';
import { planAndApply } from '../src/worker/planning.js';

const summaryOnly = (i: number): MappingOutcome => ({
  ok: true,
  result: {
    summary: { resource: 'order', resourceId: i, orderNumber: String(1000 + i), email: i === 5 || i === 100 ? 'Needle@Shop.example' : `user${i}@example.com` },
    requests: [],
  },
}) as unknown as MappingOutcome;

/** Follows the cursors of one search to its end: every page's ids, in order. */
async function allPages(storage: SqliteStorage, f: Omit<DeliveryFilter, 'cursor'>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.listDeliveries('s', { ...f, cursor });
    pages.push(page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('SQLite: sync-log search in bounded chunks', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('finds every match across cursors, reading at most the limit per request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wck-search-'));
    const storage = new SqliteStorage(dir, SecretBox.fromDataDir(dir), { search: { chunk: 10, limit: 50 } });
    const ids: string[] = [];
    for (let i = 1; i <= 120; i++) {
      ids.push((await storage.recordDelivery({ storeId: 's', topic: 'order.updated', contentHash: `h${i}`, headers: {}, body: '{}' })).id);
    }
    // Another store's deliveries are never read or returned.
    await storage.recordDelivery({ storeId: 'other', topic: 'order.updated', contentHash: 'o1', headers: {}, body: '{}' });
    for (const d of await storage.takeReceived(200)) {
      await planAndApply(storage, d.id, summaryOnly(d.storeId === 's' ? ids.indexOf(d.id) + 1 : 5));
    }

    // 120 deliveries, 50 read per request: the match at 100 comes first, the one at 5 two cursors later.
    const needle = await allPages(storage, { q: 'needle', limit: 25 });
    assert.deepEqual(needle, [[ids[99]], [], [ids[4]]]);

    // Exact order number, with or without '#'.
    assert.deepEqual((await allPages(storage, { q: '#1050', limit: 25 })).flat(), [ids[49]]);
    assert.deepEqual((await allPages(storage, { q: '1007', limit: 25 })).flat(), [ids[6]]);

    // Every delivery matches: full pages, newest first, each cursor right after the last item shown.
    const all = await allPages(storage, { q: 'example', limit: 25 });
    assert.deepEqual(all.flat(), [...ids].reverse());
    assert.deepEqual(all.map((p) => p.length), [25, 25, 25, 25, 20]);

    // The status filter still applies inside the search.
    assert.deepEqual((await allPages(storage, { q: 'needle', status: 'dead', limit: 25 })).flat(), []);
    assert.equal((await allPages(storage, { q: 'needle', status: 'skipped', limit: 25 })).flat().length, 2);
    await storage.close();
  });
});
