// Plays on a real local network (docs/design.md §11): a content node registered on NodeRegistry
// journals the listens it serves (a full stream from byte 0 under a signature that does not skip
// play counting, within the per (track, IP) limits) and puts them on the data chain's PlayLog
// from its delegate wallet; a node killed with SIGKILL submits what it journaled after it
// restarts, and no play twice.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChainWallet, fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { playLogAbi } from '@coliving/contracts';
import {
  type DecodedPlay,
  type StreamSignatureData,
  decodePlays,
  encodeStreamSignatureParam,
  signStreamData,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { type LocalAccount, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { type NetworkView, createChainNetwork, createStaticNetwork } from './core/network.js';
import { JsonRecordDir } from './db/jsonRecordDir.js';
import { ListenJournal } from './db/listenJournal.js';
import type { SubmitState } from './jobs/submitPlays.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests, freePort } from './testing.js';

const here = dirname(fileURLToPath(import.meta.url));
const STAKE = parseEther('200000');

let net: TestNetwork;
let discovery: LocalAccount;
const dirs: string[] = [];
const children: ChildProcess[] = [];
/** The keys of the delegates made by registeredContentNode, for nodes run as processes. */
const delegatePrivateKeys = new Map<string, `0x${string}`>();

type Running = {
  node: ContentNode;
  url: string;
  listens: ListenJournal;
  store: BlobStore;
  network: NetworkView;
  dataDir: string;
};

/** A content node delegate registered on NodeRegistry, with data-chain gas. */
async function registeredContentNode(endpoint: string) {
  const delegateKey = generatePrivateKey();
  const delegate = privateKeyToAccount(delegateKey);
  delegatePrivateKeys.set(delegate.address, delegateKey);
  const operator = privateKeyToAccount(generatePrivateKey());
  await fundAccounts({
    manifest: net.manifest,
    from: net.deployer,
    recipients: [operator.address, delegate.address],
    eth: parseEther('10'),
    dgco: STAKE,
  });
  const { nodeId } = await registerNode({
    manifest: net.manifest,
    owner: operator,
    serviceType: 'contentNode',
    endpoint,
    stake: STAKE,
    delegateWallet: delegate.address,
  });
  return { delegate, nodeId };
}

async function startNode(
  delegate: LocalAccount,
  options: {
    dataDir?: string;
    registered?: boolean;
    limits?: { hour: number; day: number; week: number };
  } = {},
): Promise<Running> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'coliving-plays-')));
  dirs.push(dataDir);
  const store = await openBlobStore(join(dataDir, 'blobs'));
  const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
  const network =
    options.registered === false
      ? createStaticNetwork(
          [{ endpoint: 'http://127.0.0.1:1', delegateWallet: delegate.address }],
          [discovery.address],
        )
      : createChainNetwork({
          client: net.ethPublic,
          nodeRegistry: net.manifest.contracts.eth.NodeRegistry,
          refreshMs: 60_000,
          onError: () => undefined,
          selfWallet: delegate.address,
        });
  const node = await createContentNode(
    {
      account: delegate,
      store,
      listens,
      network,
      ffmpeg: await findFfmpegBinaries(),
      logger: false,
      discovery: everyWalletIsAUserForTests(),
      playLog: {
        client: net.dataPublic,
        wallet: createChainWallet('data', net.manifest.chains.data, delegate),
        address: net.manifest.contracts.data.PlayLog,
      },
    },
    {
      publicUrl: 'http://127.0.0.1:1',
      dataDir,
      version: 'test',
      repairIntervalMs: 0,
      retentionIntervalMs: 0,
      playSubmitIntervalMs: 0,
      ...(options.limits ? { playLimitsPerTrackIp: options.limits } : {}),
    },
  );
  await node.start();
  await node.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = node.app.server.address() as AddressInfo;
  return { node, url: `http://127.0.0.1:${port}`, listens, store, network, dataDir };
}

async function stopNode(r: Running) {
  await r.node.stop();
  await r.listens.close();
  await r.store.close();
}

async function putBlob(store: BlobStore): Promise<string> {
  const bytes = new Uint8Array(randomBytes(64 * 1024));
  return (
    await store.put(
      (async function* () {
        yield bytes;
      })(),
    )
  ).cid;
}

async function streamUrl(
  url: string,
  data: Omit<StreamSignatureData, 'timestamp' | 'shouldCache'>,
) {
  const signature = await signStreamData({
    account: discovery,
    data: { timestamp: Date.now(), shouldCache: true, ...data },
  });
  return `${url}/tracks/cidstream/${data.cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`;
}

