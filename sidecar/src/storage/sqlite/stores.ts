/** Stores: their configuration, secrets sealed at rest, and pausing. */
import { WAITING_JOB_STATUSES } from '../../sync/index.js';
import type { SecretBox } from '../secrets.js';
import type { FlowSettings } from '../../flows/actions.js';
import type { ConnectCodeRecord, CredentialStore, FlowSettingsStore, KeyStatus, StoreRecord, StoreRepository } from '../types.js';
import type { SqliteDb } from './db.js';
import { refreshDeliveryStatuses } from './shared.js';
import { sqlList, type Row } from './schema.js';

export class SqliteStores implements StoreRepository, CredentialStore, FlowSettingsStore {
  constructor(private readonly db: SqliteDb, private readonly box: SecretBox) {}

  async getStore(id: string): Promise<StoreRecord | null> {
    const r = this.db.sql(`SELECT * FROM stores WHERE id = ?`).get(id) as Row | undefined;
    if (!r) return null;
    return {
      id: r.id as string,
      siteUrl: r.site_url as string,
      webhookSecret: this.box.open(r.secret_enc as string),
      privateKey: this.box.open(r.key_enc as string),
      keyLast4: r.key_last4 as string,
      listId: (r.list_id as string | null) ?? null,
      keyStatus: r.key_status as KeyStatus,
      keyDetail: (r.key_detail as string | null) ?? null,
      keyCheckedAt: (r.key_checked_at as string | null) ?? null,
      paused: r.paused === 1,
      pauseReason: (r.pause_reason as string | null) ?? null,
    };
  }

  saveStore(s: StoreRecord): Promise<void> {
    const now = Date.now();
    return this.db.write(() => {
      this.db.sql(`INSERT INTO stores (id, site_url, secret_enc, key_enc, key_last4, list_id, key_status, key_detail, key_checked_at, paused, pause_reason, created_at, updated_at)
        VALUES (@id, @siteUrl, @secret, @key, @last4, @listId, @keyStatus, @keyDetail, @keyCheckedAt, @paused, @pauseReason, @now, @now)
        ON CONFLICT (id) DO UPDATE SET site_url = excluded.site_url, secret_enc = excluded.secret_enc, key_enc = excluded.key_enc,
          key_last4 = excluded.key_last4, list_id = excluded.list_id, key_status = excluded.key_status, key_detail = excluded.key_detail,
          key_checked_at = excluded.key_checked_at, paused = excluded.paused, pause_reason = excluded.pause_reason, updated_at = excluded.updated_at`).run({
        id: s.id, siteUrl: s.siteUrl, secret: this.box.seal(s.webhookSecret), key: this.box.seal(s.privateKey), last4: s.keyLast4,
        listId: s.listId, keyStatus: s.keyStatus, keyDetail: s.keyDetail, keyCheckedAt: s.keyCheckedAt, paused: s.paused ? 1 : 0,
        pauseReason: s.pauseReason, now,
      });
    });
  }

  async sealedSamples(candidate: string): Promise<string[]> {
    return this.db.write(() => {
      const created = this.db.sql(`INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?)`).run(candidate).changes === 1;
      const check = (this.db.sql(`SELECT value FROM meta WHERE key = 'key_check'`).get() as Row).value as string;
      const store = created ? this.db.sql(`SELECT secret_enc FROM stores LIMIT 1`).get() as Row | undefined : undefined;
      return store ? [check, store.secret_enc as string] : [check];
    });
  }

  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> {
    return this.db.write(() => {
      this.db.sql(`UPDATE stores SET key_status = ?, key_detail = ?, key_checked_at = ? WHERE id = ?`).run(status, detail, new Date().toISOString(), id);
    });
  }

