import type { LocalAccount } from 'viem';
import { decodeHashId } from '@coliving/protocol';
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

/** `GET path` with failover; answers `data`. */
export async function getData<T>(
  ctx: SdkContext,
  path: string,
  query: Query = {},
  signal?: AbortSignal,
): Promise<T> {
  return (await ctx.discovery.get<T>(path, query, { signal })).data;
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
    const { body } = await requestJson<Envelope<T>>(ctx.fetch, buildUrl(endpoint, path, query), {
      signal,
    });
    return body.data;
  } catch (error) {
    if (error instanceof ColivingSdkError && error.type === 'not_found') return undefined;
    throw error;
  }
}
