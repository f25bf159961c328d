/**
 * Read, compute, compare-and-set for changes of whole deliveries (replay, statuses after a pause or resume, a job
 * set aside, moving the earlier queue layout over): the deliveries are read in one pipeline (their version, state,
 * status, their jobs' statuses and whether their store is paused), the caller computes each one's change with the
 * sync core, and the wckPatch script applies each change only if its delivery's version and paused flag are still
 * the ones read. The deliveries that conflicted are read again and recomputed, a bounded number of times.
 */
import { StorageError } from '../../errors.js';
import { countJobs, deliveryStatus, type DeliveryState, type DeliveryStatus, type JobStatus } from '../../sync/index.js';
import type { Hash, RedisConnection } from './connection.js';
import type { Outbox } from './outbox.js';

export interface DeliverySnapshot {
  id: string;
  storeId: string;
  state: DeliveryState;
  status: DeliveryStatus;
  ver: string;
  /** In id order. */
  jobs: { id: string; status: JobStatus }[];
  paused: boolean;
}

export interface JobPatch {
  id: string;
  status: JobStatus;
  /** Field values to write; null deletes the field. */
  fields?: Record<string, string | null>;
  /** Re-queue the job through the outbox at a new generation. */
  queue?: boolean;
  /** Set the job aside while its store is paused (score: when it is due). */
  hold?: string;
}

export interface DeliveryPatch {
  status?: DeliveryStatus;
  fields?: Record<string, string | null>;
  /** Put the delivery back in the index of deliveries waiting to be mapped. */
  received?: boolean;
  /** Take the delivery out of that index (it is marked mapped without being mapped). */
  unreceived?: boolean;
  /** Take the delivery out of the held index of this source (it is no longer held). */
  unhold?: string;
  jobs?: JobPatch[];
}

/** Deliveries per script call. */
const CHUNK = 200;
/** More conflicts than this for one delivery in a row means something is wrong, not busy. */
const MAX_ROUNDS = 20;

export class DeliveryPatcher {
  constructor(private readonly c: RedisConnection, private readonly outbox: Outbox) {}

  /** The deliveries of `storeId` among `ids` (unknown ones and other stores' are left out). */
  async read(storeId: string, ids: readonly string[]): Promise<DeliverySnapshot[]> {
    const out: DeliverySnapshot[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const pipe = this.c.pipeline().sismember(`${this.c.p}paused`, storeId);
      for (const id of chunk) pipe.hmget(`${this.c.p}d:${id}`, 'store_id', 'state', 'status', 'ver').hgetall(`${this.c.p}dj:${id}`);
      const res = await this.c.exec(pipe);
      const paused = res[0] === 1;
      chunk.forEach((id, k) => {
        const [store, state, status, ver] = res[1 + 2 * k] as (string | null)[];
        if (store !== storeId) return;
        const jobs = Object.entries(res[2 + 2 * k] as Hash).map(([jid, s]) => ({ id: jid, status: s as JobStatus })).sort((a, b) => Number(a.id) - Number(b.id));
        out.push({ id, storeId, state: state as DeliveryState, status: status as DeliveryStatus, ver: ver ?? '0', jobs, paused });
      });
    }
    return out;
  }

  /**
   * Reads `ids` of `storeId`, lets `change` compute each one's change (null: nothing to change), and applies them;
   * a delivery that changed meanwhile is read and computed again. Returns the snapshots whose change was applied,
   * with that change.
   */
  async update(storeId: string, ids: readonly string[], change: (d: DeliverySnapshot) => DeliveryPatch | null): Promise<{ d: DeliverySnapshot; patch: DeliveryPatch }[]> {
    const applied: { d: DeliverySnapshot; patch: DeliveryPatch }[] = [];
    let todo = [...new Set(ids)];
    for (let round = 0; todo.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new StorageError(`Deliveries ${todo.slice(0, 5).join(', ')} kept changing while they were updated.`);
      const planned: { d: DeliverySnapshot; patch: DeliveryPatch }[] = [];
      for (const d of await this.read(storeId, todo)) {
        const patch = change(d);
        if (patch) planned.push({ d, patch });
      }
      const conflicts = new Set<string>();
      for (let i = 0; i < planned.length; i += CHUNK) {
        const chunk = planned.slice(i, i + CHUNK);
        const items = chunk.map(({ d, patch }) => ({
          id: d.id, store: d.storeId, ver: d.ver, paused: d.paused ? '1' : '0', status: patch.status, fields: patch.fields,
          received: patch.received, unreceived: patch.unreceived, unhold: patch.unhold, jobs: patch.jobs ?? [],
        }));
        const [conflicted, queued] = await this.c.run('wckPatch', JSON.stringify(items)) as [string[], string[]];
        for (const id of conflicted) conflicts.add(String(id));
        await this.outbox.flush(queued);
      }
      applied.push(...planned.filter(({ d }) => !conflicts.has(d.id)));
      todo = [...conflicts];
    }
    return applied;
  }
}

/** The delivery's status once `changed` jobs have their new statuses, as the sync core derives it; absent if unchanged. */
export function withStatus(d: DeliverySnapshot, changed: readonly { id: string; status: JobStatus }[]): { status?: DeliverySnapshot['status'] } {
  if (d.state !== 'processed') return {};
  const statuses = d.jobs.map((j) => changed.find((c) => c.id === j.id)?.status ?? j.status);
  const status = deliveryStatus(countJobs(statuses), d.paused);
  return status && status !== d.status ? { status } : {};
}

