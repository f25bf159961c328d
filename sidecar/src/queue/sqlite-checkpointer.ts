/**
 * Moves SQLite's WAL checkpoints off the event loop. With automatic checkpoints, every ~1000 pages one commit
 * also copies the WAL into the database file and fsyncs it, holding the event loop for several milliseconds: the
 * worst acknowledgement latencies. Here a worker thread with its own connection runs PASSIVE checkpoints on a
 * timer; in WAL mode they never block the main connection's writes. If the worker fails, automatic
 * checkpoints come back on, so the WAL never grows without bound.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain CommonJS, evaluated in the worker: it runs the same whether the sidecar runs from source or from dist.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => { db.pragma('wal_checkpoint(PASSIVE)'); }, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage('closed');
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private closed = false;

  constructor(private readonly db: Database.Database, file: string, intervalMs = 250) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
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
      this.worker.once('message', () => { clearTimeout(t); resolve(); });
      this.worker.once('exit', () => { clearTimeout(t); resolve(); });
    });
    this.worker.postMessage('close');
    await done;
    await this.worker.terminate();
  }
}
