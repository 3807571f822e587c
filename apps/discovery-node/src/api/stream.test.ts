// `GET /v1/tracks/:id/stream` end to end, with no mocks: a discovery node indexing a local chain
// on which three real content nodes (child processes) are registered, its redirects followed to
// those nodes, which must accept its signature and serve the exact bytes; failover when the
// top-ranked node dies, the follow gate with signed listener proofs, and every node down.
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
  rankNodes,
  verifyStreamSignature,
} from '@coliving/protocol';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type ContentNodeProcess,
  pollUntil,
  pushBlob,
  startContentNodes,
  stopContentNode,
} from '../contentNodeProcesses.js';
import { createContentNodes } from '../core/contentNodes.js';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { openTestDatabase, receiptSigner, submitActions } from '../testing.js';

/** Short, so a node is asked again within a poll or two of the failover tests. */
const DOWN_RETRY_MS = 200;
const STAKE = 200_000n * 10n ** 18n;

const ARTIST = 1;
const FAN = 2;
const STRANGER = 3;
const PUBLIC_TRACK = 10;
const GATED_TRACK = 11;
const NO_PREVIEW_TRACK = 12;
/** Gated, with its own file named as its preview (as uploads of 30 s or less once were). */
const WHOLE_PREVIEW_TRACK = 13;
const DURATION_SECONDS = 7.5;
const MINUTE = 60_000;

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
const blob = new Uint8Array(randomBytes(300 * 1024));
const preview = new Uint8Array(randomBytes(40 * 1024));
let cid: string;
let previewCid: string;
/** The content-node endpoints in placement order for the track's and the preview's CID. */
let ranking: string[];
let previewRanking: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-stream-route-'));
  network = await startTestNetwork();
  ({ nodes } = await startContentNodes(3, dir, delegate.address));
  cid = await pushBlob(nodes, blob);
  previewCid = await pushBlob(nodes, preview);
  const endpoints = nodes.map((n) => n.endpoint);
  ranking = rankNodes(endpoints, cid);
  previewRanking = rankNodes(endpoints, previewCid);

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
    dgco: STAKE * 5n,
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
  // The artist's audio as if uploaded to the first content node, which signs its receipt.
  const receipts = await receiptSigner(network, nodes[0]!.account, nodeIds[0]!);
  await registerNode({
    manifest: network.manifest,
    owner: operator,
    serviceType: 'discoveryNode',
    endpoint: 'http://127.0.0.1',
    stake: STAKE,
    delegateWallet: delegate.address,
  });

  const track = (title: string, extra: Record<string, unknown>) =>
    receipts.withReceipt(artist.address, {
      title,
      genre: 'Electronic',
      track_cid: cid,
      duration: DURATION_SECONDS,
      ...extra,
    });
  const block = await submitActions(network, [
    {
      account: artist,
      userId: ARTIST,
      entityType: 'User',
      entityId: ARTIST,
      action: 'Create',
      metadata: { handle: 'artist', name: 'Artist' },
    },
    {
      account: fan,
      userId: FAN,
      entityType: 'User',
      entityId: FAN,
      action: 'Create',
      metadata: { handle: 'fan', name: 'Fan' },
    },
    {
      account: stranger,
      userId: STRANGER,
      entityType: 'User',
      entityId: STRANGER,
      action: 'Create',
      metadata: { handle: 'stranger', name: 'Stranger' },
    },
    {
      account: artist,
      userId: ARTIST,
      entityType: 'Track',
      entityId: PUBLIC_TRACK,
      action: 'Create',
      metadata: await track('Open Air', { preview_cid: previewCid }),
    },
    {
      account: artist,
      userId: ARTIST,
      entityType: 'Track',
      entityId: GATED_TRACK,
      action: 'Create',
      metadata: await track('Followers Only', {
        preview_cid: previewCid,
        stream_conditions: { follow_user_id: ARTIST },
      }),
    },
    {
      account: artist,
      userId: ARTIST,
      entityType: 'Track',
      entityId: NO_PREVIEW_TRACK,
      action: 'Create',
      metadata: await track('No Preview', {}),
    },
    {
      account: artist,
      userId: ARTIST,
      entityType: 'Track',
      entityId: WHOLE_PREVIEW_TRACK,
      action: 'Create',
      metadata: await track('Whole Preview', {
        preview_cid: cid,
        stream_conditions: { follow_user_id: ARTIST },
      }),
    },
    { account: fan, userId: FAN, entityType: 'User', entityId: ARTIST, action: 'Follow' },
  ]);

  database = await openTestDatabase('pglite');
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: delegate,
      contentNodes: createContentNodes({
        db: database.db,
        holderRefreshMs: 0,
        downRetryMs: DOWN_RETRY_MS,
      }),
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

