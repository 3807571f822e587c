// Developer apps and grants on the data chain (docs/design.md §6), indexed on both engines: an app
// is registered only with its own key's signature; a grant lets an app (or an approved manager)
// sign for the user, until it is revoked; a grantee may not register apps or grant for the user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { signDeveloperApp } from '@coliving/protocol';
import type { DatabaseEngine } from '../../db/database.js';
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
import { indexBlocks } from './entityManager.js';

const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const ALICE = 1;
const BOB = 2;
const MALLORY = 3;
const TRACK = 10;

let network: TestNetwork;
/** The skip codes the scenario expects, in chain order. */
const expectedSkips: string[] = [];
let appKey: LocalAccount;
let otherAppKey: LocalAccount;

async function indexAll(db: Kysely<DB>, blocksPerRead = 5, eventsPerTransaction = 3) {
  for (;;) {
    const pass = await indexBlocks({
      db,
      client: network.dataPublic,
      entityManager: network.manifest.contracts.data.EntityManager,
      deployBlock: network.manifest.deployBlocks.data.EntityManager,
      confirmations: 0,
      blocksPerRead,
      eventsPerTransaction,
      receipts: testReceiptVerifier(network),
    });
    if (pass.indexedBlock === pass.headBlock) return;
  }
}

const lc = (account: LocalAccount) => account.address.toLowerCase();

