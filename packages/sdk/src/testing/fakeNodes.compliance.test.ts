// The stand-in discovery node held to the real one, so that the SDK and web tests that run on it
// cannot drift from what a real node answers: every fake answer must fit the API v1 models
// (@coliving/protocol) and have the same keys and JSON types, at every depth, as the real node's
// answers recorded in its API snapshot; and those recorded answers must fit the models and
// declare no key the models lack, which ties the models to the real node as well.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  Envelope,
  ErrorBody,
  Favorite,
  HashId,
  ListenCountsMonthly,
  Playlist,
  Repost,
  TopListener,
  Track,
  TrackActivity,
  User,
  cidFromBytes,
  encodeHashId,
  historyProofData,
} from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  type FakeChain,
  type FakeNode,
  createFakeChain,
  startFakeDiscoveryNode,
} from './fakeNodes.js';

const SNAPSHOT = new URL(
  '../../../../apps/discovery-node/src/api/__snapshots__/api.test.json',
  import.meta.url,
);

type Schema = TSchema & {
  type?: string | string[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
};

/** Answers by route, each route with the schema of its `data`; the first match wins. */
const ROUTES: [route: string, pattern: RegExp, data: Schema][] = [
  ['top listeners', /^\/v1\/tracks\/[^/]+\/top_listeners/, Type.Array(TopListener)],
  ['monthly listens', /^\/v1\/users\/[^/]+\/listen_counts_monthly/, ListenCountsMonthly],
  ['history', /^\/v1\/users\/[^/]+\/history\/tracks/, Type.Array(TrackActivity)],
  ['unclaimed id', /^\/v1\/(users|tracks|playlists)\/unclaimed_id$/, HashId],
  [
    'track list',
    /^\/v1\/(tracks(\?|\/trending|\/search)|users\/[^/]+\/tracks|playlists\/[^/]+\/tracks)/,
    Type.Array(Track),
  ],
  [
    'user list',
    /^\/v1\/(users(\?|\/search)|users\/[^/]+\/follow(ers|ing)|tracks\/[^/]+\/(favorites|reposts))/,
    Type.Array(User),
  ],
  ['playlist list', /^\/v1\/(playlists\/|users\/[^/]+\/(playlists|albums))/, Type.Array(Playlist)],
  ['reposts', /^\/v1\/users\/[^/]+\/reposts/, Type.Array(Repost)],
  ['favorites', /^\/v1\/users\/[^/]+\/favorites/, Type.Array(Favorite)],
  ['track', /^\/v1\/tracks\/[^/?]+(\?|$)/, Track],
  ['user', /^\/v1\/users\/(handle\/|account\/)?[^/?]+(\?|$)/, User],
];

function routeOf(url: string): { route: string; data: Schema } {
  const found = ROUTES.find(([, pattern]) => pattern.test(url));
  assert.ok(found, `no model is known for ${url}: add its route to ROUTES`);
  return { route: found[0], data: found[2] };
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'boolean' | 'integer' | 'number';

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

const isObject = (value: unknown): value is Record<string, unknown> => jsonType(value) === 'object';

/** Where a value fits `schema`'s problems, one line each (TypeBox's own check). */
function misfits(schema: TSchema, value: unknown, what: string): string[] {
  return [...Value.Errors(schema, value)]
    .slice(0, 5)
    .map((e) => `${what}${e.path}: ${e.message} (${JSON.stringify(e.value)?.slice(0, 60)})`);
}

/** Keys of `value` that `schema` does not declare (models take extra keys, so Value misses them). */
function undeclared(schema: Schema, value: unknown, path: string, out: string[]): void {
  if (schema.anyOf) {
    const branch = schema.anyOf.find((b) => Value.Check(b, value));
    if (branch) undeclared(branch, value, path, out);
  } else if (Array.isArray(value) && schema.items) {
    for (const item of value) undeclared(schema.items, item, `${path}[]`, out);
  } else if (isObject(value) && schema.properties) {
    for (const [key, v] of Object.entries(value)) {
      const property = schema.properties[key];
      if (property) undeclared(property, v, `${path}.${key}`, out);
      else out.push(`${path}.${key}`);
    }
  }
}

/**
 * How `fake` differs in shape from the real `reals` that fit the same part of `schema`: keys
 * every real answer has that it lacks, keys the model does not declare, JSON types the real
 * answers never have. Free-form objects
 * (access conditions) are compared by type only.
 */
function shapeDrift(schema: Schema, reals: unknown[], fake: unknown, path: string, out: string[]) {
  if (reals.length === 0) return;
  if (schema.anyOf) {
    const branch = schema.anyOf.find((b) => Value.Check(b, fake));
    if (!branch) return; // misfits() reports it
    shapeDrift(
      branch,
      reals.filter((r) => Value.Check(branch, r)),
      fake,
      path,
      out,
    );
    return;
  }
  const numeric = schema.type === 'number';
  const typeOf = (v: unknown) => (numeric && jsonType(v) === 'integer' ? 'number' : jsonType(v));
  const realTypes = new Set(reals.map(typeOf));
  if (!realTypes.has(typeOf(fake))) {
    out.push(`${path}: ${typeOf(fake)}, where the real node gives ${[...realTypes].join('|')}`);
    return;
  }
  if (Array.isArray(fake) && schema.items) {
    const items = reals.flatMap((r): unknown[] => (Array.isArray(r) ? r : []));
    for (const item of fake) shapeDrift(schema.items, items, item, `${path}[]`, out);
  } else if (isObject(fake) && schema.properties) {
    const objects = reals.filter(isObject);
    const realKeys = new Set(objects.flatMap((o) => Object.keys(o)));
    for (const key of realKeys) {
      // A key some real answers lack (an image without sizes) may be missing here too.
      if (!(key in fake) && objects.every((o) => key in o)) out.push(`${path}.${key}: missing`);
    }
    for (const [key, value] of Object.entries(fake)) {
      const property = schema.properties[key];
      if (!property) out.push(`${path}.${key}: not in the real node's answers`);
      // A declared key no real answer shows (an image's sizes) has only the model to fit.
      if (!property || !realKeys.has(key)) continue;
      const values = objects.filter((o) => key in o).map((o) => o[key]);
      shapeDrift(property, values, value, `${path}.${key}`, out);
    }
  }
}

/** The snapshot's markers (`<block>` for block numbers, `<time>` for times) as values again. */
function unmark(value: unknown): unknown {
  if (value === '<block>') return 1;
  if (Array.isArray(value)) return value.map(unmark);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmark(v)]));
  return value;
}

