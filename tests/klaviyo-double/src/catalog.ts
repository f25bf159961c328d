/**
 * Klaviyo's catalog as the double keeps it, per API key: items, variants and categories, changed only through
 * the bulk create/update/delete jobs (at most 100 resources per job; the 5 MB limit is the server's), read
 * through GET /api/catalog-items|variants|categories (pages of at most 100), and the back-in-stock
 * subscriptions made for its variants.
 *
 * Klaviyo's rules the double keeps: ids are `$custom:::$default:::<external_id>`; creating an id that exists,
 * updating or deleting one that does not, a variant of an unknown item and a link to an unknown category or item
 * fail that one resource (an error in the job, the rest of the job is applied); an update changes only the
 * attributes it sends, and a `categories` (item) or `items` (category) relationship it sends replaces the links.
 * Deleting an item does not delete its variants (a client must delete them: stale variants stay visible).
 */
import { randomUUID } from 'node:crypto';

/** One failed resource of a catalog job, as Klaviyo lists it in the job's `errors` (APIJobErrorPayload). */
export interface JobError { id: string; code: string; title: string; detail: string; source: { pointer: string } }
/** The double's bulk-job registry (index.ts), as the catalog uses it. */
export interface CatalogJobs {
  /** Records a job of this JSON:API type and answers its 202 (queued). */
  create(type: string, apiKey: string, total: number, errors: JobError[], related: Record<string, { type: string; id: string }[]>): Answer;
  /** The job's own resource, or null when the key has no such job. */
  get(type: string, apiKey: string, id: string): Answer | null;
}

type Json = Record<string, unknown>;
export type CatalogKind = 'item' | 'variant' | 'category';

export interface CatalogItem {
  id: string; external_id: string; title: string; description: string; price: number | null; url: string;
  image_full_url: string | null; image_thumbnail_url: string | null; images: string[] | null; custom_metadata: Json | null;
  published: boolean; created: string; updated: string;
  /** Category ids the item is linked to. */
  categories: string[];
}
export interface CatalogVariant {
  id: string; external_id: string; title: string; description: string; sku: string; inventory_policy: 0 | 1 | 2;
  inventory_quantity: number; price: number; url: string; image_full_url: string | null; image_thumbnail_url: string | null;
  images: string[] | null; custom_metadata: Json | null; published: boolean; created: string; updated: string;
  /** The item id. */
  item: string;
}
export interface CatalogCategory { id: string; external_id: string; name: string; updated: string }
export interface BackInStockSubscription {
  apiKey: string; variantId: string; channels: string[]; email: string | null; phone_number: string | null; receivedAt: string;
}

export interface CatalogState {
  items: (CatalogItem & { apiKey: string })[];
  variants: (CatalogVariant & { apiKey: string })[];
  categories: (CatalogCategory & { apiKey: string })[];
}

const PREFIX = '$custom:::$default:::';
const MAX_PER_JOB = 100;
const ITEM_FIELDS = ['title', 'description', 'price', 'url', 'image_full_url', 'image_thumbnail_url', 'images', 'custom_metadata', 'published'] as const;
const VARIANT_FIELDS = ['title', 'description', 'sku', 'inventory_policy', 'inventory_quantity', 'price', 'url', 'image_full_url', 'image_thumbnail_url', 'images', 'custom_metadata', 'published'] as const;

const JOB_OPS: Record<string, { kind: CatalogKind; action: 'create' | 'update' | 'delete' }> = {
  bulk_create_catalog_items: { kind: 'item', action: 'create' },
  bulk_update_catalog_items: { kind: 'item', action: 'update' },
  bulk_delete_catalog_items: { kind: 'item', action: 'delete' },
  bulk_create_catalog_variants: { kind: 'variant', action: 'create' },
  bulk_update_catalog_variants: { kind: 'variant', action: 'update' },
  bulk_delete_catalog_variants: { kind: 'variant', action: 'delete' },
  bulk_create_catalog_categories: { kind: 'category', action: 'create' },
  bulk_update_catalog_categories: { kind: 'category', action: 'update' },
  bulk_delete_catalog_categories: { kind: 'category', action: 'delete' },
};
const JOB_GETS: Record<string, string> = {
  get_bulk_create_catalog_items_job: 'catalog-item-bulk-create-job',
  get_bulk_update_catalog_items_job: 'catalog-item-bulk-update-job',
  get_bulk_delete_catalog_items_job: 'catalog-item-bulk-delete-job',
  get_bulk_create_variants_job: 'catalog-variant-bulk-create-job',
  get_bulk_update_variants_job: 'catalog-variant-bulk-update-job',
  get_bulk_delete_variants_job: 'catalog-variant-bulk-delete-job',
  get_bulk_create_categories_job: 'catalog-category-bulk-create-job',
  get_bulk_update_categories_job: 'catalog-category-bulk-update-job',
  get_bulk_delete_categories_job: 'catalog-category-bulk-delete-job',
};
const TYPE: Record<CatalogKind, string> = { item: 'catalog-item', variant: 'catalog-variant', category: 'catalog-category' };
const LIST: Record<CatalogKind, string> = { item: 'items', variant: 'variants', category: 'categories' };