before(async () => {
  network = await startTestNetwork();
  const [, alice, bob, mallory] = network.accounts as LocalAccount[];
  appKey = privateKeyToAccount(generatePrivateKey());
  otherAppKey = privateKeyToAccount(generatePrivateKey());
  const act = (
    account: LocalAccount,
    userId: number,
    entityType: string,
    entityId: number,
    action: string,
    metadata?: ChainAction['metadata'],
    skip?: string,
  ): ChainAction => {
    if (skip) expectedSkips.push(skip);
    return { account, userId, entityType, entityId, action, metadata };
  };
  const user = (handle: string) => ({ handle, name: handle });
  await submitActions(network, [
    act(alice!, ALICE, 'User', ALICE, 'Create', user('alice')),
    act(bob!, BOB, 'User', BOB, 'Create', user('bob')),
    act(mallory!, MALLORY, 'User', MALLORY, 'Create', user('mallory')),
  ]);
  const node = await registerReceiptSigner(network);
  const audio = await node.withReceipt(alice!.address, {
    title: 'Song',
    genre: 'Electronic',
    track_cid: CID,
    duration: 180,
  });
  const app = (key: LocalAccount, extra: Record<string, unknown> = {}) => ({
    address: lc(key),
    name: 'Player',
    description: 'Plays music',
    redirect_uris: ['http://127.0.0.1:5555/callback'],
    ...extra,
  });
  const forgedKey = privateKeyToAccount(generatePrivateKey());
  // Apps: registered by their owner with the app key's signature; updated and deleted by it.
  await submitActions(network, [
    act(alice!, ALICE, 'Track', TRACK, 'Create', audio),
    act(alice!, ALICE, 'DeveloperApp', ALICE, 'Create', {
      ...app(appKey),
      app_signature: await signDeveloperApp({ account: appKey, userId: ALICE }),
    }),
    // Signed by another key than the app's: the creator does not hold the app key.
    act(
      mallory!,
      MALLORY,
      'DeveloperApp',
      MALLORY,
      'Create',
      {
        ...app(otherAppKey),
        app_signature: await signDeveloperApp({ account: forgedKey, userId: MALLORY }),
      },
      'invalid_app_signature',
    ),
    // The app key's signature, but naming another user: not replayable.
    act(
      mallory!,
      MALLORY,
      'DeveloperApp',
      MALLORY,
      'Create',
      {
        ...app(otherAppKey),
        app_signature: await signDeveloperApp({ account: otherAppKey, userId: ALICE }),
      },
      'invalid_app_signature',
    ),
    act(
      mallory!,
      MALLORY,
      'DeveloperApp',
      MALLORY,
      'Create',
      {
        ...app(appKey),
        app_signature: await signDeveloperApp({ account: appKey, userId: MALLORY }),
      },
      'app_exists',
    ),
    act(
      mallory!,
      MALLORY,
      'DeveloperApp',
      MALLORY,
      'Update',
      { address: lc(appKey), name: 'Mine' },
      'not_owner',
    ),
    act(mallory!, MALLORY, 'DeveloperApp', MALLORY, 'Delete', { address: lc(appKey) }, 'not_owner'),
    act(alice!, ALICE, 'DeveloperApp', ALICE, 'Update', {
      address: lc(appKey),
      name: 'Alice Player',
    }),
    act(alice!, ALICE, 'DeveloperApp', ALICE, 'Create', {
      ...app(otherAppKey, { name: 'Short-lived' }),
      app_signature: await signDeveloperApp({ account: otherAppKey, userId: ALICE }),
    }),
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(otherAppKey) }),
  ]);
  await submitActions(network, [
    act(alice!, ALICE, 'DeveloperApp', ALICE, 'Delete', { address: lc(otherAppKey) }),
    // Deleted: its address is never registered again.
    act(
      alice!,
      ALICE,
      'DeveloperApp',
      ALICE,
      'Create',
      {
        ...app(otherAppKey),
        app_signature: await signDeveloperApp({ account: otherAppKey, userId: ALICE }),
      },
      'app_exists',
    ),
    // A deleted app acts for no one, even a user whose grant to it stands.
    act(otherAppKey, BOB, 'Track', TRACK, 'Save', undefined, 'app_deleted'),
    // The app acts for Bob before Bob granted it anything.
    act(appKey, BOB, 'Track', TRACK, 'Save', undefined, 'no_grant'),
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(appKey) }),
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(appKey) }, 'no_op'),
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(bob!) }, 'self_grant'),
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(forgedKey) }, 'unknown_grantee'),
  ]);
  await submitActions(network, [
    // Granted: the app saves and reposts for Bob, as Bob.
    act(appKey, BOB, 'Track', TRACK, 'Save'),
    act(appKey, BOB, 'Track', TRACK, 'Repost'),
    // A grantee may not register apps or grant for the user.
    act(
      appKey,
      BOB,
      'Grant',
      BOB,
      'Create',
      { grantee_address: lc(mallory!) },
      'grantee_forbidden',
    ),
    act(
      appKey,
      BOB,
      'DeveloperApp',
      BOB,
      'Create',
      {
        ...app(forgedKey),
        app_signature: await signDeveloperApp({ account: forgedKey, userId: BOB }),
      },
      'grantee_forbidden',
    ),
    // Nor may it act for a user who granted it nothing.
    act(appKey, ALICE, 'Track', TRACK, 'Save', undefined, 'no_grant'),
    // Bob offers Mallory to manage his account: pending until she approves.
    act(bob!, BOB, 'Grant', BOB, 'Create', { grantee_address: lc(mallory!) }),
  ]);
  await submitActions(network, [
    act(mallory!, BOB, 'User', ALICE, 'Follow', undefined, 'grant_not_approved'),
    act(mallory!, MALLORY, 'Grant', MALLORY, 'Approve', { grantor_user_id: BOB }),
    act(mallory!, MALLORY, 'Grant', MALLORY, 'Approve', { grantor_user_id: BOB }, 'no_op'),
    act(mallory!, BOB, 'User', ALICE, 'Follow'),
    act(
      mallory!,
      BOB,
      'Grant',
      BOB,
      'Delete',
      { grantee_address: lc(appKey) },
      'grantee_forbidden',
    ),
    // Bob revokes the app's grant; its next action is skipped with why.
    act(bob!, BOB, 'Grant', BOB, 'Delete', { grantee_address: lc(appKey) }),
    act(appKey, BOB, 'Track', TRACK, 'Unsave', undefined, 'grant_revoked'),
    act(bob!, BOB, 'Grant', BOB, 'Delete', { grantee_address: lc(appKey) }, 'unknown_grant'),
    // A manager removes itself.
    act(mallory!, BOB, 'Grant', BOB, 'Delete', { grantee_address: lc(mallory!) }),
    act(mallory!, BOB, 'User', ALICE, 'Unfollow', undefined, 'grant_revoked'),
  ]);
});