/** The real node's answers (status 200) by route. */
async function realAnswers(): Promise<Map<string, { url: string; body: unknown }[]>> {
  const snapshot = JSON.parse(await readFile(SNAPSHOT, 'utf8')) as Record<
    string,
    { status: number; body: unknown }
  >;
  const byRoute = new Map<string, { url: string; body: unknown }[]>();
  for (const [url, answer] of Object.entries(snapshot)) {
    if (answer.status !== 200) continue;
    const { route } = routeOf(url);
    byRoute.set(route, [...(byRoute.get(route) ?? []), { url, body: unmark(answer.body) }]);
  }
  return byRoute;
}

const h = encodeHashId;
const cid = (text: string) => cidFromBytes(new TextEncoder().encode(text));
/** Carol's key: her history is read with a proof she signs. */
const carol = privateKeyToAccount(generatePrivateKey());
/** In a URL, stands for a fresh history proof of Carol's (as in the real node's snapshot). */
const CAROL_PROOF = "<carol's history proof>";
const CONTENT_NODES = ['http://cn1.test', 'http://cn2.test', 'http://cn3.test', 'http://cn4.test'];

/** A catalog with every optional field both set and unset, and a viewer who follows someone. */
async function fillChain(chain: FakeChain): Promise<void> {
  const user = (wallet: string, data: Record<string, unknown>) => ({
    wallet,
    data,
    deactivated: false,
    updated: chain.head,
  });
  chain.users.set(
    1,
    user('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', {
      handle: 'Alice',
      name: 'Alice A',
      bio: 'Makes music',
      location: 'Lisbon',
      website: 'https://alice.example',
      profile_picture_sizes: await cid('alice-pic'),
      cover_photo_sizes: await cid('alice-cover'),
      artist_pick_track_id: 10,
      allow_ai_attribution: true,
    }),
  );
  chain.users.set(
    2,
    user('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', { handle: 'bob', name: 'Bob' }),
  );
  chain.users.set(3, user(carol.address, { handle: 'carol', name: 'C' }));
  chain.tracks.set(10, {
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: {
      title: 'Sunset Boulevard',
      genre: 'Electronic',
      mood: 'Peaceful',
      tags: 'sun,evening',
      description: 'Late light',
      track_cid: await cid('sunset-stream'),
      preview_cid: await cid('sunset-preview'),
      orig_file_cid: await cid('sunset-original'),
      cover_art_sizes: await cid('sunset-art'),
      waveform_cid: await cid('sunset-peaks'),
      duration: 201.4,
      release_date: '2024-01-01T00:00:00.000Z',
      bpm: 120.5,
      musical_key: 'A minor',
      license: 'All rights reserved',
      isrc: 'USRC17607839',
      field_visibility: { mood: true, tags: false },
      remix_of: { tracks: [{ parent_track_id: 11 }] },
      stream_conditions: { follow_user_id: 1 },
      is_downloadable: true,
    },
  });
  chain.tracks.set(11, {
    owner: 2,
    deleted: false,
    updated: chain.head,
    data: { title: 'Cafe del Mar', genre: 'Ambient', track_cid: await cid('cafe'), duration: 300 },
  });
  chain.playlists.set(20, {
    owner: 1,
    deleted: false,
    updated: chain.head,
    data: {
      playlist_name: 'Road trip',
      description: 'For the road',
      playlist_contents: { track_ids: [{ track: 10, time: 1700000000 }] },
      playlist_image_sizes_multihash: await cid('road-art'),
    },
  });
  chain.playlists.set(21, {
    owner: 2,
    deleted: false,
    updated: chain.head,
    data: { playlist_name: 'First', is_album: true, playlist_contents: { track_ids: [] } },
  });
  for (const edge of ['3:1', '3:2', '2:1']) chain.follows.add(edge);
  for (const key of ['2:Track:10', '2:Playlist:20', '3:Track:11']) chain.reposts.add(key);
  for (const key of ['2:Track:10', '3:Track:10', '2:Playlist:20']) chain.saves.add(key);
  // Plays: Bob and Carol of track 10 this month, Carol of track 11 in January 2025, and anonymous.
  const at = (iso: string) => Date.parse(iso);
  chain.plays.push(
    { trackId: 10, userId: 2, at: at('2025-02-03T10:00:00Z') },
    { trackId: 10, userId: 2, at: at('2025-02-04T10:00:00Z') },
    { trackId: 10, userId: 3, at: at('2025-02-05T10:00:00Z') },
    { trackId: 10, at: at('2025-02-06T10:00:00Z') },
    { trackId: 11, userId: 3, at: at('2025-01-20T10:00:00Z') },
  );
}

