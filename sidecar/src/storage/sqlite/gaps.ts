/** Gap repair: a store's check, saved only over the version it was computed from, and the order states plans kept. */
import type { GapCheck } from '../../sync/gaps.js';
import type { GapStore } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';

export class SqliteGaps implements GapStore {
  constructor(private readonly db: SqliteDb) {}

  async gapCheck(storeId: string): Promise<GapCheck | null> {
    const r = this.db.sql(`SELECT state FROM gap_checks WHERE store_id = ?`).get(storeId) as Row | undefined;
    return r ? JSON.parse(r.state as string) as GapCheck : null;
  }

  saveGapCheck(check: GapCheck, expectedVersion: number): Promise<boolean> {
    return this.db.write(() => {
      const r = this.db.sql(`SELECT version FROM gap_checks WHERE store_id = ?`).get(check.storeId) as Row | undefined;
      if (Number(r?.version ?? 0) !== expectedVersion) return false;
      this.db.sql(`INSERT INTO gap_checks (store_id, version, state) VALUES (?, ?, ?)
        ON CONFLICT (store_id) DO UPDATE SET version = excluded.version, state = excluded.state`).run(check.storeId, check.version, JSON.stringify(check));
      return true;
    });
  }

  async heldRecordVersions(storeId: string, versions: readonly string[]): Promise<Set<string>> {
    const q = this.db.sql(`SELECT 1 FROM record_versions WHERE store_id = ? AND version = ?`);
    return new Set(versions.filter((v) => q.get(storeId, v) !== undefined));
  }
}
