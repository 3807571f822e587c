// The relay spends no gas on actions it knows the indexer will skip, nor for callers over their
// limits, on a real local chain and database. Every skip code the indexer's rules can throw is
// walked: the relay refuses it up front with the same code, and the chain does not move.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { signDeveloperApp, signUploadReceipt } from '@coliving/protocol';
import { createApp } from '@coliving/server-kit';
import { registerRelayRoutes } from '../api/relay.js';
import type { Database } from '../db/database.js';
import {
  type ChainAction,
  indexEntityManager,
  openTestDatabase,
  registerReceiptSigner,
  signChainAction,
  testReceiptVerifier,
} from '../testing.js';
import { type RelayInit, createRelay } from './relay.js';

const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const track = (title: string) => ({ title, genre: 'Electronic', track_cid: CID, duration: 180 });
const playlist = (name: string, ids: number[]) => ({
  playlist_name: name,
  playlist_contents: { track_ids: ids.map((id, i) => ({ track: id, time: 1_700_000_000 + i })) },
});

const ALICE = 1;
const BOB = 2;
const CAROL = 3;
/** Alice's track and playlist; and one of each she deleted. */
const TRACK = 10;
const DELETED_TRACK = 11;
const PLAYLIST = 20;
const DELETED_PLAYLIST = 21;
/** Bob's track, and Alice's playlist (not an album) that holds it beside her own. */
const BOBS_TRACK = 14;
const MIXED = 23;

let network: TestNetwork;
let database: Database;
let gas: LocalAccount;
let app: FastifyInstance;
/** Alice's first track's metadata, with its upload receipt; and the node that signed it. */
let kept: Awaited<ReturnType<Awaited<ReturnType<typeof registerReceiptSigner>>['withReceipt']>>;
let receiptNode: bigint;
let alice: LocalAccount;
let bob: LocalAccount;
let carol: LocalAccount;
let mallory: LocalAccount;
/** Alice's developer apps: Bob granted the first, and revoked his grant to the second. */
const appKey = privateKeyToAccount(generatePrivateKey());
const revokedAppKey = privateKeyToAccount(generatePrivateKey());
/** Alice's app that Bob granted and she then deleted. */
const deletedAppKey = privateKeyToAccount(generatePrivateKey());
const open: FastifyInstance[] = [];

function relayApp(init: RelayInit = {}, trustProxy?: string): FastifyInstance {
  const relayApp = createApp({ logger: false, ...(trustProxy ? { trustProxy } : {}) });
  registerRelayRoutes(relayApp, {
    relay: createRelay(
      {
        db: database.db,
        client: network.dataPublic,
        account: gas,
        chain: network.manifest.chains.data,
        entityManager: network.manifest.contracts.data.EntityManager,
        receipts: testReceiptVerifier(network),
      },
      init,
    ),
    db: database.db,
    client: network.dataPublic,
  });
  open.push(relayApp);
  return relayApp;
}

async function sign(action: ChainAction) {
  const signed = await signChainAction(network, action);
  return {
    ...signed,
    userId: signed.userId.toString(),
    entityId: signed.entityId.toString(),
  };
}

/** Posts `action`, signed, from the client address `ip`. */
async function relay(
  target: FastifyInstance,
  action: ChainAction | Record<string, unknown>,
  ip = '192.0.2.1',
  headers: Record<string, string> = {},
) {
  const body = 'account' in action ? await sign(action as ChainAction) : action;
  return target.inject({
    method: 'POST',
    url: '/relay',
    payload: body,
    remoteAddress: ip,
    headers,
  });
}

/** What a refused request must leave untouched: the gas wallet's nonce and the chain's head. */
async function chainState() {
  return {
    nonce: await network.dataPublic.getTransactionCount({ address: gas.address }),
    block: await network.dataPublic.getBlockNumber({ cacheTime: 0 }),
  };
}

async function indexAll(): Promise<void> {
  await indexEntityManager(database.db, network);
}

type Answer = { statusCode: number; headers: Record<string, unknown>; json: () => unknown };

