// `coliving devnet up` (what `npm start` runs) as a user runs it: a smaller devnet on free
// ports, with the small demo catalog. Checks the manifest, the demo tracks through the API, a
// stream from each content node, the nodes on chain, `devnet status`, a clean stop, and a
// second start that resumes without reseeding.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createChainClient } from '@coliving/chain';
import { ServiceType, nodeRegistryAbi } from '@coliving/contracts';
import { cidFromBytes } from '@coliving/protocol';
import { createColivingSdk } from '@coliving/sdk';
import type { Address } from 'viem';
import type { DevnetManifestFile } from './commands/devnet.js';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CLI = join(ROOT, 'apps/cli/bin/coliving.mjs');
const READY_DEADLINE_MS = 15 * 60_000;

let dir: string;

/** Starts `coliving devnet up` and resolves once it prints that it is ready. */
async function devnetUp(): Promise<{ child: ChildProcess; output: string[] }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'devnet',
      'up',
      '--dir',
      dir,
      '--content-nodes',
      '3',
      '--discovery-nodes',
      '1',
      '--catalog',
      'small',
      '--json',
    ],
    {
      cwd: dir,
      env: { ...process.env, COLIVING_PORT_BASE: 'auto' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await new Promise<void>((done, fail) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`devnet up was not ready in time:\n${output.join('')}`)),
      READY_DEADLINE_MS,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"ready": true')) {
        clearTimeout(timer);
        done();
      }
    });
    // With --json a failure is printed on stdout ({"error": …}), so both are shown.
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`devnet up exited with ${code}:\n${stdout}\n${output.join('')}`));
    });
  });
  return { child, output };
}

async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--dir', dir, '--json'], {
    cwd: dir,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refuses(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

async function nodePids(): Promise<number[]> {
  const network = JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')) as {
    contentNodes: { pid: number }[];
    discoveryNodes: { pid: number }[];
  };
  return [...network.contentNodes, ...network.discoveryNodes].map((n) => n.pid);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-devnet-'));
});

after(async () => {
  await run(process.execPath, [CLI, 'devnet', 'down', '--dir', dir]).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe('coliving devnet up', () => {
  let manifest: DevnetManifestFile;

  it('starts a devnet with the demo catalog and writes its manifest', async () => {
    const { child } = await devnetUp();
    manifest = JSON.parse(await readFile(join(dir, 'devnet.json'), 'utf8')) as DevnetManifestFile;
    assert.equal(manifest.chains.eth.chainId, 31337);
    assert.equal(manifest.chains.data.chainId, 31338);
    assert.match(manifest.chains.eth.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(manifest.contracts.eth.NodeRegistry && manifest.contracts.data.EntityManager);
    assert.equal(manifest.contentNodes.length, 3);
    assert.equal(manifest.discoveryNodes.length, 1);
    for (const node of [...manifest.contentNodes, ...manifest.discoveryNodes]) {
      assert.match(node.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(node.delegateWallet, /^0x[0-9a-fA-F]{40}$/);
      assert.ok(node.spId > 0);
    }
    assert.ok(manifest.accounts.some((a) => a.role === 'landlord'));
    assert.ok(manifest.accounts.some((a) => a.role === 'resident'));
    for (const a of manifest.accounts) assert.ok(a.handle && a.email && a.password && a.wallet);
    assert.equal(manifest.seeded, true);
    assert.ok(child.pid && pidAlive(child.pid));
    // The web player: its build, and /config.json pointing it at this devnet's discovery nodes.
    assert.match(String(manifest.web.url), /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${manifest.web.url}/nightowl/some-track`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const config = await (await fetch(`${manifest.web.url}/config.json`)).json();
    assert.deepEqual(config, { discoveryNodes: manifest.discoveryNodes.map((n) => n.endpoint) });
  });

  it('serves the demo tracks through the API, and streams from each content node', async () => {
    const sdk = createColivingSdk({
      discoveryNodes: manifest.discoveryNodes.map((n) => n.endpoint),
    });
    const landlord = manifest.accounts.find((a) => a.role === 'landlord')!;
    const user = await sdk.users.byHandle(landlord.handle);
    assert.ok(user.bio, 'landlords have a bio');
    assert.ok(user.profile_picture, 'and a profile picture');
    const tracks = await sdk.users.tracks(user.id);
    assert.ok(tracks.length > 0);
    assert.ok(tracks.every((t) => t.duration >= 30));
    const trending = await sdk.tracks.trending({ time: 'allTime' });
    assert.ok(trending.length > 0);

    // The stream file is on 3 of 3 content nodes (R = 3): each serves it, byte for byte.
    const track = tracks[0]!;
    const signed = new URL(await sdk.tracks.streamUrl(track.id));
    for (const node of manifest.contentNodes) {
      const url = `${node.endpoint}${signed.pathname}${signed.search}`;
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.equal(await cidFromBytes(new Uint8Array(await res.arrayBuffer())), track.track_cid);
    }
  });

  it('has its nodes registered on chain, and reports every process healthy', async () => {
    const client = createChainClient('eth', manifest.chains.eth);
    const registry = manifest.contracts.eth.NodeRegistry as Address;
    for (const [type, nodes] of [
      [ServiceType.contentNode, manifest.contentNodes],
      [ServiceType.discoveryNode, manifest.discoveryNodes],
    ] as const) {
      const [ids, onChain] = await client.readContract({
        address: registry,
        abi: nodeRegistryAbi,
        functionName: 'getNodesByType',
        args: [type],
      });
      for (const node of nodes) {
        const i = onChain.findIndex((n) => n.endpoint === node.endpoint);
        assert.ok(i >= 0, `${node.endpoint} is registered`);
        assert.equal(Number(ids[i]), node.spId);
        assert.equal(onChain[i]!.delegateWallet.toLowerCase(), node.delegateWallet.toLowerCase());
      }
    }
    const status = await cli('devnet', 'status');
    assert.equal(status.running, true);
    const processes = status.processes as { name: string; ok: boolean }[];
    assert.equal(processes.length, 1 + 2 + 3 + 1, 'web player, chains, content and discovery');
    assert.ok(
      processes.every((p) => p.ok),
      JSON.stringify(processes),
    );
  });

  it('stops cleanly: no process left, nothing listening', async () => {
    const pids = await nodePids();
    const down = await cli('devnet', 'down');
    assert.equal(down.stopped, true);
    for (const pid of [...pids, Number(down.pid)]) assert.ok(!pidAlive(pid), `pid ${pid} is gone`);
    for (const url of [
      manifest.web.url!,
      manifest.chains.eth.rpcUrl,
      manifest.chains.data.rpcUrl,
      ...manifest.contentNodes.map((n) => n.endpoint),
      ...manifest.discoveryNodes.map((n) => n.endpoint),
    ])
      assert.ok(await refuses(url), `${url} refuses connections`);
  });

  it('resumes on a second start without reseeding', async () => {
    const before = manifest;
    await devnetUp();
    const again = JSON.parse(
      await readFile(join(dir, 'devnet.json'), 'utf8'),
    ) as DevnetManifestFile;
    assert.deepEqual(again.accounts, before.accounts, 'the same demo accounts, not new ones');
    assert.deepEqual(again.contentNodes, before.contentNodes);
    const sdk = createColivingSdk({ discoveryNodes: again.discoveryNodes.map((n) => n.endpoint) });
    const landlord = again.accounts.find((a) => a.role === 'landlord')!;
    const user = await sdk.users.byHandle(landlord.handle);
    assert.ok((await sdk.users.tracks(user.id)).length > 0, 'the catalog survived the restart');
    await cli('devnet', 'down');
  });
});
