// Benchmarks the discovery node's data-chain indexer: pre-mines mixed ManageEntity actions on a
// local data chain (users, tracks, playlists, updates, follows, saves, reposts, undos, and some
// invalid ones), then indexes them from scratch into PostgreSQL and into PGlite, timing each.
// Usage: npm run bench:indexer [-- <actions, default 100000>]
import { performance } from 'node:perf_hooks';
import { createChainWallet } from '@coliving/chain';
import { startTestNetwork } from '@coliving/chain/testing';
import { entityManagerAbi } from '@coliving/contracts';
import {
  UnavailableError,
  encodeEntityMetadata,
  entityManagerDomain,
  manageEntityTypes,
  randomNonce,
} from '@coliving/protocol';
import type { Hex, LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Database, DatabaseEngine } from '../apps/discovery-node/src/db/database.js';
import { computeStateDigest } from '../apps/discovery-node/src/db/stateDigest.js';
import { indexBlocks } from '../apps/discovery-node/src/indexer/sources/entityManager.js';
import {
  openTestDatabase,
  postgresUnavailable,
  registerReceiptSigner,
  testReceiptVerifier,
} from '../apps/discovery-node/src/testing.js';

const TARGETS: Record<DatabaseEngine, number> = { postgres: 5000, pglite: 2000 };
/** Actions per manageEntities transaction (one block each): what fits a 60M-gas block. */
const ACTIONS_PER_TX = 500;
const BLOCKS_PER_READ = 10;
const EVENTS_PER_TRANSACTION = 5000;
const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';

const total = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(total) || total < 1000) throw new Error('actions must be an integer >= 1000');

type Planned = {
  account: LocalAccount;
  userId: number;
  entityType: string;
  entityId: number;
  action: string;
  metadata: string;
  /** A track Create's metadata, signed with its upload receipt once the plan is made. */
  track?: Record<string, unknown>;
};

