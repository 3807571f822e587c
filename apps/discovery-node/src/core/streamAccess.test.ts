import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ForbiddenError,
  GATED_STREAM_SIGNATURE_TTL_MS,
  NotFoundError,
  STREAM_SIGNATURE_MAX_AGE_MS,
  encodeHashId,
  encodeStreamSignatureParam,
  rankNodes,
  signStreamData,
} from '@coliving/protocol';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import {
  type ContentNodeProcess,
  pollUntil,
  pushBlob,
  spawnContentNode,
  startContentNodes,
  stopContentNode,
  waitUntilHealthy,
} from '../contentNodeProcesses.js';
import { openTestDatabase } from '../testing.js';
import { createContentNodes } from './contentNodes.js';
import {
  type StreamTrack,
  checkStreamAccess,
  contentAccess,
  signStreamPath,
  signStreamUrl,
  streamUrlExpiry,
} from './streamAccess.js';

const OWNER = 1;
const FAN = 2;
const STRANGER = 3;
const TRACK_CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const PREVIEW_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

async function addUser(db: Kysely<DB>, userId: number): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  await db
    .insertInto('users')
    .values({
      user_id: userId,
      wallet: `0x${userId.toString(16).padStart(40, '0')}`,
      handle: `user${userId}`,
      handle_lc: `user${userId}`,
      name: `User ${userId}`,
      is_deactivated: false,
      metadata: {},
      metadata_cid: '',
      created_block: 1,
      created_at: at,
      updated_block: 1,
      updated_at: at,
      tx_hash: '0x',
    })
    .execute();
}

let logIndex = 0;
const paymentStamp = () => ({
  block_number: 5,
  log_index: logIndex++,
  amount: '1000000000000000000',
  created_at: new Date('2026-01-02T00:00:00Z'),
  tx_hash: '0x',
});

async function addTip(db: Kysely<DB>, sender: number, receiver: number): Promise<void> {
  await db
    .insertInto('tips')
    .values({ ...paymentStamp(), sender_user_id: sender, receiver_user_id: receiver })
    .execute();
}

async function addPurchase(
  db: Kysely<DB>,
  buyer: number,
  contentType: 'track' | 'playlist',
  contentId: number,
): Promise<void> {
  await db
    .insertInto('purchases')
    .values({
      ...paymentStamp(),
      buyer_user_id: buyer,
      seller_user_id: OWNER,
      content_type: contentType,
      content_id: contentId,
    })
    .execute();
}

async function addPlaylist(
  db: Kysely<DB>,
  playlistId: number,
  isAlbum: boolean,
  trackIds: number[],
): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  await db
    .insertInto('playlists')
    .values({
      playlist_id: playlistId,
      owner_id: OWNER,
      playlist_name: `Playlist ${playlistId}`,
      is_album: isAlbum,
      is_private: false,
      is_deleted: false,
      stream_conditions: null,
      metadata: {},
      metadata_cid: '',
      created_block: 1,
      created_at: at,
      updated_block: 1,
      updated_at: at,
      tx_hash: '0x',
    })
    .execute();
  await db
    .insertInto('playlist_tracks')
    .values(
      trackIds.map((track_id, position) => ({
        playlist_id: playlistId,
        position,
        track_id,
        added_at: 0,
      })),
    )
    .execute();
}

function trackWith(overrides: Partial<StreamTrack> = {}): StreamTrack {
  return {
    trackId: 10,
    ownerId: OWNER,
    trackCid: TRACK_CID,
    previewCid: PREVIEW_CID,
    streamConditions: null,
    isDeleted: false,
    releaseDate: null,
    isUnlisted: false,
    ...overrides,
  };
}

