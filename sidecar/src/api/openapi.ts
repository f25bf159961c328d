/**
 * The OpenAPI 3.1 document, built by @fastify/swagger from the routes' zod schemas (fastify-type-provider-zod's
 * transforms). Named schemas (`meta({ id })`) become components; those no operation reaches are dropped.
 */
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { SECURITY_SCHEMES } from './credentials.js';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const OPENAPI_INFO = {
  title: 'WooCommerce → Klaviyo sync sidecar',
  version: '1',
  description: 'Each operation\'s `security` (and `x-auth`) says which Bearer token it takes: `admin` (the operator\'s ADMIN_TOKEN), '
    + '`store` (the store\'s own credential, or the admin token), `metrics` (the admin token or METRICS_TOKEN), `none`. '
    + 'Errors are `{ "error": { "code", "message", "details"? } }`. Times are ISO 8601 UTC; ids are strings.',
};

type Doc = { components?: { schemas?: Record<string, unknown> }; [k: string]: unknown };

/**
 * fastify-type-provider-zod names a component's request-side copy `<name>Input`. Where that copy is the same as the
 * component (no default or transform tells them apart), references to it are pointed at the component.
 */
export function foldInputCopies<T extends Doc>(doc: T): T {
  const schemas = doc.components?.schemas ?? {};
  const same = new Map<string, string>();
  for (const name of Object.keys(schemas)) {
    const base = name.endsWith('Input') ? name.slice(0, -'Input'.length) : '';
    if (base && base in schemas && JSON.stringify(schemas[name]) === JSON.stringify(schemas[base])) {
      same.set(`#/components/schemas/${name}`, `#/components/schemas/${base}`);
    }
  }
  if (!same.size) return doc;
  return JSON.parse(JSON.stringify(doc), (key, value: unknown) => (key === '$ref' && typeof value === 'string' ? same.get(value) ?? value : value)) as T;
}

/** Drops the components nothing outside `components.schemas` reaches (following references through components). */
export function pruneComponents<T extends Doc>(doc: T): T {
  const schemas = doc.components?.schemas ?? {};
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!reached.has(name)) {
          reached.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  const { components, ...rest } = doc;
  visit(rest);
  const kept = Object.fromEntries(Object.keys(schemas).filter((n) => reached.has(n)).sort().map((n) => [n, schemas[n]]));
  return { ...doc, components: { ...components, schemas: kept } };
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const transformObject = createJsonSchemaTransformObject({});
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: SECURITY_SCHEMES,
      },
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (input) => pruneComponents(foldInputCopies(transformObject(input) as Doc)) as ReturnType<typeof transformObject>,
  });
}
