/**
 * Privacy requests on Redis. The sync log has no email index, so a person's entries are found by walking the store's
 * log newest first (a privacy request is rare; a chunk of ids and their emails per round trip); which entries are the
 * person's is the sync core's isSubject, what erasure leaves of one its erasedDelivery and erasesJobBody, written by
 * one script per chunk.
 */
import { erasedDelivery, erasesJobBody, isSubject, JOB_STATUSES, privacySubject, type DeliveryView } from '../../sync/index.js';
import type { ErasureCounts, PrivacyStore } from '../types.js';
import type { RedisConnection } from './connection.js';
import type { RedisSyncLog } from './sync-log.js';

const CHUNK = 1000;

export class RedisPrivacy implements PrivacyStore {
  constructor(private readonly c: RedisConnection, private readonly log: RedisSyncLog) {}

  /** The ids of the store's entries naming the person (with their state), newest first, at most `limit`. */
  private async find(storeId: string, subject: string, limit: number): Promise<{ id: string; state: string }[]> {
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

  async eraseSubject(storeId: string, email: string): Promise<ErasureCounts> {
    const subject = privacySubject(email);
    const found = (await this.find(storeId, subject, Number.MAX_SAFE_INTEGER)).filter((f) => erasedDelivery(f.state) !== null);
    const erased = erasedDelivery('processed')!;
    const clearing = JOB_STATUSES.filter(erasesJobBody).join(',');
    let deliveries = 0;
    for (let i = 0; i < found.length; i += CHUNK) {
      const ids = found.slice(i, i + CHUNK).map((f) => f.id);
      deliveries += Number(await this.c.run('wckErase', erased.note, clearing, ...ids));
    }
    const consentKey = `${this.c.p}consent:${storeId}:${subject}`;
    const fields = await this.c.redis.hkeys(consentKey);
    await this.c.exec(this.c.pipeline().del(consentKey, `${this.c.p}kunsub:${storeId}:${subject}`));
    return { deliveries, consentRecords: fields.filter((f) => f.startsWith('r:')).length };
  }
}
