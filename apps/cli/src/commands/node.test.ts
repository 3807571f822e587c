// `coliving node status` against a real local network (two chains, a content node and a
// discovery node, registered on NodeRegistry), with one more node registered at an endpoint where
// nothing answers: it is listed as unreachable, and the command does not fail. Nodes registered at
// endpoints that answer something else than their own signed report are unhealthy, and say why.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devAccountKeys } from '@coliving/chain';
import { type StartNetworkReturnType, startNetwork } from '@coliving/devnet';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { runCli } from '../cli.js';
import type { CliIo } from '../context.js';
import type { NodeStatus } from './nodeStatus.js';

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

  it('believes only a report signed by the registered delegate, and prints no control characters', async () => {
    const manifest = ['--manifest', network.manifestFile];
    const [discovery] = network.discoveryNodes;
    const real = await (await fetch(`${discovery!.endpoint}/health_check`)).text();
    const answers: Record<string, (res: ServerResponse) => void> = {
      // An impostor (or a parked domain) that claims health without the delegate's signature.
      unsigned: (res) =>
        res.end(JSON.stringify({ data: { healthy: true, version: '9.9.9', block_difference: 0 } })),
      // Another node's real, signed report, replayed.
      replayed: (res) => res.end(real),
      // A node whose check failed answers 503, unsigned, with what failed: escape sequences in
      // it would recolour or rewrite the terminal.
      escapes: (res) => {
        res.statusCode = 503;
        res.end(
          JSON.stringify({ data: { healthy: false, error: '\u001b[2Jdisk \u001b[31mgone' } }),
        );
      },
      html: (res) => res.end('<html>It works!</html>'),
      huge: (res) => res.end(Buffer.alloc(2 * 1024 * 1024, 32)),
    };
    const servers: Server[] = [];
    const endpoints: Record<string, string> = {};
    try {
      for (const [name, answer] of Object.entries(answers)) {
        const server = createServer((_req, res) => answer(res));
        await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
        servers.push(server);
        endpoints[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const registered = await cli([
          ...['node', 'register', '--type', 'discovery-node', '--endpoint', endpoints[name]],
          ...['--stake', '200000', '--delegate', privateKeyToAccount(generatePrivateKey()).address],
          ...['--private-key', devAccountKeys()[0]!, ...manifest, '--json'],
        ]);
        assert.equal(registered.code, 0, registered.stderr);
      }
      const listed = await cli(['node', 'status', ...manifest, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const rows = JSON.parse(listed.stdout) as NodeStatus[];
      const row = (name: string) => {
        const r = rows.find((x) => x.endpoint === endpoints[name])!;
        return { health: r.health, version: r.version, problem: r.problem };
      };
      assert.deepEqual(row('unsigned'), {
        health: 'unhealthy',
        version: null,
        problem: 'its health report is not signed',
      });
      const signer = (JSON.parse(real) as { signer: string }).signer;
      assert.deepEqual(row('replayed'), {
        health: 'unhealthy',
        version: null,
        problem: `its health report is signed by ${signer}, not the registered delegate`,
      });
      assert.deepEqual(row('escapes'), {
        health: 'unhealthy',
        version: null,
        problem: '[2Jdisk [31mgone',
      });
      assert.deepEqual(row('html'), {
        health: 'unhealthy',
        version: null,
        problem: 'its health check answered 200 without a Coliving health report',
      });
      assert.deepEqual(row('huge'), {
        health: 'unhealthy',
        version: null,
        problem: 'its health check answered more than 1 MiB',
      });
      // The real nodes still verify.
      assert.equal(rows.find((r) => r.endpoint === discovery!.endpoint)!.health, 'healthy');
      const text = await cli(['node', 'status', ...manifest]);
      assert.equal(text.code, 0, text.stderr);
      assert.ok(!text.stdout.includes('\u001b'), text.stdout);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it('says in words, with exit 1, when the eth chain cannot be reached or has no NodeRegistry there', async () => {
    const manifestFile = join(dir, 'unreachable.json');
    const closed = await new Promise<number>((done) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });
    const rpcUrl = `http://127.0.0.1:${closed}`;
    const { manifest } = network;
    await writeFile(
      manifestFile,
      JSON.stringify({
        ...manifest,
        chains: { ...manifest.chains, eth: { ...manifest.chains.eth, rpcUrl } },
      }),
    );
    const failed = await cli(['node', 'status', '--manifest', manifestFile, '--json']);
    assert.equal(failed.code, 1);
    assert.deepEqual(JSON.parse(failed.stdout || failed.stderr), {
      error: {
        type: 'failed',
        code: 'eth_chain_unreachable',
        message: `Cannot read NodeRegistry from the eth chain at ${rpcUrl} (fetch failed). Is the chain running (npm start for the devnet), and is the manifest's rpcUrl right?`,
      },
    });

    // A manifest of another deployment: nothing is at its NodeRegistry address on this chain.
    const elsewhere = '0x00000000000000000000000000000000000c0de1';
    await writeFile(
      manifestFile,
      JSON.stringify({
        ...manifest,
        contracts: {
          ...manifest.contracts,
          eth: { ...manifest.contracts.eth, NodeRegistry: elsewhere },
        },
      }),
    );
    const wrong = await cli(['node', 'status', '--manifest', manifestFile]);
    assert.equal(wrong.code, 1);
    assert.equal(
      wrong.stderr,
      `coliving: There is no NodeRegistry at ${elsewhere} on the eth chain at ${manifest.chains.eth.rpcUrl}: is the manifest for this chain?\n`,
    );
  });

  it('refuses in words, before any transaction, a stake the operator wallet cannot pay', async () => {
    const manifest = ['--manifest', network.manifestFile];
    const poorKey = generatePrivateKey();
    const poor = privateKeyToAccount(poorKey).address;
    const before = await cli(['node', 'status', ...manifest, '--json']);
    const refused = await cli([
      ...['node', 'register', '--type', 'discovery-node', '--endpoint', 'http://127.0.0.1:2'],
      ...['--stake', '200000', '--delegate', privateKeyToAccount(generatePrivateKey()).address],
      ...['--private-key', poorKey, ...manifest],
    ]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `coliving: The operator wallet ${poor} holds 0 DGCO; staking 200000 DGCO needs that much\n`,
    );
    const more = await cli([
      'node',
      'stake',
      '--amount',
      '5',
      '--private-key',
      poorKey,
      ...manifest,
    ]);
    assert.equal(more.code, 1);
    assert.match(more.stderr, /holds 0 DGCO; staking 5 DGCO needs that much/);
    // Nothing was registered.
    const after = await cli(['node', 'status', ...manifest, '--json']);
    assert.equal(
      (JSON.parse(after.stdout) as unknown[]).length,
      (JSON.parse(before.stdout) as unknown[]).length,
    );
  });
});