type Answer = {
  status: number;
  location: string | undefined;
  cacheControl: string | undefined;
  body: Record<string, unknown> | undefined;
};

async function stream(trackId: number, query = ''): Promise<Answer> {
  const res = await node!.app.inject({
    method: 'GET',
    url: `/v1/tracks/${h(trackId)}/stream${query ? `?${query}` : ''}`,
  });
  const location = res.headers.location;
  const cacheControl = res.headers['cache-control'];
  return {
    status: res.statusCode,
    location: typeof location === 'string' ? location : undefined,
    cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined,
    body: res.body ? res.json<Record<string, unknown>>() : undefined,
  };
}

/**
 * The query proving `userId` is the listener of `trackId`, personal-signed by `account`; with no
 * `trackId`, a proof as clients that sign only a timestamp make it.
 */
async function proof(
  userId: number,
  account: LocalAccount,
  { trackId, now = Date.now() }: { trackId?: number; now?: number } = {},
): Promise<string> {
  const userData = listenerProofData({
    now,
    ...(trackId !== undefined ? { trackId: h(trackId) } : {}),
  });
  const signature = await account.signMessage({ message: userData });
  return new URLSearchParams({
    user_id: h(userId),
    user_data: userData,
    user_signature: signature,
  }).toString();
}

function errorCode(answer: Answer): unknown {
  return (answer.body?.error as { code?: unknown } | undefined)?.code;
}

/**
 * Asserts `url` is a stream URL on `endpoint` for `expectedCid`, signed now by this discovery
 * node's delegate for `trackId` (and `userId`, when given); `gated` URLs expire minutes past the
 * track's duration, others carry no expiry.
 */
async function assertSignedUrl(
  url: string | undefined,
  expected: {
    endpoint: string;
    cid: string;
    trackId: number;
    userId?: number;
    gated?: boolean;
    /** Signed as not a listen (a preview, or skip_play_count=true). */
    skip?: boolean;
  },
): Promise<void> {
  assert.ok(url, 'no URL');
  const prefix = `${expected.endpoint}/tracks/cidstream/${expected.cid}?signature=`;
  assert.ok(url.startsWith(prefix), `${url} is not on ${prefix}`);
  const { signer, data } = await verifyStreamSignature({
    param: new URL(url).searchParams.get('signature'),
    cid: expected.cid,
  });
  assert.equal(signer, delegate.address);
  assert.ok(Math.abs(Date.now() - data.timestamp) < 60_000, 'signed long ago');
  const { expiresAt, ...rest } = data;
  if (expected.gated) {
    assert.equal(
      expiresAt,
      data.timestamp + GATED_STREAM_SIGNATURE_TTL_MS + DURATION_SECONDS * 1000,
    );
  } else {
    assert.equal(expiresAt, undefined);
  }
  assert.deepEqual(
    { ...rest, timestamp: 0 },
    {
      cid: expected.cid,
      timestamp: 0,
      trackId: expected.trackId,
      ...(expected.userId !== undefined ? { userId: expected.userId } : {}),
      shouldCache: true,
      ...(expected.skip ? { skipPlayCount: true } : {}),
    },
  );
}

