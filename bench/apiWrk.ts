// wrk for the api bench: found (or installed), run, and its figures read, with the CPU the
// node and the whole machine spent on each request.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { assertNoErrorAnswers, printWrkReportIfVerbose, runWrkReport } from './wrk.js';

const run = promisify(execFile);

export const WRK_THREADS = 2;
export const WRK_CONNECTIONS = 16;

/** The path of `command` on the PATH, or undefined. */
async function which(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** wrk, installed with apt-get when missing; undefined when that is impossible. */
export async function ensureWrk(): Promise<string | undefined> {
  const found = await which('wrk');
  if (found) return found;
  console.log('installing wrk with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'wrk'];
  try {
    await run('apt-get', install, { env, maxBuffer: 64 * 1024 * 1024 });
  } catch {
    try {
      await run('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
      await run('apt-get', install, { env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      console.error(`apt-get could not install wrk: ${(error as Error).message}`);
    }
  }
  return which('wrk');
}

export type WrkResult = {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** CPU this process spent per request (the discovery node's and hello world's share), in µs. */
  nodeCpuPerRequest: number;
  /** CPU the whole machine spent per request (node, database and wrk), in µs. */
  machineCpuPerRequest: number;
};

/** One wrk run of the api bench: its rate, latencies and the CPU each request cost. */
export async function runWrk(
  wrk: string,
  script: string,
  url: string,
  what: string,
  durationSeconds: number,
  connections = WRK_CONNECTIONS,
  headers: readonly string[] = [],
): Promise<WrkResult> {
  const load = {
    threads: Math.min(WRK_THREADS, connections),
    connections,
    seconds: durationSeconds,
    headers,
  };
  const cpuBefore = process.cpuUsage();
  const machineBefore = await machineBusyMicros();
  const stdout = await runWrkReport(wrk, script, url, load);
  const cpu = process.cpuUsage(cpuBefore);
  const machineBusy = (await machineBusyMicros()) - machineBefore;
  printWrkReportIfVerbose(stdout, what);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  const latency = /^LATENCY_US (\d+) (\d+) (\d+)$/m.exec(stdout);
  const total = /^\s+(\d+) requests in/m.exec(stdout);
  if (!rps || !latency || !total) throw new Error(`unreadable wrk output for ${what}:\n${stdout}`);
  assertNoErrorAnswers(stdout, what);
  const errors = /Socket errors: (.*)/.exec(stdout);
  if (errors) throw new Error(`${what}: socket errors (${errors[1]}):\n${stdout}`);
  return {
    rps: Number(rps[1]),
    p50: Number(latency[1]) / 1000,
    p95: Number(latency[2]) / 1000,
    p99: Number(latency[3]) / 1000,
    requests: Number(total[1]),
    nodeCpuPerRequest: (cpu.user + cpu.system) / Number(total[1]),
    machineCpuPerRequest: machineBusy / Number(total[1]),
  };
}

/**
 * CPU time every core of the machine has spent busy (not idle or waiting on I/O), in µs, from
 * /proc/stat: with the node's own, it shows what a request costs the database and wrk.
 */
async function machineBusyMicros(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  // USER_HZ is 100 on Linux.
  return (total - idle) * 10_000;
}
