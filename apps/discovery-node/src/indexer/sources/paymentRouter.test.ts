import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { type Address, type LocalAccount, parseEther } from 'viem';
import { encodeHashId } from '@coliving/protocol';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { judgePayment } from '../../core/payments.js';
import { contentAccess } from '../../core/streamAccess.js';
import type { DB } from '../../db/schema.js';
import { computeStateDigest } from '../../db/stateDigest.js';
import { createDiscoveryNode } from '../../server.js';
import { type TestPayment, fundPayers, pay } from '../../paymentTesting.js';
import {
  type ChainAction,
  ENGINES,
  openTestDatabase,
  registerReceiptSigner,
  requireEngine,
  submitActions,
  testReceiptVerifier,
} from '../../testing.js';
import { indexBlocks } from './entityManager.js';
import {
  DEVNET_PAYMENT_SETTLE_MS,
  type IndexPaymentsParameters,
  PAYMENT_SETTLE_MS,
  indexPayments,
  paymentTimeCeiling,
} from './paymentRouter.js';

const DGCO = (n: string) => parseEther(n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let network: TestNetwork;
let alice: LocalAccount; // user 11, the landlord
let bob: LocalAccount; // user 12, a buyer
let carol: LocalAccount; // user 13, a collaborator
let dave: LocalAccount; // user 14, a tipper
let eve: LocalAccount; // no user
/** What each payment should be recorded as, in chain order: a kind or a transfer's code. */
const expected: string[] = [];
let firstPurchaseBlock = 0;

function paymentsInit(db: Kysely<DB>): IndexPaymentsParameters {
  return {
    db,
    client: network.ethPublic,
    paymentRouter: network.manifest.contracts.eth.PaymentRouter,
    token: network.manifest.contracts.eth.DgcoToken,
    deployBlock: network.manifest.deployBlocks.eth.PaymentRouter,
    confirmations: 0,
    blocksPerRead: 50,
    dataClient: network.dataPublic,
    dataConfirmations: 0,
  };
}

async function indexEntities(db: Kysely<DB>, upTo?: number, blocksPerRead = 50): Promise<void> {
  for (;;) {
    const pass = await indexBlocks({
      db,
      client: network.dataPublic,
      entityManager: network.manifest.contracts.data.EntityManager,
      deployBlock: network.manifest.deployBlocks.data.EntityManager,
      confirmations: 0,
      blocksPerRead,
      eventsPerTransaction: 100,
      receipts: testReceiptVerifier(network),
    });
    if (pass.caughtUp || (upTo !== undefined && (pass.indexedBlock ?? 0) >= upTo)) return;
  }
}

async function indexAllPayments(
  db: Kysely<DB>,
  options: Partial<IndexPaymentsParameters> = {},
): Promise<number | undefined> {
  for (;;) {
    const pass = await indexPayments({ ...paymentsInit(db), ...options });
    if (pass.caughtUp) return pass.indexedBlock;
  }
}

async function recorded(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('payments')
    .select(['kind', 'reason_code'])
    .orderBy('block_number')
    .orderBy('log_index')
    .execute();
  return rows.map((r) => r.reason_code ?? r.kind);
}

/** Pays and notes what it should be recorded as. */
async function expectPayment(
  payer: LocalAccount,
  payment: TestPayment,
  as: string,
): Promise<number> {
  const { blockNumber } = await pay(network, payer, payment);
  expected.push(as);
  return blockNumber;
}

const purchase = (price: string, splits?: { user_id: number; percentage: number }[]) => ({
  dgco_purchase: { price: DGCO(price).toString(), ...(splits ? { splits } : {}) },
});

before(async () => {
  network = await startTestNetwork();
  [, alice, bob, carol, dave, eve] = network.accounts as [LocalAccount, ...LocalAccount[]] as [
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
  ];
  const signer = await registerReceiptSigner(network);
  await fundPayers(network, [alice, bob, dave, eve]);
  const user = (account: LocalAccount, id: number, handle: string): ChainAction => ({
    account,
    userId: id,
    entityType: 'User',
    entityId: id,
    action: 'Create',
    metadata: { handle, name: handle },
  });
  const track = async (id: number, title: string, extra: Record<string, unknown> = {}) => ({
    account: alice,
    userId: 11,
    entityType: 'Track',
    entityId: id,
    action: 'Create',
    metadata: await signer.withReceipt(alice.address, {
      title,
      genre: 'Electronic',
      track_cid: 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
      duration: 180,
      ...extra,
    }),
  });
  await submitActions(network, [
    user(alice, 11, 'alice'),
    user(bob, 12, 'bob'),
    user(carol, 13, 'carol'),
    user(dave, 14, 'dave'),
  ]);
  await submitActions(network, [
    // Carol gets 30 %, Alice the rest: the payment lists Carol first, the owner last.
    await track(101, 'Split', {
      stream_conditions: purchase('2', [
        { user_id: 11, percentage: 70 },
        { user_id: 13, percentage: 30 },
      ]),
    }),
    await track(102, 'Free'),
    await track(103, 'Deleted before', { stream_conditions: purchase('1') }),
    await track(104, 'Tip gated', { stream_conditions: { tip_user_id: 11 } }),
    await track(105, 'On the album', { stream_conditions: purchase('1') }),
    await track(106, 'Deleted after', { stream_conditions: purchase('1') }),
  ]);
  await submitActions(network, [
    {
      account: alice,
      userId: 11,
      entityType: 'Playlist',
      entityId: 301,
      action: 'Create',
      metadata: {
        playlist_name: 'LP',
        is_album: true,
        stream_conditions: purchase('3'),
        playlist_contents: { track_ids: [{ track: 105, time: 1_700_000_000 }] },
      },
    },
    { account: alice, userId: 11, entityType: 'Track', entityId: 103, action: 'Delete' },
  ]);
  // Block times have one-second steps: the payments are after every block above.
  await sleep(1100);

  const a = alice.address;
  const c = carol.address;
  firstPurchaseBlock = await expectPayment(
    bob,
    { ref: 'track:101', amount: DGCO('2'), recipients: [c, a], basisPoints: [3000, 7000] },
    'purchase',
  );
  // Bought again: money moved, so still a purchase.
  await expectPayment(
    bob,
    { ref: 'track:101', amount: DGCO('2'), recipients: [c, a], basisPoints: [3000, 7000] },
    'purchase',
  );
  await expectPayment(
    bob,
    { ref: 'track:101', amount: DGCO('1'), recipients: [c, a], basisPoints: [3000, 7000] },
    'wrong_amount',
  );
  await expectPayment(
    bob,
    { ref: 'track:101', amount: DGCO('2'), recipients: [a, c], basisPoints: [7000, 3000] },
    'wrong_splits',
  );
  await expectPayment(
    bob,
    { ref: 'track:101', amount: DGCO('2'), recipients: [a], basisPoints: [10000] },
    'wrong_splits',
  );
  await expectPayment(
    bob,
    { ref: 'track:102', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'not_for_sale',
  );
  await expectPayment(
    bob,
    { ref: 'track:103', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'deleted_content',
  );
  await expectPayment(
    bob,
    { ref: 'track:999', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'unknown_content',
  );
  // Made only after this payment: unknown at its time, whenever it is indexed.
  await expectPayment(
    bob,
    { ref: 'track:107', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'unknown_content',
  );
  // Deleted only after this payment: a purchase.
  await expectPayment(
    bob,
    { ref: 'track:106', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'purchase',
  );
  await expectPayment(
    bob,
    { ref: 'playlist:301', amount: DGCO('3'), recipients: [a], basisPoints: [10000] },
    'purchase',
  );
  await expectPayment(
    alice,
    { ref: 'track:101', amount: DGCO('2'), recipients: [c, a], basisPoints: [3000, 7000] },
    'own_content',
  );
  await expectPayment(
    eve,
    { ref: 'track:101', amount: DGCO('2'), recipients: [c, a], basisPoints: [3000, 7000] },
    'unknown_payer',
  );
  await expectPayment(
    dave,
    { ref: 'tip:11', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'tip',
  );
  await expectPayment(
    dave,
    { ref: 'tip:11', amount: DGCO('0.09'), recipients: [a], basisPoints: [10000] },
    'tip_too_small',
  );
  await expectPayment(
    dave,
    { ref: 'tip:11', amount: DGCO('1'), recipients: [c], basisPoints: [10000] },
    'wrong_recipient',
  );
  await expectPayment(
    dave,
    { ref: 'tip:11', amount: DGCO('1'), recipients: [a, c], basisPoints: [5000, 5000] },
    'wrong_recipient',
  );
  await expectPayment(
    bob,
    { ref: 'tip:12', amount: DGCO('1'), recipients: [bob.address], basisPoints: [10000] },
    'self_tip',
  );
  await expectPayment(
    bob,
    { ref: 'tip:999', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'unknown_user',
  );
  await expectPayment(
    bob,
    { ref: 'thanks', amount: DGCO('1'), recipients: [a], basisPoints: [10000] },
    'unknown_ref',
  );
  await expectPayment(
    bob,
    { ref: 'track:0101', amount: DGCO('2'), recipients: [c, a], basisPoints: [3000, 7000] },
    'unknown_ref',
  );
  // The eth chain's blocks run ahead of the clock here (many blocks a second): the data
  // chain's next block is after every payment, as it would be on chains that follow the clock.
  const ethTime = (await network.ethPublic.getBlock()).timestamp;
  await network.dataChain.provider.request({
    method: 'evm_setNextBlockTimestamp',
    params: [Number(ethTime) + 2],
  });

  // After the payments: a new track, a deletion, and a new price for track 101.
  await submitActions(network, [
    await track(107, 'Too late', { stream_conditions: purchase('1') }),
    { account: alice, userId: 11, entityType: 'Track', entityId: 106, action: 'Delete' },
    {
      account: alice,
      userId: 11,
      entityType: 'Track',
      entityId: 101,
      action: 'Update',
      metadata: { stream_conditions: purchase('5') },
    },
  ]);
});

after(async () => {
  await network?.stop();
});

describe('payment router source', () => {
  for (const engine of ENGINES) {
    it(`records every payment as a purchase, a tip or a transfer with its reason, judged as of its block's time (${engine})`, async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      try {
        const { db } = database;
        await indexEntities(db);
        await indexAllPayments(db);
        assert.deepEqual(await recorded(db), expected);

        const purchases = await db
          .selectFrom('purchases')
          .select(['buyer_user_id', 'seller_user_id', 'content_type', 'content_id', 'amount'])
          .orderBy('block_number')
          .execute();
        assert.deepEqual(purchases, [
          ...[0, 1].map(() => ({
            buyer_user_id: 12,
            seller_user_id: 11,
            content_type: 'track',
            content_id: 101,
            amount: DGCO('2').toString(),
          })),
          {
            buyer_user_id: 12,
            seller_user_id: 11,
            content_type: 'track',
            content_id: 106,
            amount: DGCO('1').toString(),
          },
          {
            buyer_user_id: 12,
            seller_user_id: 11,
            content_type: 'playlist',
            content_id: 301,
            amount: DGCO('3').toString(),
          },
        ]);
        const tips = await db
          .selectFrom('tips')
          .select(['sender_user_id', 'receiver_user_id', 'amount'])
          .execute();
        assert.deepEqual(tips, [
          { sender_user_id: 14, receiver_user_id: 11, amount: DGCO('1').toString() },
        ]);
        // Who got what of the first purchase: Carol 30 %, Alice the rest.
        const shares = await db
          .selectFrom('payment_shares')
          .select(['position', 'user_id', 'basis_points', 'amount'])
          .where('block_number', '=', firstPurchaseBlock)
          .orderBy('position')
          .execute();
        assert.deepEqual(shares, [
          { position: 0, user_id: 13, basis_points: 3000, amount: DGCO('0.6').toString() },
          { position: 1, user_id: 11, basis_points: 7000, amount: DGCO('1.4').toString() },
        ]);
        // The history of track 101's conditions: created at 2 DGCO, then 5.
        const history = await db
          .selectFrom('content_conditions')
          .select(['stream_conditions', 'is_deleted'])
          .where('content_type', '=', 'track')
          .where('content_id', '=', 101)
          .orderBy('block_number')
          .execute();
        assert.deepEqual(
          history.map(
            (h) => (h.stream_conditions as ReturnType<typeof purchase>).dgco_purchase.price,
          ),
          [DGCO('2').toString(), DGCO('5').toString()],
        );

        // A purchase unlocks the track; an album's, its tracks; a tip, the tip gate.
        const access = async (type: 'track' | 'playlist', id: number, userId: number) => {
          const row = await (type === 'track'
            ? db
                .selectFrom('tracks')
                .select(['owner_id', 'is_deleted', 'stream_conditions', 'download_conditions'])
                .where('track_id', '=', id)
                .executeTakeFirstOrThrow()
            : db
                .selectFrom('playlists')
                .select(['owner_id', 'is_deleted', 'stream_conditions'])
                .select((eb) => eb.val(null).as('download_conditions'))
                .where('playlist_id', '=', id)
                .executeTakeFirstOrThrow());
          return (
            await contentAccess(
              db,
              {
                type,
                id,
                ownerId: row.owner_id,
                isDeleted: row.is_deleted,
                streamConditions: row.stream_conditions,
                downloadConditions: row.download_conditions,
                isDownloadable: false,
              },
              userId,
            )
          ).stream;
        };
        assert.equal(await access('track', 101, 12), true, 'bought');
        assert.equal(await access('track', 105, 12), true, 'on the bought album');
        assert.equal(await access('playlist', 301, 12), true, 'the album itself');
        assert.equal(await access('track', 104, 14), true, 'tipped');
        assert.equal(await access('track', 101, 14), false, 'tipped, not bought');
        assert.equal(await access('track', 104, 12), false, 'bought, not tipped');
        assert.equal(await access('track', 107, 12), false, 'paid before it existed');
      } finally {
        await database.close();
      }
    });
  }

  it('judges in DGCO alone: a payment in another token is a transfer (wrong_token)', async () => {
    const database = await openTestDatabase('pglite');
    try {
      await indexEntities(database.db);
      await indexAllPayments(database.db);
      const payment = {
        payer: bob.address,
        token: network.manifest.contracts.eth.DgcoToken,
        amount: DGCO('2'),
        recipients: [carol.address, alice.address] as Address[],
        basisPoints: [3000, 7000],
        ref: 'track:101',
      };
      // Track 101 costs 5 DGCO now, and cost 2 before its update.
      const before = new Date(Date.now() - 2000);
      assert.equal(
        (await judgePayment(database.db, payment, 'now', { token: payment.token })).kind,
        'transfer',
      );
      const asOf = await database.db
        .selectFrom('content_conditions')
        .select('block_time')
        .where('content_id', '=', 101)
        .orderBy('block_number')
        .executeTakeFirstOrThrow();
      const then = await judgePayment(database.db, payment, asOf.block_time, {
        token: payment.token,
      });
      assert.equal(then.kind, 'purchase', JSON.stringify(then));
      assert.ok(before > asOf.block_time);
      // At today's price (all to Alice now), Bob's purchase is one he holds already; Dave's is new.
      const today = {
        ...payment,
        amount: DGCO('5'),
        recipients: [alice.address] as Address[],
        basisPoints: [10000],
      };
      const again = await judgePayment(database.db, today, 'now', {
        token: payment.token,
      });
      assert.equal(again.kind === 'purchase' && again.alreadyOwned, true);
      const fresh = await judgePayment(database.db, { ...today, payer: dave.address }, 'now', {
        token: payment.token,
      });
      assert.deepEqual(fresh.kind === 'purchase' && [fresh.alreadyOwned, fresh.payerUserId], [
        false,
        14,
      ]);
      const other = await judgePayment(database.db, payment, asOf.block_time, {
        token: network.manifest.contracts.eth.PaymentRouter,
      });
      assert.equal(other.kind === 'transfer' && other.code, 'wrong_token');
    } finally {
      await database.close();
    }
  });

  it('never judges a payment before the data chain is indexed past its time, and reaches the same digest however the two interleave, on both engines and after a reindex', async (t) => {
    const engines = (await requireEngine(t, 'postgres')) ? ENGINES : ['pglite' as const];
    const digests: unknown[] = [];
    for (const engine of engines) {
      const database = await openTestDatabase(engine);
      try {
        await indexEntities(database.db);
        await indexAllPayments(database.db);
        digests.push(await computeStateDigest(database.db));
      } finally {
        await database.close();
      }
    }
    const database = await openTestDatabase('pglite');
    try {
      const { db } = database;
      assert.equal(await indexAllPayments(db), undefined, 'no payments before any entity block');
      const head = Number(await network.dataPublic.getBlockNumber({ cacheTime: 0 }));
      for (let block = network.manifest.deployBlocks.data.EntityManager; block <= head; block++) {
        await indexEntities(db, block, 1);
        const indexed = await indexAllPayments(db, { blocksPerRead: 3 });
        if (indexed !== undefined && block < head) {
          const dataTime = (await network.dataPublic.getBlock({ blockNumber: BigInt(block) }))
            .timestamp;
          const ethTime = (await network.ethPublic.getBlock({ blockNumber: BigInt(indexed) }))
            .timestamp;
          assert.ok(ethTime <= dataTime, `eth block ${indexed} judged with data at ${block}`);
        }
      }
      assert.deepEqual(await recorded(db), expected);
      digests.push(await computeStateDigest(db));
    } finally {
      await database.close();
    }
    assert.ok(digests.length >= 2);
    for (const digest of digests.slice(1)) assert.deepEqual(digest, digests[0]);
  });

  it("at the data chain's head, judges eth blocks once they are the settle window old: 30 s by default, 5 s on a devnet", async () => {
    const database = await openTestDatabase('pglite');
    try {
      const { db } = database;
      const init = { dataClient: network.dataPublic, dataConfirmations: 0 };
      assert.equal(await paymentTimeCeiling(db, init), undefined, 'nothing before a checkpoint');
      await indexEntities(db);
      const head = await network.dataPublic.getBlock({ blockTag: 'latest' });
      const at = (Number(head.timestamp) + 100) * 1000;
      const now = () => at;
      assert.equal(PAYMENT_SETTLE_MS, 30_000);
      assert.equal(await paymentTimeCeiling(db, { ...init, now }), Number(head.timestamp) + 70);
      assert.equal(
        await paymentTimeCeiling(db, { ...init, now, settleMs: DEVNET_PAYMENT_SETTLE_MS }),
        Number(head.timestamp) + 95,
      );
      // With a data block the indexer has not read yet, only the checkpoint block's time bounds
      // it, however old the payments are.
      await network.mine(1, network.dataChain);
      assert.equal(
        await paymentTimeCeiling(db, { ...init, now, settleMs: DEVNET_PAYMENT_SETTLE_MS }),
        Number(head.timestamp) - 1,
      );
    } finally {
      await database.close();
    }
  });

  it('answers access-info, tips, supporters, supporting, purchases, sales and purchasers, and users with their DGCO balance', async () => {
    const database = await openTestDatabase('pglite');
    const node = await createDiscoveryNode(
      {
        database,
        manifest: network.manifest,
        dataClient: network.dataPublic,
        ethClient: network.ethPublic,
        account: network.accounts[5]!,
      },
      {
        version: 'test',
        dataConfirmations: 0,
        ethConfirmations: 0,
        pollIntervalMs: 50,
        publicUrl: 'http://127.0.0.1:5000',
        trendingIntervalMs: 0,
      },
    );
    await node.start();
    const get = async <T>(url: string): Promise<T> => {
      const res = await node.app.inject({ url });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      return res.json<{ data: T }>().data;
    };
    const h = encodeHashId;
    try {
      await node.paymentsIndexer.waitFor(Number(await network.ethPublic.getBlockNumber()));

      type AccessInfo = { access: { stream: boolean; download: boolean }; user_id: string };
      const info = (kind: string, id: number, userId?: number) =>
        get<AccessInfo>(
          `/v1/${kind}/${h(id)}/access-info${userId === undefined ? '' : `?user_id=${h(userId)}`}`,
        );
      assert.deepEqual((await info('tracks', 101, 12)).access, { stream: true, download: false });
      assert.equal((await info('tracks', 101, 14)).access.stream, false);
      assert.equal((await info('tracks', 101)).access.stream, false);
      assert.equal((await info('tracks', 101)).user_id, h(11));
      assert.equal((await info('tracks', 105, 12)).access.stream, true, 'album bought');
      assert.equal((await info('playlists', 301, 12)).access.stream, true);
      assert.equal((await info('playlists', 301, 14)).access.stream, false);
      assert.equal((await info('tracks', 104, 14)).access.stream, true, 'tipped');
      const gone = await node.app.inject({ url: `/v1/tracks/${h(106)}/access-info` });
      assert.equal(gone.statusCode, 404);
      // The track itself carries the same access for user_id.
      const track = await get<{ access: { stream: boolean } }>(
        `/v1/tracks/${h(101)}?user_id=${h(12)}`,
      );
      assert.equal(track.access.stream, true);

      type Tip = { amount: string; sender: { id: string }; receiver: { id: string }; slot: number };
      const tips = await get<Tip[]>('/v1/tips');
      assert.deepEqual(
        tips.map((t) => [t.amount, t.sender.id, t.receiver.id]),
        [[DGCO('1').toString(), h(14), h(11)]],
      );
      assert.deepEqual(await get<Tip[]>(`/v1/tips?user_id=${h(12)}`), []);
      const supporters = await get<{ rank: number; amount: string; sender: { id: string } }[]>(
        `/v1/users/${h(11)}/supporters`,
      );
      assert.deepEqual(
        supporters.map((s) => [s.rank, s.amount, s.sender.id]),
        [[1, DGCO('1').toString(), h(14)]],
      );
      const supporting = await get<{ rank: number; receiver: { id: string } }[]>(
        `/v1/users/${h(14)}/supporting`,
      );
      assert.deepEqual(
        supporting.map((s) => [s.rank, s.receiver.id]),
        [[1, h(11)]],
      );

      type Purchase = {
        content_type: string;
        content_id: string;
        amount: string;
        buyer_user_id: string;
      };
      const purchases = await get<Purchase[]>(`/v1/users/${h(12)}/purchases`);
      assert.deepEqual(
        purchases.map((p) => [p.content_type, p.content_id, p.amount]),
        [
          ['playlist', h(301), DGCO('3').toString()],
          ['track', h(106), DGCO('1').toString()],
          ['track', h(101), DGCO('2').toString()],
          ['track', h(101), DGCO('2').toString()],
        ],
      );
      const sales = await get<Purchase[]>(`/v1/users/${h(11)}/sales`);
      assert.equal(sales.length, 4);
      assert.ok(sales.every((s) => s.buyer_user_id === h(12)));
      const aggregate = await get<
        { content_type: string; content_id: string; purchase_count: number; amount: string }[]
      >(`/v1/users/${h(11)}/sales/aggregate`);
      assert.deepEqual(aggregate, [
        {
          content_type: 'track',
          content_id: h(101),
          purchase_count: 2,
          amount: DGCO('4').toString(),
        },
        {
          content_type: 'playlist',
          content_id: h(301),
          purchase_count: 1,
          amount: DGCO('3').toString(),
        },
        {
          content_type: 'track',
          content_id: h(106),
          purchase_count: 1,
          amount: DGCO('1').toString(),
        },
      ]);
      const purchasers = await get<{ id: string }[]>(
        `/v1/users/${h(11)}/purchasers?content_type=playlist&content_id=${h(301)}`,
      );
      assert.deepEqual(
        purchasers.map((u) => u.id),
        [h(12)],
      );
      assert.deepEqual(await get(`/v1/users/${h(11)}/purchasers?content_id=${h(104)}`), []);

      // Balances: the wallet's DGCO on the eth chain, exactly, as indexed from its transfers.
      await node.balancesIndexer.waitFor(Number(await network.ethPublic.getBlockNumber()));
      const user = await get<{ balance: string; total_balance: string }>(`/v1/users/${h(12)}`);
      const onChain = (await network.balanceOf(bob.address)).toString();
      assert.equal(user.balance, onChain);
      assert.equal(user.total_balance, onChain);
      assert.notEqual(onChain, '0');
    } finally {
      await node.stop();
      await database.close();
    }
  });
});
