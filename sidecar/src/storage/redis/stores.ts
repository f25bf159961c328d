/**
 * Stores: configuration with its secrets sealed at rest, and pausing. Pausing sets the flag (and, on resume,
 * re-queues the jobs set aside) in one script; then the deliveries with jobs still to send take the status the sync
 * core derives for them, each by compare-and-set against its version and the paused flag. A send outcome or a plan
 * computed before the flag changed fails its own compare and is computed again, so no status is written from the
 * old flag.
 */
import { WAITING_JOB_STATUSES } from '../../sync/index.js';
import type { SecretBox } from '../secrets.js';
import type { FlowSettings } from '../../flows/actions.js';
import type { ConnectCodeRecord, CredentialStore, FlowSettingsStore, KeyStatus, StoreRecord, StoreRepository } from '../types.js';
import type { Hash, RedisConnection } from './connection.js';
import { withStatus, type DeliveryPatcher } from './deliveries.js';
import type { Outbox } from './outbox.js';

/** Job ids read per pipeline when looking for the deliveries a pause changes. */
const CHUNK = 1000;

export class RedisStores implements StoreRepository, CredentialStore, FlowSettingsStore {
  constructor(
    private readonly c: RedisConnection,
    private readonly box: SecretBox,
    private readonly outbox: Outbox,
    private readonly deliveries: DeliveryPatcher,
  ) {}

  async getStore(id: string): Promise<StoreRecord | null> {
    const r = await this.c.redis.hgetall(`${this.c.p}store:${id}`) as Hash;
    if (!r.site_url) return null;
    return {
      id,
      siteUrl: r.site_url,
      webhookSecret: this.box.open(r.secret_enc!),
      privateKey: this.box.open(r.key_enc!),
      keyLast4: r.key_last4 ?? '',
      listId: r.list_id ?? null,
      keyStatus: (r.key_status ?? 'unverified') as KeyStatus,
      keyDetail: r.key_detail ?? null,
      keyCheckedAt: r.key_checked_at ?? null,
      paused: r.paused === '1',
      pauseReason: r.pause_reason ?? null,
    };
  }

  async saveStore(s: StoreRecord): Promise<void> {
    const key = `${this.c.p}store:${s.id}`;
    const now = String(Date.now());
    const tx = this.c.redis.multi()
      .hset(key, {
        site_url: s.siteUrl, secret_enc: this.box.seal(s.webhookSecret), key_enc: this.box.seal(s.privateKey), key_last4: s.keyLast4,
        key_status: s.keyStatus, updated_at: now,
      })
      .hsetnx(key, 'created_at', now);
    for (const [f, v] of [['list_id', s.listId], ['key_detail', s.keyDetail], ['key_checked_at', s.keyCheckedAt]] as const) {
      if (v == null) tx.hdel(key, f); else tx.hset(key, f, v);
    }
    await tx.exec();
    await this.setPaused(s.id, s.paused, s.pauseReason);
  }

