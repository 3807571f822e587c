// The relay (docs/design.md §6): takes a user's signed ManageEntity action, checks it as the indexer
// will (relayChecks.ts), rate-limits its user, wallet and client IP, and submits it to
// EntityManager from the node's gas wallet, so users need no gas of their own. Everything that can
// be refused is refused before gas is spent.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import {
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  BaseError as ViemBaseError,
  BlockNotFoundError,
  ContractFunctionRevertedError,
  HttpRequestError,
  SocketClosedError,
  TimeoutError,
  WaitForTransactionReceiptTimeoutError,
  WebSocketRequestError,
} from 'viem';
import { type ChainEndpoint, createChainWallet } from '@coliving/chain';
import { entityManagerAbi } from '@coliving/contracts';
import {
  type Action,
  type EntityType,
  ConflictError,
  UnavailableError,
  parseEntityMetadata,
  parseRelayRequest,
  recoverManageEntitySigner,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { createNonceQueue } from './nonceQueue.js';
import { HOUR_MS, MINUTE_MS, type RateWindow, createRateWindows } from './rateWindows.js';
import { type CheckedAction, checkState } from './relayChecks.js';
import type { ReceiptVerifier } from './uploadReceipts.js';

/** The rate-limit buckets of a user's actions: a track is costlier to the network than a follow. */
export type RelayLimitKind = 'trackCreate' | 'social';

/**
 * How much one caller may relay. Wallets are free, so a fresh wallet gets one User Create and
 * nothing else (every other action needs its user), and User Creates are also counted per
 * client IP; a user's actions are counted per user, per minute and per hour.
 */
export type RelayLimits = {
  /** User Creates relayed for one client IP per rolling hour. */
  userCreatesPerIpHour: number;
  /** User Creates relayed for one wallet per rolling hour (once indexed, its user refuses more). */
  userCreatesPerWalletHour: number;
  /** Actions relayed for one user per rolling minute, whatever their kind. */
  actionsPerUserMinute: number;
  /** Actions of each kind relayed for one user per rolling hour. */
  actionsPerUserHour: Readonly<Record<RelayLimitKind, number>>;
};

/** The defaults: a household may sign up a few people an hour; a user's hourly budgets are Audius's. */
export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  userCreatesPerIpHour: 3,
  userCreatesPerWalletHour: 1,
  actionsPerUserMinute: 60,
  actionsPerUserHour: { trackCreate: 100, social: 2000 },
};

/** Longest wait for a relayed transaction to be mined before the client is told to retry. */
const RECEIPT_TIMEOUT_MS = 60 * 1000;

/**
 * Refusals that name a user, track or playlist this node does not know. Another node may have
 * confirmed it to the client already, so a node behind the chain's head waits for its indexer
 * before it refuses (see `checkIndexed`).
 */
const NOT_KNOWN_YET = new Set([
  'unknown_user',
  'unknown_track',
  'unknown_playlist',
  'unknown_target',
]);
/** Longest wait for this node's indexer to reach the chain's head before such a refusal stands. */
const CATCH_UP_MS = 10_000;
/** How often the wait reads the indexer's checkpoint. */
const CATCH_UP_POLL_MS = 100;

export type RelayComponents = {
  db: Kysely<DB>;
  /** Reads the data chain: simulations, receipts, the gas wallet's nonce. */
  client: PublicClient;
  /** The node's gas wallet; it pays for every relayed action. */
  account: LocalAccount;
  chain: ChainEndpoint;
  entityManager: Address;
  /** Checks tracks' upload receipts, as the indexer does (the server's one verifier). */
  receipts: ReceiptVerifier;
};

export type RelayInit = {
  /** Overrides of DEFAULT_RELAY_LIMITS (config.ts reads them from COLIVING_RELAY_*). */
  limits?: Partial<Omit<RelayLimits, 'actionsPerUserHour'>> & {
    actionsPerUserHour?: Partial<Record<RelayLimitKind, number>>;
  };
  /** Milliseconds since the epoch; tests move it to cross the rate-limit window. */
  now?: () => number;
  /**
   * Longest wait for the indexer to reach the chain's head before refusing an action that names
   * something unknown here (CATCH_UP_MS by default).
   */
  catchUpMs?: number;
};

export type RelayResult = { transactionHash: Hex; blockNumber: number; blockHash: Hex };

/** Who sent a relay request, as the HTTP edge saw it. */
export type RelayCaller = {
  /** The client's address: the socket's, or a trusted proxy's X-Forwarded-For (config trustProxy). */
  ip: string;
};

export type Relay = {
  /** Checks, rate-limits and submits one relay request body; resolves once it is mined. */
  submit(body: unknown, caller: RelayCaller): Promise<RelayResult>;
};

