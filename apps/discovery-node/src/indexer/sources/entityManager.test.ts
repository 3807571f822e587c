import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { MAX_METADATA_BYTES, signUploadReceipt } from '@coliving/protocol';
import type { Database, DatabaseEngine } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { computeStateDigest } from '../../db/stateDigest.js';
import {
  type ChainAction,
  ENGINES,
  openTestDatabase,
  registerReceiptSigner,
  requireEngine,
  submitActions,
  testReceiptVerifier,
} from '../../testing.js';
import { type IndexBlocksParameters, indexBlocks } from './entityManager.js';

const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const OTHER_CID = 'bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq';
const track = (title: string) => ({ title, genre: 'Electronic', track_cid: CID, duration: 180 });
const user = (handle: string) => ({ handle, name: handle.toUpperCase() });
const playlist = (name: string, ids: number[], extra: Record<string, unknown> = {}) => ({
  playlist_name: name,
  playlist_contents: { track_ids: ids.map((id, i) => ({ track: id, time: 1_700_000_000 + i })) },
  ...extra,
});

let network: TestNetwork;
/** The reason codes of the skipped actions, in chain order, as the scenario expects them. */
const expectedSkips: string[] = [];

/** Runs the indexer until it has every block of the chain. */
async function indexAll(
  db: Kysely<DB>,
  options: Partial<IndexBlocksParameters> = {},
): Promise<void> {
  for (;;) {
    const pass = await indexBlocks({
      db,
      client: network.dataPublic,
      entityManager: network.manifest.contracts.data.EntityManager,
      deployBlock: network.manifest.deployBlocks.data.EntityManager,
      confirmations: 0,
      blocksPerRead: 3,
      eventsPerTransaction: 4,
      receipts: testReceiptVerifier(network),
      ...options,
    });
    if (pass.indexedBlock === pass.headBlock) return;
  }
}

