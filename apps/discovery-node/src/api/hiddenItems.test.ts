// What a landlord hides stays hidden (issue 24's attack pass): from the reads beside an item's
// own route (a user's reposts, an item's access-info, a track's savers, reposters, top listeners
// and remixes), and from anyone who only names the landlord as the current user (`user_id` is a
// claim: the landlord sees their own hidden items with a signed owner proof). Against a real node
// over catalog fixtures: a landlord's public, scheduled, unlisted and deleted tracks, a
// deactivated landlord's track, and private and deleted playlists, each reposted by its owner and
// by a fan.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  encodeHashId,
  historyProofData,
  listenerProofData,
  ownerProofData,
} from '@coliving/protocol';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { addPlaylist, addSocial, addTrack, addUser, save } from '../catalogFixtures.js';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { openTestDatabase } from '../testing.js';

const LANDLORD = 1;
const FAN = 2;
const GONE_LANDLORD = 3;
const PUBLIC = 10;
const SCHEDULED = 11;
const UNLISTED = 12;
const DELETED = 13;
const GONE_TRACK = 14;
const PUBLIC_LIST = 20;
const PRIVATE_LIST = 21;
const DELETED_LIST = 22;
const h = encodeHashId;

let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
/** The landlord's wallet (the fixtures' users have made-up ones; this one can sign). */
const landlordKey = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  const { db } = database;
  await addUser(db, LANDLORD, { followers: 1 });
  await db
    .updateTable('users')
    .set({ wallet: landlordKey.address.toLowerCase() })
    .where('user_id', '=', LANDLORD)
    .execute();
  await addUser(db, FAN, { followers: 0, following: 1 });
  await addUser(db, GONE_LANDLORD, { followers: 0 }, {}, true);
  await addTrack(db, PUBLIC, LANDLORD, 5, { title: 'Out now' });
  await addTrack(db, SCHEDULED, LANDLORD, 4, { title: 'Secret single' });
  // Released a year from the real now (the fixtures' NOW is fixed in the past).
  await db
    .updateTable('tracks')
    .set({
      release_date: new Date(Date.now() + 365 * 86_400_000),
      stream_conditions: { dgco_purchase: { price: '5000000000000000000' } },
    })
    .where('track_id', '=', SCHEDULED)
    .execute();
  await addTrack(db, UNLISTED, LANDLORD, 3, { isUnlisted: true, title: 'Link only' });
  await addTrack(db, DELETED, LANDLORD, 3, { isDeleted: true, title: 'Regretted' });
  await addTrack(db, GONE_TRACK, GONE_LANDLORD, 3, { title: 'Gone landlord' });
  // A remix of the scheduled track, public itself.
  await addTrack(db, 15, FAN, 1, { title: 'Fan remix' });
  await db
    .updateTable('tracks')
    .set({ metadata: { remix_of: { tracks: [{ parent_track_id: SCHEDULED }] } } })
    .where('track_id', '=', 15)
    .execute();
  await addPlaylist(db, PUBLIC_LIST, LANDLORD, 2, [PUBLIC]);
  await addPlaylist(db, PRIVATE_LIST, LANDLORD, 2, [PUBLIC], { isPrivate: true });
  await addPlaylist(db, DELETED_LIST, LANDLORD, 2, [PUBLIC], { isDeleted: true });
  for (const user of [LANDLORD, FAN]) {
    for (const track of [PUBLIC, SCHEDULED, UNLISTED, DELETED, GONE_TRACK]) {
      await addSocial(db, 'reposts', user, 'track', track, 1);
    }
    for (const list of [PUBLIC_LIST, PRIVATE_LIST, DELETED_LIST]) {
      await addSocial(db, 'reposts', user, 'playlist', list, 1);
    }
  }
  for (const user of [LANDLORD, FAN]) {
    for (const track of [PUBLIC, SCHEDULED, UNLISTED, DELETED, GONE_TRACK]) {
      await save(db, user, track, 1);
    }
    await addSocial(db, 'saves', user, 'playlist', PRIVATE_LIST, 1);
  }
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

type Body = Record<string, unknown> & { data?: unknown; error?: { code?: string } };

async function get(url: string): Promise<{ status: number; body: Body }> {
  const res = await node.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<Body>() };
}

/** `user_id={user}` with an owner proof signed by `by` (the landlord's wallet by default). */
async function asOwner(
  user = LANDLORD,
  by = landlordKey,
  userData = ownerProofData(),
): Promise<string> {
  const q = new URLSearchParams({
    user_id: h(user),
    user_data: userData,
    user_signature: await by.signMessage({ message: userData }),
  });
  return q.toString();
}