function expectError(res: Answer, status: number, code: string): void {
  const body = res.json() as { error?: { code?: string } };
  assert.equal(res.statusCode, status, JSON.stringify(body));
  assert.equal(body.error?.code, code, JSON.stringify(body));
}

function expectOk(res: Answer): void {
  assert.equal(res.statusCode, 200, JSON.stringify(res.json()));
}

/** Posts `action` and asserts it is refused with `status` and `code` and sent nothing. */
async function expectRefused(
  action: ChainAction | Record<string, unknown>,
  status: number,
  code: string,
  target = app,
  ip?: string,
): Promise<Answer> {
  const before = await chainState();
  const res = await relay(target, action, ip);
  expectError(res, status, code);
  assert.deepEqual(await chainState(), before, `${code}: no transaction may be sent`);
  return res;
}

const fresh = () => privateKeyToAccount(generatePrivateKey());
const lc = (account: LocalAccount) => account.address.toLowerCase();
/** Alice's DeveloperApp Create for the app key `key`. */
const createApp_ = async (key: LocalAccount, signer: LocalAccount = key): Promise<ChainAction> => ({
  account: alice,
  userId: ALICE,
  entityType: 'DeveloperApp',
  entityId: ALICE,
  action: 'Create',
  metadata: {
    address: lc(key),
    name: 'App',
    app_signature: await signDeveloperApp({ account: signer, userId: ALICE }),
  },
});
const grant = (
  account: LocalAccount,
  userId: number,
  action: 'Create' | 'Delete',
  grantee: string,
): ChainAction => ({
  account,
  userId,
  entityType: 'Grant',
  entityId: userId,
  action,
  metadata: { grantee_address: grantee },
});
const createUser = (account: LocalAccount, id: number, handle: string): ChainAction => ({
  account,
  userId: id,
  entityType: 'User',
  entityId: id,
  action: 'Create',
  metadata: { handle, name: handle },
});

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  [alice, bob, carol, mallory] = [1, 2, 3, 4].map((i) => network.accounts[i]!) as [
    LocalAccount,
    LocalAccount,
    LocalAccount,
    LocalAccount,
  ];
  gas = network.accounts[15]!;
  app = relayApp();
  // The cast, each user from an address of its own (three User Creates per address and hour).
  const setup: [ChainAction, string][] = [
    [createUser(alice, ALICE, 'alice'), '198.51.100.1'],
    [createUser(bob, BOB, 'bob'), '198.51.100.2'],
    [createUser(carol, CAROL, 'carol'), '198.51.100.3'],
  ];
  for (const [action, ip] of setup) expectOk(await relay(app, action, ip));
  await indexAll();
  const by = (account: LocalAccount, userId: number) => ({ account, userId });
  const byAlice = by(alice, ALICE);
  // Alice's audio, with the upload receipts of a registered content node.
  const receipts = await registerReceiptSigner(network);
  kept = await receipts.withReceipt(alice.address, track('Kept'));
  receiptNode = receipts.nodeId;
  const gone = await receipts.withReceipt(alice.address, track('Gone'));
  const bobs = await receipts.withReceipt(bob.address, track('Bobs'));
  // In rounds, each indexed before the next: every action is checked against what is indexed.
  const rounds: ChainAction[][] = [
    [
      {
        ...byAlice,
        entityType: 'Track',
        entityId: TRACK,
        action: 'Create',
        metadata: kept,
      },
      {
        ...byAlice,
        entityType: 'Track',
        entityId: DELETED_TRACK,
        action: 'Create',
        metadata: gone,
      },
      {
        ...by(bob, BOB),
        entityType: 'Track',
        entityId: BOBS_TRACK,
        action: 'Create',
        metadata: bobs,
      },
      { ...by(bob, BOB), entityType: 'User', entityId: ALICE, action: 'Follow' },
      {
        ...by(carol, CAROL),
        entityType: 'User',
        entityId: CAROL,
        action: 'Update',
        metadata: { is_deactivated: true },
      },
    ],
    [
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: PLAYLIST,
        action: 'Create',
        metadata: playlist('Mix', [TRACK]),
      },
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: DELETED_PLAYLIST,
        action: 'Create',
        metadata: playlist('Old', [TRACK]),
      },
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: MIXED,
        action: 'Create',
        metadata: playlist('Mixed', [TRACK, BOBS_TRACK]),
      },
      { ...by(bob, BOB), entityType: 'Track', entityId: TRACK, action: 'Save' },
      await createApp_(appKey),
      await createApp_(revokedAppKey),
      await createApp_(deletedAppKey),
    ],
    [
      { ...byAlice, entityType: 'Track', entityId: DELETED_TRACK, action: 'Delete' },
      { ...byAlice, entityType: 'Playlist', entityId: DELETED_PLAYLIST, action: 'Delete' },
      grant(bob, BOB, 'Create', lc(appKey)),
      grant(bob, BOB, 'Create', lc(revokedAppKey)),
      grant(bob, BOB, 'Create', lc(deletedAppKey)),
      // Alice offers Bob to manage her account; he has not answered.
      grant(alice, ALICE, 'Create', lc(bob)),
    ],
    [
      grant(bob, BOB, 'Delete', lc(revokedAppKey)),
      {
        ...byAlice,
        entityType: 'DeveloperApp',
        entityId: ALICE,
        action: 'Delete',
        metadata: { address: lc(deletedAppKey) },
      },
    ],
  ];
  for (const round of rounds) {
    for (const action of round) expectOk(await relay(app, action));
    await indexAll();
  }
});

