// `/v1/full/...` against catalog fixtures: each full route answers the full model (checked against
// the protocol's TrackFull, UserFull and PlaylistFull, which the OpenAPI document is made from),
// is the plain answer with keys added and none changed, fills the added keys from what is indexed
// (remix parents' owners, a playlist's playable tracks, image CIDs, the viewer's flags), and
// answers bad input as the plain route does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  PlaylistFull,
  TrackFull,
  UserFull,
  encodeHashId,
  ownerProofData,
} from '@coliving/protocol';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { addPlaylist, addSocial, addTrack, addUser, save } from '../catalogFixtures.js';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { openTestDatabase } from '../testing.js';
import { FULL_ROUTES, fullPath } from './full.js';

const ARTIST = 1;
const FAN = 2;
const REMIXER = 3;
const GONE_ARTIST = 4;
const LATER_ARTIST = 5;
const ORIGINAL = 10;
const REMIX = 11;
const GONE = 12;
const PLAYLIST = 20;
const ALBUM = 21;
/** A parent no one but its owner may see: its owner deactivated; not released yet. */
const HIDDEN_PARENT = 13;
const SCHEDULED_PARENT = 14;
/** An unlisted remix naming only those (so no list shows it). */
const HIDDEN_REMIX = 15;
const h = encodeHashId;
/**
 * Full routes whose answer the fixtures leave empty (no landlord new enough for underground, no
 * related or mutual users): the rest answer at least one model each.
 */
const EMPTY_WITH_FIXTURES = [
  '/v1/tracks/trending/underground',
  '/v1/users/:id/related',
  '/v1/users/:id/mutuals',
];

let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
/** LATER_ARTIST's wallet, so that they can prove who they are (an owner proof). */
const laterArtist = privateKeyToAccount(generatePrivateKey());

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  const { db } = database;
  await addUser(db, ARTIST, { followers: 1 }, { profile_picture_sizes: 'bafyartistpic' });
  await addUser(db, FAN, { followers: 0, following: 1 });
  await addUser(db, REMIXER, { followers: 0 });
  await db
    .insertInto('follows')
    .values({ follower_id: FAN, followee_id: ARTIST, created_block: 1, created_at: new Date() })
    .execute();
  await addTrack(db, ORIGINAL, ARTIST, 10, { title: 'Original tune' });
  await addTrack(db, REMIX, REMIXER, 5, { title: 'Original tune remix' });
  await addTrack(db, GONE, ARTIST, 3, { isDeleted: true });
  const metadata = (id: number, value: Record<string, unknown>) =>
    db.updateTable('tracks').set({ metadata: value }).where('track_id', '=', id).execute();
  await metadata(ORIGINAL, {
    cover_art_sizes: 'bafyoriginalart',
    iswc: 'T-345246800-1',
    orig_filename: 'original.wav',
    is_downloadable: true,
  });
  await metadata(REMIX, { remix_of: { tracks: [{ parent_track_id: ORIGINAL }] } });
  await addUser(db, GONE_ARTIST, { followers: 0 }, { bio: 'deactivated' }, true);
  await addUser(db, LATER_ARTIST, { followers: 0 });
  await db
    .updateTable('users')
    .set({ wallet: laterArtist.address.toLowerCase() })
    .where('user_id', '=', LATER_ARTIST)
    .execute();
  await addTrack(db, HIDDEN_PARENT, GONE_ARTIST, 4);
  await addTrack(db, SCHEDULED_PARENT, LATER_ARTIST, 4);
  // Released a year from the real now (the fixtures' NOW is fixed in the past).
  await db
    .updateTable('tracks')
    .set({ release_date: new Date(Date.now() + 365 * 86_400_000) })
    .where('track_id', '=', SCHEDULED_PARENT)
    .execute();
  await addTrack(db, HIDDEN_REMIX, REMIXER, 4, { isUnlisted: true });
  await metadata(HIDDEN_REMIX, {
    remix_of: {
      tracks: [{ parent_track_id: HIDDEN_PARENT }, { parent_track_id: SCHEDULED_PARENT }],
    },
  });
  // The original's artist reposted the remix; nobody saved it but the fan.
  await addSocial(db, 'reposts', ARTIST, 'track', REMIX, 1);
  await save(db, FAN, REMIX, 1);
  await addPlaylist(db, PLAYLIST, ARTIST, 2, [REMIX, GONE, ORIGINAL]);
  await addPlaylist(db, ALBUM, ARTIST, 2, [ORIGINAL], { isAlbum: true });
  await addSocial(db, 'saves', FAN, 'playlist', PLAYLIST, 1);
  await addSocial(db, 'reposts', FAN, 'playlist', PLAYLIST, 1);
  await db
    .insertInto('follows')
    .values({ follower_id: ARTIST, followee_id: REMIXER, created_block: 1, created_at: new Date() })
    .execute();
  await db
    .updateTable('playlists')
    .set({ metadata: { playlist_image_sizes_multihash: 'bafyplaylistart' } })
    .where('playlist_id', '=', PLAYLIST)
    .execute();
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: privateKeyToAccount(generatePrivateKey()),
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
  await node.refreshDerived();
});

