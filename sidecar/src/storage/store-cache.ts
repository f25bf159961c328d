import type { Storage, StoreRecord } from './types.js';

/** Decrypted store records, kept briefly (another replica may change them). */
export class StoreCache {
  private readonly entries = new Map<string, { at: number; value: StoreRecord | null }>();
  constructor(private readonly storage: Storage, private readonly ttlMs = 5000) {}

  async get(id: string): Promise<StoreRecord | null> {
    const e = this.entries.get(id);
    if (e && Date.now() - e.at < this.ttlMs) return e.value;
    const value = await this.storage.getStore(id);
    this.entries.set(id, { at: Date.now(), value });
    return value;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