export type Answer = { status: number; body?: unknown };
type ErrorBody = (status: number, code: string, title: string, detail: string, pointer?: string) => unknown;

export function createCatalog(deps: { baseUrl: () => string; nowIso: () => string; jobs: CatalogJobs; error: ErrorBody }) {
  const { baseUrl, nowIso, jobs, error } = deps;
  const items = new Map<string, CatalogItem & { apiKey: string }>();
  const variants = new Map<string, CatalogVariant & { apiKey: string }>();
  const categories = new Map<string, CatalogCategory & { apiKey: string }>();
  const bis: BackInStockSubscription[] = [];
  /** Resources a test makes Klaviyo fail inside their jobs (a reason of Klaviyo's own), by id, with how many times left. */
  const refusals: { id: string; detail: string; left: number }[] = [];
  const k = (apiKey: string, id: string) => `${apiKey} ${id}`;
  const store = { item: items, variant: variants, category: categories } as const;

  const relIds = (rel: unknown): string[] | undefined => {
    const data = (rel as Json | undefined)?.data;
    return Array.isArray(data) ? data.map((d) => String((d as Json).id)) : undefined;
  };
  const pick = (attrs: Json, fields: readonly string[]) => Object.fromEntries(fields.filter((f) => attrs[f] !== undefined).map((f) => [f, attrs[f]]));

  /** Applies one resource of a job; a string is the resource's error. */
  const apply = (apiKey: string, kind: CatalogKind, action: 'create' | 'update' | 'delete', r: Json): string | null => {
    const attrs = (r.attributes ?? {}) as Json;
    const rels = (r.relationships ?? {}) as Json;
    const now = nowIso();
    if (action === 'create') {
      const id = `${PREFIX}${String(attrs.external_id)}`;
      if (store[kind].has(k(apiKey, id))) return `A catalog ${kind} already exists with ID ${id}.`;
      if (kind === 'item') {
        const cats = relIds(rels.categories) ?? [];
        const missing = cats.find((c) => !categories.has(k(apiKey, c)));
        if (missing) return `A catalog category with ID ${missing} does not exist.`;
        items.set(k(apiKey, id), {
          apiKey, id, external_id: String(attrs.external_id), title: String(attrs.title), description: String(attrs.description),
          price: (attrs.price as number | null | undefined) ?? null, url: String(attrs.url), image_full_url: (attrs.image_full_url as string | null | undefined) ?? null,
          image_thumbnail_url: (attrs.image_thumbnail_url as string | null | undefined) ?? null, images: (attrs.images as string[] | null | undefined) ?? null,
          custom_metadata: (attrs.custom_metadata as Json | null | undefined) ?? null, published: attrs.published !== false, created: now, updated: now, categories: [...new Set(cats)],
        });
      } else if (kind === 'variant') {
        const itemId = String(((rels.item as Json | undefined)?.data as Json | undefined)?.id ?? '');
        if (!items.has(k(apiKey, itemId))) return `A catalog item with ID ${itemId} does not exist.`;
        variants.set(k(apiKey, id), {
          apiKey, id, external_id: String(attrs.external_id), title: String(attrs.title), description: String(attrs.description), sku: String(attrs.sku),
          inventory_policy: ((attrs.inventory_policy as 0 | 1 | 2 | null | undefined) ?? 0), inventory_quantity: Number(attrs.inventory_quantity), price: Number(attrs.price),
          url: String(attrs.url), image_full_url: (attrs.image_full_url as string | null | undefined) ?? null, image_thumbnail_url: (attrs.image_thumbnail_url as string | null | undefined) ?? null,
          images: (attrs.images as string[] | null | undefined) ?? null, custom_metadata: (attrs.custom_metadata as Json | null | undefined) ?? null,
          published: attrs.published !== false, created: now, updated: now, item: itemId,
        });
      } else {
        const linked = relIds(rels.items) ?? [];
        const missing = linked.find((i) => !items.has(k(apiKey, i)));
        if (missing) return `A catalog item with ID ${missing} does not exist.`;
        categories.set(k(apiKey, id), { apiKey, id, external_id: String(attrs.external_id), name: String(attrs.name), updated: now });
        for (const i of linked) { const it = items.get(k(apiKey, i))!; if (!it.categories.includes(id)) it.categories.push(id); }
      }
      return null;
    }
    const id = String(r.id);
    const existing = store[kind].get(k(apiKey, id));
    if (!existing) return `A catalog ${kind} with ID ${id} does not exist.`;
    if (action === 'delete') {
      store[kind].delete(k(apiKey, id));
      if (kind === 'category') for (const it of items.values()) if (it.apiKey === apiKey) it.categories = it.categories.filter((c) => c !== id);
      return null;
    }
    if (kind === 'item') {
      const cats = relIds(rels.categories);
      const missing = cats?.find((c) => !categories.has(k(apiKey, c)));
      if (missing) return `A catalog category with ID ${missing} does not exist.`;
      Object.assign(existing, pick(attrs, ITEM_FIELDS), { updated: now });
      if (cats) (existing as CatalogItem).categories = [...new Set(cats)];
    } else if (kind === 'variant') {
      Object.assign(existing, pick(attrs, VARIANT_FIELDS), { updated: now });
    } else {
      const linked = relIds(rels.items);
      const missing = linked?.find((i) => !items.has(k(apiKey, i)));
      if (missing) return `A catalog item with ID ${missing} does not exist.`;
      if (typeof attrs.name === 'string') (existing as CatalogCategory).name = attrs.name;
      existing.updated = now;
      if (linked) for (const it of items.values()) {
        if (it.apiKey !== apiKey) continue;
        const has = it.categories.includes(id);
        if (linked.includes(it.id) && !has) it.categories.push(id);
        if (!linked.includes(it.id) && has) it.categories = it.categories.filter((c) => c !== id);
      }
    }
    return null;
  };

  const itemView = (it: CatalogItem) => {
    const { categories: _c, ...attrs } = it;
    const { id, ...rest } = attrs as CatalogItem & { apiKey?: string };
    delete rest.apiKey;
    return {
      type: 'catalog-item', id, attributes: rest,
      relationships: { variants: { data: [...variants.values()].filter((v) => v.item === id).map((v) => ({ type: 'catalog-variant', id: v.id })), links: { self: `${baseUrl()}/api/catalog-items/${id}/relationships/variants/`, related: `${baseUrl()}/api/catalog-items/${id}/variants/` } } },
      links: { self: `${baseUrl()}/api/catalog-items/${id}/` },
    };
  };
  const variantView = (v: CatalogVariant & { apiKey?: string }) => {
    const { id, item, apiKey: _a, ...rest } = v;
    return {
      type: 'catalog-variant', id, attributes: rest,
      relationships: { item: { data: { type: 'catalog-item', id: item }, links: { self: `${baseUrl()}/api/catalog-variants/${id}/relationships/item/`, related: `${baseUrl()}/api/catalog-variants/${id}/item/` } } },
      links: { self: `${baseUrl()}/api/catalog-variants/${id}/` },
    };
  };
  const categoryView = (c: CatalogCategory & { apiKey?: string }) => ({
    type: 'catalog-category', id: c.id, attributes: { external_id: c.external_id, name: c.name, updated: c.updated },
    relationships: { items: { data: [...items.values()].filter((i) => i.apiKey === c.apiKey && i.categories.includes(c.id)).map((i) => ({ type: 'catalog-item', id: i.id })), links: { self: `${baseUrl()}/api/catalog-categories/${c.id}/relationships/items/`, related: `${baseUrl()}/api/catalog-categories/${c.id}/items/` } } },
    links: { self: `${baseUrl()}/api/catalog-categories/${c.id}/` },
  });
  const views = { item: itemView, variant: variantView, category: categoryView } as const;

  /** The filters Klaviyo allows on each collection (the spec's list): `any(ids,[...])`, `equals(field,"v")`, `contains(field,"v")`. */
  const filterOf = (kind: CatalogKind, f: string | undefined): ((r: Json) => boolean) | string => {
    if (!f) return () => true;
    const allowed: Record<CatalogKind, Record<string, string>> = {
      item: { ids: 'any', 'category.id': 'equals', title: 'contains', published: 'equals' },
      variant: { ids: 'any', 'item.id': 'equals', sku: 'equals', title: 'contains', published: 'equals' },
      category: { ids: 'any', 'item.id': 'equals', name: 'contains' },
    };
    const tests: ((r: Json) => boolean)[] = [];
    for (const part of f.split(/,(?=(?:any|equals|contains)\()/)) {
      const m = /^(any|equals|contains)\(([a-z_.]+),\s*(.*)\)$/.exec(part.trim());
      if (!m || allowed[kind][m[2]!] !== m[1]) return `Invalid filter provided: ${part}`;
      const [, , field, raw] = m as unknown as [string, string, string, string];
      const values = raw.startsWith('[') ? raw.slice(1, -1).split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [raw.trim().replace(/^"|"$/g, '')];
      const v = values[0]!;
      if (field === 'ids') tests.push((r) => values.includes(String(r.id)));
      else if (field === 'category.id') tests.push((r) => (r.categories as string[]).includes(v));
      else if (field === 'item.id') tests.push(kind === 'variant' ? (r) => r.item === v : (r) => [...items.values()].some((i) => i.id === v && i.apiKey === r.apiKey && i.categories.includes(String(r.id))));
      else if (field === 'published') tests.push((r) => String(r.published) === v);
      else if (m[1] === 'contains') tests.push((r) => String(r[field] ?? '').includes(v));
      else tests.push((r) => String(r[field] ?? '') === v);
    }
    return (r) => tests.every((t) => t(r));
  };

  const list = (kind: CatalogKind, apiKey: string, query: Record<string, string>, errors: string[]): Answer => {
    const size = query['page[size]'] === undefined ? 100 : Number(query['page[size]']);
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      errors.push('page[size] must be between 1 and 100');
      return { status: 400, body: error(400, 'invalid', 'Invalid input.', 'page[size] must be between 1 and 100', '/page[size]') };
    }
    const test = filterOf(kind, query.filter);
    if (typeof test === 'string') { errors.push(test); return { status: 400, body: error(400, 'invalid', 'Invalid input.', test, '/filter') }; }
    const all = ([...store[kind].values()] as unknown as Json[]).filter((r) => r.apiKey === apiKey && test(r));
    const start = query['page[cursor]'] ? Number(Buffer.from(query['page[cursor]'], 'base64url').toString()) : 0;
    const page = all.slice(start, start + size);
    const links: Record<string, string> = { self: `${baseUrl()}/api/catalog-${LIST[kind]}` };
    if (start + size < all.length) links.next = `${baseUrl()}/api/catalog-${LIST[kind]}?${new URLSearchParams({ ...query, 'page[cursor]': Buffer.from(String(start + size)).toString('base64url') }).toString()}`;
    const view = views[kind] as (r: never) => unknown;
    return { status: 200, body: { data: page.map((r) => view(r as never)), links } };
  };

  return {
    state(): CatalogState {
      return { items: [...items.values()], variants: [...variants.values()], categories: [...categories.values()] };
    },
    backInStock: bis,
    clear() { items.clear(); variants.clear(); categories.clear(); bis.length = 0; refusals.length = 0; },
    /**
     * Klaviyo fails this resource (an item, variant or category id) inside the create and update jobs that carry it,
     * with `detail`, the next `times` times: as it does for a reason of its own (a value it refuses), in the job's
     * `errors`, never in the answer to the POST.
     */
    refuseResource(id: string, detail: string, times = 1) { refusals.push({ id, detail, left: times }); },
    /** The double's answer for a catalog operation, or null when the operation is not the catalog's. */
    handle(operationId: string, apiKey: string, query: Record<string, string>, body: Json | null, errors: string[], params: Record<string, string>): Answer | null {
      const job = JOB_OPS[operationId];
      if (job) {
        const data = ((body?.data as Json)?.attributes as Json)?.[LIST[job.kind]] as Json | undefined;
        const resources = (data?.data as Json[] | undefined) ?? [];
        if (resources.length > MAX_PER_JOB) {
          errors.push(`a job takes at most ${MAX_PER_JOB} resources, got ${resources.length}`);
          return { status: 400, body: error(400, 'invalid', 'Invalid input.', `A bulk job accepts up to ${MAX_PER_JOB} catalog ${LIST[job.kind]} per request.`, `/data/attributes/${LIST[job.kind]}/data`) };
        }
        if (resources.length === 0) return { status: 400, body: error(400, 'invalid', 'Invalid input.', 'A bulk job needs at least one resource.', `/data/attributes/${LIST[job.kind]}/data`) };
        const ids = resources.map((r) => (job.action === 'create' ? `${PREFIX}${String((r.attributes as Json | undefined)?.external_id)}` : String(r.id)));
        const dup = ids.find((id, i) => ids.indexOf(id) !== i);
        if (dup) return { status: 400, body: error(400, 'invalid', 'Invalid input.', `The ID ${dup} appears more than once in this job.`, `/data/attributes/${LIST[job.kind]}/data`) };
        const jobErrors: JobError[] = [];
        const touched: { type: string; id: string }[] = [];
        resources.forEach((r, i) => {
          const refusal = job.action === 'delete' ? undefined : refusals.find((x) => x.id === ids[i] && x.left > 0);
          if (refusal) {
            refusal.left--;
            jobErrors.push({ id: randomUUID(), code: 'invalid', title: 'Invalid input.', detail: refusal.detail, source: { pointer: `/data/attributes/${LIST[job.kind]}/data/${i}` } });
            return;
          }
          const failed = apply(apiKey, job.kind, job.action, r);
          if (failed) {
            const code = failed.includes('already exists') ? 'conflict' : 'not_found';
            jobErrors.push({ id: randomUUID(), code, title: code === 'conflict' ? 'Conflict.' : 'Not found.', detail: failed, source: { pointer: `/data/attributes/${LIST[job.kind]}/data/${i}` } });
          }
          else touched.push({ type: TYPE[job.kind], id: ids[i]! });
        });
        return jobs.create(`${TYPE[job.kind]}-bulk-${job.action}-job`, apiKey, resources.length, jobErrors, job.action === 'delete' ? {} : { [LIST[job.kind]]: touched });
      }
      const jobType = JOB_GETS[operationId];
      if (jobType) {
        return jobs.get(jobType, apiKey, params.job_id ?? '') ?? { status: 404, body: error(404, 'not_found', 'Not found.', `A job with id ${params.job_id ?? ''} does not exist.`, '/job_id') };
      }
      const collections: Record<string, CatalogKind> = { get_catalog_items: 'item', get_catalog_variants: 'variant', get_catalog_categories: 'category' };
      if (collections[operationId]) return list(collections[operationId], apiKey, query, errors);
      const singles: Record<string, CatalogKind> = { get_catalog_item: 'item', get_catalog_variant: 'variant', get_catalog_category: 'category' };
      const single = singles[operationId];
      if (single) {
        const r = store[single].get(k(apiKey, params.id ?? ''));
        if (!r) return { status: 404, body: error(404, 'not_found', 'Not found.', `A catalog ${single} with ID ${params.id ?? ''} does not exist.`, '/id') };
        const view = views[single] as (r: never) => unknown;
        return { status: 200, body: { data: view(r as never), links: { self: `${baseUrl()}/api/catalog-${LIST[single]}/${r.id}/` } } };
      }
      if (operationId === 'create_back_in_stock_subscription') {
        const attrs = ((body?.data as Json)?.attributes ?? {}) as Json;
        const variantId = String((((((body?.data as Json)?.relationships as Json)?.variant as Json)?.data as Json)?.id) ?? '');
        const profile = (((attrs.profile as Json | null | undefined)?.data as Json | undefined)?.attributes ?? {}) as Json;
        const channels = (attrs.channels as string[]) ?? [];
        if (!variants.has(k(apiKey, variantId))) {
          return { status: 400, body: error(400, 'invalid', 'Invalid input.', `A catalog variant with ID ${variantId} does not exist.`, '/data/relationships/variant/data/id') };
        }
        if (channels.includes('EMAIL') && typeof profile.email !== 'string') {
          return { status: 400, body: error(400, 'invalid', 'Invalid input.', 'An email is required for the EMAIL channel.', '/data/attributes/profile/data/attributes/email') };
        }
        if (channels.includes('SMS') && typeof profile.phone_number !== 'string') {
          return { status: 400, body: error(400, 'invalid', 'Invalid input.', 'A phone number is required for the SMS channel.', '/data/attributes/profile/data/attributes/phone_number') };
        }
        const email = typeof profile.email === 'string' ? profile.email : null;
        const phone = typeof profile.phone_number === 'string' ? profile.phone_number : null;
        const same = bis.find((s) => s.apiKey === apiKey && s.variantId === variantId && s.email === email && s.phone_number === phone);
        if (same) same.channels = [...new Set([...same.channels, ...channels])];
        else bis.push({ apiKey, variantId, channels, email, phone_number: phone, receivedAt: nowIso() });
        return { status: 202 };
      }
      return null;
    },
  };
}
export type Catalog = ReturnType<typeof createCatalog>;
