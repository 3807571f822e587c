// The api bench's concurrency run: 200 readers at once over a mix of the routes an app reads
// (apiEndpoints.ts, MIX), with /health_check probed beside them, and where requests wait while it
// runs: the event loop's delay and the database pool's queue, measured in this process (the node
// runs in it).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type pg from 'pg';
import { AS_BROWSERS_ASK, type ConcurrencyRun, MIX } from './apiEndpoints.js';
import { type WrkResult, runWrk } from './apiWrk.js';
import { printWrkReportIfVerbose, runWrkReport } from './wrk.js';

/** Readers at once: the load under which issue 21 saw a p99 of 3 s and a 1 s health check. */
export const READERS = 200;
/**
 * The mix's p99 target, as a multiple of a reader's fair share of the node: 200 closed-loop
 * readers on two cores shared with PostgreSQL and wrk wait for each other whatever the node does,
 * and by Little's law a reader's mean wait is READERS / rate (about 250–500 ms at the 400–800
 * answers a second this mix gets here, bound by PostgreSQL's CPU). No absolute p99 below that is
 * possible on this machine without cutting the database's work per request, so the target is
 * about the tail: no reader waits more than 3 fair shares (a route with two or three queries in a
 * row queues for a connection two or three times). The absolute p99 is printed beside it.
 */
export const TARGET_MIX_P99_FAIR_SHARES = 3;
/**
 * The health check's p99 target under the same load: a tenth of the SDK's 2 s probe timeout
 * (PROBE_TIMEOUT_MS), so no probe is near taking a loaded node for a dead one. It reads no
 * database, so it waits only for its turn on the event loop.
 */
export const TARGET_HEALTH_P99_MS = 200;
const SECONDS = 15;
const WARMUP_SECONDS = 3;

type Waits = { count: number; totalMs: number; maxMs: number; over100: number };

/**
 * Times every `pool.connect` (how long a query waited for a connection) until the returned
 * function is called, which puts connect back and gives the figures.
 */
function timePoolWaits(pool: pg.Pool): () => Waits {
  const waits: Waits = { count: 0, totalMs: 0, maxMs: 0, over100: 0 };
  const record = (t0: number) => {
    const ms = performance.now() - t0;
    waits.count++;
    waits.totalMs += ms;
    waits.maxMs = Math.max(waits.maxMs, ms);
    if (ms > 100) waits.over100++;
  };
  // pg's connect takes a callback (pool.query's way) or returns a promise (Kysely's).
  const call = pool.connect.bind(pool) as (
    callback?: unknown,
  ) => Promise<pg.PoolClient> | undefined;
  const timed = (callback?: (...args: unknown[]) => void) => {
    const t0 = performance.now();
    if (typeof callback === 'function')
      return call((...args: unknown[]) => {
        record(t0);
        callback(...args);
      });
    return (call() as Promise<pg.PoolClient>).then((client: pg.PoolClient) => {
      record(t0);
      return client;
    });
  };
  // An own property over the prototype's method; deleting it puts the method back.
  pool.connect = timed as typeof pool.connect;
  return () => {
    delete (pool as { connect?: unknown }).connect;
    return waits;
  };
}

export type ConcurrencyResult = {
  mix: WrkResult;
  health: { p50: number; p95: number; p99: number; requests: number; refused: number };
};

