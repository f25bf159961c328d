/**
 * Klaviyo REST client (revision from the generated spec). One undici keep-alive pool per base URL.
 * Every failure becomes a typed KlaviyoError; the retry policy decides what happens next.
 */
import { Pool } from 'undici';
import { CircuitBreaker } from './circuit-breaker.js';
import type { KlaviyoError } from './errors.js';
import { errorFromResponse, KlaviyoCircuitOpenError, KlaviyoJobFailedError, KlaviyoJobTimeoutError, KlaviyoNetworkError, type KlaviyoErrorItem } from './errors.js';
import { catalogFailureMessage, catalogFailures, type CatalogKind, type CatalogStep } from './catalog-results.js';
import { KLAVIYO_REVISION } from './generated/ratelimits.js';
import { accountIdForKey, type Operation, type Priority, type RateLimiter } from './rate-limiter.js';
import type {
  AccountsResponse, BackInStockBody, CatalogJobDocument, BulkEventsBody, BulkProfilesBody, CatalogChange, CatalogVariantsResponse, GetListResponse, ImportErrorItem,
  ImportErrorsResponse, KlaviyoRequest, ListsResponse, MappedMetricResponse, MappedMetricUpdateBody, MetricsResponse, ProfileImportJob,
  ProfileImportJobDocument, ProfileImportJobResponse, ProfilesResponse,
} from './types.js';

/** Klaviyo's catalog bulk jobs take at most 100 resources each. */
export const CATALOG_JOB_MAX = 100;

const CATALOG_LIST: Record<CatalogKind, string> = { category: 'categories', item: 'items', variant: 'variants' };
const catalogResourceId = (externalId: string) => `$custom:::$default:::${externalId}`;