/** What the stand-in answers, by URL, for each route it serves. */
const FAKE_URLS = [
  `/v1/users/${h(1)}`,
  `/v1/users/${h(2)}?user_id=${h(3)}`,
  '/v1/users/handle/alice',
  `/v1/tracks/${h(10)}`,
  `/v1/tracks/${h(10)}?user_id=${h(3)}`,
  `/v1/tracks/${h(11)}?user_id=${h(2)}`,
  `/v1/playlists/${h(20)}?user_id=${h(3)}`,
  `/v1/playlists/${h(21)}`,
  '/v1/tracks/trending',
  `/v1/tracks/trending?user_id=${h(1)}`,
  '/v1/users/unclaimed_id',
  `/v1/users/${h(1)}/tracks?sort=plays`,
  `/v1/tracks/${h(10)}/top_listeners`,
  `/v1/users/${h(1)}/listen_counts_monthly?start_time=2025-01-01&end_time=2025-04-01`,
  `/v1/users/${h(3)}/history/tracks?${CAROL_PROOF}`,
];

/** Error answers the stand-in gives, with their statuses. */
const FAKE_ERRORS: [url: string, status: number][] = [
  [`/v1/users/${h(999)}`, 404],
  [`/v1/tracks/${h(999)}`, 404],
  [`/v1/playlists/${h(999)}`, 404],
  ['/v1/tracks/not-an-id!', 400],
  ['/v1/users/handle/nobody', 404],
  ['/v1/nothing', 404],
  [`/v1/users/${h(3)}/history/tracks`, 401],
  [`/v1/users/${h(1)}/listen_counts_monthly?start_time=2025-02-01&end_time=2025-01-01`, 400],
  [`/v1/tracks/${h(999)}/top_listeners`, 404],
];

let node: FakeNode;
let reals: Map<string, { url: string; body: unknown }[]>;
before(async () => {
  const chain = createFakeChain();
  await fillChain(chain);
  node = await startFakeDiscoveryNode({ chain, contentNodes: () => CONTENT_NODES });
  reals = await realAnswers();
});
after(() => node?.close());

async function fakeAnswer(url: string): Promise<{ status: number; body: unknown }> {
  if (url.includes(CAROL_PROOF)) {
    const data = historyProofData();
    const signature = await carol.signMessage({ message: data });
    url = url.replace(
      CAROL_PROOF,
      `user_data=${encodeURIComponent(data)}&user_signature=${signature}`,
    );
  }
  const response = await fetch(`${node.endpoint}${url}`);
  return { status: response.status, body: await response.json() };
}

