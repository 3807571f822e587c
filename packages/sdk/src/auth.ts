// `sdk.auth`: sign up, log in and change the password with Hedgehog records on the content
// nodes (docs/design.md §5). Records are written to the top nodes of the lookup key's rendezvous ranking
// and read from them in rank order, hedged: a holder that does not answer is raced by the next.
import { type Address, type Hex, type LocalAccount, bytesToHex } from 'viem';
import type { HDAccount } from 'viem/accounts';
import { placementFor, signAuthRecord, signRequest } from '@coliving/protocol';
import {
  AUTH_READ_TIMEOUT_MS,
  AUTH_REPLICATION_FACTOR,
  AUTH_WRITE_GRACE_MS,
  HEDGE_AFTER_MS,
} from './constants.js';
import type { SdkContext } from './context.js';
import { ColivingSdkError, isFailoverError, toColivingSdkError } from './errors.js';
import {
  type AuthRecordInput,
  createAuthRecord,
  decryptEntropy,
  lookupKeyOf,
  newEntropy,
  walletFromEntropy,
} from './hedgehog.js';
import { firstAnswer, requestJson, throwIfAborted } from './http.js';

export type Credentials = { email: string; password: string };
export type AuthReturnType = {
  wallet: Address;
  account: LocalAccount;
  /**
   * The wallet's private key, for an app that keeps its user logged in between runs (the CLI's
   * session file): keep it as secret as the password.
   */
  privateKey: Hex;
};
export type ChangePasswordParameters = {
  email: string;
  oldPassword: string;
  newPassword: string;
  /**
   * The wallet the login must open (an app's signed-in user): another wallet's email and
   * password are then `wrong_credentials`, and nothing is changed.
   */
  wallet?: string;
};

/** A login record as content nodes serve it (unsigned if stored before versions were signed). */
type StoredAuthRecord = AuthRecordInput & { wallet: string; updatedAt: string; signature?: string };

/**
 * The time of a new version: now, or just after the version it replaces when that one is dated
 * later (another device's fast clock), so the owner's write always wins.
 */
function nextUpdatedAt(current?: { updatedAt: string }): string {
  const floor = current ? Date.parse(current.updatedAt) + 1 : 0;
  return new Date(Math.max(Date.now(), Number.isNaN(floor) ? 0 : floor)).toISOString();
}

type Signal = { signal?: AbortSignal };

