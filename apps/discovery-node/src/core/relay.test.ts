// The relay on a real local chain: signed actions submitted from the gas wallet, refusals, rate
// limits, nonces and confirmations. One file over the ~500-line guideline on purpose: its tests run
// in order on one chain, one database and one relay that no test resets, so each starts from the
// nonces, rows and rate limits the ones before it left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Hex, LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createChainClient, createChainWallet } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { randomNonce } from '@coliving/protocol';
import { createApp } from '@coliving/server-kit';
import { registerRelayRoutes } from '../api/relay.js';
import type { Database } from '../db/database.js';
import {
  type ChainAction,
  freePort,
  indexEntityManager,
  openTestDatabase,
  signChainAction,
  testReceiptVerifier,
} from '../testing.js';
import { type RelayInit, createRelay } from './relay.js';

const ALICE = 1;
const BOB = 2;

let network: TestNetwork;
let database: Database;
/** The relay's gas wallet; nothing else sends from it. */
let gas: LocalAccount;
let app: FastifyInstance;
let alice: LocalAccount;
let bob: LocalAccount;
let mallory: LocalAccount;

type RelayBody = {
  userId: string;
  entityType: string;
  entityId: string;
  action: string;
  metadata: string;
  nonce: Hex;
  signature: Hex;
};
type RelayData = { data: { transaction_hash: Hex; block_number: number; block_hash: Hex } };

/** Signs `action` (no client-side checks) and builds its `POST /relay` body. */
async function sign(action: ChainAction): Promise<RelayBody> {
  const signed = await signChainAction(network, action);
  return {
    userId: signed.userId.toString(),
    entityType: signed.entityType,
    entityId: signed.entityId.toString(),
    action: signed.action,
    metadata: signed.metadata,
    nonce: signed.nonce,
    signature: signed.signature,
  };
}

/** A relay and its routes on a fresh app. */
function relayApp(
  overrides: Partial<Parameters<typeof createRelay>[0]> = {},
  init: RelayInit = {},
): FastifyInstance {
  const components = {
    db: database.db,
    client: network.dataPublic,
    account: gas,
    chain: network.manifest.chains.data,
    entityManager: network.manifest.contracts.data.EntityManager,
    receipts: testReceiptVerifier(network),
    ...overrides,
  };
  const relayApp = createApp({ logger: false });
  registerRelayRoutes(relayApp, {
    relay: createRelay(components, init),
    db: database.db,
    client: components.client,
  });
  return relayApp;
}

function post(target: FastifyInstance, body: unknown) {
  return target.inject({ method: 'POST', url: '/relay', payload: body as object });
}

/** What a refused request must leave untouched: the gas wallet's nonce and the chain's head. */
async function chainState() {
  return {
    nonce: await network.dataPublic.getTransactionCount({ address: gas.address }),
    // Uncached: viem keeps a block number for its polling interval, and a relay may just have mined.
    block: await network.dataPublic.getBlockNumber({ cacheTime: 0 }),
  };
}

/** Runs the indexer until it has every block of the chain. */
async function indexAll(): Promise<void> {
  await indexEntityManager(database.db, network);
}

