/** Starting, waiting for and stopping the services of the run (double, sidecar, WordPress). */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';

export interface Started { name: string; pid: number; log: string; marker: string }

/** Starts a long-running process in its own process group, output to a log file. */
export function startDetached(name: string, cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: string }): Started {
  const fd = openSync(opts.log, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd} ${args.join(' ')}`);
  child.unref();
  return { name, pid: child.pid, log: opts.log, marker: args.join(' ') };
}

/** Runs a command to completion with its output in a log file; throws with the log's tail when it fails. */
export function runLogged(name: string, cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: string; timeoutMs: number }): string {
  const fd = openSync(opts.log, 'a');
  // stdin, stdout and stderr all go to files: a server started in the background by the command would
  // otherwise keep a pipe open and the wait would never end.
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], timeout: opts.timeoutMs });
  closeSync(fd);
  const out = readFileSync(opts.log, 'utf8');
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${name} failed (${why}); last output:\n${out.split('\n').slice(-40).join('\n')}`);
  }
  return out;
}

export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** True when pid still runs the command it was started with (a pid from a crashed run may have been reused). */
export function isOurs(p: Started): boolean {
  try {
    return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ').includes(p.marker);
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL after a grace period. Only ever called with pids this run started. */
export async function stopGroup(pid: number, graceMs = 8000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try { process.kill(-pid, s); } catch { try { process.kill(pid, s); } catch { /* gone */ } }
  };
  if (!alive(pid)) return;
  signal('SIGTERM');
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) signal('SIGKILL');
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

/** Polls a URL until it answers with the expected status (or the process died, or time ran out). */
export async function waitForHttp(url: string, opts: { status?: number; timeoutMs: number; proc?: Started }): Promise<void> {
  const until = Date.now() + opts.timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (opts.proc && !alive(opts.proc.pid)) {
      throw new Error(`${opts.proc.name} exited while starting; log ${opts.proc.log}:\n${tail(opts.proc.log)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === (opts.status ?? 200)) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer in ${opts.timeoutMs} ms (last: ${last})${opts.proc ? `\n${tail(opts.proc.log)}` : ''}`);
}

export function tail(file: string, lines = 30): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}
