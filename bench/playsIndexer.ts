// Benchmarks the discovery node's play log indexer: pre-mines plays on a local data chain in
// PlayLog batches of 1,000 from a registered content node's delegate (for tracks that exist,
// by listeners spread over many users, some anonymous), then indexes them from scratch into
// PostgreSQL and into PGlite, timing the play log source alone (the tracks are indexed first).
// Usage: tsx bench/playsIndexer.ts [<plays, default 200000>]; npm run bench:plays runs it too.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createChainWallet } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { entityManagerAbi, playLogAbi } from '@coliving/contracts';
import { MAX_PLAYS_PER_BATCH, type Play, UnavailableError, encodePlays } from '@coliving/protocol';
import { bytesToHex } from 'viem';
import { createNodeRegistrations } from '../apps/discovery-node/src/core/nodeRegistration.js';
import type { Database, DatabaseEngine } from '../apps/discovery-node/src/db/database.js';
import { computeStateDigest } from '../apps/discovery-node/src/db/stateDigest.js';
import { indexBlocks } from '../apps/discovery-node/src/indexer/sources/entityManager.js';
import { indexPlays } from '../apps/discovery-node/src/indexer/sources/playLog.js';
import {
  type ChainAction,
  openTestDatabase,
  postgresUnavailable,
  registerReceiptSigner,
  signChainAction,
  testReceiptVerifier,
} from '../apps/discovery-node/src/testing.js';

const TARGETS: Record<DatabaseEngine, number> = { postgres: 5000, pglite: 2000 };
const TRACKS = 1000;
const LISTENERS = 50_000;
const BLOCKS_PER_READ = 50;
const PLAYS_PER_TRANSACTION = 20_000;
const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';

export type PlaysIndexingResult = Partial<Record<DatabaseEngine, number>>;

/** Makes `TRACKS` tracks of one landlord, with receipts from the content node that submits. */
async function makeTracks(
  network: TestNetwork,
  signer: Awaited<ReturnType<typeof registerReceiptSigner>>,
) {
  const landlord = network.accounts[1]!;
  const actions: ChainAction[] = [
    {
      account: landlord,
      userId: 1,
      entityType: 'User',
      entityId: 1,
      action: 'Create',
      metadata: { handle: 'bench_artist', name: 'Bench Artist' },
    },
  ];
  for (let id = 1; id <= TRACKS; id++) {
    const track = await signer.withReceipt(landlord.address, {
      title: `Track ${id}`,
      genre: 'Electronic',
      track_cid: CID,
      duration: 180,
    });
    actions.push({
      account: landlord,
      userId: 1,
      entityType: 'Track',
      entityId: id,
      action: 'Create',
      metadata: track,
    });
  }
  const wallet = createChainWallet('data', network.manifest.chains.data, network.accounts[19]!);
  for (let i = 0; i < actions.length; i += 250) {
    const signed = await Promise.all(
      actions.slice(i, i + 250).map((a) => signChainAction(network, a)),
    );
    const hash = await wallet.writeContract({
      address: network.manifest.contracts.data.EntityManager,
      abi: entityManagerAbi,
      functionName: 'manageEntities',
      args: [signed],
      gas: 58_000_000n,
    });
    const receipt = await network.dataPublic.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`manageEntities reverted (${hash})`);
  }
}

/**
 * Pre-mines `total` plays and indexes them into PostgreSQL (when the test server answers) and
 * PGlite; prints plays/s beside the targets and returns them by engine.
 */
