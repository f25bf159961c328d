/**
 * Klaviyo's OpenAPI spec, made usable by Ajv: only the served operations and the schemas they reference,
 * with OAS 3.0 `nullable` turned into JSON Schema, and `example` / `$ref` siblings dropped.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVED: Record<string, string[]> = {
  '/api/events': ['post'],
  '/api/profile-import': ['post'],
  '/api/data-privacy-deletion-jobs': ['post'],
  '/api/accounts': ['get'],
  '/api/lists': ['get'],
  '/api/lists/{id}': ['get'],
  '/api/profiles': ['get'],
  '/api/profile-subscription-bulk-create-jobs': ['post'],
  '/api/profile-subscription-bulk-delete-jobs': ['post'],
  '/api/event-bulk-create-jobs': ['post'],
  '/api/profile-bulk-import-jobs': ['post'],
  '/api/profile-bulk-import-jobs/{job_id}': ['get'],
  '/api/profile-bulk-import-jobs/{id}/import-errors': ['get'],
  '/api/catalog-items': ['get'],
  '/api/catalog-items/{id}': ['get'],
  '/api/catalog-variants': ['get'],
  '/api/catalog-variants/{id}': ['get'],
  '/api/catalog-categories': ['get'],
  '/api/catalog-categories/{id}': ['get'],
  '/api/catalog-item-bulk-create-jobs': ['post'],
  '/api/catalog-item-bulk-create-jobs/{job_id}': ['get'],
  '/api/catalog-item-bulk-update-jobs': ['post'],
  '/api/catalog-item-bulk-update-jobs/{job_id}': ['get'],
  '/api/catalog-item-bulk-delete-jobs': ['post'],
  '/api/catalog-item-bulk-delete-jobs/{job_id}': ['get'],
  '/api/catalog-variant-bulk-create-jobs': ['post'],
  '/api/catalog-variant-bulk-create-jobs/{job_id}': ['get'],
  '/api/catalog-variant-bulk-update-jobs': ['post'],
  '/api/catalog-variant-bulk-update-jobs/{job_id}': ['get'],
  '/api/catalog-variant-bulk-delete-jobs': ['post'],
  '/api/catalog-variant-bulk-delete-jobs/{job_id}': ['get'],
  '/api/catalog-category-bulk-create-jobs': ['post'],
  '/api/catalog-category-bulk-create-jobs/{job_id}': ['get'],
  '/api/catalog-category-bulk-update-jobs': ['post'],
  '/api/catalog-category-bulk-update-jobs/{job_id}': ['get'],
  '/api/catalog-category-bulk-delete-jobs': ['post'],
  '/api/catalog-category-bulk-delete-jobs/{job_id}': ['get'],
  '/api/back-in-stock-subscriptions': ['post'],
  '/api/metrics': ['get'],
  '/api/mapped-metrics': ['get'],
  '/api/mapped-metrics/{id}': ['get', 'patch'],
};

export function defaultSpecPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', '..', 'shared', 'klaviyo', 'openapi-stable.json');
}

type Json = Record<string, unknown>;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const src = node as Json;
  let out: Json = {};
  if (typeof src.$ref === 'string') {
    out = { $ref: src.$ref };
    return src.nullable ? { anyOf: [out, { type: 'null' }] } : out;
  }
  for (const [k, v] of Object.entries(src)) {
    if (k === 'example' || k === 'examples' || k === 'nullable' || k === 'x-klaviyo-ratelimit') continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, convert(pv)])) : convert(v);
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    } else {
      out = { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

export interface Operation {
  path: string;
  method: string;
  operationId: string;
  validateBody?: ValidateFunction;
  /** The 200 (or, for a job, 202) answer's schema: the double checks its own answers against it. */
  validateResponse?: ValidateFunction;
  /** For a templated path (`/api/lists/{id}`): matches a concrete path and returns its parameters. */
  match?: (path: string) => Record<string, string> | null;
  ratelimit: { burst: string; steady: string };
  /** The private key scopes the operation needs (the spec's x-klaviyo-scopes). */
  scopes: string[];
}

export function loadSpec(specPath = defaultSpecPath()): {
  version: string; operations: Map<string, Operation>; allPaths: Set<string>;
  find(method: string, path: string): { op: Operation; params: Record<string, string> } | null;
} {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { info: { version: string }; paths: Record<string, Record<string, Json>>; components: Record<string, Record<string, unknown>> };
  const wanted = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') && !wanted.has(v)) {
        wanted.add(v);
        const [, , section, name] = v.split('/');
        visit(spec.components[section!]![name!]);
      } else visit(v);
    }
  };
  for (const [path, methods] of Object.entries(SERVED)) for (const m of methods) visit(spec.paths[path]![m]);
  const components: Record<string, Record<string, unknown>> = {};
  for (const ref of wanted) {
    const [, , section, name] = ref.split('/');
    (components[section!] ??= {})[name!] = convert(spec.components[section!]![name!]);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;
  addFormats(ajv);
  // Klaviyo accepts times without an offset ("2022-11-08T00:00:00"): be no stricter than Klaviyo.
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) });
  ajv.addSchema({ $id: 'klaviyo', components }, 'klaviyo');
  const operations = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(SERVED)) {
    for (const m of methods) {
      const op = spec.paths[path]![m]!;
      const content = (op.requestBody as { content?: Record<string, { schema: { $ref: string } }> } | undefined)?.content;
      const schema = content?.['application/vnd.api+json']?.schema;
      const responses = op.responses as Record<string, { content?: Record<string, { schema: { $ref: string } }> }> | undefined;
      const ok = (responses?.['200'] ?? responses?.['202'])?.content?.['application/vnd.api+json']?.schema;
      const names: string[] = [];
      const pattern = path.includes('{')
        ? new RegExp(`^${path.replace(/\{([^}]+)\}/g, (_, n: string) => { names.push(n); return '([^/]+)'; })}$`)
        : null;
      operations.set(`${m.toUpperCase()} ${path}`, {
        path, method: m.toUpperCase(), operationId: op.operationId as string,
        validateBody: schema ? ajv.compile({ $ref: `klaviyo${schema.$ref}` }) : undefined,
        validateResponse: ok ? ajv.compile({ $ref: `klaviyo${ok.$ref}` }) : undefined,
        match: pattern ? (p: string) => {
          const hit = pattern.exec(p);
          return hit ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1]!)])) : null;
        } : undefined,
        ratelimit: op['x-klaviyo-ratelimit'] as { burst: string; steady: string },
        scopes: (op['x-klaviyo-scopes'] as string[] | undefined) ?? [],
      });
    }
  }
  const templated = [...operations.values()].filter((o) => o.match);
  /** The operation serving `METHOD path`, with the path's parameters. */
  const find = (method: string, path: string): { op: Operation; params: Record<string, string> } | null => {
    const exact = operations.get(`${method} ${path}`);
    if (exact) return { op: exact, params: {} };
    for (const o of templated) {
      if (o.method !== method) continue;
      const params = o.match!(path);
      if (params) return { op: o, params };
    }
    return null;
  };
  return { version: spec.info.version, operations, allPaths: new Set(Object.keys(spec.paths)), find };
}
