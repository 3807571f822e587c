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
  signRequest,
  signStreamData,
} from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { privateKeyToAccount } from 'viem/accounts';
import { findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createStaticNetwork } from './core/network.js';
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
const outsider = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);
const nodeKeys = [
  '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd',
  '0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0',
  '0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e',
] as const;
const R = 2;

type Member = { endpoint: string; node: ContentNode; store: BlobStore; listens: ListenJournal };

describe('content nodes together: placement, replication, shared records, repair', () => {
  let dir: string;
  let members: Member[] = [];
  let record: UploadRecord;
  const stopped = new Set<string>();

  const byEndpoint = (endpoint: string) => members.find((m) => m.endpoint === endpoint)!;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-replication-'));
    const ffmpeg = await findFfmpegBinaries();
    const ports = await Promise.all(nodeKeys.map(() => freePort()));
    const accounts = nodeKeys.map((k) => privateKeyToAccount(k));
    const nodes = ports.map((port, i) => ({
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: accounts[i]!.address,
    }));
    members = await Promise.all(
      nodes.map(async ({ endpoint }, i) => {
        const dataDir = join(dir, `node-${i}`);
        const store = await openBlobStore(join(dataDir, 'blobs'));
        const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
        const node = await createContentNode(
          {
            account: accounts[i]!,
            store,
            listens,
            ffmpeg,
            logger: false,
            network: createStaticNetwork(nodes, [discovery.address]),
            discovery: everyWalletIsAUserForTests(),
          },
          {
            publicUrl: endpoint,
            dataDir,
            version: '0.1.0',
            transcodeWorkers: 1,
            replicationFactor: R,
            repairIntervalMs: 0,
            cleanupGraceMs: 0,
          },
        );
        await node.start();
        await node.app.listen({ host: '127.0.0.1', port: ports[i]! });
        return { endpoint, node, store, listens };
      }),
    );
    const song = join(dir, 'song.wav');
    await run(ffmpeg.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=8',
      song,
    ]);
    const form = new FormData();
    form.set('template', 'audio');
    form.append('files', new Blob([await readFile(song)]), 'song.wav');
    const uploader = members[0]!;
    const headers = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/uploads',
      content: contentSha256Of(await readFile(song)),
    });
    const res = await fetch(`${uploader.endpoint}/uploads`, {
      method: 'POST',
      headers,
      body: form,
    });
    assert.equal(res.status, 201);
    const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
    record = await waitForUpload(() => uploader.node.uploads.get(created!.id));
    assert.equal(record.status, 'done', record.error);
  });

  after(async () => {
    for (const m of members) {
      if (!stopped.has(m.endpoint)) await m.node.stop();
      await m.listens.close();
      await m.store.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('pushes every result to the nodes its placement names before the upload is done', async () => {
    const endpoints = members.map((m) => m.endpoint);
    for (const cid of Object.values(record.results)) {
      for (const holder of placementFor(endpoints, cid, R)) {
        assert.ok(await byEndpoint(holder).store.head(cid), `${holder} should hold ${cid}`);
      }
    }
  });

  it('shares the upload record, so every node answers for it', async () => {
    for (const m of members) {
      const res = await fetch(`${m.endpoint}/uploads/${record.id}`);
      assert.equal(res.status, 200, m.endpoint);
      assert.deepEqual(((await res.json()) as { data: UploadRecord }).data, record);
    }
  });

  it('streams from any node that holds the blob', async () => {
    const cid = record.results['320']!;
    const endpoints = members.map((m) => m.endpoint);
    const [first] = placementFor(endpoints, cid, R);
    const signature = await signStreamData({
      account: discovery,
      data: { cid, timestamp: Date.now(), trackId: 1, shouldCache: true },
    });
    const res = await fetch(
      `${first}/tracks/cidstream/${cid}?signature=${encodeURIComponent(encodeStreamSignatureParam(signature))}`,
    );
    assert.equal(res.status, 200);
    const chunks: Buffer[] = [];
    for await (const c of await byEndpoint(first!).store.get(cid)) chunks.push(Buffer.from(c));
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(Buffer.concat(chunks)));
  });

  it('repair pulls back a blob a placement node lost', async () => {
    const cid = record.results['320']!;
    const endpoints = members.map((m) => m.endpoint);
    // A placement node other than the uploader (whose pass would also clean its surplus).
    const victim = byEndpoint(
      placementFor(endpoints, cid, R).find((e) => e !== members[0]!.endpoint)!,
    );
    assert.equal(await victim.store.delete(cid), true);
    const report = await victim.node.repairOnce();
    assert.ok(report.pulled.includes(cid));
    assert.ok(await victim.store.head(cid));
  });

  it('cleanup keeps a surplus copy ranked within R + 2, and a lost copy is pulled back', async () => {
    const endpoints = members.map((m) => m.endpoint);
    const cids = [...new Set(Object.values(record.results))];
    assert.ok(cids.length >= 2);
    // With three nodes and R = 2, each blob has exactly one node outside its placement, ranked
    // third: within R + 2, so it keeps a copy it has (dropping past R + 2 is deadNodes.test.ts).
    const outsiderOf = (cid: string) =>
      members.find((m) => !placementFor(endpoints, cid, R).includes(m.endpoint))!;
    for (const cid of cids) {
      const source = byEndpoint(placementFor(endpoints, cid, R)[0]!);
      await outsiderOf(cid).store.put(await source.store.get(cid), { expectedCid: cid });
    }
    // One blob loses a copy on a placement node, which pulls it back.
    const [lost] = cids as [string, ...string[]];
    await byEndpoint(placementFor(endpoints, lost, R)[1]!).store.delete(lost);
    const reports = new Map<string, { dropped: string[] }>();
    for (const m of members) reports.set(m.endpoint, await m.node.repairOnce());
    for (const cid of cids) {
      assert.ok(await outsiderOf(cid).store.head(cid), `kept ${cid}`);
      for (const holder of placementFor(endpoints, cid, R))
        assert.ok(await byEndpoint(holder).store.head(cid), `${cid} on ${holder}`);
    }
    for (const report of reports.values()) assert.deepEqual(report.dropped, []);
  });

  it('refuses node-to-node calls from wallets that are not registered content nodes', async () => {
    const headers = await signRequest({
      account: outsider,
      method: 'GET',
      path: '/internal/uploads',
    });
    const res = await fetch(`${members[0]!.endpoint}/internal/uploads`, { headers });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unknown_node');
    assert.equal((await fetch(`${members[0]!.endpoint}/internal/uploads`)).status, 401);
  });

  it('reports peers in its health, and skips repair when too few nodes are healthy', async () => {
    const [first, second, third] = members as [Member, Member, Member];
    await first.node.repairOnce();
    const health = (await (await fetch(`${first.endpoint}/health_check`)).json()) as {
      data: { peers: { endpoint: string; healthy: boolean }[]; lastRepair: { skipped: boolean } };
    };
    assert.deepEqual(
      health.data.peers.map((p) => p.healthy),
      [true, true],
    );
    assert.equal(health.data.lastRepair.skipped, false);
    // Two of three nodes down: with R = 2, the last one must not act on what it cannot see.
    for (const m of [second, third]) {
      await m.node.stop();
      stopped.add(m.endpoint);
    }
    const cid = record.results['320']!;
    const hadIt = (await first.store.head(cid)) !== undefined;
    const report = await first.node.repairOnce();
    assert.deepEqual(report, { pulled: [], dropped: [], authRecords: [] });
    const after = (await (await fetch(`${first.endpoint}/health_check`)).json()) as {
      data: { peers: { healthy: boolean }[]; lastRepair: { skipped: boolean; reason: string } };
    };
    assert.deepEqual(
      after.data.peers.map((p) => p.healthy),
      [false, false],
    );
    assert.equal(after.data.lastRepair.skipped, true);
    assert.match(after.data.lastRepair.reason, /1 of 2 needed nodes healthy/);
    assert.equal((await first.store.head(cid)) !== undefined, hadIt);
    const metrics = await (await fetch(`${first.endpoint}/metrics`)).text();
    assert.match(metrics, /coliving_content_node_repair_passes_total\{outcome="skipped"\} 1/);
  });
});
