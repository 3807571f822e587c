// Benchmarks the signed stream route: wrk sends 256 KiB Range reads at random 256 KiB-aligned
// offsets of a ~10 MB MP3 to /tracks/cidstream/<cid> (with a valid discovery signature) on an
// in-process content node, and then the same reads of the same file to nginx and to a floor (bare
// node:http sending the ranges from memory), in the same run.
// nginx and wrk come from Debian's packages (installed here when missing; needs root).
// Usage: npm run bench:stream [-- <seconds per wrk run, default 10> <rounds, default 5>]
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeStreamSignatureParam, signStreamData } from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { findFfmpegBinaries } from '../apps/content-node/src/core/ffmpegBinaries.js';
import { createStaticNetwork } from '../apps/content-node/src/core/network.js';
import { ListenJournal } from '../apps/content-node/src/db/listenJournal.js';
import { type ContentNode, createContentNode } from '../apps/content-node/src/node.js';
import { everyWalletIsAUserForTests } from '../apps/content-node/src/testing.js';
import { freePort } from '../apps/content-node/src/testing.js';
import { assertNoErrorAnswers, printWrkReportIfVerbose, runWrkReport } from './wrk.js';

const run = promisify(execFile);
/** The stream route must answer at least this share of nginx's requests a second. */
const TARGET_RPS_RATIO = 0.85;
/** The stream route's p99 latency may be at most this multiple of nginx's. */
const TARGET_P99_RATIO = 1.5;
/** Bytes asked for in each Range read. */
const CHUNK = 256 * 1024;
/** Seconds of audio: at 320 kbps about 10 MB. */
const AUDIO_SECONDS = 250;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 32;
/** Seconds of the uncounted warm-up run against each server. */
const WARMUP_SECONDS = 3;
/** How long a server may take to start answering. */
const STARTUP_TIMEOUT_MS = 15_000;

const durationSeconds = Number(process.argv[2] ?? 10);
if (!Number.isInteger(durationSeconds) || durationSeconds < 1)
  throw new Error(`seconds per wrk run must be a positive integer, got "${process.argv[2]}"`);
const rounds = Number(process.argv[3] ?? 5);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`rounds must be a positive integer, got "${process.argv[3]}"`);

/** The path of `command` on the PATH (also /usr/sbin, where Debian puts nginx), or undefined. */
async function which(command: string): Promise<string | undefined> {
  const path = [process.env.PATH ?? '', '/usr/sbin', '/usr/bin', '/sbin'].join(':');
  for (const dir of path.split(':')) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}

async function aptGet(args: string[]): Promise<void> {
  await run('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** nginx and wrk, installed with apt-get when missing; undefined when that is impossible. */
async function ensureTools(): Promise<{ nginx: string; wrk: string } | undefined> {
  let nginx = await which('nginx');
  let wrk = await which('wrk');
  if (nginx && wrk) return { nginx, wrk };
  console.log('installing nginx and wrk with apt-get ...');
  try {
    await aptGet(['install', '-y', '--no-install-recommends', 'nginx', 'wrk']);
  } catch {
    try {
      await aptGet(['update']);
      await aptGet(['install', '-y', '--no-install-recommends', 'nginx', 'wrk']);
    } catch (error) {
      console.error(`apt-get could not install nginx and wrk: ${(error as Error).message}`);
    }
  }
  nginx = await which('nginx');
  wrk = await which('wrk');
  return nginx && wrk ? { nginx, wrk } : undefined;
}

/** Resolves when `url` answers an HTTP request (any status), or throws after the deadline. */
async function waitForHttp(url: string, what: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new Error(`${what} exited before it answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${what} did not answer within ${STARTUP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Checks that `url` answers a 256 KiB Range read with 206 and exactly the expected bytes. */
async function checkRangeRead(url: string, what: string, file: Buffer): Promise<void> {
  const start = CHUNK * 3;
  const res = await fetch(url, { headers: { range: `bytes=${start}-${start + CHUNK - 1}` } });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 206) throw new Error(`${what} answered ${res.status}, not 206`);
  if (body.length !== CHUNK)
    throw new Error(`${what} sent ${body.length} bytes for a ${CHUNK}-byte range`);
  if (!body.equals(file.subarray(start, start + CHUNK)))
    throw new Error(`${what} sent other bytes than the file's`);
}

/** A wrk script: every request reads a random CHUNK-aligned 256 KiB range of the file. */
function rangeScript(size: number): string {
  const blocks = Math.floor(size / CHUNK);
  return `local chunk = ${CHUNK}
local blocks = ${blocks}
local seeded = false
request = function()
  if not seeded then
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
    seeded = true
  end
  local start = math.random(0, blocks - 1) * chunk
  wrk.headers["Range"] = "bytes=" .. start .. "-" .. (start + chunk - 1)
  return wrk.format()
end
`;
}

type WrkResult = { requestsPerSecond: number; p99Ms: number; summary: string };

/** Milliseconds from a wrk time such as 812.00us, 5.10ms, 1.20s or 1.00m. */
function wrkMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`unreadable wrk time "${value}"`);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'us'];
  return Number(match[1]) * scale;
}

