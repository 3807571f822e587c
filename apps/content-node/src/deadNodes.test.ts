// Placement past dead nodes (docs/design.md §7) and redirects from a node that lacks a blob
// (§8), on 7 content nodes in this process on real loopback sockets (R = 3, so ranks 4 and 5 are
// within R + 2 and ranks 6 and 7 are not). Repair passes are run by hand; the graces are short.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  type UploadRecord,
  cidFromBytes,
  encodeStreamSignatureParam,
  rankNodes,
  signStreamData,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { type NodeInfo, createStaticNetwork } from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { newUploadId } from './db/uploadStore.js';
import { type ContentNode, createContentNode } from './node.js';
import { freePort } from './testing.js';

/** How long a peer may be unreachable before the next nodes take its copies. */
const DEAD_GRACE_MS = 1_500;
/** How long a surplus copy is kept once it is surplus. */
const CLEANUP_GRACE_MS = 1_500;
const DEADLINE_MS = 20_000;
const R = 3;

const discovery = privateKeyToAccount(generatePrivateKey());

type Member = {
  key: Hex;
  info: NodeInfo;
  port: number;
  dataDir: string;
  node?: ContentNode;
  store?: BlobStore;
  listens?: ListenJournal;
};

describe('7 content nodes, two or three of them dead (R = 3)', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  const members: Member[] = [];
  const audio = new Uint8Array(randomBytes(200 * 1024));
  const json = new TextEncoder().encode(JSON.stringify({ title: 'a playlist', n: 7 }));
  let cid: string;
  let jsonCid: string;
  /** The nodes in rendezvous order for `cid`. */
  let ranking: Member[];

  const all = () => members.map((m) => m.info);
  const live = () => members.filter((m) => m.node);

  async function start(member: Member, { emptyDisk = false } = {}): Promise<void> {
    if (emptyDisk) await rm(member.dataDir, { recursive: true, force: true });
    const account = privateKeyToAccount(member.key);
    member.store = await openBlobStore(join(member.dataDir, 'blobs'));
    member.listens = await ListenJournal.open(join(member.dataDir, 'listens.jsonl'));
    member.node = await createContentNode(
      {
        account,
        store: member.store,
        listens: member.listens,
        ffmpeg,
        logger: false,
        network: createStaticNetwork(all(), [discovery.address]),
      },
      {
        publicUrl: member.info.endpoint,
        dataDir: member.dataDir,
        version: '0.1.0',
        transcodeWorkers: 1,
        repairIntervalMs: 0,
        cleanupGraceMs: CLEANUP_GRACE_MS,
        deadNodeGraceMs: DEAD_GRACE_MS,
      },
    );
    await member.node.start();
    await member.node.app.listen({ host: '127.0.0.1', port: member.port });
  }

  async function kill(member: Member): Promise<void> {
    await member.node!.stop();
    await member.listens!.close();
    await member.store!.close();
    member.node = undefined;
  }

  /** One repair pass on every live node, one after another. */
  async function repairAll(): Promise<void> {
    for (const m of live()) await m.node!.repairOnce();
  }

  /** The live nodes holding `blob`, in rank order. */
  async function liveHolders(blob: string): Promise<Member[]> {
    const held: Member[] = [];
    for (const m of ranking) if (m.node && (await m.store!.head(blob))) held.push(m);
    return held;
  }

  async function repairUntil(what: string, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      await repairAll();
      if (await done()) return;
      if (Date.now() > deadline) throw new Error(`${what}: not so at the deadline`);
      await sleep(100);
    }
  }

  async function streamUrl(member: Member): Promise<string> {
    const signature = await signStreamData({
      account: discovery,
      data: { cid, timestamp: Date.now(), trackId: 7, shouldCache: true },
    });
    const param = encodeURIComponent(encodeStreamSignatureParam(signature));
    return `${member.info.endpoint}/tracks/cidstream/${cid}?signature=${param}`;
  }

  const names = (list: Member[]) => list.map((m) => m.info.endpoint);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-dead-nodes-'));
    ffmpeg = await findFfmpegBinaries();
    for (let i = 0; i < 7; i++) {
      const key = generatePrivateKey();
      const port = await freePort();
      members.push({
        key,
        port,
        dataDir: join(dir, `node-${i}`),
        info: {
          endpoint: `http://127.0.0.1:${port}`,
          delegateWallet: privateKeyToAccount(key).address,
        },
      });
    }
    for (const m of members) await start(m);
    cid = await cidFromBytes(audio);
    jsonCid = await cidFromBytes(json);
    const order = rankNodes(
      members.map((m) => m.info.endpoint),
      cid,
    );
    ranking = order.map((e) => members.find((m) => m.info.endpoint === e)!);
    // The blobs on their top 3, and the record naming them on every node, as an upload leaves them.
    const put = (store: BlobStore, bytes: Uint8Array) =>
      store.put(
        (async function* () {
          yield bytes;
        })(),
      );
    for (const m of ranking.slice(0, R)) await put(m.store!, audio);
    const jsonOrder = rankNodes(
      members.map((m) => m.info.endpoint),
      jsonCid,
    );
    for (const e of jsonOrder.slice(0, R))
      await put(members.find((m) => m.info.endpoint === e)!.store!, json);
    const now = new Date().toISOString();
    const record: UploadRecord = {
      id: newUploadId(),
      template: 'audio',
      wallet: discovery.address,
      host: ranking[0]!.info.endpoint,
      status: 'done',
      origFileName: 'song.mp3',
      origFileCid: cid,
      size: audio.length,
      results: { original: cid, '320': cid, peaks: jsonCid },
      attempts: 1,
      createdAt: now,
      updatedAt: now,
    };
    for (const m of members) await m.node!.uploads.put(record);
  });

  after(async () => {
    for (const m of live()) await kill(m);
    await rm(dir, { recursive: true, force: true });
  });

  it('holds nothing new within the grace, then the next live nodes take the copies of two dead holders', async () => {
    await kill(ranking[0]!);
    await kill(ranking[1]!);
    // A first pass sees them down, but not for long: nothing moves (a restart is not a death).
    await repairAll();
    assert.deepEqual(names(await liveHolders(cid)), names([ranking[2]!]));
    await repairUntil('3 live copies', async () => (await liveHolders(cid)).length === R);
    assert.deepEqual(names(await liveHolders(cid)), names(ranking.slice(2, 5)));
  });

  it('goes past rank R + 2 when three holders are dead', async () => {
    await kill(ranking[2]!);
    await repairUntil('3 live copies', async () => (await liveHolders(cid)).length === R);
    assert.deepEqual(names(await liveHolders(cid)), names(ranking.slice(3, 6)));
  });

  it('redirects a stream or content request for a blob it lacks to a holder, once', async () => {
    // The top node comes back with an empty disk and has not repaired yet.
    const empty = ranking[0]!;
    await start(empty, { emptyDisk: true });
    assert.equal(await empty.store!.head(cid), undefined);
    const url = await streamUrl(empty);
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: { range: 'bytes=0-99' },
      });
      assert.equal(res.status, 302, method);
      const location = res.headers.get('location')!;
      const holder = ranking.slice(3, 6).find((m) => location.startsWith(`${m.info.endpoint}/`));
      assert.ok(holder, `${method} redirected to a holder: ${location}`);
      // The signed query travels as is, marked as a hop.
      assert.equal(
        location,
        `${holder.info.endpoint}${url.slice(empty.info.endpoint.length)}&hop=1`,
      );
    }
    // Followed, the signature still opens the stream on the holder.
    const followed = await fetch(url, { headers: { range: 'bytes=0-99' } });
    assert.equal(followed.status, 206);
    assert.deepEqual(new Uint8Array(await followed.arrayBuffer()), audio.subarray(0, 100));
    // A request that already hopped is never sent on again: no loop between two lacking nodes.
    const hopped = await fetch(`${url}&hop=1`, { redirect: 'manual' });
    assert.equal(hopped.status, 404);
    // A CID nobody holds is a plain 404.
    const nobody = await cidFromBytes(randomBytes(64));
    const absent = await fetch(`${empty.info.endpoint}/content/${nobody}`, { redirect: 'manual' });
    assert.equal(absent.status, 404);
    // Content (images, JSON) too.
    const jsonHeld = await Promise.all(live().map((m) => m.store!.head(jsonCid)));
    assert.ok(jsonHeld.some(Boolean), 'a live node holds the JSON');
    {
      const content = await fetch(`${empty.info.endpoint}/content/${jsonCid}`);
      assert.equal(content.status, 200);
      assert.deepEqual(new Uint8Array(await content.arrayBuffer()), json);
      assert.ok(content.redirected);
    }
  });

  it('drops a copy past rank R + 2 only after the grace once the dead are back, and keeps ranks 4 and 5', async () => {
    await start(ranking[1]!);
    await start(ranking[2]!);
    const fallback = ranking[5]!;
    // The returned top 3 hold again (the empty one pulls); the sixth-ranked copy is now surplus.
    await repairUntil(
      'the top 3 holding again',
      async () =>
        names((await liveHolders(cid)).slice(0, R)).join() === names(ranking.slice(0, R)).join(),
    );
    // Surplus since this pass at the earliest: still there until the cleanup grace has passed.
    assert.ok(await fallback.store!.head(cid), 'the surplus copy is kept through the grace');
    await repairUntil('the surplus copy dropped', async () => !(await fallback.store!.head(cid)));
    // Ranks 4 and 5 keep theirs (within R + 2): the copies do not go back and forth.
    assert.deepEqual(names(await liveHolders(cid)), names(ranking.slice(0, 5)));
  });
});