before(async () => {
  network = await startTestNetwork();
  const [, alice, bob, carol, mallory] = network.accounts;
  const act = (
    account: typeof alice,
    userId: number,
    entityType: string,
    entityId: number,
    action: string,
    metadata?: ChainAction['metadata'],
    skip?: string,
  ): ChainAction => {
    if (skip) expectedSkips.push(skip);
    return { account: account!, userId, entityType, entityId, action, metadata };
  };
  // Block 1: users.
  await submitActions(network, [
    act(alice, 11, 'User', 11, 'Create', user('alice')),
    act(bob, 12, 'User', 12, 'Create', user('Bob')),
    act(carol, 13, 'User', 13, 'Create', user('carol')),
    act(mallory, 11, 'User', 11, 'Create', user('mal1'), 'id_taken'),
    act(mallory, 14, 'User', 14, 'Create', user('ALICE'), 'handle_taken'),
    act(mallory, 15, 'User', 15, 'Create', user('Admin'), 'handle_reserved'),
    act(mallory, 16, 'User', 17, 'Create', user('mal2'), 'id_mismatch'),
    act(alice, 18, 'User', 18, 'Create', user('alice2'), 'wallet_has_user'),
    act(mallory, 19, 'User', 19, 'Create', { handle: 'mal3' }, 'invalid_metadata'),
    act(mallory, 20, 'User', 20, 'Create', user('mallory')),
  ]);
  // A registered content node that signs upload receipts, and the audio each user uploaded.
  const node = await registerReceiptSigner(network);
  const audio = (account: typeof alice, title: string, cid = CID) =>
    node.withReceipt(account!.address, { ...track(title), track_cid: cid });
  const alicesAudio = await audio(alice, 'First');
  // Block 2: tracks.
  await submitActions(network, [
    act(alice, 11, 'Track', 101, 'Create', alicesAudio),
    act(alice, 11, 'Track', 102, 'Create', await audio(alice, 'Second')),
    act(bob, 12, 'Track', 201, 'Create', await audio(bob, 'Bobs')),
    act(alice, 11, 'Track', 101, 'Create', await audio(alice, 'Again'), 'id_taken'),
    act(bob, 12, 'Track', 101, 'Update', { title: 'Mine now' }, 'not_owner'),
    act(mallory, 11, 'Track', 103, 'Create', await audio(alice, 'Forged'), 'wrong_signer'),
    act(mallory, 99, 'Track', 104, 'Create', await audio(mallory, 'Nobody'), 'unknown_user'),
    act(alice, 11, 'Track', 101, 'Follow', undefined, 'invalid_action'),
    act(alice, 11, 'Track', 0, 'Create', await audio(alice, 'Zero'), 'invalid_id'),
    act(
      alice,
      11,
      'Track',
      105,
      'Create',
      { ...(await audio(alice, 'Big')), description: 'x'.repeat(MAX_METADATA_BYTES) },
      'metadata_too_large',
    ),
    act(alice, 11, 'Track', 101, 'Update', { title: 'New title' }),
  ]);
  // Block 2b: a track may only name audio its owner uploaded (docs/design.md §7).
  const receiptData = {
    v: 1 as const,
    uploadId: 'forged',
    uploader: mallory!.address,
    cid: CID,
    previewCid: OTHER_CID,
    origCid: OTHER_CID,
    durationSeconds: 180,
    nodeId: node.nodeId.toString(),
    ethBlockHash: (await network.ethPublic.getBlock()).hash,
    signedAt: Date.now(),
  };
  await submitActions(network, [
    // Alice's receipt (a track's metadata is public) under Mallory's track.
    act(
      mallory,
      20,
      'Track',
      110,
      'Create',
      { ...track('Taken'), upload_receipt: alicesAudio.upload_receipt },
      'receipt_not_owner',
    ),
    act(mallory, 20, 'Track', 111, 'Create', track('No receipt'), 'no_upload_receipt'),
    // A receipt Mallory signed herself, claiming to be the content node.
    act(
      mallory,
      20,
      'Track',
      112,
      'Create',
      {
        ...track('Self-signed'),
        upload_receipt: await signUploadReceipt({ account: mallory!, data: receiptData }),
      },
      'receipt_signer_not_a_node',
    ),
    // The node's key, but a block that is not on the eth chain.
    act(
      mallory,
      20,
      'Track',
      113,
      'Create',
      {
        ...track('Nowhere'),
        upload_receipt: await signUploadReceipt({
          account: network.accounts[18]!,
          data: { ...receiptData, ethBlockHash: `0x${'ab'.repeat(32)}` },
        }),
      },
      'unknown_eth_block',
    ),
    act(
      mallory,
      20,
      'Track',
      114,
      'Create',
      { ...(await audio(mallory, 'Swapped', OTHER_CID)), track_cid: CID },
      'receipt_mismatch',
    ),
    act(
      mallory,
      20,
      'Track',
      115,
      'Create',
      { ...track('Garbage'), upload_receipt: { data: '{}', signature: `0x${'11'.repeat(65)}` } },
      'invalid_upload_receipt',
    ),
    act(mallory, 20, 'Track', 116, 'Create', await audio(mallory, 'Own')),
    // Swapping the audio of a track needs a receipt for the new audio, uploaded by its owner.
    act(mallory, 20, 'Track', 116, 'Update', { track_cid: OTHER_CID }, 'receipt_mismatch'),
    act(
      mallory,
      20,
      'Track',
      116,
      'Update',
      { upload_receipt: alicesAudio.upload_receipt },
      'receipt_not_owner',
    ),
    act(mallory, 20, 'Track', 116, 'Update', { upload_receipt: null }, 'no_upload_receipt'),
    act(mallory, 20, 'Track', 116, 'Update', await audio(mallory, 'Own v2', OTHER_CID)),
  ]);
  // Block 3: follows, saves, reposts, playlists.
  await submitActions(network, [
    act(bob, 12, 'User', 11, 'Follow'),
    act(bob, 12, 'User', 11, 'Follow', undefined, 'no_op'),
    act(carol, 13, 'User', 11, 'Follow'),
    act(alice, 11, 'User', 11, 'Follow', undefined, 'self_follow'),
    act(alice, 11, 'User', 999, 'Follow', undefined, 'unknown_target'),
    act(carol, 13, 'User', 12, 'Unfollow', undefined, 'no_op'),
    act(bob, 12, 'Track', 101, 'Save'),
    act(bob, 12, 'Track', 101, 'Repost'),
    act(carol, 13, 'Track', 101, 'Save'),
    act(bob, 12, 'Track', 999, 'Save', undefined, 'unknown_target'),
    act(alice, 11, 'Playlist', 301, 'Create', playlist('Mix', [101, 102])),
    act(alice, 11, 'Playlist', 302, 'Create', playlist('LP', [101], { is_album: true })),
    // An album holds only its owner's tracks: created with one, or given one later.
    act(
      alice,
      11,
      'Playlist',
      304,
      'Create',
      playlist('Borrowed', [101, 201], { is_album: true }),
      'album_foreign_track',
    ),
    act(alice, 11, 'Playlist', 302, 'Update', playlist('LP', [101, 201]), 'album_foreign_track'),
    act(bob, 12, 'Playlist', 303, 'Create', playlist('Ghost', [999]), 'unknown_track'),
    act(bob, 12, 'Playlist', 301, 'Save'),
  ]);
  // Block 4: deletes, unfollows, updates, deactivation.
  await submitActions(network, [
    act(alice, 11, 'Track', 102, 'Delete'),
    act(bob, 12, 'Track', 102, 'Save', undefined, 'target_deleted'),
    act(alice, 11, 'Track', 102, 'Update', { title: 'Ghost' }, 'deleted'),
    act(carol, 13, 'User', 11, 'Unfollow'),
    act(alice, 11, 'Playlist', 302, 'Update', { is_album: false }),
    // Made an album again: it names its list, and every track of it must be Alice's.
    act(alice, 11, 'Playlist', 302, 'Update', { is_album: true }, 'album_needs_tracks'),
    act(
      alice,
      11,
      'Playlist',
      302,
      'Update',
      playlist('LP', [101, 201], { is_album: true }),
      'album_foreign_track',
    ),
    act(bob, 12, 'Playlist', 301, 'Delete', undefined, 'not_owner'),
    act(alice, 11, 'Playlist', 301, 'Delete'),
    act(bob, 12, 'Track', 101, 'Unsave'),
    act(bob, 12, 'Playlist', 999, 'Update', { playlist_name: 'Nope' }, 'unknown_playlist'),
    act(alice, 11, 'User', 11, 'Update', { bio: 'hi' }),
    act(alice, 11, 'User', 11, 'Update', { is_deactivated: true }),
    act(alice, 11, 'Track', 106, 'Create', await audio(alice, 'While away'), 'user_deactivated'),
    act(alice, 11, 'User', 11, 'Update', { is_deactivated: false }),
    act(alice, 11, 'Track', 107, 'Create', await audio(alice, 'Back')),
  ]);
});