/** Resolves when `promise` rejects with an error of `type` and `code`; fails otherwise. */
async function rejectsWith(
  promise: Promise<unknown>,
  type: typeof ForbiddenError | typeof NotFoundError,
  code: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe('checkStreamAccess', () => {
  let database: Database;
  let db: Kysely<DB>;

  before(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    for (const id of [OWNER, FAN, STRANGER]) await addUser(db, id);
    await db
      .insertInto('follows')
      .values({ follower_id: FAN, followee_id: OWNER, created_block: 2, created_at: new Date() })
      .execute();
  });

  after(async () => {
    await database?.close();
  });

  it('lets anyone stream a public track, unlisted ones too', async () => {
    for (const listener of [{}, { userId: STRANGER }, { userId: OWNER }]) {
      await checkStreamAccess(db, trackWith(), listener);
      await checkStreamAccess(db, trackWith({ isUnlisted: true }), listener);
    }
  });

  it('lets followers and the owner stream a follow-gated track, and no one else', async () => {
    const track = trackWith({ streamConditions: { follow_user_id: OWNER } });
    await checkStreamAccess(db, track, { userId: FAN });
    await checkStreamAccess(db, track, { userId: OWNER });
    await rejectsWith(
      checkStreamAccess(db, track, { userId: STRANGER }),
      ForbiddenError,
      'stream_gated',
    );
    await rejectsWith(checkStreamAccess(db, track, {}), ForbiddenError, 'stream_gated');
    // The follow is of the gate's user, not of whoever else the listener follows.
    const otherGate = trackWith({ streamConditions: { follow_user_id: STRANGER } });
    await rejectsWith(
      checkStreamAccess(db, otherGate, { userId: FAN }),
      ForbiddenError,
      'stream_gated',
    );
    await checkStreamAccess(db, otherGate, { userId: STRANGER });
  });

  it('lets the owner and tippers of the gate user stream a tip-gated track, and no one else', async () => {
    const track = trackWith({ streamConditions: { tip_user_id: OWNER } });
    await checkStreamAccess(db, track, { userId: OWNER });
    for (const listener of [{ userId: FAN }, { userId: STRANGER }, {}]) {
      await rejectsWith(checkStreamAccess(db, track, listener), ForbiddenError, 'stream_gated');
    }
    // A tip to someone else opens nothing; one to the gate's user does.
    await addTip(db, FAN, STRANGER);
    await rejectsWith(
      checkStreamAccess(db, track, { userId: FAN }),
      ForbiddenError,
      'stream_gated',
    );
    await addTip(db, FAN, OWNER);
    await checkStreamAccess(db, track, { userId: FAN });
    await rejectsWith(
      checkStreamAccess(db, track, { userId: STRANGER }),
      ForbiddenError,
      'stream_gated',
    );
  });

  it('lets the owner and buyers (of the track, or of an album holding it) stream a purchase-gated track, with the price in the refusal', async () => {
    const streamConditions = {
      dgco_purchase: {
        price: '2500000000000000000',
        splits: [{ user_id: OWNER, percentage: 100 }],
      },
    };
    const bought = trackWith({ trackId: 20, streamConditions });
    const inAlbum = trackWith({ trackId: 21, streamConditions });
    const inPlaylist = trackWith({ trackId: 22, streamConditions });
    await addPlaylist(db, 30, true, [21]);
    await addPlaylist(db, 31, false, [22]);
    for (const track of [bought, inAlbum, inPlaylist]) {
      await checkStreamAccess(db, track, { userId: OWNER });
      for (const listener of [{ userId: FAN }, {}]) {
        await assert.rejects(checkStreamAccess(db, track, listener), (error: unknown) => {
          assert.ok(error instanceof ForbiddenError);
          assert.equal(error.code, 'stream_gated');
          assert.match(error.message, /2\.5 DGCO/);
          return true;
        });
      }
    }
    // Another user's purchase, or a purchase of another track, opens nothing.
    await addPurchase(db, STRANGER, 'track', 20);
    await addPurchase(db, FAN, 'track', 99);
    await rejectsWith(
      checkStreamAccess(db, bought, { userId: FAN }),
      ForbiddenError,
      'stream_gated',
    );
    await addPurchase(db, FAN, 'track', 20);
    await checkStreamAccess(db, bought, { userId: FAN });
    // An album's purchase opens its tracks; a (non-album) playlist's does not.
    await addPurchase(db, FAN, 'playlist', 30);
    await addPurchase(db, FAN, 'playlist', 31);
    await checkStreamAccess(db, inAlbum, { userId: FAN });
    await rejectsWith(
      checkStreamAccess(db, inPlaylist, { userId: FAN }),
      ForbiddenError,
      'stream_gated',
    );
    await rejectsWith(
      checkStreamAccess(db, inAlbum, { userId: STRANGER }),
      ForbiddenError,
      'stream_gated',
    );
  });

  it('reports stream and download access apart, the owner and a deleted content aside', async () => {
    const content = {
      type: 'track' as const,
      id: 40,
      ownerId: OWNER,
      isDeleted: false,
      streamConditions: null,
      downloadConditions: { follow_user_id: OWNER },
      isDownloadable: true,
    };
    assert.deepEqual(await contentAccess(db, content, STRANGER), { stream: true, download: false });
    assert.deepEqual(await contentAccess(db, content, undefined), {
      stream: true,
      download: false,
    });
    assert.deepEqual(await contentAccess(db, content, FAN), { stream: true, download: true });
    assert.deepEqual(await contentAccess(db, content, OWNER), { stream: true, download: true });
    const gated = {
      ...content,
      streamConditions: { tip_user_id: OWNER },
      downloadConditions: null,
    };
    assert.deepEqual(await contentAccess(db, gated, STRANGER), { stream: false, download: true });
    assert.deepEqual(await contentAccess(db, { ...content, isDownloadable: false }, FAN), {
      stream: true,
      download: false,
    });
    assert.deepEqual(await contentAccess(db, { ...content, isDeleted: true }, OWNER), {
      stream: false,
      download: false,
    });
  });

  it('refuses conditions it does not know, even to followers', async () => {
    const track = trackWith({ streamConditions: { follow_user_id: OWNER, nft_collection: 'x' } });
    await rejectsWith(
      checkStreamAccess(db, track, { userId: FAN }),
      ForbiddenError,
      'stream_gated',
    );
    await checkStreamAccess(db, track, { userId: OWNER });
  });

  it('always allows the preview of a gated track, when there is one', async () => {
    const track = trackWith({ streamConditions: { tip_user_id: OWNER } });
    await checkStreamAccess(db, track, { userId: STRANGER }, { preview: true });
    await checkStreamAccess(db, track, {}, { preview: true });
    await rejectsWith(
      checkStreamAccess(db, trackWith({ previewCid: null }), {}, { preview: true }),
      NotFoundError,
      'no_preview',
    );
  });

  it("refuses as a gated track's preview its whole file, to its owner too", async () => {
    const whole = trackWith({
      previewCid: TRACK_CID,
      streamConditions: { follow_user_id: OWNER },
    });
    for (const listener of [{}, { userId: FAN }, { userId: OWNER }]) {
      await rejectsWith(
        checkStreamAccess(db, whole, listener, { preview: true }),
        NotFoundError,
        'no_preview',
      );
    }
    await checkStreamAccess(db, whole, { userId: FAN });
    // A public track gives nothing away by it: anyone streams the whole file anyway.
    await checkStreamAccess(db, trackWith({ previewCid: TRACK_CID }), {}, { preview: true });
  });

  it('finds no deleted track, not even for its owner', async () => {
    const track = trackWith({ isDeleted: true });
    for (const listener of [{ userId: OWNER }, {}]) {
      await rejectsWith(checkStreamAccess(db, track, listener), NotFoundError, 'track_not_found');
    }
    await rejectsWith(
      checkStreamAccess(db, track, {}, { preview: true }),
      NotFoundError,
      'track_not_found',
    );
    // Named as clients name it (its hash id), not by the database's number.
    await assert.rejects(checkStreamAccess(db, track, {}), {
      message: `Track ${encodeHashId(track.trackId)} not found`,
    });
  });

  it('keeps a scheduled release to its owner until its date', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const track = trackWith({ releaseDate: new Date(now + 60_000) });
    await checkStreamAccess(db, track, { userId: OWNER }, { now });
    await rejectsWith(
      checkStreamAccess(db, track, { userId: FAN }, { now }),
      ForbiddenError,
      'not_released',
    );
    await rejectsWith(
      checkStreamAccess(db, track, {}, { now, preview: true }),
      ForbiddenError,
      'not_released',
    );
    await checkStreamAccess(db, track, { userId: FAN }, { now: now + 60_000 });
  });
});

