/**
 * The sync log, replay and the store's stats: rows read here, shaped, searched, paged and replayed by the sync core.
 *
 * A text search (`q`) cannot use an index (the email is a substring match), so it reads the store's deliveries in
 * chunks, newest first, yielding the event loop between chunks, and stops after `search.limit` of them with a
 * cursor to go on: over 100,000 deliveries one unbounded scan held the event loop about 200 ms. A chunk reads only
 * the columns the search matches on; whole rows are read for the page's matches alone.
 */
import {
  decodeCursor, deliveryView, encodeCursor, EVENTS_WINDOW_MS, matchesSearch, pruneVerdict, REMAPPED, replayDelivery, replayedJob, searchQuery,
  SEARCH_SCAN_LIMIT, storeStats, WAITING_DELIVERY_STATUSES, type DeliveryState, type DeliveryStatus, type DeliveryView, type JobStatus, type StoreCounters, type StoreStats,
} from '../../sync/index.js';
import type { DeliveryFilter, SyncLogStore } from '../types.js';
import type { SqliteDb } from './db.js';
import { deliveryRecord, jobRecord, sqlList, type Row } from './schema.js';
import { refreshDeliveryStatuses } from './shared.js';

type Page = { items: DeliveryView[]; nextCursor: string | null };

export class SqliteSyncLog implements SyncLogStore {
  /**
   * Clears the bodies the sync core's pruneVerdict says to, in arrival order from a cursor. Each cleared row is
   * deleted and written again, smaller, with its id: an UPDATE that shrinks a row leaves its B-tree page as full as
   * before (SQLite rebalances pages only when a row is deleted or a page overflows), so clearing in place never
   * frees a page. Deleting lets the emptied pages go to the freelist, where new deliveries reuse them, and
   * `incremental_vacuum` (the file is auto_vacuum=INCREMENTAL, db.ts) gives a large surplus back to the file system.
   */
  pruneBodies(cutoff: number, limit: number): Promise<number> {
    return this.db.write(() => {
      const cursor = Number((this.db.sql(`SELECT value FROM meta WHERE key = 'prune_cursor'`).get() as Row | undefined)?.value ?? 0);
      const rows = this.db.sql(`SELECT id, state, received_at FROM deliveries WHERE id > ? ORDER BY id LIMIT ?`).all(cursor, limit) as Row[];
      let last = cursor;
      const ids: number[] = [];
      for (const r of rows) {
        if (pruneVerdict(r.state as DeliveryState, r.received_at as number, cutoff) !== 'prune') break;
        ids.push(r.id as number);
        last = r.id as number;
      }
      let n = 0;
      if (ids.length > 0) {
        const list = JSON.stringify(ids);
        const inList = `IN (SELECT value FROM json_each(?))`;
        this.db.conn.exec(`CREATE TEMP TABLE IF NOT EXISTS prune_deliveries AS SELECT * FROM main.deliveries WHERE 0;
          CREATE TEMP TABLE IF NOT EXISTS prune_jobs AS SELECT * FROM main.jobs WHERE 0;`);
        n = this.db.sql(`INSERT INTO temp.prune_deliveries SELECT * FROM main.deliveries WHERE id ${inList} AND body != ''`).run(list).changes;
        this.db.sql(`DELETE FROM main.deliveries WHERE id IN (SELECT id FROM temp.prune_deliveries)`).run();
        this.db.sql(`UPDATE temp.prune_deliveries SET body = '', headers = '{}'`).run();
        this.db.sql(`INSERT INTO main.deliveries SELECT * FROM temp.prune_deliveries`).run();
        // Done jobs' request bodies go too; a dead job keeps its own, for its replay.
        this.db.sql(`INSERT INTO temp.prune_jobs SELECT * FROM main.jobs WHERE delivery_id ${inList} AND status = 'done' AND body != '{}'`).run(list);
        this.db.sql(`DELETE FROM main.jobs WHERE id IN (SELECT id FROM temp.prune_jobs)`).run();
        this.db.sql(`UPDATE temp.prune_jobs SET body = '{}'`).run();
        this.db.sql(`INSERT INTO main.jobs SELECT * FROM temp.prune_jobs`).run();
        this.db.sql(`DELETE FROM temp.prune_deliveries`).run();
        this.db.sql(`DELETE FROM temp.prune_jobs`).run();
        if (n > 0) this.giveBackFreePages();
      }
      if (last !== cursor) this.db.sql(`INSERT INTO meta (key, value) VALUES ('prune_cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(last));
      return n;
    });
  }

  /**
   * New rows reuse freed pages, so in a steady state (as much pruned as received) nothing needs giving back; after a
   * large drop (the first pass over an old backlog, a shorter RETENTION_DAYS) the file would keep the space. So once
   * more than a quarter of the file is free, it is given back down to a tenth (moving pages costs writes).
   */
  private giveBackFreePages(): void {
    const pages = this.db.conn.pragma('page_count', { simple: true }) as number;
    const free = this.db.conn.pragma('freelist_count', { simple: true }) as number;
    if (free > pages / 4) this.db.conn.pragma(`incremental_vacuum(${Math.ceil(free - pages / 10)})`);
  }

  private readonly search: { chunk: number; limit: number };

  constructor(private readonly db: SqliteDb, search?: { chunk: number; limit: number }) {
    this.search = search ?? { chunk: 1000, limit: SEARCH_SCAN_LIMIT };
  }

  /** Newest first; the cursor is the id the next page starts below. */
  async listDeliveries(storeId: string, f: DeliveryFilter): Promise<Page> {
    const before = decodeCursor(f.cursor);
    const query = searchQuery(f.q);
    if (!query) {
      const where = ['store_id = @storeId'];
      if (f.status) where.push('status = @status');
      if (before !== null) where.push('id < @before');
      const rows = this.db.sql(`SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`)
        .all({ storeId, status: f.status ?? null, before, limit: f.limit + 1 }) as Row[];
      const page = rows.slice(0, f.limit);
      return this.page(page, rows.length > f.limit ? page[page.length - 1]!.id : null);
    }
    const chunk = this.db.sql(`SELECT id, status, email, order_number FROM deliveries WHERE store_id = ? AND id < ? ORDER BY id DESC LIMIT ?`);
    const found: Row[] = [];
    let scanned = 0;
    let hi = before ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = chunk.all(storeId, hi, this.search.chunk) as Row[];
      for (const r of rows) {
        if (f.status && r.status !== f.status) continue;
        if (!matchesSearch({ email: r.email as string | null, orderNumber: r.order_number as string | null }, query)) continue;
        // One more match than the page holds: the page ends at its last entry.
        if (found.length === f.limit) return this.page(found, found[found.length - 1]!.id);
        found.push(r);
      }
      scanned += rows.length;
      if (rows.length < this.search.chunk) return this.page(found, null);
      hi = rows[rows.length - 1]!.id as number;
      if (scanned >= this.search.limit) return this.page(found, hi);
      await new Promise((r) => setImmediate(r));
    }
  }

  async getDelivery(storeId: string, id: string): Promise<DeliveryView | null> {
    const r = this.db.sql(`SELECT * FROM deliveries WHERE store_id = ? AND id = ?`).get(storeId, id) as Row | undefined;
    return r ? this.view(r, true) : null;
  }

  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> {
    return this.db.write(() => {
      const d = this.db.sql(`SELECT id, state, status FROM deliveries WHERE store_id = ? AND id = ?`).get(storeId, id) as Row | undefined;
      return d ? this.replay(d, all, Date.now()) : null;
    });
  }

  replayByStatus(storeId: string, status: 'dead'): Promise<number> {
    return this.db.write(() => {
      const now = Date.now();
      const rows = this.db.sql(`SELECT id, state, status FROM deliveries WHERE store_id = ? AND status = ?`).all(storeId, status) as Row[];
      return rows.reduce((n, d) => n + this.replay(d, false, now), 0);
    });
  }

  async stats(storeId: string, now: number): Promise<StoreStats> {
    const store = this.db.sql(`SELECT * FROM stores WHERE id = ?`).get(storeId) as Row | undefined;
    const jobs: StoreCounters['jobs'] = {};
    for (const r of this.db.sql(`SELECT status, count(*) AS n FROM jobs WHERE store_id = ? GROUP BY status`).all(storeId) as Row[]) {
      jobs[r.status as JobStatus] = r.n as number;
    }
    const deliveries: StoreCounters['deliveries'] = {};
    for (const r of this.db.sql(`SELECT status, count(*) AS n FROM deliveries WHERE store_id = ? GROUP BY status`).all(storeId) as Row[]) {
      deliveries[r.status as DeliveryStatus] = r.n as number;
    }
    const errorCounts: Record<string, number> = {};
    for (const r of this.db.sql(`SELECT class, count FROM error_counts WHERE store_id = ?`).all(storeId) as Row[]) errorCounts[r.class as string] = r.count as number;
    const events = this.db.sql(`SELECT count(*) AS n FROM jobs WHERE store_id = ? AND status = 'done' AND kind = 'event' AND done_at > ?`)
      .get(storeId, now - EVENTS_WINDOW_MS) as Row;
    const waiting = this.db.sql(`SELECT min(received_at) AS at FROM deliveries WHERE store_id = ? AND status IN ${sqlList(WAITING_DELIVERY_STATUSES)}`)
      .get(storeId) as Row;
    return storeStats({
      paused: store?.paused === 1,
      oldestWaitingAt: (waiting.at as number | null) ?? null,
      jobs,
      deliveries,
      eventsLast5Min: events.n as number,
      lastSuccessAt: (store?.last_success_at as number | null | undefined) ?? null,
      lastError: store?.last_error_at
        ? { at: store.last_error_at as number, class: store.last_error_class as string, message: store.last_error_message as string, deliveryId: (store.last_error_delivery as string | null) ?? null }
        : null,
      errorCounts,
    }, now);
  }

  private page(rows: Row[], next: unknown): Page {
    return { items: rows.map((r) => this.view(r, false)), nextCursor: next == null ? null : encodeCursor(next as number) };
  }

  /** A page's matches were read with their search columns only: the whole row is read for the view. */
  private view(r: Row, full: boolean): DeliveryView {
    const row = r.body === undefined ? this.db.sql(`SELECT * FROM deliveries WHERE id = ?`).get(r.id) as Row : r;
    const jobs = (this.db.sql(`SELECT * FROM jobs WHERE delivery_id = ? ORDER BY id`).all(row.id) as Row[]).map(jobRecord);
    return deliveryView(deliveryRecord(row), jobs, full);
  }

  /** Inside a write: what the sync core says a replay resets, applied. */
  private replay(d: Row, all: boolean, now: number): number {
    const jobs = this.db.sql(`SELECT id, status, body = '{}' AS gone FROM jobs WHERE delivery_id = ?`).all(d.id) as Row[];
    const r = replayDelivery({ state: d.state as DeliveryState, status: d.status as DeliveryStatus },
      jobs.map((j) => ({ id: String(j.id), status: j.status as JobStatus, bodyGone: j.gone === 1 })), all);
    if (r.jobs.length > 0) {
      const j = replayedJob(now);
      const reset = this.db.sql(`UPDATE jobs SET status = ?, attempts = ?, next_at = ?, priority = ? WHERE id = ?`);
      for (const id of r.jobs) reset.run(j.status, j.attempts, j.nextAt, j.priority, id);
      refreshDeliveryStatuses(this.db, [d.id as number]);
    }
    if (r.remap) {
      this.db.sql(`UPDATE deliveries SET state = ?, status = ?, error_class = ?, error_message = ? WHERE id = ?`)
        .run(REMAPPED.state, REMAPPED.status, REMAPPED.errorClass, REMAPPED.errorMessage, d.id);
    }
    return r.count;
  }
}
