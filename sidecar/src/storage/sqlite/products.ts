/** A store's product index: one row per store and WooCommerce product or variation id, the entry as JSON. */
import type { ProductIndexEntry, ProductIndexStore } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';

export class SqliteProducts implements ProductIndexStore {
  constructor(private readonly db: SqliteDb) {}

  async products(storeId: string, ids: readonly number[]): Promise<ProductIndexEntry[]> {
    if (ids.length === 0) return [];
    const out: ProductIndexEntry[] = [];
    // At most 500 ids a statement (SQLite's bound parameters).
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = this.db.sql(`SELECT entry FROM product_index WHERE store_id = ? AND product_id IN (${part.map(() => '?').join(',')})`)
        .all(storeId, ...part) as Row[];
      for (const r of rows) out.push(JSON.parse(r.entry as string) as ProductIndexEntry);
    }
    return out;
  }

  saveProducts(storeId: string, entries: readonly ProductIndexEntry[], removed: readonly number[]): Promise<void> {
    if (entries.length === 0 && removed.length === 0) return Promise.resolve();
    return this.db.write(() => {
      const put = this.db.sql(`INSERT INTO product_index (store_id, product_id, entry) VALUES (?, ?, ?)
        ON CONFLICT (store_id, product_id) DO UPDATE SET entry = excluded.entry`);
      const del = this.db.sql(`DELETE FROM product_index WHERE store_id = ? AND product_id = ?`);
      for (const e of entries) put.run(storeId, e.id, JSON.stringify(e));
      for (const id of removed) del.run(storeId, id);
    });
  }
}
