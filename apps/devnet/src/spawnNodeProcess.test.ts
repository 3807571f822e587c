// A node process that dies while the devnet runs is reported (which one, how, where its log is);
// one stopped on purpose is not. Real child processes, run the way the devnet runs its nodes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  type NodeExit,
  type NodeProcess,
  nodeExitWords,
  spawnNodeProcess,
} from './spawnNodeProcess.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let main: string;
const started: NodeProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-node-exit-'));
  main = join(dir, 'node.mjs');
  // A stand-in for a node's main: it runs until killed, or exits with EXIT_CODE after a moment.
  await writeFile(
    main,
    [
      "console.log('node up');",
      'if (process.env.EXIT_CODE) setTimeout(() => process.exit(Number(process.env.EXIT_CODE)), 300);',
      'else setInterval(() => {}, 1000);',
    ].join('\n'),
  );
});
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await rm(dir, { recursive: true, force: true });
});

function spawnNode(name: string, env: Record<string, string> = {}): NodeProcess {
  const node = spawnNodeProcess({
    name,
    main,
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    logFile: join(dir, `${name}.log`),
    endpoint: `http://127.0.0.1:9${started.length}`,
  });
  started.push(node);
  return node;
}

/** The exits reported for `node`, collected as they come. */
function reported(node: NodeProcess): NodeExit[] {
  const exits: NodeExit[] = [];
  node.onUnexpectedExit((exit) => exits.push(exit));
  return exits;
}

describe('spawnNodeProcess: a node that exits unasked', () => {
  it('is reported when killed from outside by its PID, with the signal and its log', async () => {
    const node = spawnNode('content-node-3');
    const exits = reported(node);
    await sleep(300);
    process.kill(node.pid, 'SIGTERM');
    await node.exited;
    await sleep(0);
    assert.deepEqual(exits, [
      {
        name: 'content-node-3',
        endpoint: node.endpoint,
        pid: node.pid,
        logFile: join(dir, 'content-node-3.log'),
        code: null,
        signal: 'SIGTERM',
      },
    ]);
    assert.equal(
      nodeExitWords(exits[0]!, dir),
      `content node 3 (${node.endpoint}, pid ${node.pid}) was stopped by signal SIGTERM; the ` +
        'rest of the devnet runs on without it. Its log: content-node-3.log. To bring it back, ' +
        'stop the devnet (Ctrl-C) and run `npm start` again: it resumes where it was.',
    );
  });

  it('is reported when it exits on its own, with its exit code', async () => {
    const node = spawnNode('discovery-node-1', { EXIT_CODE: '3' });
    const exits = reported(node);
    await node.exited;
    await sleep(0);
    assert.deepEqual(
      exits.map((e) => [e.name, e.code, e.signal]),
      [['discovery-node-1', 3, null]],
    );
    // A log outside the working directory is named by its full path.
    assert.match(
      nodeExitWords(exits[0]!, '/nowhere'),
      /exited with code 3; .* Its log: \/.*discovery-node-1\.log\./,
    );
  });

  it('is not reported when stop() ended it', async () => {
    const node = spawnNode('content-node-1');
    const exits = reported(node);
    await sleep(300);
    await node.stop();
    await sleep(0);
    assert.equal(node.exitStatus()?.signal, 'SIGTERM');
    assert.deepEqual(exits, []);
  });
});