/** Fetches and reads the whole body; returns the status. */
async function get(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

/** Every PlaysSubmitted event on the data chain, with its plays unpacked. */
async function submitted() {
  const events = await net.dataPublic.getContractEvents({
    address: net.manifest.contracts.data.PlayLog,
    abi: playLogAbi,
    eventName: 'PlaysSubmitted',
    fromBlock: 0n,
  });
  return events.map((e) => ({
    submitter: e.args.submitter!,
    nodeId: e.args.nodeId!,
    ethBlockHash: e.args.ethBlockHash!,
    plays: decodePlays(e.args.plays!) as DecodedPlay[],
  }));
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  net = await startTestNetwork();
  discovery = privateKeyToAccount(generatePrivateKey());
  const operator = privateKeyToAccount(generatePrivateKey());
  await fundAccounts({
    manifest: net.manifest,
    from: net.deployer,
    recipients: [operator.address],
    eth: parseEther('1'),
    dgco: STAKE,
  });
  await registerNode({
    manifest: net.manifest,
    owner: operator,
    serviceType: 'discoveryNode',
    endpoint: 'http://127.0.0.1:2',
    stake: STAKE,
    delegateWallet: discovery.address,
  });
});

after(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await net?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('plays from a content node', () => {
  it('journals only a full stream from byte 0 that does not skip, and puts it on chain', async () => {
    const { delegate, nodeId } = await registeredContentNode('http://127.0.0.1:4301');
    const r = await startNode(delegate);
    try {
      const cid = await putBlob(r.store);
      const listen = { cid, trackId: 7, userId: 3 };
      assert.equal(await get(await streamUrl(r.url, listen)), 200);
      assert.equal(
        await get(await streamUrl(r.url, { cid, trackId: 7 }), { headers: { range: 'bytes=0-' } }),
        206,
      );
      // Not listens: a preview or skip_play_count (signed skipPlayCount), a range past byte 0, a HEAD.
      assert.equal(await get(await streamUrl(r.url, { ...listen, skipPlayCount: true })), 200);
      assert.equal(
        await get(await streamUrl(r.url, listen), { headers: { range: 'bytes=100-' } }),
        206,
      );
      assert.equal(await get(await streamUrl(r.url, listen), { method: 'HEAD' }), 200);
      const { listens } = await r.listens.read();
      assert.deepEqual(
        listens.map((l) => [l.trackId, l.userId]),
        [
          [7, 3],
          [7, undefined],
        ],
      );
      for (const l of listens) assert.match(l.id, /^0x[0-9a-f]{32}$/);
      assert.notEqual(listens[0]!.id, listens[1]!.id);

      await r.node.submitPlaysOnce();
      const batches = await submitted();
      const ours = batches.filter((b) => b.nodeId === nodeId);
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.submitter, delegate.address);
      assert.equal(ours[0]!.ethBlockHash, r.network.registration()!.blockHash);
      assert.deepEqual(
        ours[0]!.plays.map((p) => ({ id: p.id, trackId: p.trackId, userId: p.userId, at: p.at })),
        listens.map((l) => ({ id: l.id, trackId: l.trackId, userId: l.userId ?? 0, at: l.at })),
      );
      // Nothing new: nothing sent again.
      await r.node.submitPlaysOnce();
      assert.equal((await submitted()).filter((b) => b.nodeId === nodeId).length, 1);
      const health = (await (await fetch(`${r.url}/health_check`)).json()) as {
        data: { plays: { submitting: boolean; offset: number } };
      };
      assert.equal(health.data.plays.submitting, true);
      assert.equal(health.data.plays.offset, await r.listens.end());
      assert.equal(await metric(r.url, 'coliving_content_node_plays_submitted_total'), 2);
    } finally {
      await stopNode(r);
    }
  });

  it('journals at most the (track, IP) limits, and counts the rest as over the limit', async () => {
    const { delegate } = await registeredContentNode('http://127.0.0.1:4302');
    const r = await startNode(delegate, { limits: { hour: 3, day: 5, week: 9 } });
    try {
      const cid = await putBlob(r.store);
      for (let i = 0; i < 5; i += 1)
        assert.equal(await get(await streamUrl(r.url, { cid, trackId: 8, userId: i + 1 })), 200);
      // Another track from the same address has its own count.
      assert.equal(await get(await streamUrl(r.url, { cid, trackId: 9 })), 200);
      const { listens } = await r.listens.read();
      assert.deepEqual(
        listens.map((l) => l.trackId),
        [8, 8, 8, 9],
      );
      assert.equal(await metric(r.url, 'coliving_content_node_listens_over_limit_total'), 2);
    } finally {
      await stopNode(r);
    }
  });

  it('does not submit without a registration, and says why', async () => {
    const delegate = privateKeyToAccount(generatePrivateKey());
    const r = await startNode(delegate, { registered: false });
    try {
      const cid = await putBlob(r.store);
      assert.equal(await get(await streamUrl(r.url, { cid, trackId: 7 })), 200);
      const before = (await submitted()).length;
      await r.node.submitPlaysOnce();
      assert.equal((await submitted()).length, before);
      const health = (await (await fetch(`${r.url}/health_check`)).json()) as {
        data: { plays: { submitting: boolean; reason: string; offset: number } };
      };
      assert.equal(health.data.plays.submitting, false);
      assert.match(health.data.plays.reason, /not registered/);
      assert.equal(health.data.plays.offset, 0);
    } finally {
      await stopNode(r);
    }
  });

  it('does not send again a batch it sent and saw mined before a crash', async () => {
    const { delegate, nodeId } = await registeredContentNode('http://127.0.0.1:4303');
    const first = await startNode(delegate);
    const cid = await putBlob(first.store);
    for (let i = 0; i < 3; i += 1)
      assert.equal(await get(await streamUrl(first.url, { cid, trackId: 20 + i })), 200);
    await first.node.submitPlaysOnce();
    const [batch] = (await submitted()).filter((b) => b.nodeId === nodeId);
    assert.equal(batch?.plays.length, 3);
    await stopNode(first);
    // As a crash between the batch being mined and the offset being saved leaves it: the offset
    // before the batch, and the batch's transaction remembered as sent.
    const state = await JsonRecordDir.open<SubmitState>(join(first.dataDir, 'plays'));
    const saved = (await state.read('submitted'))!;
    const events = await net.dataPublic.getContractEvents({
      address: net.manifest.contracts.data.PlayLog,
      abi: playLogAbi,
      eventName: 'PlaysSubmitted',
      args: { nodeId },
      fromBlock: 0n,
    });
    await state.write('submitted', {
      offset: 0,
      pending: { hash: events[0]!.transactionHash, to: saved.offset, plays: 3 },
    });
    const second = await startNode(delegate, { dataDir: first.dataDir });
    try {
      await second.node.submitPlaysOnce();
      assert.equal((await submitted()).filter((b) => b.nodeId === nodeId).length, 1);
      assert.deepEqual(await state.read('submitted'), { offset: saved.offset });
    } finally {
      await stopNode(second);
    }
  });

  // A real process, killed with SIGKILL after its listens were journaled and before any was
  // submitted; its next start submits them, each once.
  it('submits after a kill -9 what it journaled before, and no play twice', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const { delegate, nodeId } = await registeredContentNode(endpoint);
    const dataDir = await mkdtemp(join(tmpdir(), 'coliving-plays-killed-'));
    dirs.push(dataDir);
    const store = await openBlobStore(join(dataDir, 'blobs'));
    const cid = await putBlob(store);
    await store.close();
    const start = (submitInterval: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts')], {
        env: {
          PATH: process.env.PATH ?? '',
          COLIVING_PORT: String(port),
          COLIVING_PUBLIC_URL: endpoint,
          COLIVING_DATA_DIR: dataDir,
          COLIVING_DELEGATE_PRIVATE_KEY: delegatePrivateKeys.get(delegate.address)!,
          COLIVING_ETH_RPC_URL: net.manifest.chains.eth.rpcUrl,
          COLIVING_NODE_REGISTRY_ADDRESS: net.manifest.contracts.eth.NodeRegistry,
          COLIVING_DATA_RPC_URL: net.manifest.chains.data.rpcUrl,
          COLIVING_PLAY_LOG_ADDRESS: net.manifest.contracts.data.PlayLog,
          COLIVING_PLAY_SUBMIT_INTERVAL: submitInterval,
          COLIVING_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(String(signal ?? code))),
      );
      return { child, exited, output: () => output };
    };
    const healthy = (p: ReturnType<typeof start>) =>
      until(`the node to answer (${p.output()})`, async () => {
        if (p.child.exitCode !== null) throw new Error(`the node exited: ${p.output()}`);
        const res = await fetch(`${endpoint}/health_check`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      });

    // An hour between passes: nothing is submitted before the kill.
    const first = start('1h');
    await healthy(first);
    const LISTENS = 12;
    for (let i = 0; i < LISTENS; i += 1)
      assert.equal(await get(await streamUrl(endpoint, { cid, trackId: 30 + (i % 3) })), 200);
    // Journaled: on disk once the group commit window is past.
    const journaled = await until('the listens to be on disk', async () => {
      const text = await readFile(join(dataDir, 'listens.jsonl'), 'utf8').catch(() => '');
      const lines = text.split('\n').filter((l) => l.length > 0);
      return lines.length === LISTENS
        ? lines.map((l) => (JSON.parse(l) as { id: string }).id)
        : undefined;
    });
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');
    assert.equal((await submitted()).filter((b) => b.nodeId === nodeId).length, 0);

    const second = start('200ms');
    await healthy(second);
    const plays = await until('the plays on chain', async () => {
      const found = (await submitted()).filter((b) => b.nodeId === nodeId).flatMap((b) => b.plays);
      return found.length >= LISTENS ? found : undefined;
    });
    // A few more passes: none sends anything again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const all = (await submitted()).filter((b) => b.nodeId === nodeId).flatMap((b) => b.plays);
    assert.equal(all.length, LISTENS, 'every play once');
    assert.deepEqual(new Set(all.map((p) => p.id)), new Set(journaled));
    assert.equal(plays.length, LISTENS);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, '0', second.output());
  });
});
