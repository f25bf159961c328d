/**
 * Ingress: deliveries/s (closed loop) and acknowledgement latency at a fixed 200 deliveries/s (open loop) of the
 * sidecar on each storage backend, next to a bare Fastify route, measured alternately in one run.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createStores, f, freePort, knob, load, REPO, startSidecar, waitUp, type LoadResult, type SidecarProc } from './common.js';
import type { Backend } from './redis-backend.js';

/**
 * `rate` is the fixed rate on a sidecar in steady state (warmed up at a moderate rate); `afterBurst` is the same
 * rate measured right after the closed loop, while the sidecar still writes that flood's WAL into its database
 * file and works through its backlog.
 */
export interface IngressRow {
  name: string;
  /** The closed-loop round with the median rate (of an even number, the faster of the middle two). */
  closed: LoadResult;
  /** Every closed-loop round's deliveries/s, in order. */
  rounds: number[];
  /** Each round's deliveries/s over the bare route's in the same round (the bare row: 1). */
  shares: number[];
  /** Failed requests over every closed-loop round. */
  closedErrors: number;
  rate: LoadResult;
  afterBurst: LoadResult;
}
export interface IngressResult { rows: IngressRow[]; bare: IngressRow; seconds: number; connections: number; ratePerSecond: number; roundCount: number; unavailable: { name: string; reason: string }[] }

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Enough requests for the JIT to settle, without the flood a closed loop leaves behind. */
const WARMUP_PER_SECOND = 1000;

export async function runIngress(klaviyoUrl: string, backends: Backend[]): Promise<IngressResult> {
  const seconds = knob('BENCH_SECONDS', 8);
  const connections = knob('BENCH_CONNECTIONS', 32);
  // Closed loops are repeated in alternating rounds and judged by the median round: on these shared machines one
  // round's rate moves by a third from one minute to the next, for the bare route as much as for the sidecar.
  const roundCount = knob('BENCH_ROUNDS', 3);
  const ratePerSecond = 200;
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare.ts', String(barePort)], { cwd: resolve(REPO, 'sidecar'), stdio: ['ignore', 'ignore', 'inherit'] });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const sidecars: { backend: Backend; proc: SidecarProc; store: string }[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  try {
    await waitUp(`${bareUrl}/`, bare);
    for (const backend of backends) {
      if (!backend.available) {
        unavailable.push({ name: backend.name, reason: backend.reason ?? 'not available' });
        continue;
      }
      let proc: SidecarProc | undefined;
      try {
        proc = await startSidecar(klaviyoUrl, backend.env, backend.entry);
        const [store] = await createStores(proc.url, 1, `ingress-${backend.id}`);
        sidecars.push({ backend, proc, store: store! });
      } catch (err) {
        // A backend that cannot even start is reported, not allowed to sink the other measurements.
        await proc?.stop();
        unavailable.push({ name: backend.name, reason: `the sidecar on it failed to start or to register a store: ${(err as Error).message}` });
        process.stdout.write(`ingress: ${backend.name} not measured: ${(err as Error).message}\n`);
      }
    }
    let orderId = 1_000_000;
    const next = () => (orderId += 1_000_000);
    const bareLoad = (mode: { perSecond?: number }) =>
      load({ origin: bareUrl, stores: ['bare'], firstOrderId: next(), connections, seconds, ...mode });
    const sideLoad = (s: (typeof sidecars)[number], mode: { perSecond?: number }) =>
      load({ origin: s.proc.url, stores: [s.store], firstOrderId: next(), connections, seconds, ...mode });

    // Warm up every server at a moderate fixed rate (a closed loop would leave a flood behind), then measure them
    // alternately so machine noise hits them alike: the fixed rate in steady state, the closed loop, and the fixed
    // rate again right after that flood.
    process.stdout.write('ingress: warming up\n');
    await bareLoad({ perSecond: WARMUP_PER_SECOND });
    for (const s of sidecars) await sideLoad(s, { perSecond: WARMUP_PER_SECOND });
    process.stdout.write(`ingress: ${ratePerSecond}/s\n`);
    const bareRate = await bareLoad({ perSecond: ratePerSecond });
    const rate = new Map<string, LoadResult>();
    for (const s of sidecars) rate.set(s.backend.id, await sideLoad(s, { perSecond: ratePerSecond }));
    // Rounds: the bare route's closed loop, then each sidecar's; in the last round each closed loop is directly
    // followed by the fixed rate again ("after the burst").
    const bareRounds: LoadResult[] = [];
    const sideRounds = new Map<string, LoadResult[]>(sidecars.map((s) => [s.backend.id, []]));
    let bareAfter: LoadResult | undefined;
    const after = new Map<string, LoadResult>();
    for (let round = 1; round <= roundCount; round++) {
      const last = round === roundCount;
      process.stdout.write(`ingress: closed loop, round ${round} of ${roundCount}${last ? `, each followed by ${ratePerSecond}/s` : ''}\n`);
      bareRounds.push(await bareLoad({}));
      if (last) bareAfter = await bareLoad({ perSecond: ratePerSecond });
      for (const s of sidecars) {
        sideRounds.get(s.backend.id)!.push(await sideLoad(s, {}));
        if (last) after.set(s.backend.id, await sideLoad(s, { perSecond: ratePerSecond }));
      }
    }
    const medianRound = (rs: LoadResult[]) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!;
    const row = (name: string, rs: LoadResult[], rateResult: LoadResult, afterBurst: LoadResult): IngressRow => ({
      name, closed: medianRound(rs), rounds: rs.map((r) => r.rps), shares: rs.map((r, i) => r.rps / bareRounds[i]!.rps), closedErrors: rs.reduce((n, r) => n + r.errors, 0), rate: rateResult, afterBurst,
    });
    const rows = sidecars.map((s) => row(s.backend.name, sideRounds.get(s.backend.id)!, rate.get(s.backend.id)!, after.get(s.backend.id)!));
    for (const r of rows) process.stdout.write(`  ${r.name}: ${r.rounds.map((x) => f(x, 0)).join(', ')}/s closed (${r.shares.map((x) => `${f(x * 100)}%`).join(', ')} of bare), p99 ${f(r.rate.p99, 2)} ms at ${ratePerSecond}/s, ${f(r.afterBurst.p99, 2)} ms after the burst\n`);
    return { rows, bare: row('bare Fastify route', bareRounds, bareRate, bareAfter!), seconds, connections, ratePerSecond, roundCount, unavailable };
  } finally {
    bare.kill('SIGTERM');
    for (const s of sidecars) await s.proc.stop();
    for (const b of backends) await b.cleanup?.();
  }
}