after(async () => {
  for (const target of open) await target.close();
  await database?.close();
  await network?.stop();
});

/** Every `new SkipReason(<first argument>` in the indexer's and the rules' sources. */
async function skipCodesInSources(): Promise<{ codes: Set<string>; dynamic: string[] }> {
  const root = join(import.meta.dirname, '..');
  const files = [
    join(root, 'core', 'entityRules.ts'),
    ...(await readdir(join(root, 'indexer'), { recursive: true }))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => join(root, 'indexer', f)),
  ];
  const codes = new Set<string>();
  const dynamic: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const [, first] of text.matchAll(/new SkipReason\(\s*([^,]+),/g)) {
      const literal = /^'([a-z_]+)'$/.exec(first!.trim());
      if (literal) codes.add(literal[1]!);
      else dynamic.push(first!.trim());
    }
  }
  return { codes, dynamic };
}

describe('relay refusals', () => {
  it('refuses up front every skip the indexer can make, with its code, sending nothing', async () => {
    const a = (userId: number, account: LocalAccount) => ({ account, userId });
    /** Each skip code, and an action the relay must refuse with it (status, code). */
    const walk: Record<string, [ChainAction | Record<string, unknown>, number, string]> = {
      invalid_action: [
        { ...a(ALICE, alice), entityType: 'User', entityId: BOB, action: 'Like' },
        400,
        'invalid_action',
      ],
      // The indexer's invalid_id is an id outside 1..MAX_ENTITY_ID; the protocol's own message
      // check (assertManageEntityMessage, run by every client and relay) refuses such ids first,
      // under its code for a malformed action.
      invalid_id: [
        { ...a(0, alice), entityType: 'User', entityId: BOB, action: 'Follow' },
        400,
        'invalid_action',
      ],
      unknown_user: [
        { ...a(99, mallory), entityType: 'User', entityId: ALICE, action: 'Follow' },
        404,
        'unknown_user',
      ],
      wrong_signer: [
        { ...a(ALICE, mallory), entityType: 'User', entityId: BOB, action: 'Follow' },
        401,
        'wrong_signer',
      ],
      user_deactivated: [
        { ...a(CAROL, carol), entityType: 'User', entityId: ALICE, action: 'Follow' },
        403,
        'user_deactivated',
      ],
      id_mismatch: [{ ...createUser(fresh(), 50, 'mismatch'), entityId: 51 }, 400, 'id_mismatch'],
      id_taken: [createUser(fresh(), BOB, 'newbob'), 409, 'id_taken'],
      wallet_has_user: [createUser(alice, 52, 'alice2'), 409, 'wallet_has_user'],
      handle_reserved: [createUser(fresh(), 53, 'Admin'), 400, 'handle_reserved'],
      handle_taken: [createUser(fresh(), 54, 'ALICE'), 409, 'handle_taken'],
      not_owner: [
        {
          ...a(BOB, bob),
          entityType: 'Track',
          entityId: TRACK,
          action: 'Update',
          metadata: { title: 'Mine' },
        },
        403,
        'not_owner',
      ],
      self_follow: [
        { ...a(ALICE, alice), entityType: 'User', entityId: ALICE, action: 'Follow' },
        400,
        'self_follow',
      ],
      unknown_target: [
        { ...a(ALICE, alice), entityType: 'User', entityId: 99, action: 'Follow' },
        404,
        'unknown_target',
      ],
      no_op: [
        { ...a(BOB, bob), entityType: 'User', entityId: ALICE, action: 'Follow' },
        409,
        'no_op',
      ],
      unknown_track: [
        { ...a(ALICE, alice), entityType: 'Track', entityId: 99, action: 'Delete' },
        404,
        'unknown_track',
      ],
      unknown_playlist: [
        { ...a(ALICE, alice), entityType: 'Playlist', entityId: 99, action: 'Delete' },
        404,
        'unknown_playlist',
      ],
      deleted: [
        {
          ...a(ALICE, alice),
          entityType: 'Track',
          entityId: DELETED_TRACK,
          action: 'Update',
          metadata: { title: 'Back' },
        },
        409,
        'deleted',
      ],
      // An album holds only its owner's tracks: Alice's playlist holding Bob's track is not
      // made an album, and making one names its list.
      album_foreign_track: [
        {
          ...a(ALICE, alice),
          entityType: 'Playlist',
          entityId: MIXED,
          action: 'Update',
          metadata: { is_album: true, ...playlist('Mixed', [TRACK, BOBS_TRACK]) },
        },
        403,
        'album_foreign_track',
      ],
      album_needs_tracks: [
        {
          ...a(ALICE, alice),
          entityType: 'Playlist',
          entityId: PLAYLIST,
          action: 'Update',
          metadata: { is_album: true },
        },
        400,
        'album_needs_tracks',
      ],
      target_deleted: [
        { ...a(BOB, bob), entityType: 'Playlist', entityId: DELETED_PLAYLIST, action: 'Repost' },
        409,
        'target_deleted',
      ],
      // Apps and grants (docs/design.md §6): who may sign for a user, and their own rules.
      no_grant: [
        { ...a(ALICE, appKey), entityType: 'User', entityId: BOB, action: 'Follow' },
        403,
        'no_grant',
      ],
      grant_revoked: [
        { ...a(BOB, revokedAppKey), entityType: 'Playlist', entityId: PLAYLIST, action: 'Save' },
        403,
        'grant_revoked',
      ],
      app_deleted: [
        { ...a(BOB, deletedAppKey), entityType: 'Playlist', entityId: PLAYLIST, action: 'Save' },
        403,
        'app_deleted',
      ],
      grant_not_approved: [
        { ...a(ALICE, bob), entityType: 'Playlist', entityId: PLAYLIST, action: 'Repost' },
        403,
        'grant_not_approved',
      ],
      grantee_forbidden: [grant(appKey, BOB, 'Create', lc(mallory)), 403, 'grantee_forbidden'],
      invalid_app_signature: [await createApp_(fresh(), fresh()), 401, 'invalid_app_signature'],
      app_exists: [await createApp_(appKey), 409, 'app_exists'],
      self_grant: [grant(alice, ALICE, 'Create', lc(alice)), 400, 'self_grant'],
      unknown_grantee: [grant(alice, ALICE, 'Create', lc(fresh())), 404, 'unknown_grantee'],
      unknown_grant: [grant(alice, ALICE, 'Delete', lc(appKey)), 404, 'unknown_grant'],
      unknown_app: [
        {
          ...a(ALICE, alice),
          entityType: 'DeveloperApp',
          entityId: ALICE,
          action: 'Update',
          metadata: { address: lc(fresh()), name: 'Nobody' },
        },
        404,
        'unknown_app',
      ],
    };
    // A track names only audio its owner uploaded: the receipt rules, and a receipt's verdicts.
    const newTrack = (
      account: LocalAccount,
      userId: number,
      metadata: Record<string, unknown>,
    ) => ({
      ...a(userId, account),
      entityType: 'Track',
      entityId: 30,
      action: 'Create',
      metadata,
    });
    const forged = {
      v: 1 as const,
      uploadId: 'forged',
      uploader: bob.address,
      cid: CID,
      previewCid: CID,
      origCid: CID,
      durationSeconds: 180,
      nodeId: receiptNode.toString(),
      ethBlockHash: (await network.ethPublic.getBlock()).hash,
      signedAt: Date.now(),
    };
    walk.no_upload_receipt = [newTrack(alice, ALICE, track('Bare')), 400, 'no_upload_receipt'];
    walk.receipt_not_owner = [newTrack(bob, BOB, kept), 403, 'receipt_not_owner'];
    walk.receipt_mismatch = [
      newTrack(alice, ALICE, { ...kept, duration: 999 }),
      400,
      'receipt_mismatch',
    ];
    const { codes, dynamic } = await skipCodesInSources();
    assert.deepEqual(
      [...codes].sort(),
      Object.keys(walk).sort(),
      'every skip code has a case here',
    );
    // The codes that are not literals: the metadata's own (parseEntityMetadata), which the relay
    // runs on the same bytes before anything else, shown here by one of them; and a receipt's
    // verdicts (core/uploadReceipts.ts), each shown.
    assert.deepEqual(dynamic.sort(), ['event.parsed.code', 'newReceipt.code']);
    walk.receipt_signer_not_a_node = [
      newTrack(bob, BOB, {
        ...track('Self-signed'),
        upload_receipt: await signUploadReceipt({ account: bob, data: forged }),
      }),
      400,
      'receipt_signer_not_a_node',
    ];
    walk.unknown_eth_block = [
      newTrack(bob, BOB, {
        ...track('Nowhere'),
        upload_receipt: await signUploadReceipt({
          account: network.accounts[18]!,
          data: { ...forged, ethBlockHash: `0x${'ab'.repeat(32)}` },
        }),
      }),
      400,
      'unknown_eth_block',
    ];
    walk.invalid_upload_receipt = [
      newTrack(bob, BOB, {
        ...track('Garbage'),
        upload_receipt: { data: '{}', signature: `0x${'11'.repeat(65)}` },
      }),
      400,
      'invalid_upload_receipt',
    ];
    walk.invalid_metadata = [
      {
        ...a(ALICE, alice),
        entityType: 'Track',
        entityId: 12,
        action: 'Create',
        metadata: { genre: 'Electronic' },
      },
      400,
      'invalid_metadata',
    ];
    for (const [code, [action, status, expected]] of Object.entries(walk)) {
      await labelled(code, () => expectRefused(action, status, expected));
    }
  });

  it('relays what a granted app signs for its user, and refuses it before gas once revoked', async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    expectOk(await relay(app, await createApp_(key)));
    await indexAll();
    await expectRefused(
      { account: key, userId: BOB, entityType: 'Track', entityId: TRACK, action: 'Repost' },
      403,
      'no_grant',
    );
    expectOk(await relay(app, grant(bob, BOB, 'Create', lc(key))));
    await indexAll();
    const repost = { account: key, userId: BOB, entityType: 'Track', entityId: TRACK };
    expectOk(await relay(app, { ...repost, action: 'Repost' }));
    // The app may not grant for Bob, nor register an app as him.
    await expectRefused(grant(key, BOB, 'Create', lc(mallory)), 403, 'grantee_forbidden');
    expectOk(await relay(app, grant(bob, BOB, 'Delete', lc(key))));
    await indexAll();
    const reposted = await database.db
      .selectFrom('reposts')
      .select('user_id')
      .where('item_id', '=', TRACK)
      .where('user_id', '=', BOB)
      .execute();
    assert.equal(reposted.length, 1, "the app's repost is Bob's");
    await expectRefused({ ...repost, action: 'Unrepost' }, 403, 'grant_revoked');
  });

  it("refuses user B's update or delete of user A's track or playlist before gas, and lets A", async () => {
    const b = { account: bob, userId: BOB };
    for (const [entityType, entityId] of [
      ['Track', TRACK],
      ['Playlist', PLAYLIST],
    ] as const) {
      const metadata = entityType === 'Track' ? { title: 'Taken' } : { playlist_name: 'Taken' };
      const update = await expectRefused(
        { ...b, entityType, entityId, action: 'Update', metadata },
        403,
        'not_owner',
      );
      assert.deepEqual(update.json(), {
        error: { code: 'not_owner', message: `${entityType} ${entityId} belongs to user ${ALICE}` },
      });
      await expectRefused({ ...b, entityType, entityId, action: 'Delete' }, 403, 'not_owner');
    }
    // The owner's own update goes through and is applied.
    expectOk(
      await relay(app, {
        account: alice,
        userId: ALICE,
        entityType: 'Track',
        entityId: TRACK,
        action: 'Update',
        metadata: { title: 'Renamed' },
      }),
    );
    await indexAll();
    const row = await database.db
      .selectFrom('tracks')
      .select(['title', 'owner_id'])
      .where('track_id', '=', TRACK)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { title: 'Renamed', owner_id: ALICE });
  });

  it('refuses a taken handle (in any case) or id, and takes a free one', async () => {
    await expectRefused(createUser(fresh(), 60, 'Alice'), 409, 'handle_taken');
    await expectRefused(createUser(fresh(), ALICE, 'someone'), 409, 'id_taken');
    const byAlice = { account: alice, userId: ALICE };
    await expectRefused(
      {
        ...byAlice,
        entityType: 'Track',
        entityId: TRACK,
        action: 'Create',
        metadata: track('Again'),
      },
      409,
      'id_taken',
    );
    await expectRefused(
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: PLAYLIST,
        action: 'Create',
        metadata: playlist('Again', []),
      },
      409,
      'id_taken',
    );
    // An album may not hold another landlord's track, created so or given one later; its
    // owner's own tracks are fine.
    const album = (name: string, ids: number[]) => ({ ...playlist(name, ids), is_album: true });
    await expectRefused(
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: 24,
        action: 'Create',
        metadata: album('Borrowed', [TRACK, BOBS_TRACK]),
      },
      403,
      'album_foreign_track',
    );
    expectOk(
      await relay(app, {
        ...byAlice,
        entityType: 'Playlist',
        entityId: 24,
        action: 'Create',
        metadata: album('Own', [TRACK]),
      }),
    );
    await indexAll();
    const refused = await expectRefused(
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: 24,
        action: 'Update',
        metadata: { playlist_contents: playlist('Own', [TRACK, BOBS_TRACK]).playlist_contents },
      },
      403,
      'album_foreign_track',
    );
    assert.deepEqual(refused.json(), {
      error: {
        code: 'album_foreign_track',
        message: `Track ${BOBS_TRACK} belongs to user ${BOB}: an album holds only its owner's tracks`,
      },
    });
    // A playlist may not add a track that does not exist.
    await expectRefused(
      {
        ...byAlice,
        entityType: 'Playlist',
        entityId: 22,
        action: 'Create',
        metadata: playlist('Bad', [TRACK, 98]),
      },
      404,
      'unknown_track',
    );
    expectOk(await relay(app, createUser(fresh(), 61, 'dave'), '198.51.100.61'));
    await indexAll();
    const dave = await database.db
      .selectFrom('users')
      .select('handle')
      .where('user_id', '=', 61)
      .executeTakeFirst();
    assert.deepEqual(dave, { handle: 'dave' });
  });

  it('cuts off fresh wallets from one IP after three User Creates an hour', async () => {
    let clock = 1_800_000_000_000;
    const limited = relayApp({ now: () => clock });
    const ip = '203.0.113.5';
    for (let i = 0; i < 3; i++) {
      expectOk(await relay(limited, createUser(fresh(), 200 + i, `fresh${i}`), ip));
      clock += 60_000;
    }
    for (let i = 3; i < 5; i++) {
      const res = await expectRefused(
        createUser(fresh(), 200 + i, `fresh${i}`),
        429,
        'ip_signups_limited',
        limited,
        ip,
      );
      // The first of the three leaves the window an hour after it was made.
      assert.equal(res.headers['retry-after'], String(60 * 60 - 3 * 60));
    }
    // Another address has its own allowance.
    expectOk(await relay(limited, createUser(fresh(), 205, 'fresh5'), '203.0.113.6'));
    clock += 57 * 60_000;
    expectOk(await relay(limited, createUser(fresh(), 206, 'fresh6'), ip));
  });

  it('lets a fresh wallet relay one User Create and nothing else', async () => {
    const wallet = fresh();
    expectOk(await relay(app, createUser(wallet, 300, 'once'), '203.0.113.20'));
    // A second before the first is indexed, from another address: refused by the wallet's count.
    await expectRefused(
      createUser(wallet, 301, 'twice'),
      429,
      'wallet_signups_limited',
      app,
      '203.0.113.21',
    );
    // Its user does not exist here until indexed, so nothing else is relayed for it.
    await expectRefused(
      { account: wallet, userId: 300, entityType: 'User', entityId: ALICE, action: 'Follow' },
      404,
      'unknown_user',
    );
    await indexAll();
    await expectRefused(
      createUser(wallet, 302, 'thrice'),
      409,
      'wallet_has_user',
      app,
      '203.0.113.22',
    );
    expectOk(
      await relay(app, {
        account: wallet,
        userId: 300,
        entityType: 'User',
        entityId: ALICE,
        action: 'Follow',
      }),
    );
  });

  it("limits a user's actions per minute and per hour, with Retry-After", async () => {
    let clock = 1_900_000_000_000;
    const limited = relayApp({
      now: () => clock,
      limits: { actionsPerUserMinute: 2, actionsPerUserHour: { social: 3 } },
    });
    const update = (name: string): ChainAction => ({
      account: bob,
      userId: BOB,
      entityType: 'User',
      entityId: BOB,
      action: 'Update',
      metadata: { name },
    });
    expectOk(await relay(limited, update('B1')));
    clock += 10_000;
    expectOk(await relay(limited, update('B2')));
    const minute = await expectRefused(update('B3'), 429, 'rate_limited', limited);
    assert.equal(minute.headers['retry-after'], '50');
    // Another user's budget is their own.
    expectOk(
      await relay(limited, {
        account: alice,
        userId: ALICE,
        entityType: 'User',
        entityId: ALICE,
        action: 'Update',
        metadata: { name: 'A' },
      }),
    );
    clock += 60_000;
    expectOk(await relay(limited, update('B3')));
    clock += 60_000;
    const hour = await expectRefused(update('B4'), 429, 'rate_limited', limited);
    assert.equal(hour.headers['retry-after'], String(60 * 60 - 120 - 10));
  });

  it('takes the client IP from X-Forwarded-For only behind a configured proxy', async () => {
    const forwarded = (n: number) => ({ 'x-forwarded-for': `203.0.113.${100 + n}` });
    const direct = relayApp();
    for (let i = 0; i < 3; i++) {
      const res = await relay(
        direct,
        createUser(fresh(), 400 + i, `direct${i}`),
        '10.9.9.9',
        forwarded(i),
      );
      expectOk(res);
    }
    // The header is ignored: all four came from one socket address.
    const res = await relay(direct, createUser(fresh(), 403, 'direct3'), '10.9.9.9', forwarded(3));
    expectError(res, 429, 'ip_signups_limited');

    const proxied = relayApp({}, '10.9.9.8');
    for (let i = 0; i < 4; i++) {
      const ok = await relay(
        proxied,
        createUser(fresh(), 410 + i, `proxied${i}`),
        '10.9.9.8',
        forwarded(i),
      );
      expectOk(ok);
    }
  });
});

/** Runs `check` labelled with `code`, so a failure names the skip code it was walking. */
async function labelled(code: string, check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (error) {
    throw new Error(`skip code ${code}: ${(error as Error).message}`, { cause: error });
  }
}
