/**
 * Privacy requests on Redis. The sync log has no email index, so a person's entries are found by walking the store's
 * log newest first (a privacy request is rare; a chunk of ids and their emails per round trip); which entries are the
 * person's is the sync core's isSubject (entries never mapped, found through the `received` index and, held or
 * discarded, in the log: the core's isErasureTarget on their bodies), what erasure leaves of one and its jobs the core's erasedEntry, applied by the
 * DeliveryPatcher's compare-and-set (wckPatch).
 */
import { erasedEntry, isErasureTarget, isSubject, privacySubject, UNMAPPED_STATES, type DeliveryView } from '../../sync/index.js';
import type { ErasureCounts, PrivacyStore } from '../types.js';
import type { RedisConnection } from './connection.js';
import type { DeliveryPatcher } from './deliveries.js';
import type { RedisSyncLog } from './sync-log.js';

const CHUNK = 1000;

export class RedisPrivacy implements PrivacyStore {
  constructor(private readonly c: RedisConnection, private readonly log: RedisSyncLog, private readonly deliveries: DeliveryPatcher) {}

  /**
   * The ids of the store's entries naming the person (with their state), newest first, at most `limit`; with
   * `unmapped`, the ids of its held and discarded entries (never mapped, no email: their bodies are checked).
   */
  private async find(storeId: string, subject: string, limit: number, unmapped?: string[]): Promise<{ id: string; state: string }[]> {
    const found: { id: string; state: string }[] = [];
    let max = '+inf';
    for (;;) {
      const ids = await this.c.redis.zrevrangebyscore(`${this.c.p}log:${storeId}`, max, '-inf', 'LIMIT', 0, CHUNK);
      if (ids.length === 0) return found;
      const pipe = this.c.pipeline();
      for (const id of ids) pipe.hmget(`${this.c.p}d:${id}`, 'email', 'state');
      const rows = await this.c.exec(pipe) as (string | null)[][];
      for (let i = 0; i < ids.length; i++) {
        const [email, state] = rows[i]!;
        if (unmapped && state !== 'received' && (UNMAPPED_STATES as readonly (string | null)[]).includes(state ?? null)) unmapped.push(ids[i]!);
        if (!isSubject(email, subject)) continue;
        found.push({ id: ids[i]!, state: state ?? 'received' });
        if (found.length >= limit) return found;
      }
      if (ids.length < CHUNK) return found;
      max = `(${ids[ids.length - 1]!}`;
    }
  }

  async subjectDeliveries(storeId: string, email: string, limit: number): Promise<DeliveryView[]> {
    const ids = (await this.find(storeId, privacySubject(email), limit)).map((f) => f.id);
    return (await this.log.views(storeId, ids, false)).filter((v): v is DeliveryView => v !== null);
  }

  /** The ids of the store's entries still waiting to be mapped whose body names the person. */
  private async findUnmapped(storeId: string, subject: string, requestId: string): Promise<string[]> {
    const found: string[] = [];
    let min = '-inf';
    for (;;) {
      const ids = await this.c.redis.zrangebyscore(`${this.c.p}received`, min, '+inf', 'LIMIT', 0, CHUNK);
      if (ids.length === 0) return found;
      const pipe = this.c.pipeline();
      for (const id of ids) pipe.hmget(`${this.c.p}d:${id}`, 'store_id', 'state', 'body');
      const rows = await this.c.exec(pipe) as (string | null)[][];
      ids.forEach((id, i) => {
        const [store, state, body] = rows[i]!;
        if (store === storeId && isErasureTarget({ id, state: state ?? 'received', email: null, body: body ?? '' }, subject, requestId)) found.push(id);
      });
      if (ids.length < CHUNK) return found;
      min = `(${ids[ids.length - 1]!}`;
    }
  }

  async eraseSubject(storeId: string, email: string, requestId: string): Promise<ErasureCounts> {
    const subject = privacySubject(email);
    const heldOrDiscarded: string[] = [];
    const mapped = (await this.find(storeId, subject, Number.MAX_SAFE_INTEGER, heldOrDiscarded)).map((f) => f.id).filter((id) => id !== requestId);
    const unmapped = await this.findUnmapped(storeId, subject, requestId);
    const holds = new Map<string, string>();
    for (let i = 0; i < heldOrDiscarded.length; i += CHUNK) {
      const ids = heldOrDiscarded.slice(i, i + CHUNK);
      const pipe = this.c.pipeline();
      for (const id of ids) pipe.hmget(`${this.c.p}d:${id}`, 'state', 'body', 'held_source');
      const rows = await this.c.exec(pipe) as (string | null)[][];
      ids.forEach((id, k) => {
        const [state, body, source] = rows[k]!;
        if (!isErasureTarget({ id, state: state ?? '', email: null, body: body ?? '' }, subject, requestId)) return;
        unmapped.push(id);
        if (source) holds.set(id, source);
      });
    }
    // Read, computed by the core, compared and set by wckPatch: one planned or claimed meanwhile is read again.
    const applied = await this.deliveries.update(storeId, [...mapped, ...unmapped], (d) => {
      const e = erasedEntry(d, d.jobs, d.paused, requestId);
      return {
        status: e.delivery.status,
        fields: { state: e.delivery.state, body: e.delivery.body, headers: e.delivery.headers, email: null, note: e.delivery.note },
        unreceived: d.state === 'received',
        ...(d.state === 'held' && holds.has(d.id) ? { unhold: holds.get(d.id)! } : {}),
        jobs: e.jobs.map((j) => ({
          id: j.id, status: j.status,
          fields: { body: '{}', ...(j.error ? { error_class: j.error.class, error_message: j.error.message, error_detail: null } : {}) },
        })),
      };
    });
    const consentKey = `${this.c.p}consent:${storeId}:${subject}`;
    const fields = await this.c.redis.hkeys(consentKey);
    await this.c.exec(this.c.pipeline().del(consentKey, `${this.c.p}kunsub:${storeId}:${subject}`));
    return { deliveries: applied.length, consentRecords: fields.filter((f) => f.startsWith('r:')).length };
  }
}
