// The relay (docs/design.md §6): takes a user's signed ManageEntity action, checks it as the indexer
// will, rate-limits its signer and submits it to EntityManager from the node's gas wallet, so
// users need no gas of their own. Everything that can be refused is refused before gas is spent.
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
  NonceTooHighError,
  NonceTooLowError,
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
  InvalidSignatureError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  ValidationError,
  parseEntityMetadata,
  parseRelayRequest,
  recoverManageEntitySigner,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';

/** The rate-limit buckets: account creation and uploads are costlier to the network than the rest. */
export type RelayLimitKind = 'userCreate' | 'trackCreate' | 'social';

/** Actions per signer per rolling hour (the reference limits of Audius's relay). */
export const DEFAULT_RELAY_LIMITS: Readonly<Record<RelayLimitKind, number>> = {
  userCreate: 10,
  trackCreate: 100,
  social: 2000,
};

/** The rate-limit window: limits are per rolling hour. */
const RATE_WINDOW_MS = 60 * 60 * 1000;
/** How often idle signers are dropped from the rate-limit map, so it cannot grow without end. */
const RATE_SWEEP_INTERVAL_MS = 60 * 1000;
/** Longest wait for a relayed transaction to be mined before the client is told to retry. */
const RECEIPT_TIMEOUT_MS = 60 * 1000;
/** Sends after a nonce error: one resync from the chain fixes a counter that drifted. */
const SEND_ATTEMPTS = 2;

export type RelayComponents = {
  db: Kysely<DB>;
  /** Reads the data chain: simulations, receipts, the gas wallet's nonce. */
  client: PublicClient;
  /** The node's gas wallet; it pays for every relayed action. */
  account: LocalAccount;
  chain: ChainEndpoint;
  entityManager: Address;
};

export type RelayInit = {
  limits?: Partial<Record<RelayLimitKind, number>>;
  /** Milliseconds since the epoch; tests move it to cross the rate-limit window. */
  now?: () => number;
};

export type RelayResult = { transactionHash: Hex; blockNumber: number; blockHash: Hex };

export type Relay = {
  /** Checks, rate-limits and submits one relay request body; resolves once it is mined. */
  submit(body: unknown): Promise<RelayResult>;
};