  async sealedSamples(candidate: string): Promise<string[]> {
    const key = `${this.c.p}key_check`;
    const created = await this.c.redis.set(key, candidate, 'NX') === 'OK';
    const check = (await this.c.redis.get(key)) ?? candidate;
    if (!created) return [check];
    // Data from before the key check existed: one store's sealed secret, found by a scan (once, at the first start).
    let cursor = '0';
    do {
      const [next, keys] = await this.c.redis.scan(cursor, 'MATCH', `${this.c.p}store:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const sealed = await this.c.redis.hget(k, 'secret_enc');
        if (sealed) return [check, sealed];
      }
    } while (cursor !== '0');
    return [check];
  }

  async setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> {
    const key = `${this.c.p}store:${id}`;
    if (!(await this.c.redis.exists(key))) return;
    const tx = this.c.redis.multi().hset(key, { key_status: status, key_checked_at: new Date().toISOString() });
    if (detail == null) tx.hdel(key, 'key_detail'); else tx.hset(key, 'key_detail', detail);
    await tx.exec();
  }

  async setPaused(id: string, paused: boolean, reason: string | null): Promise<void> {
    const [exists, queued] = await this.c.run('wckSetPaused', id, paused ? '1' : '0', reason ?? '') as [number, string[]];
    await this.outbox.flush(queued);
    if (exists) await this.refreshWaiting(id);
  }

  async credentialHash(storeId: string): Promise<string | null> {
    return this.c.redis.hget(`${this.c.p}cred`, storeId);
  }

  async setCredential(storeId: string, hash: string): Promise<void> {
    await this.c.redis.hset(`${this.c.p}cred`, storeId, hash);
  }

  async saveConnectCode(hash: string, storeId: string, expiresAt: number): Promise<void> {
    const keepUntil = expiresAt + 86_400_000;
    const k = `${this.c.p}cc:${hash}`;
    const set = `${this.c.p}ccs:${storeId}`;
    await this.c.exec(this.c.pipeline().hset(k, { store_id: storeId, expires_at: String(expiresAt) }).pexpireat(k, keepUntil)
      .sadd(set, hash).pexpireat(set, keepUntil));
  }

  async takeConnectCode(hash: string, now: number): Promise<ConnectCodeRecord | null> {
    const r = await this.c.run('wckTakeCode', hash, String(now)) as (string | null)[] | null;
    if (!r) return null;
    const num = (v: string | null | undefined) => (v ? Number(v) : null);
    return { storeId: r[0]!, expiresAt: Number(r[1]), usedAt: num(r[2]), revokedAt: num(r[3]) };
  }

  async removeStore(storeId: string, now: number): Promise<boolean> {
    const removed = (await this.c.run('wckRemoveStore', storeId, String(now)) as number) > 0;
    await this.c.redis.del(`${this.c.p}flow:${storeId}`, `${this.c.p}history:${storeId}`, `${this.c.p}products:${storeId}`, `${this.c.p}gap:${storeId}`);
    await this.c.redis.srem(`${this.c.p}history:running`, storeId);
    return removed;
  }

  async flowSettings(storeId: string): Promise<FlowSettings | null> {
    const sealed = await this.c.redis.get(`${this.c.p}flow:${storeId}`);
    return sealed ? JSON.parse(this.box.open(sealed)) as FlowSettings : null;
  }

  async saveFlowSettings(storeId: string, settings: FlowSettings): Promise<void> {
    await this.c.redis.set(`${this.c.p}flow:${storeId}`, this.box.seal(JSON.stringify(settings)));
  }

  async listStoreIds(): Promise<string[]> {
    const ids = new Set(await this.c.redis.hkeys(`${this.c.p}cred`));
    let cursor = '0';
    do {
      const [next, keys] = await this.c.redis.scan(cursor, 'MATCH', `${this.c.p}store:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) ids.add(k.slice(`${this.c.p}store:`.length));
    } while (cursor !== '0');
    return [...ids].sort();
  }

  /** The deliveries of the store with jobs still to send, given the status the sync core derives for them. */
  private async refreshWaiting(storeId: string): Promise<void> {
    const pipe = this.c.pipeline();
    for (const s of WAITING_JOB_STATUSES) pipe.smembers(`${this.c.p}sj:${storeId}:${s}`);
    const jobIds = (await this.c.exec(pipe) as string[][]).flat();
    const deliveryIds = new Set<string>();
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const p = this.c.pipeline();
      for (const j of jobIds.slice(i, i + CHUNK)) p.hget(`${this.c.p}j:${j}`, 'delivery_id');
      for (const d of await this.c.exec(p) as (string | null)[]) if (d) deliveryIds.add(d);
    }
    await this.deliveries.update(storeId, [...deliveryIds], (d) => {
      const change = withStatus(d, []);
      return change.status ? change : null;
    });
  }
}
