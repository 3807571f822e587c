import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Account, Address } from 'viem';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { ServiceType } from '@coliving/contracts';
import type { Database, DatabaseEngine } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { ENGINES, openTestDatabase, requireEngine } from '../../testing.js';
import { ReorgError } from '../checkpoints.js';
import { type ListedNode, listNodes } from '../../db/nodes.js';
import { ETH_CHAIN, type IndexNodesParameters, indexNodes } from './nodeRegistry.js';

const DGCO = 10n ** 18n;
const dgco = (amount: number) => BigInt(amount) * DGCO;
// Short, so a stake decrease is part of the scenario without mining a day of blocks.
const DECREASE_LOCKUP_BLOCKS = 5n;

let network: TestNetwork;
let alice: Account;
let bob: Account;
/** Delegate wallets; checksummed, so their lower-casing is checked too. */
let wallets: Address[];
/** Reverts both chains to just after funding, so each engine runs the same scenario. */
let restoreChain: () => Promise<void>;

/** Runs the indexer until it has every block of the chain; returns the passes it took. */
async function indexAll(
  db: Kysely<DB>,
  options: Partial<IndexNodesParameters> = {},
): Promise<number> {
  for (let passes = 1; ; passes++) {
    const pass = await indexNodes({
      db,
      client: network.ethPublic,
      nodeRegistry: network.manifest.contracts.eth.NodeRegistry,
      deployBlock: network.manifest.deployBlocks.eth.NodeRegistry,
      confirmations: 0,
      blocksPerRead: 4,
      ...options,
    });
    if (pass.indexedBlock === pass.headBlock) return passes;
  }
}

/** Every node and owner row, deregistered nodes included, and the checkpoint. */
async function dumpState(db: Kysely<DB>) {
  return {
    nodes: await db.selectFrom('nodes').selectAll().orderBy('node_id').execute(),
    owners: await db.selectFrom('node_owners').selectAll().orderBy('owner').execute(),
    checkpoint: await db
      .selectFrom('indexing_checkpoints')
      .selectAll()
      .where('chain', '=', ETH_CHAIN)
      .executeTakeFirst(),
  };
}

/** The contract's own view of the live nodes, in `listNodes`'s shape. */
async function nodesOnChain(): Promise<ListedNode[]> {
  const registry = network.contractsFor(alice).nodeRegistry;
  const listed: ListedNode[] = [];
  for (const [type, serviceType] of [
    ['content-node', ServiceType.contentNode],
    ['discovery-node', ServiceType.discoveryNode],
  ] as const) {
    const [ids, nodes] = await registry.read.getNodesByType([serviceType]);
    for (const [i, node] of nodes.entries()) {
      listed.push({
        nodeId: Number(ids[i]),
        serviceType: type,
        owner: node.owner.toLowerCase(),
        endpoint: node.endpoint,
        delegateWallet: node.delegateWallet.toLowerCase(),
        stake: (await registry.read.deployerStakeOf([node.owner])).toString(),
      });
    }
  }
  return listed.sort((a, b) => a.nodeId - b.nodeId);
}

async function stakeOnChain(owner: Account): Promise<string> {
  const registry = network.contractsFor(owner).nodeRegistry;
  return (await registry.read.deployerStakeOf([owner.address])).toString();
}

async function approveStake(owner: Account, amount: bigint): Promise<void> {
  const { token } = network.contractsFor(owner);
  await network.mined(await token.write.approve([network.manifest.contracts.eth.Staking, amount]));
}

before(async () => {
  network = await startTestNetwork({
    params: { decreaseStakeLockupBlocks: DECREASE_LOCKUP_BLOCKS },
  });
  alice = network.accounts[1]!;
  bob = network.accounts[2]!;
  wallets = network.accounts.slice(11, 15).map((a) => a.address);
  assert.ok(wallets.every((w) => w !== w.toLowerCase()));
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [alice.address, bob.address],
    dgco: dgco(1_000_000),
  });
  restoreChain = await network.snapshot();
});

after(async () => {
  await network?.stop();
});

