/**
 * A WordPress with the plugin's history routes for sidecar tests: `history/products`, `history/customers` and `history/orders` answer
 * pages of the given records (WooCommerce webhook JSON) ordered by date_modified_gmt then id, keyset cursor
 * `<date_modified_gmt>|<id>`, `modifiedAfter` and `limit` (0: the total only), after checking the signature and the
 * 5-minute window as the plugin does. Pages can be made to fail or be slow. The plugin's own side is tested in tests/wp.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { buildCustomer, buildOrder } from './builders.js';

type Rec = Record<string, unknown> & { id: number; date_modified_gmt: string };

export interface FakeHistoryWp {
  url: string;
  orders: Rec[];
  customers: Rec[];
  products: Rec[];
  /** Statuses the next page requests answer with, in order. */
  failNext: number[];
  /** Milliseconds each page waits before answering. */
  delayMs: number;
  /** Pages answered, as `resource after limit`. */
  calls: { resource: string; after: string | null; limit: number; modifiedAfter: string | null }[];
  close(): Promise<void>;
}

const keyOf = (r: Rec) => `${r.date_modified_gmt}|${String(r.id).padStart(12, '0')}`;

export function fakeHistoryWp(secret: string): Promise<FakeHistoryWp> {
  const wp: FakeHistoryWp = { url: '', orders: [], customers: [], products: [], failNext: [], delayMs: 0, calls: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const send = (status: number, b: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(b)); };
      const m = /rest_route=\/wc-klaviyo-sync-sidecar\/v1\/history\/(orders|customers|products)$/.exec(decodeURIComponent(req.url ?? ''));
      if (!m) return send(404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
      if (req.headers['x-wck-signature'] !== createHmac('sha256', secret).update(raw).digest('base64')) {
        return send(401, { code: 'wck_invalid_signature', message: 'The signature does not match.', data: { status: 401 } });
      }
      const body = JSON.parse(raw) as { after: string | null; modifiedAfter: string | null; limit: number; sentAt: string };
      if (Math.abs(Date.parse(body.sentAt) - Date.now()) > 300_000) return send(401, { code: 'wck_stale', message: 'sentAt is outside the 5-minute window.', data: { status: 401 } });
      const resource = m[1]!;
      wp.calls.push({ resource, after: body.after, limit: body.limit, modifiedAfter: body.modifiedAfter });
      const answer = () => {
        const fail = wp.failNext.shift();
        if (fail) return send(fail, { code: 'wck_fail', message: `failing with ${fail}`, data: { status: fail } });
        const since = body.modifiedAfter ? body.modifiedAfter.replace(/Z$/, '').slice(0, 19) : null;
        const all = (resource === 'orders' ? wp.orders : resource === 'products' ? wp.products : wp.customers).filter((r) => since === null || r.date_modified_gmt >= since).sort((a, b) => keyOf(a) < keyOf(b) ? -1 : 1);
        const rest = body.after === null ? all : all.filter((r) => keyOf(r) > body.after!);
        const items = rest.slice(0, body.limit);
        const next = body.limit === 0 ? body.after : rest.length > items.length ? keyOf(items.at(-1)!) : null;
        send(200, { items, next, total: all.length });
      };
      if (wp.delayMs) setTimeout(answer, wp.delayMs); else answer();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    wp.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    wp.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
    resolve(wp);
  }));
}

/** `n` completed orders (one line item, 30.00) of `shoppers` emails, modified one minute apart from 2025-01-01. */
export function historyOrders(n: number, shoppers: number, firstId = 1000): Rec[] {
  return Array.from({ length: n }, (_, i) => {
    const id = firstId + i;
    const t = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString().slice(0, 19);
    return {
      ...buildOrder({ id, status: 'completed', items: 1, email: `shopper${i % shoppers}@example.com`, paidAt: t, completedAt: t }),
      date_created_gmt: t, date_modified_gmt: t, date_paid_gmt: t, date_completed_gmt: t,
    } as unknown as Rec;
  });
}

/** `n` customers, each with a consent record (history must never subscribe them). */
export function historyCustomers(n: number, firstId = 10): Rec[] {
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.UTC(2024, 11, 1) + i * 60_000).toISOString().slice(0, 19);
    const c = buildCustomer({ id: firstId + i, email: `shopper${i}@example.com` });
    return {
      ...c, date_modified_gmt: t,
      meta_data: [{ id: 1, key: '_wck_consent', value: [{ channel: 'email', status: 'granted', label: 'Email me offers', at: `${t}Z`, source: 'account_page' }] }],
    } as unknown as Rec;
  });
}
