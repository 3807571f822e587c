// An upload survives a restart of its content node: two real content nodes run as processes,
// registered on a local eth chain (so they share upload records and sign upload receipts), the
// SDK uploads real audio, the
// node that took it is stopped (SIGTERM) while it transcodes and started again on the same port
// and data directory, and the SDK's upload still resolves with the finished record. The discovery
// node is the stand-in (testing/fakeNodes.ts): what is under test is the content node going away.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type UploadRecord, TRANSCODE_RESULTS, decodeHashId, rankNodes } from '@coliving/protocol';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { createColivingSdk } from './createColivingSdk.js';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  startFakeDiscoveryNode,
} from './testing/fakeNodes.js';
import type { UploadProgressEvent } from './upload.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CONTENT_NODE_MAIN = join(ROOT, 'apps/content-node/src/main.ts');

/** A loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** `seconds` of a 16-bit stereo 44.1 kHz sine as a WAV file, long enough to take a while. */
function sineWav(seconds: number): Uint8Array {
  const rate = 44_100;
  const frames = seconds * rate;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const sample = Math.round(12_000 * Math.sin((2 * Math.PI * 330 * i) / rate));
    data.writeInt16LE(sample, i * 4);
    data.writeInt16LE(sample, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return new Uint8Array(Buffer.concat([header, data]));
}

type ContentNodeProcess = {
  endpoint: string;
  start(): Promise<void>;
  /** SIGTERM, as an operator's restart sends; resolves once the process has exited. */
  stop(): Promise<void>;
};

/** A content node process; `start` again after `stop` runs it on the same port and data. */
function contentNodeProcess(env: Record<string, string>, endpoint: string): ContentNodeProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  return {
    endpoint,
    async start() {
      const running = spawn(process.execPath, ['--import', 'tsx', CONTENT_NODE_MAIN], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child = running;
      exited = new Promise((done) => running.once('exit', () => done()));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const up = await fetch(`${endpoint}/health_check`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) return;
        if (running.exitCode !== null || running.signalCode !== null)
          throw new Error(`${endpoint} exited while starting`);
        if (Date.now() > deadline) throw new Error(`${endpoint} did not start in 60 s`);
        await new Promise((done) => setTimeout(done, 100));
      }
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('an upload through a restart of its content node', () => {
  let dir: string;
  let nodes: ContentNodeProcess[] = [];
  let discovery: FakeNode | undefined;

  let chain: FakeChain;
  let net: TestNetwork | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-sdk-restart-'));
    // The stand-in discovery node, up first: content nodes ask it whether an uploader is a user.
    chain = createFakeChain();
    discovery = await startFakeDiscoveryNode({
      chain,
      contentNodes: () => nodes.map((node) => node.endpoint),
    });
    const keys = [generatePrivateKey(), generatePrivateKey()];
    const ports = [await freePort(), await freePort()];
    const endpoints = ports.map((port) => `http://127.0.0.1:${port}`);
    // The nodes are registered on a local eth chain, as on a real network: they find each other
    // and the discovery node there, and sign upload receipts that name their registration.
    net = await startTestNetwork();
    const owner = net.accounts[1]!;
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [owner.address],
      dgco: parseEther('1000000'),
    });
    const register = (
      serviceType: 'contentNode' | 'discoveryNode',
      endpoint: string,
      wallet: `0x${string}`,
    ) =>
      registerNode({
        manifest: net!.manifest,
        owner,
        serviceType,
        endpoint,
        stake: parseEther('200000'),
        delegateWallet: wallet,
      });
    for (const [i, key] of keys.entries()) {
      await register('contentNode', endpoints[i]!, privateKeyToAccount(key).address);
    }
    await register(
      'discoveryNode',
      discovery.endpoint,
      privateKeyToAccount(generatePrivateKey()).address,
    );
    nodes = keys.map((key, i) =>
      contentNodeProcess(
        {
          COLIVING_PORT: String(ports[i]),
          COLIVING_PUBLIC_URL: endpoints[i]!,
          COLIVING_DATA_DIR: join(dir, `node-${i}`),
          COLIVING_DELEGATE_PRIVATE_KEY: key,
          COLIVING_ETH_RPC_URL: net!.manifest.chains.eth.rpcUrl,
          COLIVING_NODE_REGISTRY_ADDRESS: net!.manifest.contracts.eth.NodeRegistry,
          COLIVING_LOG_LEVEL: 'warn',
          COLIVING_TRANSCODE_WORKERS: '1',
        },
        endpoints[i]!,
      ),
    );
    await Promise.all(nodes.map((node) => node.start()));
  });

  after(async () => {
    await discovery?.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'resolves with the finished record when the node restarts mid-transcode',
    { timeout: 180_000 },
    async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      // Every request the SDK makes, to find the upload's id in its polls.
      const urls: string[] = [];
      const sdk = createColivingSdk({
        discoveryNodes: [discovery!.endpoint],
        account,
        pollIntervalMs: 50,
        fetch: (input, init) => {
          urls.push(String(input instanceof Request ? input.url : input));
          return fetch(input, init);
        },
      });
      const { userId } = await sdk.users.create({ handle: 'restarter', name: 'Restarter' });
      // The SDK sends the file to the first node of the wallet's rendezvous ranking.
      const hostEndpoint = rankNodes(
        nodes.map((node) => node.endpoint),
        account.address,
      )[0]!;
      const host = nodes.find((node) => node.endpoint === hostEndpoint)!;

      const events: UploadProgressEvent[] = [];
      let restart: Promise<void> | undefined;
      const { trackId } = await sdk.tracks.upload({
        userId,
        file: sineWav(90),
        fileName: 'restart.wav',
        metadata: { title: 'Restart', genre: 'Ambient' },
        onProgress: (event) => {
          events.push(event);
          if (event.stage === 'transcode' && restart === undefined) {
            restart = host.stop().then(() => host.start());
          }
        },
      });
      await restart;

      const published = chain.tracks.get(decodeHashId(trackId))!.data;
      const id = urls
        .map((url) => new RegExp(`^${hostEndpoint}/uploads/([^/?]+)$`).exec(url)?.[1])
        .find((match) => match !== undefined)!;
      const record = (
        (await (await fetch(`${hostEndpoint}/uploads/${id}`)).json()) as { data: UploadRecord }
      ).data;
      assert.equal(record.status, 'done');
      assert.equal(published.track_cid, record.results[TRANSCODE_RESULTS.stream]);
      assert.ok(
        events.some((e) => e.stage === 'transcode' && e.nodeUnreachable === true),
        'the SDK said the node was away',
      );
    },
  );
});
