import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { type Hex, type LocalAccount, bytesToHex, hexToBytes } from 'viem';
import { createChainWallet } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { playLogAbi } from '@coliving/contracts';
import { type Play, encodeHashId, encodePlays } from '@coliving/protocol';
import { createNodeRegistrations } from '../../core/nodeRegistration.js';
import type { DB } from '../../db/schema.js';
import { computeStateDigest } from '../../db/stateDigest.js';
import { createDiscoveryNode } from '../../server.js';
import {
  ENGINES,
  type ChainAction,
  openTestDatabase,
  registerReceiptSigner,
  requireEngine,
  submitActions,
  testReceiptVerifier,
} from '../../testing.js';
import { indexBlocks } from './entityManager.js';
import { type IndexPlaysParameters, indexPlays } from './playLog.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let network: TestNetwork;
let delegate: LocalAccount;
let nodeId: bigint;
let ethBlockHash: Hex;
/** The skip codes the scenario expects, in chain order (block, log, play). */
const expectedSkips: string[] = [];
/** Counted plays per track the scenario expects. */
const expectedCounts = new Map<number, number>();

const playId = (): Hex => bytesToHex(randomBytes(16));

/** Submits packed plays to PlayLog from `from` (the content node's delegate unless given). */
async function submitBatch(
  plays: Hex,
  options: { from?: LocalAccount; nodeId?: bigint; ethBlockHash?: Hex } = {},
): Promise<number> {
  const wallet = createChainWallet('data', network.manifest.chains.data, options.from ?? delegate);
  const hash = await wallet.writeContract({
    address: network.manifest.contracts.data.PlayLog,
    abi: playLogAbi,
    functionName: 'submitPlays',
    args: [options.nodeId ?? nodeId, options.ethBlockHash ?? ethBlockHash, plays],
  });
  const receipt = await network.dataPublic.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`submitPlays reverted (${hash})`);
  return Number(receipt.blockNumber);
}

/** The data chain's latest block time, in ms: listen times are set around it. */
async function chainNow(): Promise<number> {
  return Number((await network.dataPublic.getBlock()).timestamp) * 1000;
}

function playsInit(db: Kysely<DB>): IndexPlaysParameters {
  return {
    db,
    client: network.dataPublic,
    playLog: network.manifest.contracts.data.PlayLog,
    deployBlock: network.manifest.deployBlocks.data.PlayLog,
    confirmations: 0,
    blocksPerRead: 3,
    playsPerTransaction: 7,
    registrations: createNodeRegistrations({
      client: network.ethPublic,
      nodeRegistry: network.manifest.contracts.eth.NodeRegistry,
      confirmations: 0,
    }),
  };
}

/** Indexes EntityManager up to `upTo` (the head by default). */
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

/** Runs the play log indexer until it may go no further. */
async function indexAllPlays(
  db: Kysely<DB>,
  options: Partial<IndexPlaysParameters> = {},
): Promise<number | undefined> {
  for (;;) {
    const pass = await indexPlays({ ...playsInit(db), ...options });
    if (pass.caughtUp) return pass.indexedBlock;
  }
}

async function skipCodes(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('skipped_plays')
    .select('reason_code')
    .orderBy('block_number')
    .orderBy('log_index')
    .orderBy('play_index')
    .execute();
  return rows.map((r) => r.reason_code);
}

async function playCounts(db: Kysely<DB>): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('aggregate_plays')
    .selectAll()
    .where('play_count', '>', 0)
    .execute();
  return new Map(rows.map((r) => [r.track_id, r.play_count]));
}

