// The content node process: reads its config, wires the parts, serves until SIGINT/SIGTERM.
import { join, resolve } from 'node:path';
import { createChainClient, createChainWallet, resolveEndpoint } from '@coliving/chain';
import { createLogger } from '@coliving/server-kit';
import { openBlobStore } from '@coliving/storage';
import type { Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { loadContentNodeConfig } from './config.js';
import { NETWORK_REFRESH_MS } from './constants.js';
import { findFfmpegBinaries } from './core/ffmpegBinaries.js';
import {
  type NetworkView,
  canonicalEndpoint,
  createChainNetwork,
  createStaticNetwork,
} from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { type PlayLogChain, createContentNode } from './node.js';

const VERSION = '0.1.0';

async function main(): Promise<void> {
  const config = loadContentNodeConfig();
  const logger = createLogger({ name: 'content-node', level: config.logLevel });
  const dataDir = resolve(config.dataDir);
  const account = privateKeyToAccount(config.delegatePrivateKey);
  const store = await openBlobStore(config.storageUrl ?? join(dataDir, 'blobs'));
  const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
  let network: NetworkView;
  if (config.peers.length > 0) {
    const nodes = config.peers.map((entry) => {
      const at = entry.indexOf('@');
      return {
        delegateWallet: entry.slice(0, at) as Address,
        endpoint: canonicalEndpoint(entry.slice(at + 1)),
      };
    });
    network = createStaticNetwork(
      nodes,
      config.discoverySigners as Address[],
      config.discoveryNodes,
    );
  } else {
    const endpoint = await resolveEndpoint(config.ethRpcUrl!);
    network = createChainNetwork({
      client: createChainClient('eth', endpoint),
      nodeRegistry: config.nodeRegistryAddress as Address,
      refreshMs: NETWORK_REFRESH_MS,
      selfWallet: account.address,
      onError: (error) => logger.warn({ err: error }, 'reading the node registry failed'),
    });
  }
  let playLog: PlayLogChain | undefined;
  if (config.dataRpcUrl && config.playLogAddress) {
    const data = await resolveEndpoint(config.dataRpcUrl);
    playLog = {
      client: createChainClient('data', data),
      wallet: createChainWallet('data', data, account),
      address: config.playLogAddress as Address,
    };
  }
  const node = await createContentNode(
    {
      account,
      store,
      listens,
      network,
      ffmpeg: await findFfmpegBinaries({ ffmpeg: config.ffmpegPath, ffprobe: config.ffprobePath }),
      logger,
      ...(playLog ? { playLog } : {}),
    },
    {
      publicUrl: config.publicUrl,
      dataDir,
      version: VERSION,
      maxUploadBytes: config.maxUploadBytes,
      uploadsPerHour: config.uploadsPerHour,
      uploadsPerIpPerHour: config.uploadsPerIpPerHour,
      uploadBytesPerUserPerDay: config.uploadBytesPerUserPerDay,
      uploadBytesPerIpPerDay: config.uploadBytesPerIpPerDay,
      uploadRetentionMs: config.uploadRetention,
      retentionIntervalMs: config.retentionInterval,
      trustProxy: config.trustProxy,
      authWritesPerHour: config.authWritesPerHour,
      transcodeWorkers: config.transcodeWorkers,
      replicationFactor: config.replicationFactor,
      repairIntervalMs: config.repairInterval,
      cleanupGraceMs: config.cleanupGrace,
      deadNodeGraceMs: config.deadNodeGrace,
      streamCacheBytes: config.streamCacheBytes,
      playSubmitIntervalMs: config.playSubmitInterval,
      playLimitsPerTrackIp: {
        hour: config.playLimitTrackIpHour,
        day: config.playLimitTrackIpDay,
        week: config.playLimitTrackIpWeek,
      },
    },
  );
  await node.start();
  await node.app.listen({ host: config.host, port: config.port });
  logger.info(
    { endpoint: config.publicUrl, wallet: account.address, storage: store.location },
    'content node ready',
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await node.stop();
    await listens.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', (s) => void shutdown(s));
  process.once('SIGTERM', (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
