/** A store's history sync run: one row per store, saved only over the version it was computed from. */
import type { HistoryRun } from '../../sync/history.js';
import type { HistoryStore } from '../types.js';
import type { SqliteDb } from './db.js';
import type { Row } from './schema.js';

export class SqliteHistory implements HistoryStore {
  constructor(private readonly db: SqliteDb) {}

  async historyRun(storeId: string): Promise<HistoryRun | null> {
    const r = this.db.sql(`SELECT run FROM history_runs WHERE store_id = ?`).get(storeId) as Row | undefined;
    return r ? JSON.parse(r.run as string) as HistoryRun : null;
  }

  saveHistoryRun(run: HistoryRun, expectedVersion: number): Promise<boolean> {
    return this.db.write(() => {
      const r = this.db.sql(`SELECT version FROM history_runs WHERE store_id = ?`).get(run.storeId) as Row | undefined;
      if (Number(r?.version ?? 0) !== expectedVersion) return false;
      this.db.sql(`INSERT INTO history_runs (store_id, version, state, run) VALUES (?, ?, ?, ?)
        ON CONFLICT (store_id) DO UPDATE SET version = excluded.version, state = excluded.state, run = excluded.run`)
        .run(run.storeId, run.version, run.state, JSON.stringify(run));
      return true;
    });
  }

  async runningHistory(): Promise<string[]> {
    return (this.db.sql(`SELECT store_id FROM history_runs WHERE state = 'running' ORDER BY store_id`).all() as Row[]).map((r) => r.store_id as string);
  }
}
