/** The admin token: where it comes from (the Bearer checks are in credentials.ts). */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
