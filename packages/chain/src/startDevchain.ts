import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { BaseError, type BaseErrorParameters } from '@coliving/protocol';
import { type Hex, bytesToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import {
  DEV_ACCOUNT_BALANCE,
  DEV_ACCOUNT_COUNT,
  DEV_MNEMONIC,
  DEVCHAIN_BLOCK_GAS_LIMIT,
} from './constants.js';

const require = createRequire(import.meta.url);

type RequestArguments = { method: string; params?: unknown[] };
type Eip1193Provider = { request(args: RequestArguments): Promise<unknown> };
type JsonRpcHandlerInstance = {
  handleHttp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};
type ProviderErrorClass = new (message: string, code: number) => Error;

/**
 * A journal line is written (and the client answered) at once; fsync runs at most this often,
 * so a burst of transactions costs one fsync. A crash of this process loses nothing written;
 * only an OS crash can lose the last interval's lines.
 */
const JOURNAL_SYNC_INTERVAL_MS = 100;
/** The journal format; a journal of another version is refused rather than misread. */
const JOURNAL_VERSION = 1;
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
const CLOCK_METHODS = new Set(['evm_increaseTime', 'evm_setNextBlockTimestamp']);
/** Requests a journal cannot express, refused while journaling, with why. */
const REFUSED_METHODS = new Map([
  ['evm_snapshot', 'a snapshot is only good for a revert, and a journal cannot revert'],
  ['evm_revert', 'a journal cannot revert'],
  ['hardhat_reset', 'a journal cannot reset'],
  ['evm_setAutomine', 'replay relies on automine (each request mines its own blocks)'],
  ['evm_setIntervalMining', 'blocks mined on a timer are no request and cannot be replayed'],
]);

export type StartDevchainParameters = {
  chainId: number;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Extra accounts to fund at genesis (the dev accounts always are). */
  accounts?: { privateKey: Hex; balance: bigint }[];
  /**
   * A journal file (JSON lines) that makes the chain survive a restart. If it exists, the chain
   * replays it before serving and comes back with the same blocks (numbers, timestamps, hashes);
   * then every state-changing request is appended to it before it is answered. While journaling,
   * snapshots, reverts, resets and other mining modes are refused. Start again with the same
   * `chainId` and `accounts`: they make the genesis block.
   */
  journal?: string;
};

/** What replaying a journal took. */
export type DevchainReplay = {
  /** Journaled requests resent. */
  requests: number;
  /** The head after replay, the journal's last block. */
  blockNumber: number;
  durationMs: number;
};

export type Devchain = {
  chainId: number;
  port: number;
  rpcUrl: string;
  /**
   * The in-process EIP-1193 provider, for callers that want no socket. With a journal, requests
   * through it are journaled as those over HTTP are.
   */
  provider: Eip1193Provider;
  /** Set when the chain was restored from its journal. */
  replayed?: DevchainReplay;
  /** Stops the JSON-RPC server (and flushes the journal); without a journal the state is gone. */
  stop(): Promise<void>;
};

/**
 * A devchain journal that cannot be used: unreadable, made for another chain, or replaying to
 * other blocks than it recorded (`block` names the first that differs). Deleting the journal
 * starts a new chain.
 */
export class DevchainJournalError extends BaseError {
  static override readonly defaultCode = 'devchain_journal';
  override name = 'DevchainJournalError' as const;
  readonly journal: string;
  /** The first block whose replay differs from the journal, when replay diverged. */
  readonly block: number | undefined;

  constructor(
    shortMessage: string,
    parameters: BaseErrorParameters & { journal: string; block?: number },
  ) {
    super(shortMessage, parameters);
    this.journal = parameters.journal;
    this.block = parameters.block;
  }
}

let devKeys: Hex[] | undefined;
/** Private keys of the dev accounts (derived once, on first use). */
export function devAccountKeys(): Hex[] {
  devKeys ??= Array.from({ length: DEV_ACCOUNT_COUNT }, (_, i) => {
    const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
    if (!key) throw new Error('dev key derivation failed');
    return bytesToHex(key);
  });
  return devKeys;
}

type JournalHeader = {
  devchainJournal: number;
  chainId: number;
  genesis: { hash: Hex; timestamp: number };
  /** The chain clock's lead over wall time, in seconds, when the chain was made. */
  offset: number;
};

/** One journaled request, as a line of the journal. */
type JournalEntry = {
  method: string;
  params: unknown[];
  /** The first block the request mined, and that block's timestamp; absent if it mined none. */
  block?: number;
  timestamp?: number;
  /** The head after the request: its number and hash. */
  head: number;
  hash: Hex;
  /** The chain clock's lead over wall time after the request, in seconds. */
  offset: number;
  /** The request failed yet mined its block (a reverted transaction); replayed, it fails again. */
  failed?: true;
};

type Journal = { path: string; header: JournalHeader; entries: JournalEntry[] };

type BlockHead = { number: number; hash: Hex; timestamp: number };

async function getBlock(
  provider: Eip1193Provider,
  tag: number | 'latest',
): Promise<BlockHead | undefined> {
  const block = (await provider.request({
    method: 'eth_getBlockByNumber',
    params: [typeof tag === 'number' ? `0x${tag.toString(16)}` : tag, false],
  })) as { number: Hex; hash: Hex; timestamp: Hex } | null;
  return block
    ? { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp) }
    : undefined;
}

