import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Hex } from 'viem';
import { DEV_ACCOUNT_BALANCE, DEVCHAIN_BLOCK_GAS_LIMIT } from './constants.js';
import { devAccountKeys } from './devAccountKeys.js';
import { type Eip1193Provider, getClockOffset, getHead } from './devchain/eip1193.js';
import {
  DevchainJournalError,
  JOURNAL_VERSION,
  type JournalWriter,
  openJournalWriter,
  readJournal,
} from './devchain/journalFile.js';
import { journalRequests } from './devchain/journalRequests.js';
import { type DevchainReplay, replayJournal } from './devchain/replayJournal.js';

// What startDevchain throws and returns, exported beside it.
export { DevchainJournalError, type DevchainReplay };

const require = createRequire(import.meta.url);

type JsonRpcHandlerInstance = {
  handleHttp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

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
  /**
   * The genesis block's time for a new chain (default: now). A chain that starts in the past can
   * be given a history (evm_setNextBlockTimestamp forward); a journal's genesis wins over it.
   */
  genesisTime?: Date;
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
  genesisTime,
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
      // Blocks take the clock's time, several in one second if need be, as on a real chain with
      // fixed slots: with a second at least between blocks, a burst of writes (the demo seeding)
      // ran a chain's clock minutes ahead, and the other chain's payments, judged as of their
      // block's time, looked older than the content they paid for (docs/design.md §9). Clients
      // tell an entity's versions apart by block number, not time.
      allowBlocksWithSameTimestamp: true,
      enableTransientStorage: false,
      enableRip7212: false,
      // The genesis block's timestamp is part of its hash, and so of every block's after it.
      ...(journal
        ? { initialDate: new Date(journal.header.genesis.timestamp * 1000) }
        : genesisTime
          ? { initialDate: genesisTime }
          : {}),
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
  // Clients in the same process (tests, benches) may block the event loop for seconds; with
  // Node's 5 s keep-alive the server could close an idle connection just as a client reused it
  // ("other side closed"). Idle connections are kept for a minute, and the client (told so by
  // the Keep-Alive header) closes its own first.
  server.keepAliveTimeout = 60_000;
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
