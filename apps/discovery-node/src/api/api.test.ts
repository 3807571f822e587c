// The API v1 against a fixture chain: every endpoint's exact JSON (a snapshot), every model's
// required keys (docs/api-v1.md), and the bad-input answers. The fixture is indexed from a real local
// chain: users, tracks, playlists, an album, follows, saves and reposts, and registered nodes;
// and plays, written into `plays` as the play log indexer writes them (its own tests index them
// from a chain).
// One file over the ~500-line guideline on purpose: every test reads the one fixture, which takes
// a chain and an indexing run to build, and the snapshot it checks is written from this file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { devAccountKeys, fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  cidFromBytes,
  encodeHashId,
  historyProofData,
  ownerProofData,
  listenerProofData,
} from '@coliving/protocol';
import { sql } from 'kysely';
import { type Hex, recoverMessageAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import {
  type ChainAction,
  type ReceiptSigner,
  openTestDatabase,
  receiptSigner,
  submitActions,
} from '../testing.js';
import { GZIP_MIN_BYTES } from './answer/gzipAnswer.js';
import { playlistSchema, trackSchema, userSchema } from './schemas.js';

const SNAPSHOT = new URL('./__snapshots__/api.test.json', import.meta.url);
const UPDATE = process.env.COLIVING_UPDATE_SNAPSHOTS === '1';

let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
/** cn1's upload receipts, for tests that publish tracks of their own. */
let uploads: ReceiptSigner;
const delegate = privateKeyToAccount(generatePrivateKey());
const cid = (text: string) => cidFromBytes(new TextEncoder().encode(text));
const dgco = (amount: number) => BigInt(amount) * 10n ** 18n;

before(async () => {
  network = await startTestNetwork();
  let receipts!: ReceiptSigner;
  const [alice, bob, carol, dave] = network.accounts.slice(1, 5) as [
    (typeof network.accounts)[number],
    (typeof network.accounts)[number],
    (typeof network.accounts)[number],
    (typeof network.accounts)[number],
  ];
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [alice.address],
    dgco: dgco(2_000_000),
  });
  for (const [i, endpoint] of [
    'http://cn1.test',
    'http://cn2.test',
    'http://cn3.test',
    'http://cn4.test',
  ].entries()) {
    const { nodeId } = await registerNode({
      manifest: network.manifest,
      owner: alice,
      serviceType: 'contentNode',
      endpoint,
      stake: dgco(200_000),
      delegateWallet: network.accounts[11 + i]!.address,
    });
    // cn1 took every upload: its receipts go with the tracks.
    if (i === 0) uploads = receipts = await receiptSigner(network, network.accounts[11]!, nodeId);
  }
  await registerNode({
    manifest: network.manifest,
    owner: alice,
    serviceType: 'discoveryNode',
    endpoint: 'http://dn1.test',
    stake: dgco(200_000),
    delegateWallet: delegate.address,
  });

  const profile = {
    profile_picture_sizes: await cid('alice-pic'),
    cover_photo_sizes: await cid('alice-cover'),
  };
  const track = async (
    title: string,
    extra: Record<string, unknown> = {},
    uploader: { address: `0x${string}` } = alice,
  ) =>
    receipts.withReceipt(uploader.address, {
      title,
      genre: 'Electronic',
      track_cid: await cid(`${title}-stream`),
      duration: 201.4,
      ...extra,
    });
  const actions: ChainAction[] = [
    {
      account: alice,
      userId: 1,
      entityType: 'User',
      entityId: 1,
      action: 'Create',
      metadata: {
        handle: 'Alice',
        name: 'Alice A',
        bio: 'Makes music',
        location: 'Lisbon',
        ...profile,
      },
    },
    {
      account: bob,
      userId: 2,
      entityType: 'User',
      entityId: 2,
      action: 'Create',
      metadata: { handle: 'bob', name: 'Bob' },
    },
    {
      account: carol,
      userId: 3,
      entityType: 'User',
      entityId: 3,
      action: 'Create',
      metadata: { handle: 'carol', name: 'Carol' },
    },
    {
      account: dave,
      userId: 4,
      entityType: 'User',
      entityId: 4,
      action: 'Create',
      metadata: { handle: 'dave', name: 'Dave' },
    },
    {
      account: alice,
      userId: 1,
      entityType: 'Track',
      entityId: 10,
      action: 'Create',
      metadata: await track('Sunset Boulevard', {
        mood: 'Peaceful',
        tags: 'sun,evening',
        preview_cid: await cid('sunset-preview'),
        waveform_cid: await cid('sunset-peaks'),
        cover_art_sizes: await cid('sunset-art'),
        is_downloadable: true,
      }),
    },
    {
      account: alice,
      userId: 1,
      entityType: 'Track',
      entityId: 11,
      action: 'Create',
      metadata: await track('Sunset Boulevard'),
    },
    {
      account: bob,
      userId: 2,
      entityType: 'Track',
      entityId: 12,
      action: 'Create',
      metadata: await track('Café del Mar', { genre: 'Ambient' }, bob),
    },
    {
      account: bob,
      userId: 2,
      entityType: 'Track',
      entityId: 13,
      action: 'Create',
      metadata: await track('Hidden Demo', { is_unlisted: true }, bob),
    },
    {
      account: bob,
      userId: 2,
      entityType: 'Track',
      entityId: 14,
      action: 'Create',
      metadata: await track('Members Only', { stream_conditions: { follow_user_id: 2 } }, bob),
    },
    {
      account: alice,
      userId: 1,
      entityType: 'Playlist',
      entityId: 20,
      action: 'Create',
      metadata: {
        playlist_name: 'Road Trip',
        playlist_contents: {
          track_ids: [
            { track: 10, time: 1700000000 },
            { track: 12, time: 1700000100 },
          ],
        },
      },
    },
    {
      account: bob,
      userId: 2,
      entityType: 'Playlist',
      entityId: 21,
      action: 'Create',
      metadata: {
        playlist_name: 'First Album',
        is_album: true,
        playlist_contents: { track_ids: [{ track: 12, time: 1700000200 }] },
      },
    },
    { account: bob, userId: 2, entityType: 'User', entityId: 1, action: 'Follow' },
    { account: carol, userId: 3, entityType: 'User', entityId: 1, action: 'Follow' },
    { account: carol, userId: 3, entityType: 'User', entityId: 2, action: 'Follow' },
    { account: dave, userId: 4, entityType: 'User', entityId: 1, action: 'Follow' },
    { account: bob, userId: 2, entityType: 'Track', entityId: 10, action: 'Save' },
    { account: carol, userId: 3, entityType: 'Track', entityId: 10, action: 'Save' },
    { account: carol, userId: 3, entityType: 'Track', entityId: 10, action: 'Repost' },
    { account: bob, userId: 2, entityType: 'Playlist', entityId: 20, action: 'Repost' },
  ];
  database = await openTestDatabase('pglite');
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: delegate,
    },
    {
      version: 'test',
      dataConfirmations: 0,
      ethConfirmations: 0,
      pollIntervalMs: 50,
      publicUrl: 'http://dn1.test',
      trendingIntervalMs: 0,
    },
  );
  const block = await submitActions(network, actions);
  await node.start();
  await node.dataIndexer.waitFor(block);
  const ethHead = Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 }));
  await node.ethIndexer.waitFor(ethHead);
  // Users carry their wallets' indexed DGCO balances (the fixture's stakers hold some).
  await node.balancesIndexer.waitFor(ethHead);
  // Plays: recent ones of Alice's track 10 (Bob 5, Carol 4, anonymous 3), 60 of her track 11
  // early in 2025 (all-time trending and her monthly listens), Carol's older plays of Bob's.
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
  await insertPlays([
    ...Array.from({ length: 5 }, (_, i) => ({ trackId: 10, userId: 2, at: hoursAgo(10 + i) })),
    ...Array.from({ length: 4 }, (_, i) => ({ trackId: 10, userId: 3, at: hoursAgo(1 + i) })),
    ...Array.from({ length: 3 }, (_, i) => ({ trackId: 10, at: hoursAgo(20 + i) })),
    ...Array.from({ length: 60 }, (_, i) => ({
      trackId: 11,
      userId: 2 + (i % 3),
      at: new Date(Date.UTC(2025, i < 20 ? 0 : i < 45 ? 1 : 2, 1 + (i % 27), 12)),
    })),
    { trackId: 12, userId: 3, at: new Date('2025-02-10T08:00:00Z') },
    { trackId: 12, userId: 3, at: new Date('2025-02-11T08:00:00Z') },
    { trackId: 13, userId: 3, at: new Date('2025-03-01T08:00:00Z') },
  ]);
  await node.refreshDerived();
});

