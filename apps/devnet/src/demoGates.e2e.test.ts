// The demo catalog's gates and money on a real network: a catalog large enough to hold every kind
// of gate (4 landlords of 4 tracks: an album for sale, a priced track split with another landlord,
// a tip gate and a follow gate) seeded with the treasury, read back as an app sees it, and the
// loop a fresh `npm start` offers: a demo resident logs in with the demo password, is refused the
// album's tracks, buys the album, and streams them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeHashId } from '@coliving/protocol';
import { type ColivingSdk, createColivingSdk, isColivingSdkError } from '@coliving/sdk';
import { parseEther } from 'viem';
import { waitForChainClock } from './chainClock.js';
import { DEMO_RESIDENT_DGCO } from './constants.js';
import { DEMO_PRICES } from './demoCatalogContent.js';
import { dgcoBalance } from './payFromTreasury.js';
import { planDemoAccess, planDemoSocial } from './planDemoSocial.js';
import {
  DEMO_PASSWORD,
  type DemoAccount,
  type SeedDemoCatalogReturnType,
  seedDemoCatalog,
} from './seedDemoCatalog.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const scale = { landlords: 4, tracksPerLandlord: 4, residents: 2 };
const plan = planDemoAccess(scale.landlords, scale.tracksPerLandlord);
const social = planDemoSocial(scale.landlords, scale.residents, 16);

let dir: string;
let network: StartNetworkReturnType;
let seeded: SeedDemoCatalogReturnType;
let reader: ColivingSdk;
/** Each account's user id, as the API has it. */
const userIds: string[] = [];

const trackOf = (landlord: number, index: number) =>
  seeded.trackIds[landlord * scale.tracksPerLandlord + index]!;
const balanceOf = (account: DemoAccount) =>
  dgcoBalance({
    eth: network.chains.eth,
    token: network.contracts.eth.DgcoToken,
    wallet: account.wallet,
  });

/** A demo account logged in with its email and the demo password, as a person would. */
async function logIn(member: number): Promise<{ sdk: ColivingSdk; userId: string }> {
  const account = seeded.accounts[member]!;
  const sdk = createColivingSdk({
    discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
    pollIntervalMs: 100,
  });
  await sdk.auth.logIn({ email: account.email, password: DEMO_PASSWORD });
  return { sdk, userId: userIds[member]! };
}

/** Whether `who` may stream `trackId`: a signed URL, or a stream_gated refusal. */
async function mayStream(who: { sdk: ColivingSdk; userId: string }, trackId: string) {
  try {
    const url = await who.sdk.tracks.streamUrl(trackId, { userId: who.userId });
    const res = await fetch(url);
    await res.arrayBuffer();
    assert.equal(res.status, 200, url);
    return { ok: true as const };
  } catch (error) {
    if (isColivingSdkError(error) && error.code === 'stream_gated')
      return { ok: false as const, message: error.message };
    throw error;
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-demo-gates-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 1 });
  seeded = await seedDemoCatalog({
    discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
    cacheDir: join(dir, 'cache'),
    scale,
    treasury: { eth: network.chains.eth, token: network.contracts.eth.DgcoToken },
  });
  reader = createColivingSdk({ discoveryNodes: network.discoveryNodes.map((n) => n.endpoint) });
  for (const account of seeded.accounts)
    userIds.push((await reader.users.byHandle(account.handle)).id);
});

