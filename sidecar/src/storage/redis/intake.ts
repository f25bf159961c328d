/**
 * Ingress: a delivery (or a rejection) is one append, one round trip to Redis, with no read and no content check;
 * repeats of the same content are recognised when the delivery is planned (./planning.ts). The delivery is durable
 * once Redis replied (as far as Redis persistence makes it: AOF with appendfsync everysec or always). A delivery
 * another site sent is appended into its source's hold index (`hold:<store>:<source>`), released or discarded from
 * there in chunks by one compare-and-set script each.
 */
import { DISCARDED, HELD, RECEIVED, REJECTED, REJECTION_ERROR_CLASS, RELEASED, type HeldSource } from '../../sync/index.js';
import type { DeliveryIntake, HeldDeliveries, NewDelivery, Rejection } from '../types.js';
import type { RedisConnection } from './connection.js';

/** Held deliveries changed per script call. */
const TAKE_CHUNK = 200;

export class RedisIntake implements DeliveryIntake, HeldDeliveries {
  constructor(private readonly c: RedisConnection) {}

  async recordDelivery(d: NewDelivery): Promise<{ id: string }> {
    const fields = ['received_at', String(Date.now()), 'topic', d.topic, 'content_hash', d.contentHash, 'headers', JSON.stringify(d.headers), 'body', d.body];
    const id = d.held
      ? await this.c.run('wckHold', d.storeId, HELD.status, d.held.source, 'state', HELD.state, 'note', d.held.note, ...fields)
      : await this.c.run('wckAppend', d.storeId, RECEIVED.status, '1', '', 'state', RECEIVED.state, ...fields);
    return { id: String(id) };
  }

  async recordRejection(r: Rejection): Promise<string> {
    const fields = ['state', REJECTED.state, 'received_at', String(Date.now()), 'headers', JSON.stringify(r.headers), 'body', r.body,
      'error_class', r.code, 'error_message', r.message];
    if (r.topic) fields.push('topic', r.topic);
    return String(await this.c.run('wckAppend', r.storeId, REJECTED.status, '0', REJECTION_ERROR_CLASS, ...fields));
  }

  async heldSources(storeId: string): Promise<HeldSource[]> {
    const counts = await this.c.redis.hgetall(`${this.c.p}holds:${storeId}`);
    const sources = Object.keys(counts).sort();
    if (sources.length === 0) return [];
    const pipe = this.c.pipeline();
    for (const s of sources) pipe.zrange(`${this.c.p}hold:${storeId}:${s}`, '0', '0').zrange(`${this.c.p}hold:${storeId}:${s}`, '-1', '-1');
    const ends = await this.c.exec(pipe) as string[][];
    const times = this.c.pipeline();
    for (const [id] of ends) times.hget(`${this.c.p}d:${id ?? ''}`, 'received_at');
    const at = await this.c.exec(times) as (string | null)[];
    return sources.map((source, i) => ({ source, count: Number(counts[source]), firstAt: Number(at[2 * i] ?? 0), lastAt: Number(at[2 * i + 1] ?? 0) }));
  }

  releaseHeld(storeId: string, source: string): Promise<number> {
    return this.take(storeId, source, RELEASED.state, RELEASED.status, '', true);
  }

  discardHeld(storeId: string, source: string, note: string): Promise<number> {
    return this.take(storeId, source, DISCARDED.state, DISCARDED.status, note, false);
  }

  private async take(storeId: string, source: string, state: string, status: string, note: string, received: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const [n, left] = await this.c.run('wckTakeHeld', storeId, source, String(TAKE_CHUNK), state, status, note, received ? '1' : '0') as [number, number];
      total += Number(n);
      if (Number(left) === 0) return total;
    }
  }
}