after(async () => {
  await network?.stop();
});

for (const engine of ENGINES) {
  describe(`indexing the data chain on ${engine}`, () => {
    let database: Database | undefined;
    after(async () => {
      await database?.close();
    });

    it('applies valid actions, keeps counts exact, and records why each invalid one was skipped', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      database = await openTestDatabase(engine);
      const { db } = database;
      await indexAll(db);

      const skipped = await db
        .selectFrom('skipped_actions')
        .select(['reason_code', 'reason', 'block_number', 'log_index'])
        .orderBy('block_number')
        .orderBy('log_index')
        .execute();
      assert.deepEqual(
        skipped.map((s) => s.reason_code),
        expectedSkips,
      );
      for (const s of skipped) assert.ok(s.reason.length > 0);

      const users = await db
        .selectFrom('users')
        .select(['user_id', 'handle', 'name', 'is_deactivated', 'metadata', 'wallet'])
        .orderBy('user_id')
        .execute();
      assert.deepEqual(
        users.map((u) => [u.user_id, u.handle, u.is_deactivated]),
        [
          [11, 'alice', false],
          [12, 'Bob', false],
          [13, 'carol', false],
          [20, 'mallory', false],
        ],
      );
      assert.deepEqual(users[0]!.metadata, { handle: 'alice', name: 'ALICE', bio: 'hi' });
      assert.equal(users[0]!.wallet, network.accounts[1]!.address.toLowerCase());

      const tracks = await db
        .selectFrom('tracks')
        .select(['track_id', 'owner_id', 'title', 'is_deleted'])
        .orderBy('track_id')
        .execute();
      assert.deepEqual(tracks, [
        { track_id: 101, owner_id: 11, title: 'New title', is_deleted: false },
        { track_id: 102, owner_id: 11, title: 'Second', is_deleted: true },
        { track_id: 107, owner_id: 11, title: 'Back', is_deleted: false },
        { track_id: 116, owner_id: 20, title: 'Own v2', is_deleted: false },
        { track_id: 201, owner_id: 12, title: 'Bobs', is_deleted: false },
      ]);
      const playlists = await db
        .selectFrom('playlists')
        .select(['playlist_id', 'is_album', 'is_deleted'])
        .orderBy('playlist_id')
        .execute();
      assert.deepEqual(playlists, [
        { playlist_id: 301, is_album: false, is_deleted: true },
        { playlist_id: 302, is_album: false, is_deleted: false },
      ]);
      const entries = await db
        .selectFrom('playlist_tracks')
        .select(['playlist_id', 'position', 'track_id'])
        .orderBy('playlist_id')
        .orderBy('position')
        .execute();
      assert.deepEqual(entries, [
        { playlist_id: 301, position: 0, track_id: 101 },
        { playlist_id: 301, position: 1, track_id: 102 },
        { playlist_id: 302, position: 0, track_id: 101 },
      ]);

      assert.deepEqual(
        await db.selectFrom('follows').select(['follower_id', 'followee_id']).execute(),
        [{ follower_id: 12, followee_id: 11 }],
      );
      assert.deepEqual(
        await db
          .selectFrom('saves')
          .select(['user_id', 'item_type', 'item_id'])
          .orderBy('user_id')
          .execute(),
        [
          { user_id: 12, item_type: 'playlist', item_id: 301 },
          { user_id: 13, item_type: 'track', item_id: 101 },
        ],
      );

      const counts = await db.selectFrom('aggregate_user').selectAll().orderBy('user_id').execute();
      assert.deepEqual(counts, [
        {
          user_id: 11,
          track_count: 2,
          playlist_count: 1,
          album_count: 0,
          follower_count: 1,
          following_count: 0,
          repost_count: 0,
          save_count: 0,
        },
        {
          user_id: 12,
          track_count: 1,
          playlist_count: 0,
          album_count: 0,
          follower_count: 0,
          following_count: 1,
          repost_count: 1,
          save_count: 1,
        },
        {
          user_id: 13,
          track_count: 0,
          playlist_count: 0,
          album_count: 0,
          follower_count: 0,
          following_count: 0,
          repost_count: 0,
          save_count: 1,
        },
        {
          user_id: 20,
          track_count: 1,
          playlist_count: 0,
          album_count: 0,
          follower_count: 0,
          following_count: 0,
          repost_count: 0,
          save_count: 0,
        },
      ]);
      assert.deepEqual(
        await db.selectFrom('aggregate_track').selectAll().where('track_id', '=', 101).execute(),
        [{ track_id: 101, save_count: 1, repost_count: 1 }],
      );
      assert.deepEqual(
        await db.selectFrom('aggregate_playlist').selectAll().orderBy('playlist_id').execute(),
        [
          { playlist_id: 301, save_count: 1, repost_count: 0 },
          { playlist_id: 302, save_count: 0, repost_count: 0 },
        ],
      );
      // Counts agree with the rows they count.
      const followers = await db
        .selectFrom('follows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('followee_id', '=', 11)
        .executeTakeFirstOrThrow();
      assert.equal(Number(followers.n), counts[0]!.follower_count);
    });

    it('resumes after a crash at any stage of a transaction with no duplicate and no gap', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const control = await openTestDatabase(engine);
      let expected;
      try {
        await indexAll(control.db);
        expected = await computeStateDigest(control.db);
      } finally {
        await control.close();
      }
      const stages = [
        'loaded',
        'users',
        'tracks',
        'playlists',
        'social',
        'aggregates',
        'skipped',
        'checkpoint',
      ];
      const dataBlock = network.manifest.deployBlocks.data.EntityManager;
      for (const [i, crashAt] of stages.entries()) {
        const crashed = await openTestDatabase(engine);
        try {
          // Crash in a transaction that covers a block in the middle of the scenario.
          const crashBlock = dataBlock + 2 + (i % 3);
          let crashes = 0;
          await assert.rejects(
            indexAll(crashed.db, {
              onStage: (stage, toBlock) => {
                if (stage === crashAt && toBlock >= crashBlock) {
                  crashes++;
                  throw new Error(`crash at ${stage}`);
                }
              },
            }),
            /crash at/,
          );
          assert.equal(crashes, 1);
          const before = await crashed.db
            .selectFrom('indexing_checkpoints')
            .select('block_number')
            .executeTakeFirst();
          assert.ok((before?.block_number ?? 0) < crashBlock, 'the crashed block is not kept');
          await indexAll(crashed.db); // the restart
          assert.deepEqual(await computeStateDigest(crashed.db), expected, `crash at ${crashAt}`);
        } finally {
          await crashed.close();
        }
      }
    });
  });
}