after(async () => {
  await network?.stop();
});

for (const engine of ENGINES) {
  describe(`developer apps and grants on ${engine}`, () => {
    it('registers apps only with their key, lets granted apps act until revoked, records every skip', async (t) => {
      if (!(await requireEngine(t, engine))) return;
      const database = await openTestDatabase(engine);
      try {
        const { db } = database;
        await indexAll(db);
        const skipped = await db
          .selectFrom('skipped_actions')
          .select(['reason_code', 'reason', 'signer'])
          .orderBy('block_number')
          .orderBy('log_index')
          .execute();
        assert.deepEqual(
          skipped.map((s) => s.reason_code),
          expectedSkips,
        );
        for (const s of skipped) assert.ok(s.reason.length > 0);
        const revoked = skipped.find((s) => s.reason_code === 'grant_revoked')!;
        assert.equal(revoked.signer, lc(appKey));

        const apps = await db
          .selectFrom('developer_apps')
          .select(['address', 'user_id', 'name', 'redirect_uris', 'is_deleted'])
          .orderBy('name')
          .execute();
        assert.deepEqual(
          apps.map((a) => [a.address, a.user_id, a.name, a.redirect_uris, a.is_deleted]),
          [
            [lc(appKey), ALICE, 'Alice Player', ['http://127.0.0.1:5555/callback'], false],
            [lc(otherAppKey), ALICE, 'Short-lived', ['http://127.0.0.1:5555/callback'], true],
          ],
        );
        const grants = await db
          .selectFrom('grants')
          .select(['user_id', 'grantee_address', 'is_approved', 'is_revoked'])
          .orderBy('grantee_address')
          .execute();
        const [, , , mallory] = network.accounts as LocalAccount[];
        assert.deepEqual(
          grants.sort((a, b) => a.grantee_address.localeCompare(b.grantee_address)),
          [
            { user_id: BOB, grantee_address: lc(appKey), is_approved: true, is_revoked: true },
            {
              user_id: BOB,
              grantee_address: lc(otherAppKey),
              is_approved: true,
              is_revoked: false,
            },
            { user_id: BOB, grantee_address: lc(mallory!), is_approved: true, is_revoked: true },
          ].sort((a, b) => a.grantee_address.localeCompare(b.grantee_address)),
        );
        // What the app and the manager did for Bob is Bob's.
        const saves = await db.selectFrom('saves').select(['user_id', 'item_id']).execute();
        assert.deepEqual(saves, [{ user_id: BOB, item_id: TRACK }]);
        const reposts = await db.selectFrom('reposts').select(['user_id']).execute();
        assert.deepEqual(reposts, [{ user_id: BOB }]);
        // The manager's follow for Bob stays; its unfollow after it left was skipped.
        const follows = await db
          .selectFrom('follows')
          .select(['follower_id', 'followee_id'])
          .execute();
        assert.deepEqual(follows, [{ follower_id: BOB, followee_id: ALICE }]);
      } finally {
        await database.close();
      }
    });
  });
}

describe('developer apps and grants in the state digest', () => {
  it('is the same on either engine, in any batch size, and after a reindex', async (t) => {
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
          await indexAll(database.db, blocksPerRead, eventsPerTransaction);
          digests.push(await computeStateDigest(database.db));
          if (engine === 'pglite' && blocksPerRead === 1) {
            // The digest covers the new tables: a changed grant changes it.
            await database.db.updateTable('grants').set({ is_revoked: false }).execute();
            const changed = await computeStateDigest(database.db);
            assert.notEqual(changed.digest, digests.at(-1)!.digest);
          }
        } finally {
          await database.close();
        }
      }
    }
    assert.ok(digests.length >= 2);
    for (const digest of digests.slice(1)) {
      if (digest === digests[0]) continue;
      assert.equal(digest.digest, digests[0]!.digest);
    }
  });
});
