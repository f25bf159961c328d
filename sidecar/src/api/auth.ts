/** The admin token: where it comes from, and the Bearer check on every admin route. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { onRequestAsyncHookHandler } from 'fastify';
import { UnauthorizedError } from '../errors.js';
import { createOnce } from '../storage/secrets.js';

/** The admin token: ADMIN_TOKEN, or one generated on first start and kept in DATA_DIR. */
export function resolveAdminToken(dataDir: string, configured: string | undefined): { token: string; generated: boolean } {
  if (configured) return { token: configured, generated: false };
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), generated: false };
  const token = randomBytes(24).toString('base64url');
  if (!createOnce(path, token)) return { token: readFileSync(path, 'utf8').trim(), generated: false };
  return { token, generated: true };
}

/** The OpenAPI security scheme of the admin routes. */
export const ADMIN_SECURITY = [{ adminToken: [] }];

/** `Authorization: Bearer <token>`, compared in constant time; anything else is `401 unauthorized`. */
export function bearerAuth(token: string): onRequestAsyncHookHandler {
  const expected = Buffer.from(token);
  return async (req) => {
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7).trim() : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError();
  };
}
