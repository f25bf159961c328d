/**
 * The SQLite backend stores a delivery with one append and recognises a repeat of earlier content when it maps it:
 * the repeat ends up `duplicate` in the sync log, names the delivery it repeats and plans no job.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { SecretBox } from '../src/storage/secrets.js';
import type { MappingOutcome } from '../src/sync/index.js';
import { planAndApply } from '../src/worker/planning.js';
import { eventOutcome } from './builders.js';

const delivery = (hash: string, topic = 'order.updated') => ({ storeId: 's', topic, contentHash: hash, headers: {}, body: '{"id":1}' });

function open(dir = mkdtempSync(join(tmpdir(), 'wck-dedupe-'))): { dir: string; storage: SqliteStorage } {
  return { dir, storage: new SqliteStorage(dir, SecretBox.fromDataDir(dir)) };
}

/** Plans what is received the way the worker does (in id order, each plan queued before the next one's): jobs planned. */
async function mapAll(storage: SqliteStorage, outcome: (id: string) => MappingOutcome): Promise<number[]> {
  const batch = await storage.takeReceived(100);
  return (await Promise.all(batch.map((d) => planAndApply(storage, d.id, outcome(d.id))))).map((p) => p?.requests.length ?? 0);
}

describe('SQLite: repeated content is recognised when mapped', { skip: process.env.WCK_TEST_BACKEND === 'redis' ? 'SQLite only' : false }, () => {
  it('labels the repeats of one batch duplicate, naming the first, and plans jobs for the first only', async () => {
    const { storage } = open();
    // Stored in one turn: one transaction, one fsync. Each is its own row.
    const stored = await Promise.all([delivery('a'), delivery('a'), delivery('b'), delivery('a', 'order.created')].map((d) => storage.recordDelivery(d)));
    assert.equal(new Set(stored.map((s) => s.id)).size, 4);

    const jobs = await mapAll(storage, (id) => eventOutcome([`k-${id}`]));
    assert.deepEqual(jobs, [1, 0, 1, 1], 'the repeat plans nothing; another topic with the same bytes is not a repeat');
    const [first, repeat] = stored;
    const view = await storage.getDelivery('s', repeat!.id);
    assert.equal(view?.status, 'duplicate');
    assert.equal(view?.note, `Same content as delivery ${first!.id}; nothing new to send.`);
    assert.equal(view?.orderNumber, '1', 'a repeat still shows which order it was about, so the sync log search finds it');
    const dupes = await storage.listDeliveries('s', { status: 'duplicate', limit: 10 });
    assert.deepEqual(dupes.items.map((d) => d.id), [repeat!.id]);

    // A later repeat, mapped in a batch of its own, finds the original among the mapped deliveries.
    const later = await storage.recordDelivery(delivery('b'));
    assert.deepEqual(await mapAll(storage, (id) => eventOutcome([`k-${id}`])), [0]);
    assert.match((await storage.getDelivery('s', later.id))?.note ?? '', new RegExp(`delivery ${stored[2]!.id};`));
    await storage.close();
  });

  it('counts a repeat of a delivery that failed to map as a duplicate too', async () => {
    const { storage } = open();
    const a = await storage.recordDelivery(delivery('x'));
    const b = await storage.recordDelivery(delivery('x'));
    await mapAll(storage, () => ({ ok: false, error: 'The order has no line items.' }));
    assert.equal((await storage.getDelivery('s', a.id))?.status, 'dead');
    assert.equal((await storage.getDelivery('s', b.id))?.status, 'duplicate');
    await storage.close();
  });
});
