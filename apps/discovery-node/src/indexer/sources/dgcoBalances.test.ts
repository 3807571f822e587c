import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { type Address, type LocalAccount, parseEther, parseSignature } from 'viem';
import { createChainWallet } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import {
  PERMIT_TYPES,
  type PaymentAuthorization,
  encodeHashId,
  paymentTypedData,
} from '@coliving/protocol';
import type { DB } from '../../db/schema.js';
import { computeStateDigest } from '../../db/stateDigest.js';
import { type TestPayment, fundPayers, pay } from '../../paymentTesting.js';
import { createDiscoveryNode } from '../../server.js';
import {
  type ChainAction,
  type ReceiptSigner,
  indexEntityManager,
  openTestDatabase,
  registerReceiptSigner,
  submitActions,
} from '../../testing.js';
import { type IndexBalancesParameters, indexBalances } from './dgcoBalances.js';

const DGCO = (n: string) => parseEther(n);

let network: TestNetwork;
let signer: ReceiptSigner;
let alice: LocalAccount; // user 11, a landlord with track 101
let bob: LocalAccount; // user 12
let carol: LocalAccount; // user 13, no approval: pays with a permit
let dave: LocalAccount; // user 14, a tipper
let eve: LocalAccount; // no user

function balancesInit(db: Kysely<DB>): IndexBalancesParameters {
  return {
    db,
    client: network.ethPublic,
    token: network.manifest.contracts.eth.DgcoToken,
    deployBlock: network.manifest.deployBlocks.eth.DgcoToken,
    confirmations: 0,
    blocksPerRead: 50,
  };
}

async function indexAllBalances(
  db: Kysely<DB>,
  options: Partial<IndexBalancesParameters> = {},
): Promise<number | undefined> {
  for (;;) {
    const pass = await indexBalances({ ...balancesInit(db), ...options });
    if (pass.caughtUp) return pass.indexedBlock;
  }
}

/** Every indexed wallet's balance, and whether each equals the chain's at `block`. */
async function assertMatchesChain(db: Kysely<DB>, block: number): Promise<Map<string, string>> {
  const rows = await db.selectFrom('wallet_balances').select(['wallet', 'balance']).execute();
  const onChain = await Promise.all(
    rows.map((r) =>
      network.ethPublic.readContract({
        address: network.manifest.contracts.eth.DgcoToken,
        abi: dgcoTokenAbi,
        functionName: 'balanceOf',
        args: [r.wallet as Address],
        blockNumber: BigInt(block),
      }),
    ),
  );
  for (const [i, row] of rows.entries()) {
    assert.equal(row.balance, onChain[i]!.toString(), `${row.wallet} at block ${block}`);
    assert.equal(row.wallet, row.wallet.toLowerCase());
  }
  const supply = await network.ethPublic.readContract({
    address: network.manifest.contracts.eth.DgcoToken,
    abi: dgcoTokenAbi,
    functionName: 'totalSupply',
    blockNumber: BigInt(block),
  });
  assert.equal(
    rows.reduce((sum, r) => sum + BigInt(r.balance), 0n),
    supply,
    'the balances sum to the supply',
  );
  return new Map(rows.map((r) => [r.wallet, r.balance]));
}

async function transfer(from: LocalAccount, to: Address, amount: bigint): Promise<void> {
  const wallet = createChainWallet('eth', network.manifest.chains.eth, from);
  await network.mined(
    await wallet.writeContract({
      address: network.manifest.contracts.eth.DgcoToken,
      abi: dgcoTokenAbi,
      functionName: 'transfer',
      args: [to, amount],
    }),
  );
}

