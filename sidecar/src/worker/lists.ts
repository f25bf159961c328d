/**
 * The store's list as consent planning needs it: its id and opt-in process (GET /api/lists/{id}), kept for a few
 * minutes per store so a burst of orders reads it once. A list that cannot be read is planned with an unknown opt-in
 * (the subscription then goes without the consent time and Klaviyo applies the list's own setting).
 */
import type { KlaviyoClient } from '../klaviyo/client.js';
import type { ListInfo } from '../mapping/index.js';
import type { StoreCache } from '../storage/store-cache.js';

const KEEP_MS = 5 * 60_000;
/** A list that could not be read is asked again sooner. */
const RETRY_MS = 30_000;

export class ListLookup {
  private readonly known = new Map<string, { info: ListInfo; until: number }>();

  constructor(private readonly client: KlaviyoClient, private readonly stores: StoreCache, private readonly now: () => number = Date.now) {}

  async get(storeId: string): Promise<ListInfo | null> {
    const store = await this.stores.get(storeId);
    if (!store?.listId) return null;
    const cacheKey = `${storeId}|${store.listId}`;
    const hit = this.known.get(cacheKey);
    if (hit && hit.until > this.now()) return hit.info;
    let info: ListInfo;
    let keep = KEEP_MS;
    try {
      const l = await this.client.getList(store.privateKey, store.listId);
      const opt = l.optInProcess === 'single_opt_in' || l.optInProcess === 'double_opt_in' ? l.optInProcess : null;
      info = { id: store.listId, optInProcess: opt };
    } catch {
      info = { id: store.listId, optInProcess: null };
      keep = RETRY_MS;
    }
    this.known.set(cacheKey, { info, until: this.now() + keep });
    return info;
  }
}
