import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { type Hex, bytesToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import {
  DEV_ACCOUNT_BALANCE,
  DEV_ACCOUNT_COUNT,
  DEV_MNEMONIC,
  DEVCHAIN_BLOCK_GAS_LIMIT,
} from './constants.js';

const require = createRequire(import.meta.url);

type Eip1193Provider = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };
type JsonRpcHandlerInstance = {
  handleHttp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

export type StartDevchainParameters = {
  chainId: number;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Extra accounts to fund at genesis (the dev accounts always are). */
  accounts?: { privateKey: Hex; balance: bigint }[];
};

export type Devchain = {
  chainId: number;
  port: number;
  rpcUrl: string;
  /** The in-process EIP-1193 provider, for callers that want no socket. */
  provider: Eip1193Provider;
  /** Stops the JSON-RPC server; the chain's state is gone with it. */
  stop(): Promise<void>;
};

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

/**
 * Starts a local EVM (Hardhat's EDR, in this process) with JSON-RPC on 127.0.0.1. Cancun rules,
 * automine, dev accounts funded. Supports the hardhat_/evm_ methods (mine, snapshot, revert).
 */
export async function startDevchain({
  chainId,
  port = 0,
  accounts = [],
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
    },
    { enabled: false },
  );
  // Our own HTTP server around hardhat's JSON-RPC handler, so that a taken port is an error we
  // can report (hardhat's server never settles its listen promise then) and stop() is prompt.
  const handler = new JsonRpcHandler(provider);
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
  });
  let stopped = false;
  return {
    chainId,
    port: address.port,
    rpcUrl: `http://127.0.0.1:${address.port}`,
    provider,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