  /** The deliveries with jobs still to send change status with the store (paused <-> pending, retrying). */
  setPaused(id: string, paused: boolean, reason: string | null): Promise<void> {
    return this.db.write(() => {
      this.db.sql(`UPDATE stores SET paused = ?, pause_reason = ? WHERE id = ?`).run(paused ? 1 : 0, reason, id);
      const waiting = this.db.sql(`SELECT DISTINCT delivery_id FROM jobs WHERE store_id = ? AND status IN ${sqlList(WAITING_JOB_STATUSES)}`).all(id) as Row[];
      refreshDeliveryStatuses(this.db, waiting.map((r) => r.delivery_id as number));
    });
  }

  async credentialHash(storeId: string): Promise<string | null> {
    const r = this.db.sql(`SELECT hash FROM credentials WHERE store_id = ?`).get(storeId) as Row | undefined;
    return r ? r.hash as string : null;
  }

  setCredential(storeId: string, hash: string): Promise<void> {
    return this.db.write(() => {
      this.db.sql(`INSERT INTO credentials (store_id, hash, set_at) VALUES (?, ?, ?)
        ON CONFLICT (store_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at`).run(storeId, hash, Date.now());
    });
  }

  saveConnectCode(hash: string, storeId: string, expiresAt: number): Promise<void> {
    return this.db.write(() => {
      this.db.sql(`INSERT INTO connect_codes (hash, store_id, expires_at) VALUES (?, ?, ?)`).run(hash, storeId, expiresAt);
    });
  }

  /** Read and mark in one transaction (writes run one at a time), so of two racing calls only one finds it unused. */
  takeConnectCode(hash: string, now: number): Promise<ConnectCodeRecord | null> {
    return this.db.write(() => {
      const r = this.db.sql(`SELECT * FROM connect_codes WHERE hash = ?`).get(hash) as Row | undefined;
      if (!r) return null;
      const before: ConnectCodeRecord = {
        storeId: r.store_id as string, expiresAt: r.expires_at as number,
        usedAt: (r.used_at as number | null) ?? null, revokedAt: (r.revoked_at as number | null) ?? null,
      };
      if (before.usedAt === null && before.revokedAt === null) this.db.sql(`UPDATE connect_codes SET used_at = ? WHERE hash = ?`).run(now, hash);
      return before;
    });
  }

  removeStore(storeId: string, now: number): Promise<boolean> {
    return this.db.write(() => {
      const a = this.db.sql(`DELETE FROM stores WHERE id = ?`).run(storeId).changes;
      const b = this.db.sql(`DELETE FROM credentials WHERE store_id = ?`).run(storeId).changes;
      this.db.sql(`DELETE FROM flow_settings WHERE store_id = ?`).run(storeId);
      this.db.sql(`DELETE FROM history_runs WHERE store_id = ?`).run(storeId);
      this.db.sql(`DELETE FROM gap_checks WHERE store_id = ?`).run(storeId);
      this.db.sql(`DELETE FROM product_index WHERE store_id = ?`).run(storeId);
      this.db.sql(`UPDATE connect_codes SET revoked_at = ? WHERE store_id = ? AND revoked_at IS NULL`).run(now, storeId);
      return a + b > 0;
    });
  }

  async flowSettings(storeId: string): Promise<FlowSettings | null> {
    const r = this.db.sql(`SELECT sealed FROM flow_settings WHERE store_id = ?`).get(storeId) as Row | undefined;
    return r ? JSON.parse(this.box.open(r.sealed as string)) as FlowSettings : null;
  }

  saveFlowSettings(storeId: string, settings: FlowSettings): Promise<void> {
    const sealed = this.box.seal(JSON.stringify(settings));
    return this.db.write(() => {
      this.db.sql(`INSERT INTO flow_settings (store_id, sealed) VALUES (?, ?) ON CONFLICT (store_id) DO UPDATE SET sealed = excluded.sealed`).run(storeId, sealed);
    });
  }

  async listStoreIds(): Promise<string[]> {
    const rows = this.db.sql(`SELECT id FROM stores UNION SELECT store_id FROM credentials ORDER BY 1`).all() as Row[];
    return rows.map((r) => r.id as string);
  }
}
