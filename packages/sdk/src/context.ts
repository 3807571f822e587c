import type { LocalAccount } from 'viem';
import { decodeHashId, ownerProofData } from '@coliving/protocol';
import type { Discovery } from './discovery.js';
import { ColivingSdkError, toColivingSdkError } from './errors.js';
import { type FetchFn, type Query, buildUrl, requestJson } from './http.js';
import type { Envelope } from './types.js';

/** What every part of the SDK works with; built once by createColivingSdk. */
export type SdkContext = {
  discovery: Discovery;
  fetch: FetchFn;
  pollIntervalMs: number;
  /** The account set now, or undefined. */
  account(): LocalAccount | undefined;
  setAccount(account: LocalAccount | undefined): void;
};

/** The account that signs a write; `unauthorized` when none is set. */
export function requireAccount(ctx: SdkContext): LocalAccount {
  const account = ctx.account();
  if (!account) {
    throw new ColivingSdkError(
      'unauthorized',
      'Set an account first (createColivingSdk({account}), sdk.setAccount or sdk.auth.logIn)',
      { code: 'account_required' },
    );
  }
  return account;
}

/** A public id (hashid or numeric string) as a number; `invalid_input` when it is not one. */
export function toEntityId(id: string, what = 'id'): number {
  try {
    return decodeHashId(id);
  } catch (error) {
    const sdkError = toColivingSdkError(error);
    throw new ColivingSdkError('invalid_input', `Invalid ${what} "${String(id)}"`, {
      code: 'invalid_id',
      cause: sdkError,
    });
  }
}

/**
 * A read by id whose id names nothing: a malformed id (a 400 `invalid_id`) is a `not_found` to
 * the caller, as an id that decodes but is not taken is.
 */
export async function readById<T>(read: Promise<T>, what: string, id: string): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ColivingSdkError && error.code === 'invalid_id') {
      throw new ColivingSdkError('not_found', `No ${what} has the id "${id}"`, {
        ...(error.status !== undefined ? { status: error.status } : {}),
        code: 'invalid_id',
        cause: error,
      });
    }
    throw error;
  }
}

/** A node takes an owner proof for 5 minutes; one is signed again after this. */
const OWNER_PROOF_REUSE_MS = 4 * 60_000;
const ownerProofs = new WeakMap<
  LocalAccount,
  { at: number; userData: string; signature: string }
>();

/**
 * `query` with the account's owner proof when it names a current user (`user_id`): a node shows
 * a user their own scheduled and unlisted tracks and private playlists only with it (`user_id`
 * alone proves nothing). One proof serves a few minutes, so answers stay cacheable. A query that
 * carries its own proof (a stream's, the history's) is left as it is; a proof by a wallet that is
 * not the user's is ignored by the node.
 */
export async function withOwnerProof(ctx: SdkContext, query: Query): Promise<Query> {
  const account = ctx.account();
  if (query.user_id === undefined || query.user_id === null || query.user_data !== undefined)
    return query;
  if (!account?.signMessage) return query;
  const now = Date.now();
  let proof = ownerProofs.get(account);
  if (!proof || now - proof.at > OWNER_PROOF_REUSE_MS) {
    const userData = ownerProofData({ now });
    proof = { at: now, userData, signature: await account.signMessage({ message: userData }) };
    ownerProofs.set(account, proof);
  }
  return { ...query, user_data: proof.userData, user_signature: proof.signature };
}

/** `GET path` with failover; answers `data`. */
export async function getData<T>(
  ctx: SdkContext,
  path: string,
  query: Query = {},
  signal?: AbortSignal,
): Promise<T> {
  return (await ctx.discovery.get<T>(path, await withOwnerProof(ctx, query), { signal })).data;
}

/** `GET path` on one node (no failover): `data`, or undefined on a 404. */
export async function getDataOn<T>(
  ctx: SdkContext,
  endpoint: string,
  path: string,
  query: Query = {},
  signal?: AbortSignal,
): Promise<T | undefined> {
  try {
    const url = buildUrl(endpoint, path, await withOwnerProof(ctx, query));
    const { body } = await requestJson<Envelope<T>>(ctx.fetch, url, {
      signal,
    });
    return body.data;
  } catch (error) {
    if (error instanceof ColivingSdkError && error.type === 'not_found') return undefined;
    throw error;
  }
}