async function getHead(provider: Eip1193Provider): Promise<BlockHead> {
  const head = await getBlock(provider, 'latest');
  if (!head) throw new Error('the devchain has no latest block');
  return head;
}

/** The chain clock's lead over wall time in seconds (negative when it lags). */
async function getClockOffset(provider: Eip1193Provider): Promise<number> {
  return Number(await provider.request({ method: 'evm_increaseTime', params: [0] }));
}

function isEntry(value: unknown): value is JournalEntry {
  const e = value as Partial<JournalEntry> | null;
  return (
    typeof e?.method === 'string' &&
    Array.isArray(e.params) &&
    Number.isSafeInteger(e.head) &&
    typeof e.hash === 'string' &&
    typeof e.offset === 'number' &&
    (e.block === undefined || (Number.isSafeInteger(e.block) && Number.isSafeInteger(e.timestamp)))
  );
}

/**
 * Reads a journal; undefined when there is none yet (or not even its first line was written).
 * A torn last line, a write a crash cut short, was never acknowledged: it is dropped with a
 * warning and cut from the file, so that new lines start on a line of their own.
 */
async function readJournal(path: string): Promise<Journal | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) {
    process.emitWarning(
      `Dropped the torn last line of the devchain journal ${path} (${bytes.length - end} bytes ` +
        'without their newline: a write cut short, never acknowledged)',
      { code: 'COLIVING_DEVCHAIN_JOURNAL_TORN' },
    );
    await truncate(path, end);
  }
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  if (lines.length === 0) return undefined;
  const corrupt = (line: number, what: string, cause?: unknown) =>
    new DevchainJournalError(`Line ${line} of the devchain journal ${path} ${what}`, {
      journal: path,
      code: 'journal_corrupt',
      cause,
    });
  const parsed = lines.map((line, i): unknown => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw corrupt(i + 1, 'is not JSON', error);
    }
  });
  const header = parsed[0] as Partial<JournalHeader> | null;
  if (
    header?.devchainJournal !== JOURNAL_VERSION ||
    !Number.isSafeInteger(header.chainId) ||
    typeof header.genesis?.hash !== 'string' ||
    typeof header.offset !== 'number'
  )
    throw corrupt(1, `is no devchain journal header of version ${JOURNAL_VERSION}`);
  const entries = parsed.slice(1);
  entries.forEach((entry, i) => {
    if (!isEntry(entry)) throw corrupt(i + 2, 'is no journal entry');
  });
  return { path, header: header as JournalHeader, entries: entries as JournalEntry[] };
}

type JournalWriter = {
  /** Appends one line; resolves once it is written (fsync follows within the sync interval). */
  append(record: JournalHeader | JournalEntry): Promise<void>;
  /** Marks the journal as behind the chain: later appends fail with this error. */
  fail(cause: unknown): DevchainJournalError;
  /** Syncs and closes the file; later appends fail. */
  close(): Promise<void>;
};

