/**
 * Moves SQLite's WAL checkpoints off the event loop. With automatic checkpoints, every ~1000 pages one commit
 * also copies the WAL into the database file and fsyncs it, holding the event loop for several milliseconds: the
 * worst acknowledgement latencies. Here a worker thread with its own connection runs PASSIVE checkpoints on a
 * timer; in WAL mode they never block the main connection's writes. If the worker fails, automatic
 * checkpoints come back on, so the WAL never grows without bound.
 *
 * The WAL is also shrunk here, not by the main connection. Under a burst the passive checkpoints cannot catch up and
 * the WAL grows (hundreds of MB in a benchmark's closed loop); a connection with a journal_size_limit truncates it
 * inside the commit that restarts the WAL, and freeing that much file took 60-100 ms of the event loop, the worst
 * acknowledgements measured. The main connection keeps its WAL's size (it is reused from the start); this worker
 * truncates it once the database has been idle for a while and everything is checkpointed.
 *
 * Under steady writes a passive checkpoint never catches up with the last commit, so SQLite never starts the WAL
 * over and the file grows by everything written: gigabytes after a benchmark's bursts. Truncating 1.5 GB later took
 * half a second under the write lock. So once the WAL holds more than `restartAboveBytes`, the worker runs a RESTART
 * checkpoint: it copies the few frames committed since the passive one, and the next commit starts the WAL from its
 * beginning. The file stops growing at about that size. The main connection never waits on these locks by sleeping
 * (see db.ts): its commit is retried on a timer.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain CommonJS, evaluated in the worker: it runs the same whether the sidecar runs from source or from dist.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const { statSync } = require('node:fs');
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let lastLog = -1;
let idleTicks = 0;
const timer = setInterval(() => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  // Same frame count as last time: nothing was committed in between.
  const active = r.log !== lastLog;
  idleTicks = active ? 0 : idleTicks + 1;
  lastLog = r.log;
  // r.log counts the frames since the WAL last started over. A passive checkpoint reports them as of its own start,
  // so "all checkpointed" says nothing about the commits made while it ran: under steady writes there always are.
  if (active && r.log * frameBytes > workerData.restartAboveBytes) {
    db.pragma('wal_checkpoint(RESTART)');
    parentPort.postMessage('restarted');
    return;
  }
  if (idleTicks < workerData.idleTicks || r.busy !== 0 || r.log !== r.checkpointed) return;
  let size = 0;
  try { size = statSync(workerData.file + '-wal').size; } catch { return; }
  if (size <= workerData.truncateAboveBytes) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  lastLog = -1;
  idleTicks = 0;
  parentPort.postMessage('truncated');
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage('closed');
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private closed = false;

  /** How many times the worker truncated the WAL: for tests. */
  truncations = 0;
  /** How many times the worker made the next commit start the WAL over: for tests. */
  restarts = 0;

  constructor(
    private readonly db: Database.Database,
    file: string,
    opts: {
      intervalMs?: number;
      /** Truncate a WAL larger than this after ~1 s without commits. */
      truncateAboveBytes?: number;
      /** Start the WAL over once it holds more than this (default 64 MB). */
      restartAboveBytes?: number;
    } = {},
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const intervalMs = opts.intervalMs ?? 250;
    db.pragma('wal_autocheckpoint = 0');
    // Never truncate the WAL inside a commit on the event loop; the worker does it when idle.
    db.pragma('journal_size_limit = -1');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver, file, intervalMs, idleTicks: Math.max(2, Math.ceil(1000 / intervalMs)), truncateAboveBytes: opts.truncateAboveBytes ?? 64 * 1024 * 1024,
        restartAboveBytes: opts.restartAboveBytes ?? 64 * 1024 * 1024 },
    });
    this.worker.on('message', (m) => {
      if (m === 'truncated') this.truncations++;
      else if (m === 'restarted') this.restarts++;
    });
    this.worker.unref();
    const fallBack = () => {
      if (!this.closed && db.open) db.pragma('wal_autocheckpoint = 1000');
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Stops the worker; the main connection's close then checkpoints what is left. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      this.worker.on('message', (m) => { if (m === 'closed') { clearTimeout(t); resolve(); } });
      this.worker.once('exit', () => { clearTimeout(t); resolve(); });
    });
    this.worker.postMessage('close');
    await done;
    await this.worker.terminate();
  }
}
