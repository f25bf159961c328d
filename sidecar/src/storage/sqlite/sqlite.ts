/**
 * Embedded storage: one SQLite database under DATA_DIR in WAL mode. An acknowledged delivery survives a process
 * crash and a power loss: no write's promise resolves before the WAL holding its commit is fsynced.
 *
 * Writes from concurrent requests are grouped into one transaction per event-loop turn (group commit). The commit
 * itself runs with synchronous=NORMAL (it only hands the WAL frames to the OS), and the fsync that synchronous=FULL
 * would do inside the commit runs on libuv's thread pool instead (WalSync below). Committed batches wait for the
 * next fsync together, so the event loop never blocks on the disk and one fsync covers every batch before it: the
 * same durability as synchronous=FULL, at a fraction of the event-loop time. WAL checkpoints run in a worker
 * thread (sqlite-checkpointer.ts), never on the event loop.
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
import type { KlaviyoErrorItem } from '../../klaviyo/errors.js';
import type { KlaviyoRequest, WooTopic } from '../../mapping/types.js';
import type { SecretBox } from '../secrets.js';
import { WalCheckpointer } from './checkpointer.js';
import type {
  DeliveryFilter, DeliveryStatus, DeliveryView, Job, JobFailure, JobStatus, JobView, KeyStatus, NewDelivery,
  ProcessingOutcome, ReceivedDelivery, Rejection, Storage, StoreRecord, StoreStats,
} from '../types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stores (
  id TEXT PRIMARY KEY, site_url TEXT NOT NULL, secret_enc TEXT NOT NULL, key_enc TEXT NOT NULL, key_last4 TEXT NOT NULL,
  list_id TEXT, key_status TEXT NOT NULL, key_detail TEXT, key_checked_at TEXT, paused INTEGER NOT NULL DEFAULT 0,
  pause_reason TEXT, last_success_at INTEGER, last_error_at INTEGER, last_error_class TEXT, last_error_message TEXT,
  last_error_delivery TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, store_id TEXT NOT NULL, received_at INTEGER NOT NULL, topic TEXT,
  content_hash TEXT, headers TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, status TEXT NOT NULL,
  resource TEXT, resource_id INTEGER, order_number TEXT, email TEXT, note TEXT,
  error_class TEXT, error_message TEXT, error_detail TEXT);
CREATE INDEX IF NOT EXISTS deliveries_store ON deliveries(store_id, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries(store_id, status, id);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries(state) WHERE state = 'received';
-- Repeats are found when a delivery is mapped, not when it arrives: only mapped deliveries are in this index, so
-- storing a delivery (the acknowledgement path) writes no page at a random place in it.
DROP INDEX IF EXISTS deliveries_content;
CREATE INDEX IF NOT EXISTS deliveries_mapped_content ON deliveries(store_id, topic, content_hash) WHERE state = 'processed' AND content_hash IS NOT NULL;
CREATE TABLE IF NOT EXISTS planned_keys (store_id TEXT NOT NULL, key TEXT NOT NULL, job_id INTEGER, PRIMARY KEY (store_id, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id INTEGER NOT NULL, store_id TEXT NOT NULL, kind TEXT NOT NULL,
  metric TEXT, key TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL, priority INTEGER NOT NULL DEFAULT 0, phone_dropped INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER, error_class TEXT, error_message TEXT, error_detail TEXT, done_at INTEGER);
DROP INDEX IF EXISTS jobs_due;
-- In claim order, so claiming reads the first due rows instead of sorting every waiting job (a backlog is thousands).
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(priority, next_at, id) WHERE status IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS jobs_delivery ON jobs(delivery_id);
CREATE INDEX IF NOT EXISTS jobs_store_status ON jobs(store_id, status);
CREATE INDEX IF NOT EXISTS jobs_done ON jobs(store_id, done_at) WHERE status = 'done';
CREATE TABLE IF NOT EXISTS error_counts (store_id TEXT NOT NULL, class TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (store_id, class)) WITHOUT ROWID;
`;

type Row = Record<string, unknown>;

/** How soon a commit that found the write lock taken is tried again. */
const LOCKED_RETRY_MS = 2;