describe('streamUrlExpiry', () => {
  it('lets a public track keep the 48 h signature, and a gated one minutes past its duration', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const expiry = (streamConditions: StreamTrack['streamConditions'], durationSeconds = 200) =>
      streamUrlExpiry({ streamConditions, releaseDate: null, durationSeconds }, now);
    assert.equal(expiry(null), undefined);
    assert.equal(expiry({ follow_user_id: OWNER }), now + GATED_STREAM_SIGNATURE_TTL_MS + 200_000);
    // An owner's claimed duration cannot push it past the 48 h every signature has.
    assert.equal(expiry({ tip_user_id: OWNER }, 1e12), now + STREAM_SIGNATURE_MAX_AGE_MS);
    // A scheduled release, streamed by its owner before its date, is kept as short.
    const scheduled = {
      streamConditions: null,
      releaseDate: new Date(now + 1),
      durationSeconds: 0,
    };
    assert.equal(streamUrlExpiry(scheduled, now), now + GATED_STREAM_SIGNATURE_TTL_MS);
  });
});

describe('content nodes and signed stream URLs, against real content nodes', () => {
  let database: Database;
  let dir: string;
  let discovery: LocalAccount;
  let peers: string;
  let nodes: ContentNodeProcess[] = [];
  let blob: Uint8Array;
  let cid: string;
  /** The content nodes in placement order for `cid`. */
  let ranking: string[];
  /** Probes (HEAD on the stream path) per endpoint, as the node sees them through our fetch. */
  const probeRequests = new Map<string, number>();
  const countingFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (init?.method === 'HEAD') {
      probeRequests.set(url.origin, (probeRequests.get(url.origin) ?? 0) + 1);
    }
    return fetch(input, init);
  };
  /** The signed stream path for `cid`, as the stream route makes it. */
  const pathFor = () => signStreamPath({ account: discovery, cid, trackId: 10 });

  const byEndpoint = (endpoint: string) => nodes.find((n) => n.endpoint === endpoint)!;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-stream-access-'));
    discovery = privateKeyToAccount(generatePrivateKey());
    ({ nodes, peers } = await startContentNodes(3, dir, discovery.address));
    blob = new Uint8Array(randomBytes(256 * 1024));
    cid = await pushBlob(nodes, blob);

    database = await openTestDatabase('pglite');
    await database.db
      .insertInto('node_owners')
      .values({
        owner: '0x' + '11'.repeat(20),
        stake: '200000000000000000000000',
        updated_block: 1,
      })
      .execute();
    const row = (nodeId: number, endpoint: string, serviceType: string, isRegistered = true) => ({
      node_id: nodeId,
      service_type: serviceType,
      owner: '0x' + '11'.repeat(20),
      endpoint,
      delegate_wallet: privateKeyToAccount(generatePrivateKey()).address.toLowerCase(),
      is_registered: isRegistered,
      registered_block: 1,
      updated_block: 1,
    });
    await database.db
      .insertInto('nodes')
      .values([
        // A trailing slash, as an operator may register it: endpoints come back without.
        row(1, `${nodes[2]!.endpoint}/`, 'content-node'),
        row(2, nodes[0]!.endpoint, 'content-node'),
        row(3, nodes[1]!.endpoint, 'content-node'),
        row(4, 'http://127.0.0.1:9', 'discovery-node'),
        row(5, 'http://127.0.0.1:10', 'content-node', false),
      ])
      .execute();
    ranking = rankNodes(
      nodes.map((n) => n.endpoint),
      cid,
    );
  });

  after(async () => {
    await Promise.all(nodes.map(stopContentNode));
    await database?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the registered content nodes by node id, and ranks them by rendezvous', async () => {
    const contentNodes = createContentNodes({ db: database.db });
    assert.deepEqual(await contentNodes.endpoints(), [
      nodes[2]!.endpoint,
      nodes[0]!.endpoint,
      nodes[1]!.endpoint,
    ]);
    assert.deepEqual(await contentNodes.ranked(cid), ranking);
  });

  it('sends a stream to the top-ranked holder, which serves the signed range byte-exact', async () => {
    const contentNodes = createContentNodes({ db: database.db, fetch: countingFetch });
    const path = await signStreamPath({ account: discovery, cid, trackId: 10, userId: FAN });
    const endpoint = await contentNodes.holderFor(cid, path);
    assert.equal(endpoint, ranking[0]);
    assert.ok(path.startsWith(`/tracks/cidstream/${cid}?signature=`), path);
    const res = await fetch(`${endpoint!}${path}`, { headers: { range: 'bytes=1000-4999' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 1000-4999/${blob.length}`);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), blob.subarray(1000, 5000));
    // The URL form is the same path on the node.
    assert.equal(
      await signStreamUrl({
        account: discovery,
        endpoint: `${endpoint!}/`,
        cid,
        trackId: 10,
        now: 5,
      }),
      `${endpoint!}${await signStreamPath({ account: discovery, cid, trackId: 10, now: 5 })}`,
    );
  });

  it('asks a holder once for concurrent callers, and not again while its answer is fresh', async () => {
    probeRequests.clear();
    const contentNodes = createContentNodes({
      db: database.db,
      fetch: countingFetch,
      holderRefreshMs: 60_000,
    });
    const path = await pathFor();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => contentNodes.holderFor(cid, path)),
    );
    assert.deepEqual(new Set(answers), new Set([ranking[0]]));
    assert.equal(probeRequests.get(ranking[0]!), 1);
    await contentNodes.holderFor(cid, path);
    assert.equal(probeRequests.get(ranking[0]!), 1);
  });

  it('gives up waiting when the caller aborts', async () => {
    const contentNodes = createContentNodes({ db: database.db });
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await assert.rejects(
      contentNodes.holderFor(cid, await pathFor(), controller.signal),
      /client went away/,
    );
  });

  it('is refused by the node when the signature is stale, forged or for another blob', async () => {
    const signed = async (account: LocalAccount, data: { cid: string; timestamp: number }) =>
      `${ranking[0]}/tracks/cidstream/${cid}?signature=${encodeURIComponent(
        encodeStreamSignatureParam(
          await signStreamData({ account, data: { ...data, trackId: 10, shouldCache: true } }),
        ),
      )}`;
    const cases: [string, string, number, string][] = [
      [
        'stale',
        await signStreamUrl({
          account: discovery,
          endpoint: ranking[0]!,
          cid,
          trackId: 10,
          now: Date.now() - 49 * 60 * 60 * 1000,
        }),
        401,
        'signature_expired',
      ],
      [
        'signed by a key that is not a discovery node',
        await signed(privateKeyToAccount(generatePrivateKey()), { cid, timestamp: Date.now() }),
        403,
        'unknown_signer',
      ],
      [
        'for another CID',
        await signed(discovery, { cid: TRACK_CID, timestamp: Date.now() }),
        401,
        'signature_cid_mismatch',
      ],
    ];
    for (const [what, url, status, code] of cases) {
      const res = await fetch(url, { headers: { range: 'bytes=0-99' } });
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(res.status, status, what);
      assert.equal(body.error.code, code, what);
    }
    // Tampering with the signed data (another track id, same signature) does not verify either.
    const good = new URL(
      await signStreamUrl({ account: discovery, endpoint: ranking[0]!, cid, trackId: 10 }),
    );
    const param = JSON.parse(good.searchParams.get('signature')!) as {
      data: string;
      signature: string;
    };
    param.data = param.data.replace('"trackId":10', '"trackId":11');
    good.searchParams.set('signature', JSON.stringify(param));
    const tampered = await fetch(good, { headers: { range: 'bytes=0-99' } });
    assert.equal(tampered.status, 403);
    assert.equal(
      ((await tampered.json()) as { error: { code: string } }).error.code,
      'unknown_signer',
    );
  });

  it("refuses a gated track's URL signed 10 minutes ago, and serves a public one as old", async () => {
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    const gatedUrl = await signStreamUrl({
      account: discovery,
      endpoint: ranking[0]!,
      cid,
      trackId: 10,
      userId: FAN,
      now: tenMinutesAgo,
      expiresAt: streamUrlExpiry(
        { streamConditions: { follow_user_id: OWNER }, releaseDate: null, durationSeconds: 7.5 },
        tenMinutesAgo,
      ),
    });
    const gated = await fetch(gatedUrl, { headers: { range: 'bytes=0-99' } });
    assert.equal(gated.status, 401);
    assert.equal(
      ((await gated.json()) as { error: { code: string } }).error.code,
      'signature_expired',
    );
    const publicUrl = await signStreamUrl({
      account: discovery,
      endpoint: ranking[0]!,
      cid,
      trackId: 10,
      now: tenMinutesAgo,
    });
    const open = await fetch(publicUrl, { headers: { range: 'bytes=0-99' } });
    assert.equal(open.status, 206);
    assert.deepEqual(new Uint8Array(await open.arrayBuffer()), blob.subarray(0, 100));
  });

  it('marks a node down on its first refused connection, sends streams to the next holder, and back when it returns', async () => {
    // Every use of a known holder asks it again in the background; a down node waits a minute.
    const contentNodes = createContentNodes({
      db: database.db,
      fetch: countingFetch,
      holderRefreshMs: 0,
      downRetryMs: 60_000,
    });
    const path = await pathFor();
    assert.equal(await contentNodes.holderFor(cid, path), ranking[0]);

    const top = byEndpoint(ranking[0]!);
    await stopContentNode(top);
    // The answer cached before the death may name it once more; its refused probe marks it down.
    const next = await pollUntil(
      () => contentNodes.holderFor(cid, path),
      (endpoint) => endpoint === ranking[1],
      'failover to the second-ranked node',
    );
    const res = await fetch(`${next!}${path}`, { headers: { range: 'bytes=0-' } });
    assert.equal(res.status, 206);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), blob);

    // A node down is skipped without a request while others hold the blob.
    probeRequests.clear();
    for (let i = 0; i < 5; i++) assert.equal(await contentNodes.holderFor(cid, path), ranking[1]);
    assert.equal(probeRequests.get(ranking[0]!) ?? 0, 0);

    // It comes back on the same port with an empty disk: it answers, but lacks the blob (it
    // would redirect a listener), so streams keep going to a node that has it.
    const restarted = spawnContentNode(
      {
        privateKey: top.privateKey,
        account: top.account,
        port: top.port,
        endpoint: top.endpoint,
        dataDir: `${top.dataDir}-empty`,
      },
      peers,
      discovery.address,
    );
    nodes[nodes.indexOf(top)] = restarted;
    await waitUntilHealthy(restarted);
    const fresh = createContentNodes({ db: database.db, fetch: countingFetch });
    assert.equal(await fresh.holderFor(cid, path), ranking[1]);
    // Once it holds the blob again (repair, here a push), it ranks first again.
    await pushBlob([restarted], blob, byEndpoint(ranking[1]!).account);
    await pollUntil(
      () => createContentNodes({ db: database.db }).holderFor(cid, path),
      (endpoint) => endpoint === ranking[0],
      'the restarted node ranking first again',
    );
  });

  it('answers undefined when no node answers', async () => {
    await Promise.all(nodes.map(stopContentNode));
    const contentNodes = createContentNodes({ db: database.db, probeTimeoutMs: 1_000 });
    assert.equal(await contentNodes.holderFor(cid, await pathFor()), undefined);
  });
});