/** Builds the relay of one node; it is the only sender from `account`, which it keeps nonces for. */
export function createRelay(components: RelayComponents, init: RelayInit = {}): Relay {
  const { db, client, account, chain, entityManager } = components;
  const limits: RelayLimits = {
    ...DEFAULT_RELAY_LIMITS,
    ...definedOf(init.limits ?? {}),
    actionsPerUserHour: {
      ...DEFAULT_RELAY_LIMITS.actionsPerUserHour,
      ...definedOf(init.limits?.actionsPerUserHour ?? {}),
    },
  };
  const now = init.now ?? Date.now;
  const rateLimiter = createRateWindows(now);
  const wallet = createChainWallet('data', chain, account);
  // Requests between simulation and their receipt, by signer and nonce: a second copy of one
  // action would pass its simulation too and then revert on chain, at our expense.
  const inFlight = new Set<string>();

  // Sends run one at a time with nonces from our own counter (nonceQueue.ts): concurrent
  // requests never share one.
  const sends = createNonceQueue({ client, address: account.address });
  const send = (args: ManageEntityArgs, gas: bigint): Promise<Hex> =>
    sends.send((nonce) =>
      wallet.writeContract({
        address: entityManager,
        abi: entityManagerAbi,
        functionName: 'manageEntity',
        args,
        gas,
        nonce,
      }),
    );

  /**
   * checkState, where a refusal for something unknown stands only once this node has indexed the
   * chain as far as its head when the request came: a user who saw a new track through another
   * node (or a client that failed over) is not told it does not exist because this node lags.
   */
  async function checkIndexed(action: CheckedAction): Promise<void> {
    try {
      await checkState(db, action, components.receipts);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !NOT_KNOWN_YET.has(code)) throw error;
      const head = Number(await client.getBlockNumber({ cacheTime: 0 }).catch(throwRelayError));
      const deadline = Date.now() + (init.catchUpMs ?? CATCH_UP_MS);
      for (;;) {
        const indexed = await dataCheckpoint(db);
        if (indexed === undefined || indexed >= head) break;
        if (Date.now() >= deadline) throw error;
        await sleep(CATCH_UP_POLL_MS);
      }
      await checkState(db, action, components.receipts);
    }
  }

  return {
    async submit(body, caller) {
      const { message, signature } = parseRelayRequest(body);
      const signer = (
        await recoverManageEntitySigner({
          chainId: chain.chainId,
          verifyingContract: entityManager,
          message,
          signature,
        })
      ).toLowerCase();
      const metadata = parseEntityMetadata(message.entityType, message.action, message.metadata);
      // parseRelayRequest refuses ids that are not exact JS numbers.
      const action = {
        user: Number(message.userId),
        entityType: message.entityType,
        entity: Number(message.entityId),
        action: message.action,
        signer,
        data: metadata.data,
      };
      await checkIndexed(action);
      rateLimiter.take(windowsOf(limits, action, caller));

      const key = `${signer}:${message.nonce}`;
      if (inFlight.has(key)) throw nonceUsed();
      inFlight.add(key);
      try {
        const args: ManageEntityArgs = [
          message.userId,
          message.entityType,
          message.entityId,
          message.action,
          message.metadata,
          message.nonce,
          signature,
        ];
        const call = {
          address: entityManager,
          abi: entityManagerAbi,
          functionName: 'manageEntity',
          args,
          account: account.address,
        } as const;
        // Simulation first: a used nonce (or any other revert) is refused for free. Gas is
        // estimated here too, outside the send queue, so the queue holds only sign-and-send.
        await client.simulateContract(call).catch(throwRelayError);
        const gas = await client.estimateContractGas(call).catch(throwRelayError);
        const hash = await send(args, gas).catch(throwRelayError);
        const receipt = await client
          .waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS })
          .catch(throwRelayError);
        if (receipt.status !== 'success') {
          throw new ConflictError('EntityManager refused the action', {
            code: 'reverted',
            details: `transaction ${hash} reverted in block ${receipt.blockNumber}`,
          });
        }
        return {
          transactionHash: hash,
          blockNumber: Number(receipt.blockNumber),
          blockHash: receipt.blockHash,
        };
      } finally {
        inFlight.delete(key);
      }
    },
  };
}

type ManageEntityArgs = readonly [bigint, string, bigint, string, string, Hex, Hex];

/** `values` without its undefined entries: an unset config field keeps the default. */
export function definedOf<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** Which hourly budget of its user an action counts against. */
export function limitKind(entityType: EntityType, action: Action): RelayLimitKind {
  if (action === 'Create' && entityType === 'Track') return 'trackCreate';
  return 'social';
}

