/** A store's product index: a hash `products:<store>`, a field per WooCommerce product or variation id, the entry as JSON. */
import type { ProductIndexEntry, ProductIndexStore } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisProducts implements ProductIndexStore {
  constructor(private readonly c: RedisConnection) {}

  private key(storeId: string): string {
    return `${this.c.p}products:${storeId}`;
  }

  async products(storeId: string, ids: readonly number[]): Promise<ProductIndexEntry[]> {
    if (ids.length === 0) return [];
    const values = await this.c.redis.hmget(this.key(storeId), ...ids.map(String));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as ProductIndexEntry);
  }

  async saveProducts(storeId: string, entries: readonly ProductIndexEntry[], removed: readonly number[]): Promise<void> {
    if (entries.length === 0 && removed.length === 0) return;
    const m = this.c.redis.multi();
    if (entries.length) m.hset(this.key(storeId), ...entries.flatMap((e) => [String(e.id), JSON.stringify(e)]));
    if (removed.length) m.hdel(this.key(storeId), ...removed.map(String));
    await m.exec();
  }
}
