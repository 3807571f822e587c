// The payment relay on a real local eth chain and database: payments signed by residents with no
// gas, submitted by the node's gas wallet; each refusal before gas with its code; tampering and
// replays refused; exactly the money signed for moves. Tests run in order on one chain, one
// database and one relay, each starting from the balances and nonces the ones before it left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Address, type Hex, type LocalAccount, parseEther, parseSignature } from 'viem';
import { createChainWallet, fundAccounts } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { dgcoTokenAbi } from '@coliving/contracts';
import {
  PERMIT_TYPES,
  type PaymentAuthorization,
  type PaymentRelayBody,
  paymentAuthorizationToJson,
  paymentTypedData,
  purchaseShares,
  splitAmount,
} from '@coliving/protocol';
import { createApp } from '@coliving/server-kit';
import { registerPaymentRelayRoutes } from '../api/paymentRelay.js';
import type { Database } from '../db/database.js';
import { indexPayments } from '../indexer/sources/paymentRouter.js';
import { indexEntityManager, openTestDatabase, submitActions } from '../testing.js';
import { type PaymentRelayInit, createPaymentRelay } from './paymentRelay.js';

const ALICE = 1; // the landlord
const BOB = 2; // the buyer
const CAROL = 3; // alice's collaborator
const DAVE = 4; // a user with no DGCO
const FOR_SALE = 10; // an album of alice's, 3 DGCO, 33.33% to carol
const FREE = 11; // a playlist of alice's, not for sale
const PRICE = parseEther('3');
const SPLITS = [
  { user_id: CAROL, percentage: 33.33 },
  { user_id: ALICE, percentage: 66.67 },
];

let network: TestNetwork;
let database: Database;
let gas: LocalAccount;
let app: FastifyInstance;
let alice: LocalAccount;
let bob: LocalAccount;
let carol: LocalAccount;
let dave: LocalAccount;
let mallory: LocalAccount;
let token: Address;
let router: Address;

type Intent = Partial<PaymentAuthorization>;

/** Signs a payment by `payer` (and, with `permit`, a permit of its amount) and builds its body. */
async function signPayment(
  payer: LocalAccount,
  intent: Intent,
  options: { permit?: boolean; permitValue?: bigint; permitSigner?: LocalAccount } = {},
): Promise<PaymentRelayBody> {
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const authorization: PaymentAuthorization = {
    payer: payer.address,
    token,
    amount: parseEther('1'),
    recipients: [alice.address],
    basisPoints: [10_000],
    ref: `tip:${ALICE}`,
    nonce: BigInt(Math.floor(Math.random() * 2 ** 48)),
    deadline,
    ...intent,
  };
  const chainId = network.manifest.chains.eth.chainId;
  const signature = await payer.signTypedData(paymentTypedData(chainId, router, authorization));
  let permit: PaymentRelayBody['permit'] = null;
  if (options.permit) {
    const value = options.permitValue ?? authorization.amount;
    const nonce = await network.ethPublic.readContract({
      address: token,
      abi: dgcoTokenAbi,
      functionName: 'nonces',
      args: [payer.address],
    });
    const signed = await (options.permitSigner ?? payer).signTypedData({
      domain: { name: 'Coliving', version: '1', chainId, verifyingContract: token },
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: { owner: payer.address, spender: router, value, nonce, deadline },
    });
    const { r, s, v } = parseSignature(signed);
    permit = { value: value.toString(), deadline: deadline.toString(), v: Number(v), r, s };
  }
  return { authorization: paymentAuthorizationToJson(authorization), signature, permit };
}

/** The wallets and basis points a purchase of FOR_SALE pays. */
function saleIntent(amount = PRICE): Intent {
  const wallets: Record<number, Address> = {
    [ALICE]: alice.address,
    [CAROL]: carol.address,
  };
  const shares = purchaseShares(SPLITS, ALICE);
  return {
    amount,
    recipients: shares.map((s) => wallets[s.userId]!),
    basisPoints: shares.map((s) => s.basisPoints),
    ref: `playlist:${FOR_SALE}`,
  };
}