/** The windows an action counts in: its IP's and wallet's for a User Create, its user's otherwise. */
function windowsOf(limits: RelayLimits, action: CheckedAction, caller: RelayCaller): RateWindow[] {
  if (action.entityType === 'User' && action.action === 'Create') {
    return [
      {
        key: `ip:${caller.ip}`,
        limit: limits.userCreatesPerIpHour,
        ms: HOUR_MS,
        code: 'ip_signups_limited',
        message: 'Too many accounts were created from this network in the last hour',
      },
      {
        key: `wallet:${action.signer}`,
        limit: limits.userCreatesPerWalletHour,
        ms: HOUR_MS,
        code: 'wallet_signups_limited',
        message: 'This wallet has already created an account',
      },
    ];
  }
  const kind = limitKind(action.entityType, action.action);
  return [
    {
      key: `user:${action.user}:minute`,
      limit: limits.actionsPerUserMinute,
      ms: MINUTE_MS,
      code: 'rate_limited',
      message: `Too many actions by user ${action.user} in the last minute`,
    },
    {
      key: `user:${action.user}:${kind}`,
      limit: limits.actionsPerUserHour[kind],
      ms: HOUR_MS,
      code: 'rate_limited',
      message: `Too many ${kind} actions by user ${action.user} in the last hour`,
    },
  ];
}

function nonceUsed(cause?: unknown): ConflictError {
  return new ConflictError('This nonce was already used by its signer', {
    code: 'nonce_used',
    cause,
  });
}

/** True when `error` says the chain could not be reached or did not answer in time. */
export function isUnreachable(error: unknown): boolean {
  return (
    error instanceof ViemBaseError &&
    error.walk(
      (e) =>
        e instanceof HttpRequestError ||
        e instanceof WebSocketRequestError ||
        e instanceof SocketClosedError ||
        e instanceof TimeoutError ||
        e instanceof WaitForTransactionReceiptTimeoutError,
    ) !== null
  );
}

/** Maps a viem error from the data chain to a domain error; anything unexpected stays a 500. */
function toRelayError(error: unknown): unknown {
  if (!(error instanceof ViemBaseError)) return error;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName ?? reverted.reason;
    if (name === 'NonceAlreadyUsed') return nonceUsed(error);
    return new ConflictError('EntityManager refused the action', {
      code: 'reverted',
      details: name,
      cause: error,
    });
  }
  if (isUnreachable(error)) {
    return new UnavailableError('The data chain is unreachable', {
      code: 'chain_unavailable',
      cause: error,
    });
  }
  return error;
}

function throwRelayError(error: unknown): never {
  throw toRelayError(error);
}

export type ConfirmBlockComponents = { db: Kysely<DB>; client: PublicClient };
export type ConfirmBlockParameters = { blockNumber: number; blockHash: Hex };
export type ConfirmBlockReturnType = { blockFound: boolean; blockPassed: boolean };

/**
 * The indexer's name for the data chain in `indexing_checkpoints` (see
 * indexer/sources/entityManager.ts).
 */
const DATA_CHAIN = 'data';

/** The data chain block this node has indexed through, or undefined before its first pass. */
async function dataCheckpoint(db: Kysely<DB>): Promise<number | undefined> {
  const checkpoint = await db
    .selectFrom('indexing_checkpoints')
    .select('block_number')
    .where('chain', '=', DATA_CHAIN)
    .executeTakeFirst();
  return checkpoint?.block_number;
}

/**
 * Whether this node has indexed a relayed action's block: `blockPassed` when its data-chain
 * checkpoint has reached `blockNumber`, `blockFound` when also that block is `blockHash` (a
 * client whose transaction was reorganised out sees false and resubmits).
 */
export async function confirmBlock(
  { db, client }: ConfirmBlockComponents,
  { blockNumber, blockHash }: ConfirmBlockParameters,
): Promise<ConfirmBlockReturnType> {
  const checkpoint = await dataCheckpoint(db);
  if (checkpoint === undefined || checkpoint < blockNumber) {
    return { blockFound: false, blockPassed: false };
  }
  // The indexer keeps the hash of every block with events; others are asked of the chain.
  const indexed = await db
    .selectFrom('entity_blocks')
    .select('block_hash')
    .where('block_number', '=', blockNumber)
    .executeTakeFirst();
  let hash = indexed?.block_hash;
  if (hash === undefined) {
    try {
      hash = (await client.getBlock({ blockNumber: BigInt(blockNumber) })).hash;
    } catch (error) {
      if (
        !(error instanceof ViemBaseError) ||
        error.walk((e) => e instanceof BlockNotFoundError) === null
      ) {
        throw toRelayError(error);
      }
    }
  }
  return {
    blockFound: hash !== undefined && hash.toLowerCase() === blockHash.toLowerCase(),
    blockPassed: true,
  };
}