/** Builds the relay of one node; it is the only sender from `account`, which it keeps nonces for. */
export function createRelay(components: RelayComponents, init: RelayInit = {}): Relay {
  const { db, client, account, chain, entityManager } = components;
  const limits = { ...DEFAULT_RELAY_LIMITS, ...init.limits };
  const now = init.now ?? Date.now;
  const rateLimiter = createRateLimiter(limits, now);
  const wallet = createChainWallet('data', chain, account);
  // Requests between simulation and their receipt, by signer and nonce: a second copy of one
  // action would pass its simulation too and then revert on chain, at our expense.
  const inFlight = new Set<string>();

  // Sends are serialized and carry nonces from our own counter, so concurrent requests never
  // share a nonce whether or not `account` has a nonce manager (an explicit nonce bypasses it).
  // Only fee lookup, signing and the send run in the queue; checks, simulation, gas estimation
  // and the wait for the receipt run concurrently.
  let sendQueue: Promise<unknown> = Promise.resolve();
  let nextNonce: number | undefined;

  async function sendInOrder(args: ManageEntityArgs, gas: bigint): Promise<Hex> {
    for (let attempt = 1; ; attempt++) {
      nextNonce ??= await client.getTransactionCount({
        address: account.address,
        blockTag: 'pending',
      });
      const nonce = nextNonce;
      try {
        const hash = await wallet.writeContract({
          address: entityManager,
          abi: entityManagerAbi,
          functionName: 'manageEntity',
          args,
          gas,
          nonce,
        });
        nextNonce = nonce + 1;
        return hash;
      } catch (error) {
        // Whether a failed send used its nonce is unknown (a reverted send may be mined, a
        // timed-out one may be pending): the chain's count is the truth, read on the next send.
        nextNonce = undefined;
        if (attempt < SEND_ATTEMPTS && isNonceError(error)) continue;
        throw error;
      }
    }
  }

  function send(args: ManageEntityArgs, gas: bigint): Promise<Hex> {
    const sent = sendQueue.then(() => sendInOrder(args, gas));
    sendQueue = sent.catch(() => {}); // the caller of this send sees its error; the queue goes on
    return sent;
  }

  return {
    async submit(body) {
      const { message, signature } = parseRelayRequest(body);
      const signer = (
        await recoverManageEntitySigner({
          chainId: chain.chainId,
          verifyingContract: entityManager,
          message,
          signature,
        })
      ).toLowerCase();
      parseEntityMetadata(message.entityType, message.action, message.metadata);
      await checkState(db, message, signer);
      rateLimiter.take(signer, limitKind(message.entityType, message.action));

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

type CheckedMessage = { userId: bigint; entityType: EntityType; entityId: bigint; action: Action };

/**
 * The indexer's checks that need only our database: the acting user exists and signed. They
 * can be stale (the database trails the chain), so the indexer still decides; this only keeps
 * gas from being spent on actions that would be skipped anyway.
 */
async function checkState(db: Kysely<DB>, message: CheckedMessage, signer: string): Promise<void> {
  if (message.entityType === 'User' && message.action === 'Create') {
    if (message.entityId !== message.userId) {
      throw new ValidationError('A User Create must name the new user as its entity', {
        code: 'id_mismatch',
      });
    }
    return;
  }
  // userId fits a JS number: parseRelayRequest refuses larger ids.
  const user = await db
    .selectFrom('users')
    .select('wallet')
    .where('user_id', '=', Number(message.userId))
    .executeTakeFirst();
  if (!user) {
    throw new NotFoundError(`User ${message.userId} does not exist`, { code: 'unknown_user' });
  }
  if (user.wallet !== signer) {
    throw new InvalidSignatureError(
      `Action is not signed by the wallet of user ${message.userId}`,
      {
        code: 'wrong_signer',
        details: `recovered ${signer}, user wallet ${user.wallet}`,
      },
    );
  }
}

function limitKind(entityType: EntityType, action: Action): RelayLimitKind {
  if (action === 'Create' && entityType === 'User') return 'userCreate';
  if (action === 'Create' && entityType === 'Track') return 'trackCreate';
  return 'social';
}

/** A rolling-window counter per signer and bucket, in memory (one node's view is enough). */
function createRateLimiter(limits: Record<RelayLimitKind, number>, now: () => number) {
  const hits = new Map<string, number[]>();
  let lastSweep = now();

  function sweep(at: number): void {
    for (const [key, times] of hits) {
      if ((times.at(-1) ?? -Infinity) <= at - RATE_WINDOW_MS) hits.delete(key);
    }
    lastSweep = at;
  }

  return {
    /** Counts one action of `kind` by `signer`, or throws RateLimitedError when over its limit. */
    take(signer: string, kind: RelayLimitKind): void {
      const at = now();
      if (at - lastSweep >= RATE_SWEEP_INTERVAL_MS) sweep(at);
      const key = `${signer}:${kind}`;
      const times = hits.get(key) ?? [];
      const live = times.findIndex((t) => t > at - RATE_WINDOW_MS);
      times.splice(0, live === -1 ? times.length : live);
      const limit = limits[kind];
      if (times.length >= limit) {
        // The oldest action in the window leaves it first; then one more fits.
        const oldest = times[times.length - limit] ?? at;
        throw new RateLimitedError(`Too many ${kind} actions by ${signer} in the last hour`, {
          code: 'rate_limited',
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + RATE_WINDOW_MS - at) / 1000)),
        });
      }
      times.push(at);
      hits.set(key, times);
    },
  };
}

function nonceUsed(cause?: unknown): ConflictError {
  return new ConflictError('This nonce was already used by its signer', {
    code: 'nonce_used',
    cause,
  });
}

function isNonceError(error: unknown): boolean {
  return (
    error instanceof ViemBaseError &&
    error.walk((e) => e instanceof NonceTooLowError || e instanceof NonceTooHighError) !== null
  );
}

/** True when `error` says the chain could not be reached or did not answer in time. */
function isUnreachable(error: unknown): boolean {
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

/**
 * Whether this node has indexed a relayed action's block: `blockPassed` when its data-chain
 * checkpoint has reached `blockNumber`, `blockFound` when also that block is `blockHash` (a
 * client whose transaction was reorganised out sees false and resubmits).
 */
export async function confirmBlock(
  { db, client }: ConfirmBlockComponents,
  { blockNumber, blockHash }: ConfirmBlockParameters,
): Promise<ConfirmBlockReturnType> {
  const checkpoint = await db
    .selectFrom('indexing_checkpoints')
    .select('block_number')
    .where('chain', '=', DATA_CHAIN)
    .executeTakeFirst();
  if (!checkpoint || checkpoint.block_number < blockNumber) {
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