describe('the real answers (the API snapshot)', () => {
  it('fit the API v1 models and use no key the models do not declare', () => {
    assert.ok(reals.size >= 6, 'the snapshot covers users, tracks, playlists and lists of them');
    for (const [route, answers] of reals) {
      const envelope = Envelope(routeOf(answers[0]!.url).data);
      for (const { url, body } of answers) {
        assert.deepEqual(misfits(envelope, body, url), [], `${route}: ${url}`);
        const extra: string[] = [];
        undeclared(envelope, body, url, extra);
        assert.deepEqual(extra, [], `${url}: keys the models lack`);
      }
    }
  });
});

describe('the stand-in discovery node', () => {
  it('answers every model as the real node does: same keys, same JSON types', async () => {
    for (const url of FAKE_URLS) {
      const { status, body } = await fakeAnswer(url);
      assert.equal(status, 200, url);
      const { route, data } = routeOf(url);
      const envelope = Envelope(data);
      assert.deepEqual(misfits(envelope, body, url), [], url);
      const real = reals.get(route)?.map((a) => a.body) ?? [];
      const drift: string[] = [];
      if (route === 'unclaimed id') {
        // Not in the snapshot (a random id); its envelope is every answer's.
        const bodies = [...reals.values()].flat().map((a) => ({ ...(a.body as object), data: '' }));
        shapeDrift(envelope, bodies, body, url, drift);
      } else {
        assert.ok(real.length > 0, `the snapshot has no ${route} to compare ${url} with`);
        shapeDrift(envelope, real, body, url, drift);
      }
      assert.deepEqual(drift, [], url);
    }
  });

  it('shows each model with its optional fields both set and empty, as the snapshot does', async () => {
    const tracks = (
      await Promise.all([h(10), h(11)].map((id) => fakeAnswer(`/v1/tracks/${id}`)))
    ).map((a) => (a.body as { data: Track }).data);
    // So the comparison above saw both branches of the nullable fields it could.
    assert.ok(tracks.some((t) => t.description === null));
    assert.ok(tracks.some((t) => typeof t.description === 'string'));
    assert.ok(tracks.some((t) => t.user.profile_picture === null));
    assert.ok(tracks.some((t) => t.user.profile_picture !== null));
  });

  it("counts plays and reads a history only with its user's proof, as the real node does", async () => {
    const track = (await fakeAnswer(`/v1/tracks/${h(10)}`)).body as { data: Track };
    assert.equal(track.data.play_count, 4);
    const top = (await fakeAnswer(`/v1/tracks/${h(10)}/top_listeners`)).body as {
      data: TopListener[];
    };
    assert.deepEqual(
      top.data.map((l) => [l.user.handle, l.count]),
      [
        ['bob', 2],
        ['carol', 1],
      ],
    );
    const history = (await fakeAnswer(`/v1/users/${h(3)}/history/tracks?${CAROL_PROOF}`)).body as {
      data: TrackActivity[];
    };
    assert.deepEqual(
      history.data.map((a) => a.item_id),
      [h(10), h(11)],
    );
    // Another wallet's proof: refused as the real node refuses it.
    const data = historyProofData();
    const other = privateKeyToAccount(generatePrivateKey());
    const signature = await other.signMessage({ message: data });
    const refused = await fakeAnswer(
      `/v1/users/${h(3)}/history/tracks?user_data=${encodeURIComponent(data)}&user_signature=${signature}`,
    );
    assert.equal(refused.status, 403);
  });

  it('answers errors in the one error body', async () => {
    for (const [url, status] of FAKE_ERRORS) {
      const answer = await fakeAnswer(url);
      assert.equal(answer.status, status, url);
      assert.deepEqual(misfits(ErrorBody, answer.body, url), [], url);
      const extra: string[] = [];
      undeclared(ErrorBody, answer.body, url, extra);
      assert.deepEqual(extra, [], url);
    }
  });
});

describe('the drift check', () => {
  it('fails on a key missing, a key added and a type changed', () => {
    const [real] = reals.get('user')!;
    const body = real!.body as { data: Record<string, unknown> };
    const envelope = Envelope(User);
    const driftOf = (data: Record<string, unknown>) => {
      const out: string[] = [];
      shapeDrift(envelope, [body], { ...body, data }, 'fake', out);
      return out;
    };
    const { handle_lc: _, ...missing } = body.data;
    assert.deepEqual(driftOf(body.data), []);
    assert.deepEqual(driftOf(missing), ['fake.data.handle_lc: missing']);
    assert.deepEqual(driftOf({ ...body.data, metadata: {} }), [
      "fake.data.metadata: not in the real node's answers",
    ]);
    assert.deepEqual(driftOf({ ...body.data, follower_count: '3' }), [
      'fake.data.follower_count: string, where the real node gives integer',
    ]);
  });
});
