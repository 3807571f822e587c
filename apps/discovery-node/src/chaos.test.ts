// Chaos: 5 content nodes (child processes reading their network from a local chain), a discovery
// node indexing it, tracks uploaded and transcoded for real. Two content nodes are killed with
// SIGKILL; every track must keep streaming through the discovery node within seconds, and every
// blob must be back on 3 live nodes within the dead-node grace plus a few repair passes
// (docs/design.md §7, §8). Prints the figures: streams failed, time to streaming, time to full
// redundancy.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  type UploadRecord,
  contentSha256Of,
  encodeHashId,
  rankNodes,
  signRequest,
} from '@coliving/protocol';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type ContentNodeProcess,
  contentNodeSpecs,
  pollUntil,
  spawnContentNodes,
  stopContentNode,
} from './contentNodeProcesses.js';
import type { Database } from './db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from './server.js';
import { freePort, openTestDatabase, submitActions } from './testing.js';

const STAKE = 200_000n * 10n ** 18n;
const R = 3;
const TRACKS = 4;
/** The content nodes' dead-node grace and repair interval: seconds here, minutes in production. */
const DEAD_NODE_GRACE_MS = 5_000;
const REPAIR_INTERVAL_MS = 1_000;
/** Every track must stream again within this long of the kill. */
const STREAMING_DEADLINE_MS = 10_000;
/** Every blob must be on 3 live nodes within the grace plus this many repair passes (and slack). */
const REDUNDANCY_DEADLINE_MS = DEAD_NODE_GRACE_MS + 10 * REPAIR_INTERVAL_MS + 15_000;

let network: TestNetwork | undefined;
let database: Database | undefined;
let node: DiscoveryNode | undefined;
let dir: string | undefined;
let nodes: ContentNodeProcess[] = [];

/** A user's track, and the blobs its upload produced. */
type Track = { id: number; cid: string; blobs: string[] };
const tracks: Track[] = [];

