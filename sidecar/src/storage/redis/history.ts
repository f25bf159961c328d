/**
 * A store's history sync run: a hash `history:<store>` (version `v`, the run as JSON `s`) and the set of stores
 * whose run is running (`history:running`), changed together by one compare-and-set script.
 */
import type { HistoryRun } from '../../sync/history.js';
import type { HistoryStore } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisHistory implements HistoryStore {
  constructor(private readonly c: RedisConnection) {}

  async historyRun(storeId: string): Promise<HistoryRun | null> {
    const s = await this.c.redis.hget(`${this.c.p}history:${storeId}`, 's');
    return s ? JSON.parse(s) as HistoryRun : null;
  }

  async saveHistoryRun(run: HistoryRun, expectedVersion: number): Promise<boolean> {
    return (await this.c.run('wckSaveHistory', run.storeId, expectedVersion, run.version, run.state, JSON.stringify(run))) === 1;
  }

  async runningHistory(): Promise<string[]> {
    return (await this.c.redis.smembers(`${this.c.p}history:running`)).sort();
  }
}
