// Journaling while serving: which requests a journal keeps, resends on replay, or refuses.
import { createRequire } from 'node:module';
import { type Eip1193Provider, getBlock, getClockOffset, getHead } from './eip1193.js';
import type { JournalWriter } from './journalFile.js';

const require = createRequire(import.meta.url);

type ProviderErrorClass = new (message: string, code: number) => Error;

/** EIP-1474's "method not supported": what a client gets for a request a journal cannot keep. */
const METHOD_NOT_SUPPORTED = -32004;

/** Requests that change the chain's state; each is journaled and resent in order on replay. */
const STATE_METHODS = new Set([
  'eth_sendRawTransaction',
  'eth_sendTransaction',
  'evm_mine',
  'hardhat_mine',
  'hardhat_setBalance',
  'hardhat_setCode',
  'hardhat_setNonce',
  'hardhat_setStorageAt',
  'hardhat_impersonateAccount',
  'hardhat_stopImpersonatingAccount',
  'hardhat_setCoinbase',
  'hardhat_setMinGasPrice',
  'hardhat_setNextBlockBaseFeePerGas',
  'hardhat_setPrevRandao',
  'hardhat_dropTransaction',
  'evm_setBlockGasLimit',
]);
/**
 * Requests that only move the chain's clock. Journaled for the clock they leave, but not resent:
 * replay sets each block's recorded timestamp itself (a pending evm_setNextBlockTimestamp that no
 * block used yet is the exception, resent at the end).
 */
export const CLOCK_METHODS = new Set(['evm_increaseTime', 'evm_setNextBlockTimestamp']);
/** Requests a journal cannot express, refused while journaling, with why. */
const REFUSED_METHODS = new Map([
  ['evm_snapshot', 'a snapshot is only good for a revert, and a journal cannot revert'],
  ['evm_revert', 'a journal cannot revert'],
  ['hardhat_reset', 'a journal cannot reset'],
  ['evm_setAutomine', 'replay relies on automine (each request mines its own blocks)'],
  ['evm_setIntervalMining', 'blocks mined on a timer are no request and cannot be replayed'],
]);

/**
 * Wraps `provider` so that every state-changing request is journaled before it is answered,
 * one at a time (so that the head read after a request is the one it made), and requests a
 * journal cannot express are refused.
 */
export function journalRequests(
  provider: Eip1193Provider,
  writer: JournalWriter,
  head: number,
): { provider: Eip1193Provider; drain: () => Promise<void> } {
  const { ProviderError } = require('hardhat/internal/core/providers/errors') as {
    ProviderError: ProviderErrorClass;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  const record = async (method: string, params: unknown[]): Promise<unknown> => {
    let result: unknown;
    let failure: { error: unknown } | undefined;
    try {
      result = await provider.request({ method, params });
    } catch (error) {
      failure = { error };
    }
    try {
      const latest = await getHead(provider);
      const mined = latest.number > head;
      // Nothing happened (a transaction refused before mining): nothing to replay.
      if (failure && !mined) throw failure.error;
      const first = !mined
        ? undefined
        : latest.number === head + 1
          ? latest
          : await getBlock(provider, head + 1);
      await writer.append({
        method,
        params,
        ...(first ? { block: first.number, timestamp: first.timestamp } : {}),
        head: latest.number,
        hash: latest.hash,
        offset: await getClockOffset(provider),
        ...(failure ? { failed: true as const } : {}),
      });
      head = latest.number;
    } catch (error) {
      if (failure?.error === error) throw error;
      // The request ran but is not in the journal, which would now replay to another chain.
      throw writer.fail(error);
    }
    if (failure) throw failure.error;
    return result;
  };
  return {
    provider: {
      async request({ method, params = [] }) {
        const refusal = REFUSED_METHODS.get(method);
        if (refusal)
          throw new ProviderError(
            `${method} is not supported on a devchain that keeps a journal: ${refusal}`,
            METHOD_NOT_SUPPORTED,
          );
        if (!STATE_METHODS.has(method) && !CLOCK_METHODS.has(method))
          return provider.request({ method, params });
        // Params that cannot be written are refused before they change anything.
        JSON.stringify(params);
        return serially(() => record(method, params));
      },
    },
    drain: () => serially(async () => undefined),
  };
}