after(async () => {
  await Promise.all(nodes.map(stopContentNode));
  await node?.stop();
  await database?.close();
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `seconds` of a sine tone as a 16-bit mono 8 kHz WAV: real audio for the transcoder. */
function sineWav(seconds: number, frequency: number): Uint8Array {
  const rate = 8_000;
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(
      Math.round(8_000 * Math.sin((2 * Math.PI * frequency * i) / rate)),
      44 + i * 2,
    );
  return new Uint8Array(wav);
}

/** Whether `holder` has the blob, asked as a peer (signed by another content node's key). */
async function holds(holder: ContentNodeProcess, cid: string, asker: LocalAccount) {
  const path = `/internal/blobs/${cid}`;
  try {
    const res = await fetch(`${holder.endpoint}${path}`, {
      method: 'HEAD',
      headers: await signRequest({ account: asker, method: 'HEAD', path }),
      signal: AbortSignal.timeout(5_000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** One stream through the discovery node: its redirect followed to the first KiB. */
async function streams(track: Track): Promise<boolean> {
  const answer = await node!.app.inject({
    method: 'GET',
    url: `/v1/tracks/${encodeHashId(track.id)}/stream`,
  });
  const location = answer.headers.location;
  if (answer.statusCode !== 302 || typeof location !== 'string') return false;
  try {
    const res = await fetch(location, {
      headers: { range: 'bytes=0-1023' },
      signal: AbortSignal.timeout(5_000),
    });
    const bytes = await res.arrayBuffer();
    return res.status === 206 && bytes.byteLength === 1024;
  } catch {
    return false;
  }
}

describe('chaos: 2 of 5 content nodes killed', { timeout: 240_000 }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-chaos-'));
    network = await startTestNetwork();
    const { manifest } = network;
    const operator = network.accounts[1]!;
    const users = network.accounts.slice(2, 2 + TRACKS);
    await fundAccounts({
      manifest,
      from: network.deployer,
      recipients: [operator.address],
      dgco: STAKE * 7n,
    });
    const delegate = privateKeyToAccount(generatePrivateKey());
    const discoveryPort = await freePort();
    const discoveryUrl = `http://127.0.0.1:${discoveryPort}`;
    await registerNode({
      manifest,
      owner: operator,
      serviceType: 'discoveryNode',
      endpoint: discoveryUrl,
      stake: STAKE,
      delegateWallet: delegate.address,
    });
    const specs = await contentNodeSpecs(5, dir);
    for (const spec of specs) {
      await registerNode({
        manifest,
        owner: operator,
        serviceType: 'contentNode',
        endpoint: spec.endpoint,
        stake: STAKE,
        delegateWallet: spec.account.address,
      });
    }
    const block = await submitActions(
      network,
      users.map((account, i) => ({
        account,
        userId: i + 1,
        entityType: 'User',
        entityId: i + 1,
        action: 'Create',
        metadata: { handle: `artist${i + 1}`, name: `Artist ${i + 1}` },
      })),
    );
    database = await openTestDatabase('pglite');
    node = await createDiscoveryNode(
      {
        database,
        manifest,
        dataClient: network.dataPublic,
        ethClient: network.ethPublic,
        account: delegate,
      },
      {
        version: 'test',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 50,
        publicUrl: discoveryUrl,
        trendingIntervalMs: 0,
      },
    );
    await node.start();
    await node.app.listen({ host: '127.0.0.1', port: discoveryPort });
    await node.dataIndexer.waitFor(block);
    await node.ethIndexer.waitFor(Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));

    // The content nodes read their peers and the discovery node from NodeRegistry.
    nodes = await spawnContentNodes(specs, '', delegate.address, {
      COLIVING_PEERS: undefined,
      COLIVING_DISCOVERY_SIGNERS: undefined,
      COLIVING_ETH_RPC_URL: manifest.chains.eth.rpcUrl,
      COLIVING_NODE_REGISTRY_ADDRESS: manifest.contracts.eth.NodeRegistry,
      COLIVING_REPAIR_INTERVAL: `${REPAIR_INTERVAL_MS}ms`,
      COLIVING_DEAD_NODE_GRACE: `${DEAD_NODE_GRACE_MS}ms`,
      COLIVING_TRANSCODE_WORKERS: '1',
    });

    // Each artist uploads a few seconds of audio to a content node, and publishes it.
    // Side by side, one to each of the first nodes, as artists would.
    const records = await Promise.all(
      users.map(async (account, i): Promise<UploadRecord> => {
        const bytes = sineWav(4, 330 + 110 * i);
        const form = new FormData();
        form.set('template', 'audio');
        form.append('files', new Blob([bytes]), `song-${i}.wav`);
        const host = nodes[i % nodes.length]!;
        const res = await fetch(`${host.endpoint}/uploads`, {
          method: 'POST',
          headers: await signRequest({
            account,
            method: 'POST',
            path: '/uploads',
            content: contentSha256Of(bytes),
          }),
          body: form,
        });
        assert.equal(res.status, 201, await res.clone().text());
        const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
        const record = await pollUntil(
          async () =>
            (
              (await (await fetch(`${host.endpoint}/uploads/${created!.id}`)).json()) as {
                data: UploadRecord;
              }
            ).data,
          (r) => r.status === 'done' || r.status === 'error',
          `upload ${created!.id}`,
          120_000,
        );
        assert.equal(record.status, 'done', record.error);
        return record;
      }),
    );
    const published = await submitActions(
      network,
      users.map((account, i) => {
        const record = records[i]!;
        return {
          account,
          userId: i + 1,
          entityType: 'Track',
          entityId: 100 + i,
          action: 'Create',
          metadata: {
            title: `Chaos ${i + 1}`,
            genre: 'Electronic',
            track_cid: record.results['320'],
            preview_cid: record.results['320_preview'],
            duration: record.durationSeconds,
            ...(record.receipt ? { upload_receipt: record.receipt } : {}),
          },
        };
      }),
    );
    await node.dataIndexer.waitFor(published);
    for (const [i, record] of records.entries()) {
      tracks.push({
        id: 100 + i,
        cid: record.results['320']!,
        blobs: [...new Set(Object.values(record.results))],
      });
    }
  });

  /** How many live nodes hold each blob, and which blobs are short of R. */
  async function shortBlobs(live: ContentNodeProcess[]): Promise<string[]> {
    const asker = live[0]!.account;
    const short: string[] = [];
    for (const track of tracks) {
      for (const blob of track.blobs) {
        const held = await Promise.all(live.map((n) => holds(n, blob, asker)));
        if (held.filter(Boolean).length < R) short.push(blob);
      }
    }
    return short;
  }

  it('keeps every track streaming and brings every blob back to 3 live copies', async () => {
    for (const track of tracks) assert.ok(await streams(track), `track ${track.id} streams`);
    await pollUntil(
      () => shortBlobs(nodes),
      (short) => short.length === 0,
      'every blob on 3 nodes before the kill',
      30_000,
    );

    // The victims: the top-ranked node of the first track's audio, and another holder of the
    // second's, so at least one track loses two of its three copies' first choices.
    const endpoints = nodes.map((n) => n.endpoint);
    const first = rankNodes(endpoints, tracks[0]!.cid)[0]!;
    const second = rankNodes(endpoints, tracks[1]!.cid).find((e) => e !== first)!;
    const victims = nodes.filter((n) => n.endpoint === first || n.endpoint === second);
    assert.equal(victims.length, 2);
    const killedAt = Date.now();
    for (const victim of victims) process.kill(victim.child.pid!, 'SIGKILL');
    await Promise.all(victims.map((v) => v.exited));
    const live = nodes.filter((n) => !victims.includes(n));

    // Streams through the discovery node, round after round, until every track has streamed
    // 3 rounds in a row.
    let attempts = 0;
    let failed = 0;
    let streamingAt: number | undefined;
    let clean = 0;
    for (;;) {
      const outcomes = await Promise.all(tracks.map((t) => streams(t)));
      attempts += outcomes.length;
      const misses = outcomes.filter((ok) => !ok).length;
      failed += misses;
      if (misses === 0) {
        streamingAt ??= Date.now();
        if (++clean === 3) break;
      } else {
        clean = 0;
        streamingAt = undefined;
      }
      if (Date.now() - killedAt > STREAMING_DEADLINE_MS) {
        assert.fail(`tracks still fail to stream ${STREAMING_DEADLINE_MS} ms after the kill`);
      }
      await sleep(100);
    }

    await pollUntil(
      () => shortBlobs(live),
      (short) => short.length === 0,
      'every blob on 3 live nodes',
      REDUNDANCY_DEADLINE_MS,
    );
    const redundantAt = Date.now();
    console.log(
      `chaos: killed 2 of 5 content nodes; ${failed} of ${attempts} streams failed; ` +
        `every track streaming ${streamingAt - killedAt} ms after the kill; ` +
        `every blob on ${R} live nodes ${redundantAt - killedAt} ms after the kill ` +
        `(dead-node grace ${DEAD_NODE_GRACE_MS} ms, repair every ${REPAIR_INTERVAL_MS} ms)`,
    );
  });
});