/** The auth API. */
export function createAuthApi(ctx: SdkContext) {
  async function holders(lookupKey: string, signal?: AbortSignal): Promise<string[]> {
    const nodes = placementFor(
      await ctx.discovery.contentNodes(signal),
      lookupKey,
      AUTH_REPLICATION_FACTOR,
    );
    if (nodes.length === 0) {
      throw new ColivingSdkError('no_healthy_node', 'The network lists no content nodes', {
        code: 'no_content_nodes',
      });
    }
    return nodes;
  }

  /**
   * The record of a lookup key, read from its holders in rank order, the next one asked as soon
   * as the one before has answered without it or has not answered within HEDGE_AFTER_MS (a frozen
   * holder takes the connection and never answers); undefined when those that answered have none.
   * `no_healthy_node` when none answered at all.
   */
  async function readRecord(
    lookupKey: string,
    signal?: AbortSignal,
  ): Promise<StoredAuthRecord | undefined> {
    const failures: ColivingSdkError[] = [];
    let answered = false;
    try {
      return await firstAnswer(
        await holders(lookupKey, signal),
        async (node, attempt) => {
          try {
            const { body } = await requestJson<{ data: StoredAuthRecord }>(
              ctx.fetch,
              `${node}/authentication/${lookupKey}`,
              { signal: attempt, timeoutMs: AUTH_READ_TIMEOUT_MS },
            );
            return body.data;
          } catch (error) {
            const sdkError = toColivingSdkError(error);
            if (sdkError.type === 'not_found') answered = true;
            else failures.push(sdkError);
            throw sdkError;
          }
        },
        { hedgeAfterMs: HEDGE_AFTER_MS, signal },
      );
    } catch (error) {
      throwIfAborted(signal);
      // A refusal (a malformed key) says more than a node being down or not holding the record.
      const refusal = failures.find((e) => !isFailoverError(e));
      if (refusal) throw refusal;
      if (answered) return undefined;
      throw new ColivingSdkError(
        'no_healthy_node',
        'No content node holding login records answered',
        { code: 'auth_unavailable', cause: failures[0] ?? error },
      );
    }
  }

  /**
   * Sends a signed request with a JSON body to every holder, each with its own request
   * signature (a node takes a signature once).
   */
  /**
   * Sends one signed write to every holder. Answers once every holder has answered, or
   * AUTH_WRITE_GRACE_MS after the first that `took` it, with the answers so far: a frozen holder
   * does not hold a write up for its request timeout.
   */
  async function sendToHolders(
    nodes: readonly string[],
    account: LocalAccount,
    method: 'POST' | 'DELETE',
    path: string,
    json: unknown,
    took: (answer: PromiseSettledResult<unknown>) => boolean,
    signal?: AbortSignal,
  ): Promise<PromiseSettledResult<unknown>[]> {
    const body = JSON.stringify(json);
    const answers: PromiseSettledResult<unknown>[] = [];
    let stored!: () => void;
    const firstStored = new Promise<void>((resolve) => (stored = resolve));
    const all = Promise.all(
      nodes.map(async (node) => {
        let answer: PromiseSettledResult<unknown>;
        try {
          const value = await requestJson(ctx.fetch, `${node}${path}`, {
            method,
            headers: {
              ...(await signRequest({ account, method, path, body })),
              'content-type': 'application/json',
            },
            body,
            signal,
          });
          answer = { status: 'fulfilled', value };
        } catch (reason) {
          answer = { status: 'rejected', reason };
        }
        answers.push(answer);
        if (took(answer)) stored();
      }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = firstStored.then(
      () => new Promise<void>((resolve) => (timer = setTimeout(resolve, AUTH_WRITE_GRACE_MS))),
    );
    try {
      await Promise.race([all, grace]);
    } finally {
      clearTimeout(timer);
    }
    return [...answers];
  }

  /**
   * Writes a record to its holders as a version the wallet signs, dated after `current` (the
   * version it replaces, when known); one stored copy is enough.
   */
  async function writeRecord(
    account: LocalAccount,
    record: AuthRecordInput,
    signal?: AbortSignal,
    current?: { updatedAt: string },
  ): Promise<void> {
    const updatedAt = nextUpdatedAt(current);
    const signature = await signAuthRecord({ account, version: { ...record, updatedAt } });
    const results = await sendToHolders(
      await holders(record.lookupKey, signal),
      account,
      'POST',
      '/authentication',
      { ...record, updatedAt, signature },
      (answer) => answer.status === 'fulfilled',
      signal,
    );
    if (results.some((r) => r.status === 'fulfilled')) return;
    throwIfAborted(signal);
    const errors = results.map((r) =>
      toColivingSdkError(r.status === 'rejected' ? r.reason : undefined),
    );
    // A refusal (another wallet owns the key, a bad record) says more than a node being down.
    throw errors.find((e) => !isFailoverError(e)) ?? errors[0]!;
  }

  /**
   * Deletes a record from its holders with a tombstone the wallet signs, dated after `current`;
   * a holder without it is fine.
   */
  async function deleteRecord(
    account: LocalAccount,
    current: StoredAuthRecord,
    signal?: AbortSignal,
  ): Promise<void> {
    const { lookupKey } = current;
    const updatedAt = nextUpdatedAt(current);
    const signature = await signAuthRecord({
      account,
      version: { lookupKey, updatedAt, deleted: true },
    });
    const results = await sendToHolders(
      await holders(lookupKey, signal),
      account,
      'DELETE',
      `/authentication/${lookupKey}`,
      { updatedAt, signature },
      gone,
      signal,
    );
    if (results.some(gone)) return;
    throw results.map((r) =>
      toColivingSdkError(r.status === 'rejected' ? r.reason : undefined),
    )[0]!;
  }

  /** A holder that deleted the record, or never had it. */
  function gone(answer: PromiseSettledResult<unknown>): boolean {
    return answer.status === 'fulfilled' || toColivingSdkError(answer.reason).type === 'not_found';
  }

  /** Opens the record of an email and password: its entropy and the wallet it makes. */
  async function open(
    email: string,
    password: string,
    signal?: AbortSignal,
  ): Promise<{ record: StoredAuthRecord; entropy: Uint8Array; account: HDAccount }> {
    const lookupKey = await lookupKeyOf(email, password);
    const record = await readRecord(lookupKey, signal);
    if (!record) {
      throw new ColivingSdkError('wrong_credentials', 'Wrong email or password', {
        code: 'wrong_credentials',
      });
    }
    const entropy = await decryptEntropy(record, password);
    const account = walletFromEntropy(entropy);
    if (account.address.toLowerCase() !== record.wallet.toLowerCase()) {
      throw new ColivingSdkError(
        'server',
        'The login record opens to a wallet other than the one that wrote it',
        { code: 'auth_record_mismatch' },
      );
    }
    return { record, entropy, account };
  }

  return {
    /**
     * Creates a wallet and stores it encrypted under the email and password; sets it as the
     * SDK's account. A `conflict` when these credentials already open a wallet.
     */
    async signUp(p: Credentials & Signal): Promise<AuthReturnType> {
      const lookupKey = await lookupKeyOf(p.email, p.password);
      if (await readRecord(lookupKey, p.signal)) {
        throw new ColivingSdkError('conflict', 'An account with this email and password exists', {
          code: 'account_exists',
        });
      }
      const entropy = newEntropy();
      const account = walletFromEntropy(entropy);
      const record = await createAuthRecord(p.email, p.password, entropy);
      await writeRecord(account, record, p.signal);
      ctx.setAccount(account);
      return authResult(account);
    },

    /** Opens the wallet of an email and password and sets it as the SDK's account. */
    async logIn(p: Credentials & Signal): Promise<AuthReturnType> {
      const { account } = await open(p.email, p.password, p.signal);
      ctx.setAccount(account);
      return authResult(account);
    },

    /**
     * Stores the wallet under the new password, then deletes the old record; the wallet (and so
     * the user) stays the same. Sets it as the SDK's account.
     */
    async changePassword(p: ChangePasswordParameters & Signal): Promise<void> {
      const { record: old, entropy, account } = await open(p.email, p.oldPassword, p.signal);
      if (p.wallet !== undefined && account.address.toLowerCase() !== p.wallet.toLowerCase()) {
        throw new ColivingSdkError(
          'wrong_credentials',
          'That email and password open another account than this one',
          { code: 'other_wallet' },
        );
      }
      const record = await createAuthRecord(p.email, p.newPassword, entropy);
      // The same password again gives the same key: the record is replaced, not moved.
      const same = record.lookupKey === old.lookupKey;
      await writeRecord(account, record, p.signal, same ? old : undefined);
      if (!same) await deleteRecord(account, old, p.signal);
      ctx.setAccount(account);
    },

    /** Forgets the account (the SDK then only reads). */
    logOut(): void {
      ctx.setAccount(undefined);
    },
  };
}

function authResult(account: HDAccount): AuthReturnType {
  const key = account.getHdKey().privateKey;
  if (!key) throw new ColivingSdkError('unknown', 'The derived wallet has no private key');
  return { wallet: account.address, account, privateKey: bytesToHex(key) };
}

export type AuthApi = ReturnType<typeof createAuthApi>;
