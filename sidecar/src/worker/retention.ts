/**
 * Retention: every hour (and at start), delivery bodies older than RETENTION_DAYS are cleared in batches, leaving
 * the log line. Several replicas may run it at once: clearing is idempotent and the cursor only moves forward.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/types.js';
import { retentionCutoff } from '../sync/index.js';

const BATCH = 1000;

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { days: number; everyMs?: number; now?: () => number },
  ) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.opts.everyMs ?? 3_600_000);
    this.timer.unref();
  }

  /** One pass: clears what is due, batch by batch, yielding between batches. Returns how many bodies were cleared. */
  run(): Promise<number> {
    this.running ??= (async () => {
      let total = 0;
      try {
        const cutoff = retentionCutoff(this.opts.days, (this.opts.now ?? Date.now)());
        for (;;) {
          const n = await this.storage.pruneBodies(cutoff, BATCH);
          total += n;
          if (n < BATCH) break;
          await new Promise((r) => setImmediate(r));
        }
        if (total) this.log.info({ cleared: total, days: this.opts.days }, 'retention: delivery bodies cleared');
      } catch (err) {
        this.log.error({ err }, 'retention: clearing delivery bodies failed; will try again');
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