const isBusy = (err: unknown): boolean => String((err as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

interface PendingWrite {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class SqliteStorage implements Storage {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  /** Set while a commit waits for the write lock: the retry commits everything queued until then. */
  private lockedRetry: NodeJS.Timeout | null = null;
  private lockedSince: number | null = null;
  private readonly lockWaitMs: number;
  private readonly stmts;
  /** Exposed for tests. */
  readonly checkpointer: WalCheckpointer;
  private readonly walSync: WalSync;
  private readonly search: { chunk: number; limit: number };

  constructor(
    dataDir: string,
    private readonly box: SecretBox,
    opts: {
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
    } = {},
  ) {
    this.search = opts.search ?? { chunk: 1000, limit: 20_000 };
    this.lockWaitMs = opts.lockWaitMs ?? 5000;
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, opts.file ?? 'sidecar.db');
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL: the commit does not fsync; WalSync does, off the event loop, before any write is answered.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // From here on, a write lock held elsewhere is waited for on a timer (flush), never by sleeping in SQLite.
    this.db.pragma('busy_timeout = 0');
    this.checkpointer = new WalCheckpointer(this.db, path, { truncateAboveBytes: opts.walTruncateAboveBytes, restartAboveBytes: opts.walRestartAboveBytes });
    this.walSync = new WalSync(`${path}-wal`, opts.fsync, () => this.flush());
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      insertDelivery: p(`INSERT INTO deliveries (store_id, received_at, topic, content_hash, headers, body, state, status)
        VALUES (?, ?, ?, ?, ?, ?, 'received', 'pending')`),
      findMappedContent: p(`SELECT id FROM deliveries WHERE store_id = ? AND topic = ? AND content_hash = ? AND state = 'processed' AND id < ? LIMIT 1`),
      markDuplicate: p(`UPDATE deliveries SET state = 'duplicate', status = 'duplicate', resource = ?, resource_id = ?, order_number = ?, email = ?, note = ?
        WHERE id = ?`),
      receivedRow: p(`SELECT store_id, state, topic, content_hash FROM deliveries WHERE id = ?`),
      insertRejection: p(`INSERT INTO deliveries (store_id, received_at, topic, headers, body, state, status, error_class, error_message)
        VALUES (?, ?, ?, ?, ?, 'rejected', 'rejected', ?, ?)`),
      received: p(`SELECT id, store_id, topic, body FROM deliveries WHERE state = 'received' ORDER BY id LIMIT ?`),
      planKey: p(`INSERT INTO planned_keys (store_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING`),
      setPlannedJob: p(`UPDATE planned_keys SET job_id = ? WHERE store_id = ? AND key = ?`),
      insertJob: p(`INSERT INTO jobs (delivery_id, store_id, kind, metric, key, body, status, next_at, priority)
        VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, 0)`),
      processed: p(`UPDATE deliveries SET state = 'processed', status = ?, resource = ?, resource_id = ?, order_number = ?, email = ?, note = ?,
        error_class = ?, error_message = ? WHERE id = ?`),
      jobsOfDelivery: p(`SELECT status, count(*) AS n FROM jobs WHERE delivery_id = ? GROUP BY status`),
      setDeliveryStatus: p(`UPDATE deliveries SET status = ? WHERE id = ? AND state = 'processed'`),
      due: p(`SELECT j.* FROM jobs j JOIN stores s ON s.id = j.store_id
        WHERE j.status IN ('pending', 'retrying') AND j.next_at <= ? AND s.paused = 0
        ORDER BY j.priority, j.next_at, j.id LIMIT ?`),
      markInFlight: p(`UPDATE jobs SET status = 'in_flight' WHERE id = ?`),
      jobDone: p(`UPDATE jobs SET status = 'done', attempts = attempts + 1, response_status = ?, error_class = NULL, error_message = NULL, error_detail = NULL, done_at = ? WHERE id = ?`),
      jobRetry: p(`UPDATE jobs SET status = 'retrying', attempts = attempts + ?, next_at = ?, response_status = ?, error_class = ?, error_message = ?, error_detail = ? WHERE id = ?`),
      jobDead: p(`UPDATE jobs SET status = 'dead', attempts = attempts + 1, response_status = ?, error_class = ?, error_message = ?, error_detail = ? WHERE id = ?`),
      jobHeld: p(`UPDATE jobs SET status = 'pending', response_status = ?, error_class = ?, error_message = ?, error_detail = ? WHERE id = ?`),
      replaceBody: p(`UPDATE jobs SET body = ?, phone_dropped = 1 WHERE id = ?`),
      lastSuccess: p(`UPDATE stores SET last_success_at = ? WHERE id = ?`),
      lastError: p(`UPDATE stores SET last_error_at = ?, last_error_class = ?, last_error_message = ?, last_error_delivery = ? WHERE id = ?`),
      countError: p(`INSERT INTO error_counts (store_id, class, count) VALUES (?, ?, 1) ON CONFLICT (store_id, class) DO UPDATE SET count = count + 1`),
      nextDue: p(`SELECT min(j.next_at) AS t FROM jobs j JOIN stores s ON s.id = j.store_id WHERE j.status IN ('pending', 'retrying') AND s.paused = 0`),
      getStore: p(`SELECT * FROM stores WHERE id = ?`),
      ready: p(`SELECT count(*) AS n FROM jobs WHERE status IN ('pending', 'retrying')`),
    };
  }

  /**
   * Queues a write. Writes commit together in one transaction: those of one event-loop turn, and while a WAL fsync
   * runs, all that arrive until it ends. None of them could be answered before the next fsync anyway, and one larger
   * commit writes fewer WAL frames than several small ones (the last, half-filled pages are written once).
   */
  private write<T>(run: () => T): Promise<T> {
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
      results = this.db.transaction(() => batch.map((w) => w.run())).immediate();
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
          result = this.db.transaction(w.run).immediate();
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

  async getStore(id: string): Promise<StoreRecord | null> {
    const r = this.stmts.getStore.get(id) as Row | undefined;
    if (!r) return null;
    return {
      id: r.id as string,
      siteUrl: r.site_url as string,
      webhookSecret: this.box.open(r.secret_enc as string),
      privateKey: this.box.open(r.key_enc as string),
      keyLast4: r.key_last4 as string,
      listId: (r.list_id as string | null) ?? null,
      keyStatus: r.key_status as KeyStatus,
      keyDetail: (r.key_detail as string | null) ?? null,
      keyCheckedAt: (r.key_checked_at as string | null) ?? null,
      paused: r.paused === 1,
      pauseReason: (r.pause_reason as string | null) ?? null,
    };
  }

  saveStore(s: StoreRecord): Promise<void> {
    const now = Date.now();
    return this.write(() => {
      this.db.prepare(`INSERT INTO stores (id, site_url, secret_enc, key_enc, key_last4, list_id, key_status, key_detail, key_checked_at, paused, pause_reason, created_at, updated_at)
        VALUES (@id, @siteUrl, @secret, @key, @last4, @listId, @keyStatus, @keyDetail, @keyCheckedAt, @paused, @pauseReason, @now, @now)
        ON CONFLICT (id) DO UPDATE SET site_url = excluded.site_url, secret_enc = excluded.secret_enc, key_enc = excluded.key_enc,
          key_last4 = excluded.key_last4, list_id = excluded.list_id, key_status = excluded.key_status, key_detail = excluded.key_detail,
          key_checked_at = excluded.key_checked_at, paused = excluded.paused, pause_reason = excluded.pause_reason, updated_at = excluded.updated_at`).run({
        id: s.id, siteUrl: s.siteUrl, secret: this.box.seal(s.webhookSecret), key: this.box.seal(s.privateKey), last4: s.keyLast4,
        listId: s.listId, keyStatus: s.keyStatus, keyDetail: s.keyDetail, keyCheckedAt: s.keyCheckedAt, paused: s.paused ? 1 : 0,
        pauseReason: s.pauseReason, now,
      });
    });
  }

  setKeyStatus(id: string, status: KeyStatus, detail: string | null): Promise<void> {
    return this.write(() => {
      this.db.prepare(`UPDATE stores SET key_status = ?, key_detail = ?, key_checked_at = ? WHERE id = ?`).run(status, detail, new Date().toISOString(), id);
    });
  }

  setPaused(id: string, paused: boolean, reason: string | null): Promise<void> {
    return this.write(() => {
      this.db.prepare(`UPDATE stores SET paused = ?, pause_reason = ? WHERE id = ?`).run(paused ? 1 : 0, reason, id);
      this.refreshStoreDeliveries(id);
    });
  }

  /**
   * Appends the delivery and nothing else: a repeat of earlier content is recognised when it is mapped
   * (completeProcessing), so this answers `duplicate: false` and the sync log shows the repeat as `duplicate`.
   */
  recordDelivery(d: NewDelivery): Promise<{ id: string; duplicate: boolean }> {
    const now = Date.now();
    const headers = JSON.stringify(d.headers);
    return this.write(() => {
      const r = this.stmts.insertDelivery.run(d.storeId, now, d.topic, d.contentHash, headers, d.body);
      return { id: String(r.lastInsertRowid), duplicate: false };
    });
  }

  recordRejection(r: Rejection): Promise<string> {
    const now = Date.now();
    return this.write(() => {
      const res = this.stmts.insertRejection.run(r.storeId, now, r.topic, JSON.stringify(r.headers), r.body, r.code, r.message);
      this.stmts.countError.run(r.storeId, 'ingress');
      return String(res.lastInsertRowid);
    });
  }

  async takeReceived(limit: number): Promise<ReceivedDelivery[]> {
    return (this.stmts.received.all(limit) as Row[]).map((r) => ({
      id: String(r.id), storeId: r.store_id as string, topic: r.topic as WooTopic, body: r.body as string,
    }));
  }

  completeProcessing(deliveryId: string, outcome: ProcessingOutcome): Promise<{ jobs: number }> {
    const now = Date.now();
    return this.write(() => {
      const row = this.stmts.receivedRow.get(deliveryId) as Row | undefined;
      if (!row || row.state !== 'received') return { jobs: 0 };
      const storeId = row.store_id as string;
      // Deliveries are mapped in id order and each outcome is written before the next one's, so the first of
      // several equal deliveries is 'processed' by the time a repeat is looked up here.
      const original = row.content_hash == null ? undefined
        : this.stmts.findMappedContent.get(storeId, row.topic, row.content_hash, deliveryId) as Row | undefined;
      const s = (outcome.ok ? outcome.result.summary : outcome.summary) ?? {};
      if (original) {
        this.stmts.markDuplicate.run(s.resource ?? null, s.resourceId ?? null, s.orderNumber ?? null, s.email ?? null,
          `Same content as delivery ${String(original.id)}; nothing new to send.`, deliveryId);
        return { jobs: 0 };
      }
      if (!outcome.ok) {
        this.stmts.processed.run('dead', s.resource ?? null, s.resourceId ?? null, s.orderNumber ?? null, s.email ?? null, null,
          'mapping', outcome.error, deliveryId);
        this.stmts.countError.run(storeId, 'mapping');
        this.stmts.lastError.run(now, 'mapping', outcome.error, deliveryId, storeId);
        return { jobs: 0 };
      }
      const { summary, requests, note } = outcome.result;
      let jobs = 0;
      for (const req of requests) {
        if (this.stmts.planKey.run(storeId, req.key).changes === 0) continue;
        const j = this.stmts.insertJob.run(deliveryId, storeId, req.kind, req.kind === 'event' ? req.metric : null, req.key, JSON.stringify(req.body), now);
        this.stmts.setPlannedJob.run(j.lastInsertRowid, storeId, req.key);
        jobs++;
      }
      const skippedNote = jobs === 0 ? note ?? (requests.length ? 'Everything this delivery implies was already sent or queued.' : null) : note ?? null;
      this.stmts.processed.run(jobs === 0 ? 'skipped' : 'pending', summary.resource, summary.resourceId, summary.orderNumber ?? null,
        summary.email ?? null, skippedNote, null, null, deliveryId);
      if (jobs > 0) this.refreshDelivery(deliveryId);
      return { jobs };
    });
  }

  /** Recomputes a processed delivery's status from its jobs. */
  private refreshDelivery(deliveryId: string | number): void {
    const counts: Partial<Record<JobStatus, number>> = {};
    for (const r of this.stmts.jobsOfDelivery.all(deliveryId) as Row[]) counts[r.status as JobStatus] = r.n as number;
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    if (total === 0) return;
    const d = this.db.prepare(`SELECT s.paused FROM deliveries d JOIN stores s ON s.id = d.store_id WHERE d.id = ?`).get(deliveryId) as Row | undefined;
    const waiting = (counts.pending ?? 0) + (counts.retrying ?? 0) + (counts.in_flight ?? 0);
    let status: DeliveryStatus;
    if (counts.dead) status = 'dead';
    else if (waiting > 0 && d?.paused === 1) status = 'paused';
    else if (counts.retrying) status = 'retrying';
    else if (waiting > 0) status = 'pending';
    else status = 'succeeded';
    this.stmts.setDeliveryStatus.run(status, deliveryId);
  }

  private refreshStoreDeliveries(storeId: string): void {
    const rows = this.db.prepare(`SELECT DISTINCT delivery_id FROM jobs WHERE store_id = ? AND status IN ('pending', 'retrying', 'in_flight')`).all(storeId) as Row[];
    for (const r of rows) this.refreshDelivery(r.delivery_id as number);
  }

  claimJobs(limit: number, now: number): Promise<Job[]> {
    return this.write(() => {
      const rows = this.stmts.due.all(now, limit) as Row[];
      for (const r of rows) this.stmts.markInFlight.run(r.id);
      return rows.map((r) => {
        const body = JSON.parse(r.body as string) as unknown;
        const request = (r.kind === 'event'
          ? { kind: 'event', key: r.key, metric: r.metric, body }
          : { kind: 'profile', key: r.key, body }) as KlaviyoRequest;
        return {
          id: String(r.id), deliveryId: String(r.delivery_id), storeId: r.store_id as string, request,
          attempts: r.attempts as number, phoneDropped: r.phone_dropped === 1, priority: r.priority === 0 ? 'live' : 'backlog',
        } satisfies Job;
      });
    });
  }

  jobDone(job: Job, responseStatus: number, now: number): Promise<void> {
    return this.write(() => {
      this.stmts.jobDone.run(responseStatus, now, job.id);
      this.stmts.lastSuccess.run(now, job.storeId);
      this.refreshDelivery(job.deliveryId);
    });
  }

  private noteFailure(job: Job, f: JobFailure, now: number): void {
    this.stmts.countError.run(job.storeId, f.errorClass);
    this.stmts.lastError.run(now, f.errorClass, f.message, job.deliveryId, job.storeId);
  }

  jobRetry(job: Job, f: JobFailure, delayMs: number, consumesAttempt: boolean, now: number): Promise<void> {
    return this.write(() => {
      this.stmts.jobRetry.run(consumesAttempt ? 1 : 0, now + delayMs, f.responseStatus, f.errorClass, f.message, detail(f.klaviyoErrors), job.id);
      this.noteFailure(job, f, now);
      this.refreshDelivery(job.deliveryId);
    });
  }

  jobDead(job: Job, f: JobFailure, now: number): Promise<void> {
    return this.write(() => {
      this.stmts.jobDead.run(f.responseStatus, f.errorClass, f.message, detail(f.klaviyoErrors), job.id);
      this.noteFailure(job, f, now);
      this.refreshDelivery(job.deliveryId);
    });
  }

  jobHeld(job: Job, f: JobFailure, now: number): Promise<void> {
    return this.write(() => {
      this.stmts.jobHeld.run(f.responseStatus, f.errorClass, f.message, detail(f.klaviyoErrors), job.id);
      this.noteFailure(job, f, now);
      this.refreshDelivery(job.deliveryId);
    });
  }

  replaceJobRequest(job: Job, request: KlaviyoRequest): Promise<void> {
    return this.write(() => {
      this.stmts.replaceBody.run(JSON.stringify(request.body), job.id);
    });
  }

  async readyJobs(): Promise<number> {
    return (this.stmts.ready.get() as Row).n as number;
  }

  async nextDueAt(): Promise<number | null> {
    const r = this.stmts.nextDue.get() as Row | undefined;
    return (r?.t as number | null) ?? null;
  }

  recover(): Promise<void> {
    return this.write(() => {
      this.db.prepare(`UPDATE jobs SET status = 'pending' WHERE status = 'in_flight'`).run();
    });
  }

  /**
   * Newest first. A text search (`q`) cannot use an index (email is a substring match), so it reads the store's
   * deliveries in chunks, newest first, yielding the event loop between chunks, and stops after `search.limit` of
   * them with a cursor to go on: over 100,000 deliveries one unbounded scan held the event loop about 200 ms.
   */
  async listDeliveries(storeId: string, f: DeliveryFilter): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    const where = ['store_id = @storeId'];
    const params: Record<string, unknown> = { storeId, limit: f.limit + 1 };
    if (f.status) { where.push('status = @status'); params.status = f.status; }
    let before: number | null = null;
    if (f.cursor) {
      const c = Number.parseInt(Buffer.from(f.cursor, 'base64url').toString('utf8'), 10);
      if (Number.isFinite(c)) before = c;
    }
    const pageOf = (rows: Row[], next: unknown) => ({
      items: rows.map((r) => this.view(r, false)),
      nextCursor: next == null ? null : Buffer.from(String(next)).toString('base64url'),
    });
    if (!f.q?.trim()) {
      if (before !== null) { where.push('id < @cursor'); params.cursor = before; }
      const rows = this.db.prepare(`SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`).all(params) as Row[];
      const page = rows.slice(0, f.limit);
      return pageOf(page, rows.length > f.limit ? page[page.length - 1]?.id : null);
    }
    const q = f.q.trim();
    where.push(`(email LIKE @like ESCAPE '\\' OR order_number = @q)`, 'id < @hi', 'id >= @lo');
    params.like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.q = q.replace(/^#/, '');
    // The next chunk's lowest id: read from the (store_id, id) index alone.
    const chunkEnd = this.db.prepare(`SELECT min(id) AS lo, count(*) AS n FROM
      (SELECT id FROM deliveries WHERE store_id = ? AND id < ? ORDER BY id DESC LIMIT ?)`);
    const match = this.db.prepare(`SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT @limit`);
    const found: Row[] = [];
    let scanned = 0;
    let hi = before ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const { lo, n } = chunkEnd.get(storeId, hi, this.search.chunk) as { lo: number | null; n: number };
      if (n === 0 || lo === null) return pageOf(found, null);
      for (const r of match.all({ ...params, hi, lo, limit: f.limit - found.length + 1 }) as Row[]) {
        // One more match than the page holds: the page ends at its last entry.
        if (found.length === f.limit) return pageOf(found, found[found.length - 1]!.id);
        found.push(r);
      }
      scanned += n;
      hi = lo;
      if (n < this.search.chunk) return pageOf(found, null);
      if (scanned >= this.search.limit) return pageOf(found, hi);
      await new Promise((r) => setImmediate(r));
    }
  }

  async getDelivery(storeId: string, id: string): Promise<DeliveryView | null> {
    const r = this.db.prepare(`SELECT * FROM deliveries WHERE store_id = ? AND id = ?`).get(storeId, id) as Row | undefined;
    return r ? this.view(r, true) : null;
  }

  private view(r: Row, full: boolean): DeliveryView {
    const jobs = (this.db.prepare(`SELECT * FROM jobs WHERE delivery_id = ? ORDER BY id`).all(r.id) as Row[]).map((j): JobView => ({
      id: String(j.id), kind: j.kind as 'event' | 'profile', metric: (j.metric as string | null) ?? null, key: j.key as string,
      status: j.status as JobStatus, attempts: j.attempts as number, responseStatus: (j.response_status as number | null) ?? null,
      error: (j.error_message as string | null) ?? null, ...(full ? { body: JSON.parse(j.body as string) as unknown } : {}),
    }));
    let error: DeliveryView['error'] = null;
    if (r.error_class) error = { class: r.error_class as string, message: r.error_message as string };
    else {
      const failed = (this.db.prepare(`SELECT error_class, error_message, error_detail FROM jobs WHERE delivery_id = ? AND error_class IS NOT NULL
        ORDER BY (status = 'dead') DESC, id LIMIT 1`).get(r.id) as Row | undefined);
      if (failed) {
        error = { class: failed.error_class as string, message: failed.error_message as string };
        if (failed.error_detail) error.klaviyo = JSON.parse(failed.error_detail as string) as KlaviyoErrorItem[];
      }
    }
    const v: DeliveryView = {
      id: String(r.id), receivedAt: new Date(r.received_at as number).toISOString(), topic: (r.topic as string | null) ?? null,
      resource: (r.resource as string | null) ?? null, resourceId: (r.resource_id as number | null) ?? null,
      orderNumber: (r.order_number as string | null) ?? null, email: (r.email as string | null) ?? null,
      status: r.status as DeliveryStatus, note: (r.note as string | null) ?? null, error, requests: jobs,
    };
    if (full) {
      v.headers = JSON.parse(r.headers as string) as Record<string, string>;
      try { v.payload = JSON.parse(r.body as string); } catch { v.rawBody = (r.body as string).slice(0, 65536); }
    }
    return v;
  }

  replayDelivery(storeId: string, id: string, all: boolean): Promise<number | null> {
    return this.write(() => {
      const d = this.db.prepare(`SELECT id, state FROM deliveries WHERE store_id = ? AND id = ?`).get(storeId, id) as Row | undefined;
      if (!d) return null;
      const now = Date.now();
      const statuses = all ? `('dead', 'done', 'retrying', 'pending')` : `('dead')`;
      const n = this.db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, next_at = ?, priority = 1 WHERE delivery_id = ? AND status IN ${statuses}`).run(now, id).changes;
      if (d.state === 'processed' && n === 0) {
        // A delivery that failed before it had jobs (e.g. mapping) is mapped again.
        const m = this.db.prepare(`UPDATE deliveries SET state = 'received', status = 'pending', error_class = NULL, error_message = NULL WHERE id = ? AND status = 'dead'`).run(id).changes;
        return m;
      }
      this.refreshDelivery(id);
      return n;
    });
  }

  replayByStatus(storeId: string, _status: 'dead'): Promise<number> {
    return this.write(() => {
      const now = Date.now();
      const n = this.db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, next_at = ?, priority = 1 WHERE store_id = ? AND status = 'dead'`).run(now, storeId).changes;
      const m = this.db.prepare(`UPDATE deliveries SET state = 'received', status = 'pending', error_class = NULL, error_message = NULL
        WHERE store_id = ? AND state = 'processed' AND status = 'dead' AND NOT EXISTS (SELECT 1 FROM jobs WHERE delivery_id = deliveries.id)`).run(storeId).changes;
      this.refreshStoreDeliveries(storeId);
      return n + m;
    });
  }

  async stats(storeId: string, now: number): Promise<StoreStats> {
    const store = this.stmts.getStore.get(storeId) as Row | undefined;
    const queue: StoreStats['queue'] = { pending: 0, in_flight: 0, retrying: 0, paused: 0, done: 0, dead: 0 };
    for (const r of this.db.prepare(`SELECT status, count(*) AS n FROM jobs WHERE store_id = ? GROUP BY status`).all(storeId) as Row[]) {
      queue[r.status as JobStatus] = r.n as number;
    }
    if (store?.paused === 1) {
      queue.paused = queue.pending + queue.retrying;
      queue.pending = 0;
      queue.retrying = 0;
    }
    const byStatus: StoreStats['deliveries']['byStatus'] = {};
    let total = 0;
    for (const r of this.db.prepare(`SELECT status, count(*) AS n FROM deliveries WHERE store_id = ? GROUP BY status`).all(storeId) as Row[]) {
      byStatus[r.status as DeliveryStatus] = r.n as number;
      total += r.n as number;
    }
    const events = (this.db.prepare(`SELECT count(*) AS n FROM jobs WHERE store_id = ? AND status = 'done' AND kind = 'event' AND done_at > ?`).get(storeId, now - 300_000) as Row).n as number;
    const errorCounts: Record<string, number> = {};
    for (const r of this.db.prepare(`SELECT class, count FROM error_counts WHERE store_id = ?`).all(storeId) as Row[]) errorCounts[r.class as string] = r.count as number;
    return {
      queue,
      deliveries: { total, byStatus },
      eventsLast5Min: events,
      lastSuccessAt: store?.last_success_at ? new Date(store.last_success_at as number).toISOString() : null,
      lastError: store?.last_error_at
        ? { at: new Date(store.last_error_at as number).toISOString(), class: store.last_error_class as string, message: store.last_error_message as string, deliveryId: (store.last_error_delivery as string | null) ?? null }
        : null,
      errorCounts,
    };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    // Commit what is queued, waiting for the write lock if the checkpointer holds it.
    while (this.writes.length > 0 || this.lockedRetry) {
      if (this.lockedRetry) await new Promise((r) => setTimeout(r, LOCKED_RETRY_MS));
      else this.flush();
    }
    await this.walSync.drain();
    await this.checkpointer.close();
    this.db.close();
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

function detail(errors: KlaviyoErrorItem[] | undefined): string | null {
  return errors && errors.length ? JSON.stringify(errors.map(({ code, title, detail: d, source }) => ({ code, title, detail: d, source }))) : null;
}
