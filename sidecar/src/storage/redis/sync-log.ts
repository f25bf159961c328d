/**
 * The sync log, replay and the store's stats. The sync log is a hash per delivery plus sorted sets per store (all,
 * and one per status) scored by id: a status filter and cursor paging are range reads; a text search walks the log
 * newest first, matching as the sync core says, up to SEARCH_SCAN_LIMIT entries per page request, and answers with
 * a cursor to go on. Views, cursors, replay and stats are the sync core's; what a replay resets is applied by
 * compare-and-set (./deliveries.ts).
 */
import {
  decodeCursor, deliveryView, encodeCursor, EVENTS_WINDOW_MS, JOB_STATUSES, matchesSearch, pruneVerdict, REMAPPED, replayDelivery, replayedJob,
  searchQuery, SEARCH_SCAN_LIMIT, storeStats, WAITING_DELIVERY_STATUSES, DELIVERY_STATUSES, type DeliveryState, type DeliveryView, type JobRecord, type StoreCounters, type StoreStats,
} from '../../sync/index.js';
import type { DeliveryFilter, SyncLogStore } from '../types.js';
import type { JobStatus } from '../../sync/index.js';
import { deliveryRecord, jobRecord, type Hash, type RedisConnection } from './connection.js';
import { withStatus, type DeliveryPatch, type DeliveryPatcher, type DeliverySnapshot } from './deliveries.js';

/** Sync-log entries a text search reads per round trip. */
const SEARCH_CHUNK = 500;

type Page = { items: DeliveryView[]; nextCursor: string | null };

export class RedisSyncLog implements SyncLogStore {
  constructor(private readonly c: RedisConnection, private readonly deliveries: DeliveryPatcher) {}

  async pruneBodies(cutoff: number, limit: number): Promise<number> {
    const [cursorRaw, lastRaw] = await this.c.redis.mget(`${this.c.p}prune:d`, `${this.c.p}seq:d`);
    const cursor = Number(cursorRaw ?? 0);
    const end = Math.min(Number(lastRaw ?? 0), cursor + limit);
    if (end <= cursor) return 0;
    const pipe = this.c.pipeline();
    for (let id = cursor + 1; id <= end; id++) pipe.hmget(`${this.c.p}d:${id}`, 'state', 'received_at');
    const rows = await this.c.exec(pipe) as [string | null, string | null][];
    const ids: string[] = [];
    let last = cursor;
    for (let i = 0; i < rows.length; i++) {
      const [state, receivedAt] = rows[i]!;
      // An id taken by an append not yet written (another replica, this instant) is looked at again next time.
      if (state == null) break;
      if (pruneVerdict(state as DeliveryState, Number(receivedAt ?? 0), cutoff) !== 'prune') break;
      ids.push(String(cursor + 1 + i));
      last = cursor + 1 + i;
    }
    if (last === cursor) return 0;
    return Number(await this.c.run('wckPruneBodies', String(last), ...ids));
  }