/**
 * Writes plays as the play log indexer does (the columns the read side relies on, and each other
 * NOT NULL column with a value of its type: a play id, a chain position, a node).
 */
let playSeq = 0;
async function insertPlays(plays: { trackId: number; userId?: number; at: Date }[]) {
  const { rows: columns } = await sql<{ name: string; type: string; required: boolean }>`
    select column_name as name, data_type as type,
      (is_nullable = 'NO' and column_default is null) as required
    from information_schema.columns where table_name = 'plays'`.execute(database.db);
  const extra = columns.filter(
    (c) => c.required && !['track_id', 'user_id', 'created_at'].includes(c.name),
  );
  for (const play of plays) {
    const i = playSeq++;
    const values = extra.map((c) =>
      c.type === 'bytea'
        ? sql`${Buffer.from(i.toString(16).padStart(32, '0'), 'hex')}`
        : sql`${i + 1}`,
    );
    const names = extra.map((c) => sql.ref(c.name));
    await sql`insert into plays (track_id, user_id, created_at${sql.raw(extra.length ? ', ' : '')}${sql.join(names, sql`, `)})
      values (${play.trackId}, ${play.userId ?? null}, ${play.at.toISOString()}::timestamptz${sql.raw(extra.length ? ', ' : '')}${sql.join(values, sql`, `)})`.execute(
      database.db,
    );
  }
}

after(async () => {
  await node?.stop();
  await database?.close();
  await network?.stop();
});

/** `user_data` and `user_signature` of a history proof signed by `account` now. */
async function historyProof(account: { signMessage(a: { message: string }): Promise<string> }) {
  const data = historyProofData();
  const signature = await account.signMessage({ message: data });
  return `user_data=${encodeURIComponent(data)}&user_signature=${signature}`;
}

async function get(url: string) {
  // A route that needs a fresh proof is written with `<carol's history proof>` in its place.
  if (url.includes(CAROL_PROOF))
    url = url.replace(CAROL_PROOF, await historyProof(network.accounts[3]!));
  for (const [placeholder, user] of url.matchAll(/<owner proof of (\d+)>/g)) {
    const account = network.accounts[Number(user)]!;
    const data = ownerProofData();
    const signature = await account.signMessage({ message: data });
    url = url.replace(
      placeholder,
      `user_id=${h(Number(user))}&user_data=${encodeURIComponent(data)}&user_signature=${signature}`,
    );
  }
  const res = await node.app.inject({ method: 'GET', url });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body ? res.json<Record<string, unknown>>() : undefined,
  };
}

/** Replaces what differs from run to run (block times and numbers, the clock) with markers. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (['created_at', 'updated_at', 'timestamp'].includes(k) && typeof v === 'string')
          return [k, '<time>'];
        if (k === 'signature' && typeof v === 'string' && /^0x[0-9a-f]{130}$/.test(v))
          return [k, '<signature>'];
        if (k === 'signer' && v === delegate.address) return [k, '<the node>'];
        if (
          [
            'blocknumber',
            'latest_chain_block',
            'latest_indexed_block',
            'latest_chain_slot_plays',
            'latest_indexed_slot_plays',
          ].includes(k) &&
          typeof v === 'number'
        )
          return [k, '<block>'];
        return [k, stable(v)];
      }),
    );
  }
  return value;
}

const h = encodeHashId;
const CAROL_PROOF = "<carol's history proof>";
/**
 * `user_id` naming user `n` (the fixture's account n), with their owner proof, made fresh in its
 * place: what a user sends to be shown their own hidden items.
 */
const ownerProof = (n: number) => `<owner proof of ${n}>`;
const ENDPOINTS = [
  '/v1/tracks/trending',
  '/v1/tracks/trending?time=allTime&genre=Electronic',
  '/v1/tracks/trending/underground',
  `/v1/tracks?id=${h(10)}&id=${h(12)}&id=13`,
  '/v1/tracks?permalink=/Alice/sunset-boulevard-11&permalink=/bob/cafe-del-mar',
  `/v1/tracks/${h(10)}`,
  `/v1/tracks/${h(10)}?user_id=${h(3)}`,
  `/v1/tracks/${h(14)}?user_id=${h(3)}`,
  `/v1/tracks/${h(14)}?user_id=${h(4)}`,
  '/v1/tracks/search?query=sunst',
  '/v1/tracks/search?query=cafe&genre=Ambient',
  `/v1/tracks/${h(10)}/favorites`,
  `/v1/tracks/${h(10)}/reposts`,
  `/v1/tracks/${h(10)}/top_listeners`,
  `/v1/tracks/${h(11)}/top_listeners?limit=2&offset=1`,
  `/v1/users?id=${h(1)}&id=${h(2)}`,
  `/v1/users/${h(1)}`,
  `/v1/users/${h(1)}?user_id=${h(3)}`,
  '/v1/users/handle/alice',
  `/v1/users/account/${privateKeyToAccount(devAccountKeys()[1]!).address}`,
  '/v1/users/search?query=alise',
  `/v1/users/${h(1)}/tracks`,
  `/v1/users/${h(1)}/tracks?sort_method=title&sort_direction=desc&limit=1`,
  `/v1/users/${h(2)}/tracks?${ownerProof(2)}`,
  `/v1/users/${h(1)}/playlists`,
  `/v1/users/${h(2)}/albums`,
  `/v1/users/${h(1)}/followers`,
  `/v1/users/${h(3)}/following`,
  `/v1/users/${h(3)}/reposts`,
  `/v1/users/${h(3)}/favorites`,
  `/v1/users/${h(1)}/listen_counts_monthly?start_time=2025-01-01&end_time=2025-04-01`,
  `/v1/users/${h(2)}/listen_counts_monthly?start_time=2025-02-11T00:00:00Z&end_time=2025-03-01`,
  `/v1/users/${h(3)}/history/tracks?${CAROL_PROOF}`,
  `/v1/playlists/${h(20)}`,
  `/v1/playlists/${h(20)}/tracks`,
  '/v1/playlists/search?query=road',
  '/v1/playlists/trending',
];

