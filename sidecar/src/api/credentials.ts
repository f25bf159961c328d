/**
 * Who may call which route. Every route declares its credential once, as `config: { auth }`:
 *
 * - `'admin'`: the operator's `ADMIN_TOKEN` only (create, list and remove stores, connection codes, key checks).
 * - `'store'`: a route under `/v1/stores/{storeId}`; that store's own credential (`wcks_…`) opens it, and so does the
 *   admin token (the operator's tools). Any other token (another store's credential, a rotated one, a wrong one) is
 *   `403 forbidden`, after the same work: one storage read and two constant-time compares of SHA-256 digests.
 * - `'metrics'`: the admin token or `METRICS_TOKEN`.
 * - `'none'`: no Bearer token (health, the OpenAPI document, the signed WooCommerce route, `POST /v1/connect`).
 *
 * `declareAuth` (an onRoute hook) refuses to register a route without a declaration and writes the declaration into
 * the route's OpenAPI `security` (and `x-auth`), so the document and docs/api.md's route table come from it.
 * `authenticate` (one onRequest hook) enforces it.
 *
 * Credentials and connection codes are random and kept by storage only as SHA-256 hashes; the plain value is answered
 * once, when it is issued. A connection code (`wckc_…`) is base64url JSON `{ u, s, k, i }`: the sidecar's public
 * address, the store it claims, its secret and the sidecar's id (a digest of the admin token, the same on every
 * replica), so a code pasted into another sidecar is told apart from one this sidecar never issued.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import { ConnectCodeError, ForbiddenError, UnauthorizedError } from '../errors.js';
import type { ConnectCodeRecord, CredentialStore } from '../storage/types.js';
import { STORE_ID } from './schemas.js';

export type RouteAuth = 'admin' | 'store' | 'metrics' | 'none';
export const ROUTE_AUTHS: readonly RouteAuth[] = ['admin', 'store', 'metrics', 'none'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The credential the route takes (api/credentials.ts). Every route declares one. */
    auth?: RouteAuth;
  }
}

/** OpenAPI security of each declaration. */
export const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  admin: [{ adminToken: [] }],
  store: [{ storeCredential: [] }, { adminToken: [] }],
  metrics: [{ adminToken: [] }, { metricsToken: [] }],
  none: [],
};

export const SECURITY_SCHEMES = {
  adminToken: { type: 'http', scheme: 'bearer', description: 'The sidecar\'s ADMIN_TOKEN (the operator\'s).' },
  storeCredential: { type: 'http', scheme: 'bearer', description: 'The store\'s own credential (`wcks_…`), issued by `POST /v1/connect` or `POST /v1/stores/{storeId}/credential`; it opens only that store\'s routes.' },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'The sidecar\'s METRICS_TOKEN (GET /metrics only).' },
} as const;

/** An onRoute hook: a route without `config.auth` is a programming error; the declaration becomes its OpenAPI security. */
export function declareAuth(route: RouteOptions): void {
  const auth = route.config?.auth;
  if (!auth || !ROUTE_AUTHS.includes(auth)) {
    throw new Error(`route ${String(route.method)} ${route.url} declares no credential: give it config: { auth: ${ROUTE_AUTHS.map((a) => `'${a}'`).join(' | ')} }`);
  }
  if (auth === 'store' && !route.url.startsWith('/v1/stores/:storeId')) {
    throw new Error(`route ${String(route.method)} ${route.url} takes a store credential, so it must be under /v1/stores/:storeId`);
  }
  if (route.schema) {
    const schema = route.schema as Record<string, unknown>;
    schema.security = SECURITY[auth];
    schema['x-auth'] = auth;
  }
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
/** Compared against when a store has no credential, so an unknown store costs the same compare. */
const NOTHING = digest(randomBytes(32).toString('hex'));

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Bearer ')) return null;
  const token = h.slice(7).trim();
  return token || null;
}

const opened = new WeakMap<FastifyRequest, 'admin' | 'store'>();

/** Which credential opened this request (on routes that take one). */
export function openedBy(req: FastifyRequest): 'admin' | 'store' | null {
  return opened.get(req) ?? null;
}

/** The one onRequest hook that enforces every route's declaration. */
export function authenticate(deps: { adminToken: string; metricsToken?: string; credentials: Pick<CredentialStore, 'credentialHash'> }): onRequestAsyncHookHandler {
  const admin = digest(deps.adminToken);
  const metrics = deps.metricsToken ? digest(deps.metricsToken) : null;
  return async (req) => {
    const auth = req.routeOptions.config?.auth;
    // No declaration: the not-found handler (no route matched), which answers 404 and opens nothing.
    if (auth === undefined || auth === 'none') return;
    const token = bearer(req);
    if (auth === 'store') {
      if (token === null) throw new UnauthorizedError('A Bearer store credential (or the admin token) is required.');
      const given = digest(token);
      const storeId = (req.params as { storeId?: string }).storeId ?? '';
      const stored = STORE_ID.test(storeId) ? await deps.credentials.credentialHash(storeId) : null;
      // Both compares always run, whichever matches, so no token is told apart by the time of its answer.
      const isAdmin = timingSafeEqual(given, admin);
      const isStore = timingSafeEqual(given, stored && /^[0-9a-f]{64}$/.test(stored) ? Buffer.from(stored, 'hex') : NOTHING) && stored !== null;
      if (isAdmin) opened.set(req, 'admin');
      else if (isStore) opened.set(req, 'store');
      else throw new ForbiddenError();
      return;
    }
    const given = digest(token ?? '');
    const isAdmin = token !== null && timingSafeEqual(given, admin);
    const isMetrics = token !== null && metrics !== null && timingSafeEqual(given, metrics);
    if (isAdmin || (auth === 'metrics' && isMetrics)) {
      opened.set(req, 'admin');
      return;
    }
    throw new UnauthorizedError();
  };
}

