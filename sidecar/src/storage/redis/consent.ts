/**
 * Consent records per profile (kept by the apply-plan script in consent:<store>:<email>) read back with their jobs'
 * outcomes, and the periodic consent sync's findings and cursor.
 */
import { consentRecordView, sortConsentViews, type ConsentRecordView, type ConsentRow, type JobStatus } from '../../sync/index.js';
import type { ConsentStore, KlaviyoUnsubscribe } from '../types.js';
import type { RedisConnection } from './connection.js';

export class RedisConsent implements ConsentStore {
  constructor(private readonly c: RedisConnection) {}

  async consentRecords(storeId: string, email: string): Promise<ConsentRecordView[]> {
    const p = this.c.p;
    const all = await this.c.redis.hgetall(`${p}consent:${storeId}:${email.trim().toLowerCase()}`);
    const rows = Object.entries(all).filter(([k]) => k.startsWith('r:')).map(([, v]) => JSON.parse(v) as ConsentRow);
    const keyed = rows.filter((r) => r.key);
    const jobIds = keyed.length ? await this.c.redis.hmget(`${p}planned:${storeId}`, ...keyed.map((r) => r.key!)) : [];
    const pipe = this.c.pipeline();
    for (const id of jobIds) pipe.hmget(`${p}j:${id ?? ''}`, 'status', 'error_message');
    const jobs = jobIds.length ? await this.c.exec(pipe) as (string | null)[][] : [];
    const byKey = new Map(keyed.map((r, i) => [r.key!, jobs[i]]));
    return sortConsentViews(rows.map((r) => {
      const j = r.key ? byKey.get(r.key) : undefined;
      return consentRecordView(r, j?.[0] ? { status: j[0] as JobStatus, errorMessage: j[1] ?? null } : null);
    }));
  }

  async klaviyoUnsubscribes(storeId: string, email: string): Promise<Partial<Record<'email' | 'sms', string>>> {
    return await this.c.redis.hgetall(`${this.c.p}kunsub:${storeId}:${email.trim().toLowerCase()}`) as Partial<Record<'email' | 'sms', string>>;
  }

  async recordKlaviyoUnsubscribes(storeId: string, found: KlaviyoUnsubscribe[], cursor: string): Promise<void> {
    const p = this.c.p;
    const keys = found.map((f) => `${p}kunsub:${storeId}:${f.email.toLowerCase()}`);
    const pipe = this.c.pipeline();
    for (let i = 0; i < found.length; i++) pipe.hget(keys[i]!, found[i]!.channel);
    const known = found.length ? await this.c.exec(pipe) as (string | null)[] : [];
    const write = this.c.pipeline();
    // Only one replica runs the sync for a store at a time in practice; a later time wins either way.
    found.forEach((f, i) => { if (!known[i] || f.at > known[i]!) write.hset(keys[i]!, f.channel, f.at); });
    write.hset(`${p}csync`, storeId, cursor);
    await this.c.exec(write);
  }

  async consentSyncCursor(storeId: string): Promise<string | null> {
    return this.c.redis.hget(`${this.c.p}csync`, storeId);
  }

}
