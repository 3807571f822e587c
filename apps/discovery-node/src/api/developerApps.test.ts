// The developer app and grant reads (docs/api-v1.md) against a real local chain and database:
// what the indexer made of DeveloperApp and Grant actions, in Audius's shapes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { encodeHashId, signDeveloperApp } from '@coliving/protocol';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { type ChainAction, openTestDatabase, submitActions } from '../testing.js';

const ALICE = 1;
const BOB = 2;
const CAROL = 3;

let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
let carol: LocalAccount;
const appKey = privateKeyToAccount(generatePrivateKey());
const goneKey = privateKeyToAccount(generatePrivateKey());
const lc = (account: { address: string }) => account.address.toLowerCase();

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  const [alice, bob, carolAccount] = network.accounts.slice(1, 4) as LocalAccount[];
  carol = carolAccount!;
  const act = (
    account: LocalAccount,
    userId: number,
    entityType: string,
    action: string,
    metadata?: Record<string, unknown>,
  ): ChainAction => ({ account, userId, entityType, entityId: userId, action, metadata });
  const createApp = async (key: LocalAccount, name: string) =>
    act(alice!, ALICE, 'DeveloperApp', 'Create', {
      address: lc(key),
      name,
      description: `${name}, the app`,
      image_url: 'https://img.example/app.png',
      redirect_uris: ['https://app.example/callback', 'http://localhost:5173/cb'],
      app_signature: await signDeveloperApp({ account: key, userId: ALICE }),
    });
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: privateKeyToAccount(generatePrivateKey()),
    },
    {
      version: 'test',
      dataConfirmations: 0,
      ethConfirmations: 0,
      pollIntervalMs: 50,
      publicUrl: 'http://dn1.test',
      trendingIntervalMs: 0,
    },
  );
  await submitActions(network, [
    act(alice!, ALICE, 'User', 'Create', { handle: 'alice', name: 'Alice' }),
    act(bob!, BOB, 'User', 'Create', { handle: 'bob', name: 'Bob' }),
    act(carol, CAROL, 'User', 'Create', { handle: 'carol', name: 'Carol' }),
  ]);
  await submitActions(network, [
    await createApp(appKey, 'Player'),
    await createApp(goneKey, 'Gone'),
  ]);
  await submitActions(network, [
    act(alice!, ALICE, 'DeveloperApp', 'Delete', { address: lc(goneKey) }),
    act(bob!, BOB, 'Grant', 'Create', { grantee_address: lc(appKey) }),
    // Bob asks Carol (approved) and Alice (pending) to manage his account.
    act(bob!, BOB, 'Grant', 'Create', { grantee_address: lc(carol) }),
    act(bob!, BOB, 'Grant', 'Create', { grantee_address: lc(alice!) }),
  ]);
  const block = await submitActions(network, [
    act(carol, CAROL, 'Grant', 'Approve', { grantor_user_id: BOB }),
  ]);
  await node.start();
  await node.dataIndexer.waitFor(block);
});

after(async () => {
  await node?.stop();
  await database?.close();
  await network?.stop();
});

async function get(url: string) {
  const res = await node.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

const errorCode = (body: Record<string, unknown>) => (body.error as { code?: string })?.code;

describe('developer app reads', () => {
  it('serves an app by its address, in any case, and 404s a deleted or unknown one', async () => {
    const app = {
      address: lc(appKey),
      user_id: encodeHashId(ALICE),
      name: 'Player',
      description: 'Player, the app',
      image_url: 'https://img.example/app.png',
      redirect_uris: ['https://app.example/callback', 'http://localhost:5173/cb'],
    };
    for (const address of [lc(appKey), appKey.address]) {
      const { status, body } = await get(`/v1/developer_apps/${address}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.data, app);
    }
    for (const address of [lc(goneKey), lc(privateKeyToAccount(generatePrivateKey()))]) {
      const { status, body } = await get(`/v1/developer_apps/${address}`);
      assert.equal(status, 404);
      assert.equal(errorCode(body), 'developer_app_not_found');
    }
    const bad = await get('/v1/developer_apps/0x1234');
    assert.equal(bad.status, 400);
  });

  it("lists a user's apps (not deleted ones) and the apps a user authorized", async () => {
    const apps = await get(`/v1/users/${encodeHashId(ALICE)}/developer_apps`);
    assert.equal(apps.status, 200);
    assert.deepEqual(
      (apps.body.data as { address: string }[]).map((a) => a.address),
      [lc(appKey)],
    );
    const none = await get(`/v1/users/${encodeHashId(BOB)}/developer_apps`);
    assert.deepEqual(none.body.data, []);

    const authorized = await get(`/v1/users/${encodeHashId(BOB)}/authorized_apps`);
    assert.equal(authorized.status, 200);
    const [item, ...rest] = authorized.body.data as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(item!).sort(), [
      'address',
      'description',
      'grant_created_at',
      'grant_updated_at',
      'grantor_user_id',
      'image_url',
      'name',
    ]);
    assert.equal(item!.address, lc(appKey));
    assert.equal(item!.grantor_user_id, encodeHashId(BOB));
    assert.ok(!Number.isNaN(Date.parse(item!.grant_created_at as string)));
    const aliceAuthorized = await get(`/v1/users/${encodeHashId(ALICE)}/authorized_apps`);
    assert.deepEqual(aliceAuthorized.body.data, []);

    const unknown = await get(`/v1/users/${encodeHashId(99)}/authorized_apps`);
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown.body), 'user_not_found');
  });

  it("lists a user's managers with their grants, filtered by approval", async () => {
    const all = await get(`/v1/users/${encodeHashId(BOB)}/managers`);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const items = all.body.data as {
      manager: { id: string; handle: string };
      grant: Record<string, unknown>;
    }[];
    assert.deepEqual(
      items.map((i) => [i.manager.handle, i.grant.is_approved, i.grant.grantee_address]),
      [
        // In the order granted, then by address.
        ['alice', null, lc(network.accounts[1]!)],
        ['carol', true, lc(carol)],
      ],
    );
    assert.equal(items[1]!.grant.user_id, encodeHashId(BOB));
    assert.equal(items[1]!.grant.is_revoked, false);
    const approved = await get(`/v1/users/${encodeHashId(BOB)}/managers?is_approved=true`);
    assert.deepEqual(
      (approved.body.data as typeof items).map((i) => i.manager.handle),
      ['carol'],
    );
    const managed = await get(`/v1/users/${encodeHashId(CAROL)}/managed_users`);
    assert.deepEqual(
      (managed.body.data as { user: { handle: string } }[]).map((i) => i.user.handle),
      ['bob'],
    );
    const bad = await get(`/v1/users/${encodeHashId(BOB)}/managers?is_approved=maybe`);
    assert.equal(bad.status, 400);
  });
});