/** Runs the mix with READERS connections and the health probe beside it; prints the figures. */
export async function runConcurrency(
  wrk: string,
  run: ConcurrencyRun,
  pool: pg.Pool,
): Promise<ConcurrencyResult> {
  const headers = [AS_BROWSERS_ASK];
  // What the probed node says of itself (the bench's chain does not hold the synthetic catalog's
  // blocks, so a node on a loaded catalog may report itself unhealthy: the probe times it anyway).
  const said = await fetch(run.health.path, { signal: AbortSignal.timeout(10_000) });
  const report = ((await said.json()) as { data?: { healthy?: boolean } }).data;
  console.log(
    `  /health_check before the load: ${said.status}, healthy ${String(report?.healthy)}`,
  );
  await runWrk(wrk, run.mix.script, run.mix.path, 'mix warm-up', WARMUP_SECONDS, READERS, headers);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  let waitingSum = 0;
  let waitingMax = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    samples++;
    waitingSum += pool.waitingCount;
    waitingMax = Math.max(waitingMax, pool.waitingCount);
  }, 20);
  const stopTiming = timePoolWaits(pool);
  loop.enable();
  let mix: WrkResult;
  let healthReport: string;
  try {
    // The probe starts with the load and stops a second before it, so every probe meets it.
    [mix, healthReport] = await Promise.all([
      runWrk(wrk, run.mix.script, run.mix.path, 'mix', SECONDS, READERS, headers),
      runWrkReport(wrk, run.health.script, run.health.path, {
        threads: 1,
        connections: 1,
        seconds: SECONDS - 1,
      }),
    ]);
  } finally {
    loop.disable();
    clearInterval(sampler);
  }
  const waits = stopTiming();
  printWrkReportIfVerbose(healthReport, 'health_check under load');
  const latency = /^LATENCY_US (\d+) (\d+) (\d+)$/m.exec(healthReport);
  const total = /^\s+(\d+) requests in/m.exec(healthReport);
  if (!latency || !total) throw new Error(`unreadable wrk output for health:\n${healthReport}`);
  const refused = /Non-2xx or 3xx responses: (\d+)/.exec(healthReport);
  const health = {
    refused: Number(refused?.[1] ?? 0),
    p50: Number(latency[1]) / 1000,
    p95: Number(latency[2]) / 1000,
    p99: Number(latency[3]) / 1000,
    requests: Number(total[1]),
  };

  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log(
    `  concurrency: ${READERS} readers, wrk -t2 -c${READERS} -d${SECONDS}s after a ${WARMUP_SECONDS} s warm-up, gzip; mix ` +
      MIX.map((m) => `${m.share}% ${m.what}`).join(', '),
  );
  const fairShare = (READERS / mix.rps) * 1000;
  const shares = mix.p99 / fairShare;
  console.log(
    `    mix: ${mix.rps.toFixed(0)} req/s  p50 ${mix.p50.toFixed(1)} ms  p95 ${mix.p95.toFixed(1)} ms  ` +
      `p99 ${mix.p99.toFixed(1)} ms = ${shares.toFixed(1)} fair shares of ${fairShare.toFixed(0)} ms ` +
      `(${READERS} / rate; target p99 <= ${TARGET_MIX_P99_FAIR_SHARES}: ${met(shares <= TARGET_MIX_P99_FAIR_SHARES)})  ` +
      `CPU/request: node ${mix.nodeCpuPerRequest.toFixed(0)} µs, machine ${mix.machineCpuPerRequest.toFixed(0)} µs`,
  );
  console.log(
    `    /health_check meanwhile (${health.requests} probes one at a time, ${health.refused} not 200): p50 ${health.p50.toFixed(1)} ms  ` +
      `p95 ${health.p95.toFixed(1)} ms  p99 ${health.p99.toFixed(1)} ms  ` +
      `(target p99 <= ${TARGET_HEALTH_P99_MS} ms: ${met(health.p99 <= TARGET_HEALTH_P99_MS)})`,
  );
  console.log(
    `    where requests wait: event-loop delay p50 ${ms(loop.percentile(50))} ms, p99 ${ms(loop.percentile(99))} ms, ` +
      `max ${ms(loop.max)} ms; database pool (${pool.options.max} connections) queue mean ` +
      `${(waitingSum / Math.max(1, samples)).toFixed(1)}, max ${waitingMax}; ${waits.count} connection waits, mean ` +
      `${(waits.totalMs / Math.max(1, waits.count)).toFixed(1)} ms, max ${waits.maxMs.toFixed(0)} ms, ${waits.over100} over 100 ms`,
  );
  return { mix, health };
}
