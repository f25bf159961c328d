/**
 * The periodic unsubscribe sync: every CONSENT_SYNC_SECONDS, for each store with a valid key, reads the profiles
 * Klaviyo updated since the store's cursor (GET /api/profiles, filter greater-than(updated,…), sorted by updated, with
 * the subscriptions field; the L tier, sent as backlog so live traffic goes first), keeps the unsubscribes and
 * suppressions it finds and the new cursor in one step. Klaviyo's webhooks are not open to every account, so this is
 * how "unsubscribed in Klaviyo on …" reaches WooCommerce: up to one interval late (plus the time Klaviyo takes to
 * update the profile). Several replicas may run it at once: what they write is the same.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { KlaviyoClient } from '../klaviyo/client.js';
import type { Storage } from '../storage/types.js';
import { CONSENT_SYNC_LOOKBACK_MS, unsubscribesOf } from '../sync/index.js';

/** Pages (of 100 profiles) read per store per run; the cursor carries on next time. */
const MAX_PAGES = 50;

export class ConsentSync {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly client: KlaviyoClient,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { everyMs: number; now?: () => number },
  ) {}

  start(): void {
    if (this.opts.everyMs <= 0) return;
    this.timer = setInterval(() => void this.run(), this.opts.everyMs);
    this.timer.unref();
  }

  /** One pass over every store; returns how many unsubscribes were found. */
  run(): Promise<number> {
    this.running ??= (async () => {
      let total = 0;
      try {
        for (const id of await this.storage.listStoreIds()) total += await this.runStore(id);
      } catch (err) {
        this.log.error({ err }, 'consent sync: reading the stores failed; will try again');
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  private async runStore(storeId: string): Promise<number> {
    const store = await this.storage.getStore(storeId);
    if (!store || store.paused || store.keyStatus === 'invalid') return 0;
    const now = (this.opts.now ?? Date.now)();
    const from = (await this.storage.consentSyncCursor(storeId)) ?? new Date(now - CONSENT_SYNC_LOOKBACK_MS).toISOString();
    let cursor = from;
    let found = 0;
    try {
      let page: string | null = null;
      for (let n = 0; n < MAX_PAGES; n++) {
        const { doc, next } = await this.client.getProfiles(store.privateKey, `greater-than(updated,${from})`, { cursor: page, sort: 'updated', priority: 'backlog' });
        // Sorted by updated: once a page is kept, everything up to its latest `updated` was seen, so the cursor moves
        // there; a run cut short (a failure, the page limit) carries on from it.
        const seen = unsubscribesOf(doc, cursor);
        found += seen.found.length;
        cursor = seen.cursor;
        await this.storage.recordKlaviyoUnsubscribes(storeId, seen.found, cursor);
        if (!next) break;
        page = next;
      }
    } catch (err) {
      this.log.warn({ err, storeId }, 'consent sync: reading Klaviyo\'s profiles failed; the next run reads on from the cursor');
    }
    if (found) this.log.info({ storeId, found }, 'consent sync: unsubscribes read from Klaviyo');
    return found;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