after(async () => {
  await node?.stop();
  await database?.close();
  await network?.stop();
});

type Body = Record<string, unknown>;

async function get(url: string) {
  const res = await node.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<Body>() };
}

const errorCode = (body: Body) => (body.error as { code?: string } | undefined)?.code;

/** The full route of a plain URL: `/v1/tracks/x?y` → `/v1/full/tracks/x?y`. */
const full = (url: string) => `/v1/full/${url.slice('/v1/'.length)}`;

/** Fails unless `fuller` has every key of `plain` with the same value (nested the same way). */
function assertExtends(plain: unknown, fuller: unknown, path: string): void {
  if (Array.isArray(plain)) {
    assert.ok(Array.isArray(fuller), `${path} is no longer a list`);
    assert.equal(fuller.length, plain.length, `${path} has another length`);
    plain.forEach((item, i) => assertExtends(item, fuller[i], `${path}[${i}]`));
  } else if (typeof plain === 'object' && plain !== null) {
    assert.ok(typeof fuller === 'object' && fuller !== null, `${path} is no longer an object`);
    for (const [key, value] of Object.entries(plain)) {
      assert.ok(key in fuller, `${path}.${key} is missing from the full answer`);
      assertExtends(value, (fuller as Body)[key], `${path}.${key}`);
    }
  } else assert.deepEqual(fuller, plain, `${path} differs`);
}

/** Fails unless `item` is valid as `model` and has no key the model does not name. */
function assertModel(model: TSchema & { properties: Record<string, unknown> }, item: unknown) {
  const errors = [...Value.Errors(model, item)].map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(errors, [], `not a ${String(model.$id)}`);
  for (const key of Object.keys(item as Body))
    assert.ok(key in model.properties, `${String(model.$id)} does not name ${key}`);
}

/** The plain and the full answer to `url`, after checking that the full one extends the plain. */
async function both(url: string): Promise<{ plain: unknown; fuller: unknown }> {
  const [plain, fuller] = await Promise.all([get(url), get(full(url))]);
  assert.equal(plain.status, 200, `${url}: ${JSON.stringify(plain.body)}`);
  assert.equal(fuller.status, 200, `${full(url)}: ${JSON.stringify(fuller.body)}`);
  // One user by id or handle: Audius's full route answers a list of that one.
  const oneOfList =
    !Array.isArray(plain.body.data) && Array.isArray(fuller.body.data)
      ? (fuller.body.data as unknown[])
      : undefined;
  if (oneOfList) assert.equal(oneOfList.length, 1, `${full(url)} is a list of one`);
  assertExtends(plain.body.data, oneOfList ? oneOfList[0] : fuller.body.data, url);
  return { plain: plain.body.data, fuller: fuller.body.data };
}

const TRACK_URLS = [
  `/v1/tracks/${h(ORIGINAL)}`,
  `/v1/tracks/${h(REMIX)}?user_id=${h(FAN)}`,
  `/v1/tracks?id=${h(ORIGINAL)}&id=${h(REMIX)}`,
  `/v1/tracks/trending`,
  `/v1/tracks/search?query=original`,
  `/v1/users/${h(ARTIST)}/tracks`,
  `/v1/playlists/${h(PLAYLIST)}/tracks?user_id=${h(FAN)}`,
];
const USER_URLS = [
  `/v1/users/${h(ARTIST)}`,
  `/v1/users/${h(ARTIST)}?user_id=${h(FAN)}`,
  `/v1/users/handle/user1`,
  `/v1/users?id=${h(ARTIST)}&id=${h(FAN)}`,
  `/v1/users/${h(ARTIST)}/followers`,
];
const PLAYLIST_URLS = [
  `/v1/playlists/${h(PLAYLIST)}`,
  `/v1/playlists/${h(PLAYLIST)}?user_id=${h(FAN)}`,
  `/v1/playlists?id=${h(PLAYLIST)}`,
  `/v1/users/${h(ARTIST)}/playlists`,
];

