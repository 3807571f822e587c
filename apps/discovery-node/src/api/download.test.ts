// `GET /v1/tracks/:id/download` end to end, with no mocks: a discovery node indexing a local chain
// on which two real content nodes (child processes) are registered; the URL it signs is fetched
// from them and must serve the original's exact bytes as an attachment. Who may download what:
// is_downloadable, the download conditions (a purchase recorded as the payment indexer records
// it, a follow) and what the track says of them, the stream conditions under them, the owner; a hostile filename cannot add a header.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  GATED_STREAM_SIGNATURE_TTL_MS,
  encodeHashId,
  listenerProofData,
  verifyStreamSignature,
} from '@coliving/protocol';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type ContentNodeProcess,
  pushBlob,
  startContentNodes,
  stopContentNode,
} from '../contentNodeProcesses.js';
import { createContentNodes } from '../core/contentNodes.js';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { openTestDatabase, receiptSigner, submitActions } from '../testing.js';

const STAKE = 200_000n * 10n ** 18n;
const PRICE = '2500000000000000000';

const ARTIST = 1;
const FAN = 2;
const STRANGER = 3;
/** Downloadable by anyone, with its original kept. */
const OPEN_TRACK = 10;
const NOT_DOWNLOADABLE_TRACK = 11;
/** Streams to anyone; its original is for buyers. */
const BOUGHT_TRACK = 12;
/** Follow-gated to stream, downloadable with no download conditions of its own. */
const FOLLOW_STREAM_TRACK = 13;
/** Downloadable, with no original kept: the MP3 is the file. */
const MP3_ONLY_TRACK = 14;
/** Streams to anyone; its download is for the artist's followers. */
const FOLLOW_DOWNLOAD_TRACK = 15;
const DURATION_SECONDS = 7.5;

const h = encodeHashId;

let network: TestNetwork;
let database: Database | undefined;
let node: DiscoveryNode | undefined;
let dir: string | undefined;
let nodes: ContentNodeProcess[] = [];
const delegate = privateKeyToAccount(generatePrivateKey());
let artist: LocalAccount;
let fan: LocalAccount;
let stranger: LocalAccount;
const stream = new Uint8Array(randomBytes(50 * 1024));
const original = new Uint8Array(randomBytes(120 * 1024));
let streamCid: string;
let originalCid: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-download-route-'));
  network = await startTestNetwork();
  ({ nodes } = await startContentNodes(2, dir, delegate.address));
  streamCid = await pushBlob(nodes, stream);
  originalCid = await pushBlob(nodes, original);

  const [operator, a, b, c] = network.accounts.slice(1, 5) as [
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
  ];
  [artist, fan, stranger] = [a, b, c];
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [operator.address],
    dgco: STAKE * 4n,
  });
  const nodeIds: bigint[] = [];
  for (const contentNode of nodes) {
    const { nodeId } = await registerNode({
      manifest: network.manifest,
      owner: operator,
      serviceType: 'contentNode',
      endpoint: contentNode.endpoint,
      stake: STAKE,
      delegateWallet: contentNode.account.address,
    });
    nodeIds.push(nodeId);
  }
  const receipts = await receiptSigner(network, nodes[0]!.account, nodeIds[0]!);
  await registerNode({
    manifest: network.manifest,
    owner: operator,
    serviceType: 'discoveryNode',
    endpoint: 'http://127.0.0.1',
    stake: STAKE,
    delegateWallet: delegate.address,
  });

  const track = async (trackId: number, title: string, extra: Record<string, unknown>) => ({
    account: artist,
    userId: ARTIST,
    entityType: 'Track' as const,
    entityId: trackId,
    action: 'Create' as const,
    metadata: await receipts.withReceipt(artist.address, {
      title,
      genre: 'Electronic',
      track_cid: streamCid,
      duration: DURATION_SECONDS,
      ...extra,
    }),
  });
  const kept = { orig_file_cid: originalCid, orig_filename: 'Master Take.wav' };
  const user = (account: LocalAccount, userId: number, handle: string) => ({
    account,
    userId,
    entityType: 'User' as const,
    entityId: userId,
    action: 'Create' as const,
    metadata: { handle, name: handle },
  });
  const block = await submitActions(network, [
    user(artist, ARTIST, 'artist'),
    user(fan, FAN, 'fan'),
    user(stranger, STRANGER, 'stranger'),
    await track(OPEN_TRACK, 'Open Air', { ...kept, is_downloadable: true }),
    await track(NOT_DOWNLOADABLE_TRACK, 'Kept Close', { ...kept, is_downloadable: false }),
    await track(BOUGHT_TRACK, 'Stems For Sale', {
      ...kept,
      is_downloadable: true,
      download_conditions: { dgco_purchase: { price: PRICE } },
    }),
    await track(FOLLOW_STREAM_TRACK, 'Followers Only', {
      ...kept,
      is_downloadable: true,
      stream_conditions: { follow_user_id: ARTIST },
    }),
    await track(MP3_ONLY_TRACK, 'Just The Mix', { is_downloadable: true }),
    await track(FOLLOW_DOWNLOAD_TRACK, 'Stems For Followers', {
      ...kept,
      is_downloadable: true,
      download_conditions: { follow_user_id: ARTIST },
    }),
    // The stranger follows the artist (the fan does not: the stream gate above refuses them).
    { account: stranger, userId: STRANGER, entityType: 'User', entityId: ARTIST, action: 'Follow' },
  ]);

  database = await openTestDatabase('pglite');
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: delegate,
      contentNodes: createContentNodes({ db: database.db, holderRefreshMs: 0 }),
    },
    {
      version: 'test',
      dataConfirmations: 0,
      ethConfirmations: 0,
      pollIntervalMs: 50,
      publicUrl: 'http://127.0.0.1',
      trendingIntervalMs: 0,
    },
  );
  await node.start();
  await node.dataIndexer.waitFor(block);
  await node.ethIndexer.waitFor(Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));
});

