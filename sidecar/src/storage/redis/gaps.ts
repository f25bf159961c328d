/**
 * Gap repair: a store's check is a hash `gap:<store>` (version `v`, the check as JSON `s`) set by a compare-and-set
 * script; the order states plans kept are the fields of `seen:<store>` (written by the apply-plan script).
 */
import type { GapCheck } from '../../sync/gaps.js';
import type { GapStore } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisGaps implements GapStore {
  constructor(private readonly c: RedisConnection) {}

  async gapCheck(storeId: string): Promise<GapCheck | null> {
    const s = await this.c.redis.hget(`${this.c.p}gap:${storeId}`, 's');
    return s ? JSON.parse(s) as GapCheck : null;
  }

  async saveGapCheck(check: GapCheck, expectedVersion: number): Promise<boolean> {
    return (await this.c.run('wckSaveGapCheck', check.storeId, expectedVersion, check.version, JSON.stringify(check))) === 1;
  }

  async heldRecordVersions(storeId: string, versions: readonly string[]): Promise<Set<string>> {
    if (!versions.length) return new Set();
    const found = await this.c.redis.hmget(`${this.c.p}seen:${storeId}`, ...versions);
    return new Set(versions.filter((_, i) => found[i] != null));
  }
}
