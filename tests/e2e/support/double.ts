/** What the Klaviyo double received, and its fault switches (used by the specs). */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DOUBLE_SOCKET_NAME, DOUBLE_URL, runDir } from './env.js';

export interface DoubleRequest {
  id: number; at: string; method: string; path: string; query: Record<string, string>;
  headers: Record<string, string>; body: unknown; status: number; validationErrors: string[]; fault?: string;
}
export interface DoubleEvent {
  metric: string; uniqueId: string | null; profile: Record<string, unknown>; properties: Record<string, unknown>;
  value?: number | null; apiKey: string; receivedAt: string;
  /** Sent with `backfill: true` (recorded, no flow fires). */
  backfill?: boolean;
}
export interface DoubleState {
  events: DoubleEvent[]; requests: Record<string, number>; invalid: DoubleRequest[];
  /** Accepted data-privacy-deletion-jobs, with the identifier asked for. */
  deletions: { identifier: { email?: string }; profilesDeleted: number; eventsDeleted: number }[];
}

function fromSocket<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath: join(runDir(), DOUBLE_SOCKET_NAME), path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T); } catch (err) { reject(err); }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${DOUBLE_URL}/__double/${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`double control ${method} ${path}: HTTP ${res.status}`);
  return res.json();
}

export const double = {
  /** Every request the double received, in order, with its body and the status it answered. */
  requests: () => fromSocket<DoubleRequest[]>('/requests'),
  /** Accepted events (deduplicated by unique_id, as Klaviyo does). */
  events: () => fromSocket<DoubleEvent[]>('/events'),
  state: () => control('GET', 'state') as Promise<DoubleState>,
  /** Makes the next `count` requests under `paths` fail with `status`. */
  failWith: (status: 500 | 502 | 503, paths: string[], count = 10_000) => control('POST', 'faults', { kind: 'status', status, paths, count }),
  clearFaults: () => control('DELETE', 'faults'),
  /** Klaviyo answers 401 to this key (as for a key revoked in Klaviyo) until it is restored. */
  revokeKey: (key: string) => control('POST', 'keys/revoke', { key }),
  restoreKey: (key: string) => control('POST', 'keys/restore', { key }),
};

/** The unique_id of a request body sent to POST /api/events, when it is one. */
export function uniqueIdOf(r: DoubleRequest): string | undefined {
  const attrs = (r.body as { data?: { attributes?: { unique_id?: unknown } } } | null)?.data?.attributes;
  return typeof attrs?.unique_id === 'string' ? attrs.unique_id : undefined;
}

export function metricOf(r: DoubleRequest): string | undefined {
  const attrs = (r.body as { data?: { attributes?: { metric?: { data?: { attributes?: { name?: unknown } } } } } } | null)?.data?.attributes;
  const name = attrs?.metric?.data?.attributes?.name;
  return typeof name === 'string' ? name : undefined;
}

/** POST /api/events requests for one metric and order (OrderId in the properties). */
export function orderEventRequests(all: DoubleRequest[], metric: string, orderId: number): DoubleRequest[] {
  return all.filter((r) => {
    if (r.method !== 'POST' || r.path !== '/api/events' || metricOf(r) !== metric) return false;
    const props = (r.body as { data?: { attributes?: { properties?: { OrderId?: unknown } } } } | null)?.data?.attributes?.properties;
    return Number(props?.OrderId) === orderId;
  });
}