/** The ids of the items a reposts answer lists, in order. */
async function repostedIds(url: string): Promise<string[]> {
  const { status, body } = await get(url);
  assert.equal(status, 200, JSON.stringify(body));
  return (body.data as { item: { id: string } }[]).map((r) => r.item.id);
}

describe("a user's reposts", () => {
  for (const base of ['/v1', '/v1/full']) {
    it(`${base}: leave out what is deleted, scheduled, unlisted, a deactivated owner's, private`, async () => {
      for (const user of [LANDLORD, FAN]) {
        assert.deepEqual(
          (await repostedIds(`${base}/users/${h(user)}/reposts`)).sort(),
          [h(PUBLIC), h(PUBLIC_LIST)].sort(),
          `reposts of user ${user}, read anonymously`,
        );
      }
      // The owner reading their own reposts, proven, sees their scheduled, unlisted and private
      // items; naming them as the current user does not.
      assert.deepEqual(
        (await repostedIds(`${base}/users/${h(LANDLORD)}/reposts?${await asOwner()}`)).sort(),
        [h(PUBLIC), h(SCHEDULED), h(UNLISTED), h(PUBLIC_LIST), h(PRIVATE_LIST)].sort(),
      );
      assert.deepEqual(
        (await repostedIds(`${base}/users/${h(LANDLORD)}/reposts?user_id=${h(LANDLORD)}`)).sort(),
        [h(PUBLIC), h(PUBLIC_LIST)].sort(),
      );
      const answer = JSON.stringify((await get(`${base}/users/${h(FAN)}/reposts`)).body);
      for (const title of ['Secret single', 'Link only', 'Regretted', 'Gone landlord']) {
        assert.ok(!answer.includes(title), `${title} in ${answer}`);
      }
    });
  }
});

describe("a user's favorites", () => {
  /** The ids a favorites answer lists. */
  async function favoriteIds(url: string): Promise<string[]> {
    const { status, body } = await get(url);
    assert.equal(status, 200, JSON.stringify(body));
    return (body.data as { favorite_item_id: string }[]).map((f) => f.favorite_item_id).sort();
  }

  it('leave out the ids of what is hidden; the proven owner sees their own', async () => {
    for (const user of [LANDLORD, FAN]) {
      assert.deepEqual(await favoriteIds(`/v1/users/${h(user)}/favorites`), [h(PUBLIC)]);
    }
    assert.deepEqual(
      await favoriteIds(`/v1/users/${h(LANDLORD)}/favorites?user_id=${h(LANDLORD)}`),
      [h(PUBLIC)],
    );
    assert.deepEqual(
      await favoriteIds(`/v1/users/${h(LANDLORD)}/favorites?${await asOwner()}`),
      [h(PUBLIC), h(SCHEDULED), h(UNLISTED), h(PRIVATE_LIST)].sort(),
    );
  });
});

describe('access-info', () => {
  it('is 404 for a scheduled track, a deactivated owner’s track and a private playlist', async () => {
    for (const [url, code] of [
      [`/v1/tracks/${h(SCHEDULED)}/access-info`, 'track_not_found'],
      [`/v1/tracks/${h(GONE_TRACK)}/access-info`, 'track_not_found'],
      [`/v1/playlists/${h(PRIVATE_LIST)}/access-info`, 'playlist_not_found'],
      [`/v1/playlists/${h(PRIVATE_LIST)}/access-info?user_id=${h(FAN)}`, 'playlist_not_found'],
      [`/v1/playlists/${h(PRIVATE_LIST)}/access-info?user_id=${h(LANDLORD)}`, 'playlist_not_found'],
    ] as const) {
      const { status, body } = await get(url);
      assert.equal(status, 404, `${url}: ${JSON.stringify(body)}`);
      assert.equal(body.error?.code, code, url);
    }
  });

  it('answers the owner, and anyone for what is public or unlisted', async () => {
    for (const url of [
      `/v1/tracks/${h(SCHEDULED)}/access-info?${await asOwner()}`,
      `/v1/tracks/${h(PUBLIC)}/access-info`,
      `/v1/tracks/${h(UNLISTED)}/access-info`,
      `/v1/playlists/${h(PRIVATE_LIST)}/access-info?${await asOwner()}`,
      `/v1/playlists/${h(PUBLIC_LIST)}/access-info`,
    ]) {
      const { status, body } = await get(url);
      assert.equal(status, 200, `${url}: ${JSON.stringify(body)}`);
    }
  });
});