export async function benchPlaysIndexing(total = 200_000): Promise<PlaysIndexingResult> {
  if (!Number.isInteger(total) || total < MAX_PLAYS_PER_BATCH) {
    throw new Error(`plays must be an integer >= ${MAX_PLAYS_PER_BATCH}`);
  }
  const network = await startTestNetwork();
  const result: PlaysIndexingResult = {};
  try {
    let started = performance.now();
    const delegate = network.accounts[18]!;
    const signer = await registerReceiptSigner(network, delegate);
    const ethBlockHash = (await network.ethPublic.getBlock()).hash;
    await makeTracks(network, signer);

    // mulberry32: small and seeded, so every run mines the same listeners and tracks.
    let seed = 22;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
    };
    const now = Number((await network.dataPublic.getBlock()).timestamp) * 1000;
    const wallet = createChainWallet('data', network.manifest.chains.data, delegate);
    for (let i = 0; i < total; i += MAX_PLAYS_PER_BATCH) {
      const plays: Play[] = [];
      for (let j = i; j < Math.min(total, i + MAX_PLAYS_PER_BATCH); j++) {
        // A quarter anonymous; the rest over many listeners, a day of listening.
        const listener = random(4) === 0 ? undefined : 1 + random(LISTENERS);
        plays.push({
          id: bytesToHex(randomBytes(16)),
          trackId: 1 + random(TRACKS),
          ...(listener ? { userId: listener } : {}),
          at: now - random(24 * 60 * 60 * 1000),
        });
      }
      const hash = await wallet.writeContract({
        address: network.manifest.contracts.data.PlayLog,
        abi: playLogAbi,
        functionName: 'submitPlays',
        args: [signer.nodeId, ethBlockHash, encodePlays(plays)],
      });
      const receipt = await network.dataPublic.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`submitPlays reverted (${hash})`);
    }
    const head = Number(await network.dataPublic.getBlockNumber());
    console.log(
      `plays: ${total} pre-mined in batches of ${MAX_PLAYS_PER_BATCH} in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s, head block ${head}`,
    );

    const digests: string[] = [];
    for (const engine of ['postgres', 'pglite'] as const) {
      if (engine === 'postgres') {
        const why = await postgresUnavailable();
        if (why) {
          console.log(`plays indexed, postgres: skipped (${why})`);
          continue;
        }
      }
      const database: Database = await openTestDatabase(engine);
      try {
        const { db } = database;
        // The tracks first (the play log never runs ahead of them), untimed.
        for (;;) {
          const pass = await indexBlocks({
            db,
            client: network.dataPublic,
            entityManager: network.manifest.contracts.data.EntityManager,
            deployBlock: network.manifest.deployBlocks.data.EntityManager,
            confirmations: 0,
            blocksPerRead: 1000,
            eventsPerTransaction: 5000,
            receipts: testReceiptVerifier(network),
          });
          if (pass.caughtUp) break;
        }
        // One registration cache for the run, as a discovery node keeps one.
        const registrations = createNodeRegistrations({
          client: network.ethPublic,
          nodeRegistry: network.manifest.contracts.eth.NodeRegistry,
          confirmations: 0,
        });
        let readMs = 0;
        let writeMs = 0;
        let counted = 0;
        let skipped = 0;
        started = performance.now();
        for (;;) {
          const indexPass = () =>
            indexPlays({
              db,
              client: network.dataPublic,
              playLog: network.manifest.contracts.data.PlayLog,
              deployBlock: network.manifest.deployBlocks.data.PlayLog,
              confirmations: 0,
              blocksPerRead: BLOCKS_PER_READ,
              playsPerTransaction: PLAYS_PER_TRANSACTION,
              registrations,
            });
          // A pass that could not read the eth chain is tried again, as the indexer's loop does.
          const pass = await indexPass().catch((error: unknown) => {
            if (!(error instanceof UnavailableError)) throw error;
            return indexPass();
          });
          readMs += pass.readMs;
          writeMs += pass.writeMs;
          counted += pass.applied;
          skipped += pass.skipped;
          if (pass.caughtUp) break;
        }
        const seconds = (performance.now() - started) / 1000;
        const rate = total / seconds;
        result[engine] = rate;
        const digest = await computeStateDigest(db);
        digests.push(digest.digest);
        console.log(
          `plays indexed, ${engine}: ${total} plays (${counted} counted, ${skipped} skipped) in ` +
            `${seconds.toFixed(1)} s = ${rate.toFixed(0)} plays/s (target >= ${TARGETS[engine]})` +
            `${rate >= TARGETS[engine] ? '' : '  BELOW TARGET'}; reading the chain ` +
            `${(readMs / 1000).toFixed(1)} s, writing the database ${(writeMs / 1000).toFixed(1)} s`,
        );
        const reasons = await db
          .selectFrom('skipped_plays')
          .select(['reason_code', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('reason_code')
          .orderBy('reason_code')
          .execute();
        if (reasons.length > 0) {
          console.log(`  skipped: ${reasons.map((r) => `${r.reason_code} ${r.n}`).join(', ')}`);
        }
        // Nearly every play is for a track that exists, within the limits: they must count.
        if (counted < total * 0.9) throw new Error(`only ${counted} of ${total} plays counted`);
        if (counted + skipped !== total) {
          throw new Error(`indexed ${counted + skipped} plays, expected ${total}`);
        }
      } finally {
        await database.close();
      }
    }
    if (digests.length === 2 && digests[0] !== digests[1]) {
      throw new Error('PostgreSQL and PGlite reached different play states');
    }
  } finally {
    await network.stop();
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchPlaysIndexing(Number(process.argv[2] ?? 200_000));
}