for (const engine of ENGINES) {
  describe(`indexing NodeRegistry on ${engine}`, () => {
    let database: Database | undefined;
    /** The list as the scenario expects it, kept up to date by each step. */
    let expected: ListedNode[] = [];
    const node = (nodeId: number) => expected.find((n) => n.nodeId === nodeId)!;

    before(async () => {
      // The previous engine's scenario ran on the chain: start this one from the same state.
      await restoreChain();
      restoreChain = await network.snapshot();
    });
    after(async () => {
      await database?.close();
    });

    it('lists registered content and discovery nodes with their owner, wallet, type and stake', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      database = await openTestDatabase(engine);
      const { db } = database;
      const register = async (
        owner: Account,
        serviceType: 'contentNode' | 'discoveryNode',
        endpoint: string,
        stake: bigint,
        delegateWallet: Address,
      ) => {
        const { nodeId } = await registerNode({
          manifest: network.manifest,
          owner,
          serviceType,
          endpoint,
          stake,
          delegateWallet,
        });
        return Number(nodeId);
      };
      const cn1 = await register(
        alice,
        'contentNode',
        'https://cn1.example',
        dgco(200_000),
        wallets[0]!,
      );
      const dn1 = await register(
        bob,
        'discoveryNode',
        'https://dn1.example',
        dgco(300_000),
        wallets[1]!,
      );
      // Alice's second node adds to her stake: 200k + 250k.
      const dn2 = await register(
        alice,
        'discoveryNode',
        'https://dn2.example',
        dgco(250_000),
        wallets[2]!,
      );
      assert.deepEqual([cn1, dn1, dn2], [1, 2, 3]);

      await indexAll(db);

      const a = alice.address.toLowerCase();
      const b = bob.address.toLowerCase();
      const aliceStake = dgco(450_000).toString();
      expected = [
        {
          nodeId: 1,
          serviceType: 'content-node',
          owner: a,
          endpoint: 'https://cn1.example',
          delegateWallet: wallets[0]!.toLowerCase(),
          stake: aliceStake,
        },
        {
          nodeId: 2,
          serviceType: 'discovery-node',
          owner: b,
          endpoint: 'https://dn1.example',
          delegateWallet: wallets[1]!.toLowerCase(),
          stake: dgco(300_000).toString(),
        },
        {
          nodeId: 3,
          serviceType: 'discovery-node',
          owner: a,
          endpoint: 'https://dn2.example',
          delegateWallet: wallets[2]!.toLowerCase(),
          stake: aliceStake,
        },
      ];
      assert.deepEqual(await listNodes(db), expected);
      assert.deepEqual(await listNodes(db, 'content-node'), [node(1)]);
      assert.deepEqual(await listNodes(db, 'discovery-node'), [node(2), node(3)]);
      assert.deepEqual(await listNodes(db), await nodesOnChain());
    });

    it('reflects endpoint and delegate wallet updates', async (t) => {
      if (!database || !(await requireEngine(t, engine))) return;
      const { db } = database;
      const { nodeRegistry } = network.contractsFor(alice);
      const moved = await network.mined(
        await nodeRegistry.write.updateEndpoint([1n, 'https://cn1-moved.example']),
      );
      const rewired = await network.mined(
        await nodeRegistry.write.updateDelegateWallet([3n, wallets[3]!]),
      );

      await indexAll(db);

      node(1).endpoint = 'https://cn1-moved.example';
      node(3).delegateWallet = wallets[3]!.toLowerCase();
      assert.deepEqual(await listNodes(db), expected);
      const rows = await db
        .selectFrom('nodes')
        .select(['node_id', 'registered_block', 'updated_block'])
        .where('node_id', 'in', [1, 3])
        .orderBy('node_id')
        .execute();
      assert.equal(rows[0]!.updated_block, Number(moved.blockNumber));
      assert.equal(rows[1]!.updated_block, Number(rewired.blockNumber));
      assert.ok(rows.every((r) => r.registered_block < r.updated_block));
    });

    it('follows stake increases, decreases, rewards and later registrations exactly', async (t) => {
      if (!database || !(await requireEngine(t, engine))) return;
      const { db } = database;
      const setStake = (owner: Account, stake: string) => {
        for (const n of expected) if (n.owner === owner.address.toLowerCase()) n.stake = stake;
      };

      // StakeIncreased: Alice 450k + 50k.
      await approveStake(alice, dgco(50_000));
      await network.mined(
        await network.contractsFor(alice).nodeRegistry.write.increaseStake([dgco(50_000)]),
      );
      await indexAll(db);
      setStake(alice, dgco(500_000).toString());
      assert.deepEqual(await listNodes(db), expected);

      // StakeDecreased: Bob 300k - 100k, after the lockup.
      const bobRegistry = network.contractsFor(bob).nodeRegistry;
      await network.mined(await bobRegistry.write.requestDecreaseStake([dgco(100_000)]));
      await network.mine(DECREASE_LOCKUP_BLOCKS);
      const decreased = await network.mined(await bobRegistry.write.decreaseStake());
      await indexAll(db);
      setStake(bob, dgco(200_000).toString());
      assert.deepEqual(await listNodes(db), expected);
      const bobRow = await db
        .selectFrom('node_owners')
        .selectAll()
        .where('owner', '=', bob.address.toLowerCase())
        .executeTakeFirstOrThrow();
      assert.deepEqual(bobRow, {
        owner: bob.address.toLowerCase(),
        stake: dgco(200_000).toString(),
        updated_block: Number(decreased.blockNumber),
      });

      // DeployerStakeChanged: a reward round adds a sum no test could guess; the chain knows.
      const keeper = network.contractsFor(network.deployer);
      await network.mined(await keeper.claimsManager.write.initiateRound());
      await network.mine(1);
      await network.mined(await keeper.delegateManager.write.claimRewards([alice.address]));
      const rewarded = await stakeOnChain(alice);
      assert.ok(BigInt(rewarded) > dgco(500_000), 'the claim paid Alice a reward');
      await indexAll(db);
      setStake(alice, rewarded);
      assert.deepEqual(await listNodes(db), expected);

      // A registration after all that adds its stake to the indexed total.
      const { nodeId } = await registerNode({
        manifest: network.manifest,
        owner: alice,
        serviceType: 'contentNode',
        endpoint: 'https://cn2.example',
        stake: dgco(200_000),
        delegateWallet: wallets[0]!,
      });
      assert.equal(nodeId, 4n);
      await indexAll(db);
      const total = (BigInt(rewarded) + dgco(200_000)).toString();
      assert.equal(await stakeOnChain(alice), total);
      expected.push({ ...node(1), nodeId: 4, endpoint: 'https://cn2.example' });
      setStake(alice, total);
      assert.deepEqual(await listNodes(db), expected);
      assert.deepEqual(await listNodes(db), await nodesOnChain());
    });

    it('stops listing a deregistered node but keeps its row', async (t) => {
      if (!database || !(await requireEngine(t, engine))) return;
      const { db } = database;
      const receipt = await network.mined(
        await network.contractsFor(alice).nodeRegistry.write.deregister([3n]),
      );

      await indexAll(db);

      expected = expected.filter((n) => n.nodeId !== 3);
      assert.deepEqual(await listNodes(db), expected);
      assert.deepEqual(await listNodes(db, 'discovery-node'), [node(2)]);
      assert.deepEqual(await listNodes(db), await nodesOnChain());
      const row = await db
        .selectFrom('nodes')
        .select(['endpoint', 'is_registered', 'updated_block'])
        .where('node_id', '=', 3)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, {
        endpoint: 'https://dn2.example',
        is_registered: false,
        updated_block: Number(receipt.blockNumber),
      });
    });

    it('moves the checkpoint with the chain and changes nothing when nothing is new', async (t) => {
      if (!database || !(await requireEngine(t, engine))) return;
      const { db } = database;
      const head = Number(await network.blockNumber());
      const state = await dumpState(db);
      const headBlock = await network.ethPublic.getBlock({ blockNumber: BigInt(head) });
      assert.deepEqual(state.checkpoint, {
        chain: ETH_CHAIN,
        block_number: head,
        block_hash: headBlock.hash,
      });

      const parameters = {
        db,
        client: network.ethPublic,
        nodeRegistry: network.manifest.contracts.eth.NodeRegistry,
        deployBlock: network.manifest.deployBlocks.eth.NodeRegistry,
        confirmations: 0,
        blocksPerRead: 100,
      };
      assert.deepEqual(await indexNodes(parameters), {
        indexedBlock: head,
        headBlock: head,
        events: 0,
      });
      assert.deepEqual(await dumpState(db), state);

      // Empty blocks move the checkpoint and nothing else; unconfirmed ones wait.
      await network.mine(5);
      assert.deepEqual(await indexNodes({ ...parameters, confirmations: 2 }), {
        indexedBlock: head + 3,
        headBlock: head + 5,
        events: 0,
      });
      assert.deepEqual(await indexNodes({ ...parameters, confirmations: 5 }), {
        indexedBlock: head + 3,
        headBlock: head + 5,
        events: 0,
      });
      assert.deepEqual(await indexNodes(parameters), {
        indexedBlock: head + 5,
        headBlock: head + 5,
        events: 0,
      });
      const moved = await dumpState(db);
      const newHead = await network.ethPublic.getBlock({ blockNumber: BigInt(head + 5) });
      assert.deepEqual(moved, {
        ...state,
        checkpoint: { chain: ETH_CHAIN, block_number: head + 5, block_hash: newHead.hash },
      });
    });
  });
}

