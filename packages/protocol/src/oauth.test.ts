import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base64url } from 'jose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  AUTHORIZATION_CODE_TTL_SECONDS,
  createAccessToken,
  createAuthorizationCode,
  newPkceVerifier,
  pkceChallenge,
  verifyAccessToken,
  verifyAuthorizationCode,
} from './oauth.js';

const user = privateKeyToAccount(generatePrivateKey());
const node = privateKeyToAccount(generatePrivateKey());
const app = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();

async function code(now?: number) {
  return createAuthorizationCode({
    account: user,
    userId: '7',
    apiKey: app,
    redirectUri: 'http://127.0.0.1:5000/cb',
    scope: 'write',
    codeChallenge: await pkceChallenge(newPkceVerifier()),
    ...(now === undefined ? {} : { now }),
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

test('an authorization code verifies and names the wallet that signed it', async () => {
  const c = await code();
  const { claims, signer } = verifyAuthorizationCode(c);
  assert.equal(signer, user.address.toLowerCase());
  assert.equal(claims.sub, '7');
  assert.equal(claims.aud, app);
  assert.equal(claims.scope, 'write');
  assert.equal(claims.exp - claims.iat, AUTHORIZATION_CODE_TTL_SECONDS);
});

test('PKCE S256 is base64url(SHA-256(verifier)) (checked against node:crypto)', async () => {
  const verifier = newPkceVerifier();
  assert.match(verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    await pkceChallenge(verifier),
    createHash('sha256').update(verifier).digest('base64url'),
  );
});

test('a tampered code, one signed by another key, or an expired one is refused', async () => {
  const c = await code();
  const [h, p, s] = c.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!))) as Record<
    string,
    string
  >;
  const forged = base64url.encode(JSON.stringify({ ...claims, sub: '8' }));
  assert.equal(
    codeOf(() => verifyAuthorizationCode(`${h}.${forged}.${s}`)),
    'invalid_signature',
  );
  // Another key's header with this signature.
  const other = await createAuthorizationCode({
    account: privateKeyToAccount(generatePrivateKey()),
    userId: '7',
    apiKey: app,
    redirectUri: 'http://127.0.0.1:5000/cb',
    scope: 'read',
    codeChallenge: claims.code_challenge!,
  });
  assert.equal(
    codeOf(() => verifyAuthorizationCode(`${other.split('.')[0]}.${p}.${s}`)),
    'invalid_signature',
  );
  const old = await code(Math.floor(Date.now() / 1000) - 700);
  assert.equal(
    codeOf(() => verifyAuthorizationCode(old)),
    'token_expired',
  );
  assert.equal(
    codeOf(() => verifyAuthorizationCode('not.a.jws')),
    'invalid_token',
  );
  // An access token is not a code.
  const { token } = await createAccessToken({
    signer: node,
    userId: '7',
    apiKey: app,
    scope: 'read',
  });
  assert.equal(
    codeOf(() => verifyAuthorizationCode(token)),
    'invalid_token',
  );
});

test('an access token verifies only as its issuer signed it', async () => {
  const { token } = await createAccessToken({
    signer: node,
    userId: '7',
    apiKey: app,
    scope: 'read',
  });
  const claims = verifyAccessToken(token);
  assert.equal(claims.iss, node.address.toLowerCase());
  assert.equal(claims.apiKey, app);
  // Signed by a key that claims to be another issuer.
  const impostor = privateKeyToAccount(generatePrivateKey());
  const { token: t2 } = await createAccessToken({
    signer: { ...impostor, address: node.address },
    userId: '7',
    apiKey: app,
    scope: 'read',
  });
  assert.equal(
    codeOf(() => verifyAccessToken(t2)),
    'invalid_signature',
  );
  const { token: old } = await createAccessToken({
    signer: node,
    userId: '7',
    apiKey: app,
    scope: 'read',
    now: Math.floor(Date.now() / 1000) - 4000,
  });
  assert.equal(
    codeOf(() => verifyAccessToken(old)),
    'token_expired',
  );
});
