// `coliving app create | list | delete` and `coliving grants list | revoke` against a real local
// network (both chains and a discovery node): an app registered from the command line acts for a
// user who granted it, through the SDK holding only the app's key, until the user revokes it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type StartNetworkReturnType, startNetwork } from '@coliving/devnet';
import { ColivingSdkError, createColivingSdk, decodeHashId } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { runCliAs } from '../testing/runCliAs.js';

let dir: string;
let network: StartNetworkReturnType;
let endpoint: string;
const ownerKey = generatePrivateKey();
const userKey = generatePrivateKey();
const otherKey = generatePrivateKey();
const ids: Record<string, string> = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-cli-apps-'));
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 0, discoveryNodes: 1 });
  endpoint = network.discoveryNodes[0]!.endpoint;
  for (const [handle, key] of [
    ['owner', ownerKey],
    ['listener', userKey],
    ['other', otherKey],
  ] as const) {
    const sdk = createColivingSdk({
      discoveryNodes: [endpoint],
      account: privateKeyToAccount(key),
      pollIntervalMs: 50,
    });
    ids[handle] = (await sdk.users.create({ handle, name: handle })).userId;
  }
});

after(async () => {
  await network?.stop();
  await rm(dir, { recursive: true, force: true });
});

const as = (handle: 'owner' | 'listener', argv: string[]) =>
  runCliAs(argv, {
    dir,
    endpoint,
    key: handle === 'owner' ? ownerKey : userKey,
    userId: decodeHashId(ids[handle]!),
    handle,
  });

describe('coliving app and grants', () => {
  it('registers an app, lets it act for a user who granted it, and stops it on revoke', async () => {
    const created = await as('owner', [
      ...['app', 'create', '--name', 'Radio', '--description', 'Plays things'],
      ...[
        '--redirect-uri',
        'http://127.0.0.1:5555/cb',
        '--redirect-uri',
        'https://radio.example/cb',
      ],
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { apiKey, apiSecret, redirectUris } = JSON.parse(created.stdout) as {
      apiKey: string;
      apiSecret: `0x${string}`;
      redirectUris: string[];
    };
    assert.equal(privateKeyToAccount(apiSecret).address.toLowerCase(), apiKey);
    assert.deepEqual(redirectUris, ['http://127.0.0.1:5555/cb', 'https://radio.example/cb']);

    const listed = await as('owner', ['app', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${apiKey}\\s+Radio \\(Plays things\\)`));
    // Bad input: no name; a redirect URI that is not absolute http(s).
    const noName = await as('owner', ['app', 'create']);
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /missing --name/);
    const badUri = await as('owner', ['app', 'create', '--name', 'X', '--redirect-uri', 'ftp://x']);
    assert.equal(badUri.code, 1);
    assert.match(badUri.stderr, /redirect_uris/);

    // The app, holding only its key, cannot act for the listener before a grant.
    const appSdk = createColivingSdk({
      discoveryNodes: [endpoint],
      account: privateKeyToAccount(apiSecret),
      pollIntervalMs: 50,
    });
    await assert.rejects(appSdk.users.follow(ids.listener!, ids.other!), (error) => {
      assert.ok(error instanceof ColivingSdkError);
      assert.equal(error.code, 'no_grant');
      return true;
    });
    const listenerSdk = createColivingSdk({
      discoveryNodes: [endpoint],
      account: privateKeyToAccount(userKey),
      pollIntervalMs: 50,
    });
    await listenerSdk.grants.create({ userId: ids.listener!, grantee: apiKey });
    const grants = await as('listener', ['grants', 'list', '--json']);
    assert.equal(grants.code, 0, grants.stderr);
    assert.deepEqual(
      (JSON.parse(grants.stdout) as { kind: string; grantee: string; status: string }[]).map(
        (g) => [g.kind, g.grantee, g.status],
      ),
      [['app', apiKey, 'active']],
    );
    // Granted: the app follows for the listener, as the listener.
    await appSdk.users.follow(ids.listener!, ids.other!);
    const following = await listenerSdk.users.following(ids.listener!);
    assert.deepEqual(
      following.map((u) => u.handle),
      ['other'],
    );

    const revoked = await as('listener', ['grants', 'revoke', apiKey]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await assert.rejects(appSdk.users.unfollow(ids.listener!, ids.other!), (error) => {
      assert.ok(error instanceof ColivingSdkError);
      assert.equal(error.code, 'grant_revoked');
      return true;
    });
    const none = await as('listener', ['grants', 'list']);
    assert.match(none.stdout, /no apps or managers/);

    // The listener cannot delete the owner's app; the owner can, and it is gone.
    const notTheirs = await as('listener', ['app', 'delete', apiKey]);
    assert.equal(notTheirs.code, 2);
    assert.match(notTheirs.stderr, /not yours/);
    const deleted = await as('owner', ['app', 'delete', apiKey]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const after = await as('owner', ['app', 'list']);
    assert.match(after.stdout, /no developer apps/);
  });
});
