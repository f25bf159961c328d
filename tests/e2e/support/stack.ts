/**
 * The run's stack: build if needed, start the Klaviyo double, the real sidecar and WordPress, and tear them
 * down again. The pids and folders are kept in .state/run.json so that the teardown (and the next run, after a
 * crash) stops exactly what this run started.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DOUBLE_PORT, DOUBLE_SOCKET_NAME, DOUBLE_URL, E2E_DIR, ROOT, SIDECAR_ADMIN_TOKEN, SIDECAR_PORT, SIDECAR_URL,
  STATE_FILE, WC_MODE, WP_DB, WP_PORT, ZIP_PATH,
} from './env.js';
import { isOurs, portOpen, runLogged, startDetached, stopGroup, waitForHttp, type Started } from './procs.js';

export interface RunState { runDir: string; started: Started[]; wpUp: boolean; wpUrl?: string }

const WP_BIN = resolve(ROOT, 'tests/wp/bin');

function saveState(s: RunState): void {
  mkdirSync(resolve(STATE_FILE, '..'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(s, null, 2));
}

export function loadState(): RunState | null {
  try { return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RunState; } catch { return null; }
}

/** Newest modification time of the files under the given folders (0 when none). */
function newest(paths: string[], skip: (p: string) => boolean = () => false): number {
  let max = 0;
  const walk = (p: string) => {
    if (!existsSync(p) || skip(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules') walk(join(p, e));
    } else max = Math.max(max, st.mtimeMs);
  };
  paths.forEach(walk);
  return max;
}

function mtime(p: string): number {
  return existsSync(p) ? statSync(p).mtimeMs : 0;
}

/** Runs the root build when the sidecar's server, the plugin build or the zip is missing or older than its sources. */
export function ensureBuilt(runDir: string): void {
  const server = resolve(ROOT, 'sidecar/dist/server.js');
  const sidecarStale = mtime(server) < newest([resolve(ROOT, 'sidecar/src')]);
  const pluginSources = newest([resolve(ROOT, 'plugin'), resolve(ROOT, 'admin-ui/src')], (p) => p.endsWith('/plugin/vendor'));
  const zipStale = mtime(ZIP_PATH) < pluginSources;
  if (!sidecarStale && !zipStale) return;
  runLogged('npm run build', 'npm', ['run', 'build'], { cwd: ROOT, env: process.env, log: join(runDir, 'build.log'), timeoutMs: 600_000 });
  if (!existsSync(server)) throw new Error('npm run build did not produce sidecar/dist/server.js');
  if (!existsSync(ZIP_PATH)) throw new Error('npm run build did not produce dist/wc-klaviyo-sync.zip (plugin/bin/build-zip.sh)');
}

function wpEnv(): NodeJS.ProcessEnv {
  return { ...process.env, WP_PORT: String(WP_PORT), WP_DB, WC: WC_MODE, PLUGIN: 'none' };
}

export async function startStack(): Promise<RunState> {
  const previous = loadState();
  if (previous) await stopStack(previous);

  const runDir = mkdtempSync(join(tmpdir(), 'wck-e2e-'));
  const state: RunState = { runDir, started: [], wpUp: false };
  saveState(state);
  process.env.E2E_RUN_DIR = runDir;
  try {
    ensureBuilt(runDir);
    for (const port of [WP_PORT, SIDECAR_PORT, DOUBLE_PORT]) {
      if (await portOpen(port)) throw new Error(`port ${port} is already in use: stop whatever listens there (a previous run?) and retry`);
    }

    const double = startDetached('klaviyo double', process.execPath, ['--import', 'tsx', resolve(E2E_DIR, 'support/double-server.ts'), join(runDir, DOUBLE_SOCKET_NAME)], {
      cwd: E2E_DIR, env: process.env, log: join(runDir, 'double.log'),
    });
    state.started.push(double);
    saveState(state);
    await waitForHttp(`${DOUBLE_URL}/__double/state`, { timeoutMs: 30_000, proc: double });

    const dataDir = join(runDir, 'sidecar-data');
    mkdirSync(dataDir);
    const sidecar = startDetached('sidecar', process.execPath, [resolve(ROOT, 'sidecar/dist/server.js')], {
      cwd: ROOT,
      env: {
        ...process.env, PORT: String(SIDECAR_PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: SIDECAR_ADMIN_TOKEN,
        KLAVIYO_API_BASE: DOUBLE_URL, LOG_LEVEL: 'info',
        // A failing Klaviyo call is dead-lettered after two quick attempts, so the failure spec stays short;
        // the circuit stays closed through it.
        MAX_ATTEMPTS: '2', BACKOFF_BASE_MS: '50', BACKOFF_MAX_MS: '200', CIRCUIT_THRESHOLD: '1000', KLAVIYO_TIMEOUT_MS: '5000',
      },
      log: join(runDir, 'sidecar.log'),
    });
    state.started.push(sidecar);
    saveState(state);
    await waitForHttp(`${SIDECAR_URL}/readyz`, { timeoutMs: 30_000, proc: sidecar });

    state.wpUp = true; // wp-down.sh is safe to run on a half-started WordPress
    saveState(state);
    const out = runLogged('tests/wp/bin/wp-up.sh', 'bash', [join(WP_BIN, 'wp-up.sh')], {
      cwd: ROOT, env: wpEnv(), log: join(runDir, 'wp-up.log'), timeoutMs: 900_000,
    });
    const url = /https?:\/\/127\.0\.0\.1:\d+\S*/.exec(out)?.[0]?.replace(/\/+$/, '') ?? `http://127.0.0.1:${WP_PORT}`;
    state.wpUrl = url;
    saveState(state);
    process.env.E2E_WP_URL = url;
    await waitForHttp(`${url}/wp-login.php`, { timeoutMs: 30_000 });
    return state;
  } catch (err) {
    await stopStack(state);
    throw err;
  }
}

export async function stopStack(state: RunState): Promise<void> {
  if (state.wpUp) {
    try {
      runLogged('tests/wp/bin/wp-down.sh', 'bash', [join(WP_BIN, 'wp-down.sh')], {
        cwd: ROOT, env: wpEnv(), log: join(existsSync(state.runDir) ? state.runDir : tmpdir(), 'wp-down.log'), timeoutMs: 120_000,
      });
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  for (const p of [...state.started].reverse()) if (isOurs(p)) await stopGroup(p.pid);
  if (existsSync(state.runDir)) {
    // Keep the logs of the last run beside the specs (ignored by git), drop the rest.
    const logs = resolve(E2E_DIR, '.state/logs');
    rmSync(logs, { recursive: true, force: true });
    mkdirSync(logs, { recursive: true });
    for (const f of readdirSync(state.runDir)) if (f.endsWith('.log')) cpSync(join(state.runDir, f), join(logs, f));
    rmSync(state.runDir, { recursive: true, force: true });
  }
  rmSync(STATE_FILE, { force: true });
}