before(async () => {
  network = await startTestNetwork();
  const alice = network.accounts[1]!;
  const bob = network.accounts[2]!;
  const mallory = network.accounts[17]!;
  delegate = network.accounts[18]!;
  const signer = await registerReceiptSigner(network, delegate);
  nodeId = signer.nodeId;
  ethBlockHash = (await network.ethPublic.getBlock()).hash;
  const act = (
    account: LocalAccount,
    userId: number,
    entityId: number,
    action: string,
    metadata?: ChainAction['metadata'],
  ): ChainAction => ({ account, userId, entityType: 'Track', entityId, action, metadata });
  const audio = (account: LocalAccount, title: string) =>
    signer.withReceipt(account.address, {
      title,
      genre: 'Electronic',
      track_cid: 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
      duration: 180,
    });
  await submitActions(network, [
    {
      account: alice,
      userId: 11,
      entityType: 'User',
      entityId: 11,
      action: 'Create',
      metadata: { handle: 'alice', name: 'Alice' },
    },
    {
      account: bob,
      userId: 12,
      entityType: 'User',
      entityId: 12,
      action: 'Create',
      metadata: { handle: 'bob', name: 'Bob' },
    },
  ]);
  await submitActions(network, [
    act(alice, 11, 101, 'Create', await audio(alice, 'One')),
    act(alice, 11, 102, 'Create', await audio(alice, 'Two')),
    act(alice, 11, 103, 'Create', await audio(alice, 'Gone before')),
    act(alice, 11, 104, 'Create', await audio(alice, 'Gone after')),
  ]);
  await submitActions(network, [act(alice, 11, 103, 'Delete')]);

  const now = await chainNow();
  const repeated = playId();
  const first: Play[] = [
    { id: repeated, trackId: 101, userId: 11, at: now - HOUR },
    { id: playId(), trackId: 101, at: now - HOUR },
    { id: playId(), trackId: 999, userId: 11, at: now },
    { id: playId(), trackId: 103, userId: 11, at: now },
    // Deleted only after this play's block: it counts, whenever the play log gets to it.
    { id: playId(), trackId: 104, userId: 12, at: now },
    { id: playId(), trackId: 101, userId: 12, at: now - 8 * DAY },
    { id: playId(), trackId: 101, userId: 12, at: now + 2 * HOUR },
    { id: repeated, trackId: 101, userId: 11, at: now - HOUR },
  ];
  expectedSkips.push(
    'unknown_track',
    'deleted_track',
    'stale_play',
    'future_play',
    'duplicate_play',
  );
  expectedCounts.set(101, 2).set(104, 1);
  const firstPacked = encodePlays(first);
  await submitBatch(firstPacked);
  await submitActions(network, [act(alice, 11, 104, 'Delete')]);

  // Bob plays track 102 eleven times within an hour, through two batches: ten count.
  const bobs = Array.from({ length: 11 }, (_, i) => ({
    id: playId(),
    trackId: 102,
    userId: 12,
    at: now - 50 * 60 * 1000 + i * 60 * 1000,
  }));
  await submitBatch(encodePlays(bobs.slice(0, 6)));
  await submitBatch(encodePlays(bobs.slice(6)));
  expectedSkips.push('play_limit');
  expectedCounts.set(102, 10);

  // The first batch again: its counted plays count once, the rest are skipped as before.
  await submitBatch(firstPacked);
  expectedSkips.push(
    'duplicate_play',
    'duplicate_play',
    'unknown_track',
    'deleted_track',
    'duplicate_play',
    'stale_play',
    'future_play',
    'duplicate_play',
  );

  const one = encodePlays([{ id: playId(), trackId: 101, userId: 12, at: now }]);
  // Forged: a wallet that is not the node's delegate, a node that does not exist, an eth block
  // that is not on the chain.
  await submitBatch(one, { from: mallory });
  await submitBatch(one, { nodeId: 999n });
  await submitBatch(one, { ethBlockHash: bytesToHex(randomBytes(32)) });
  expectedSkips.push('not_a_content_node', 'not_a_content_node', 'unknown_eth_block');

  // Malformed: more plays than a batch may hold, and a play whose track id is out of range.
  const tooMany = Array.from({ length: 1001 }, () => ({ id: playId(), trackId: 101, at: now }));
  await submitBatch(`0x${tooMany.map((p) => encodePlays([p]).slice(2)).join('')}`);
  const outOfRange = hexToBytes(encodePlays([{ id: playId(), trackId: 101, at: now }]));
  outOfRange[16] = 0xff; // the track id's top byte
  await submitBatch(bytesToHex(outOfRange));
  expectedSkips.push('malformed_batch', 'invalid_play');
});

