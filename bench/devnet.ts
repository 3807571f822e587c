// Benchmarks `npm start`: a cold start of the devnet (fresh state, demo catalog seeded through the
// SDK) to ready, then a warm restart (resumed state, no reseeding) to ready, each as a user runs
// it (`coliving devnet up` in its own process), with the peak memory of all its processes
// together (the launcher with the chains, and every node), sampled from /proc.
// Usage: npm run bench:devnet
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'apps/cli/bin/coliving.mjs');
const COLD_TARGET_S = 90;
const WARM_TARGET_S = 20;

/** Resident memory of `pid` and all its descendants, in bytes (Linux /proc). */
async function treeRss(pid: number): Promise<number> {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      rss.set(Number(name), pages * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rss.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

/** Runs `devnet up` until it prints ready; returns the seconds it took and the peak memory. */
async function up(
  dir: string,
): Promise<{ seconds: number; peakBytes: number; child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'devnet', 'up', '--dir', dir, '--json'], {
    cwd: ROOT,
    env: { ...process.env, COLIVING_PORT_BASE: 'auto' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peakBytes = 0;
  const sampler = setInterval(() => {
    void treeRss(child.pid!).then((bytes) => (peakBytes = Math.max(peakBytes, bytes)));
  }, 250);
  const log: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  try {
    await new Promise<void>((done, fail) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"ready": true')) done();
      });
      child.once('exit', (code) =>
        fail(new Error(`devnet up exited with ${code}:\n${log.join('')}`)),
      );
    });
  } finally {
    clearInterval(sampler);
  }
  peakBytes = Math.max(peakBytes, await treeRss(child.pid!));
  return { seconds: (performance.now() - started) / 1000, peakBytes, child };
}

async function down(dir: string): Promise<void> {
  await run(process.execPath, [CLI, 'devnet', 'down', '--dir', dir]);
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

const dir = await mkdtemp(join(tmpdir(), 'coliving-bench-devnet-'));
try {
  console.log(
    'devnet benchmark: coliving devnet up (3 content nodes, 2 discovery nodes, full demo catalog)',
  );
  const cold = await up(dir);
  console.log(
    `cold start to ready (seeding included): ${cold.seconds.toFixed(1)} s (target <= ${COLD_TARGET_S} s${cold.seconds <= COLD_TARGET_S ? '' : ': NOT MET'}); peak memory of all processes ${mb(cold.peakBytes)}`,
  );
  await down(dir);
  const warm = await up(dir);
  console.log(
    `warm restart to ready: ${warm.seconds.toFixed(1)} s (target <= ${WARM_TARGET_S} s${warm.seconds <= WARM_TARGET_S ? '' : ': NOT MET'}); peak memory of all processes ${mb(warm.peakBytes)}`,
  );
  await down(dir);
} finally {
  await down(dir).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}