/** A new store credential: `wcks_` and 32 random bytes (base64url). Only its SHA-256 is kept. */
export function newStoreCredential(): string {
  return `wcks_${randomBytes(32).toString('base64url')}`;
}

/** Issues (or replaces) the store's credential; the one before stops working at once. Answers the plain value, once. */
export async function issueCredential(credentials: Pick<CredentialStore, 'setCredential'>, storeId: string): Promise<string> {
  const credential = newStoreCredential();
  await credentials.setCredential(storeId, sha256(credential));
  return credential;
}

/** The id connection codes carry: a digest of the admin token, so every replica (same token) has the same one. */
export function sidecarId(adminToken: string): string {
  return sha256(`wck-sidecar-id:${adminToken}`).slice(0, 16);
}

export interface ConnectClaim {
  /** The sidecar's public address. */
  u: string;
  /** The store. */
  s: string;
  /** The code's secret. */
  k: string;
  /** The sidecar's id. */
  i: string;
}

export const CONNECT_CODE_PREFIX = 'wckc_';

export function encodeConnectCode(claim: ConnectClaim): string {
  return CONNECT_CODE_PREFIX + Buffer.from(JSON.stringify(claim)).toString('base64url');
}

/** Issues a connection code for one store: answers the code (shown once) and when it expires. */
export async function issueConnectCode(
  credentials: Pick<CredentialStore, 'saveConnectCode'>,
  opts: { storeId: string; publicUrl: string; adminToken: string; ttlSeconds: number; now: number },
): Promise<{ code: string; expiresAt: number }> {
  const k = randomBytes(24).toString('base64url');
  const expiresAt = opts.now + opts.ttlSeconds * 1000;
  await credentials.saveConnectCode(sha256(k), opts.storeId, expiresAt);
  return { code: encodeConnectCode({ u: opts.publicUrl.replace(/\/+$/, ''), s: opts.storeId, k, i: sidecarId(opts.adminToken) }), expiresAt };
}

const MALFORMED = 'This is not a connection code: it should start with "wckc_" and be pasted whole, as the sidecar printed it. Nothing was changed.';

/** Reads a pasted code; anything that is not one is `connect_code_malformed`. */
export function parseConnectCode(code: string): ConnectClaim {
  const text = code.trim();
  if (!text.startsWith(CONNECT_CODE_PREFIX) || text.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(text.slice(CONNECT_CODE_PREFIX.length))) {
    throw new ConnectCodeError('connect_code_malformed', MALFORMED, 400);
  }
  let claim: unknown;
  try {
    claim = JSON.parse(Buffer.from(text.slice(CONNECT_CODE_PREFIX.length), 'base64url').toString('utf8'));
  } catch (err) {
    throw new ConnectCodeError('connect_code_malformed', MALFORMED, 400, err);
  }
  const c = claim as Partial<ConnectClaim> | null;
  if (!c || typeof c !== 'object' || typeof c.u !== 'string' || typeof c.s !== 'string' || !STORE_ID.test(c.s)
    || typeof c.k !== 'string' || c.k.length < 16 || typeof c.i !== 'string') {
    throw new ConnectCodeError('connect_code_malformed', MALFORMED, 400);
  }
  return c as ConnectClaim;
}

/**
 * The rule of a redemption, pure: the claim as pasted, what storage held before it took the code (null: not kept),
 * and whether the claimed store still exists. Answers the store the code opens, or throws why it does not.
 */
export function connectVerdict(claim: ConnectClaim, mine: string, record: ConnectCodeRecord | null, now: number): string {
  if (claim.i !== mine) {
    throw new ConnectCodeError('connect_code_other_sidecar', 'This connection code was made by another sidecar than the one at its address now '
      + '(the sidecar was reinstalled, or its admin token changed). Ask the operator for a new code. Nothing was changed.', 400);
  }
  if (!record || record.storeId !== claim.s) {
    throw new ConnectCodeError('connect_code_unknown', 'This sidecar has no such connection code (it was mistyped, or expired more than a day ago). '
      + 'Ask the operator for a new code. Nothing was changed.', 404);
  }
  if (record.revokedAt !== null) {
    throw new ConnectCodeError('connect_code_store_removed', `The store "${claim.s}" this code was made for was removed from the sidecar. `
      + 'Ask the operator for a code for a current store. Nothing was changed.', 410);
  }
  if (record.usedAt !== null) {
    throw new ConnectCodeError('connect_code_used', 'This connection code was already used; each code connects once. '
      + 'Ask the operator for a new code (or rotate the credential from the connected site). Nothing was changed.', 409);
  }
  if (record.expiresAt <= now) {
    throw new ConnectCodeError('connect_code_expired', 'This connection code has expired. Ask the operator for a new one and paste it within its time. '
      + 'Nothing was changed.', 410);
  }
  return record.storeId;
}
