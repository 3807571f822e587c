// "Log in with Coliving" (docs/design.md §12): the authorization code a user's wallet signs on the
// consent page and the access token a discovery node signs when it redeems one. Both are compact
// JWS (RFC 7515) with alg ES256K (RFC 8812: ECDSA over secp256k1 and SHA-256, the 64-byte r||s
// signature) and the signer's public key as a JWK in the protected header (`jwk`, RFC 7515
// §4.1.3). A verifier checks the signature with that key and then that the key's Ethereum
// address is the one that had to sign (the user's current wallet; a registered discovery node).
//
// jose 6 no longer signs or verifies ES256K (Web Crypto has no secp256k1), so jose encodes and
// decodes the JWS (base64url, headers, claims) and @noble/curves (viem's curve library) signs and
// verifies; the wallet never leaves viem's account: the code is signed with `account.sign`.
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { type Address, type Hex, bytesToHex, hexToBytes, keccak256 } from 'viem';
import { UnauthorizedError, ValidationError } from './errors.js';

/** What a login may allow an app: read the profile, or also write for the user (a Grant). */
export type OAuthScope = 'read' | 'write';
export const OAUTH_SCOPES: readonly OAuthScope[] = ['read', 'write'];

/** An authorization code lives ten minutes (RFC 6749 §4.1.2 recommends at most ten). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 600;
/** An access token lives one hour (Audius's tokens carry no expiry; ours do, see docs). */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** Clock skew a verifier forgives on `iat`/`exp`. */
export const OAUTH_CLOCK_SKEW_SECONDS = 30;

/** The claims of an authorization code. */
export type AuthorizationCodeClaims = {
  /** The user's id (decimal string). */
  sub: string;
  /** The app's API key (its address, lower case). */
  aud: string;
  scope: OAuthScope;
  redirect_uri: string;
  /** base64url(SHA-256(code_verifier)) (PKCE S256). */
  code_challenge: string;
  iat: number;
  exp: number;
  /** Unique per code: a node redeems each once. */
  jti: string;
};

/** The claims of an access token. */
export type AccessTokenClaims = {
  /** The discovery node's delegate address (lower case). */
  iss: string;
  sub: string;
  /** The app's API key. */
  aud: string;
  /** The same, under Audius's name. */
  apiKey: string;
  scope: OAuthScope;
  iat: number;
  exp: number;
  jti: string;
};

/** Whatever signs a 32-byte hash with secp256k1 and knows its public key (a viem LocalAccount). */
export type HashSigner = {
  /** 0x04-prefixed uncompressed public key (65 bytes). */
  publicKey: Hex;
  sign?: ((p: { hash: Hex }) => Promise<Hex>) | undefined;
};

/** A JWS refused: `code` is stable (`invalid_token`, `token_expired`, ...). */
export class OAuthTokenError extends UnauthorizedError {}

function fail(code: string, message: string): never {
  throw new OAuthTokenError(message, { code });
}

/** The Ethereum address of an uncompressed secp256k1 public key. */
function addressOf(publicKey: Uint8Array): Address {
  return `0x${keccak256(publicKey.slice(1)).slice(-40)}`;
}

function jwkOf(publicKey: Hex): { kty: 'EC'; crv: 'secp256k1'; x: string; y: string } {
  const bytes = hexToBytes(publicKey);
  if (bytes.length !== 65 || bytes[0] !== 4) fail('invalid_key', 'the signer has no public key');
  return {
    kty: 'EC',
    crv: 'secp256k1',
    x: base64url.encode(bytes.slice(1, 33)),
    y: base64url.encode(bytes.slice(33, 65)),
  };
}

const encoder = new TextEncoder();

/** Signs `payload` as a compact ES256K JWS with the signer's JWK in the protected header. */
export async function signEs256kJwt(
  signer: HashSigner,
  payload: Record<string, unknown>,
  typ = 'JWT',
): Promise<string> {
  if (!signer.sign) fail('invalid_key', 'this account cannot sign a hash');
  const header = { alg: 'ES256K', typ, jwk: jwkOf(signer.publicKey) };
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = hexToBytes(
    await signer.sign({ hash: bytesToHex(sha256(encoder.encode(input))) }),
  );
  // viem answers r || s || v; RFC 8812 wants r || s.
  return `${input}.${base64url.encode(signature.slice(0, 64))}`;
}

