/**
 * The transactional outbox between our scripts and BullMQ: a script that creates or re-queues jobs writes
 * `<job id>:<generation>` to the outbox set in the same atomic step; this replica adds those to BullMQ right after
 * and removes them from the set, and recovery adds whatever a replica that crashed in between left there.
 */
import type { BullTransport, QueueEntry } from './bullmq.js';
import type { RedisConnection } from './connection.js';

/** Outbox entries handled per BullMQ call. */
const CHUNK = 500;

export class Outbox {
  constructor(private readonly c: RedisConnection, private readonly bull: BullTransport) {}

  /**
   * Adds the entries a script just wrote. A failure leaves them in the outbox for recovery, so it is not an error
   * of the caller.
   */
  async flush(entries: string[]): Promise<void> {
    try {
      await this.add(entries);
    } catch {
      // Still in the outbox: recovery adds them.
    }
  }

  /** Adds whatever any replica left in the outbox. Bounded: entries that keep failing are tried on the next call. */
  async drain(): Promise<void> {
    for (let round = 0; round < 40; round++) {
      const entries = await this.c.redis.srandmember(`${this.c.p}outbox`, CHUNK);
      if (entries.length === 0) break;
      await this.add(entries);
    }
  }

  /** Entries whose job is not waiting at that generation any more are only removed. */
  private async add(entries: string[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      const pipe = this.c.pipeline();
      for (const e of chunk) pipe.hmget(`${this.c.p}j:${e.slice(0, e.indexOf(':'))}`, 'status', 'gen', 'store_id', 'priority', 'next_at');
      const rows = await this.c.exec(pipe) as (string | null)[][];
      const add: QueueEntry[] = [];
      chunk.forEach((e, k) => {
        const [status, gen, storeId, priority, nextAt] = rows[k]!;
        const [jobId, entryGen] = e.split(':') as [string, string];
        if ((status === 'pending' || status === 'retrying') && gen === entryGen && storeId) {
          add.push({ jobId, gen: entryGen, storeId, priority: priority ?? '0', dueAt: Number(nextAt ?? 0) });
        }
      });
      await this.bull.add(add, Date.now());
      await this.c.redis.srem(`${this.c.p}outbox`, ...chunk);
    }
  }
}
