// Log in with Coliving on a discovery node (docs/api-v1.md): the token endpoint and verify_token
// against a real local chain and database. Each refusal the issue names has its case here: a code
// signed by the wrong key, expired, for another app, with a mismatched PKCE verifier or an
// unregistered redirect URI; write without a grant; tokens tampered, expired, for another app,
// signed by a key that is not a registered discovery node.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import {
  type OAuthScope,
  createAccessToken,
  createAuthorizationCode,
  encodeHashId,
  newPkceVerifier,
  pkceChallenge,
  signDeveloperApp,
} from '@coliving/protocol';
import type { Database } from '../db/database.js';
import { type DiscoveryNode, createDiscoveryNode } from '../server.js';
import { type ChainAction, openTestDatabase, submitActions } from '../testing.js';
import { RedeemedCodes } from './oauth.js';

const ALICE = 1;
const BOB = 2;
const STAKE = 200_000n * 10n ** 18n;
const REDIRECT = 'http://127.0.0.1:5173/callback';

let network: TestNetwork;
let database: Database;
let node: DiscoveryNode;
let alice: LocalAccount;
let bob: LocalAccount;
const delegate = privateKeyToAccount(generatePrivateKey());
/** Another registered discovery node's delegate: its tokens verify here too. */
const otherNode = privateKeyToAccount(generatePrivateKey());
const appKey = privateKeyToAccount(generatePrivateKey());
const otherAppKey = privateKeyToAccount(generatePrivateKey());
const lc = (account: { address: string }) => account.address.toLowerCase();

before(async () => {
  network = await startTestNetwork();
  database = await openTestDatabase('pglite');
  const [operator, a, b] = network.accounts.slice(1, 4) as LocalAccount[];
  alice = a!;
  bob = b!;
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [operator!.address],
    dgco: STAKE * 2n,
  });
  for (const [endpoint, key] of [
    ['http://127.0.0.1', delegate],
    ['http://127.0.0.2', otherNode],
  ] as const) {
    await registerNode({
      manifest: network.manifest,
      owner: operator!,
      serviceType: 'discoveryNode',
      endpoint,
      stake: STAKE,
      delegateWallet: key.address,
    });
  }
  const act = (
    account: LocalAccount,
    userId: number,
    entityType: string,
    action: string,
    metadata?: Record<string, unknown>,
  ): ChainAction => ({ account, userId, entityType, entityId: userId, action, metadata });
  const createApp = async (key: LocalAccount, name: string) =>
    act(alice, ALICE, 'DeveloperApp', 'Create', {
      address: lc(key),
      name,
      description: `${name}, the app`,
      redirect_uris: [REDIRECT],
      app_signature: await signDeveloperApp({ account: key, userId: ALICE }),
    });
  node = await createDiscoveryNode(
    {
      database,
      manifest: network.manifest,
      dataClient: network.dataPublic,
      ethClient: network.ethPublic,
      account: delegate,
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
    act(alice, ALICE, 'User', 'Create', { handle: 'alice', name: 'Alice' }),
    act(bob, BOB, 'User', 'Create', { handle: 'bob', name: 'Bob' }),
  ]);
  await submitActions(network, [
    await createApp(appKey, 'Player'),
    await createApp(otherAppKey, 'Other'),
  ]);
  // Bob grants the app (write); Alice grants nothing.
  const block = await submitActions(network, [
    act(bob, BOB, 'Grant', 'Create', { grantee_address: lc(appKey) }),
  ]);
  await node.start();
  await node.dataIndexer.waitFor(block);
  await node.ethIndexer.waitFor(Number(await network.ethPublic.getBlockNumber({ cacheTime: 0 })));
});

after(async () => {
  await node?.stop();
  await database?.close();
  await network?.stop();
});

type Body = Record<string, unknown>;

async function login(
  p: {
    account?: LocalAccount;
    userId?: number;
    apiKey?: string;
    scope?: OAuthScope;
    redirectUri?: string;
    now?: number;
  } = {},
) {
  const verifier = newPkceVerifier();
  const code = await createAuthorizationCode({
    account: p.account ?? bob,
    userId: String(p.userId ?? BOB),
    apiKey: p.apiKey ?? lc(appKey),
    redirectUri: p.redirectUri ?? REDIRECT,
    scope: p.scope ?? 'read',
    codeChallenge: await pkceChallenge(verifier),
    ...(p.now === undefined ? {} : { now: p.now }),
  });
  return { code, verifier };
}