/**
 * Checks a compact ES256K JWS whose protected header carries the signer's JWK: the signature
 * verifies with that key. Answers the claims and the key's address; says nothing about whether
 * that address may sign (the caller checks).
 */
export function verifyEs256kJwt(
  token: string,
  typ: string,
): { payload: Record<string, unknown>; signer: Address } {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) fail('invalid_token', 'the token is not a compact JWS');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: Record<string, unknown>;
  let signature: Uint8Array;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
    signature = base64url.decode(parts[2]!);
  } catch {
    fail('invalid_token', 'the token is not a compact JWS');
  }
  if (header.alg !== 'ES256K') fail('invalid_token', 'the token is not signed with ES256K');
  if (header.typ !== typ) fail('invalid_token', `the token is not a ${typ}`);
  if (header.crit !== undefined) fail('invalid_token', 'the token has critical extensions');
  const jwk = header.jwk;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'secp256k1' || !jwk.x || !jwk.y) {
    fail('invalid_token', 'the token names no secp256k1 key');
  }
  let publicKey: Uint8Array;
  try {
    const x = base64url.decode(jwk.x);
    const y = base64url.decode(jwk.y);
    if (x.length !== 32 || y.length !== 32) throw new Error('length');
    publicKey = new Uint8Array([4, ...x, ...y]);
    secp256k1.ProjectivePoint.fromHex(publicKey).assertValidity();
  } catch {
    fail('invalid_token', 'the token names no secp256k1 key');
  }
  const hash = sha256(encoder.encode(`${parts[0]}.${parts[1]}`));
  let ok = false;
  try {
    // Low-s only (as Ethereum signatures): one spelling per signature.
    ok =
      signature.length === 64 &&
      secp256k1.verify(signature, hash, publicKey, { lowS: true, prehash: false });
  } catch {
    ok = false;
  }
  if (!ok) fail('invalid_signature', 'the token’s signature does not verify');
  return { payload, signer: addressOf(publicKey) };
}

const decimalId = /^[1-9][0-9]{0,19}$/;
const addressPattern = /^0x[0-9a-f]{40}$/;

function checkTimes(payload: Record<string, unknown>, nowSeconds: number, ttl: number): void {
  const { iat, exp } = payload;
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    !Number.isInteger(iat) ||
    !Number.isInteger(exp)
  ) {
    fail('invalid_token', 'the token has no valid iat and exp');
  }
  if (exp - iat > ttl) fail('invalid_token', 'the token claims to live longer than allowed');
  if (iat > nowSeconds + OAUTH_CLOCK_SKEW_SECONDS)
    fail('invalid_token', 'the token is issued in the future');
  if (exp <= nowSeconds - OAUTH_CLOCK_SKEW_SECONDS) fail('token_expired', 'the token has expired');
}

function checkCommon(payload: Record<string, unknown>): void {
  if (typeof payload.sub !== 'string' || !decimalId.test(payload.sub))
    fail('invalid_token', 'the token names no user');
  if (typeof payload.aud !== 'string' || !addressPattern.test(payload.aud))
    fail('invalid_token', 'the token names no app');
  if (typeof payload.scope !== 'string' || !OAUTH_SCOPES.includes(payload.scope as OAuthScope)) {
    fail('invalid_scope', 'the token’s scope is neither read nor write');
  }
  if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 64) {
    fail('invalid_token', 'the token has no jti');
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A random 128-bit id, base64url. */
function randomId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
}

export type CreateAuthorizationCodeParameters = {
  /** The logged-in user's wallet (a viem LocalAccount). */
  account: HashSigner;
  userId: string;
  apiKey: string;
  redirectUri: string;
  scope: OAuthScope;
  codeChallenge: string;
  /** Seconds since the epoch (tests). */
  now?: number;
};