after(async () => {
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the demo catalog’s gates and money', { timeout: 900_000 }, () => {
  it('gates the planned tracks and prices the album for sale, as the API shows them', async () => {
    const id = (member: number) => decodeHashId(userIds[member]!);
    // An album for sale: landlord 1's (the second of two albums), all its tracks priced alone too.
    assert.equal(plan.albumForSale, 1);
    const albums = await Promise.all(seeded.playlistIds.map((p) => reader.playlists.get(p)));
    const forSale = albums.find((a) => a.user.id === userIds[1] && a.is_album)!;
    assert.deepEqual(forSale.stream_conditions, {
      dgco_purchase: { price: parseEther(DEMO_PRICES.album).toString() },
    });
    assert.deepEqual(
      (await reader.playlists.tracks(forSale.id)).map((t) => t.id),
      [0, 1, 2, 3].map((i) => trackOf(1, i)),
    );
    for (const i of [0, 1, 2, 3]) {
      assert.deepEqual((await reader.tracks.get(trackOf(1, i))).stream_conditions, {
        dgco_purchase: { price: parseEther(DEMO_PRICES.albumTrack).toString() },
      });
    }
    const free = albums.find((a) => a.user.id === userIds[0] && a.is_album)!;
    assert.equal(free.stream_conditions ?? null, null, 'the first album stays free');
    // The priced track, split with the landlord before; then a tip gate and a follow gate.
    assert.deepEqual((await reader.tracks.get(trackOf(3, 3))).stream_conditions, {
      dgco_purchase: {
        price: parseEther(DEMO_PRICES.track).toString(),
        splits: [
          { user_id: id(2), percentage: DEMO_PRICES.collaboratorPercentage },
          { user_id: id(3), percentage: 100 - DEMO_PRICES.collaboratorPercentage },
        ],
      },
    });
    assert.deepEqual((await reader.tracks.get(trackOf(2, 3))).stream_conditions, {
      tip_user_id: id(2),
    });
    assert.deepEqual((await reader.tracks.get(trackOf(3, 2))).stream_conditions, {
      follow_user_id: id(3),
    });
    // Everything else is free.
    const gated = plan.trackGates.filter(Boolean).length;
    const open = await Promise.all(seeded.trackIds.map((t) => reader.tracks.get(t)));
    assert.equal(open.filter((t) => t.stream_conditions === null).length, 16 - gated);
  });

  it('gives each resident 1,000 DGCO from the treasury', async () => {
    for (const account of seeded.accounts)
      assert.equal(
        await balanceOf(account),
        account.role === 'resident' ? DEMO_RESIDENT_DGCO : 0n,
        account.handle,
      );
  });

  it('opens the follow gate to a follower, and no other gate to anyone who has not paid', async () => {
    const resident = scale.landlords;
    const me = await logIn(resident);
    const follows = social.follows.some(([a, b]) => a === resident && b === 3);
    assert.equal((await mayStream(me, trackOf(3, 2))).ok, follows);
    const priced = await mayStream(me, trackOf(3, 3));
    assert.equal(priced.ok, false);
    assert.match(priced.ok ? '' : priced.message, new RegExp(`${DEMO_PRICES.track} DGCO`));
    assert.equal((await mayStream(me, trackOf(2, 3))).ok, false);
    assert.equal((await mayStream(me, trackOf(0, 0))).ok, true, 'free music streams');
  });

  it('a demo resident buys the album for sale and then streams its tracks', async () => {
    const member = scale.landlords + 1;
    const me = await logIn(member);
    const landlord = seeded.accounts[1]!;
    for (const i of [0, 1, 2, 3]) assert.equal((await mayStream(me, trackOf(1, i))).ok, false);
    const album = (await reader.users.albums(userIds[1]!))[0]!;
    // The seeding's burst of writes ran the data chain's clock ahead; a purchase is judged
    // against the data chain as of the eth block's time, so the clocks must agree first.
    await waitForChainClock(network.chains.data.rpcUrl);
    const [before, landlordBefore] = [
      await balanceOf(seeded.accounts[member]!),
      await balanceOf(landlord),
    ];
    await me.sdk.purchases.buy({ userId: me.userId, playlistId: album.id });
    const price = parseEther(DEMO_PRICES.album);
    assert.equal(await balanceOf(seeded.accounts[member]!), before - price);
    assert.equal(await balanceOf(landlord), landlordBefore + price);
    for (const i of [0, 1, 2, 3]) assert.equal((await mayStream(me, trackOf(1, i))).ok, true);
  });

  it('seeds again without pricing or paying twice', async () => {
    const before = await Promise.all(seeded.accounts.map(balanceOf));
    const again = await seedDemoCatalog({
      discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
      cacheDir: join(dir, 'cache'),
      scale,
      treasury: { eth: network.chains.eth, token: network.contracts.eth.DgcoToken },
    });
    assert.deepEqual(again, seeded);
    assert.deepEqual(await Promise.all(seeded.accounts.map(balanceOf)), before);
    const album = (await reader.users.albums(userIds[1]!))[0]!;
    assert.deepEqual(album.stream_conditions, {
      dgco_purchase: { price: parseEther(DEMO_PRICES.album).toString() },
    });
  });
});