/** `payer`, who never approved PaymentRouter, pays with an EIP-2612 permit in the same call. */
async function payWithPermit(payer: LocalAccount, payment: TestPayment): Promise<void> {
  const { chains, contracts } = network.manifest;
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const authorization: PaymentAuthorization = {
    payer: payer.address,
    token: contracts.eth.DgcoToken,
    amount: payment.amount,
    recipients: payment.recipients,
    basisPoints: payment.basisPoints,
    ref: payment.ref,
    nonce: BigInt(Math.floor(Math.random() * 2 ** 48)),
    deadline,
  };
  const signature = await payer.signTypedData(
    paymentTypedData(chains.eth.chainId, contracts.eth.PaymentRouter, authorization),
  );
  const nonce = await network.ethPublic.readContract({
    address: contracts.eth.DgcoToken,
    abi: dgcoTokenAbi,
    functionName: 'nonces',
    args: [payer.address],
  });
  const permit = parseSignature(
    await payer.signTypedData({
      domain: {
        name: 'Coliving',
        version: '1',
        chainId: chains.eth.chainId,
        verifyingContract: contracts.eth.DgcoToken,
      },
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: {
        owner: payer.address,
        spender: contracts.eth.PaymentRouter,
        value: payment.amount,
        nonce,
        deadline,
      },
    }),
  );
  const gas = createChainWallet('eth', chains.eth, network.accounts[19]!);
  await network.mined(
    await gas.writeContract({
      address: contracts.eth.PaymentRouter,
      abi: paymentRouterAbi,
      functionName: 'payBySig',
      args: [
        authorization,
        signature,
        { value: payment.amount, deadline, v: Number(permit.v), r: permit.r, s: permit.s },
      ],
    }),
  );
}

/** A data-chain block timed after the eth chain's head, so payments up to it can be judged. */
async function settlePayments(): Promise<void> {
  const ethTime = (await network.ethPublic.getBlock()).timestamp;
  await network.dataChain.provider.request({
    method: 'evm_setNextBlockTimestamp',
    params: [Number(ethTime) + 2],
  });
  // Any action mines a block; a second Create of user 15 is skipped, and mines one too.
  await submitActions(network, [
    {
      account: eve,
      userId: 15,
      entityType: 'User',
      entityId: 15,
      action: 'Create',
      metadata: { handle: 'eve', name: 'eve' },
    },
  ]);
}

before(async () => {
  network = await startTestNetwork();
  [, , alice, bob, carol, dave, eve] = network.accounts as LocalAccount[] as [
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
  ];
  signer = await registerReceiptSigner(network);
  await fundPayers(network, [bob, dave]);
  const user = (account: LocalAccount, id: number, handle: string): ChainAction => ({
    account,
    userId: id,
    entityType: 'User',
    entityId: id,
    action: 'Create',
    metadata: { handle, name: handle },
  });
  await submitActions(network, [
    user(alice, 11, 'alice'),
    user(bob, 12, 'bob'),
    user(carol, 13, 'carol'),
    user(dave, 14, 'dave'),
  ]);
  await submitActions(network, [
    {
      account: alice,
      userId: 11,
      entityType: 'Track',
      entityId: 101,
      action: 'Create',
      metadata: await signer.withReceipt(alice.address, {
        title: 'Open',
        genre: 'Electronic',
        track_cid: 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
        duration: 180,
      }),
    },
  ]);

  // Block times have one-second steps: the payments are after every data block above.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  // A transfer, a mint (Governance) to a wallet with no user, a burn, and payments: one with a
  // permit from a payer who never approved the router, and a tip split to nobody but Alice.
  await transfer(bob, carol.address, DGCO('10'));
  const governance = await network.impersonate(network.manifest.contracts.eth.Governance);
  await network.mined(await governance.token.write.mint([eve.address, DGCO('7')]));
  await network.mined(await network.contractsFor(bob).token.write.burn([DGCO('1.5')]));
  await payWithPermit(carol, {
    ref: 'thanks',
    amount: DGCO('4'),
    recipients: [alice.address, eve.address],
    basisPoints: [7500, 2500],
  });
  await pay(network, dave, {
    ref: 'tip:11',
    amount: DGCO('2'),
    recipients: [alice.address],
    basisPoints: [10000],
  });
});

after(async () => {
  await network?.stop();
});

