/**
 * WooCommerce product payloads -> one catalog change each (docs/how-it-works.md, Catalog). A product is a catalog
 * item (a simple product also one variant of its own, so back in stock can name it); a variation is a variant of
 * its parent's item; a product's categories are catalog categories linked to its item. Everything is sent as an
 * upsert, so the change is right whether or not Klaviyo already has the product; a product whose variations list
 * shrank loses the stale variants, a trashed product leaves the catalog with its variants.
 */
import { createHash } from 'node:crypto';
import type {
  CatalogCategoryCreate, CatalogCategoryUpdate, CatalogChange, CatalogItemCreate, CatalogItemUpdate, CatalogVariantCreate,
  CatalogVariantUpdate, KlaviyoRequest,
} from '../klaviyo/types.js';
import { parseMoney, toNumber } from './money.js';
import type { MappingResult, ProductIndexEntry } from './types.js';
import type { WooProduct } from '../woo/schemas.js';

/** Klaviyo's catalog ids: `$custom:::$default:::<external id>`; the external id is WooCommerce's own id. */
export const catalogId = (wooId: number | string): string => `$custom:::$default:::${String(wooId)}`;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#039': "'" };

/** WordPress stores term names and descriptions HTML-escaped: the text a shopper sees. */
export function plainText(html: string | null | undefined): string {
  return (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#') && /^#\d+$/.test(e)) return String.fromCodePoint(Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function price(p: WooProduct): number | null {
  const raw = typeof p.price === 'number' ? String(p.price) : p.price;
  if (!raw) return null;
  const dot = raw.indexOf('.');
  const m = parseMoney(raw, dot === -1 ? 0 : raw.length - dot - 1);
  return m ? toNumber(m) : null;
}

/**
 * What Klaviyo's back-in-stock flow compares: the managed stock count, else 1 for in stock or on backorder and 0 for
 * out of stock (a product without stock management has no count).
 */
export function inventoryQuantity(p: WooProduct): number {
  if (p.manage_stock === true && typeof p.stock_quantity === 'number') return p.stock_quantity;
  return p.stock_status === 'outofstock' ? 0 : 1;
}

const images = (p: WooProduct): string[] => [
  ...(p.image?.src ? [p.image.src] : []),
  ...(p.images ?? []).map((i) => i.src).filter((s): s is string => !!s),
];

const published = (p: WooProduct) => p.status === 'publish' && p.catalog_visibility !== 'hidden';

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** The shared attributes of an item, a variant and their updates. */
function common(p: WooProduct) {
  const imgs = images(p);
  return {
    title: p.name ?? `#${p.id}`,
    description: plainText(p.short_description) || plainText(p.description),
    url: p.permalink ?? '',
    ...(imgs.length ? { image_full_url: imgs[0]!, image_thumbnail_url: imgs[0]!, images: imgs } : {}),
    published: published(p),
  };
}

function variant(p: WooProduct, itemWooId: number): { create: CatalogVariantCreate; update: CatalogVariantUpdate } {
  const attrs = {
    ...common(p),
    sku: p.sku || String(p.id),
    inventory_quantity: inventoryQuantity(p),
    // 1: out of stock, it leaves Klaviyo's product feeds; 2: backorders are allowed, it stays.
    inventory_policy: (p.backorders && p.backorders !== 'no' ? 2 : 1) as 1 | 2,
    price: price(p) ?? 0,
  };
  return {
    create: {
      type: 'catalog-variant',
      attributes: { external_id: String(p.id), integration_type: '$custom', catalog_type: '$default', ...attrs },
      relationships: { item: { data: { type: 'catalog-item', id: catalogId(itemWooId) } } },
    },
    update: { type: 'catalog-variant', id: catalogId(p.id), attributes: attrs },
  };
}

/** The catalog request a removal (trash) of this product id becomes. */
function removal(storeId: string, id: number): KlaviyoRequest {
  // The id may be a product's or a variation's (WooCommerce trashes a variable product's variations one by one): both
  // are removed, and Klaviyo fails only the one it does not hold, inside its job.
  const body: CatalogChange = { deleteVariants: [catalogId(id)], prune: { itemId: catalogId(id), keep: [] }, deleteItems: [catalogId(id)] };
  return { kind: 'catalog', key: `woo:${storeId}:product:${id}:catalog:removed`, metric: 'removal', body };
}

export function mapProductRemoval(storeId: string, id: number): MappingResult {
  return {
    summary: { resource: 'product', resourceId: id },
    requests: [removal(storeId, id)],
    productRemoved: id,
    note: 'The product was trashed: it and its variants leave the Klaviyo catalog.',
  };
}

/** What the store's product index keeps of a product or a variation (a variation's categories are its parent's). */
export function productIndexEntry(p: WooProduct): ProductIndexEntry {
  const variation = p.type === 'variation' && !!p.parent_id;
  return {
    id: p.id,
    parentId: variation ? p.parent_id! : null,
    type: p.type,
    name: plainText(p.name) || `#${p.id}`,
    categories: variation ? [] : (p.categories ?? []).map((c) => plainText(c.name) || c.slug || String(c.id)),
    url: p.permalink || null,
  };
}

export function mapProduct(storeId: string, p: WooProduct, restored = false): MappingResult {
  const summary = { resource: 'product' as const, resourceId: p.id };
  if (p.status === 'trash') return { ...mapProductRemoval(storeId, p.id), summary };
  return { ...mapProductChange(storeId, p, restored), product: productIndexEntry(p) };
}

function mapProductChange(storeId: string, p: WooProduct, restored: boolean): MappingResult {
  const summary = { resource: 'product' as const, resourceId: p.id };
  let change: CatalogChange;
  let metric: 'product' | 'variation';
  if (p.type === 'variation') {
    const parent = p.parent_id ?? 0;
    if (!parent) return { summary, requests: [], note: 'A variation without its parent product: nothing to send.' };
    metric = 'variation';
    const v = variant(p, parent);
    // The parent item is created (never updated) from the variation when Klaviyo has none yet, so a variation that
    // arrives before its product is not refused; the product's own delivery sets the item's real content.
    const placeholder: CatalogItemCreate = {
      type: 'catalog-item',
      attributes: { external_id: String(parent), integration_type: '$custom', catalog_type: '$default', ...common(p), url: (p.permalink ?? '').replace(/\?.*$/, '') },
    };
    change = { items: { create: [placeholder], update: [] }, variants: { create: [v.create], update: [v.update] } };
  } else {
    metric = 'product';
    const cats = (p.categories ?? []).map((c) => ({ id: catalogId(c.id), name: plainText(c.name) || c.slug || String(c.id), wooId: c.id }));
    const categoryLinks = { data: cats.map((c) => ({ type: 'catalog-category' as const, id: c.id })) };
    const item = { ...common(p), price: price(p) };
    const create: CatalogItemCreate = {
      type: 'catalog-item',
      attributes: { external_id: String(p.id), integration_type: '$custom', catalog_type: '$default', ...item },
      ...(cats.length ? { relationships: { categories: categoryLinks } } : {}),
    };
    const update: CatalogItemUpdate = { type: 'catalog-item', id: catalogId(p.id), attributes: item, relationships: { categories: categoryLinks } };
    const categories: { create: CatalogCategoryCreate[]; update: CatalogCategoryUpdate[] } = {
      create: cats.map((c) => ({ type: 'catalog-category', attributes: { external_id: String(c.wooId), name: c.name, integration_type: '$custom', catalog_type: '$default' } })),
      update: cats.map((c) => ({ type: 'catalog-category', id: c.id, attributes: { name: c.name } })),
    };
    change = { ...(cats.length ? { categories } : {}), items: { create: [create], update: [update] } };
    if (p.type === 'variable') {
      // The variations are variants of their own (their deliveries); those no longer listed leave the catalog.
      change.prune = { itemId: catalogId(p.id), keep: (p.variations ?? []).map(catalogId) };
    } else {
      // A simple (or other non-variable) product is its own one variant.
      const v = variant(p, p.id);
      change.variants = { create: [v.create], update: [v.update] };
      change.prune = { itemId: catalogId(p.id), keep: [catalogId(p.id)] };
    }
  }
  // The same content is not sent twice; a restore is sent again even unchanged (its trash removed it).
  const key = `woo:${storeId}:product:${p.id}:catalog:${restored ? `restored:${p.date_modified_gmt ?? ''}:` : ''}${hash(change)}`;
  return { summary, requests: [{ kind: 'catalog', key, metric, body: change }] };
}
