// Money moves (issue 23), end to end on a real network: a content node and two discovery nodes as
// processes, both chains, residents holding DGCO from the devnet's treasury and no gas. A resident
// is refused a purchase-gated track (with its price in the answer), buys it through the SDK (a
// signed PaymentRouter authorization a discovery node relays), and then streams it; the landlord
// and the collaborator gain exactly their shares and the buyer loses exactly the price, on the
// chain; both discovery nodes record the purchase and agree on the state digest. The same for a
// tip gate and for an album whose purchase unlocks its tracks. Buying again is refused before any
// money moves, and an authorization relayed twice pays once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createChainClient } from '@coliving/chain';
import { dgcoTokenAbi } from '@coliving/contracts';
import {
  PERMIT_TYPES,
  type PaymentAuthorization,
  cidFromBytes,
  decodeHashId,
  listenerProofData,
  paymentAuthorizationToJson,
  paymentTypedData,
  purchaseShares,
  splitAmount,
  tipPaymentRef,
} from '@coliving/protocol';
import { type ColivingSdk, type Track, createColivingSdk, isColivingSdkError } from '@coliving/sdk';
import { type Address, type LocalAccount, formatEther, parseEther, parseSignature } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { DEMO_RESIDENT_DGCO } from './constants.js';
import { dgcoBalance, payFromTreasury } from './payFromTreasury.js';
import { sineWav } from './sineWav.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

/** Short, so every full stream is a small download. */
const TRACK_SECONDS = 8;
/** Generous: a loaded two-core machine submits, mines and indexes slowly. */
const DEADLINE_MS = 90_000;
/** The priced track: not a round number, so the split leaves a remainder for the landlord. */
const PRICE = parseEther('5') + 7n;
const COLLABORATOR_PERCENTAGE = 30;
const ALBUM_TRACK_PRICE = parseEther('2');
const ALBUM_PRICE = parseEther('3');
const TIP = parseEther('1.5');

type Actor = { sdk: ColivingSdk; account: LocalAccount; userId: string; wallet: Address };
type Answer = {
  status: number;
  body: { data?: unknown; error?: { code?: string; message?: string } };
};
type Digest = { block: number; digest: string };

let dir: string;
let network: StartNetworkReturnType;
let discoveries: string[];
let landlord: Actor;
let collaborator: Actor;
let buyer: Actor;
let other: Actor;
let priced: Track & { track_cid: string };
let tipGated: Track & { track_cid: string };
let albumTracks: (Track & { track_cid: string })[];
let albumId: string;

const treasury = () => ({ eth: network.chains.eth, token: network.contracts.eth.DgcoToken });
const balanceOf = (a: Actor) => dgcoBalance({ ...treasury(), wallet: a.wallet });
const balancesOf = (...actors: Actor[]) => Promise.all(actors.map(balanceOf));

/** A new wallet with a user on the chain, its SDK on the first discovery node. */
async function newActor(handle: string): Promise<Actor> {
  const account = privateKeyToAccount(generatePrivateKey());
  const sdk = createColivingSdk({
    discoveryNodes: [discoveries[0]!],
    account,
    pollIntervalMs: 100,
  });
  const { userId } = await sdk.users.create({ handle, name: handle });
  return { sdk, account, userId, wallet: account.address };
}