const list = (data: unknown) => (Array.isArray(data) ? data : [data]) as Body[];

describe('/v1/full routes', () => {
  it('answer full tracks: the plain track with the full keys added', async () => {
    let seen = 0;
    for (const url of TRACK_URLS) {
      const { fuller } = await both(url);
      for (const track of list(fuller)) {
        assertModel(TrackFull, track);
        seen += 1;
      }
    }
    assert.ok(seen >= 6, `only ${seen} tracks answered`);
    const { fuller } = await both(`/v1/tracks/${h(ORIGINAL)}`);
    const original = fuller as Body;
    assert.equal(original.iswc, 'T-345246800-1');
    assert.equal(original.orig_filename, 'original.wav');
    assert.deepEqual(original.cover_art_cids, {
      '150x150': 'bafyoriginalart/150x150.jpg',
      '480x480': 'bafyoriginalart/480x480.jpg',
      '1000x1000': 'bafyoriginalart/1000x1000.jpg',
    });
    assert.equal(original.copyright_line, null);
    assert.equal((original.user as Body).profile_picture_sizes, 'bafyartistpic');
  });

  it("name a remix's parent with its owner, and whether the owner reposted or saved it", async () => {
    const { plain, fuller } = await both(`/v1/tracks/${h(REMIX)}?user_id=${h(FAN)}`);
    assert.deepEqual((plain as Body).remix_of, { tracks: [{ parent_track_id: h(ORIGINAL) }] });
    const [parent] = ((fuller as Body).remix_of as { tracks: Body[] }).tracks;
    assert.equal(parent!.has_remix_author_reposted, true);
    assert.equal(parent!.has_remix_author_saved, false);
    const owner = parent!.user as Body;
    assert.equal(owner.id, h(ARTIST));
    assertModel(UserFull, owner);
    // The viewer (user_id) drives the flags, in the parent's owner too.
    assert.equal(owner.does_current_user_follow, true);
    assert.equal((fuller as Body).has_current_user_saved, true);
    const anonymous = (await get(full(`/v1/tracks/${h(REMIX)}`))).body.data as Body;
    assert.equal(anonymous.has_current_user_saved, false);
  });

  it("never show a remix parent's owner the viewer may not see (deactivated, not released)", async () => {
    const url = `/v1/tracks/${h(HIDDEN_REMIX)}`;
    const plain = (await get(url)).body.data as Body;
    // The plain track names the parents' ids, as the remix's metadata does.
    assert.equal((plain.remix_of as { tracks: Body[] }).tracks.length, 2);
    const fuller = (await get(full(url))).body.data as Body;
    assert.deepEqual(fuller.remix_of, { tracks: [] });
    assert.doesNotMatch(JSON.stringify(fuller), /user4|user5/);
    // Naming the scheduled parent's owner as the current user shows nothing more...
    const claimed = (await get(full(`${url}?user_id=${h(LATER_ARTIST)}`))).body.data as Body;
    assert.deepEqual(claimed.remix_of, { tracks: [] });
    // ...but the owner, proven, sees their own track, and so themselves as its owner.
    const data = ownerProofData();
    const proof = new URLSearchParams({
      user_id: h(LATER_ARTIST),
      user_data: data,
      user_signature: await laterArtist.signMessage({ message: data }),
    });
    const owner = (await get(full(`${url}?${proof.toString()}`))).body.data as Body;
    const parents = (owner.remix_of as { tracks: Body[] }).tracks;
    assert.deepEqual(
      parents.map((p) => [p.parent_track_id, (p.user as Body).id]),
      [[h(SCHEDULED_PARENT), h(LATER_ARTIST)]],
    );
  });

  it('answer full users', async () => {
    for (const url of USER_URLS) {
      const { fuller } = await both(url);
      for (const user of list(fuller)) assertModel(UserFull, user);
    }
    // As Audius's: a user by id or handle is a list of one (its SDK maps over it).
    for (const url of [`/v1/users/${h(ARTIST)}`, `/v1/users/handle/user1`]) {
      const { plain, fuller } = await both(url);
      assert.ok(!Array.isArray(plain) && Array.isArray(fuller), `${url}: full is a list of one`);
    }
    const [artist] = (await both(`/v1/users/${h(ARTIST)}?user_id=${h(FAN)}`)).fuller as Body[];
    assert.equal(artist!.does_current_user_follow, true);
    assert.equal(artist!.profile_picture_sizes, 'bafyartistpic');
    assert.deepEqual(artist!.profile_picture_cids, {
      '150x150': 'bafyartistpic/150x150.jpg',
      '480x480': 'bafyartistpic/480x480.jpg',
      '1000x1000': 'bafyartistpic/1000x1000.jpg',
    });
    assert.equal(artist!.cover_photo_cids, null);
    assert.equal(artist!.creator_node_endpoint, null);
  });

  it('answer full playlists with their playable tracks inline, in order', async () => {
    for (const url of PLAYLIST_URLS) {
      const { fuller } = await both(url);
      for (const playlist of list(fuller)) assertModel(PlaylistFull, playlist);
    }
    const { plain, fuller } = await both(`/v1/playlists/${h(PLAYLIST)}?user_id=${h(FAN)}`);
    const [playlist] = fuller as Body[];
    assert.equal((plain as Body[])[0]!.tracks, undefined);
    const tracks = playlist!.tracks as Body[];
    // The deleted track stays in playlist_contents but is not playable.
    assert.deepEqual(
      tracks.map((t) => t.id),
      [h(REMIX), h(ORIGINAL)],
    );
    assert.equal(tracks[0]!.has_current_user_saved, true);
    const listed = (await get(full(`/v1/playlists/${h(PLAYLIST)}/tracks?user_id=${h(FAN)}`))).body;
    assert.deepEqual(tracks, listed.data);
    assert.equal(playlist!.cover_art_sizes, 'bafyplaylistart');
  });

  it('every full route answers as its plain route, with full models', async () => {
    const [playlist] = (await get(`/v1/playlists/${h(PLAYLIST)}`)).body.data as Body[];
    const slug = String(playlist!.permalink).split('/').pop()!;
    const ids = { tracks: h(REMIX), users: h(ARTIST), playlists: h(PLAYLIST) } as const;
    const queries: Record<string, string> = {
      '/v1/tracks/search': '?query=original',
      '/v1/users/search': '?query=user1',
      '/v1/playlists/search': '?query=playlist',
      '/v1/tracks': `?id=${h(ORIGINAL)}`,
      '/v1/users': `?id=${h(ARTIST)}`,
      '/v1/playlists': `?id=${h(PLAYLIST)}`,
    };
    /** The models in an answer: a list's items, a repost's item, remixes' tracks. */
    const items = (data: unknown): Body[] =>
      Array.isArray(data)
        ? (data as Body[]).flatMap((d) => ('item' in d ? [d.item as Body] : [d]))
        : typeof data === 'object' && data !== null && 'count' in data
          ? ((data as Body).tracks as Body[])
          : [data as Body];
    const modelOf = (item: Body) =>
      'playlist_name' in item ? PlaylistFull : 'title' in item ? TrackFull : UserFull;
    const empty: string[] = [];
    for (const route of FULL_ROUTES) {
      const kind = route.split('/')[2] as keyof typeof ids;
      const path = route
        .replace(':id', route.endsWith('/remixes') ? h(ORIGINAL) : ids[kind])
        .replace(':handle', 'user1')
        .replace(':slug', slug);
      const query = queries[route] ?? '';
      // As the fan: mutuals need a current user, and the viewer's flags are compared too.
      const { fuller } = await both(`${path}${query || '?'}&user_id=${h(FAN)}`);
      const found = items(fuller);
      for (const item of found) assertModel(modelOf(item), item);
      if (found.length === 0) empty.push(route);
    }
    // What the fixtures leave empty (no trending computed, no albums, nobody the artist follows…).
    assert.deepEqual(empty, EMPTY_WITH_FIXTURES);
  });

  it('answer bad and unknown ids as the plain routes do', async () => {
    for (const [url, status, code] of [
      [`/v1/tracks/${h(999)}`, 404, 'track_not_found'],
      [`/v1/tracks/${h(GONE)}`, 404, 'track_not_found'],
      [`/v1/users/${h(999)}`, 404, 'user_not_found'],
      [`/v1/playlists/${h(999)}`, 404, 'playlist_not_found'],
      [`/v1/playlists/${h(999)}/tracks`, 404, 'playlist_not_found'],
      ['/v1/tracks/not!a!hashid', 400, undefined],
      ['/v1/tracks', 400, 'missing_id'],
      [`/v1/tracks/${h(ORIGINAL)}?user_id=!!`, 400, undefined],
    ] as const) {
      const [plain, fuller] = [await get(url), await get(full(url))];
      assert.equal(plain.status, status, `${url}: ${JSON.stringify(plain.body)}`);
      assert.equal(fuller.status, status, full(url));
      assert.equal(errorCode(fuller.body), errorCode(plain.body), full(url));
      if (code) assert.equal(errorCode(fuller.body), code);
    }
  });

  it('are in the OpenAPI document, answering the full models', async () => {
    type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema };
    const doc = (await node.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, Schema> };
    }>();
    for (const route of FULL_ROUTES) {
      const path = fullPath(route).replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.paths[path]?.get, `${path} is not documented`);
    }
    const resolve = (schema: Schema): Schema =>
      schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]!) : schema;
    const dataOf = (path: string) => {
      const ok = doc.paths[path]!.get!.responses['200'] as {
        content: { 'application/json': { schema: Schema } };
      };
      return resolve(ok.content['application/json'].schema.properties!.data!);
    };
    const track = dataOf('/v1/full/tracks/{id}');
    assert.ok(track.properties!.iswc, 'the full track lacks iswc');
    assert.ok(resolve(track.properties!.user!).properties!.creator_node_endpoint);
    assert.equal(dataOf('/v1/tracks/{id}').properties!.iswc, undefined);
    const playlist = resolve(dataOf('/v1/full/playlists/{id}').items!);
    assert.ok(resolve(playlist.properties!.tracks!.items!).properties!.iswc);
  });

  it('search users, tracks, playlists and albums at /v1/full/search/full and /autocomplete', async () => {
    for (const route of ['full', 'autocomplete']) {
      const { status, body } = await get(
        `/v1/full/search/${route}?query=original&user_id=${h(FAN)}`,
      );
      assert.equal(status, 200, JSON.stringify(body));
      const data = body.data as Record<string, Body[]>;
      assert.deepEqual(Object.keys(data).sort(), ['albums', 'playlists', 'tracks', 'users']);
      assert.deepEqual(
        data.tracks!.map((t) => t.id),
        ((await get(`/v1/tracks/search?query=original&user_id=${h(FAN)}`)).body.data as Body[]).map(
          (t) => t.id,
        ),
      );
      assert.ok(data.tracks!.length >= 2);
      for (const track of data.tracks!) assertModel(TrackFull, track);
    }
    const byName = (await get('/v1/full/search/full?query=user1&kind=users')).body.data as Record<
      string,
      Body[]
    >;
    assert.equal(byName.users![0]!.id, h(ARTIST));
    assert.deepEqual(
      byName.users!.map((u) => u.id),
      ((await get('/v1/users/search?query=user1')).body.data as Body[]).map((u) => u.id),
    );
    for (const user of byName.users!) assertModel(UserFull, user);
    assert.deepEqual(byName.tracks, []);
    const lists = (await get(`/v1/full/search/full?query=playlist&kind=playlists`)).body
      .data as Record<string, Body[]>;
    assert.deepEqual(
      lists.playlists!.map((p) => p.id),
      [h(PLAYLIST)],
    );
    // Without its tracks, as Audius's playlist_full_without_tracks.
    assert.equal(lists.playlists![0]!.tracks, undefined);
    assert.deepEqual(lists.albums, []);
    for (const url of ['/v1/full/search/full', '/v1/full/search/full?query=x&kind=songs']) {
      const { status, body } = await get(url);
      assert.equal(status, 400, url);
      assert.ok(errorCode(body), url);
    }
  });
});