async function token(fields: Record<string, string>, form = true) {
  const res = await node.app.inject({
    method: 'POST',
    url: '/v1/oauth/token',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    payload: form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: res.statusCode, body: res.json<Body>(), headers: res.headers };
}

const redeem = (l: { code: string; verifier: string }, extra: Record<string, string> = {}) =>
  token({
    grant_type: 'authorization_code',
    code: l.code,
    code_verifier: l.verifier,
    redirect_uri: REDIRECT,
    client_id: lc(appKey),
    ...extra,
  });

async function verify(t: string, apiKey?: string) {
  const query = new URLSearchParams({ token: t, ...(apiKey ? { api_key: apiKey } : {}) });
  const res = await node.app.inject({
    method: 'GET',
    url: `/v1/users/verify_token?${query.toString()}`,
  });
  return { status: res.statusCode, body: res.json<Body>() };
}

const errorCode = (body: Body) => (body.error as { code?: string })?.code;

describe('POST /v1/oauth/token', () => {
  it('redeems a code (form or JSON) for a token verify_token answers with the profile', async () => {
    const { status, body, headers } = await redeem(await login());
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(headers['cache-control'], 'no-store');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'read');
    assert.equal(body.expires_in, 3600);
    const verified = await verify(body.access_token as string, lc(appKey));
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const data = verified.body.data as Body;
    assert.equal(data.userId, encodeHashId(BOB));
    assert.equal(data.sub, String(BOB));
    assert.equal(data.handle, 'bob');
    assert.equal(data.name, 'Bob');
    assert.equal(data.email, null);
    assert.equal(data.verified, false);
    assert.equal(data.apiKey, lc(appKey));
    assert.match(data.iat as string, /^\d+$/);

    const l = await login({ scope: 'write' });
    const json = await token(
      {
        grant_type: 'authorization_code',
        code: l.code,
        code_verifier: l.verifier,
        redirect_uri: REDIRECT,
        client_id: appKey.address,
      },
      false,
    );
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(json.body.scope, 'write');
  });

  it('redeems a code once on a node', async () => {
    const l = await login();
    assert.equal((await redeem(l)).status, 200);
    const again = await redeem(l);
    assert.equal(again.status, 400);
    assert.deepEqual([again.body.error, again.body.code], ['invalid_grant', 'code_redeemed']);
  });

  it('refuses each bad code with an RFC 6749 error and a stable code', async () => {
    const cases: [string, Promise<{ status: number; body: Body }>, number, string, string][] = [
      // Signed by a key that is not Bob's wallet (Alice's), naming Bob.
      [
        'wrong key',
        login({ account: alice }).then((l) => redeem(l)),
        400,
        'invalid_grant',
        'wrong_signer',
      ],
      [
        'expired',
        login({ now: Math.floor(Date.now() / 1000) - 700 }).then((l) => redeem(l)),
        400,
        'invalid_grant',
        'token_expired',
      ],
      [
        'another app',
        login({ apiKey: lc(otherAppKey) }).then((l) => redeem(l)),
        400,
        'invalid_grant',
        'wrong_client',
      ],
      [
        'PKCE mismatch',
        login().then((l) => redeem({ code: l.code, verifier: newPkceVerifier() })),
        400,
        'invalid_grant',
        'pkce_mismatch',
      ],
      [
        'redirect URI not registered',
        login({ redirectUri: 'https://evil.example/cb' }).then((l) =>
          redeem(l, { redirect_uri: 'https://evil.example/cb' }),
        ),
        400,
        'invalid_grant',
        'redirect_uri_not_registered',
      ],
      [
        'redirect URI not the code’s',
        login().then((l) => redeem(l, { redirect_uri: 'http://127.0.0.1:5173/other' })),
        400,
        'invalid_grant',
        'redirect_uri_mismatch',
      ],
      [
        'write without a grant',
        login({ account: alice, userId: ALICE, scope: 'write' }).then((l) => redeem(l)),
        400,
        'invalid_grant',
        'no_grant',
      ],
      [
        'unknown app',
        login().then((l) =>
          redeem(l, { client_id: lc(privateKeyToAccount(generatePrivateKey())) }),
        ),
        401,
        'invalid_client',
        'developer_app_not_found',
      ],
      [
        'tampered code',
        login().then((l) => redeem({ ...l, code: `${l.code.slice(0, -4)}AAAA` })),
        400,
        'invalid_grant',
        'invalid_signature',
      ],
      [
        'no code',
        login().then((l) => redeem({ ...l, code: '' })),
        400,
        'invalid_request',
        'missing_parameter',
      ],
      [
        'another grant type',
        login().then((l) => redeem(l, { grant_type: 'password' })),
        400,
        'unsupported_grant_type',
        'unsupported_grant_type',
      ],
    ];
    for (const [name, answer, status, error, code] of cases) {
      const { status: got, body } = await answer;
      assert.deepEqual(
        [got, body.error, body.code],
        [status, error, code],
        `${name}: ${JSON.stringify(body)}`,
      );
      assert.equal(typeof body.error_description, 'string');
      assert.equal(body.access_token, undefined);
    }
    // Alice may log in to read without a grant.
    assert.equal((await redeem(await login({ account: alice, userId: ALICE }))).status, 200);
  });
});