after(async () => {
  await Promise.all(nodes.map(stopContentNode));
  await node?.stop();
  await database?.close();
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Answer = { status: number; location: string | undefined; body: Record<string, unknown> };

async function download(trackId: number, query = ''): Promise<Answer> {
  const res = await node!.app.inject({
    method: 'GET',
    url: `/v1/tracks/${h(trackId)}/download${query ? `?${query}` : ''}`,
  });
  const location = res.headers.location;
  return {
    status: res.statusCode,
    location: typeof location === 'string' ? location : undefined,
    body: res.body ? res.json<Record<string, unknown>>() : {},
  };
}

/** The query proving `userId` for `trackId`, personal-signed by `account`. */
async function proof(userId: number, account: LocalAccount, trackId: number): Promise<string> {
  const userData = listenerProofData({ trackId: h(trackId) });
  return new URLSearchParams({
    user_id: h(userId),
    user_data: userData,
    user_signature: await account.signMessage({ message: userData }),
  }).toString();
}

function error(answer: Answer): { code?: string; message?: string } {
  return answer.body.error ?? {};
}

/** Records `buyer`'s purchase of `trackId` as the PaymentRouter source does for a valid payment. */
async function recordPurchase(buyer: number, trackId: number): Promise<void> {
  await database!.db
    .insertInto('purchases')
    .values({
      block_number: 1,
      log_index: trackId,
      buyer_user_id: buyer,
      seller_user_id: ARTIST,
      content_type: 'track',
      content_id: trackId,
      amount: PRICE,
      created_at: new Date(),
      tx_hash: '0x',
    })
    .execute();
}

/**
 * Asserts `url` is signed by this node for `cid` (never a listen, expiring minutes past the
 * duration) and serves `bytes` as an attachment named `filename`; returns the response headers.
 */
async function assertDownload(
  url: string | undefined,
  expected: { cid: string; trackId: number; userId?: number; bytes: Uint8Array; filename: string },
): Promise<Headers> {
  assert.ok(url, 'no URL');
  const { signer, data } = await verifyStreamSignature({
    param: new URL(url).searchParams.get('signature'),
    cid: expected.cid,
  });
  assert.equal(signer, delegate.address);
  assert.equal(data.trackId, expected.trackId);
  assert.equal(data.userId, expected.userId);
  assert.equal(data.skipPlayCount, true, 'a download is never a listen');
  assert.equal(
    data.expiresAt,
    data.timestamp + GATED_STREAM_SIGNATURE_TTL_MS + DURATION_SECONDS * 1000,
  );
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), expected.bytes);
  const ascii = expected.filename.replace(/[^\x20-\x7e]/g, '_');
  assert.equal(
    res.headers.get('content-disposition'),
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(expected.filename)}`,
  );
  return res.headers;
}

describe('GET /v1/tracks/:id/download against real content nodes', () => {
  it("redirects to a signed URL serving the original's bytes under its name", async () => {
    const answer = await download(OPEN_TRACK);
    assert.equal(answer.status, 302, JSON.stringify(answer.body));
    assert.ok(answer.location?.includes(`/tracks/cidstream/${originalCid}?`));
    const headers = await assertDownload(answer.location, {
      cid: originalCid,
      trackId: OPEN_TRACK,
      bytes: original,
      filename: 'Master Take.wav',
    });
    assert.equal(headers.get('content-type'), 'audio/wav');

    // The MP3 on asking (named for the title, not the original), and in the envelope.
    const mp3 = await download(OPEN_TRACK, 'original=false&no_redirect=true');
    assert.equal(mp3.status, 200, JSON.stringify(mp3.body));
    await assertDownload(mp3.body.data as string, {
      cid: streamCid,
      trackId: OPEN_TRACK,
      bytes: stream,
      filename: 'Open Air.mp3',
    });
    // A track that kept no original gives its MP3.
    const only = await download(MP3_ONLY_TRACK);
    assert.equal(only.status, 302, JSON.stringify(only.body));
    await assertDownload(only.location, {
      cid: streamCid,
      trackId: MP3_ONLY_TRACK,
      bytes: stream,
      filename: 'Just The Mix.mp3',
    });
  });

  it('refuses a track that is not downloadable, to its owner too, and 404s an unknown one', async () => {
    for (const query of ['', await proof(ARTIST, artist, NOT_DOWNLOADABLE_TRACK)]) {
      const answer = await download(NOT_DOWNLOADABLE_TRACK, query);
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.equal(error(answer).code, 'not_downloadable');
      assert.equal(answer.location, undefined);
    }
    const unknown = await download(999);
    assert.equal(unknown.status, 404);
    assert.equal(error(unknown).code, 'track_not_found');
  });

  it('gives a purchase-gated original to its owner and, once recorded, its buyer only', async () => {
    const anonymous = await download(BOUGHT_TRACK);
    assert.equal(anonymous.status, 403, JSON.stringify(anonymous.body));
    assert.equal(error(anonymous).code, 'download_gated');
    assert.match(error(anonymous).message!, /2\.5 DGCO/);

    const before = await download(BOUGHT_TRACK, await proof(FAN, fan, BOUGHT_TRACK));
    assert.equal(before.status, 403, JSON.stringify(before.body));
    assert.equal(error(before).code, 'download_gated');
    // A user id with no signature is a claim, not a buyer.
    await recordPurchase(FAN, BOUGHT_TRACK);
    const claimed = await download(BOUGHT_TRACK, `user_id=${h(FAN)}`);
    assert.equal(claimed.status, 403);

    const bought = await download(BOUGHT_TRACK, await proof(FAN, fan, BOUGHT_TRACK));
    assert.equal(bought.status, 302, JSON.stringify(bought.body));
    await assertDownload(bought.location, {
      cid: originalCid,
      trackId: BOUGHT_TRACK,
      userId: FAN,
      bytes: original,
      filename: 'Master Take.wav',
    });
    const other = await download(BOUGHT_TRACK, await proof(STRANGER, stranger, BOUGHT_TRACK));
    assert.equal(other.status, 403);
    assert.equal(error(other).code, 'download_gated');

    const owner = await download(BOUGHT_TRACK, await proof(ARTIST, artist, BOUGHT_TRACK));
    assert.equal(owner.status, 302, JSON.stringify(owner.body));
    await assertDownload(owner.location, {
      cid: originalCid,
      trackId: BOUGHT_TRACK,
      userId: ARTIST,
      bytes: original,
      filename: 'Master Take.wav',
    });
  });

  it("never hands out a stream-gated track's file to someone the stream gate refuses", async () => {
    const answer = await download(FOLLOW_STREAM_TRACK, await proof(FAN, fan, FOLLOW_STREAM_TRACK));
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.equal(error(answer).code, 'download_gated');
    assert.match(error(answer).message!, /Follow/);
    const owner = await download(
      FOLLOW_STREAM_TRACK,
      await proof(ARTIST, artist, FOLLOW_STREAM_TRACK),
    );
    assert.equal(owner.status, 302, JSON.stringify(owner.body));
    // The track's access.download says the same as the route, to the fan and to the owner.
    const access = async (viewer: number) => {
      const res = await node!.app.inject({
        url: `/v1/tracks/${h(FOLLOW_STREAM_TRACK)}?user_id=${h(viewer)}`,
      });
      return res.json<{ data: { access: { stream: boolean; download: boolean } } }>().data.access;
    };
    assert.deepEqual(await access(FAN), { stream: false, download: false });
    assert.deepEqual(await access(ARTIST), { stream: true, download: true });
  });

  it('opens a download-only follow gate to followers, the track saying so to each', async () => {
    const res = await node!.app.inject({ url: `/v1/tracks/${h(FOLLOW_DOWNLOAD_TRACK)}` });
    const track = res.json<{ data: Record<string, unknown> }>().data;
    assert.equal(track.is_downloadable, true);
    assert.equal(track.is_download_gated, true);
    assert.deepEqual(track.download_conditions, { follow_user_id: ARTIST });
    assert.equal(track.is_stream_gated, false);
    assert.equal(track.stream_conditions, null);
    const access = async (viewer: number) =>
      (
        await node!.app.inject({
          url: `/v1/tracks/${h(FOLLOW_DOWNLOAD_TRACK)}?user_id=${h(viewer)}`,
        })
      ).json<{ data: { access: { stream: boolean; download: boolean } } }>().data.access;
    assert.deepEqual(await access(FAN), { stream: true, download: false });
    assert.deepEqual(await access(STRANGER), { stream: true, download: true });

    for (const query of ['', await proof(FAN, fan, FOLLOW_DOWNLOAD_TRACK)]) {
      const refused = await download(FOLLOW_DOWNLOAD_TRACK, query);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(error(refused).code, 'download_gated');
      assert.match(error(refused).message!, /Follow/);
      assert.equal(refused.location, undefined);
    }
    const follower = await download(
      FOLLOW_DOWNLOAD_TRACK,
      await proof(STRANGER, stranger, FOLLOW_DOWNLOAD_TRACK),
    );
    assert.equal(follower.status, 302, JSON.stringify(follower.body));
    await assertDownload(follower.location, {
      cid: originalCid,
      trackId: FOLLOW_DOWNLOAD_TRACK,
      userId: STRANGER,
      bytes: original,
      filename: 'Master Take.wav',
    });
  });

  it('passes a chosen filename on, cleaned so it cannot add a header', async () => {
    const hostile = 'x"\r\nSet-Cookie: a=b\r\nX-Injected: 1\r\n/../evil.mp3';
    const answer = await download(OPEN_TRACK, `filename=${encodeURIComponent(hostile)}`);
    assert.equal(answer.status, 302, JSON.stringify(answer.body));
    const headers = await assertDownload(answer.location, {
      cid: originalCid,
      trackId: OPEN_TRACK,
      bytes: original,
      filename: 'xSet-Cookie: a=bX-Injected: 1..evil.mp3',
    });
    assert.equal(headers.get('set-cookie'), null);
    assert.equal(headers.get('x-injected'), null);
  });
});
