/**
 * The fixed parameters of the end-to-end run: ports, database, tokens and keys. Shared by the global setup,
 * the teardown and the specs (which run in worker processes and get the rest through E2E_* variables).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(E2E_DIR, '../..');

/** E2E_PORT_BASE (default 8860) moves the three ports, so that two checkouts can run the suite side by side. */
const PORT_BASE = Number.parseInt(process.env.E2E_PORT_BASE ?? '8860', 10);
export const WP_PORT = PORT_BASE;
export const SIDECAR_PORT = PORT_BASE + 1;
export const DOUBLE_PORT = PORT_BASE + 2;
export const WP_DB = `wck_wp_${WP_PORT}`;

export const WP_URL = `http://127.0.0.1:${WP_PORT}`;
export const SIDECAR_URL = `http://127.0.0.1:${SIDECAR_PORT}`;
export const DOUBLE_URL = `http://127.0.0.1:${DOUBLE_PORT}`;

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin';

/** The sidecar's Bearer token for this run (the plugin's "Sidecar admin token"). */
export const SIDECAR_ADMIN_TOKEN = 'e2e-admin-token-7d1f0c9a5b3e4d28';

/** The only key the double accepts in this run (it is started with validKeys = [GOOD_KEY]). */
export const GOOD_KEY = 'pk_e2egood0123456789abcdef0123456789';
/** A well-formed key the double answers 401 for. */
export const REJECTED_KEY = 'pk_bad0123456789abcdef0123456789abcd';
/** Not a private key at all: the settings page refuses it before anything is sent. */
export const MALFORMED_KEY = 'sk_not_a_private_key';

/** The double's default lists (23, paged by 10): the run picks one past the first page. */
export const LIST_ID = 'L00012';
export const LIST_NAME = 'List 12';

/** stand-in (default, CI) or real (WordPress 7.1 + WooCommerce 10.0.2 from the fetched mirrors). */
export const WC_MODE: 'standin' | 'real' = process.env.WC === 'real' ? 'real' : 'standin';

export const ZIP_PATH = resolve(ROOT, 'dist/wc-klaviyo-sync.zip');
export const SCREENSHOT_DIR = resolve(ROOT, 'docs/screenshots');
export const STATE_FILE = resolve(E2E_DIR, '.state/run.json');

/** Folder of this run's logs, sockets and sidecar data (set by the global setup). */
export function runDir(): string {
  const dir = process.env.E2E_RUN_DIR;
  if (!dir) throw new Error('E2E_RUN_DIR is not set: run the specs through playwright.config.ts');
  return dir;
}

export const DOUBLE_SOCKET_NAME = 'double-control.sock';