/** Signs an authorization code with the user's wallet (the consent page, after Allow). */
export async function createAuthorizationCode(
  p: CreateAuthorizationCodeParameters,
): Promise<string> {
  if (!decimalId.test(p.userId))
    throw new ValidationError('the user id must be a decimal id', { code: 'invalid_user_id' });
  const apiKey = p.apiKey.toLowerCase();
  if (!addressPattern.test(apiKey))
    throw new ValidationError('the API key must be an address', { code: 'invalid_api_key' });
  if (!OAUTH_SCOPES.includes(p.scope))
    throw new ValidationError('the scope must be read or write', { code: 'invalid_scope' });
  if (!/^[A-Za-z0-9_-]{43}$/.test(p.codeChallenge)) {
    throw new ValidationError(
      'the code challenge must be an S256 challenge (43 base64url characters)',
      {
        code: 'invalid_code_challenge',
      },
    );
  }
  const iat = p.now ?? nowSeconds();
  const claims: AuthorizationCodeClaims = {
    sub: p.userId,
    aud: apiKey,
    scope: p.scope,
    redirect_uri: p.redirectUri,
    code_challenge: p.codeChallenge,
    iat,
    exp: iat + AUTHORIZATION_CODE_TTL_SECONDS,
    jti: randomId(),
  };
  return signEs256kJwt(p.account, claims, 'coliving-oauth-code+jwt');
}

/**
 * Checks an authorization code's form, signature and lifetime; answers its claims and the signing
 * wallet. The caller checks that the wallet is `sub`'s current wallet, the app, the redirect URI,
 * PKCE and the jti.
 */
export function verifyAuthorizationCode(
  code: string,
  now = nowSeconds(),
): { claims: AuthorizationCodeClaims; signer: Address } {
  const { payload, signer } = verifyEs256kJwt(code, 'coliving-oauth-code+jwt');
  checkCommon(payload);
  if (typeof payload.redirect_uri !== 'string' || typeof payload.code_challenge !== 'string') {
    fail('invalid_token', 'the code has no redirect_uri or code_challenge');
  }
  checkTimes(payload, now, AUTHORIZATION_CODE_TTL_SECONDS);
  return {
    claims: payload as unknown as AuthorizationCodeClaims,
    signer: signer.toLowerCase() as Address,
  };
}

/** Signs an access token with a discovery node's delegate key. */
export async function createAccessToken(p: {
  signer: HashSigner & { address: string };
  userId: string;
  apiKey: string;
  scope: OAuthScope;
  now?: number;
}): Promise<{ token: string; claims: AccessTokenClaims }> {
  const iat = p.now ?? nowSeconds();
  const claims: AccessTokenClaims = {
    iss: p.signer.address.toLowerCase(),
    sub: p.userId,
    aud: p.apiKey.toLowerCase(),
    apiKey: p.apiKey.toLowerCase(),
    scope: p.scope,
    iat,
    exp: iat + ACCESS_TOKEN_TTL_SECONDS,
    jti: randomId(),
  };
  return { token: await signEs256kJwt(p.signer, claims, 'JWT'), claims };
}

/**
 * Checks an access token's form, signature and lifetime and that its `iss` is the key that
 * signed it. The caller checks that `iss` is a registered discovery node.
 */
export function verifyAccessToken(token: string, now = nowSeconds()): AccessTokenClaims {
  const { payload, signer } = verifyEs256kJwt(token, 'JWT');
  checkCommon(payload);
  if (typeof payload.iss !== 'string' || payload.iss !== signer.toLowerCase()) {
    fail('invalid_signature', 'the token is not signed by its issuer');
  }
  if (payload.apiKey !== payload.aud) fail('invalid_token', 'the token names two apps');
  checkTimes(payload, now, ACCESS_TOKEN_TTL_SECONDS);
  return payload as unknown as AccessTokenClaims;
}

/** PKCE S256 (RFC 7636 §4.2), by oauth4webapi. */
export function pkceChallenge(verifier: string): Promise<string> {
  return calculatePKCECodeChallenge(verifier);
}

/** A fresh PKCE code verifier (43 base64url characters of 32 random bytes), by oauth4webapi. */
export function newPkceVerifier(): string {
  return generateRandomCodeVerifier();
}

/** A PKCE verifier's form (RFC 7636 §4.1: 43–128 unreserved characters). */
export function isPkceVerifier(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
}