describe('RedeemedCodes', () => {
  it('stays open to new codes when a flood fills it, forgetting the oldest', () => {
    // Anyone can sign codes for their own account by the thousand: full must not mean closed.
    const codes = new RedeemedCodes();
    const now = 2_000_000_000;
    const exp = now + 600;
    for (let i = 0; i < 100_000; i++) assert.equal(codes.redeem(`flood-${i}`, exp, now), true);
    assert.equal(codes.redeem('a real login', exp, now), true);
    assert.equal(codes.redeem('a real login', exp, now), false);
    assert.equal(codes.redeem('flood-99999', exp, now), false);
    assert.equal(codes.size, 100_000);
  });
});

describe('GET /v1/users/verify_token', () => {
  it('refuses alg none, HS256 keyed with the node’s public key, and a deactivated user', async () => {
    const { body } = await redeem(await login());
    const good = body.access_token as string;
    const [h, p] = good.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Body;
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ ...header, alg: 'none' })}.${p}.`;
    // The classic confusion: HMAC with the public key a verifier would hold as the secret.
    const jwk = header.jwk as { x: string; y: string };
    const hsInput = `${b64({ ...header, alg: 'HS256' })}.${p}`;
    const secret = Buffer.concat([
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]);
    const hs256 = `${hsInput}.${createHmac('sha256', secret).update(hsInput).digest('base64url')}`;
    for (const [name, t] of [
      ['alg none', none],
      ['HS256', hs256],
    ] as const) {
      const res = await verify(t);
      assert.equal(res.status, 401, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(errorCode(res.body), 'invalid_token', name);
    }
    // A token issued before its user deactivated names no one any more.
    const deactivate = (value: boolean) =>
      database.db
        .updateTable('users')
        .set({ is_deactivated: value })
        .where('user_id', '=', BOB)
        .execute();
    await deactivate(true);
    try {
      const res = await verify(good);
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(errorCode(res.body), 'user_not_found');
    } finally {
      await deactivate(false);
    }
    assert.equal((await verify(good)).status, 200);
  });

  it('verifies any registered node’s token; refuses tampered, expired, wrong-app and non-node tokens', async () => {
    const { body } = await redeem(await login());
    const good = body.access_token as string;
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Body;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: String(ALICE) })).toString('base64url')}.${s}`;
    const expired = (
      await createAccessToken({
        signer: delegate,
        userId: String(BOB),
        apiKey: lc(appKey),
        scope: 'read',
        now: Math.floor(Date.now() / 1000) - 4000,
      })
    ).token;
    const stranger = (
      await createAccessToken({
        signer: privateKeyToAccount(generatePrivateKey()),
        userId: String(BOB),
        apiKey: lc(appKey),
        scope: 'write',
      })
    ).token;
    const cases: [string, string, string | undefined, string][] = [
      ['tampered', tampered, undefined, 'invalid_signature'],
      ['expired', expired, undefined, 'token_expired'],
      ['wrong app', good, lc(otherAppKey), 'wrong_app'],
      ['not a node', stranger, undefined, 'unknown_issuer'],
      ['garbage', 'abc', undefined, 'invalid_token'],
    ];
    for (const [name, t, apiKey, code] of cases) {
      const res = await verify(t, apiKey);
      assert.equal(res.status, 401, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(errorCode(res.body), code, name);
    }
    assert.equal((await verify(good)).status, 200);
    // Another registered discovery node's token verifies here.
    const elsewhere = await createAccessToken({
      signer: otherNode,
      userId: String(BOB),
      apiKey: lc(appKey),
      scope: 'write',
    });
    const fromOther = await verify(elsewhere.token, lc(appKey));
    assert.equal(fromOther.status, 200, JSON.stringify(fromOther.body));
    assert.equal((fromOther.body.data as Body).handle, 'bob');
    const missing = await node.app.inject({ method: 'GET', url: '/v1/users/verify_token' });
    assert.equal(missing.statusCode, 400);
    const openapi = await node.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    const paths = Object.keys(openapi.json<{ paths: object }>().paths);
    assert.ok(paths.includes('/v1/oauth/token') && paths.includes('/v1/users/verify_token'));
  });
});
