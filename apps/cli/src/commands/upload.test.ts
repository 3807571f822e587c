// `coliving upload` through a content node that restarts while it transcodes: the command says the
// node went away, carries on, and publishes. The network is the SDK's stand-in nodes (its
// testing/fakeNodes.ts) on loopback; the command runs in this process through runCli.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type FakeNode,
  createFakeChain,
  startFakeContentNode,
  startFakeDiscoveryNode,
} from '../../../../packages/sdk/src/testing/fakeNodes.js';
import { runCli } from '../cli.js';
import { type CliIo, saveSession } from '../context.js';
import { NODE_AWAY_TEXT, NODE_BACK_TEXT } from './upload.js';

describe('coliving upload', () => {
  let dir: string;
  const nodes: FakeNode[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-cli-upload-'));
  });
  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('says the content node restarted, and still publishes', { timeout: 20_000 }, async () => {
    const chain = createFakeChain();
    const content = await startFakeContentNode({ restartOnFirstPoll: 600 });
    const discovery = await startFakeDiscoveryNode({
      chain,
      contentNodes: () => [content.endpoint],
    });
    nodes.push(content, discovery);
    const privateKey = generatePrivateKey();
    const account = privateKeyToAccount(privateKey);
    const { userId } = await createColivingSdk({
      discoveryNodes: [discovery.endpoint],
      account,
    }).users.create({ handle: 'terminal', name: 'Terminal' });

    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { COLIVING_HOME: join(dir, 'home') },
      cwd: dir,
      isTty: false,
    };
    await saveSession(io, {
      email: 'terminal@example.org',
      wallet: account.address,
      privateKey,
      userId,
      handle: 'terminal',
      discovery: [discovery.endpoint],
    });
    await writeFile(join(dir, 'song.wav'), new Uint8Array(2048).fill(5));

    const code = await runCli(
      [
        'upload',
        'song.wav',
        '--title',
        'Restarted',
        '--genre',
        'Ambient',
        '--discovery',
        discovery.endpoint,
      ],
      io,
    );
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Published "Restarted"/);
    const lines = stderr.split('\n');
    assert.ok(lines.includes(NODE_AWAY_TEXT), stderr);
    assert.ok(lines.indexOf(NODE_BACK_TEXT) > lines.indexOf(NODE_AWAY_TEXT), stderr);
  });
  it('refuses a mood not on the list before uploading anything', { timeout: 20_000 }, async () => {
    const chain = createFakeChain();
    const content = await startFakeContentNode();
    const discovery = await startFakeDiscoveryNode({
      chain,
      contentNodes: () => [content.endpoint],
    });
    nodes.push(content, discovery);
    const privateKey = generatePrivateKey();
    const account = privateKeyToAccount(privateKey);
    const { userId } = await createColivingSdk({
      discoveryNodes: [discovery.endpoint],
      account,
    }).users.create({ handle: 'moody', name: 'Moody' });
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { COLIVING_HOME: join(dir, 'moody') },
      cwd: dir,
      isTty: false,
    };
    await saveSession(io, {
      email: 'moody@example.org',
      wallet: account.address,
      privateKey,
      userId,
      handle: 'moody',
      discovery: [discovery.endpoint],
    });
    await writeFile(join(dir, 'moody.wav'), new Uint8Array(2048).fill(5));
    const upload = (mood: string) =>
      runCli(
        [
          'upload',
          'moody.wav',
          '--title',
          'Moody',
          '--genre',
          'ambient',
          '--mood',
          mood,
          '--discovery',
          discovery.endpoint,
        ],
        io,
      );

    assert.equal(await upload('Very Happy'), 2);
    assert.match(stdout + stderr, /--mood must be one of: Peaceful, Romantic, /);
    assert.equal(content.uploads.length, 0, 'nothing was uploaded');

    assert.equal(await upload('peaceful'), 0, stderr);
    const [track] = await createColivingSdk({ discoveryNodes: [discovery.endpoint] }).users.tracks(
      userId,
    );
    assert.deepEqual([track?.genre, track?.mood], ['Ambient', 'Peaceful']);
  });
});