  /** Newest first; the cursor is the id the next page starts below. */
  async listDeliveries(storeId: string, f: DeliveryFilter): Promise<Page> {
    const index = f.status ? `${this.c.p}log:${storeId}:${f.status}` : `${this.c.p}log:${storeId}`;
    const before = decodeCursor(f.cursor);
    let max = before === null ? '+inf' : `(${before}`;
    const query = searchQuery(f.q);
    if (!query) {
      const rows = await this.c.redis.zrevrangebyscore(index, max, '-inf', 'LIMIT', 0, f.limit + 1);
      const ids = rows.slice(0, f.limit);
      return this.page(storeId, ids, rows.length > f.limit ? ids[ids.length - 1]! : null);
    }
    const found: string[] = [];
    let scanned = 0;
    for (;;) {
      const chunk = await this.c.redis.zrevrangebyscore(index, max, '-inf', 'LIMIT', 0, SEARCH_CHUNK);
      const pipe = this.c.pipeline();
      for (const id of chunk) pipe.hmget(`${this.c.p}d:${id}`, 'email', 'order_number');
      const rows = chunk.length ? await this.c.exec(pipe) as (string | null)[][] : [];
      for (let i = 0; i < chunk.length; i++) {
        const [email, orderNumber] = rows[i]!;
        if (!matchesSearch({ email: email ?? null, orderNumber: orderNumber ?? null }, query)) continue;
        // One more match than the page holds: the page ends at its last entry.
        if (found.length === f.limit) return this.page(storeId, found, found[found.length - 1]!);
        found.push(chunk[i]!);
      }
      scanned += chunk.length;
      if (chunk.length < SEARCH_CHUNK) return this.page(storeId, found, null);
      max = `(${chunk[chunk.length - 1]!}`;
      if (scanned >= SEARCH_SCAN_LIMIT) return this.page(storeId, found, chunk[chunk.length - 1]!);
    }
  }

  async getDelivery(storeId: string, id: string): Promise<DeliveryView | null> {
    const [v] = await this.views(storeId, [id], true);
    return v ?? null;
  }

  async replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> {
    let known = false;
    const n = await this.replay(storeId, [id], all, () => { known = true; });
    return known ? n : null;
  }

  /** The jobs of these deliveries whose request body is gone (`{}`: removed by retention or an erasure). */
  private async goneBodies(ids: readonly string[]): Promise<Set<string>> {
    const p = this.c.p;
    const lists = await this.c.exec(ids.reduce((pipe, id) => pipe.hkeys(`${p}dj:${id}`), this.c.pipeline()));
    const jobs = (lists as string[][]).flat();
    if (jobs.length === 0) return new Set();
    const bodies = await this.c.exec(jobs.reduce((pipe, j) => pipe.hget(`${p}j:${j}`, 'body'), this.c.pipeline()));
    return new Set(jobs.filter((_, i) => bodies[i] === '{}'));
  }

  async replayByStatus(storeId: string, status: 'dead'): Promise<number> {
    return this.replay(storeId, await this.c.redis.zrange(`${this.c.p}log:${storeId}:${status}`, '0', '-1'), false);
  }

  async stats(storeId: string, now: number): Promise<StoreStats> {
    const p = this.c.p;
    const counted = JOB_STATUSES.filter((s) => s !== 'done');
    const pipe = this.c.pipeline()
      .hgetall(`${p}store:${storeId}`)
      .hget(`${p}jdone`, storeId)
      .zcount(`${p}ev:${storeId}`, `(${now - EVENTS_WINDOW_MS}`, '+inf')
      .hgetall(`${p}errc:${storeId}`);
    for (const s of counted) pipe.scard(`${p}sj:${storeId}:${s}`);
    for (const s of DELIVERY_STATUSES) pipe.zcard(`${p}log:${storeId}:${s}`);
    for (const s of WAITING_DELIVERY_STATUSES) pipe.zrange(`${p}log:${storeId}:${s}`, '0', '0');
    const res = await this.c.exec(pipe);
    const firstWaiting = WAITING_DELIVERY_STATUSES.map((_, i) => (res[4 + counted.length + DELIVERY_STATUSES.length + i] as string[])[0])
      .filter((id): id is string => id !== undefined).map(Number);
    const oldest = firstWaiting.length ? await this.c.redis.hget(`${p}d:${Math.min(...firstWaiting)}`, 'received_at') : null;
    const store = res[0] as Hash;
    const jobs: StoreCounters['jobs'] = { done: Number(res[1] ?? 0) };
    counted.forEach((s, i) => { jobs[s] = Number(res[4 + i]); });
    const deliveries: StoreCounters['deliveries'] = {};
    DELIVERY_STATUSES.forEach((s, i) => { deliveries[s] = Number(res[4 + counted.length + i]); });
    const errorCounts: Record<string, number> = {};
    for (const [k, v] of Object.entries(res[3] as Hash)) errorCounts[k] = Number(v);
    return storeStats({
      paused: store.paused === '1',
      oldestWaitingAt: oldest ? Number(oldest) : null,
      jobs,
      deliveries,
      eventsLast5Min: Number(res[2]),
      lastSuccessAt: store.last_success_at ? Number(store.last_success_at) : null,
      lastError: store.last_error_at
        ? { at: Number(store.last_error_at), class: store.last_error_class ?? '', message: store.last_error_message ?? '', deliveryId: store.last_error_delivery ?? null }
        : null,
      errorCounts,
    }, now);
  }

