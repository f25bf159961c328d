/**
 * History sync throughput: a synthetic store's orders mapped by the live mapper, merged into
 * event-bulk-create-jobs (mapping/bulk.ts) and sent by the sidecar's Klaviyo client and in-process limiter
 * against the double with Klaviyo's real limits, beside the same kind of backlog sent through the single-event
 * path (POST /api/events). The clock is simulated (test/limits-sim.ts): an HTTP round trip takes no simulated
 * time and sleeping in the limiter advances it, so the times are Klaviyo's windows, not this machine's speed.
 * Orders are generated and sent a page (100 orders, WooCommerce's largest REST page) at a time, so what the sender
 * holds does not grow with the store; the double's accepted events are counted and dropped as they arrive, and so
 * are the profiles and job records it keeps and its events' dedupe keys (`keepEventKeys: false`; every event here is
 * new), so the process's memory after a run is the sender's and the mapper's, not the double's.
 */
import { startKlaviyoDouble } from '@wck/klaviyo-double';
import { KlaviyoClient } from '../src/klaviyo/client.js';
import { KlaviyoRateLimitedError } from '../src/klaviyo/errors.js';
import { InMemoryRateLimiter } from '../src/klaviyo/rate-limiter.js';
import type { KlaviyoRequest } from '../src/klaviyo/types.js';
import { bulkEventJobs, BULK_EVENTS_LIMIT } from '../src/mapping/bulk.js';
import { mapDelivery } from '../src/mapping/index.js';
import { buildOrder } from '../test/builders.js';
import { SimulatedClock } from '../test/limits-sim.js';

type EventRequest = Extract<KlaviyoRequest, { kind: 'event' }>;
const KEY = 'pk_bench_history0123456789';
/** The bulk endpoint's published tier (M): 10/s burst, 150/min steady. */
const BULK_PER_MINUTE = 150;

export interface HistoryRow {
  orders: number;
  events: number;
  requests: number;
  throttled: number;
  simulatedMinutes: number;
  eventsPerMinute: number;
  /**
   * Bulk requests accepted in the run's complete minutes over what the tier allows in them (150 a minute); null when
   * the run is shorter than a minute (it then fits in the burst).
   */
  usedShare: number | null;
  /** Process RSS and heap after the run, MB (the sender and mapper; the in-process double drops what it was sent). */
  rssMb: number;
  heapMb: number;
  wallSeconds: number;
}
export interface SingleRow { minutes: number; events: number; eventsPerMinute: number; throttled: number }
export interface HistoryResult { rows: HistoryRow[]; single: SingleRow; ratio: number; timeForLargestSingleMinutes: number }

function orderEvents(storeId: string, id: number): EventRequest[] {
  const payload = { ...buildOrder({ id, status: 'completed', email: `shopper${id % 25_000}@example.com`, items: 2 }), date_paid_gmt: '2025-06-01T10:00:00', date_completed_gmt: '2025-06-02T10:00:00' };
  return mapDelivery({ storeId, topic: 'order.updated', payload }).requests.filter((r): r is EventRequest => r.kind === 'event');
}

