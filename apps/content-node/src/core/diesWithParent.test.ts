import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { diesWithParent } from './diesWithParent.js';

const run = promisify(execFile);

/** Pids of processes whose command line is exactly `argv` (Linux /proc). */
async function pidsRunning(argv: string[]): Promise<number[]> {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === wanted) pids.push(Number(entry));
  }
  return pids;
}

async function until(what: string, check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Commands started here: any still running at the end (a failed check) are killed. */
const started: string[][] = [];

/** A `sleep` whose unique length names it among every process on the machine. */
function uniqueSleep(): string[] {
  const argv = ['sleep', String(3000 + Math.floor(Math.random() * 100_000))];
  started.push(argv);
  return argv;
}

after(async () => {
  for (const argv of started) {
    for (const pid of await pidsRunning(argv)) process.kill(pid, 'SIGKILL');
  }
});

// Processes are found in /proc, which only Linux has.
describe('diesWithParent', { skip: process.platform !== 'linux' }, () => {
  it("passes the command's output and exit status through", async () => {
    const { stdout } = await run(...diesWithParent('printf', ['%s|', 'a b', '$HOME', "'q'"]));
    assert.equal(stdout, "a b|$HOME|'q'|");
    await assert.rejects(run(...diesWithParent('sh', ['-c', 'echo oops >&2; exit 3'])), {
      code: 3,
      stderr: 'oops\n',
    });
  });

  it('kills the command when the parent end of its stdin closes, as when the node dies', async () => {
    const argv = uniqueSleep();
    const child = spawn(...diesWithParent('sleep', argv.slice(1)), {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until('the command to start', async () => (await pidsRunning(argv)).length === 1);
    child.stdin.destroy();
    await until('the command to die', async () => (await pidsRunning(argv)).length === 0);
    await exited;
  });

  it('kills the command when the job is aborted', async () => {
    const argv = uniqueSleep();
    const controller = new AbortController();
    const running = run(...diesWithParent('sleep', argv.slice(1)), {
      signal: controller.signal,
    });
    await until('the command to start', async () => (await pidsRunning(argv)).length === 1);
    controller.abort();
    await assert.rejects(running, { name: 'AbortError' });
    await until('the command to die', async () => (await pidsRunning(argv)).length === 0);
  });
});