describe('state digest', () => {
  it('is the same for two indexers, on either engine, in any batch size, and after a reindex', async (t) => {
    const engines: DatabaseEngine[] = [];
    for (const engine of ENGINES) if (await requireEngine(t, engine)) engines.push(engine);
    const digests = [];
    for (const engine of engines) {
      for (const [blocksPerRead, eventsPerTransaction] of [
        [1, 1],
        [100, 1000],
      ] as const) {
        const database = await openTestDatabase(engine);
        try {
          await indexAll(database.db, { blocksPerRead, eventsPerTransaction });
          digests.push(await computeStateDigest(database.db));
        } finally {
          await database.close();
        }
      }
    }
    assert.ok(digests.length >= 2);
    const head = Number(await network.dataPublic.getBlockNumber({ cacheTime: 0 }));
    for (const digest of digests) {
      assert.deepEqual(digest, digests[0]);
      assert.equal(digest.block, head);
      assert.match(digest.digest, /^0x[0-9a-f]{64}$/);
    }
  });

  it('changes when the state does', async () => {
    const database = await openTestDatabase('pglite');
    try {
      await indexAll(database.db);
      const before = await computeStateDigest(database.db);
      await database.db
        .updateTable('aggregate_user')
        .set({ follower_count: 99 })
        .where('user_id', '=', 11)
        .execute();
      const after = await computeStateDigest(database.db);
      assert.equal(after.block, before.block);
      assert.notEqual(after.digest, before.digest);
    } finally {
      await database.close();
    }
  });
});