/** A deterministic mix: 2% users, 8% tracks, 1% playlists, 2% updates, then social actions. */
function plan(): Planned[] {
  // mulberry32: small, seeded, and its low bits are as good as its high ones.
  let seed = 42;
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
  const userCount = Math.floor(total * 0.02);
  const users = Array.from({ length: userCount }, (_, i) => ({
    id: i + 1,
    account: privateKeyToAccount(generatePrivateKey()),
  }));
  const out: Planned[] = users.map((u) => ({
    account: u.account,
    userId: u.id,
    entityType: 'User',
    entityId: u.id,
    action: 'Create',
    metadata: encodeEntityMetadata({ handle: `user_${u.id}`, name: `User ${u.id}` }),
  }));
  const trackCount = Math.floor(total * 0.08);
  const trackOwner: number[] = [];
  for (let t = 1; t <= trackCount; t++) {
    const owner = users[random(userCount)]!;
    trackOwner[t] = owner.id;
    out.push({
      account: owner.account,
      userId: owner.id,
      entityType: 'Track',
      entityId: t,
      action: 'Create',
      metadata: '',
      track: {
        title: `Track ${t}`,
        genre: 'Electronic',
        track_cid: CID,
        duration: 120 + random(300),
        tags: 'bench,mix',
      },
    });
  }
  const playlistCount = Math.floor(total * 0.01);
  for (let p = 1; p <= playlistCount; p++) {
    const owner = users[random(userCount)]!;
    const tracks = Array.from({ length: 10 }, () => ({
      track: 1 + random(trackCount),
      time: 1_700_000_000,
    }));
    out.push({
      account: owner.account,
      userId: owner.id,
      entityType: 'Playlist',
      entityId: p,
      action: 'Create',
      metadata: encodeEntityMetadata({
        playlist_name: `Playlist ${p}`,
        playlist_contents: { track_ids: tracks },
      }),
    });
  }
  const updates = Math.floor(total * 0.02);
  for (let i = 0; i < updates; i++) {
    const t = 1 + random(trackCount);
    const owner = users[trackOwner[t]! - 1]!;
    out.push({
      account: owner.account,
      userId: owner.id,
      entityType: 'Track',
      entityId: t,
      action: 'Update',
      metadata: encodeEntityMetadata({ title: `Track ${t} (v${i})` }),
    });
  }
  // Social actions; undos undo something done before, so the mix is mostly valid.
  const social = ['Follow', 'Save', 'Repost', 'Follow', 'Save', 'Unfollow', 'Unsave'] as const;
  const follows: [number, number][] = [];
  const saves: [number, string, number][] = [];
  while (out.length < total) {
    const actor = users[random(userCount)]!;
    const verb = social[random(social.length)]!;
    if (verb === 'Unfollow' && follows.length > 0) {
      const [follower, followee] = follows.splice(random(follows.length), 1)[0]!;
      out.push({
        account: users[follower - 1]!.account,
        userId: follower,
        entityType: 'User',
        entityId: followee,
        action: verb,
        metadata: '',
      });
      continue;
    }
    if (verb === 'Unsave' && saves.length > 0) {
      const [user, type, item] = saves.splice(random(saves.length), 1)[0]!;
      out.push({
        account: users[user - 1]!.account,
        userId: user,
        entityType: type,
        entityId: item,
        action: verb,
        metadata: '',
      });
      continue;
    }
    if (verb === 'Follow' || verb === 'Unfollow') {
      const followee = 1 + random(userCount);
      follows.push([actor.id, followee]);
      out.push({
        account: actor.account,
        userId: actor.id,
        entityType: 'User',
        entityId: followee,
        action: 'Follow',
        metadata: '',
      });
      continue;
    }
    const onPlaylist = random(10) === 0;
    const type = onPlaylist ? 'Playlist' : 'Track';
    const item = 1 + random(onPlaylist ? playlistCount : trackCount);
    const action = verb === 'Unsave' ? 'Save' : verb;
    if (action === 'Save') saves.push([actor.id, type, item]);
    out.push({
      account: actor.account,
      userId: actor.id,
      entityType: type,
      entityId: item,
      action,
      metadata: '',
    });
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`indexer benchmark: ${total} ManageEntity actions, ${ACTIONS_PER_TX} per block`);
  const network = await startTestNetwork();
  try {
    const chainId = network.manifest.chains.data.chainId;
    const entityManager = network.manifest.contracts.data.EntityManager;
    const domain = entityManagerDomain(chainId, entityManager);
    let started = performance.now();
    const planned = plan();
    // Every track carries the receipt of a registered content node, as on a real network; the
    // indexer checks each one.
    const node = await registerReceiptSigner(network);
    for (const p of planned) {
      if (p.track)
        p.metadata = encodeEntityMetadata(await node.withReceipt(p.account.address, p.track));
    }
    const signed = [];
    for (const p of planned) {
      const message = {
        userId: BigInt(p.userId),
        entityType: p.entityType,
        entityId: BigInt(p.entityId),
        action: p.action,
        metadata: p.metadata,
        nonce: randomNonce(),
      };
      const signature: Hex = await p.account.signTypedData({
        domain,
        types: manageEntityTypes,
        primaryType: 'ManageEntity',
        message,
      });
      signed.push({ ...message, signature });
    }
    console.log(`signed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
    const wallet = createChainWallet('data', network.manifest.chains.data, network.accounts[19]!);
    for (let i = 0; i < signed.length; i += ACTIONS_PER_TX) {
      const hash = await wallet.writeContract({
        address: entityManager,
        abi: entityManagerAbi,
        functionName: 'manageEntities',
        args: [signed.slice(i, i + ACTIONS_PER_TX)],
        gas: 58_000_000n,
      });
      const receipt = await network.dataPublic.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`manageEntities reverted (${hash})`);
    }
    const head = Number(await network.dataPublic.getBlockNumber());
    console.log(
      `pre-mined in ${((performance.now() - started) / 1000).toFixed(1)} s, head block ${head}`,
    );

    const digests: string[] = [];
    for (const engine of ['postgres', 'pglite'] as const) {
      if (engine === 'postgres') {
        const why = await postgresUnavailable();
        if (why) {
          console.log(`postgres: skipped (${why})`);
          continue;
        }
      }
      const database: Database = await openTestDatabase(engine);
      try {
        global.gc?.();
        const baseline = process.memoryUsage();
        let peakRss = baseline.rss;
        let peakHeap = baseline.heapUsed;
        const sampler = setInterval(() => {
          const now = process.memoryUsage();
          peakRss = Math.max(peakRss, now.rss);
          peakHeap = Math.max(peakHeap, now.heapUsed);
        }, 50);
        let readMs = 0;
        let writeMs = 0;
        let events = 0;
        let skipped = 0;
        // One verifier for the run, as a discovery node keeps one.
        const receipts = testReceiptVerifier(network);
        const t0 = performance.now();
        for (;;) {
          const indexPass = () =>
            indexBlocks({
              db: database.db,
              client: network.dataPublic,
              entityManager,
              deployBlock: network.manifest.deployBlocks.data.EntityManager,
              confirmations: 0,
              receipts,
              blocksPerRead: BLOCKS_PER_READ,
              eventsPerTransaction: EVENTS_PER_TRANSACTION,
            });
          // A pass that could not read the eth chain is tried again, as the indexer's loop does.
          const pass = await indexPass().catch((error: unknown) => {
            if (!(error instanceof UnavailableError)) throw error;
            console.log(`  a pass failed (${error.shortMessage}); tried again`);
            return indexPass();
          });
          readMs += pass.readMs;
          writeMs += pass.writeMs;
          events += pass.events;
          skipped += pass.skipped;
          if (pass.indexedBlock === pass.headBlock) break;
        }
        const seconds = (performance.now() - t0) / 1000;
        clearInterval(sampler);
        const rate = events / seconds;
        const digest = await computeStateDigest(database.db);
        const reasons = await database.db
          .selectFrom('skipped_actions')
          .select(['action', 'reason_code', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy(['action', 'reason_code'])
          .orderBy('action')
          .orderBy('reason_code')
          .execute();
        digests.push(digest.digest);
        const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
        console.log(
          `${engine}: ${events} actions (${skipped} skipped as invalid or no-ops) in ${seconds.toFixed(1)} s = ` +
            `${rate.toFixed(0)} actions/s (target >= ${TARGETS[engine]})${rate >= TARGETS[engine] ? '' : '  BELOW TARGET'}`,
        );
        console.log(
          `  reading the chain ${(readMs / 1000).toFixed(1)} s (${((100 * readMs) / (readMs + writeMs)).toFixed(0)}%), ` +
            `writing the database ${(writeMs / 1000).toFixed(1)} s; peak RSS ${mb(peakRss)} ` +
            `(+${mb(peakRss - baseline.rss)} while indexing), peak heap ${mb(peakHeap)}; digest ${digest.digest.slice(0, 18)}…`,
        );
        console.log(
          `  skipped: ${reasons.map((r) => `${r.action} ${r.reason_code} ${r.n}`).join(', ')}`,
        );
        if (events !== total) throw new Error(`indexed ${events} events, expected ${total}`);
      } finally {
        await database.close();
      }
    }
    if (digests.length === 2 && digests[0] !== digests[1]) {
      throw new Error('PostgreSQL and PGlite reached different states');
    }
  } finally {
    await network.stop();
  }
}

await main();
