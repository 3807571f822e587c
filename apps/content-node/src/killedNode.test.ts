import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { UploadRecord } from '@coliving/protocol';
import { openBlobStore } from '@coliving/storage';
import { MAX_UPLOAD_ATTEMPTS } from './constants.js';
import { findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { jobDirOf, linkOriginal } from './core/jobDir.js';
import { UploadStore, newUploadId } from './db/uploadStore.js';
import { freePort } from './testing.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const KEY = '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd';
const WALLET = '0xcd3B766CCDd6AE721141F452C550Ca635964ce71';
const dirs: string[] = [];
/** Job directories whose processes are killed at the end if a failed check left them running. */
const jobDirs: string[] = [];
/** The nodes started here, stopped at the end if a failed check left one running. */
const nodes: ChildProcess[] = [];

/** Processes whose command line names `needle`, by pid (Linux /proc). */
async function processesNaming(needle: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) found.set(Number(entry), cmdline.replaceAll('\0', ' '));
  }
  return found;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

after(async () => {
  for (const node of nodes) if (node.exitCode === null && node.signalCode === null) node.kill();
  // Whatever a killed node left running when a check failed: found again by the job directory
  // in their command line, so a pid reused since is never hit.
  for (const jobDir of jobDirs) {
    for (const pid of (await processesNaming(jobDir)).keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

// Processes are found in /proc, which only Linux has.
describe('a content node killed mid-job', { skip: process.platform !== 'linux' }, () => {
  it('takes its ffmpeg with it, and gives a job up after MAX_UPLOAD_ATTEMPTS starts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coliving-cn-killed-'));
    dirs.push(dataDir);
    const ffmpeg = await findFfmpegBinaries();
    // 30 minutes of 8 kHz mono: small to make, and minutes of work to transcode.
    const song = join(dataDir, 'long.wav');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=8000:duration=1800',
      '-ac',
      '1',
      song,
    ]);
    const port = await freePort();
    const self = `http://127.0.0.1:${port}`;
    const store = await openBlobStore(join(dataDir, 'blobs'));
    const { cid, size } = await store.put(createReadStream(song));
    await store.close();
    // An upload this node took: its original in storage and in its job directory, as
    // POST /uploads leaves it, with the job one start short of the bound.
    const id = newUploadId();
    const jobDir = jobDirOf(join(dataDir, 'jobs'), id);
    jobDirs.push(jobDir);
    await mkdir(jobDir, { recursive: true });
    await linkOriginal(song, jobDir);
    const uploads = await UploadStore.open(join(dataDir, 'uploads'));
    const now = new Date().toISOString();
    await uploads.put({
      id,
      template: 'audio',
      wallet: WALLET,
      host: self,
      status: 'busy',
      origFileName: 'long.wav',
      origFileCid: cid,
      size,
      results: {},
      attempts: MAX_UPLOAD_ATTEMPTS - 1,
      createdAt: now,
      updatedAt: now,
    });

    const startNode = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
        env: {
          PATH: process.env.PATH ?? '',
          COLIVING_PORT: String(port),
          COLIVING_PUBLIC_URL: self,
          COLIVING_DATA_DIR: dataDir,
          COLIVING_DELEGATE_PRIVATE_KEY: KEY,
          COLIVING_PEERS: `${WALLET}@${self}`,
          COLIVING_LOG_LEVEL: 'warn',
          COLIVING_TRANSCODE_WORKERS: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      nodes.push(child);
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(String(signal ?? code))),
      );
      return { child, exited, output: () => output };
    };
    /** Waits until the job's stream encode runs, and returns the pids that name its directory. */
    const transcoding = () =>
      until('the stream encode', async () => {
        const found = await processesNaming(jobDir);
        return [...found.values()].some((cmd) => cmd.includes('libmp3lame')) ? found : undefined;
      });
    const noneLeft = async () => {
      const deadline = Date.now() + 5_000;
      let left = await processesNaming(jobDir);
      while (left.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = await processesNaming(jobDir);
      }
      return [...left.values()];
    };

    // A clean stop aborts the job: its ffmpeg ends, and the start does not count as an attempt.
    const first = startNode();
    await transcoding();
    assert.equal((await uploads.get(id)).attempts, MAX_UPLOAD_ATTEMPTS);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, '0', first.output());
    assert.deepEqual(await noneLeft(), []);
    assert.deepEqual(
      [(await uploads.get(id)).status, (await uploads.get(id)).attempts],
      ['busy', MAX_UPLOAD_ATTEMPTS - 1],
    );

    // SIGKILL runs no handler in the node: its ffmpeg must still die with it.
    const second = startNode();
    await transcoding();
    second.child.kill('SIGKILL');
    assert.equal(await second.exited, 'SIGKILL');
    assert.deepEqual(await noneLeft(), [], 'no process of the killed node works on the job');
    assert.equal((await uploads.get(id)).attempts, MAX_UPLOAD_ATTEMPTS);

    // The next start gives the job up rather than run it (and crash) again.
    const third = startNode();
    const failed = await until('the upload to be given up', async () => {
      const record: UploadRecord = await uploads.get(id);
      return record.status === 'error' ? record : undefined;
    });
    assert.equal(
      failed.error,
      `The upload's job was started ${MAX_UPLOAD_ATTEMPTS} times and never finished; it is not tried again`,
    );
    assert.equal(failed.attempts, MAX_UPLOAD_ATTEMPTS);
    assert.deepEqual(await noneLeft(), []);
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, '0', third.output());
  });
});
