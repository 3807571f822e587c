import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type UploadRecord,
  contentSha256Of,
  encodeStreamSignatureParam,
  placementFor,
  rankNodes,
  signRequest,
  signStreamData,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { type NodeInfo, type StaticNetwork, createStaticNetwork } from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests, freePort, waitForUpload } from './testing.js';

const run = promisify(execFile);
const landlord = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);

type Member = {
  info: NodeInfo;
  port: number;
  node: ContentNode;
  store: BlobStore;
  listens: ListenJournal;
  network: StaticNetwork;
  stopped: boolean;
};

describe('a cluster of 5 content nodes (R = 3)', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  const members: Member[] = [];
  let record: UploadRecord;
  let cid: string;

  // Every registered node, dead or alive: placement does not change when a node goes down.
  const endpoints = () => members.map((m) => m.info.endpoint);
  const byEndpoint = (endpoint: string) => members.find((m) => m.info.endpoint === endpoint)!;

  async function startMember(port: number, key: `0x${string}`, nodes: NodeInfo[]): Promise<Member> {
    const account = privateKeyToAccount(key);
    const info = { endpoint: `http://127.0.0.1:${port}`, delegateWallet: account.address };
    const dataDir = join(dir, `node-${port}`);
    const store = await openBlobStore(join(dataDir, 'blobs'));
    const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    const network = createStaticNetwork(nodes, [discovery.address]);
    const node = await createContentNode(
      {
        account,
        store,
        listens,
        ffmpeg,
        logger: false,
        network,
        discovery: everyWalletIsAUserForTests(),
      },
      {
        publicUrl: info.endpoint,
        dataDir,
        version: '0.1.0',
        transcodeWorkers: 1,
        repairIntervalMs: 0,
        cleanupGraceMs: 0,
      },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port });
    return { info, port, node, store, listens, network, stopped: false };
  }

  async function stream(endpoint: string, range?: string): Promise<Response> {
    const signature = await signStreamData({
      account: discovery,
      data: { cid, timestamp: Date.now(), trackId: 5, shouldCache: true },
    });
    return fetch(
      `${endpoint}/tracks/cidstream/${cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`,
      {
        headers: range ? { range } : {},
      },
    );
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-cluster-'));
    ffmpeg = await findFfmpegBinaries();
    const keys = Array.from({ length: 5 }, () => generatePrivateKey());
    const ports = await Promise.all(keys.map(() => freePort()));
    const nodes = ports.map((port, i) => ({
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: privateKeyToAccount(keys[i]!).address,
    }));
    for (const [i, port] of ports.entries()) members.push(await startMember(port, keys[i]!, nodes));
    const song = join(dir, 'song.wav');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=523:duration=6',
      song,
    ]);
    const form = new FormData();
    form.set('template', 'audio');
    form.append('files', new Blob([await readFile(song)]), 'song.wav');
    const uploader = members[0]!;
    const res = await fetch(`${uploader.info.endpoint}/uploads`, {
      method: 'POST',
      headers: await signRequest({
        account: landlord,
        method: 'POST',
        path: '/uploads',
        content: contentSha256Of(new Uint8Array(await (form.get('files') as Blob).arrayBuffer())),
      }),
      body: form,
    });
    const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
    record = await waitForUpload(() => uploader.node.uploads.get(created!.id));
    assert.equal(record.status, 'done', record.error);
    cid = record.results['320']!;
    await uploader.node.repairOnce();
  });

  after(async () => {
    for (const m of members) {
      if (!m.stopped) await m.node.stop();
      await m.listens.close();
      await m.store.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('holds each result on the top 3 ranked nodes, and nowhere else but the uploader', async () => {
    for (const blob of new Set(Object.values(record.results))) {
      const holders: string[] = [];
      for (const m of members) if (await m.store.head(blob)) holders.push(m.info.endpoint);
      const top = placementFor(endpoints(), blob, 3);
      // The uploader keeps what it made: with 5 nodes it ranks within R + 2 for every blob.
      const expected = new Set([...top, members[0]!.info.endpoint]);
      assert.deepEqual(holders.sort(), [...expected].sort(), blob);
    }
  });

  it('streams exactly the stored bytes, whole and in ranges', async () => {
    const holder = byEndpoint(placementFor(endpoints(), cid, 3)[0]!);
    const chunks: Buffer[] = [];
    for await (const c of await holder.store.get(cid)) chunks.push(Buffer.from(c));
    const stored = Buffer.concat(chunks);
    const whole = await stream(holder.info.endpoint);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(stored));
    for (const [range, from, to] of [
      ['bytes=0-0', 0, 0],
      ['bytes=1000-4095', 1000, 4095],
      [`bytes=-100`, stored.length - 100, stored.length - 1],
    ] as const) {
      const res = await stream(holder.info.endpoint, range);
      assert.equal(res.status, 206, range);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(stored.subarray(from, to + 1)), range);
    }
  });

  it('keeps streaming from another holder when one is killed', async () => {
    const [first, second] = placementFor(endpoints(), cid, 3);
    const victim = byEndpoint(first!);
    await victim.node.stop();
    victim.stopped = true;
    await assert.rejects(stream(first!));
    const res = await stream(second!);
    assert.equal(res.status, 200);
    assert.ok((await res.arrayBuffer()).byteLength > 0);
  });

  it('gives a joining node that ranks in the top 3 the blob through repair', async () => {
    // Find a port whose endpoint ranks in the top 3 for the blob among the current five.
    let port = 0;
    let key = generatePrivateKey();
    for (let tries = 0; tries < 200; tries++) {
      const candidate = await freePort();
      if (
        placementFor([...endpoints(), `http://127.0.0.1:${candidate}`], cid, 3).includes(
          `http://127.0.0.1:${candidate}`,
        )
      ) {
        port = candidate;
        break;
      }
    }
    assert.ok(port > 0, 'no port ranked in the top 3');
    key = generatePrivateKey();
    const joinerInfo = {
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: privateKeyToAccount(key).address,
    };
    const all = [...members.map((m) => m.info), joinerInfo];
    // The dead node is still registered (it may come back); everyone learns of the new one.
    for (const m of members) m.network.update(all);
    const joiner = await startMember(port, key, all);
    members.push(joiner);
    assert.equal(await joiner.store.head(cid), undefined);
    const report = await joiner.node.repairOnce();
    assert.ok(report.pulled.includes(cid), JSON.stringify(report));
    assert.ok(await joiner.store.head(cid));
    assert.ok(rankNodes(endpoints(), cid).slice(0, 3).includes(joiner.info.endpoint));
    // It has the record too, from the sweep, and serves the stream.
    assert.equal((await joiner.node.uploads.get(record.id)).status, 'done');
    assert.equal((await stream(joiner.info.endpoint)).status, 200);
  });
});
