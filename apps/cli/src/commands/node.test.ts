// `coliving node status` against a real local network (two chains, a content node and a
// discovery node, registered on NodeRegistry), with one more node registered at an endpoint where
// nothing answers: it is listed as unreachable, and the command does not fail.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devAccountKeys } from '@coliving/chain';
import { type StartNetworkReturnType, startNetwork } from '@coliving/devnet';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { runCli } from '../cli.js';
import type { CliIo } from '../context.js';
import type { NodeStatus } from './node.js';

let dir: string;
let network: StartNetworkReturnType;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { COLIVING_HOME: join(dir, 'home') },
    cwd: dir,
    isTty: false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-node-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 1 });
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('coliving node status', () => {
  it('lists every registered node with its health, version and block lag; a dead one as unreachable', async () => {
    const manifest = ['--manifest', network.manifestFile];
    const delegate = privateKeyToAccount(generatePrivateKey()).address;
    const registered = await cli([
      ...['node', 'register', '--type', 'content-node'],
      // Nothing listens on port 1.
      ...['--endpoint', 'http://127.0.0.1:1', '--stake', '200000', '--delegate', delegate],
      ...['--private-key', devAccountKeys()[0]!, ...manifest, '--json'],
    ]);
    assert.equal(registered.code, 0, registered.stderr);
    const nodeId = (JSON.parse(registered.stdout) as { nodeId: number }).nodeId;

    const listed = await cli(['node', 'status', ...manifest, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as NodeStatus[];
    assert.equal(rows.length, 3);
    const [content] = network.contentNodes;
    const [discovery] = network.discoveryNodes;
    const live = rows.find((r) => r.endpoint === content!.endpoint)!;
    assert.equal(live.type, 'content-node');
    assert.equal(live.health, 'healthy', live.problem);
    assert.equal(typeof live.version, 'string');
    assert.equal(live.blockLag, null);
    assert.match(live.owner, /^0x[0-9a-fA-F]{40}$/);
    assert.ok(Number(live.ownerStake) > 0);
    const dn = rows.find((r) => r.endpoint === discovery!.endpoint)!;
    assert.equal(dn.type, 'discovery-node');
    assert.equal(dn.health, 'healthy', dn.problem);
    assert.equal(typeof dn.blockLag, 'number');
    assert.ok(dn.blockLag! >= 0);
    const dead = rows.find((r) => r.id === nodeId)!;
    assert.deepEqual(
      { health: dead.health, version: dead.version, blockLag: dead.blockLag },
      { health: 'unreachable', version: null, blockLag: null },
    );
    assert.equal(dead.delegateWallet, delegate);
    assert.equal(dead.problem, 'could not connect to the endpoint');

    const text = await cli(['node', 'status', ...manifest]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^ID\s+TYPE\s+ENDPOINT\s+OWNER\s+DELEGATE\s+STAKE\s+VERSION\s+HEALTH\s+LAG$/,
    );
    assert.ok(lines.some((l) => l.includes(discovery!.endpoint) && /\bhealthy\s+\d+$/.test(l)));
    assert.ok(
      lines.includes(
        `node ${nodeId} (http://127.0.0.1:1) is unreachable: could not connect to the endpoint`,
      ),
      text.stdout,
    );
  });
});