/** Fetches `url` from the content node and asserts it serves exactly `bytes` (a range, then all). */
async function assertServes(url: string, bytes: Uint8Array): Promise<void> {
  const ranged = await fetch(url, {
    headers: { range: 'bytes=1000-4999' },
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 1000-4999/${bytes.length}`);
  assert.deepEqual(new Uint8Array(await ranged.arrayBuffer()), bytes.subarray(1000, 5000));
  const full = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(full.status, 200);
  assert.deepEqual(new Uint8Array(await full.arrayBuffer()), bytes);
}

describe('GET /v1/tracks/:id/stream against real content nodes', () => {
  it('redirects to the top-ranked holder, which serves the signed stream byte-exact', async () => {
    const answer = await stream(PUBLIC_TRACK);
    assert.equal(answer.status, 302, JSON.stringify(answer.body));
    assert.equal(answer.cacheControl, 'no-store');
    await assertSignedUrl(answer.location, {
      endpoint: ranking[0]!,
      cid,
      trackId: PUBLIC_TRACK,
    });
    await assertServes(answer.location!, blob);
    // A user id without the user's signature is only a claim: it is not signed into the URL
    // (content nodes would count the listen for that user).
    const claimed = await stream(PUBLIC_TRACK, `user_id=${h(FAN)}`);
    assert.equal(claimed.status, 302);
    await assertSignedUrl(claimed.location, { endpoint: ranking[0]!, cid, trackId: PUBLIC_TRACK });
  });

  it('gives the URL in the envelope with no_redirect=true', async () => {
    const answer = await stream(PUBLIC_TRACK, 'no_redirect=true');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.location, undefined);
    assert.equal(answer.cacheControl, 'no-store');
    const { data, ...rest } = answer.body!;
    assert.equal(typeof data, 'string');
    await assertSignedUrl(data as string, { endpoint: ranking[0]!, cid, trackId: PUBLIC_TRACK });
    assert.deepEqual(Object.keys(rest).sort(), [
      'latest_chain_block',
      'latest_chain_slot_plays',
      'latest_indexed_block',
      'latest_indexed_slot_plays',
      'signature',
      'signer',
      'timestamp',
      'version',
    ]);
    assert.deepEqual(rest.version, { service: 'discovery-node', version: 'test' });
    await assertServes(data as string, blob);
  });

  it('streams the preview CID with preview=true, to anyone, gated track or not', async () => {
    for (const trackId of [PUBLIC_TRACK, GATED_TRACK]) {
      const answer = await stream(trackId, 'preview=true');
      assert.equal(answer.status, 302, JSON.stringify(answer.body));
      await assertSignedUrl(answer.location, {
        endpoint: previewRanking[0]!,
        cid: previewCid,
        trackId,
        skip: true,
      });
      await assertServes(answer.location!, preview);
    }
    const none = await stream(NO_PREVIEW_TRACK, 'preview=true');
    assert.equal(none.status, 404);
    assert.equal(errorCode(none), 'no_preview');
  });

  it('signs skip_play_count=true as not a listen, and only then', async () => {
    const skipped = await stream(PUBLIC_TRACK, 'skip_play_count=true');
    assert.equal(skipped.status, 302, JSON.stringify(skipped.body));
    await assertSignedUrl(skipped.location, {
      endpoint: ranking[0]!,
      cid,
      trackId: PUBLIC_TRACK,
      skip: true,
    });
    const counted = await stream(PUBLIC_TRACK, 'skip_play_count=false');
    await assertSignedUrl(counted.location, { endpoint: ranking[0]!, cid, trackId: PUBLIC_TRACK });
  });

  it("never hands out a gated track's full file as its preview, not even to its owner", async () => {
    for (const query of ['preview=true', `preview=true&${await proof(ARTIST, artist)}`]) {
      const whole = await stream(WHOLE_PREVIEW_TRACK, query);
      assert.equal(whole.status, 404, JSON.stringify(whole.body));
      assert.equal(errorCode(whole), 'no_preview');
      assert.equal(whole.location, undefined);
    }
    // The full stream is still the follower's.
    const follower = await stream(WHOLE_PREVIEW_TRACK, await proof(FAN, fan));
    assert.equal(follower.status, 302, JSON.stringify(follower.body));
  });

  it('streams a follow-gated track to a proven follower and the owner, and to no one else', async () => {
    const anonymous = await stream(GATED_TRACK);
    assert.equal(anonymous.status, 403);
    assert.equal(errorCode(anonymous), 'stream_gated');
    assert.equal(anonymous.location, undefined);

    // A user id alone is a claim, not a proof: the listener stays anonymous.
    const claimed = await stream(GATED_TRACK, `user_id=${h(FAN)}`);
    assert.equal(claimed.status, 403);
    assert.equal(errorCode(claimed), 'stream_gated');

    const follower = await stream(GATED_TRACK, await proof(FAN, fan, { trackId: GATED_TRACK }));
    assert.equal(follower.status, 302, JSON.stringify(follower.body));
    await assertSignedUrl(follower.location, {
      endpoint: ranking[0]!,
      cid,
      trackId: GATED_TRACK,
      userId: FAN,
      gated: true,
    });
    await assertServes(follower.location!, blob);
    // A proof of only a timestamp (as older clients sign it) still works while fresh.
    const legacy = await stream(GATED_TRACK, await proof(FAN, fan));
    assert.equal(legacy.status, 302, JSON.stringify(legacy.body));

    const owner = await stream(GATED_TRACK, await proof(ARTIST, artist));
    assert.equal(owner.status, 302, JSON.stringify(owner.body));
    await assertSignedUrl(owner.location, {
      endpoint: ranking[0]!,
      cid,
      trackId: GATED_TRACK,
      userId: ARTIST,
      gated: true,
    });

    const notFollowing = await stream(GATED_TRACK, await proof(STRANGER, stranger));
    assert.equal(notFollowing.status, 403);
    assert.equal(errorCode(notFollowing), 'stream_gated');

    const forged = await stream(GATED_TRACK, await proof(FAN, stranger));
    assert.equal(forged.status, 401);
    assert.equal(errorCode(forged), 'invalid_user_signature');
  });

  it("refuses a listener's proof 10 minutes old, 10 minutes ahead, or made for another track", async () => {
    const cases: [string, string][] = [
      ['10 minutes old', await proof(FAN, fan, { now: Date.now() - 10 * MINUTE })],
      ['10 minutes ahead', await proof(FAN, fan, { now: Date.now() + 10 * MINUTE })],
      ['for another track', await proof(FAN, fan, { trackId: PUBLIC_TRACK })],
    ];
    for (const [what, query] of cases) {
      const answer = await stream(GATED_TRACK, query);
      assert.equal(answer.status, 401, what);
      assert.equal(errorCode(answer), 'invalid_user_data', what);
      assert.equal(answer.location, undefined, what);
    }
    const fresh = await stream(GATED_TRACK, await proof(FAN, fan, { trackId: GATED_TRACK }));
    assert.equal(fresh.status, 302, JSON.stringify(fresh.body));
  });

  it('fails over to the second-ranked node when the top one dies', async () => {
    const top = nodes.find((n) => n.endpoint === ranking[0])!;
    await stopContentNode(top);
    // The answer cached before the death may name the dead node once; its refused probe marks it
    // down, and the stream goes to the next holder.
    const answer = await pollUntil(
      () => stream(PUBLIC_TRACK),
      (a) => a.status === 302 && a.location?.startsWith(`${ranking[1]}/`) === true,
      'a redirect to the second-ranked node',
      DOWN_RETRY_MS + 10_000,
    );
    await assertSignedUrl(answer.location, { endpoint: ranking[1]!, cid, trackId: PUBLIC_TRACK });
    await assertServes(answer.location!, blob);
  });

  it('answers 503 no_content_node when no holder answers', async () => {
    await Promise.all(nodes.map(stopContentNode));
    const answer = await pollUntil(
      () => stream(PUBLIC_TRACK),
      (a) => a.status !== 302,
      'an answer other than a redirect',
      DOWN_RETRY_MS + 10_000,
    );
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal(errorCode(answer), 'no_content_node');
    assert.equal(answer.location, undefined);
  });
});