function chunks<T>(xs: readonly T[], n = CATALOG_JOB_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export interface KlaviyoClientOptions {
  baseUrl: string;
  /** Polling of catalog bulk jobs: the first wait, the longest between polls (doubling), and how long in all. */
  catalogJobs?: { firstPollMs?: number; maxPollMs?: number; maxWaitMs?: number };
  timeoutMs?: number;
  connections?: number;
  limiter?: RateLimiter;
  breaker?: CircuitBreaker;
}

export interface SendResult {
  status: number;
  body: unknown;
}

export interface KlaviyoList {
  id: string;
  name: string;
  optInProcess: string | null;
}

function importJob(data: ProfileImportJobResponse['data'] | ProfileImportJobDocument['data']): ProfileImportJob {
  const a = data.attributes;
  return { id: data.id, status: a.status, total: a.total_count, completed: a.completed_count ?? 0, failed: a.failed_count ?? 0 };
}

export class KlaviyoClient {
  private readonly pool: Pool;
  private readonly origin: string;
  private readonly basePath: string;
  readonly breaker: CircuitBreaker;

  constructor(private readonly opts: KlaviyoClientOptions) {
    const url = new URL(opts.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    const timeout = opts.timeoutMs ?? 10_000;
    this.pool = new Pool(this.origin, {
      connections: opts.connections ?? 32,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connectTimeout: Math.min(timeout, 10_000),
    });
    this.breaker = opts.breaker ?? new CircuitBreaker();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Sends one mapped request: an event (POST /api/events), a profile upsert (POST /api/profile-import), or a
   * subscription job (POST /api/profile-subscription-bulk-create-jobs / -delete-jobs, several profiles merged), or a
   * profile's deletion (POST /api/data-privacy-deletion-jobs, S tier: 3/s, 60/m).
   */
  send(apiKey: string, request: KlaviyoRequest, priority: Priority = 'live'): Promise<SendResult> {
    switch (request.kind) {
      case 'event':
        return this.call(apiKey, 'POST', '/api/events', 'POST /api/events', request.body, priority);
      case 'profile':
        return this.call(apiKey, 'POST', '/api/profile-import', 'POST /api/profile-import', request.body, priority);
      case 'subscribe':
        return this.call(apiKey, 'POST', '/api/profile-subscription-bulk-create-jobs', 'POST /api/profile-subscription-bulk-create-jobs', request.body, priority);
      case 'unsubscribe':
        return this.call(apiKey, 'POST', '/api/profile-subscription-bulk-delete-jobs', 'POST /api/profile-subscription-bulk-delete-jobs', request.body, priority);
      case 'catalog':
        return this.sendCatalog(apiKey, request.body, priority);
      case 'store':
        return Promise.reject(new Error('A store action is run by the worker\'s StoreActions, not sent to Klaviyo.'));
      case 'back_in_stock':
        return this.createBackInStock(apiKey, request.body, priority);
      case 'privacy_deletion':
        return this.call(apiKey, 'POST', '/api/data-privacy-deletion-jobs', 'POST /api/data-privacy-deletion-jobs', request.body, priority);
    }
  }

  /**
   * A catalog change as catalog bulk jobs (L tier, 100 resources each), one after another: categories, items and
   * variants each as a create job then an update job (an upsert: Klaviyo fails only the resources a job cannot
   * apply, inside the job), then the item's variants Klaviyo holds that the product no longer has, then deleted
   * items. Klaviyo answers each job 202 and applies it later: each is polled (GET on the job) until it is complete
   * before the next is sent, so an update never runs before its create, and the resources the jobs failed
   * (catalog-results.ts) fail the change with Klaviyo's reasons (KlaviyoJobFailedError, dead like a 400). A failed
   * request, or a job not finished in time (KlaviyoJobTimeoutError, retried), stops the change; sent again, every
   * step gives the same end state.
   */
  private async sendCatalog(apiKey: string, change: CatalogChange, priority: Priority): Promise<SendResult> {
    const steps: CatalogStep[] = [];
    const job = async (kind: CatalogKind, action: CatalogStep['action'], data: readonly object[]) => {
      const list = CATALOG_LIST[kind];
      const path = `/api/catalog-${kind}-bulk-${action}-jobs` as const;
      for (const part of chunks(data)) {
        const ids = part.map((r) => {
          const res = r as { id?: string; attributes?: { external_id?: string } };
          return action === 'create' ? catalogResourceId(res.attributes?.external_id ?? '') : res.id ?? '';
        });
        const res = await this.call(apiKey, 'POST', path, `POST ${path}` as Operation, { data: { type: `catalog-${kind}-bulk-${action}-job`, attributes: { [list]: { data: part } } } }, priority);
        const posted = (res.body as CatalogJobDocument | null)?.data;
        const done = posted?.id ? await this.awaitCatalogJob(apiKey, path, posted, priority) : null;
        steps.push({ kind, action, ids, errors: (done?.attributes.errors ?? []) as KlaviyoErrorItem[] });
      }
    };
    if (change.categories) {
      await job('category', 'create', change.categories.create);
      await job('category', 'update', change.categories.update);
    }
    if (change.items) {
      await job('item', 'create', change.items.create);
      await job('item', 'update', change.items.update);
    }
    if (change.variants) {
      await job('variant', 'create', change.variants.create);
      await job('variant', 'update', change.variants.update);
    }
    if (change.deleteVariants?.length) {
      await job('variant', 'delete', change.deleteVariants.map((id) => ({ type: 'catalog-variant', id })));
    }
    if (change.prune) {
      const held = await this.catalogVariantIds(apiKey, change.prune.itemId, priority);
      const stale = held.filter((id) => !change.prune!.keep.includes(id));
      await job('variant', 'delete', stale.map((id) => ({ type: 'catalog-variant', id })));
    }
    if (change.deleteItems?.length) {
      await job('item', 'delete', change.deleteItems.map((id) => ({ type: 'catalog-item', id })));
    }
    const failures = catalogFailures(steps);
    if (failures.length) {
      throw new KlaviyoJobFailedError(catalogFailureMessage(failures), 202, failures.map((f) => ({ ...f.error, meta: { resource: `${f.kind} ${f.id}`, action: f.action } })));
    }
    return { status: 202, body: null };
  }

  /** Polls a catalog job (GET …-jobs/{job_id}, its own tier) until Klaviyo finished it; a job not finished in time is a KlaviyoJobTimeoutError. */
  private async awaitCatalogJob(apiKey: string, path: string, posted: CatalogJobDocument['data'], priority: Priority): Promise<CatalogJobDocument['data']> {
    const { firstPollMs = 100, maxPollMs = 2000, maxWaitMs = 60_000 } = this.opts.catalogJobs ?? {};
    const until = Date.now() + maxWaitMs;
    let job = posted;
    for (let wait = firstPollMs; job.attributes.status !== 'complete' && job.attributes.status !== 'cancelled'; wait = Math.min(wait * 2, maxPollMs)) {
      if (Date.now() + wait > until) {
        throw new KlaviyoJobTimeoutError(`Klaviyo had not finished the catalog job ${job.id} (${path}) after ${maxWaitMs < 10_000 ? `${maxWaitMs} ms` : `${Math.round(maxWaitMs / 1000)} s`}; the change is sent again.`, null);
      }
      await new Promise((r) => setTimeout(r, wait));
      const res = await this.call(apiKey, 'GET', `${path}/${encodeURIComponent(job.id)}`, `GET ${path}/{job_id}` as Operation, undefined, priority);
      job = (res.body as CatalogJobDocument).data;
    }
    return job;
  }

  /** The ids of an item's variants in Klaviyo's catalog: GET /api/catalog-variants?filter=equals(item.id,…), every page. */
  async catalogVariantIds(apiKey: string, itemId: string, priority: Priority = 'live'): Promise<string[]> {
    const ids: string[] = [];
    const q = new URLSearchParams({ filter: `equals(item.id,${JSON.stringify(itemId)})`, 'page[size]': '100', 'fields[catalog-variant]': 'external_id' });
    let path: string | null = `/api/catalog-variants?${q.toString()}`;
    for (let page = 0; path && page < 100; page++) {
      const res = await this.call(apiKey, 'GET', path, 'GET /api/catalog-variants', undefined, priority);
      const doc = res.body as CatalogVariantsResponse;
      for (const v of doc.data) ids.push(v.id);
      const next = doc.links?.next;
      if (!next) path = null;
      else {
        const u = new URL(next, this.origin);
        path = `${u.pathname.slice(this.basePath.length) || u.pathname}${u.search}`;
      }
    }
    return ids;
  }

  /** The id of the account's metric of this name sent through the API (GET /api/metrics, M tier), or null. */
  async apiMetricId(apiKey: string, name: string): Promise<string | null> {
    const q = new URLSearchParams({ filter: 'equals(integration.name,"API")' });
    const res = await this.call(apiKey, 'GET', `/api/metrics?${q.toString()}`, 'GET /api/metrics', undefined, 'backlog');
    return (res.body as MetricsResponse).data.find((m) => m.attributes.name === name)?.id ?? null;
  }

  /** The metric a mapped metric (`revenue`, …) counts, or null: GET /api/mapped-metrics/{id} (S tier). */
  async mappedMetric(apiKey: string, id: 'revenue'): Promise<string | null> {
    const res = await this.call(apiKey, 'GET', `/api/mapped-metrics/${id}`, 'GET /api/mapped-metrics/{id}', undefined, 'backlog');
    return (res.body as MappedMetricResponse).data.relationships?.metric?.data?.id ?? null;
  }

  /** Maps a mapped metric to a metric: PATCH /api/mapped-metrics/{id} (XS tier, 30 a day). */
  async mapMetric(apiKey: string, id: 'revenue', metricId: string): Promise<void> {
    const body: MappedMetricUpdateBody = { data: { type: 'mapped-metric', id, relationships: { metric: { data: { type: 'metric', id: metricId } } } } };
    await this.call(apiKey, 'PATCH', `/api/mapped-metrics/${id}`, 'PATCH /api/mapped-metrics/{id}', body, 'backlog');
  }

  /** A back-in-stock subscription for a catalog variant: POST /api/back-in-stock-subscriptions (XL tier). */
  async createBackInStock(apiKey: string, body: BackInStockBody, priority: Priority = 'live'): Promise<SendResult> {
    return this.call(apiKey, 'POST', '/api/back-in-stock-subscriptions', 'POST /api/back-in-stock-subscriptions', body, priority);
  }

  /** One list with its opt-in process: GET /api/lists/{id} (M tier). */
  async getList(apiKey: string, listId: string): Promise<KlaviyoList> {
    const res = await this.call(apiKey, 'GET', `/api/lists/${encodeURIComponent(listId)}`, 'GET /api/lists/{id}');
    const l = (res.body as GetListResponse).data;
    return { id: l.id, name: l.attributes.name ?? l.id, optInProcess: l.attributes.opt_in_process ?? null };
  }

  /**
   * Profiles with their `subscriptions` field: GET /api/profiles?filter=…&additional-fields[profile]=subscriptions
   * (L tier). `cursor`: a `links.next` of the page before. Returns the page and the next one's path, if any.
   */
  async getProfiles(apiKey: string, filter: string, opts: { cursor?: string | null; pageSize?: number; sort?: string; priority?: Priority } = {}): Promise<{ doc: ProfilesResponse; next: string | null }> {
    let path: string;
    if (opts.cursor) path = opts.cursor;
    else {
      const q = new URLSearchParams({ filter, 'additional-fields[profile]': 'subscriptions', 'page[size]': String(opts.pageSize ?? 100) });
      if (opts.sort) q.set('sort', opts.sort);
      path = `/api/profiles?${q.toString()}`;
    }
    const res = await this.call(apiKey, 'GET', path, 'GET /api/profiles', undefined, opts.priority ?? 'live');
    const doc = res.body as ProfilesResponse;
    let next: string | null = null;
    if (doc.links?.next) {
      const u = new URL(doc.links.next, this.origin);
      next = `${u.pathname.slice(this.basePath.length) || u.pathname}${u.search}`;
    }
    return { doc, next };
  }

  /** Checks a key: GET /api/accounts (XS tier: 1/s, 15/m; call it on save, never per request). */
  async getAccount(apiKey: string): Promise<{ id: string; name: string | null }> {
    const res = await this.call(apiKey, 'GET', '/api/accounts', 'GET /api/accounts');
    const doc = res.body as AccountsResponse;
    const acc = doc.data[0];
    return { id: acc?.id ?? '', name: acc?.attributes.contact_information?.organization_name ?? null };
  }

  /** Every list of the account, following links.next (Klaviyo pages lists by 10). */
  async getAllLists(apiKey: string): Promise<KlaviyoList[]> {
    const lists: KlaviyoList[] = [];
    let path: string | null = '/api/lists?page%5Bsize%5D=10';
    for (let page = 0; path && page < 1000; page++) {
      const res = await this.call(apiKey, 'GET', path, 'GET /api/lists');
      const doc = res.body as ListsResponse;
      for (const l of doc.data) {
        lists.push({ id: l.id, name: l.attributes.name ?? l.id, optInProcess: l.attributes.opt_in_process ?? null });
      }
      const next = doc.links?.next;
      if (!next) path = null;
      else {
        const u = new URL(next, this.origin);
        path = `${u.pathname.slice(this.basePath.length) || u.pathname}${u.search}`;
      }
    }
    return lists;
  }

  /**
   * A batch of events: POST /api/event-bulk-create-jobs (M tier: 10/s, 150/m; at most 1,000 events and 5 MB).
   * Klaviyo answers 202 without a job resource (the spec has none for event jobs); a refused body is a 400.
   */
  async bulkCreateEvents(apiKey: string, body: BulkEventsBody, priority: Priority = 'backlog'): Promise<void> {
    await this.call(apiKey, 'POST', '/api/event-bulk-create-jobs', 'POST /api/event-bulk-create-jobs', body, priority);
  }

  /** A batch of profiles: POST /api/profile-bulk-import-jobs (M tier; at most 10,000 profiles and 5 MB). Never subscribes. */
  async bulkImportProfiles(apiKey: string, body: BulkProfilesBody, priority: Priority = 'backlog'): Promise<ProfileImportJob> {
    const res = await this.call(apiKey, 'POST', '/api/profile-bulk-import-jobs', 'POST /api/profile-bulk-import-jobs', body, priority);
    return importJob((res.body as ProfileImportJobResponse).data);
  }

  /** Where a profile import job is: GET /api/profile-bulk-import-jobs/{job_id} (M tier). */
  async getProfileImportJob(apiKey: string, jobId: string, priority: Priority = 'backlog'): Promise<ProfileImportJob> {
    const res = await this.call(apiKey, 'GET', `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}`, 'GET /api/profile-bulk-import-jobs/{job_id}', undefined, priority);
    return importJob((res.body as ProfileImportJobDocument).data);
  }

  /** Every per-record error of a profile import job, following links.next: GET …/{id}/import-errors (M tier, 100 a page). */
  async getProfileImportErrors(apiKey: string, jobId: string, priority: Priority = 'backlog'): Promise<ImportErrorItem[]> {
    const out: ImportErrorItem[] = [];
    let path: string | null = `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}/import-errors?page%5Bsize%5D=100`;
    for (let page = 0; path && page < 10_000; page++) {
      const res = await this.call(apiKey, 'GET', path, 'GET /api/profile-bulk-import-jobs/{id}/import-errors', undefined, priority);
      const doc = res.body as ImportErrorsResponse;
      for (const e of doc.data) {
        out.push({ code: e.attributes.code, detail: e.attributes.detail, pointer: e.attributes.source.pointer ?? null, payload: e.attributes.original_payload ?? null });
      }
      const next = doc.links?.next;
      if (!next) path = null;
      else {
        const u = new URL(next, this.origin);
        path = `${u.pathname.slice(this.basePath.length) || u.pathname}${u.search}`;
      }
    }
    return out;
  }

  private async call(apiKey: string, method: 'GET' | 'POST' | 'PATCH', path: string, operation: Operation, body?: unknown, priority: Priority = 'live'): Promise<SendResult> {
    const account = accountIdForKey(apiKey);
    const blocked = this.breaker.check(account);
    if (blocked > 0) throw new KlaviyoCircuitOpenError(blocked);
    await this.opts.limiter?.acquire(account, operation, priority);
    let status: number;
    let text: string;
    let headers: Record<string, string | string[] | undefined>;
    try {
      const res = await this.pool.request({
        method,
        path: this.basePath + path,
        headers: {
          authorization: `Klaviyo-API-Key ${apiKey}`,
          revision: KLAVIYO_REVISION,
          accept: 'application/vnd.api+json',
          ...(body === undefined ? {} : { 'content-type': 'application/vnd.api+json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (err) {
      this.breaker.failure(account);
      const code = (err as { code?: string }).code ?? 'error';
      throw new KlaviyoNetworkError(`Klaviyo could not be reached (${code}).`, err);
    }
    this.opts.limiter?.observe(account, operation, headers);
    if (status >= 200 && status < 300) {
      this.breaker.success(account);
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { status, body: parsed };
    }
    const error: KlaviyoError = errorFromResponse(status, text, headers);
    if (error.errorClass === 'server') this.breaker.failure(account);
    else this.breaker.success(account);
    if (error.errorClass === 'rate_limited') {
      const wait = (error as { retryAfterMs?: number | null }).retryAfterMs;
      this.opts.limiter?.throttled(account, operation, wait ?? null);
    }
    throw error;
  }
}
