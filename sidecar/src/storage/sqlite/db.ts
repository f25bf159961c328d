/**
 * The SQLite connection and how it writes: one database under DATA_DIR in WAL mode. An acknowledged delivery survives a process
 * crash and a power loss: no write's promise resolves before the WAL holding its commit is fsynced.
 *
 * Writes from concurrent requests are grouped into one transaction per event-loop turn (group commit). The commit
 * itself runs with synchronous=NORMAL (it only hands the WAL frames to the OS), and the fsync that synchronous=FULL
 * would do inside the commit runs on libuv's thread pool instead (WalSync below). Committed batches wait for the
 * next fsync together, so the event loop never blocks on the disk and one fsync covers every batch before it: the
 * same durability as synchronous=FULL, at a fraction of the event-loop time. WAL checkpoints run in a worker
 * thread (checkpointer.ts), never on the event loop.
 *
 * The event loop never sleeps in SQLite's busy handler. When the checkpointer holds the write lock (it restarts or
 * truncates the WAL), a commit fails at once with SQLITE_BUSY and is tried again on a timer, with every write that
 * queues up meanwhile; only after `lockWaitMs` are they refused. A 5-second busy timeout on this connection used to
 * freeze the whole sidecar for as long as the checkpointer needed the lock.
 */
import Database from 'better-sqlite3';
import { closeSync, fsync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StorageError } from '../../errors.js';
import { WalCheckpointer } from './checkpointer.js';
import { SCHEMA } from './schema.js';

/** How soon a commit that found the write lock taken is tried again. */
const LOCKED_RETRY_MS = 2;