  private async page(storeId: string, ids: string[], next: string | null): Promise<Page> {
    const items = await this.views(storeId, ids, false);
    return { items: items.filter((v): v is DeliveryView => v !== null), nextCursor: next === null ? null : encodeCursor(next) };
  }

  /** The views of the given entries of the store (null for one of another store or gone). */
  async views(storeId: string, ids: string[], full: boolean): Promise<(DeliveryView | null)[]> {
    if (ids.length === 0) return [];
    const pipe = this.c.pipeline();
    for (const id of ids) pipe.hgetall(`${this.c.p}d:${id}`).hkeys(`${this.c.p}dj:${id}`);
    const res = await this.c.exec(pipe);
    const jobIds = ids.map((_, i) => (res[i * 2 + 1] as string[]).map(Number).sort((a, b) => a - b).map(String));
    const jp = this.c.pipeline();
    for (const js of jobIds) for (const j of js) jp.hgetall(`${this.c.p}j:${j}`);
    const jobRows = jobIds.some((js) => js.length) ? await this.c.exec(jp) as Hash[] : [];
    let k = 0;
    return ids.map((id, i) => {
      const r = res[i * 2] as Hash;
      const jobs: JobRecord[] = jobIds[i]!.map((jid) => jobRecord(jid, jobRows[k++]!));
      if (r.store_id !== storeId) return null;
      return deliveryView(deliveryRecord(id, r), jobs, full);
    });
  }

  /** Replays what the sync core says for each delivery; returns how many jobs (or deliveries mapped again) were replayed. */
  private async replay(storeId: string, ids: string[], all: boolean, seen?: () => void): Promise<number> {
    const now = Date.now();
    const counts = new Map<string, number>();
    // Only `all` resets done jobs, the ones whose body retention may have removed: look their bodies up first.
    const gone = all ? await this.goneBodies(ids) : new Set<string>();
    const applied = await this.deliveries.update(storeId, ids, (d) => {
      seen?.();
      const { patch, count } = replayPatch({ ...d, jobs: d.jobs.map((j) => ({ ...j, bodyGone: gone.has(j.id) })) }, all, now);
      counts.set(d.id, count);
      return patch;
    });
    return applied.reduce((n, { d }) => n + (counts.get(d.id) ?? 0), 0);
  }
}

function replayPatch(d: DeliverySnapshot & { jobs: { id: string; status: JobStatus; bodyGone?: boolean }[] }, all: boolean, now: number): { patch: DeliveryPatch | null; count: number } {
  const r = replayDelivery(d, d.jobs, all);
  if (r.count === 0) return { patch: null, count: 0 };
  if (r.remap) {
    return {
      patch: { status: REMAPPED.status, fields: { state: REMAPPED.state, error_class: REMAPPED.errorClass, error_message: REMAPPED.errorMessage }, received: true },
      count: r.count,
    };
  }
  const j = replayedJob(now);
  const jobs = r.jobs.map((id) => ({
    id, status: j.status, queue: true, fields: { attempts: String(j.attempts), next_at: String(j.nextAt), priority: String(j.priority) },
  }));
  return { patch: { ...withStatus(d, jobs), jobs }, count: r.count };
}