async function runWrk(
  wrk: string,
  script: string,
  url: string,
  what: string,
  seconds = durationSeconds,
): Promise<WrkResult> {
  const load = { threads: WRK_THREADS, connections: WRK_CONNECTIONS, seconds };
  const stdout = await runWrkReport(wrk, script, url, load);
  printWrkReportIfVerbose(stdout, what);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
  if (!rps || !p99) throw new Error(`unreadable wrk output for ${what}:\n${stdout}`);
  assertNoErrorAnswers(stdout, what);
  const errors = /Socket errors: (.*)/.exec(stdout);
  const total = /^\s+(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/m.exec(stdout);
  return {
    requestsPerSecond: Number(rps[1]),
    p99Ms: wrkMs(p99[1]!),
    summary:
      (total ? `${total[1]} requests in ${total[2]}, ${total[3]} read` : '') +
      (errors ? `; socket errors: ${errors[1]}` : ''),
  };
}

function nginxConfig(dir: string, root: string, port: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${join(dir, 'nginx-tmp', 'body')};
  proxy_temp_path ${join(dir, 'nginx-tmp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'nginx-tmp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'nginx-tmp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'nginx-tmp', 'scgi')};
  types {
    audio/mpeg mp3;
  }
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`;
}

/**
 * The floor: bare node:http answering the same Range reads from the file held in memory (no
 * framework, no disk read, no signature, no play counting). What one Node process can send on
 * this machine, so the content node's gap to nginx splits into Node's and the route's.
 */
function startFloorServer(file: Buffer, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (!match) {
      response.writeHead(416).end();
      return;
    }
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), file.length - 1);
    response.writeHead(206, {
      'accept-ranges': 'bytes',
      'content-type': 'audio/mpeg',
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${file.length}`,
    });
    response.end(file.subarray(start, end + 1));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Stops a child by its own PID and waits for it to exit (SIGKILL after 5 s). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGQUIT');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/** The median request rate and the median p99 of several runs (each taken on its own). */
function medianOf(runs: WrkResult[]): WrkResult {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    summary: `median of ${runs.length} runs; ${runs.map((r) => r.summary).join(' | ')}`,
  };
}

function verdict(ok: boolean): string {
  return ok ? '' : '  BELOW TARGET';
}

async function main(): Promise<number> {
  const tools = await ensureTools();
  if (!tools) {
    console.error(
      'stream benchmark needs nginx and wrk: install them with `apt-get install -y nginx wrk` (as root) and run it again',
    );
    return 1;
  }
  const dir = await mkdtemp(join(tmpdir(), 'coliving-bench-stream-'));
  const ffmpeg = await findFfmpegBinaries();
  const discovery = privateKeyToAccount(generatePrivateKey());
  const nodeAccount = privateKeyToAccount(generatePrivateKey());
  let nginx: ChildProcess | undefined;
  let node: ContentNode | undefined;
  let store: BlobStore | undefined;
  let listens: ListenJournal | undefined;
  let floor: Server | undefined;
  try {
    const mp3 = join(dir, 'song.mp3');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${AUDIO_SECONDS}`,
      '-ac',
      '2',
      '-ar',
      '44100',
      '-codec:a',
      'libmp3lame',
      '-b:a',
      '320k',
      mp3,
    ]);
    const file = await readFile(mp3);

    const [nodePort, nginxPort, floorPort] = [await freePort(), await freePort(), await freePort()];
    const endpoint = `http://127.0.0.1:${nodePort}`;
    const dataDir = join(dir, 'node');
    store = await openBlobStore(join(dataDir, 'blobs'));
    const { cid } = await store.put(createReadStream(mp3));
    const www = join(dir, 'www');
    await mkdir(www, { recursive: true });
    await copyFile(mp3, join(www, `${cid}.mp3`));
    await rm(mp3);

    listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    node = await createContentNode(
      {
        account: nodeAccount,
        store,
        listens,
        ffmpeg,
        logger: false,
        network: createStaticNetwork(
          [{ endpoint, delegateWallet: nodeAccount.address }],
          [discovery.address],
        ),
        // No discovery node in this bench: every signed wallet counts as a user.
        discovery: everyWalletIsAUserForTests(),
      },
      { publicUrl: endpoint, dataDir, version: 'bench', repairIntervalMs: 0 },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port: nodePort });

    await mkdir(join(dir, 'nginx-tmp'), { recursive: true });
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, nginxConfig(dir, www, nginxPort));
    const nginxErrors: Buffer[] = [];
    const started = spawn(
      tools.nginx,
      ['-p', dir, '-e', join(dir, 'nginx-error.log'), '-c', conf],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    nginx = started;
    started.stderr.on('data', (chunk: Buffer) => nginxErrors.push(chunk));
    const spawnFailed = new Promise<never>((_resolve, reject) =>
      started.once('error', (error) => reject(error)),
    );
    spawnFailed.catch(() => {});
    const nginxUrl = `http://127.0.0.1:${nginxPort}/${cid}.mp3`;
    try {
      await Promise.race([
        waitForHttp(nginxUrl, 'nginx', () => started.exitCode !== null),
        spawnFailed,
      ]);
    } catch (error) {
      const log = await readFile(join(dir, 'nginx-error.log'), 'utf8').catch(() => '');
      throw new Error(
        `${(error as Error).message}\n${Buffer.concat(nginxErrors).toString()}${log}`.trim(),
      );
    }

    const signature = await signStreamData({
      account: discovery,
      data: { cid, timestamp: Date.now(), trackId: 1, userId: 1, shouldCache: true },
    });
    const nodeUrl = `${endpoint}/tracks/cidstream/${cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`;
    floor = await startFloorServer(file, floorPort);
    const floorUrl = `http://127.0.0.1:${floorPort}/${cid}.mp3`;
    await checkRangeRead(nginxUrl, 'nginx', file);
    await checkRangeRead(floorUrl, 'bare node:http', file);
    await checkRangeRead(nodeUrl, 'content node', file);

    const script = join(dir, 'range.lua');
    await writeFile(script, rangeScript(file.length));
    const nginxVersion = (await run(tools.nginx, ['-v'])).stderr.trim().replace(/^.*\//, '');
    console.log(
      `stream benchmark: ${(file.length / 1e6).toFixed(1)} MB MP3 (${AUDIO_SECONDS} s at 320 kbps), ` +
        `256 KiB Range reads at random aligned offsets, wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${durationSeconds}s, ${rounds} alternating rounds`,
    );
    console.log(
      `nginx ${nginxVersion}: worker_processes 1, master_process off (one process, like the ` +
        `content node's one Node process), sendfile on, access_log off`,
    );
    console.log(
      `content node: one process, logger off, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (libuv default; npm start sets 2)'}`,
    );

    // Alternating rounds, each figure the median over them: one wrk run on this 2-core machine
    // varies by 10-20% from the next, and a single pair would compare noise as much as servers.
    // A warm-up run of each, not counted: the node's first seconds run unoptimized JavaScript
    // (the JIT has not compiled the hot path yet), which says nothing about a node in service.
    await runWrk(tools.wrk, script, nginxUrl, 'nginx', WARMUP_SECONDS);
    await runWrk(tools.wrk, script, nodeUrl, 'content node', WARMUP_SECONDS);
    await runWrk(tools.wrk, script, floorUrl, 'bare node:http', WARMUP_SECONDS);
    const nginxRuns: WrkResult[] = [];
    const nodeRuns: WrkResult[] = [];
    const floorRuns: WrkResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      nginxRuns.push(await runWrk(tools.wrk, script, nginxUrl, 'nginx'));
      nodeRuns.push(await runWrk(tools.wrk, script, nodeUrl, 'content node'));
      floorRuns.push(await runWrk(tools.wrk, script, floorUrl, 'bare node:http'));
      console.log(
        `  round ${round}/${rounds}: nginx ${nginxRuns.at(-1)!.requestsPerSecond.toFixed(0)} req/s, p99 ` +
          `${nginxRuns.at(-1)!.p99Ms.toFixed(2)} ms; content node ${nodeRuns.at(-1)!.requestsPerSecond.toFixed(0)} ` +
          `req/s, p99 ${nodeRuns.at(-1)!.p99Ms.toFixed(2)} ms; bare node:http ` +
          `${floorRuns.at(-1)!.requestsPerSecond.toFixed(0)} req/s, p99 ${floorRuns.at(-1)!.p99Ms.toFixed(2)} ms`,
      );
    }
    const ofNginx = medianOf(nginxRuns);
    const ofNode = medianOf(nodeRuns);
    const ofFloor = medianOf(floorRuns);
    const rpsRatio = ofNode.requestsPerSecond / ofNginx.requestsPerSecond;
    const p99Ratio = ofNode.p99Ms / ofNginx.p99Ms;
    console.log(
      `nginx: ${ofNginx.requestsPerSecond.toFixed(0)} req/s, p99 ${ofNginx.p99Ms.toFixed(2)} ms (${ofNginx.summary})`,
    );
    console.log(
      `content node: ${ofNode.requestsPerSecond.toFixed(0)} req/s, p99 ${ofNode.p99Ms.toFixed(2)} ms (${ofNode.summary})`,
    );
    console.log(
      `floor, bare node:http from memory: ${ofFloor.requestsPerSecond.toFixed(0)} req/s, p99 ${ofFloor.p99Ms.toFixed(2)} ms: ` +
        `${(ofFloor.requestsPerSecond / ofNginx.requestsPerSecond).toFixed(2)}× nginx's req/s, p99 ` +
        `${(ofFloor.p99Ms / ofNginx.p99Ms).toFixed(2)}×; the content node is ` +
        `${(ofNode.requestsPerSecond / ofFloor.requestsPerSecond).toFixed(2)}× the floor`,
    );
    console.log(
      `ratio req/s: ${rpsRatio.toFixed(2)} (target >= ${TARGET_RPS_RATIO})${verdict(rpsRatio >= TARGET_RPS_RATIO)}`,
    );
    console.log(
      `ratio p99: ${p99Ratio.toFixed(2)} (target <= ${TARGET_P99_RATIO})${verdict(p99Ratio <= TARGET_P99_RATIO)}`,
    );
    return 0;
  } finally {
    if (nginx) await stopChild(nginx);
    if (floor) {
      floor.closeAllConnections();
      await new Promise((resolve) => floor!.close(resolve));
    }
    if (node) await node.stop();
    await listens?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