async function answerOf(res: Response): Promise<Answer> {
  if (!res.headers.get('content-type')?.startsWith('application/json')) {
    await res.arrayBuffer();
    return { status: res.status, body: {} };
  }
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** `track` streamed as `actor` (with their listener proof) on `endpoint`: the node's answer. */
async function streamAs(
  actor: Actor,
  track: Track,
  opts: { preview?: boolean; endpoint?: string } = {},
): Promise<Answer> {
  const userData = listenerProofData({ trackId: track.id });
  const query = new URLSearchParams({
    no_redirect: 'true',
    user_id: actor.userId,
    user_data: userData,
    user_signature: await actor.account.signMessage({ message: userData }),
    ...(opts.preview ? { preview: 'true' } : {}),
  });
  return answerOf(
    await fetch(
      `${opts.endpoint ?? discoveries[0]}/v1/tracks/${track.id}/stream?${query.toString()}`,
    ),
  );
}

/** Asserts `actor` streams the whole of `track`: the bytes are its stream file. */
async function assertStreams(actor: Actor, track: Track & { track_cid: string }): Promise<void> {
  for (const endpoint of discoveries) {
    const answer = await streamAs(actor, track, { endpoint });
    assert.equal(answer.status, 200, `${endpoint}: ${JSON.stringify(answer.body)}`);
    const res = await fetch(answer.body.data as string);
    assert.equal(res.status, 200);
    assert.equal(await cidFromBytes(new Uint8Array(await res.arrayBuffer())), track.track_cid);
  }
}

/** Asserts `actor` is refused `track` (403 stream_gated) on every node; the message. */
async function assertRefused(actor: Actor, track: Track): Promise<string> {
  let message = '';
  for (const endpoint of discoveries) {
    const answer = await streamAs(actor, track, { endpoint });
    assert.equal(answer.status, 403, `${endpoint}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error?.code, 'stream_gated', JSON.stringify(answer.body));
    message = answer.body.error?.message ?? '';
  }
  return message;
}

/** Polls `check` until it answers true; fails at the deadline with what it last saw. */
async function until(what: string, check: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const result = await check();
    if (result === true) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${result}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

/** Waits until every discovery node has indexed to the same blocks and so the same digest. */
async function assertDigestsAgree(): Promise<void> {
  await until('both discovery nodes report the same state digest', async () => {
    const digests = await Promise.all(
      discoveries.map((d) => getJson<Digest>(`${d}/v1/state_digest`)),
    );
    return digests.every((d) => d.digest === digests[0]!.digest) || JSON.stringify(digests);
  });
}

/** Waits until both nodes list the purchase made in `txHash` among `buyer`'s purchases. */
async function assertPurchaseRecorded(
  txHash: string,
  content: { type: 'track' | 'playlist'; id: string },
  amount: bigint,
): Promise<void> {
  type Row = { signature: string; content_type: string; content_id: string; amount: string };
  await until('both discovery nodes record the purchase', async () => {
    for (const endpoint of discoveries) {
      const rows = await getJson<Row[]>(`${endpoint}/v1/users/${buyer.userId}/purchases?limit=100`);
      const row = rows.find((r) => r.signature.toLowerCase() === txHash.toLowerCase());
      if (!row) return `${endpoint} has not recorded ${txHash}`;
      assert.deepEqual(
        [row.content_type, row.content_id, row.amount],
        [content.type, content.id, amount.toString()],
      );
      const sales = await getJson<Row[]>(`${endpoint}/v1/users/${landlord.userId}/sales?limit=100`);
      assert.ok(
        sales.some((r) => r.signature.toLowerCase() === txHash.toLowerCase()),
        `${endpoint} lists the sale`,
      );
    }
    return true;
  });
}

async function upload(
  title: string,
  streamConditions: Parameters<ColivingSdk['tracks']['upload']>[0]['metadata']['streamConditions'],
  hz: number,
): Promise<Track & { track_cid: string }> {
  const { trackId } = await landlord.sdk.tracks.upload({
    userId: landlord.userId,
    file: sineWav(TRACK_SECONDS, hz),
    fileName: `${title}.wav`,
    metadata: { title, genre: 'Electronic', streamConditions },
  });
  return (await landlord.sdk.tracks.get(trackId)) as Track & { track_cid: string };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-payments-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 2 });
  discoveries = network.discoveryNodes.map((n) => n.endpoint);
  [landlord, collaborator, buyer, other] = await Promise.all([
    newActor('ama_mensah'),
    newActor('saltmarsh'),
    newActor('nadia.listens'),
    newActor('tomasz_k'),
  ]);
  // As the seeding gives every demo resident: DGCO from the treasury, and no gas at all.
  for (const resident of [buyer, other])
    await payFromTreasury({ ...treasury(), to: resident.wallet, amount: DEMO_RESIDENT_DGCO });
  priced = await upload(
    'Palm Wine Blues',
    {
      purchase: {
        price: PRICE,
        splits: [
          { userId: collaborator.userId, percentage: COLLABORATOR_PERCENTAGE },
          { userId: landlord.userId, percentage: 100 - COLLABORATOR_PERCENTAGE },
        ],
      },
    },
    440,
  );
  tipGated = await upload('Tro Tro', { tipUserId: landlord.userId }, 523);
  albumTracks = [
    await upload('Osu Road', { purchase: { price: ALBUM_TRACK_PRICE } }, 587),
    await upload('Harmattan', { purchase: { price: ALBUM_TRACK_PRICE } }, 659),
  ];
  ({ playlistId: albumId } = await landlord.sdk.playlists.create({
    userId: landlord.userId,
    name: 'Sunday Highlife',
    isAlbum: true,
    trackIds: albumTracks.map((t) => t.id),
  }));
  await landlord.sdk.playlists.update(landlord.userId, albumId, {
    streamConditions: { purchase: { price: ALBUM_PRICE } },
  });
  // Everything above is on both nodes before anyone tries to stream it.
  await until('both discovery nodes show the priced album', async () => {
    for (const endpoint of discoveries) {
      const res = await fetch(`${endpoint}/v1/playlists/${albumId}`);
      type Answered = { stream_conditions?: unknown };
      const data = res.ok ? ((await res.json()) as { data: Answered | Answered[] }).data : [];
      const list = Array.isArray(data) ? data[0] : data;
      if (!list?.stream_conditions) return `${endpoint}: not yet`;
    }
    return true;
  });
});

after(async () => {
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('payments on a real network', { timeout: 600_000 }, () => {
  it('a resident holds DGCO and no gas; the API reports the balance', async () => {
    const client = createChainClient('eth', network.chains.eth);
    assert.equal(await client.getBalance({ address: buyer.wallet }), 0n, 'no ETH for gas');
    assert.equal(await balanceOf(buyer), DEMO_RESIDENT_DGCO);
    const { balance } = await buyer.sdk.wallet.balance({ wallet: buyer.wallet });
    assert.equal(balance, DEMO_RESIDENT_DGCO.toString());
    // The user model reports the wallet's balance too, on every node (cached a few seconds).
    await until('both discovery nodes report the balance on the user', async () => {
      for (const endpoint of discoveries) {
        const data = await getJson<
          { balance: string; total_balance: string }[] | { balance: string; total_balance: string }
        >(`${endpoint}/v1/users/${buyer.userId}`);
        const user = Array.isArray(data) ? data[0]! : data;
        const expected = DEMO_RESIDENT_DGCO.toString();
        if (user.balance !== expected || user.total_balance !== expected)
          return `${endpoint}: ${user.balance} / ${user.total_balance}`;
      }
      return true;
    });
  });

  it('refuses a purchase-gated track with its price, sells it split exactly, then streams it', async () => {
    const message = await assertRefused(buyer, priced);
    assert.ok(message.includes(formatEther(PRICE)), `the price is in "${message}"`);
    const info = await buyer.sdk.tracks.accessInfo(priced.id, { userId: buyer.userId });
    assert.equal(info.access.stream, false);
    assert.deepEqual(info.stream_conditions, {
      dgco_purchase: {
        price: PRICE.toString(),
        splits: [
          { user_id: decodeHashId(collaborator.userId), percentage: COLLABORATOR_PERCENTAGE },
          { user_id: decodeHashId(landlord.userId), percentage: 100 - COLLABORATOR_PERCENTAGE },
        ],
      },
    });
    // The preview stays free.
    assert.equal((await streamAs(buyer, priced, { preview: true })).status, 200);

    const before = await balancesOf(buyer, collaborator, landlord);
    const { txHash } = await buyer.sdk.purchases.buy({ userId: buyer.userId, trackId: priced.id });
    const after = await balancesOf(buyer, collaborator, landlord);
    // The canonical recipients: the collaborator, then the landlord, who gets the remainder.
    const shares = purchaseShares(
      [
        { user_id: decodeHashId(collaborator.userId), percentage: COLLABORATOR_PERCENTAGE },
        { user_id: decodeHashId(landlord.userId), percentage: 100 - COLLABORATOR_PERCENTAGE },
      ],
      decodeHashId(landlord.userId),
    );
    const [toCollaborator, toLandlord] = splitAmount(
      PRICE,
      shares.map((s) => s.basisPoints),
    );
    assert.equal(toCollaborator! + toLandlord!, PRICE);
    assert.deepEqual(
      after.map((b, i) => b - before[i]!),
      [-PRICE, toCollaborator, toLandlord],
    );
    assert.equal(toLandlord, (PRICE * 70n) / 100n + 1n, 'the rounding remainder is the landlord’s');

    await assertPurchaseRecorded(txHash, { type: 'track', id: priced.id }, PRICE);
    await assertStreams(buyer, priced);
    assert.equal(
      (await buyer.sdk.tracks.accessInfo(priced.id, { userId: buyer.userId })).access.stream,
      true,
    );
    // Someone who did not buy is still refused.
    await assertRefused(other, priced);
    await assertDigestsAgree();
  });

  it('refuses a tip-gated track until the resident tips its landlord', async () => {
    const message = await assertRefused(buyer, tipGated);
    assert.match(message, /tip/i);
    const before = await balancesOf(buyer, landlord);
    const { txHash } = await buyer.sdk.tips.send({
      userId: buyer.userId,
      toUserId: landlord.userId,
      amount: TIP,
    });
    const after = await balancesOf(buyer, landlord);
    assert.deepEqual(
      after.map((b, i) => b - before[i]!),
      [-TIP, TIP],
    );
    type TipRow = { amount: string; sender: { id: string }; receiver: { id: string } };
    await until('both discovery nodes record the tip', async () => {
      for (const endpoint of discoveries) {
        const tips = await getJson<(TipRow & { tx_signature: string })[]>(
          `${endpoint}/v1/tips?user_id=${buyer.userId}&limit=100`,
        );
        const tip = tips.find((t) => t.tx_signature.toLowerCase() === txHash.toLowerCase());
        if (!tip) return `${endpoint} has not recorded the tip`;
        assert.deepEqual(
          [tip.amount, tip.sender.id, tip.receiver.id],
          [TIP.toString(), buyer.userId, landlord.userId],
        );
        const supporters = await getJson<{ amount: string; sender: { id: string } }[]>(
          `${endpoint}/v1/users/${landlord.userId}/supporters`,
        );
        assert.equal(
          supporters.find((s) => s.sender.id === buyer.userId)?.amount,
          TIP.toString(),
          endpoint,
        );
      }
      return true;
    });
    await assertStreams(buyer, tipGated);
    await assertRefused(other, tipGated);
    await assertDigestsAgree();
  });

  it('an album’s purchase unlocks each of its tracks', async () => {
    for (const track of albumTracks) await assertRefused(buyer, track);
    const before = await balancesOf(buyer, landlord);
    const { txHash } = await buyer.sdk.purchases.buy({
      userId: buyer.userId,
      playlistId: albumId,
    });
    const after = await balancesOf(buyer, landlord);
    assert.deepEqual(
      after.map((b, i) => b - before[i]!),
      [-ALBUM_PRICE, ALBUM_PRICE],
    );
    await assertPurchaseRecorded(txHash, { type: 'playlist', id: albumId }, ALBUM_PRICE);
    for (const track of albumTracks) await assertStreams(buyer, track);
    assert.equal(
      (await buyer.sdk.playlists.accessInfo(albumId, { userId: buyer.userId })).access.stream,
      true,
    );
    for (const track of albumTracks) await assertRefused(other, track);
    await assertDigestsAgree();
  });

  it('refuses buying again (already_owned) and moves no money', async () => {
    const before = await balancesOf(buyer, collaborator, landlord);
    for (const content of [{ trackId: priced.id }, { playlistId: albumId }]) {
      await assert.rejects(
        buyer.sdk.purchases.buy({ userId: buyer.userId, ...content }),
        (error: unknown) =>
          isColivingSdkError(error) && error.code === 'already_owned'
            ? true
            : assert.fail(String(error)),
      );
    }
    // The landlord buying their own: refused too.
    await assert.rejects(
      landlord.sdk.purchases.buy({ userId: landlord.userId, trackId: priced.id }),
      (error: unknown) => isColivingSdkError(error) && error.code === 'own_content',
    );
    assert.deepEqual(await balancesOf(buyer, collaborator, landlord), before);
  });

  it('an authorization relayed twice, to either node, pays once (nonce_used)', async () => {
    const eth = createChainClient('eth', network.chains.eth);
    const { DgcoToken: token, PaymentRouter: router } = network.contracts.eth;
    const chainId = network.chains.eth.chainId;
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const authorization: PaymentAuthorization = {
      payer: other.wallet,
      token,
      amount: TIP,
      recipients: [landlord.wallet],
      basisPoints: [10_000],
      ref: tipPaymentRef(decodeHashId(landlord.userId)),
      nonce: 0xc011_1de5n,
      deadline,
    };
    const signature = await other.account.signTypedData(
      paymentTypedData(chainId, router, authorization),
    );
    // `other` has never approved PaymentRouter: the permit comes along.
    const permitNonce = await eth.readContract({
      address: token,
      abi: dgcoTokenAbi,
      functionName: 'nonces',
      args: [other.wallet],
    });
    const permitSignature = await other.account.signTypedData({
      domain: { name: 'Coliving', version: '1', chainId, verifyingContract: token },
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: { owner: other.wallet, spender: router, value: TIP, nonce: permitNonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(permitSignature);
    const body = JSON.stringify({
      authorization: paymentAuthorizationToJson(authorization),
      signature,
      permit: {
        value: TIP.toString(),
        deadline: deadline.toString(),
        v: Number(v ?? BigInt(yParity + 27)),
        r,
        s,
      },
    });
    const relay = async (endpoint: string) =>
      answerOf(
        await fetch(`${endpoint}/relay/payment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      );
    const before = await balancesOf(other, landlord);
    const first = await relay(discoveries[0]!);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal((first.body.data as { kind: string }).kind, 'tip');
    for (const endpoint of [discoveries[0]!, discoveries[1]!]) {
      const again = await relay(endpoint);
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error?.code, 'nonce_used');
    }
    assert.deepEqual(
      (await balancesOf(other, landlord)).map((b, i) => b - before[i]!),
      [-TIP, TIP],
    );
    await assertDigestsAgree();
  });
});