async function openJournalWriter(path: string): Promise<JournalWriter> {
  await mkdir(dirname(path), { recursive: true });
  const handle: FileHandle = await open(path, 'a');
  // Once a line could not be written the chain is ahead of its journal: journal nothing more.
  let broken: DevchainJournalError | undefined;
  let syncTimer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => {
    syncTimer = undefined;
    syncing = syncing.then(() =>
      handle.datasync().catch((error: unknown) => {
        broken ??= new DevchainJournalError(`Syncing the devchain journal ${path} failed`, {
          journal: path,
          code: 'journal_write_failed',
          cause: error,
        });
      }),
    );
  };
  const fail = (cause: unknown) =>
    (broken ??= new DevchainJournalError(
      `Writing the devchain journal ${path} failed; the chain journals nothing more`,
      { journal: path, code: 'journal_write_failed', cause },
    ));
  return {
    async append(record) {
      if (broken) throw broken;
      const line = `${JSON.stringify(record)}\n`;
      try {
        const { bytesWritten } = await handle.write(line);
        const length = Buffer.byteLength(line);
        if (bytesWritten !== length) throw new Error(`wrote ${bytesWritten} of ${length} bytes`);
      } catch (error) {
        throw fail(error);
      }
      // Not ref'd: a process that exits with a sync pending has written its lines all the same.
      syncTimer ??= setTimeout(sync, JOURNAL_SYNC_INTERVAL_MS).unref();
    },
    fail,
    async close() {
      clearTimeout(syncTimer);
      broken ??= new DevchainJournalError(`The devchain journaling to ${path} was stopped`, {
        journal: path,
        code: 'journal_closed',
      });
      try {
        await syncing;
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * Wraps `provider` so that every state-changing request is journaled before it is answered,
 * one at a time (so that the head read after a request is the one it made), and requests a
 * journal cannot express are refused.
 */
function journalRequests(
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

/** The replay error that names the first block differing from the journal. */
async function divergence(
  provider: Eip1193Provider,
  { path, entries }: Journal,
  failed?: { index: number; error: unknown },
): Promise<DevchainJournalError> {
  const diverged = (block: number, what: string, cause?: unknown) =>
    new DevchainJournalError(
      `Replaying the devchain journal ${path} diverged at block ${block}: ${what}`,
      { journal: path, code: 'journal_diverged', block, cause },
    );
  const upTo = failed?.index ?? entries.length;
  for (const [i, entry] of entries.slice(0, upTo).entries()) {
    if (entry.block === undefined) continue;
    const replayed = await getBlock(provider, entry.head);
    if (replayed?.hash !== entry.hash) {
      const blocks =
        entry.block === entry.head ? '' : ` (the last of blocks ${entry.block}–${entry.head})`;
      return diverged(
        entry.block,
        `the journal recorded ${entry.hash} for block ${entry.head}${blocks}, replay made ` +
          `${replayed?.hash ?? 'no such block'} (line ${i + 2}: ${entry.method})`,
      );
    }
  }
  if (failed) {
    const entry = entries[failed.index]!;
    return diverged(
      entry.block ?? entry.head + 1,
      `${entry.method} (line ${failed.index + 2}) failed on replay but not when it was recorded: ` +
        String((failed.error as Error)?.message ?? failed.error),
      failed.error,
    );
  }
  const head = await getHead(provider);
  return diverged(head.number, `replay ended at block ${head.number} ${head.hash}`);
}

/**
 * Replays a journal into a fresh chain: each request that mined is resent right after setting
 * the next block's timestamp to the recorded one, so every block comes back with the same
 * number, timestamp, transactions and so hash. Sequential by necessity (each block's timestamp
 * must be set just before it), with no polling: EDR answers a transaction once it is mined.
 */
async function replayJournal(provider: Eip1193Provider, journal: Journal): Promise<DevchainReplay> {
  const started = performance.now();
  const { header, entries } = journal;
  const genesis = await getHead(provider);
  if (genesis.number !== 0 || genesis.hash !== header.genesis.hash)
    throw new DevchainJournalError(
      `Replaying the devchain journal ${journal.path} diverged at block 0: its genesis was ` +
        `${header.genesis.hash}, this chain's is ${genesis.hash} (other genesis accounts?)`,
      { journal: journal.path, code: 'journal_diverged', block: 0 },
    );
  let failed: { index: number; error: unknown } | undefined;
  let lastMined = -1;
  for (const [index, entry] of entries.entries()) {
    // The clock requests' effect on blocks is in the recorded timestamps.
    if (CLOCK_METHODS.has(entry.method)) continue;
    try {
      if (entry.timestamp !== undefined) {
        lastMined = index;
        await provider.request({ method: 'evm_setNextBlockTimestamp', params: [entry.timestamp] });
      }
    } catch (error) {
      failed = { index, error };
      break;
    }
    try {
      await provider.request({ method: entry.method, params: entry.params });
    } catch (error) {
      if (!entry.failed) {
        failed = { index, error };
        break;
      }
    }
  }
  const expected = entries.at(-1) ?? { head: 0, hash: header.genesis.hash };
  const head = await getHead(provider);
  if (failed || head.number !== expected.head || head.hash !== expected.hash)
    throw await divergence(provider, journal, failed);

  // The clock keeps its recorded lead over wall time: time passes on the chain while it is
  // stopped, as it does for everyone reading its block times.
  const offset = entries.at(-1)?.offset ?? header.offset;
  const current = await getClockOffset(provider);
  if (offset > current)
    await provider.request({ method: 'evm_increaseTime', params: [offset - current] });
  const pending = entries
    .slice(lastMined + 1)
    .findLast((e) => e.method === 'evm_setNextBlockTimestamp');
  if (pending) await provider.request({ method: pending.method, params: pending.params });
  return {
    requests: entries.length,
    blockNumber: head.number,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Settles once hardhat's process-wide EDR context exists with its provider factory registered. */
let edrContextReady: Promise<unknown> | undefined;

/**
 * Hardhat makes its one EDR context on first use and registers the chain type asynchronously;
 * a second chain created meanwhile finds the context but not the chain type ("Provider for
 * provided chain type does not exist"). Every chain waits on the same first registration.
 */
function whenEdrContextReady(): Promise<unknown> {
  const { getGlobalEdrContext } = require('hardhat/internal/hardhat-network/provider/provider') as {
    getGlobalEdrContext: () => Promise<unknown>;
  };
  edrContextReady ??= getGlobalEdrContext();
  return edrContextReady;
}

/**
 * Starts a local EVM (Hardhat's EDR, in this process) with JSON-RPC on 127.0.0.1. Cancun rules,
 * automine, dev accounts funded. Supports the hardhat_/evm_ methods (mine, snapshot, revert);
 * with a `journal`, replays it first and keeps it (see StartDevchainParameters.journal).
 */
export async function startDevchain({
  chainId,
  port = 0,
  accounts = [],
  journal: journalPath,
}: StartDevchainParameters): Promise<Devchain> {
  // Hardhat's provider and server are internal modules of hardhat 2; nothing else of hardhat
  // (no config file, no project) is needed.
  const { createHardhatNetworkProvider } =
    require('hardhat/internal/hardhat-network/provider/provider') as {
      createHardhatNetworkProvider: (
        config: unknown,
        logger: { enabled: boolean },
      ) => Promise<Eip1193Provider>;
    };
  const { JsonRpcHandler } = require('hardhat/internal/hardhat-network/jsonrpc/handler') as {
    JsonRpcHandler: new (provider: Eip1193Provider) => JsonRpcHandlerInstance;
  };
  const { defaultHardhatNetworkParams } =
    require('hardhat/internal/core/config/default-config') as {
      defaultHardhatNetworkParams: { chains: unknown };
    };
  const journal = journalPath ? await readJournal(journalPath) : undefined;
  await whenEdrContextReady();
  const genesisAccounts = [
    ...devAccountKeys().map((privateKey) => ({
      privateKey,
      balance: DEV_ACCOUNT_BALANCE.toString(),
    })),
    ...accounts.map((a) => ({ privateKey: a.privateKey, balance: a.balance.toString() })),
  ];
  const provider = await createHardhatNetworkProvider(
    {
      hardfork: 'cancun',
      chainId,
      networkId: chainId,
      blockGasLimit: DEVCHAIN_BLOCK_GAS_LIMIT,
      minGasPrice: 0n,
      automine: true,
      intervalMining: 0,
      mempoolOrder: 'fifo',
      chains: defaultHardhatNetworkParams.chains,
      genesisAccounts,
      allowUnlimitedContractSize: false,
      throwOnTransactionFailures: true,
      throwOnCallFailures: true,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
      // The genesis block's timestamp is part of its hash, and so of every block's after it.
      ...(journal ? { initialDate: new Date(journal.header.genesis.timestamp * 1000) } : {}),
    },
    { enabled: false },
  );
  let served = provider;
  let replayed: DevchainReplay | undefined;
  let journaling: { writer: JournalWriter; drain: () => Promise<void> } | undefined;
  if (journalPath) {
    if (journal) {
      if (journal.header.chainId !== chainId)
        throw new DevchainJournalError(
          `The devchain journal ${journalPath} is of chain ${journal.header.chainId}, not ${chainId}`,
          { journal: journalPath, code: 'journal_mismatch' },
        );
      replayed = await replayJournal(provider, journal);
    }
    const writer = await openJournalWriter(journalPath);
    if (!journal) {
      const genesis = await getHead(provider);
      await writer.append({
        devchainJournal: JOURNAL_VERSION,
        chainId,
        genesis: { hash: genesis.hash, timestamp: genesis.timestamp },
        offset: await getClockOffset(provider),
      });
    }
    const wrapped = journalRequests(provider, writer, replayed?.blockNumber ?? 0);
    served = wrapped.provider;
    journaling = { writer, drain: wrapped.drain };
  }
  // Our own HTTP server around hardhat's JSON-RPC handler, so that a taken port is an error we
  // can report (hardhat's server never settles its listen promise then) and stop() is prompt.
  const handler = new JsonRpcHandler(served);
  const server = createServer((req, res) => void handler.handleHttp(req, res));
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on 127.0.0.1 is already in use; pick another for the devchain`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  }).catch(async (error: unknown) => {
    await journaling?.writer.close();
    throw error;
  });
  let stopping: Promise<void> | undefined;
  return {
    chainId,
    port: address.port,
    rpcUrl: `http://127.0.0.1:${address.port}`,
    provider: served,
    ...(replayed ? { replayed } : {}),
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        // Requests already running are journaled before the file closes.
        await journaling?.drain();
        await journaling?.writer.close();
      })()),
  };
}
