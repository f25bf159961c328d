/**
 * Klaviyo's revenue mapped metric counts our Placed Order, so its CLV and benchmarks include the store's orders. The
 * metric exists only once Klaviyo has received a Placed Order, so this runs after the store's first Placed Order this
 * process sent (and never again for the store while the process runs): it reads the mapping and sets it only when it
 * is not already our metric (PATCH is 30 a day). Best effort: a failure is logged and tried after the next Placed Order.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { METRICS } from '../mapping/index.js';
import type { StoreCache } from '../storage/store-cache.js';

export class RevenueMapping {
  private readonly done = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly client: KlaviyoClient, private readonly stores: StoreCache, private readonly log: FastifyBaseLogger) {}

  /** After a Placed Order was accepted by Klaviyo for this store. */
  placedOrderSent(storeId: string): Promise<void> {
    if (this.done.has(storeId)) return Promise.resolve();
    let p = this.running.get(storeId);
    if (!p) {
      p = this.ensure(storeId).finally(() => this.running.delete(storeId));
      this.running.set(storeId, p);
    }
    return p;
  }

  private async ensure(storeId: string): Promise<void> {
    try {
      const store = await this.stores.get(storeId);
      if (!store) return;
      const placed = await this.client.apiMetricId(store.privateKey, METRICS.placed);
      if (!placed) return;
      if ((await this.client.mappedMetric(store.privateKey, 'revenue')) !== placed) await this.client.mapMetric(store.privateKey, 'revenue', placed);
      this.done.add(storeId);
    } catch (err) {
      this.log.warn({ err, storeId }, 'mapping Klaviyo\'s revenue metric to Placed Order failed; will try after the next Placed Order');
    }
  }
}
