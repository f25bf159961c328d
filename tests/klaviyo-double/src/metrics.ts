/**
 * Klaviyo's metrics and mapped metrics as the double keeps them, per API key. A metric exists once an event of its
 * name was accepted (Klaviyo creates metrics from events; those sent through the API have integration "API"); its id
 * is stable per key and name. The seven mapped metrics (`revenue`, `ordered_product`, …) start unmapped and are
 * mapped with PATCH /api/mapped-metrics/{id} to an existing metric (XS tier, and at most 30 a day per key).
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;
export type Answer = { status: number; body?: unknown };
type ErrorBody = (status: number, code: string, title: string, detail: string, pointer?: string) => unknown;

export const MAPPED_METRIC_IDS = ['added_to_cart', 'cancelled_sales', 'ordered_product', 'refunded_sales', 'revenue', 'started_checkout', 'viewed_product'] as const;
const PATCHES_PER_DAY = 30;

export interface MappedMetric { apiKey: string; id: string; metricId: string | null; updated: string }

export function createMetrics(deps: { baseUrl: () => string; nowIso: () => string; clock: () => number; events: () => { apiKey: string; metric: string }[]; error: ErrorBody }) {
  const { baseUrl, nowIso, clock, events, error } = deps;
  const mapped = new Map<string, MappedMetric>();
  const patches = new Map<string, number>();
  const metricId = (apiKey: string, name: string) => createHash('sha1').update(`${apiKey}|${name}`).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  const metricsOf = (apiKey: string) => [...new Set(events().filter((e) => e.apiKey === apiKey).map((e) => e.metric))].map((name) => ({ id: metricId(apiKey, name), name }));
  const metricView = (m: { id: string; name: string }) => ({
    type: 'metric', id: m.id,
    attributes: { name: m.name, created: '2026-01-01T00:00:00+00:00', updated: '2026-01-01T00:00:00+00:00', integration: { object: 'integration', id: '0rG4eQ', key: 'api', name: 'API', category: 'API' } },
    links: { self: `${baseUrl()}/api/metrics/${m.id}/` },
  });
  const get = (apiKey: string, id: string): MappedMetric => {
    const k = `${apiKey} ${id}`;
    let m = mapped.get(k);
    if (!m) { m = { apiKey, id, metricId: null, updated: '2026-01-01T00:00:00+00:00' }; mapped.set(k, m); }
    return m;
  };
  const view = (m: MappedMetric) => ({
    type: 'mapped-metric', id: m.id, attributes: { updated: m.updated },
    relationships: {
      metric: { ...(m.metricId ? { data: { type: 'metric', id: m.metricId } } : {}), links: { self: `${baseUrl()}/api/mapped-metrics/${m.id}/relationships/metric/`, related: `${baseUrl()}/api/mapped-metrics/${m.id}/metric/` } },
    },
    links: { self: `${baseUrl()}/api/mapped-metrics/${m.id}/` },
  });
  return {
    /** Every mapped metric a key has set. */
    mapped: () => [...mapped.values()].filter((m) => m.metricId),
    clear() { mapped.clear(); patches.clear(); },
    handle(operationId: string, apiKey: string, query: Record<string, string>, body: Json | null, errors: string[], params: Record<string, string>): Answer | null {
      switch (operationId) {
        case 'get_metrics': {
          const f = query.filter;
          let list = metricsOf(apiKey);
          if (f) {
            const m = /^equals\(integration\.(name|category),"([^"]*)"\)$/.exec(f);
            if (!m) { errors.push(`filter ${f}`); return { status: 400, body: error(400, 'invalid', 'Invalid input.', `Invalid filter provided: ${f}`, '/filter') }; }
            if (m[2] !== 'API') list = [];
          }
          return { status: 200, body: { data: list.map(metricView), links: { self: `${baseUrl()}/api/metrics/` } } };
        }
        case 'get_mapped_metrics':
          return { status: 200, body: { data: MAPPED_METRIC_IDS.map((id) => view(get(apiKey, id))), links: { self: `${baseUrl()}/api/mapped-metrics/` } } };
        case 'get_mapped_metric': {
          if (!(MAPPED_METRIC_IDS as readonly string[]).includes(params.id ?? '')) return { status: 404, body: error(404, 'not_found', 'Not found.', `A mapped metric with id ${params.id ?? ''} does not exist.`, '/id') };
          return { status: 200, body: { data: view(get(apiKey, params.id!)), links: { self: `${baseUrl()}/api/mapped-metrics/${params.id!}/` } } };
        }
        case 'update_mapped_metric': {
          const data = (body?.data ?? {}) as Json;
          if (data.id !== params.id) return { status: 409, body: error(409, 'conflict', 'Conflict.', 'The id in the body does not match the id in the path.', '/data/id') };
          const day = `${apiKey} ${Math.floor(clock() / 86_400_000)}`;
          const n = (patches.get(day) ?? 0) + 1;
          if (n > PATCHES_PER_DAY) return { status: 429, body: error(429, 'throttled', 'Request was throttled.', 'Request was throttled. Daily limit of 30 reached.') };
          patches.set(day, n);
          const target = ((((data.relationships as Json | undefined)?.metric as Json | undefined)?.data as Json | undefined)?.id) as string | undefined;
          if (target && !metricsOf(apiKey).some((m) => m.id === target)) {
            return { status: 404, body: error(404, 'not_found', 'Not found.', `A metric with id ${target} does not exist.`, '/data/relationships/metric/data/id') };
          }
          const m = get(apiKey, params.id!);
          m.metricId = target ?? null;
          m.updated = nowIso();
          return { status: 200, body: { data: view(m), links: { self: `${baseUrl()}/api/mapped-metrics/${m.id}/` } } };
        }
      }
      return null;
    },
  };
}