function expectError(
  res: { statusCode: number; json: () => unknown },
  status: number,
  code: string,
): void {
  const body = res.json() as { error?: { code?: string } };
  assert.equal(res.statusCode, status, JSON.stringify(body));
  assert.equal(body.error?.code, code, JSON.stringify(body));
}

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  alice = network.accounts[1]!;
  bob = network.accounts[2]!;
  mallory = network.accounts[3]!;
  gas = network.accounts[17]!;
  // Every request here comes from one address: the app is configured for many sign-ups from it.
  app = relayApp({}, { limits: { userCreatesPerIpHour: 1000 } });
  for (const [account, id, handle] of [
    [alice, ALICE, 'alice'],
    [bob, BOB, 'bob'],
  ] as const) {
    const res = await post(
      app,
      await sign({
        account,
        userId: id,
        entityType: 'User',
        entityId: id,
        action: 'Create',
        metadata: { handle, name: handle },
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
  }
  await indexAll();
});

after(async () => {
  await app?.close();
  await database?.close();
  await network?.stop();
});

describe('relay', () => {
  it('submits a signed action from the gas wallet and answers where it landed', async () => {
    const before = await chainState();
    const res = await post(
      app,
      await sign({
        account: bob,
        userId: BOB,
        entityType: 'User',
        entityId: ALICE,
        action: 'Follow',
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    const { data } = res.json<RelayData>();
    const receipt = await network.dataPublic.getTransactionReceipt({ hash: data.transaction_hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from, gas.address.toLowerCase());
    assert.deepEqual(res.json(), {
      data: {
        transaction_hash: receipt.transactionHash,
        block_number: Number(receipt.blockNumber),
        block_hash: receipt.blockHash,
      },
    });
    assert.equal((await chainState()).nonce, before.nonce + 1);
    await indexAll();
    assert.deepEqual(
      await database.db.selectFrom('follows').select(['follower_id', 'followee_id']).execute(),
      [{ follower_id: BOB, followee_id: ALICE }],
    );
    assert.deepEqual(
      await database.db
        .selectFrom('users')
        .select(['user_id', 'wallet'])
        .orderBy('user_id')
        .execute(),
      [
        { user_id: ALICE, wallet: alice.address.toLowerCase() },
        { user_id: BOB, wallet: bob.address.toLowerCase() },
      ],
    );
  });

  it('refuses a bad signature or another wallet with 401 and submits nothing', async () => {
    const before = await chainState();
    const follow = { userId: ALICE, entityType: 'User', entityId: BOB, action: 'Follow' };

    const byMallory = await post(app, await sign({ account: mallory, ...follow }));
    assert.equal(byMallory.statusCode, 401);
    assert.deepEqual(byMallory.json(), {
      error: {
        code: 'wrong_signer',
        message: `Signed by ${mallory.address.toLowerCase()}, not by user 1`,
      },
    });

    // A signature over other data recovers some other wallet.
    const altered = { ...(await sign({ account: alice, ...follow })), entityId: '3' };
    expectError(await post(app, altered), 401, 'wrong_signer');

    const good = await sign({ account: alice, ...follow });
    const badV = { ...good, signature: `${good.signature.slice(0, 130)}00` };
    expectError(await post(app, badV), 401, 'malformed_signature');
    // s and r of zero recover no key at all.
    const zero = { ...good, signature: `0x${'0'.repeat(128)}1b` };
    expectError(await post(app, zero), 401, 'invalid_signature');
    // Even a User Create, which any wallet may sign, needs a well-formed signature.
    const create = await sign({
      account: mallory,
      userId: 9,
      entityType: 'User',
      entityId: 9,
      action: 'Create',
      metadata: { handle: 'mal', name: 'Mal' },
    });
    expectError(
      await post(app, { ...create, signature: `${create.signature.slice(0, 130)}1d` }),
      401,
      'malformed_signature',
    );

    assert.deepEqual(await chainState(), before);
  });

  it('refuses a bad body with 400 (or an unknown user with 404) and its code', async () => {
    const before = await chainState();
    expectError(await post(app, {}), 400, 'invalid_action');
    expectError(await post(app, []), 400, 'invalid_action');
    const follow = await sign({
      account: alice,
      userId: ALICE,
      entityType: 'User',
      entityId: BOB,
      action: 'Follow',
    });
    expectError(await post(app, { ...follow, extra: 1 }), 400, 'invalid_action');
    expectError(await post(app, { ...follow, userId: 1 }), 400, 'invalid_action');
    expectError(await post(app, { ...follow, action: 'Like' }), 400, 'invalid_action');
    expectError(
      await post(
        app,
        await sign({
          account: alice,
          userId: ALICE,
          entityType: 'Track',
          entityId: 10,
          action: 'Create',
          metadata: { genre: 'Electronic' },
        }),
      ),
      400,
      'invalid_metadata',
    );
    expectError(
      await post(
        app,
        await sign({
          account: alice,
          userId: ALICE,
          entityType: 'User',
          entityId: BOB,
          action: 'Follow',
          metadata: 'x',
        }),
      ),
      400,
      'invalid_metadata',
    );
    expectError(
      await post(
        app,
        await sign({
          account: mallory,
          userId: 5,
          entityType: 'User',
          entityId: 6,
          action: 'Create',
          metadata: { handle: 'mal', name: 'Mal' },
        }),
      ),
      400,
      'id_mismatch',
    );
    expectError(
      await post(
        app,
        await sign({
          account: mallory,
          userId: 99,
          entityType: 'User',
          entityId: ALICE,
          action: 'Follow',
        }),
      ),
      404,
      'unknown_user',
    );
    assert.deepEqual(await chainState(), before);
  });

  it('rate-limits each signer per rolling hour, counting only valid requests', async () => {
    let clock = 1_700_000_000_000;
    const limited = relayApp(
      { account: network.accounts[16]! },
      { limits: { actionsPerUserHour: { social: 2 } }, now: () => clock },
    );
    try {
      const follow = (account: LocalAccount, userId: number, entityId: number) =>
        sign({ account, userId, entityType: 'User', entityId, action: 'Follow' });
      // Refused requests do not count against the limit.
      for (let i = 0; i < 3; i++) {
        const invalid = await sign({
          account: alice,
          userId: ALICE,
          entityType: 'User',
          entityId: BOB,
          action: 'Follow',
          metadata: 'x',
        });
        expectError(await post(limited, invalid), 400, 'invalid_metadata');
      }
      assert.equal((await post(limited, await follow(alice, ALICE, BOB))).statusCode, 200);
      clock += 10 * 60 * 1000;
      assert.equal((await post(limited, await follow(alice, ALICE, BOB))).statusCode, 200);

      const before = await chainState();
      const over = await post(limited, await follow(alice, ALICE, BOB));
      expectError(over, 429, 'rate_limited');
      // The first of the two leaves the window an hour after it was made.
      assert.equal(over.headers['retry-after'], String(50 * 60));
      assert.deepEqual(await chainState(), before);
      // Other users have limits of their own.
      const rename = await sign({
        account: bob,
        userId: BOB,
        entityType: 'User',
        entityId: BOB,
        action: 'Update',
        metadata: { name: 'Bob' },
      });
      assert.equal((await post(limited, rename)).statusCode, 200);
      // A User Create counts against its wallet and address, not a user's budget.
      const newcomer = privateKeyToAccount(generatePrivateKey());
      const create = (id: number) =>
        sign({
          account: newcomer,
          userId: id,
          entityType: 'User',
          entityId: id,
          action: 'Create',
          metadata: { handle: `new${id}`, name: 'New' },
        });
      assert.equal((await post(limited, await create(700))).statusCode, 200);
      expectError(await post(limited, await create(701)), 429, 'wallet_signups_limited');

      clock += 50 * 60 * 1000 - 1;
      expectError(await post(limited, await follow(alice, ALICE, BOB)), 429, 'rate_limited');
      clock += 1;
      assert.equal((await post(limited, await follow(alice, ALICE, BOB))).statusCode, 200);
      // The second action is still in the window, so the next one is refused again.
      expectError(await post(limited, await follow(alice, ALICE, BOB)), 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('lands 50 concurrent actions from one gas wallet, each in its own transaction', async () => {
    const before = await chainState();
    const users = Array.from({ length: 50 }, (_, i) => ({
      id: 1000 + i,
      account: privateKeyToAccount(generatePrivateKey()),
    }));
    const bodies = await Promise.all(
      users.map(({ id, account }) =>
        sign({
          account,
          userId: id,
          entityType: 'User',
          entityId: id,
          action: 'Create',
          metadata: { handle: `user${id}`, name: `User ${id}` },
        }),
      ),
    );
    const responses = await Promise.all(bodies.map((body) => post(app, body)));
    for (const res of responses) assert.equal(res.statusCode, 200, res.body);
    const hashes = responses.map((res) => res.json<RelayData>().data.transaction_hash);
    assert.equal(new Set(hashes).size, 50);
    const receipts = await Promise.all(
      hashes.map((hash) => network.dataPublic.getTransactionReceipt({ hash })),
    );
    assert.deepEqual(
      receipts.map((r) => r.status),
      receipts.map(() => 'success'),
    );
    assert.equal((await chainState()).nonce, before.nonce + 50);

    await indexAll();
    const rows = await database.db
      .selectFrom('users')
      .select(['user_id', 'wallet', 'handle'])
      .where('user_id', '>=', 1000)
      .orderBy('user_id')
      .execute();
    assert.deepEqual(
      rows,
      users.map(({ id, account }) => ({
        user_id: id,
        wallet: account.address.toLowerCase(),
        handle: `user${id}`,
      })),
    );
  });

  it('resyncs its nonce when the gas wallet was used behind its back', async () => {
    const wallet = createChainWallet('data', network.manifest.chains.data, gas);
    const outside = await wallet.sendTransaction({ to: gas.address, value: 0n });
    await network.dataPublic.waitForTransactionReceipt({ hash: outside });
    const before = await chainState();
    const res = await post(
      app,
      await sign({
        account: bob,
        userId: BOB,
        entityType: 'User',
        entityId: ALICE,
        action: 'Unfollow',
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await chainState()).nonce, before.nonce + 1);
  });

  it('answers 409 for a reused nonce without submitting it', async () => {
    await indexAll(); // bob's unfollow above, so his follow is not a no-op
    const nonce = randomNonce();
    const follow = await sign({
      account: bob,
      userId: BOB,
      entityType: 'User',
      entityId: ALICE,
      action: 'Follow',
      nonce,
    });
    assert.equal((await post(app, follow)).statusCode, 200);
    const before = await chainState();
    const again = await post(app, follow);
    assert.equal(again.statusCode, 409);
    assert.deepEqual(again.json(), {
      error: { code: 'nonce_used', message: 'This nonce was already used by its signer' },
    });
    // The nonce is the signer's, whatever it signed with it.
    const other = await sign({
      account: bob,
      userId: BOB,
      entityType: 'User',
      entityId: BOB,
      action: 'Update',
      metadata: { name: 'Bob' },
      nonce,
    });
    expectError(await post(app, other), 409, 'nonce_used');
    assert.deepEqual(await chainState(), before);

    // Two copies at once: one lands, the other is refused before it is sent.
    const twice = await sign({
      account: bob,
      userId: BOB,
      entityType: 'User',
      entityId: BOB,
      action: 'Update',
      metadata: { name: 'Bobby' },
    });
    const both = await Promise.all([post(app, twice), post(app, twice)]);
    assert.deepEqual(both.map((res) => res.statusCode).sort(), [200, 409]);
    assert.equal((await chainState()).nonce, before.nonce + 1);
  });

  it('answers 503 when the data chain is unreachable, and confirms indexed blocks without it', async () => {
    const down = {
      rpcUrl: `http://127.0.0.1:${await freePort()}`,
      chainId: network.manifest.chains.data.chainId,
    };
    const offline = relayApp({ chain: down, client: createChainClient('data', down) });
    try {
      const res = await post(
        offline,
        await sign({
          account: privateKeyToAccount(generatePrivateKey()),
          userId: 800,
          entityType: 'User',
          entityId: 800,
          action: 'Create',
          metadata: { handle: 'offline', name: 'Offline' },
        }),
      );
      expectError(res, 503, 'chain_unavailable');
      // A block the indexer recorded is answered from the database alone; one it did not
      // record (block 1, no events) is asked of the chain, which is down.
      const recorded = await database.db
        .selectFrom('entity_blocks')
        .select(['block_number', 'block_hash'])
        .orderBy('block_number')
        .executeTakeFirstOrThrow();
      assert.ok(recorded.block_number > 1);
      const known = await offline.inject({
        method: 'GET',
        url: `/block_confirmation?blocknumber=${recorded.block_number}&blockhash=${recorded.block_hash}`,
      });
      assert.equal(known.statusCode, 200, known.body);
      assert.deepEqual(known.json(), { data: { block_found: true, block_passed: true } });
      const unknown = await offline.inject({
        method: 'GET',
        url: `/block_confirmation?blocknumber=1&blockhash=0x${'0'.repeat(64)}`,
      });
      expectError(unknown, 503, 'chain_unavailable');
    } finally {
      await offline.close();
    }
  });

  it('confirms a block once indexed and with the right hash', async () => {
    const confirm = async (blocknumber: number | string, blockhash: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/block_confirmation?blocknumber=${blocknumber}&blockhash=${blockhash}`,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<unknown>();
    };
    const landed = (
      await post(
        app,
        await sign({
          account: alice,
          userId: ALICE,
          entityType: 'User',
          entityId: ALICE,
          action: 'Update',
          metadata: { name: 'Alice' },
        }),
      )
    ).json<RelayData>().data;
    // Mined but not yet indexed.
    assert.deepEqual(await confirm(landed.block_number, landed.block_hash), {
      data: { block_found: false, block_passed: false },
    });
    await indexAll();
    assert.deepEqual(await confirm(landed.block_number, landed.block_hash), {
      data: { block_found: true, block_passed: true },
    });
    // Upper-case hex is the same hash.
    assert.deepEqual(
      await confirm(landed.block_number, `0x${landed.block_hash.slice(2).toUpperCase()}`),
      { data: { block_found: true, block_passed: true } },
    );
    assert.deepEqual(await confirm(landed.block_number, `0x${'ab'.repeat(32)}`), {
      data: { block_found: false, block_passed: true },
    });
    assert.deepEqual(await confirm(landed.block_number + 1, landed.block_hash), {
      data: { block_found: false, block_passed: false },
    });
    // A block without events is not in entity_blocks; its hash comes from the chain.
    const first = await network.dataPublic.getBlock({ blockNumber: 1n });
    assert.equal(
      await database.db
        .selectFrom('entity_blocks')
        .select('block_number')
        .where('block_number', '=', 1)
        .executeTakeFirst(),
      undefined,
    );
    assert.deepEqual(await confirm(1, first.hash), {
      data: { block_found: true, block_passed: true },
    });
    assert.deepEqual(await confirm(1, landed.block_hash), {
      data: { block_found: false, block_passed: true },
    });

    for (const query of [
      `blocknumber=${landed.block_number}`,
      `blockhash=${landed.block_hash}`,
      `blocknumber=abc&blockhash=${landed.block_hash}`,
      `blocknumber=-1&blockhash=${landed.block_hash}`,
      `blocknumber=1.5&blockhash=${landed.block_hash}`,
      `blocknumber=1&blockhash=0x1234`,
      `blocknumber=1&blockhash=0x1234&extra=1`,
    ]) {
      const res = await app.inject({ method: 'GET', url: `/block_confirmation?${query}` });
      expectError(res, 400, 'validation_error');
    }
  });

  it('waits for its indexer before refusing a user it does not know yet, and refuses one no block holds', async () => {
    await indexAll();
    const newcomer = privateKeyToAccount(generatePrivateKey());
    const created = await post(
      app,
      await sign({
        account: newcomer,
        userId: 3000,
        entityType: 'User',
        entityId: 3000,
        action: 'Create',
        metadata: { handle: 'newcomer', name: 'Newcomer' },
      }),
    );
    assert.equal(created.statusCode, 200, created.body);
    // The user is on chain but not indexed here (as on a node that lags the one that confirmed it
    // to the client): the follow waits for the indexer instead of answering unknown_target.
    const indexedSoon = new Promise((resolve) => setTimeout(resolve, 300)).then(indexAll);
    const follow = post(
      app,
      await sign({
        account: alice,
        userId: ALICE,
        entityType: 'User',
        entityId: 3000,
        action: 'Follow',
      }),
    );
    const [res] = await Promise.all([follow, indexedSoon]);
    assert.equal(res.statusCode, 200, res.body);

    // Indexed through the head: a user no block created is refused at once, before gas.
    await indexAll();
    const before = await chainState();
    expectError(
      await post(
        app,
        await sign({
          account: alice,
          userId: ALICE,
          entityType: 'User',
          entityId: 3999,
          action: 'Follow',
        }),
      ),
      404,
      'unknown_target',
    );
    assert.deepEqual(await chainState(), before);

    // A node whose indexer does not catch up within its wait refuses all the same.
    const impatient = relayApp({}, { catchUpMs: 200 });
    try {
      const later = privateKeyToAccount(generatePrivateKey());
      const made = await post(
        app,
        await sign({
          account: later,
          userId: 3001,
          entityType: 'User',
          entityId: 3001,
          action: 'Create',
          metadata: { handle: 'later', name: 'Later' },
        }),
      );
      assert.equal(made.statusCode, 200, made.body);
      expectError(
        await post(
          impatient,
          await sign({
            account: alice,
            userId: ALICE,
            entityType: 'User',
            entityId: 3001,
            action: 'Follow',
          }),
        ),
        404,
        'unknown_target',
      );
    } finally {
      await impatient.close();
    }
  });
});