describe('API v1 on an indexed fixture chain', () => {
  it('answers every endpoint with the snapshotted JSON', async () => {
    const actual: Record<string, unknown> = {};
    for (const url of ENDPOINTS) {
      const res = await get(url);
      actual[url] = { status: res.status, body: stable(res.body) };
    }
    if (UPDATE) {
      await writeFile(SNAPSHOT, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const expected = JSON.parse(
      await readFile(SNAPSHOT, 'utf8').catch(() => {
        throw new Error('no snapshot: run with COLIVING_UPDATE_SNAPSHOTS=1 and review it');
      }),
    ) as Record<string, unknown>;
    for (const url of ENDPOINTS) assert.deepEqual(actual[url], expected[url], url);
    assert.deepEqual(Object.keys(expected).sort(), [...ENDPOINTS].sort());
  });

  it('gives every model its required keys, of the right types', async () => {
    const check = (what: string, item: Record<string, unknown>, schema: typeof trackSchema) => {
      for (const key of schema.required) assert.ok(key in item, `${what} lacks ${key}`);
      for (const [key, spec] of Object.entries(schema.properties) as [
        string,
        { type?: string | string[] },
      ][]) {
        if (!(key in item) || spec.type === undefined) continue;
        const types = ([] as string[]).concat(spec.type);
        const v = item[key];
        const actual =
          v === null
            ? 'null'
            : Array.isArray(v)
              ? 'array'
              : Number.isInteger(v)
                ? 'integer'
                : typeof v;
        assert.ok(
          types.includes(actual) || (actual === 'integer' && types.includes('number')),
          `${what}.${key} is ${actual}, not ${types.join('|')}`,
        );
      }
    };
    const tracks = (await get(`/v1/tracks?id=${h(10)}&id=${h(12)}&user_id=${h(3)}`)).body!
      .data as Record<string, unknown>[];
    assert.equal(tracks.length, 2);
    for (const t of tracks) {
      check('Track', t, trackSchema);
      check('Track.user', t.user as Record<string, unknown>, userSchema);
      for (const key of ['followee_reposts', 'followee_favorites', 'track_segments'])
        assert.ok(Array.isArray(t[key]));
    }
    const [playlist] = (await get(`/v1/playlists/${h(20)}`)).body!.data as Record<
      string,
      unknown
    >[];
    check('Playlist', playlist!, playlistSchema);
    assert.deepEqual(playlist!.playlist_contents, playlist!.added_timestamps);
    const envelope = (await get(`/v1/users/${h(1)}`)).body!;
    for (const key of [
      'data',
      'latest_chain_block',
      'latest_indexed_block',
      'latest_chain_slot_plays',
      'latest_indexed_slot_plays',
      'timestamp',
      'version',
    ])
      assert.ok(key in envelope, `the envelope lacks ${key}`);
    assert.deepEqual(envelope.version, { service: 'discovery-node', version: 'test' });
  });

  it('points images at the content nodes ranked first for the CID, with mirrors', async () => {
    const user = (await get(`/v1/users/${h(1)}`)).body!.data as {
      profile_picture: Record<string, unknown>;
    };
    const pic = user.profile_picture;
    const [first, ...mirrors] = [
      String(pic['150x150']).replace(/\/content\/.*$/, ''),
      ...(pic.mirrors as string[]),
    ];
    assert.equal(mirrors.length, 2);
    assert.equal(new Set([first, ...mirrors]).size, 3);
    for (const n of [first, ...mirrors]) assert.match(n, /^http:\/\/cn[1-4]\.test$/);
  });

  it('refuses bad input with 400 and a stable code, unknown things with 404', async () => {
    const cases: [string, number, string][] = [
      ['/v1/tracks/notanid!', 400, 'invalid_id'],
      ['/v1/tracks/0', 400, 'invalid_id'],
      ['/v1/tracks/999999', 404, 'track_not_found'],
      [`/v1/tracks/${h(10)}?bogus=1&user_id=notanid!`, 400, 'invalid_id'],
      ['/v1/tracks/trending?omit_tracks=true&limit=abc', 400, 'validation_error'],
      ['/v1/tracks/trending?limit=501', 400, 'validation_error'],
      ['/v1/tracks/trending?limit=0', 400, 'validation_error'],
      ['/v1/tracks/trending?offset=-1', 400, 'validation_error'],
      ['/v1/tracks/trending?offset=10001', 400, 'validation_error'],
      ['/v1/tracks/trending?time=decade', 400, 'validation_error'],
      ['/v1/tracks/search', 400, 'validation_error'],
      ['/v1/tracks/search?query=a&genre=Polka', 400, 'validation_error'],
      ['/v1/users/handle/no-such-user', 400, 'invalid_handle'],
      ['/v1/users/handle/nosuchuser', 404, 'user_not_found'],
      ['/v1/users/account/0x12', 400, 'invalid_wallet'],
      [`/v1/users/account/${delegate.address}`, 404, 'user_not_found'],
      [`/v1/users/${h(999)}/tracks`, 404, 'user_not_found'],
      [`/v1/playlists/${h(999)}`, 404, 'playlist_not_found'],
      ['/v1/tracks', 400, 'missing_id'],
      ['/v1/resolve?url=/nosuchuser', 404, 'permalink_not_found'],
      ['/v1/resolve?url=/alice/a/b/c', 400, 'invalid_url'],
      [
        `/v1/tracks/${h(13)}/stream?user_id=${h(2)}&user_data=%7B%7D&user_signature=0x${'1'.repeat(130)}`,
        401,
        'invalid_user_data',
      ],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      assert.equal(res.status, status, `${url}: ${JSON.stringify(res.body)}`);
      assert.equal((res.body!.error as { code: string }).code, code, url);
    }
  });

  it("counts the indexed plays: tracks, playlists, a landlord's tracks sorted by plays", async () => {
    const tracks = (await get(`/v1/tracks?id=${h(10)}&id=${h(11)}&id=${h(12)}`)).body!.data as {
      id: string;
      play_count: number;
    }[];
    assert.deepEqual(
      tracks.map((t) => [t.id, t.play_count]),
      [
        [h(10), 12],
        [h(11), 60],
        [h(12), 2],
      ],
    );
    // Road Trip holds tracks 10 and 12.
    const [playlist] = (await get(`/v1/playlists/${h(20)}`)).body!.data as {
      total_play_count: number;
    }[];
    assert.equal(playlist!.total_play_count, 14);
    const byPlays = (await get(`/v1/users/${h(1)}/tracks?sort_method=plays`)).body!.data as {
      id: string;
    }[];
    assert.deepEqual(
      byPlays.map((t) => t.id),
      [h(11), h(10)],
    );
  });

  it("reads a listening history only with its user's own history proof", async () => {
    const [bob, carol] = [network.accounts[2]!, network.accounts[3]!];
    const url = `/v1/users/${h(3)}/history/tracks`;
    const own = await node.app.inject({
      method: 'GET',
      url: `${url}?${await historyProof(carol)}`,
    });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.headers['cache-control'], 'private, no-store');
    const items = own.json<{ data: { item_id: string; class: string }[] }>().data;
    assert.deepEqual(
      items.map((i) => i.item_id),
      [h(10), h(11), h(13), h(12)],
    );
    const stale = historyProofData({ now: Date.now() - 6 * 60_000 });
    const streamProof = listenerProofData({ trackId: h(10) });
    const cases: [string, number, string][] = [
      [url, 401, 'listener_proof_required'],
      // Bob's valid proof does not open Carol's history.
      [`${url}?${await historyProof(bob)}`, 403, 'history_forbidden'],
      [`${url}?${await historyProof(carol)}&user_id=${h(2)}`, 403, 'history_forbidden'],
      [
        `${url}?user_data=${encodeURIComponent(stale)}&user_signature=${await carol.signMessage({ message: stale })}`,
        401,
        'invalid_user_data',
      ],
      // A proof made for a stream (as it travels in stream URLs) opens no history...
      [
        `${url}?user_data=${encodeURIComponent(streamProof)}&user_signature=${await carol.signMessage({ message: streamProof })}`,
        401,
        'invalid_user_data',
      ],
      [
        `${url}?${(await historyProof(carol)).replace(/user_signature=0x\w+/, `user_signature=0x${'0'.repeat(130)}`)}`,
        401,
        'invalid_user_signature',
      ],
      [`/v1/users/${h(999)}/history/tracks?${await historyProof(carol)}`, 404, 'user_not_found'],
      // ...and a history proof streams nothing.
      [
        `/v1/tracks/${h(10)}/stream?user_id=${h(3)}&${await historyProof(carol)}`,
        401,
        'invalid_user_data',
      ],
    ];
    for (const [target, status, code] of cases) {
      const res = await node.app.inject({ method: 'GET', url: target });
      assert.equal(res.statusCode, status, `${target}: ${res.body}`);
      assert.equal(res.json<{ error: { code: string } }>().error.code, code, target);
    }
  });

  it("refuses a bad time range for monthly listens and an unknown track's listeners", async () => {
    const cases: [string, number, string][] = [
      [`/v1/users/${h(1)}/listen_counts_monthly?start_time=2025-01-01`, 400, 'validation_error'],
      [
        `/v1/users/${h(1)}/listen_counts_monthly?start_time=yesterday&end_time=2025-01-01`,
        400,
        'invalid_time_range',
      ],
      [
        `/v1/users/${h(1)}/listen_counts_monthly?start_time=2025-02-01&end_time=2025-01-01`,
        400,
        'invalid_time_range',
      ],
      [
        `/v1/users/${h(999)}/listen_counts_monthly?start_time=2025-01-01&end_time=2025-02-01`,
        404,
        'user_not_found',
      ],
      [`/v1/tracks/${h(999)}/top_listeners`, 404, 'track_not_found'],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      assert.equal(res.status, status, `${url}: ${JSON.stringify(res.body)}`);
      assert.equal((res.body!.error as { code: string }).code, code, url);
    }
  });

  it('treats SQL in every text parameter as text', async () => {
    for (const evil of ["'; drop table tracks; --", "%' or '1'='1", '\\', "alice'--"]) {
      const q = encodeURIComponent(evil);
      for (const url of [
        `/v1/tracks/search?query=${q}`,
        `/v1/users/search?query=${q}`,
        `/v1/users/${h(1)}/tracks?query=${q}`,
        `/v1/resolve?url=/${q}`,
      ]) {
        const res = await get(url);
        assert.ok([200, 400, 404].includes(res.status), `${url} answered ${res.status}`);
      }
    }
    const count = await database.db
      .selectFrom('tracks')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 5);
  });

  it('resolves permalinks and full URLs to API paths', async () => {
    const cases: [string, string][] = [
      ['/Alice', `/v1/users/${h(1)}`],
      ['https://coliving.example/alice/', `/v1/users/${h(1)}`],
      ['/alice/sunset-boulevard', `/v1/tracks/${h(10)}`],
      ['alice/sunset-boulevard-11', `/v1/tracks/${h(11)}`],
      ['/alice/playlist/road-trip', `/v1/playlists/${h(20)}`],
      ['https://x.test/bob/album/first-album?ref=1', `/v1/playlists/${h(21)}`],
      // A link of the other kind (shared before a playlist became an album) finds it too.
      ['/bob/playlist/first-album', `/v1/playlists/${h(21)}`],
      ['/alice/album/road-trip', `/v1/playlists/${h(20)}`],
    ];
    for (const [url, location] of cases) {
      const res = await get(`/v1/resolve?url=${encodeURIComponent(url)}`);
      assert.equal(res.status, 302, url);
      assert.equal(res.headers.location, location, url);
    }
    assert.equal((await get('/v1/resolve?url=/alice/playlist/sunset-boulevard')).status, 404);
  });

  it('ignores query parameters it does not know, as Audius does', async () => {
    for (const [url, plain] of [
      [`/v1/tracks/${h(10)}?isrc=USRC17607839&bogus=1`, `/v1/tracks/${h(10)}`],
      [`/v1/users/${h(1)}?is_verified=true`, `/v1/users/${h(1)}`],
      [`/v1/playlists/${h(20)}?omit_tracks=true`, `/v1/playlists/${h(20)}`],
      ['/v1/tracks/trending?limit=2&with_users=true', '/v1/tracks/trending?limit=2'],
      ['/v1/users/search?query=alise&is_verified=false', '/v1/users/search?query=alise'],
    ] as const) {
      const [res, expected] = [await get(url), await get(plain)];
      assert.equal(res.status, 200, url);
      assert.deepEqual(stable(res.body), stable(expected.body), url);
    }
  });

  it('signs every answer so that a client recovers the node, and a tampered answer fails', async () => {
    // A client's check (docs/api-v1.md): SHA-256 of JSON.stringify({data, signer, timestamp}),
    // personal_sign recovered, the signer a registered discovery node's delegate wallet.
    const health = (await get('/health_check')).body!.data as {
      network: { discovery_nodes_with_owner: { delegateOwnerWallet: string }[] };
    };
    const registered = health.network.discovery_nodes_with_owner.map((n) =>
      n.delegateOwnerWallet.toLowerCase(),
    );
    const signerOf = async (body: Record<string, unknown>) => {
      const { data, signer, timestamp, signature } = body;
      const digest = createHash('sha256')
        .update(JSON.stringify({ data, signer, timestamp }))
        .digest();
      return recoverMessageAddress({ message: { raw: digest }, signature: signature as Hex });
    };
    const urls = [
      '/v1/tracks/trending',
      `/v1/tracks/${h(10)}`,
      `/v1/tracks?id=${h(10)}&id=${h(12)}`,
      `/v1/users/${h(1)}?user_id=${h(3)}`,
      '/v1/users/search?query=alise',
      `/v1/playlists/${h(20)}`,
      `/v1/users/${h(3)}/history/tracks?${CAROL_PROOF}`,
      '/v1/users/unclaimed_id',
    ];
    for (const url of urls) {
      const first = await get(url);
      assert.equal(first.status, 200, url);
      const body = first.body!;
      assert.equal(body.signer, delegate.address, url);
      assert.ok(registered.includes(String(body.signer).toLowerCase()), url);
      assert.equal(await signerOf(body), delegate.address, url);
      // Tampered: any change to the data, the time or the signer no longer recovers the node.
      const tampered = structuredClone(body);
      const data = tampered.data as Record<string, unknown> | Record<string, unknown>[] | string;
      if (typeof data === 'string') tampered.data = `${data}x`;
      else if (Array.isArray(data)) data.reverse().push({});
      else data.tampered = true;
      assert.notEqual(await signerOf(tampered), delegate.address, url);
      assert.notEqual(
        await signerOf({ ...body, timestamp: new Date(0).toISOString() }),
        delegate.address,
        url,
      );
    }
    // Signed once per cached answer: the same answer again carries the same signature.
    const [a, b] = [await get(`/v1/tracks/${h(10)}`), await get(`/v1/tracks/${h(10)}`)];
    assert.equal(a.body!.signature, b.body!.signature);
    // A gzipped answer carries the same signature as the plain one.
    const res = await node.app.inject({
      method: 'GET',
      url: '/v1/tracks/trending',
      headers: { 'accept-encoding': 'gzip' },
    });
    const body = JSON.parse(
      res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload).toString() : res.body,
    ) as Record<string, unknown>;
    assert.equal(await signerOf(body), delegate.address);
  });

  it("answers users' ids by wallet address, in the order asked, unknown ones left out", async () => {
    const [alice, bob] = [network.accounts[1]!.address, network.accounts[2]!.address];
    const idOf = async (wallet: string) =>
      ((await get(`/v1/users/account/${wallet}`)).body!.data as { id: string }).id;
    const solana = 'E2LCbKdo2L3ikt1gK6pwp1pDLuhAfHBNf6fEQXpAqrf9';
    const unknown = privateKeyToAccount(generatePrivateKey()).address;
    const res = await get(
      `/v1/users/address?address=${bob.toLowerCase()}&address=${unknown}&address=${solana}&address=${alice}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body!.data, [
      { user_id: await idOf(bob), address: bob.toLowerCase() },
      { user_id: await idOf(alice), address: alice },
    ]);
    for (const [url, code] of [
      ['/v1/users/address', 'missing_address'],
      ['/v1/users/address?address=nope', 'invalid_wallet'],
      [`/v1/users/address?address=${alice}&address=0x12`, 'invalid_wallet'],
    ] as const) {
      const bad = await get(url);
      assert.equal(bad.status, 400, url);
      assert.equal((bad.body!.error as { code: string }).code, code, url);
    }
  });

  it('looks playlists up in bulk, by permalink, and lists who saved or reposted one', async () => {
    const ids = async (url: string) => {
      const res = await get(url);
      assert.equal(res.status, 200, url);
      return (res.body!.data as { id: string }[]).map((p) => p.id);
    };
    assert.deepEqual(await ids(`/v1/playlists?id=${h(21)}&id=${h(999)}&id=${h(20)}`), [
      h(21),
      h(20),
    ]);
    const [bulk] = (await get(`/v1/playlists?id=${h(20)}`)).body!.data as Record<string, unknown>[];
    assert.deepEqual(bulk, ((await get(`/v1/playlists/${h(20)}`)).body!.data as unknown[])[0]);
    assert.deepEqual(await ids('/v1/playlists/by_permalink/alice/road-trip'), [h(20)]);
    assert.deepEqual(await ids('/v1/playlists/by_permalink/bob/first-album'), [h(21)]);
    assert.deepEqual(await ids(`/v1/playlists/${h(20)}/reposts`), [h(2)]);
    assert.deepEqual(await ids(`/v1/playlists/${h(20)}/favorites`), []);
    for (const [url, status, code] of [
      ['/v1/playlists', 400, 'missing_id'],
      ['/v1/playlists?id=notanid!', 400, 'invalid_id'],
      ['/v1/playlists/by_permalink/alice/no-such-playlist', 404, 'playlist_not_found'],
      ['/v1/playlists/by_permalink/nosuchuser/road-trip', 404, 'playlist_not_found'],
      ['/v1/playlists/by_permalink/no-such-user!/road-trip', 400, 'invalid_handle'],
      [`/v1/playlists/${h(999)}/reposts`, 404, 'playlist_not_found'],
      [`/v1/playlists/${h(20)}/favorites?limit=0`, 400, 'validation_error'],
    ] as const) {
      const res = await get(url);
      assert.equal(res.status, status, url);
      assert.equal((res.body!.error as { code: string }).code, code, url);
    }
  });

  it("lists a user's related users and the current user's mutuals with them", async () => {
    const ids = async (url: string) => {
      const res = await get(url);
      assert.equal(res.status, 200, url);
      return (res.body!.data as { id: string }[]).map((u) => u.id);
    };
    // Alice's followers are bob, carol and dave; of whom else they follow, carol follows bob.
    assert.deepEqual(await ids(`/v1/users/${h(1)}/related`), [h(2)]);
    assert.deepEqual(
      await ids(`/v1/users/${h(1)}/related?user_id=${h(3)}&filter_followed=true`),
      [],
    );
    assert.deepEqual(await ids(`/v1/users/${h(1)}/related?user_id=${h(4)}&filter_followed=true`), [
      h(2),
    ]);
    // Of alice's followers, carol follows bob; dave follows none of them.
    assert.deepEqual(await ids(`/v1/users/${h(1)}/mutuals?user_id=${h(3)}`), [h(2)]);
    assert.deepEqual(await ids(`/v1/users/${h(1)}/mutuals?user_id=${h(4)}`), []);
    for (const [url, status, code] of [
      [`/v1/users/${h(1)}/mutuals`, 400, 'validation_error'],
      [`/v1/users/${h(1)}/related?filter_followed=maybe`, 400, 'validation_error'],
      [`/v1/users/${h(999)}/related`, 404, 'user_not_found'],
      [`/v1/users/${h(999)}/mutuals?user_id=${h(3)}`, 404, 'user_not_found'],
    ] as const) {
      const res = await get(url);
      assert.equal(res.status, status, url);
      assert.equal((res.body!.error as { code: string }).code, code, url);
    }
  });

  it('hands out unclaimed ids', async () => {
    for (const kind of ['users', 'tracks', 'playlists']) {
      const res = await get(`/v1/${kind}/unclaimed_id`);
      assert.equal(res.status, 200);
      assert.match(String(res.body!.data), /^[A-Za-z0-9]{5,}$/);
    }
  });

  it('reports blocks and the network in /health_check', async () => {
    const { body } = await get('/health_check');
    const data = body!.data as Record<string, unknown>;
    assert.equal(
      data.block_difference,
      (data.latest_chain_block as number) - (data.latest_indexed_block as number),
    );
    // Audius's shape: content nodes as the Audius SDK's StorageNode, discovery nodes as
    // endpoints and, with their wallets, as discovery_nodes_with_owner.
    const listed = data.network as {
      content_nodes: Record<string, unknown>[];
      discovery_nodes: string[];
      discovery_nodes_with_owner: Record<string, unknown>[];
    };
    assert.deepEqual(
      listed.content_nodes.map((n) => n.endpoint),
      ['http://cn1.test', 'http://cn2.test', 'http://cn3.test', 'http://cn4.test'],
    );
    for (const [i, n] of listed.content_nodes.entries()) {
      assert.equal(
        String(n.delegateOwnerWallet).toLowerCase(),
        network.accounts[11 + i]!.address.toLowerCase(),
      );
      assert.equal(String(n.owner).toLowerCase(), network.accounts[1]!.address.toLowerCase());
      assert.equal(n.type, 'content-node');
      assert.equal(typeof n.spID, 'number');
    }
    assert.deepEqual(listed.discovery_nodes, ['http://dn1.test']);
    assert.equal(listed.discovery_nodes_with_owner.length, 1);
    assert.equal(listed.discovery_nodes_with_owner[0]!.endpoint, 'http://dn1.test');
    assert.match(
      String(listed.discovery_nodes_with_owner[0]!.delegateOwnerWallet),
      /^0x[0-9a-fA-F]{40}$/,
    );
  });

  it('serves an OpenAPI 3.1 document of the routes and the docs page', async () => {
    const { status, body } = await get('/v1/openapi.json');
    assert.equal(status, 200);
    assert.equal(body!.openapi, '3.1.0');
    const paths = Object.keys(body!.paths as object);
    for (const path of [
      '/v1/tracks/trending',
      '/v1/tracks/{id}',
      '/v1/tracks/{id}/stream',
      '/v1/users/{id}/followers',
      '/v1/playlists/{id}/tracks',
      '/v1/resolve',
    ])
      assert.ok(paths.includes(path), `openapi.json lacks ${path}`);
    const docs = await node.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  it('serves trending from prepared reads across a recompute that swaps the score tables', async () => {
    const first = await get('/v1/tracks/trending?time=month');
    assert.equal(first.status, 200);
    await node.refreshDerived();
    await node.refreshDerived();
    const second = await get('/v1/tracks/trending?time=month');
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(stable(second.body!.data), stable(first.body!.data));
  });

  it('gzips large answers for clients that take gzip, and only those', async () => {
    const url = '/v1/tracks/trending?time=allTime';
    const ask = (acceptEncoding?: string) =>
      node.app.inject({
        method: 'GET',
        url,
        headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
      });
    const plain = await ask();
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'accept-encoding');
    assert.ok(plain.rawPayload.length >= GZIP_MIN_BYTES, `${plain.rawPayload.length} bytes`);
    const expected = plain.json<{ data: unknown }>().data;
    // Deflated on the first gzip answer, from the cache after: both decode to the same data.
    for (let i = 0; i < 2; i++) {
      const zipped = await ask('gzip, deflate, br');
      assert.equal(zipped.statusCode, 200);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.equal(zipped.headers.vary, 'accept-encoding');
      assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 3);
      const body = JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')) as Record<
        string,
        unknown
      >;
      assert.deepEqual(body.data, expected);
      assert.equal(typeof body.latest_indexed_block, 'number');
    }
    assert.equal((await ask('gzip;q=0, identity')).headers['content-encoding'], undefined);
    assert.equal((await ask('br')).headers['content-encoding'], undefined);
    // A single user is a few KB: it goes as is, whatever the client takes.
    const small = await node.app.inject({
      method: 'GET',
      url: `/v1/users/${h(1)}`,
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.ok(small.rawPayload.length < GZIP_MIN_BYTES);
  });

  it('serves cached answers only for the block they were computed at', async () => {
    const url = `/v1/users/${h(4)}`;
    const before = (await get(url)).body!;
    assert.equal((before.data as { name: string }).name, 'Dave');
    const block = await submitActions(network, [
      {
        account: network.accounts[4]!,
        userId: 4,
        entityType: 'User',
        entityId: 4,
        action: 'Update',
        metadata: { name: 'Dave Two' },
      },
    ]);
    await node.dataIndexer.waitFor(block);
    const after = (await get(url)).body!;
    assert.equal((after.data as { name: string }).name, 'Dave Two');
    assert.ok((after.latest_indexed_block as number) >= block);
  });

  it('serves a kept track until the indexer changes the track or its owner, then the new state', async () => {
    const url = `/v1/tracks/${h(12)}`; // Bob's
    type Track = {
      title: string;
      repost_count: number;
      user: { name: string; follower_count: number };
    };
    // The by-id answer (kept as JSON) must always equal the bulk route's, built afresh.
    const both = async () => {
      const kept = (await get(url)).body!.data as Track;
      assert.deepEqual((await get(url)).body!.data, kept);
      const [fresh] = (await get(`/v1/tracks?id=${h(12)}`)).body!.data as Track[];
      assert.deepEqual(kept, fresh);
      return kept;
    };
    const [dave, bob] = [network.accounts[4]!, network.accounts[2]!];
    const step = async (action: ChainAction) =>
      node.dataIndexer.waitFor(await submitActions(network, [action]));

    const first = await both();
    await step({ account: dave, userId: 4, entityType: 'Track', entityId: 12, action: 'Repost' });
    assert.equal((await both()).repost_count, first.repost_count + 1);
    await step({ account: dave, userId: 4, entityType: 'User', entityId: 2, action: 'Follow' });
    assert.equal((await both()).user.follower_count, first.user.follower_count + 1);
    await step({
      account: bob,
      userId: 2,
      entityType: 'User',
      entityId: 2,
      action: 'Update',
      metadata: { name: 'Bob Two' },
    });
    assert.equal((await both()).user.name, 'Bob Two');
    await step({ account: bob, userId: 2, entityType: 'Track', entityId: 12, action: 'Delete' });
    assert.equal((await get(url)).status, 404);
  });

  it("counts in a user's track_count what the viewer can list: a listener not unlisted or scheduled tracks, the owner all", async () => {
    const carol = network.accounts[3]!;
    const step = async (action: ChainAction) =>
      node.dataIndexer.waitFor(await submitActions(network, [action]));
    const create = async (entityId: number, title: string, extra: Record<string, unknown>) =>
      step({
        account: carol,
        userId: 3,
        entityType: 'Track',
        entityId,
        action: 'Create',
        metadata: await uploads.withReceipt(carol.address, {
          title,
          genre: 'Electronic',
          track_cid: await cid(`${title}-stream`),
          duration: 120,
          ...extra,
        }),
      });
    // The owner (3) proves it is them; anyone else names a user.
    const as = (viewer?: number) =>
      viewer === undefined ? '' : viewer === 3 ? `?${ownerProof(3)}` : `?user_id=${h(viewer)}`;
    const count = async (viewer?: number) =>
      ((await get(`/v1/users/${h(3)}${as(viewer)}`)).body!.data as { track_count: number })
        .track_count;
    const listed = async (viewer?: number) =>
      ((await get(`/v1/users/${h(3)}/tracks${as(viewer)}`)).body!.data as { title: string }[]).map(
        (t) => t.title,
      );
    // Kept as JSON when no one is logged in (no track of the owner's is scheduled yet).
    const onTrack = async () =>
      ((await get(`/v1/tracks/${h(30)}`)).body!.data as { user: { track_count: number } }).user
        .track_count;

    await create(30, 'Carol Out', {});
    await create(31, 'Carol Released', { release_date: '2024-01-01T00:00:00Z' });
    await create(32, 'Carol Unlisted', { is_unlisted: true });
    // A listener (anonymous or another user) counts what they can list.
    assert.equal(await count(), 2);
    assert.equal(await count(1), 2);
    assert.deepEqual((await listed()).sort(), ['Carol Out', 'Carol Released']);
    assert.equal(await onTrack(), 2);
    // The owner counts their own list, the unlisted track included; naming them is not being them.
    assert.equal(await count(3), 3);
    assert.equal(
      ((await get(`/v1/users/${h(3)}?user_id=${h(3)}`)).body!.data as { track_count: number })
        .track_count,
      2,
    );
    assert.equal((await listed(3)).length, 3);

    // Unlisting a track changes the count on the owner's other tracks too, kept JSON included.
    await step({
      account: carol,
      userId: 3,
      entityType: 'Track',
      entityId: 31,
      action: 'Update',
      metadata: { is_unlisted: true },
    });
    assert.equal(await count(1), 1);
    assert.equal(await onTrack(), 1);

    // A scheduled track is not counted for listeners until its release date; the owner's is.
    await create(33, 'Carol Scheduled', {
      release_date: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    assert.equal(await count(), 1);
    assert.equal(await onTrack(), 1);
    assert.equal(await count(3), 4);
    assert.equal((await listed(3)).length, 4);
    // The indexed count (what the state digest covers) is every undeleted track, whoever asks.
    const { rows } = await sql<{ track_count: number }>`
      select track_count from aggregate_user where user_id = 3`.execute(database.db);
    assert.equal(Number(rows[0]!.track_count), 4);
    // Once the release date has passed it counts, with no indexer write: decided at read time
    // (here the row's date moves behind the clock, as the clock would move past it).
    await sql`update tracks set release_date = now() - interval '1 minute'
      where track_id = 33`.execute(database.db);
    const [fresh] = (await get(`/v1/users?id=${h(3)}`)).body!.data as { track_count: number }[];
    assert.equal(fresh!.track_count, 2);
  });

  it('resolves a private playlist for its owner only, and carries user_id on to the item', async () => {
    const dave = network.accounts[4]!;
    await node.dataIndexer.waitFor(
      await submitActions(network, [
        {
          account: dave,
          userId: 4,
          entityType: 'Playlist',
          entityId: 44,
          action: 'Create',
          metadata: {
            playlist_name: 'Dave Secret',
            is_private: true,
            playlist_contents: { track_ids: [{ track: 10, time: 1700000300 }] },
          },
        },
      ]),
    );
    const resolve = (viewer?: number) =>
      get(
        `/v1/resolve?url=/dave/playlist/dave-secret${
          viewer === 4 ? `&${ownerProof(4)}` : viewer ? `&user_id=${h(viewer)}` : ''
        }`,
      );
    // Anyone but the owner: the link leads nowhere (not to the id of a private playlist). Naming
    // the owner as the current user is not being them.
    const claimed = await get(`/v1/resolve?url=/dave/playlist/dave-secret&user_id=${h(4)}`);
    assert.equal(claimed.status, 404);
    for (const viewer of [undefined, 2]) {
      const res = await resolve(viewer);
      assert.equal(res.status, 404, `viewer ${viewer}`);
      assert.equal((res.body!.error as { code: string }).code, 'permalink_not_found');
    }
    // The owner is led to it, with their user_id and proof carried on, and the item's route
    // answers.
    const own = await resolve(4);
    assert.equal(own.status, 302);
    assert.match(
      String(own.headers.location),
      new RegExp(`^/v1/playlists/${h(44)}\\?user_id=${h(4)}&user_data=.+&user_signature=0x`),
    );
    const found = await get(String(own.headers.location));
    assert.equal(found.status, 200);
    const [playlist] = found.body!.data as { playlist_name: string; is_private: boolean }[];
    assert.equal(playlist!.playlist_name, 'Dave Secret');
    assert.equal(playlist!.is_private, true);
    // Users and tracks carry it on too (does_current_user_follow, a scheduled track's owner).
    const user = await get(`/v1/resolve?url=/alice&user_id=${h(4)}`);
    assert.equal(user.headers.location, `/v1/users/${h(1)}?user_id=${h(4)}`);
    assert.equal((await get(String(user.headers.location))).status, 200);
    assert.equal(
      (await get(`/v1/resolve?url=/alice/sunset-boulevard&user_id=${h(4)}`)).headers.location,
      `/v1/tracks/${h(10)}?user_id=${h(4)}`,
    );
    // A user_id that is no id is refused as on every route.
    assert.equal((await get('/v1/resolve?url=/alice&user_id=%21%21')).status, 400);
  });

  it("counts in a playlist's track_count the tracks the viewer can play, as its track list shows them", async () => {
    const dave = network.accounts[4]!;
    const step = async (action: ChainAction) =>
      node.dataIndexer.waitFor(await submitActions(network, [action]));
    const create = async (entityId: number, title: string, extra: Record<string, unknown>) =>
      step({
        account: dave,
        userId: 4,
        entityType: 'Track',
        entityId,
        action: 'Create',
        metadata: await uploads.withReceipt(dave.address, {
          title,
          genre: 'Electronic',
          track_cid: await cid(`${title}-stream`),
          duration: 90,
          ...extra,
        }),
      });
    await create(40, 'Dave One', {});
    await create(41, 'Dave Unlisted', { is_unlisted: true });
    await create(42, 'Dave Scheduled', {
      release_date: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    await create(43, 'Dave Deleted Later', {});
    await step({
      account: dave,
      userId: 4,
      entityType: 'Playlist',
      entityId: 45,
      action: 'Create',
      metadata: {
        playlist_name: 'Dave Album',
        is_album: true,
        playlist_contents: {
          track_ids: [40, 41, 42, 43].map((track, i) => ({ track, time: 1700000400 + i })),
        },
      },
    });
    await step({ account: dave, userId: 4, entityType: 'Track', entityId: 43, action: 'Delete' });

    const album = async (viewer?: number) => {
      const q = viewer === 4 ? `?${ownerProof(4)}` : viewer ? `?user_id=${h(viewer)}` : '';
      const [one] = (await get(`/v1/playlists/${h(45)}${q}`)).body!.data as {
        track_count: number;
        playlist_contents: unknown[];
      }[];
      const tracks = (await get(`/v1/playlists/${h(45)}/tracks${q}`)).body!.data as unknown[];
      const [listed] = (await get(`/v1/users/${h(4)}/albums${q}`)).body!.data as {
        track_count: number;
      }[];
      return {
        count: one!.track_count,
        entries: one!.playlist_contents.length,
        tracks: tracks.length,
        listed: listed!.track_count,
      };
    };
    // A listener: the deleted and the scheduled track are not counted, the unlisted one is (the
    // album plays it); the contents still name all four, as Audius's do.
    assert.deepEqual(await album(), { count: 2, entries: 4, tracks: 2, listed: 2 });
    assert.deepEqual(await album(2), { count: 2, entries: 4, tracks: 2, listed: 2 });
    // The owner also has their scheduled track in the list, so in the count; naming them as the
    // current user is not being them.
    assert.deepEqual(await album(4), { count: 3, entries: 4, tracks: 3, listed: 3 });
    const [claimed] = (await get(`/v1/playlists/${h(45)}?user_id=${h(4)}`)).body!.data as {
      track_count: number;
    }[];
    assert.equal(claimed!.track_count, 2);
    // Once the release date passes it counts for everyone, with no indexer write.
    await sql`update tracks set release_date = now() - interval '1 minute'
      where track_id = 42`.execute(database.db);
    // (a viewer not asked before: answers are kept for the minute)
    assert.deepEqual(await album(1), { count: 3, entries: 4, tracks: 3, listed: 3 });
  });

  it('trends on plays: week and all time differ, and underground lists a track once it qualifies', async () => {
    const ids = async (url: string) =>
      ((await get(url)).body!.data as { id: string }[]).map((t) => t.id);
    // This week Track 10 is played (and reposted); over all time Track 11's 60 plays lead.
    assert.equal((await ids('/v1/tracks/trending?time=week'))[0], h(10));
    assert.deepEqual((await ids('/v1/tracks/trending?time=allTime')).slice(0, 2), [h(11), h(10)]);
    // Underground needs 50 plays: Track 11 has them, Track 10 (12) not yet...
    assert.deepEqual(await ids('/v1/tracks/trending/underground'), [h(11)]);
    await insertPlays(
      Array.from({ length: 38 }, (_, i) => ({
        trackId: 10,
        userId: 4,
        at: new Date(Date.now() - (i + 1) * 60_000),
      })),
    );
    await node.refreshDerived();
    // ...and with its 50th it is listed, first on this week's plays.
    assert.deepEqual(await ids('/v1/tracks/trending/underground'), [h(10), h(11)]);
  });

  // Last: it publishes tracks the tests above do not expect.
  it("lists a track's listed remixes, newest first, with their count", async () => {
    const carol = network.accounts[3]!;
    const create = async (entityId: number, title: string, extra: Record<string, unknown>) =>
      node.dataIndexer.waitFor(
        await submitActions(network, [
          {
            account: carol,
            userId: 3,
            entityType: 'Track',
            entityId,
            action: 'Create',
            metadata: await uploads.withReceipt(carol.address, {
              title,
              genre: 'Electronic',
              track_cid: await cid(`${title}-stream`),
              duration: 60,
              ...extra,
            }),
          },
        ]),
      );
    const of = (...parents: number[]) => ({
      remix_of: { tracks: parents.map((p) => ({ parent_track_id: p })) },
    });
    await create(60, 'Remix One', of(10));
    await create(61, 'Remix Hidden', { ...of(10), is_unlisted: true });
    await create(62, 'Remix Elsewhere', of(11));
    await create(63, 'Remix Both', of(11, 10));
    const remixes = async (url: string) => {
      const res = await get(url);
      assert.equal(res.status, 200, url);
      const data = res.body!.data as { count: number; tracks: { id: string }[] };
      return { count: data.count, ids: data.tracks.map((t) => t.id) };
    };
    assert.deepEqual(await remixes(`/v1/tracks/${h(10)}/remixes`), {
      count: 2,
      ids: [h(63), h(60)],
    });
    assert.deepEqual(await remixes(`/v1/tracks/${h(10)}/remixes?limit=1&offset=1`), {
      count: 2,
      ids: [h(60)],
    });
    assert.deepEqual(await remixes(`/v1/tracks/${h(10)}/remixes?offset=5`), { count: 2, ids: [] });
    assert.deepEqual(await remixes(`/v1/tracks/${h(11)}/remixes`), {
      count: 2,
      ids: [h(63), h(62)],
    });
    assert.deepEqual(await remixes(`/v1/tracks/${h(63)}/remixes`), { count: 0, ids: [] });
    // Track 12 was deleted above; 999 never was.
    for (const gone of [12, 999]) {
      const missing = await get(`/v1/tracks/${h(gone)}/remixes`);
      assert.equal(missing.status, 404);
      assert.equal((missing.body!.error as { code: string }).code, 'track_not_found');
    }
  });

  it('keeps the first upload of a title at its link when a later one with a smaller id comes', async () => {
    const carol = network.accounts[3]!;
    const create = async (entityId: number) =>
      node.dataIndexer.waitFor(
        await submitActions(network, [
          {
            account: carol,
            userId: 3,
            entityType: 'Track',
            entityId,
            action: 'Create',
            metadata: await uploads.withReceipt(carol.address, {
              title: 'Same Old Song',
              genre: 'Electronic',
              track_cid: await cid(`same-old-song-${entityId}`),
              duration: 60,
            }),
          },
        ]),
      );
    // Ids are random: the second upload may well have the smaller one.
    await create(71);
    await create(70);
    const permalink = async (id: number) =>
      ((await get(`/v1/tracks/${h(id)}`)).body!.data as { permalink: string }).permalink;
    assert.equal(await permalink(71), '/carol/same-old-song');
    assert.equal(await permalink(70), '/carol/same-old-song-70');
    for (const [url, id] of [
      ['/carol/same-old-song', 71],
      ['/carol/same-old-song-70', 70],
    ] as const) {
      const res = await get(`/v1/resolve?url=${encodeURIComponent(url)}`);
      assert.equal(res.headers.location, `/v1/tracks/${h(id)}`, url);
    }
  });
});