describe('indexing NodeRegistry from scratch', () => {
  it('ends identical in two fresh databases, on either engine, in any read size', async (t) => {
    const engines: DatabaseEngine[] = [];
    for (const engine of ENGINES) if (await requireEngine(t, engine)) engines.push(engine);
    const lists: ListedNode[][] = [];
    const states: Awaited<ReturnType<typeof dumpState>>[] = [];
    for (const engine of engines) {
      for (const blocksPerRead of [1, 1000]) {
        const database = await openTestDatabase(engine);
        try {
          const passes = await indexAll(database.db, { blocksPerRead });
          if (blocksPerRead === 1) assert.ok(passes > 10, 'many small passes');
          lists.push(await listNodes(database.db));
          states.push(await dumpState(database.db));
        } finally {
          await database.close();
        }
      }
    }
    assert.ok(lists.length >= 2);
    const onChain = await nodesOnChain();
    assert.equal(onChain.length, 3, 'the scenario left three live nodes');
    for (const list of lists) assert.deepEqual(list, onChain);
    for (const state of states) assert.deepEqual(state, states[0]);
  });

  it('refuses to go on when the chain no longer has the block it indexed', async () => {
    const database = await openTestDatabase('pglite');
    try {
      await indexAll(database.db);
      await database.db
        .updateTable('indexing_checkpoints')
        .set({ block_hash: `0x${'00'.repeat(32)}` })
        .where('chain', '=', ETH_CHAIN)
        .execute();
      await assert.rejects(indexAll(database.db), ReorgError);
    } finally {
      await database.close();
    }
  });
});
