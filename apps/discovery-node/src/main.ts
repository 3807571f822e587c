// The discovery node process: reads its config, wires the parts, serves until SIGINT/SIGTERM.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  DEVNET_DATA_CHAIN_ID,
  DEVNET_ETH_CHAIN_ID,
  type DeploymentManifest,
  createChainClient,
} from '@coliving/chain';
import { createLogger } from '@coliving/server-kit';
import { privateKeyToAccount } from 'viem/accounts';
import { loadDiscoveryNodeConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { DEVNET_PAYMENT_SETTLE_MS, PAYMENT_SETTLE_MS } from './indexer/sources/paymentRouter.js';
import { createDiscoveryNode } from './server.js';

const VERSION = '0.1.0';
/** Confirmations on a public chain: deeper than the reorgs such chains have in practice. */
const PUBLIC_CHAIN_CONFIRMATIONS = 12;

async function main(): Promise<void> {
  const config = loadDiscoveryNodeConfig();
  const logger = createLogger({ name: 'discovery-node', level: config.logLevel });
  const manifest = JSON.parse(await readFile(config.manifest, 'utf8')) as DeploymentManifest;
  const dataChain = {
    ...manifest.chains.data,
    rpcUrl: config.dataRpcUrl ?? manifest.chains.data.rpcUrl,
  };
  const ethChain = {
    ...manifest.chains.eth,
    rpcUrl: config.ethRpcUrl ?? manifest.chains.eth.rpcUrl,
  };
  const devnet = (chainId: number) =>
    chainId === DEVNET_DATA_CHAIN_ID || chainId === DEVNET_ETH_CHAIN_ID;
  const dataDir = resolve(config.dataDir);
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(dataDir, 'db') },
  );
  const node = await createDiscoveryNode(
    {
      database,
      manifest,
      dataClient: createChainClient('data', dataChain),
      ethClient: createChainClient('eth', ethChain),
      account: privateKeyToAccount(config.delegatePrivateKey),
      ...(config.relayerPrivateKey
        ? { relayer: privateKeyToAccount(config.relayerPrivateKey) }
        : {}),
      dataChain,
      logger,
    },
    {
      version: VERSION,
      dataConfirmations:
        config.dataConfirmations ?? (devnet(dataChain.chainId) ? 0 : PUBLIC_CHAIN_CONFIRMATIONS),
      ethConfirmations:
        config.ethConfirmations ?? (devnet(ethChain.chainId) ? 0 : PUBLIC_CHAIN_CONFIRMATIONS),
      paymentSettleMs:
        config.paymentSettle ??
        (devnet(dataChain.chainId) ? DEVNET_PAYMENT_SETTLE_MS : PAYMENT_SETTLE_MS),
      pollIntervalMs: config.pollInterval,
      publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
      dataDir,
      trendingIntervalMs: config.trendingInterval,
      trackCacheBytes: config.trackCacheMb * 1024 * 1024,
      ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
      rateLimit: {
        perIp: config.rateLimitPerIp,
        perApp: config.rateLimitPerApp,
        ipCeiling: config.rateLimitIpCeiling,
        windowMs: config.rateLimitWindow,
        exempt: config.rateLimitExempt,
      },
      relay: {
        limits: {
          userCreatesPerIpHour: config.relayUserCreatesPerIpHour,
          actionsPerUserMinute: config.relayActionsPerUserMinute,
          actionsPerUserHour: {
            trackCreate: config.relayTrackCreatesPerUserHour,
            social: config.relayActionsPerUserHour,
          },
        },
      },
      paymentRelay: {
        limits: {
          paymentsPerWalletMinute: config.relayPaymentsPerWalletMinute,
          paymentsPerWalletHour: config.relayPaymentsPerWalletHour,
          paymentsPerIpMinute: config.relayPaymentsPerIpMinute,
          paymentsPerIpHour: config.relayPaymentsPerIpHour,
        },
      },
    },
  );
  await node.start();
  await node.app.listen({ host: config.host, port: config.port });
  logger.info({ port: config.port, database: database.engine }, 'discovery node ready');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await node.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', (s) => void shutdown(s));
  process.once('SIGTERM', (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