after(async () => {
  await network?.stop();
});

describe('play log source', () => {
  for (const engine of ENGINES) {
    it(`counts plays from a content node's delegate and records why each other one does not count (${engine})`, async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      try {
        const { db } = database;
        await indexEntities(db);
        await indexAllPlays(db);
        assert.deepEqual(await skipCodes(db), expectedSkips);
        assert.deepEqual(await playCounts(db), expectedCounts);
        const listener = await db
          .selectFrom('plays')
          .select(['track_id', 'user_id', 'node_id'])
          .where('track_id', '=', 101)
          .orderBy('user_id')
          .execute();
        assert.deepEqual(listener, [
          { track_id: 101, user_id: 11, node_id: Number(nodeId) },
          { track_id: 101, user_id: null, node_id: Number(nodeId) },
        ]);
      } finally {
        await database.close();
      }
    });
  }

  it('never indexes past the EntityManager checkpoint, and reaches the same digest however the two interleave, on both engines and after a reindex', async (t) => {
    const engines = (await requireEngine(t, 'postgres')) ? ENGINES : ['pglite' as const];
    const digests: unknown[] = [];
    for (const engine of engines) {
      // All entities first, then all plays.
      const database = await openTestDatabase(engine);
      try {
        await indexEntities(database.db);
        await indexAllPlays(database.db, { blocksPerRead: 50, playsPerTransaction: 5000 });
        digests.push(await computeStateDigest(database.db));
      } finally {
        await database.close();
      }
    }
    // A reindex that moves the two checkpoints a block at a time, plays held back by entities.
    const database = await openTestDatabase('pglite');
    try {
      const { db } = database;
      assert.equal(await indexAllPlays(db), undefined, 'no plays before any entity block');
      const head = Number(await network.dataPublic.getBlockNumber({ cacheTime: 0 }));
      for (let block = network.manifest.deployBlocks.data.EntityManager; block <= head; block++) {
        await indexEntities(db, block, 1);
        const indexed = await indexAllPlays(db, { blocksPerRead: 1 });
        assert.ok((indexed ?? -1) <= block, `plays at ${indexed}, entities at ${block}`);
      }
      digests.push(await computeStateDigest(db));
    } finally {
      await database.close();
    }
    assert.ok(digests.length >= 2);
    for (const digest of digests.slice(1)) assert.deepEqual(digest, digests[0]);
  });

  it('shows counted plays as play_count in the API, and the play log block in the envelope', async () => {
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
    try {
      const head = Number(await network.dataPublic.getBlockNumber({ cacheTime: 0 }));
      await node.playsIndexer.waitFor(head);
      for (const [trackId, count] of expectedCounts) {
        if (trackId === 104) continue; // deleted: not found
        const res = await node.app.inject({ url: `/v1/tracks/${encodeHashId(trackId)}` });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<{
          data: { play_count: number };
          latest_indexed_slot_plays: number;
          latest_chain_slot_plays: number;
        }>();
        assert.equal(body.data.play_count, count, `track ${trackId}`);
        assert.ok(body.latest_indexed_slot_plays >= head);
        assert.ok(body.latest_chain_slot_plays >= body.latest_indexed_slot_plays);
      }
      const health = (await node.app.inject({ url: '/health_check' })).json<{
        data: { playLog: { indexedBlock: number } };
      }>();
      assert.ok(health.data.playLog.indexedBlock >= head);
    } finally {
      await node.stop();
      await database.close();
    }
  });
});