function paymentApp(init: PaymentRelayInit = {}, account: LocalAccount | null = gas) {
  const target = createApp({ logger: false });
  registerPaymentRelayRoutes(target, {
    relay: createPaymentRelay(
      {
        db: database.db,
        client: network.ethPublic,
        account: account ?? undefined,
        token,
        paymentRouter: router,
      },
      init,
    ),
  });
  return target;
}

function post(target: FastifyInstance, body: unknown) {
  return target.inject({ method: 'POST', url: '/relay/payment', payload: body as object });
}

/** What a refused request must leave untouched: the gas wallet's nonce and the chain's head. */
async function chainState() {
  return {
    nonce: await network.ethPublic.getTransactionCount({ address: gas.address }),
    block: await network.ethPublic.getBlockNumber({ cacheTime: 0 }),
  };
}

function balances(...accounts: LocalAccount[]) {
  return Promise.all(accounts.map((a) => network.balanceOf(a.address)));
}

function expectError(
  res: { statusCode: number; json: () => unknown },
  status: number,
  code: string,
) {
  const body = res.json() as { error?: { code?: string } };
  assert.equal(res.statusCode, status, JSON.stringify(body));
  assert.equal(body.error?.code, code, JSON.stringify(body));
}

/** Records the eth chain's payments as the indexer does, past the data chain's time bound. */
async function indexAllPayments(): Promise<void> {
  const deployBlock = network.manifest.deployBlocks.eth.PaymentRouter;
  for (;;) {
    const pass = await indexPayments({
      db: database.db,
      client: network.ethPublic,
      paymentRouter: router,
      token,
      deployBlock,
      confirmations: 0,
      blocksPerRead: 100,
      dataClient: network.dataPublic,
      dataConfirmations: 0,
      // The data chain's indexed head is then past every eth block mined so far.
      now: () => Date.now() + 10 * 60_000,
    });
    if (pass.indexedBlock === pass.headBlock) return;
  }
}

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  const account = (i: number) => network.accounts[i]!;
  [alice, bob, carol, dave, mallory] = [account(1), account(2), account(3), account(4), account(5)];
  gas = network.accounts[16]!;
  token = network.manifest.contracts.eth.DgcoToken;
  router = network.manifest.contracts.eth.PaymentRouter;
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [alice.address, bob.address, carol.address, mallory.address],
    dgco: parseEther('100'),
  });
  // Dave holds DGCO only if a dev account starts with some; give his away.
  const daveBalance = await network.balanceOf(dave.address);
  if (daveBalance > 0n) {
    await network.mined(
      await createChainWallet('eth', network.manifest.chains.eth, dave).writeContract({
        address: token,
        abi: dgcoTokenAbi,
        functionName: 'transfer',
        args: [network.deployer.address, daveBalance],
      }),
    );
  }
  const user = (account: LocalAccount, id: number, handle: string) => ({
    account,
    userId: id,
    entityType: 'User',
    entityId: id,
    action: 'Create',
    metadata: { handle, name: handle },
  });
  await submitActions(network, [
    user(alice, ALICE, 'alice'),
    user(bob, BOB, 'bob'),
    user(carol, CAROL, 'carol'),
    user(dave, DAVE, 'dave'),
  ]);
  await submitActions(network, [
    {
      account: alice,
      userId: ALICE,
      entityType: 'Playlist',
      entityId: FOR_SALE,
      action: 'Create',
      metadata: {
        playlist_name: 'For sale',
        is_album: true,
        playlist_contents: { track_ids: [] },
        stream_conditions: { dgco_purchase: { price: PRICE.toString(), splits: SPLITS } },
      },
    },
    {
      account: alice,
      userId: ALICE,
      entityType: 'Playlist',
      entityId: FREE,
      action: 'Create',
      metadata: { playlist_name: 'Free', playlist_contents: { track_ids: [] } },
    },
  ]);
  await indexEntityManager(database.db, network);
  // Every request here comes from one address and a few wallets: limits are tested on their own.
  const many = 1000;
  app = paymentApp({
    limits: {
      paymentsPerIpMinute: many,
      paymentsPerIpHour: many,
      paymentsPerWalletMinute: many,
      paymentsPerWalletHour: many,
    },
  });
});

