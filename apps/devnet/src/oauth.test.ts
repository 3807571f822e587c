// Log in with Coliving through the SDK against a real local network (both chains and a
// discovery node): an app's login URL carries a PKCE challenge whose verifier stays in the app's
// session storage, the user's wallet signs the code (what the consent page does), handleRedirect
// checks state and redeems the code at the discovery node, verifyToken answers the profile; an SDK
// built with the app's key writes for the user who granted it, and for no one else.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ColivingSdkError, type OAuthStorage, createColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type StartNetworkReturnType, startNetwork } from './index.js';

const REDIRECT = 'http://127.0.0.1:5555/callback';
const WEB = 'http://web.test';
let dir: string;
let network: StartNetworkReturnType;
let endpoint: string;
const ownerKey = generatePrivateKey();
const userKey = generatePrivateKey();
const otherKey = generatePrivateKey();
const ids: Record<string, string> = {};

/** sessionStorage as a browser keeps it: strings by key (Node has none). */
function memoryStorage(): OAuthStorage & { size(): number } {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
    size: () => items.size,
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-oauth-sdk-'));
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

const sdkOf = (key: `0x${string}`) =>
  createColivingSdk({
    discoveryNodes: [endpoint],
    account: privateKeyToAccount(key),
    pollIntervalMs: 50,
  });

describe('Log in with Coliving through the SDK', () => {
  it('logs a user in for an app, and the app writes for them with its own key', async () => {
    const owner = sdkOf(ownerKey);
    const listener = sdkOf(userKey);
    const { apiKey, apiSecret } = await owner.developerApps.create({
      userId: ids.owner!,
      name: 'Radio',
      description: 'Plays things',
      redirectUris: [REDIRECT],
    });

    // The app's page: a login URL to the web player's consent page.
    const storage = memoryStorage();
    const appPage = createColivingSdk({
      discoveryNodes: [endpoint],
      apiKey,
      webUrl: WEB,
      oauthStorage: storage,
    });
    const loginUrl = new URL(
      await appPage.oauth.loginUrl({ scope: 'write', redirectUri: REDIRECT, state: 'st-1' }),
    );
    assert.equal(`${loginUrl.origin}${loginUrl.pathname}`, `${WEB}/oauth/auth`);
    const q = Object.fromEntries(loginUrl.searchParams);
    assert.deepEqual(
      [q.response_type, q.client_id, q.redirect_uri, q.scope, q.state, q.code_challenge_method],
      ['code', apiKey, REDIRECT, 'write', 'st-1', 'S256'],
    );
    assert.match(q.code_challenge!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(storage.size(), 1);

    // The consent page, as the listener: write needs the grant first, then the code.
    await listener.grants.create({ userId: ids.listener!, grantee: apiKey });
    await assert.rejects(
      listener.oauth.authorize({
        apiKey,
        redirectUri: 'https://evil.example/cb',
        scope: 'write',
        codeChallenge: q.code_challenge!,
      }),
      (e) => e instanceof ColivingSdkError && e.code === 'redirect_uri_not_registered',
    );
    await assert.rejects(
      listener.oauth.authorize({
        apiKey: privateKeyToAccount(generatePrivateKey()).address,
        redirectUri: REDIRECT,
        scope: 'write',
        codeChallenge: q.code_challenge!,
      }),
      (e) => e instanceof ColivingSdkError && e.type === 'not_found',
    );
    const code = await listener.oauth.authorize({
      apiKey: q.client_id!,
      redirectUri: q.redirect_uri!,
      scope: 'write',
      codeChallenge: q.code_challenge!,
    });

    // A redirect whose state is not the page's is refused, and keeps the pending login.
    await assert.rejects(
      appPage.oauth.handleRedirect(`${REDIRECT}?code=${code}&state=forged`),
      (e) => e instanceof ColivingSdkError && e.code === 'state_mismatch',
    );
    const { token, profile, state } = await appPage.oauth.handleRedirect(
      `${REDIRECT}?code=${code}&state=st-1`,
    );
    assert.equal(state, 'st-1');
    assert.equal(storage.size(), 0);
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.scope, 'write');
    assert.deepEqual(
      [profile.userId, profile.handle, profile.apiKey, profile.email],
      [ids.listener, 'listener', apiKey, null],
    );
    assert.equal((await appPage.oauth.verifyToken(token.accessToken)).handle, 'listener');
    // The same redirect again: no pending login any more.
    await assert.rejects(
      appPage.oauth.handleRedirect(`${REDIRECT}?code=${code}&state=st-1`),
      (e) => e instanceof ColivingSdkError && e.code === 'state_mismatch',
    );
    // Redeeming the code again at the node is refused.
    await assert.rejects(
      appPage.oauth.redeem({ code, codeVerifier: 'x'.repeat(43), redirectUri: REDIRECT }),
      (e) => e instanceof ColivingSdkError && e.code === 'pkce_mismatch',
    );

    // The app's server: an SDK with the app's key writes for the listener, not for others.
    const app = createColivingSdk({
      discoveryNodes: [endpoint],
      apiKey,
      apiSecret,
      pollIntervalMs: 50,
    });
    assert.equal(app.account?.address.toLowerCase(), apiKey);
    await app.users.follow(ids.listener!, ids.other!);
    assert.deepEqual(
      (await listener.users.following(ids.listener!)).map((u) => u.handle),
      ['other'],
    );
    await assert.rejects(
      app.users.follow(ids.other!, ids.listener!),
      (e) => e instanceof ColivingSdkError && e.code === 'no_grant',
    );
    assert.throws(
      () => createColivingSdk({ discoveryNodes: [endpoint], apiKey: ids.owner!, apiSecret }),
      (e) => e instanceof ColivingSdkError && e.code === 'api_secret_mismatch',
    );
  });
});