describe('DGCO balances source', () => {
  it('sums transfers, mints, burns and permit payments into exactly the balances on chain, and a reindex reaches the same digest', async () => {
    const digests = [];
    for (const blocksPerRead of [50, 1]) {
      const database = await openTestDatabase('pglite');
      try {
        const { db } = database;
        await indexEntityManager(db, network);
        const block = await indexAllBalances(db, { blocksPerRead });
        assert.equal(block, Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));
        const balances = await assertMatchesChain(db, block);
        const of = (a: LocalAccount) => balances.get(a.address.toLowerCase());
        assert.equal(of(alice), DGCO('5').toString(), '3 of the permit payment, then a 2 tip');
        assert.equal(of(carol), DGCO('6').toString(), '10 received, 4 paid with a permit');
        assert.equal(of(eve), DGCO('8').toString(), 'minted 7, then 1 of the payment');
        assert.equal(of(bob), DGCO('988.5').toString(), '1000 - 10 sent - 1.5 burnt');
        assert.equal(of(dave), DGCO('998').toString());
        assert.equal(balances.has('0x0000000000000000000000000000000000000000'), false);
        digests.push(await computeStateDigest(db));
      } finally {
        await database.close();
      }
    }
    assert.deepEqual(digests[1], digests[0]);
    assert.ok(digests[0]!.balances_block > 0);
  });

  it('answers the indexed balance and tip counts on users wherever they appear, and kept tracks follow transfers and tips', async () => {
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
    type User = {
      id: string;
      balance: string;
      total_balance: string;
      supporter_count: number;
      supporting_count: number;
    };
    const get = async <T>(url: string): Promise<T> => {
      const res = await node.app.inject({ url });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      return res.json<{ data: T }>().data;
    };
    const h = encodeHashId;
    const owner = async () => (await get<{ user: User }>(`/v1/tracks/${h(101)}`)).user;
    const ethHead = async () => Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 }));
    await node.start();
    try {
      await settlePayments();
      await node.dataIndexer.waitFor(Number(await network.dataPublic.getBlockNumber()));
      await node.balancesIndexer.waitFor(await ethHead());
      await node.paymentsIndexer.waitFor(await ethHead());

      const expected = (await network.balanceOf(alice.address)).toString();
      assert.equal(expected, DGCO('5').toString());
      const alone = await get<User>(`/v1/users/${h(11)}`);
      assert.deepEqual(
        [alone.balance, alone.total_balance, alone.supporter_count, alone.supporting_count],
        [expected, expected, 1, 0],
      );
      const nested = await owner();
      assert.deepEqual([nested.balance, nested.total_balance], [expected, expected]);
      assert.equal(nested.supporter_count, 1);
      const daveUser = await get<User>(`/v1/users/${h(14)}`);
      assert.deepEqual([daveUser.balance, daveUser.supporting_count], [DGCO('998').toString(), 1]);
      const supporters = await get<{ sender: User }[]>(`/v1/users/${h(11)}/supporters`);
      assert.deepEqual(
        supporters.map((s) => [s.sender.id, s.sender.balance]),
        [[h(14), DGCO('998').toString()]],
      );
      const tips = await get<{ receiver: User }[]>('/v1/tips');
      assert.equal(tips[0]!.receiver.balance, expected);

      // A plain transfer to Alice: the kept track's owner shows it once the block is indexed.
      await transfer(bob, alice.address, DGCO('0.25'));
      await node.balancesIndexer.waitFor(await ethHead());
      assert.equal((await owner()).balance, DGCO('5.25').toString());
      assert.equal((await get<User>(`/v1/users/${h(11)}`)).balance, DGCO('5.25').toString());

      // A tip from Bob: the balance moves first (its source does not wait for the data chain),
      // then the supporter count, when the payment is judged; the kept track follows both.
      await pay(network, bob, {
        ref: 'tip:11',
        amount: DGCO('1'),
        recipients: [alice.address],
        basisPoints: [10000],
      });
      await node.balancesIndexer.waitFor(await ethHead());
      const moved = await owner();
      assert.equal(moved.balance, DGCO('6.25').toString());
      await settlePayments();
      await node.dataIndexer.waitFor(Number(await network.dataPublic.getBlockNumber()));
      await node.paymentsIndexer.waitFor(await ethHead());
      assert.equal((await owner()).supporter_count, 2);
      assert.equal((await get<User>(`/v1/users/${h(12)}`)).supporting_count, 1);
      // Tipping again adds to the total, not to the count of supporters.
      assert.equal(
        (await get<{ sender: User }[]>(`/v1/users/${h(11)}/supporters`)).length,
        2,
        'Dave and Bob',
      );
      const health = await node.app.inject({ url: '/health_check' });
      const report = health.json<{ data: { balances: { indexedBlock: number } } }>();
      assert.equal(report.data.balances.indexedBlock, await ethHead());
    } finally {
      await node.stop();
      await database.close();
    }
  });
});
