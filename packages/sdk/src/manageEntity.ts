// The write path (docs/design.md §6) from the client's side: sign a ManageEntity action, relay it through
// a discovery node, wait until a node has indexed its block, and read the result back.
import type { Hex } from 'viem';
import {
  type Action,
  type EntityType,
  encodeEntityMetadata,
  parseEntityMetadata,
  randomNonce,
  signManageEntity,
  toRelayRequest,
} from '@coliving/protocol';
import {
  HEALTH_CHECK_TIMEOUT_MS,
  INDEXING_TIMEOUT_MS,
  RELAY_TIMEOUT_MS,
  WRITE_HEALTH_MAX_AGE_MS,
} from './constants.js';
import { type SdkContext, requireAccount } from './context.js';
import { ColivingSdkError, toColivingSdkError } from './errors.js';
import { buildUrl, requestJson, sleep, throwIfAborted } from './http.js';
import type { DiscoveryHealth } from './types.js';

export type ManageEntityParameters<T> = {
  userId: number;
  entityType: EntityType;
  entityId: number;
  action: Action;
  /** The `data` of a Create or Update; other actions carry none. */
  data?: Record<string, unknown>;
  /**
   * Reads the entity back from `endpoint` once it has indexed the action's block; undefined
   * when it is not there (a 404).
   */
  readBack: (endpoint: string) => Promise<T | undefined>;
  /** Whether what was read back shows the action applied (the indexer may have skipped it). */
  isApplied: (value: T | undefined) => boolean;
  signal?: AbortSignal | undefined;
  /** Told each step: `signing`, `relaying`, `indexing`. */
  onStatus?: (status: string) => void;
};

/** Where a relayed action landed; without `blockHash` only an upper bound on its block is known. */
type Landing = { blockNumber: number; blockHash?: Hex };

const ZERO_HASH = `0x${'0'.repeat(64)}`;

/**
 * Signs, relays and confirms one action, then returns the entity read back. The chain may take
 * an action that the indexer then skips (a handle taken meanwhile): that is a `rejected` error.
 */
export async function manageEntity<T>(ctx: SdkContext, p: ManageEntityParameters<T>): Promise<T> {
  const account = requireAccount(ctx);
  const metadata = p.data === undefined ? '' : encodeEntityMetadata(p.data);
  try {
    // The indexer's own check, here, so a bad field costs no relay and no gas.
    parseEntityMetadata(p.entityType, p.action, metadata);
  } catch (error) {
    throw toColivingSdkError(error);
  }
  const target = await ctx.discovery.chainTarget(p.signal);
  p.onStatus?.('signing');
  const message = {
    userId: BigInt(p.userId),
    entityType: p.entityType,
    entityId: BigInt(p.entityId),
    action: p.action,
    metadata,
    nonce: randomNonce(),
  };
  let signature: Hex;
  try {
    signature = await signManageEntity({ account, ...target, message });
  } catch (error) {
    throw toColivingSdkError(error);
  }
  const body = toRelayRequest(message, signature);

  p.onStatus?.('relaying');
  let attempts = 0;
  // One node at a time, never hedged (mining takes seconds, and a copy would spend gas): so the
  // node is checked alive just before, rather than found frozen after the relay's timeout.
  const landing = await ctx.discovery.run(
    async (endpoint): Promise<Landing | undefined> => {
      attempts++;
      try {
        const { body: answer } = await requestJson<{
          data: { block_number: number; block_hash: Hex; transaction_hash: Hex };
        }>(ctx.fetch, `${endpoint}/relay`, {
          method: 'POST',
          json: body,
          signal: p.signal,
          timeoutMs: RELAY_TIMEOUT_MS,
        });
        return { blockNumber: answer.data.block_number, blockHash: answer.data.block_hash };
      } catch (error) {
        // The relay refuses an action that would change nothing (a follow of someone followed):
        // the state asked for is there already, and is read back below like any other.
        if (
          error instanceof ColivingSdkError &&
          error.type === 'conflict' &&
          error.code === 'no_op'
        ) {
          return undefined;
        }
        // The same signed action, sent again after a failed attempt, is refused once the first
        // copy is mined: it was, in a block no later than the chain head now.
        if (
          attempts > 1 &&
          error instanceof ColivingSdkError &&
          error.type === 'conflict' &&
          error.code === 'nonce_used'
        ) {
          return { blockNumber: await chainHead(ctx, endpoint, p.signal) };
        }
        throw error;
      }
    },
    p.signal,
    { maxHealthAgeMs: WRITE_HEALTH_MAX_AGE_MS },
  );

  p.onStatus?.('indexing');
  return ctx.discovery.run(async (endpoint) => {
    if (landing) await waitForBlock(ctx, endpoint, landing, p.signal);
    const value = await p.readBack(endpoint);
    if (!p.isApplied(value)) {
      throw new ColivingSdkError(
        'rejected',
        landing
          ? `The ${p.entityType} ${p.action} was mined in block ${landing.blockNumber} but the ` +
              'indexer did not apply it (it was invalid by then: a taken handle or id, a missing ' +
              'target, or no change)'
          : `The relay found the ${p.entityType} ${p.action} already done, but it is not`,
        { code: 'not_applied' },
      );
    }
    return value as T;
  }, p.signal);
}

/** The chain head as a discovery node sees it. */
async function chainHead(ctx: SdkContext, endpoint: string, signal?: AbortSignal) {
  const { body } = await requestJson<{ data?: DiscoveryHealth }>(
    ctx.fetch,
    `${endpoint}/health_check`,
    { signal, accept: (s) => s === 503 },
  );
  const head = body?.data?.latest_chain_block;
  if (typeof head !== 'number') {
    throw new ColivingSdkError('server', `${endpoint} does not report latest_chain_block`, {
      code: 'no_chain_head',
    });
  }
  return head;
}

/**
 * Polls `/block_confirmation` until `endpoint` has indexed the landing block. A block that was
 * reorganised away (`block_found: false`) is a `rejected` error: the action is not on the chain.
 */
async function waitForBlock(
  ctx: SdkContext,
  endpoint: string,
  landing: Landing,
  signal?: AbortSignal,
): Promise<void> {
  const url = buildUrl(endpoint, '/block_confirmation', {
    blocknumber: landing.blockNumber,
    blockhash: landing.blockHash ?? ZERO_HASH,
  });
  const deadline = Date.now() + INDEXING_TIMEOUT_MS;
  for (;;) {
    throwIfAborted(signal);
    // A node that froze since the relay fails this poll soon, and the wait moves to another.
    const { body } = await requestJson<{ data: { block_found: boolean; block_passed: boolean } }>(
      ctx.fetch,
      url,
      { signal, timeoutMs: HEALTH_CHECK_TIMEOUT_MS },
    );
    if (body.data.block_passed) {
      if (landing.blockHash !== undefined && !body.data.block_found) {
        throw new ColivingSdkError(
          'rejected',
          `Block ${landing.blockNumber} was reorganised away with the action in it; send it again`,
          { code: 'reorged' },
        );
      }
      return;
    }
    if (Date.now() > deadline) {
      throw new ColivingSdkError(
        'timeout',
        `${endpoint} has not indexed block ${landing.blockNumber} after ${INDEXING_TIMEOUT_MS / 1000} s`,
        { code: 'indexing_timeout' },
      );
    }
    await sleep(ctx.pollIntervalMs, signal);
  }
}