const isBusy = (err: unknown): boolean => String((err as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

interface PendingWrite {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface SqliteOptions {
  file?: string;
  /** Tests: stands in for fs.fsync of the WAL. */
  fsync?: (fd: number, cb: (err: Error | null) => void) => void;
  /** Tests: the WAL size above which the checkpointer truncates it when idle. */
  walTruncateAboveBytes?: number;
  /** Tests: how much the WAL may hold before the checkpointer makes the next commit start it over. */
  walRestartAboveBytes?: number;
  /** How long writes wait for a write lock another connection holds before they are refused (default 5 s). */
  lockWaitMs?: number;
  /** Tests: how many deliveries a sync-log text search reads per chunk and per request. */
  search?: { chunk: number; limit: number };
}

/**
 * Bounded disk: the file is auto_vacuum=INCREMENTAL, so the pages retention frees can be given back to the file
 * system (`PRAGMA incremental_vacuum` after each pruning pass). A new file takes the setting before its first table;
 * a file made before it (auto_vacuum NONE) is rewritten once by VACUUM, which also drops the space clearing in
 * place left behind. VACUUM copies only the live rows, so it takes as long as the data kept, and needs that much free
 * disk for the copy. Another process holding the file makes it fail: then the file stays as it was until the next
 * start, which tries again.
 */
export function migrateAutoVacuum(conn: Database.Database, log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): void {
  if (conn.pragma('auto_vacuum', { simple: true }) === 2) return;
  const fresh = conn.pragma('page_count', { simple: true }) === 0
    || (conn.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema`).get() as { n: number }).n === 0;
  conn.pragma('auto_vacuum = INCREMENTAL');
  const t0 = Date.now();
  try {
    // Even an empty file needs it once journal_mode has written its first page (instant then).
    conn.exec('VACUUM');
    if (!fresh) log(`sqlite: rewrote the database once with auto_vacuum=INCREMENTAL (${Date.now() - t0} ms), so retention can shrink it`);
  } catch (err) {
    log(`sqlite: could not rewrite the database with auto_vacuum=INCREMENTAL (${(err as Error).message}); it stays as it is until the next start`);
  }
}

/** The connection, its group commit and its WAL fsyncs. Reads run on `conn` directly; writes go through `write`. */
export class SqliteDb {
  readonly conn: Database.Database;
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  /** Set while a commit waits for the write lock: the retry commits everything queued until then. */
  private lockedRetry: NodeJS.Timeout | null = null;
  private lockedSince: number | null = null;
  private readonly lockWaitMs: number;
  readonly checkpointer: WalCheckpointer;
  private readonly walSync: WalSync;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dataDir: string, opts: SqliteOptions = {}) {
    this.lockWaitMs = opts.lockWaitMs ?? 5000;
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, opts.file ?? 'sidecar.db');
    this.conn = new Database(path);
    this.conn.pragma('journal_mode = WAL');
    // NORMAL: the commit does not fsync; WalSync does, off the event loop, before any write is answered.
    this.conn.pragma('synchronous = NORMAL');
    this.conn.pragma('busy_timeout = 5000');
    migrateAutoVacuum(this.conn);
    this.conn.exec(SCHEMA);
    // From here on, a write lock held elsewhere is waited for on a timer (flush), never by sleeping in SQLite.
    this.conn.pragma('busy_timeout = 0');
    this.checkpointer = new WalCheckpointer(this.conn, path, { truncateAboveBytes: opts.walTruncateAboveBytes, restartAboveBytes: opts.walRestartAboveBytes });
    this.walSync = new WalSync(`${path}-wal`, opts.fsync, () => this.flush());
  }

  /** A prepared statement, prepared once per SQL text. */
  sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.conn.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  /**
   * Queues a write. Writes commit together in one transaction: those of one event-loop turn, and while a WAL fsync
   * runs, all that arrive until it ends. None of them could be answered before the next fsync anyway, and one larger
   * commit writes fewer WAL frames than several small ones (the last, half-filled pages are written once).
   */
  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.writes.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flushUnlessSyncing();
        });
      }
    });
  }

  private flush(): void {
    if (this.lockedRetry) return; // the retry commits what queued up meanwhile
    const batch = this.writes;
    this.writes = [];
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      // Optimistic: the whole batch in one transaction. IMMEDIATE takes the write lock first, or fails at once.
      results = this.conn.transaction(() => batch.map((w) => w.run())).immediate();
    } catch (err) {
      if (isBusy(err)) {
        this.waitForLock(batch, err);
        return;
      }
      this.lockedSince = null;
      // Something in the batch failed: run each write in its own transaction so only that one fails.
      for (let i = 0; i < batch.length; i++) {
        const w = batch[i]!;
        let result: unknown;
        try {
          result = this.conn.transaction(w.run).immediate();
        } catch (e) {
          if (isBusy(e)) {
            this.waitForLock(batch.slice(i), e);
            return;
          }
          w.reject(e);
          continue;
        }
        this.walSync.after(() => w.resolve(result), w.reject);
      }
      return;
    }
    this.lockedSince = null;
    // Committed, but only in the OS's cache: answer once the WAL is on disk.
    this.walSync.after(() => batch.forEach((w, i) => w.resolve(results[i])), (err) => batch.forEach((w) => w.reject(err)));
  }

  /** The write lock is taken (the checkpointer restarts or truncates the WAL): try again soon, in order. */
  private waitForLock(batch: PendingWrite[], err: unknown): void {
    const now = Date.now();
    this.lockedSince ??= now;
    if (now - this.lockedSince >= this.lockWaitMs) {
      this.lockedSince = null;
      const e = new StorageError(`The database stayed locked by another connection for ${this.lockWaitMs} ms; the write was not acknowledged.`, err);
      for (const w of batch) w.reject(e);
      return;
    }
    this.writes = batch.concat(this.writes);
    this.lockedRetry = setTimeout(() => {
      this.lockedRetry = null;
      this.flushUnlessSyncing();
    }, LOCKED_RETRY_MS);
  }

  /** During an fsync, WalSync calls flush when it ends, before it starts the next one. */
  private flushUnlessSyncing(): void {
    if (!this.walSync.syncing) this.flush();
  }

  async close(): Promise<void> {
    // Commit what is queued, waiting for the write lock if the checkpointer holds it.
    while (this.writes.length > 0 || this.lockedRetry) {
      if (this.lockedRetry) await new Promise((r) => setTimeout(r, LOCKED_RETRY_MS));
      else this.flush();
    }
    await this.walSync.drain();
    await this.checkpointer.close();
    this.conn.close();
  }
}

/**
 * Group fsync of the WAL file on libuv's thread pool. Callbacks registered after a commit run once an fsync that
 * started after that commit has finished; commits made while an fsync runs share the next one.
 */
export class WalSync {
  private waiting: { ok: () => void; fail: (err: unknown) => void }[] = [];
  private running = false;
  private idle: (() => void)[] = [];
  private fd: number | null = null;

  /**
   * `beforeSync` runs when an fsync ends, before the next one starts: the storage commits the writes that queued up
   * meanwhile, so they share that next fsync.
   */
  constructor(
    private readonly walPath: string,
    private readonly fsyncFn: (fd: number, cb: (err: Error | null) => void) => void = fsync,
    private readonly beforeSync: () => void = () => {},
  ) {
    // The WAL file exists once the database is in WAL mode; make its directory entry durable once.
    try {
      const dir = openSync(dirname(walPath), 'r');
      try { fsyncSync(dir); } finally { closeSync(dir); }
    } catch { /* some file systems cannot fsync a directory; the file's own fsyncs still apply */ }
  }

  get syncing(): boolean {
    return this.running;
  }

  after(ok: () => void, fail: (err: unknown) => void): void {
    this.waiting.push({ ok, fail });
    this.next();
  }

  private next(): void {
    if (this.running) return;
    if (this.waiting.length === 0) {
      for (const r of this.idle.splice(0)) r();
      return;
    }
    this.running = true;
    const group = this.waiting;
    this.waiting = [];
    const done = (err: Error | null) => {
      this.running = false;
      // Commit what queued up during this fsync and start the next one first: the answers below are sent in
      // microtasks after this callback, while the disk already works on the next group.
      try {
        this.beforeSync();
      } finally {
        if (err) {
          const e = new StorageError('Writing to the database file failed (fsync of the WAL); the write was not acknowledged.', err);
          for (const g of group) g.fail(e);
        } else {
          for (const g of group) g.ok();
        }
        this.next();
      }
    };
    let fd: number;
    try {
      // The WAL is truncated, never replaced, while the database is open: one descriptor serves. After a failure
      // it is opened afresh.
      fd = this.fd ??= openSync(this.walPath, 'r');
    } catch (err) {
      done(err as Error);
      return;
    }
    this.fsyncFn(fd, (err) => {
      if (err) this.closeFd();
      done(err);
    });
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try { closeSync(this.fd); } catch { /* already closed */ }
    this.fd = null;
  }

  /** Resolves when nothing waits for an fsync, and lets go of the file. */
  async drain(): Promise<void> {
    if (this.running || this.waiting.length > 0) await new Promise<void>((r) => this.idle.push(r));
    this.closeFd();
  }
}