after(async () => {
  await app?.close();
  await database?.close();
  await network?.stop();
});

describe('payment relay', () => {
  it('answers what a client needs to sign, and a wallet’s balance, allowance and permit nonce', async () => {
    const res = await app.inject({ url: `/v1/payments/info?wallet=${bob.address}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      data: {
        chain_id: network.manifest.chains.eth.chainId,
        token,
        payment_router: router,
        min_tip: parseEther('0.1').toString(),
        permit_domain: { name: 'Coliving', version: '1' },
        balance: parseEther('100').toString(),
        allowance: '0',
        permit_nonce: '0',
      },
    });
    const bare = await app.inject({ url: '/v1/payments/info' });
    assert.equal(bare.json<{ data: { balance?: string } }>().data.balance, undefined);
    expectError(await app.inject({ url: '/v1/payments/info?wallet=0x12' }), 400, 'invalid_wallet');
  });

  it('relays a purchase with a permit and moves exactly the price, split as signed', async () => {
    const before = await balances(alice, bob, carol, gas);
    const gasEth = await network.ethPublic.getBalance({ address: gas.address });
    const bobEth = await network.ethPublic.getBalance({ address: bob.address });
    const intent = saleIntent();
    const res = await post(app, await signPayment(bob, intent, { permit: true }));
    assert.equal(res.statusCode, 200, res.body);
    const { data } = res.json<{
      data: { tx_hash: Hex; block_number: number; kind: string; payment: { payer: string } };
    }>();
    assert.equal(data.kind, 'purchase');
    assert.equal(data.payment.payer, bob.address);
    const receipt = await network.ethPublic.getTransactionReceipt({ hash: data.tx_hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from, gas.address.toLowerCase());
    assert.equal(Number(receipt.blockNumber), data.block_number);
    const [carolShare, aliceShare] = splitAmount(PRICE, intent.basisPoints!);
    const afterward = await balances(alice, bob, carol, gas);
    assert.equal(afterward[0]! - before[0]!, aliceShare);
    assert.equal(before[1]! - afterward[1]!, PRICE);
    assert.equal(afterward[2]! - before[2]!, carolShare);
    assert.equal(carolShare! + aliceShare!, PRICE);
    // The gas wallet paid the gas; the buyer paid none.
    assert.ok((await network.ethPublic.getBalance({ address: gas.address })) < gasEth);
    assert.equal(await network.ethPublic.getBalance({ address: bob.address }), bobEth);
  });

  it('refuses a replayed authorization with 409 nonce_used and moves nothing', async () => {
    const body = await signPayment(bob, { amount: parseEther('0.5') }, { permit: true });
    assert.equal((await post(app, body)).statusCode, 200);
    const state = await chainState();
    const money = await balances(alice, bob);
    expectError(await post(app, body), 409, 'nonce_used');
    assert.deepEqual(await chainState(), state);
    assert.deepEqual(await balances(alice, bob), money);
  });

  it('pays once when the same payment is relayed twice at the same time', async () => {
    const body = await signPayment(bob, { amount: parseEther('0.25') }, { permit: true });
    const before = await balances(alice, bob);
    const answers = await Promise.all([post(app, body), post(app, body)]);
    assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 409]);
    expectError(
      answers.find((r) => r.statusCode === 409)!,
      409,
      'nonce_used',
    );
    const afterward = await balances(alice, bob);
    assert.equal(afterward[0]! - before[0]!, parseEther('0.25'));
    assert.equal(before[1]! - afterward[1]!, parseEther('0.25'));
  });

  it('refuses any field changed after signing as invalid_signature, before gas', async () => {
    const state = await chainState();
    const body = await signPayment(bob, saleIntent(), { permit: true });
    const a = body.authorization;
    const tampered: PaymentRelayBody['authorization'][] = [
      { ...a, amount: (PRICE - 1n).toString() },
      { ...a, recipients: [mallory.address, a.recipients[1]!] },
      { ...a, basis_points: [5000, 5000] },
      { ...a, ref: `playlist:${FREE}` },
      { ...a, nonce: (BigInt(a.nonce) + 1n).toString() },
      { ...a, deadline: (BigInt(a.deadline) + 1n).toString() },
      { ...a, payer: mallory.address },
    ];
    for (const authorization of tampered) {
      expectError(await post(app, { ...body, authorization }), 401, 'invalid_signature');
    }
    // A signature by someone else for the payer.
    const byMallory = await signPayment(mallory, { ...saleIntent(), payer: bob.address });
    expectError(await post(app, byMallory), 401, 'invalid_signature');
    assert.deepEqual(await chainState(), state);
  });

  it('refuses a malformed body or an expired authorization with 400', async () => {
    const state = await chainState();
    expectError(await post(app, {}), 400, 'invalid_payment');
    const good = await signPayment(bob, {}, { permit: true });
    expectError(
      await post(app, { ...good, authorization: { ...good.authorization, amount: '-1' } }),
      400,
      'invalid_payment',
    );
    expectError(await post(app, { ...good, signature: 'nope' }), 400, 'invalid_payment');
    expectError(await post(app, { ...good, permit: { v: 27 } }), 400, 'invalid_payment');
    expectError(
      await post(app, await signPayment(bob, { recipients: [], basisPoints: [] })),
      400,
      'invalid_payment',
    );
    expectError(
      await post(
        app,
        await signPayment(bob, { deadline: BigInt(Math.floor(Date.now() / 1000) - 1) }),
      ),
      400,
      'authorization_expired',
    );
    assert.deepEqual(await chainState(), state);
  });

  it('refuses a payer short of DGCO (402 insufficient_balance) or of allowance (402 insufficient_allowance)', async () => {
    const state = await chainState();
    expectError(
      await post(app, await signPayment(dave, {}, { permit: true })),
      402,
      'insufficient_balance',
    );
    // No permit and no approval; then a permit for less, or signed by someone else.
    expectError(await post(app, await signPayment(bob, {})), 402, 'insufficient_allowance');
    expectError(
      await post(app, await signPayment(bob, {}, { permit: true, permitValue: 1n })),
      402,
      'insufficient_allowance',
    );
    expectError(
      await post(app, await signPayment(bob, {}, { permit: true, permitSigner: mallory })),
      402,
      'insufficient_allowance',
    );
    assert.deepEqual(await chainState(), state);
  });

  it('refuses what would not count as a tip or a purchase, with judgePayment’s code', async () => {
    const state = await chainState();
    const refusals: [LocalAccount, Intent, number, string][] = [
      [alice, saleIntent(), 409, 'own_content'],
      [bob, { ...saleIntent(), ref: `playlist:${FREE}` }, 400, 'not_for_sale'],
      [bob, { ...saleIntent(), ref: 'playlist:99' }, 400, 'unknown_content'],
      [bob, saleIntent(PRICE - 1n), 400, 'wrong_amount'],
      [bob, { ...saleIntent(), recipients: [alice.address, carol.address] }, 400, 'wrong_splits'],
      [bob, { amount: parseEther('0.09') }, 400, 'tip_too_small'],
      [bob, { recipients: [bob.address], ref: `tip:${BOB}` }, 400, 'self_tip'],
      [bob, { recipients: [carol.address] }, 400, 'wrong_recipient'],
      [bob, { ref: 'tip:99', recipients: [mallory.address] }, 400, 'unknown_user'],
      [bob, { ref: 'thanks' }, 400, 'unknown_ref'],
      [mallory, {}, 400, 'unknown_payer'],
    ];
    for (const [payer, intent, status, code] of refusals) {
      expectError(
        await post(app, await signPayment(payer, intent, { permit: true })),
        status,
        code,
      );
    }
    assert.deepEqual(await chainState(), state);
  });

  it('refuses buying again what the payer owns (409 already_owned)', async () => {
    await indexEntityManager(database.db, network);
    await indexAllPayments();
    const state = await chainState();
    expectError(
      await post(app, await signPayment(bob, saleIntent(), { permit: true })),
      409,
      'already_owned',
    );
    assert.deepEqual(await chainState(), state);
  });

  it('relays a tip from a payer who approved the router before, without a permit', async () => {
    const approve = await createChainWallet(
      'eth',
      network.manifest.chains.eth,
      carol,
    ).writeContract({
      address: token,
      abi: dgcoTokenAbi,
      functionName: 'approve',
      args: [router, parseEther('2')],
    });
    await network.mined(approve);
    const before = await balances(alice, carol);
    const res = await post(app, await signPayment(carol, { amount: parseEther('1.5') }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ data: { kind: string } }>().data.kind, 'tip');
    const afterward = await balances(alice, carol);
    assert.equal(afterward[0]! - before[0]!, parseEther('1.5'));
    assert.equal(before[1]! - afterward[1]!, parseEther('1.5'));
  });

  it('limits payments per payer wallet and per client IP (429 rate_limited, Retry-After)', async () => {
    const limited = paymentApp({ limits: { paymentsPerWalletMinute: 2, paymentsPerIpMinute: 3 } });
    try {
      // Refused later for their own reasons, they still count: each cost the node reads.
      for (let i = 0; i < 2; i++) {
        expectError(
          await post(limited, await signPayment(bob, { ref: 'x' }, { permit: true })),
          400,
          'unknown_ref',
        );
      }
      const res = await post(limited, await signPayment(bob, { ref: 'x' }, { permit: true }));
      expectError(res, 429, 'rate_limited');
      assert.ok(Number(res.headers['retry-after']) >= 1);
      // Another wallet from the same IP: one more fits, then the IP's window is full.
      expectError(
        await post(limited, await signPayment(carol, { ref: 'x' }, { permit: true })),
        400,
        'unknown_ref',
      );
      expectError(
        await post(limited, await signPayment(carol, { ref: 'x' }, { permit: true })),
        429,
        'rate_limited',
      );
      // A bad signature counts against no one.
      const forged = await signPayment(mallory, { payer: carol.address });
      expectError(await post(limited, forged), 401, 'invalid_signature');
    } finally {
      await limited.close();
    }
  });

  // Last: it moves the data chain's clock ahead for good.
  it('holds back a purchase of a price set at a data-chain time still ahead of the payment chain (409 conditions_settling)', async () => {
    const LATE = 12;
    const dataHead = await network.dataPublic.getBlock({ blockTag: 'latest' });
    const ahead = Math.max(Number(dataHead.timestamp), Math.floor(Date.now() / 1000)) + 120;
    await network.dataPublic.request({
      method: 'evm_setNextBlockTimestamp' as never,
      params: [ahead] as never,
    });
    await submitActions(network, [
      {
        account: alice,
        userId: ALICE,
        entityType: 'Playlist',
        entityId: LATE,
        action: 'Create',
        metadata: {
          playlist_name: 'Priced ahead of time',
          is_album: true,
          playlist_contents: { track_ids: [] },
          stream_conditions: { dgco_purchase: { price: PRICE.toString(), splits: SPLITS } },
        },
      },
    ]);
    await indexEntityManager(database.db, network);
    const body = await signPayment(
      bob,
      { ...saleIntent(), ref: `playlist:${LATE}` },
      { permit: true },
    );
    const state = await chainState();
    // Mined now, the payment would be judged as of a time before the price existed.
    expectError(await post(app, body), 409, 'conditions_settling');
    assert.deepEqual(await chainState(), state);
    // Once the payment chain's clock is past the change, the same signed payment goes through.
    const later = paymentApp({ now: () => (ahead + 1) * 1000 });
    try {
      await network.ethPublic.request({
        method: 'evm_setNextBlockTimestamp' as never,
        params: [ahead + 1] as never,
      });
      const res = await post(later, body);
      assert.equal(res.statusCode, 200, res.body);
    } finally {
      await later.close();
    }
  });

  it('answers 503 relay_disabled without a gas wallet, and info still', async () => {
    const disabled = paymentApp({}, null);
    try {
      expectError(
        await post(disabled, await signPayment(bob, {}, { permit: true })),
        503,
        'relay_disabled',
      );
      assert.equal((await disabled.inject({ url: '/v1/payments/info' })).statusCode, 200);
    } finally {
      await disabled.close();
    }
  });
});