describe("a hidden track's other lists", () => {
  for (const route of ['favorites', 'reposts', 'top_listeners', 'remixes']) {
    it(`/v1/tracks/{id}/${route} is 404 for a scheduled track and a deactivated owner's track`, async () => {
      for (const id of [SCHEDULED, GONE_TRACK, DELETED]) {
        for (const base of ['/v1', '/v1/full']) {
          if (base === '/v1/full' && route === 'top_listeners') continue;
          const url = `${base}/tracks/${h(id)}/${route}`;
          const { status, body } = await get(url);
          assert.equal(status, 404, `${url}: ${JSON.stringify(body)}`);
          assert.equal(body.error?.code, 'track_not_found', url);
        }
      }
      // Its owner still reads them.
      const own = await get(`/v1/tracks/${h(SCHEDULED)}/${route}?${await asOwner()}`);
      assert.equal(own.status, 200, JSON.stringify(own.body));
    });
  }
});

describe('user_id names the current user; it proves nothing', () => {
  /** What only the landlord may see, by each route that shows it to them. */
  const OWNER_VIEWS: [string, string][] = [
    [`/v1/tracks/${h(SCHEDULED)}`, 'Secret single'],
    [`/v1/full/tracks/${h(SCHEDULED)}`, 'Secret single'],
    [`/v1/tracks?id=${h(SCHEDULED)}`, 'Secret single'],
    [`/v1/users/${h(LANDLORD)}/tracks`, 'Secret single'],
    [`/v1/full/users/${h(LANDLORD)}/tracks`, 'Link only'],
    [`/v1/users/${h(LANDLORD)}/playlists`, `"${h(PRIVATE_LIST)}"`],
    [`/v1/playlists/${h(PRIVATE_LIST)}`, `"${h(PRIVATE_LIST)}"`],
    [`/v1/full/playlists/${h(PRIVATE_LIST)}`, `"${h(PRIVATE_LIST)}"`],
    [`/v1/playlists/${h(PRIVATE_LIST)}/tracks`, 'Out now'],
    [`/v1/playlists?id=${h(PRIVATE_LIST)}`, `"${h(PRIVATE_LIST)}"`],
  ];
  const join = (url: string, q: string) => `${url}${url.includes('?') ? '&' : '?'}${q}`;

  it("does not show anyone a landlord's hidden items for naming them", async () => {
    for (const [url, secret] of OWNER_VIEWS) {
      const { status, body } = await get(join(url, `user_id=${h(LANDLORD)}`));
      assert.ok(
        !JSON.stringify(body).includes(secret),
        `${url}: ${status} ${JSON.stringify(body)}`,
      );
    }
  });

  it("does not take another wallet's proof, a stale one, or a stream's or the history's", async () => {
    const stale = ownerProofData({ now: Date.now() - 10 * 60_000 });
    for (const q of [
      await asOwner(LANDLORD, stranger),
      await asOwner(LANDLORD, landlordKey, stale),
      await asOwner(LANDLORD, landlordKey, listenerProofData({})),
      await asOwner(LANDLORD, landlordKey, historyProofData()),
    ]) {
      for (const [url, secret] of OWNER_VIEWS) {
        const { status, body } = await get(join(url, q));
        assert.ok(!JSON.stringify(body).includes(secret), `${url}: ${status}`);
      }
    }
  });

  it('shows the landlord their hidden items with their owner proof', async () => {
    for (const [url, secret] of OWNER_VIEWS) {
      const { status, body } = await get(join(url, await asOwner()));
      assert.equal(status, 200, `${url}: ${JSON.stringify(body)}`);
      assert.ok(JSON.stringify(body).includes(secret), `${url}: ${JSON.stringify(body)}`);
    }
    // resolve carries the proof on to the item's route.
    const res = await node.app.inject({
      method: 'GET',
      url: `/v1/resolve?url=${encodeURIComponent(`/user${LANDLORD}/playlist/playlist-${PRIVATE_LIST}`)}&${await asOwner()}`,
    });
    assert.equal(res.statusCode, 302, res.body);
    const followed = await get(res.headers.location as string);
    assert.equal(followed.status, 200, JSON.stringify(followed.body));
    const anyone = await node.app.inject({
      method: 'GET',
      url: `/v1/resolve?url=${encodeURIComponent(`/user${LANDLORD}/playlist/playlist-${PRIVATE_LIST}`)}&user_id=${h(LANDLORD)}`,
    });
    assert.equal(anyone.statusCode, 404, anyone.body);
  });
});