async function runBulk(orders: number, senders: number): Promise<HistoryRow> {
  const wall = Date.now();
  const start = 1_800_000_000_000;
  const clock = new SimulatedClock(start);
  const double = await startKlaviyoDouble({ realLimits: true, now: clock.now, keepEventKeys: false });
  const limiter = new InMemoryRateLimiter({ now: clock.now, sleep: clock.sleep });
  const client = new KlaviyoClient({ baseUrl: double.url, limiter, connections: senders });
  let events = 0;
  let requests = 0;
  let throttled = 0;
  let accepted = 0;
  const sentAt: number[] = [];
  let next = 1;
  let pending: EventRequest[] = [];
  /** The next bulk body: pages of 100 orders mapped until a job's worth of events waits (or the store ends). */
  const take = () => {
    while (pending.length < BULK_EVENTS_LIMIT && next <= orders) {
      for (let i = 0; i < 100 && next <= orders; i++) pending.push(...orderEvents('bench', next++));
    }
    if (!pending.length) return null;
    const { jobs } = bulkEventJobs(pending.slice(0, BULK_EVENTS_LIMIT));
    pending = pending.slice(BULK_EVENTS_LIMIT);
    return jobs;
  };
  try {
    await Promise.all(Array.from({ length: senders }, async () => {
      clock.enter();
      try {
        for (let jobs = take(); jobs; jobs = take()) {
          for (const j of jobs) {
            for (;;) {
              try {
                await client.bulkCreateEvents(KEY, j.body);
                requests++;
                sentAt.push(clock.now());
                events += j.keys.length;
                break;
              } catch (err) {
                if (!(err instanceof KlaviyoRateLimitedError)) throw err;
                throttled++;
              }
            }
          }
          accepted += double.events.length;
          double.events.length = 0;
          double.requests.length = 0;
          double.profiles.length = 0;
          double.bulkJobs.length = 0;
        }
      } finally {
        clock.leave();
      }
    }));
    accepted += double.events.length;
    if (accepted !== events) throw new Error(`the double recorded ${accepted} events, the senders sent ${events}`);
    const minutes = (clock.now() - start) / 60_000;
    global.gc?.();
    const mem = process.memoryUsage();
    return {
      orders, events, requests, throttled, simulatedMinutes: minutes, eventsPerMinute: events / minutes,
      usedShare: Math.floor(minutes) >= 1 ? sentAt.filter((t) => t < start + Math.floor(minutes) * 60_000).length / (Math.floor(minutes) * BULK_PER_MINUTE) : null,
      rssMb: mem.rss / 1048576, heapMb: mem.heapUsed / 1048576, wallSeconds: (Date.now() - wall) / 1000,
    };
  } finally {
    await client.close();
    await double.close();
  }
}

/** The single-event path for `minutes` simulated minutes with `senders` concurrent senders. */
async function runSingle(minutes: number, senders: number): Promise<SingleRow> {
  const start = 1_800_000_000_000;
  const clock = new SimulatedClock(start);
  const double = await startKlaviyoDouble({ realLimits: true, now: clock.now });
  const limiter = new InMemoryRateLimiter({ now: clock.now, sleep: clock.sleep });
  const client = new KlaviyoClient({ baseUrl: double.url, limiter, connections: senders });
  const end = start + minutes * 60_000;
  let id = 1;
  let buffer: EventRequest[] = [];
  let events = 0;
  let throttled = 0;
  try {
    await Promise.all(Array.from({ length: senders }, async () => {
      clock.enter();
      try {
        while (clock.now() < end) {
          if (!buffer.length) buffer = orderEvents('bench', id++);
          const e = buffer.shift()!;
          try {
            await client.send(KEY, e, 'backlog');
            if (clock.now() < end) events++;
          } catch (err) {
            if (!(err instanceof KlaviyoRateLimitedError)) throw err;
            throttled++;
          }
          if (double.events.length > 10_000) { double.events.length = 0; double.requests.length = 0; }
        }
      } finally {
        clock.leave();
      }
    }));
    return { minutes, events, eventsPerMinute: events / minutes, throttled };
  } finally {
    await client.close();
    await double.close();
  }
}

export async function runHistory(sizes = [10_000, 100_000], senders = 4): Promise<HistoryResult> {
  const rows: HistoryRow[] = [];
  for (const n of sizes) rows.push(await runBulk(n, senders));
  const single = await runSingle(3, 8);
  const largest = rows[rows.length - 1]!;
  return { rows, single, ratio: largest.eventsPerMinute / single.eventsPerMinute, timeForLargestSingleMinutes: largest.events / single.eventsPerMinute };
}

if (process.argv[1]?.endsWith('history.ts')) {
  const sizes = (process.env.BENCH_HISTORY_ORDERS ?? '10000,100000').split(',').map(Number);
  const r = await runHistory(sizes);
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
