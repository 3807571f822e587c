// The discovery node: its indexers, its database and its HTTP routes, wired from components the
// caller builds (main.ts from config, tests from a local chain), with start/stop lifecycles.
import type { FastifyInstance } from 'fastify';
import type { ChainEndpoint, DeploymentManifest } from '@coliving/chain';
import { UnavailableError, canonicalJson } from '@coliving/protocol';
import { type Logger, createApp, registerHealthCheck, registerMetrics } from '@coliving/server-kit';
import { Gauge } from 'prom-client';
import { type LocalAccount, type PublicClient, keccak256, toBytes } from 'viem';
import { registerRelayRoutes } from './api/relay.js';
import { type Relay, type RelayInit, createRelay } from './core/relay.js';
import type { Database } from './db/database.js';
import { computeStateDigest } from './db/stateDigest.js';
import { indexBlocks } from './indexer/indexBlocks.js';
import { indexNodes } from './indexer/indexNodes.js';
import { type Indexer, runIndexer } from './indexer/runIndexer.js';

export type DiscoveryNodeComponents = {
  database: Database;
  /** Where the contracts are and where indexing starts. */
  manifest: DeploymentManifest;
  dataClient: PublicClient;
  ethClient: PublicClient;
  /** The node's delegate key: signs its health report (and, later, stream access). */
  account: LocalAccount;
  /** The gas wallet `POST /relay` submits from; without one the relay answers 503. */
  relayer?: LocalAccount;
  /** The data chain as this node reaches it (the manifest's by default). */
  dataChain?: ChainEndpoint;
  logger?: Logger | false;
};

export type DiscoveryNodeInit = {
  version: string;
  /** Blocks a data-chain block must be buried under before it is indexed. */
  dataConfirmations: number;
  ethConfirmations: number;
  pollIntervalMs: number;
  blocksPerRead?: number;
  eventsPerTransaction?: number;
  relay?: RelayInit;
};

export type DiscoveryNode = {
  app: FastifyInstance;
  dataIndexer: Indexer;
  ethIndexer: Indexer;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const DEFAULT_BLOCKS_PER_READ = 500;
const DEFAULT_EVENTS_PER_TRANSACTION = 5000;

/** Builds a discovery node; `start` starts its indexers, `app.listen` its HTTP side. */
export async function createDiscoveryNode(
  components: DiscoveryNodeComponents,
  init: DiscoveryNodeInit,
): Promise<DiscoveryNode> {
  const { database, manifest, dataClient, account } = components;
  const { db } = database;
  const app = createApp({ logger: components.logger ?? false });
  const log = app.log;
  const metrics = registerMetrics(app, { prefix: 'coliving_discovery_node_' });
  const indexedBlock = new Gauge({
    name: 'coliving_discovery_node_indexed_block',
    help: 'The last block indexed, by chain',
    labelNames: ['chain'] as const,
    registers: [metrics],
  });

  const dataIndexer = runIndexer({
    name: 'data chain',
    pollIntervalMs: init.pollIntervalMs,
    onError: (error) => log.error({ err: error }, 'indexing the data chain failed'),
    pass: async () => {
      const result = await indexBlocks({
        db,
        client: dataClient,
        entityManager: manifest.contracts.data.EntityManager,
        deployBlock: manifest.deployBlocks.data.EntityManager,
        confirmations: init.dataConfirmations,
        blocksPerRead: init.blocksPerRead ?? DEFAULT_BLOCKS_PER_READ,
        eventsPerTransaction: init.eventsPerTransaction ?? DEFAULT_EVENTS_PER_TRANSACTION,
      });
      if (result.indexedBlock !== undefined)
        indexedBlock.set({ chain: 'data' }, result.indexedBlock);
      return result;
    },
  });

  const ethIndexer = runIndexer({
    name: 'eth chain',
    pollIntervalMs: init.pollIntervalMs,
    onError: (error) => log.error({ err: error }, 'indexing the eth chain failed'),
    pass: async () => {
      const result = await indexNodes({
        db,
        client: components.ethClient,
        nodeRegistry: manifest.contracts.eth.NodeRegistry,
        deployBlock: manifest.deployBlocks.eth.NodeRegistry,
        confirmations: init.ethConfirmations,
        blocksPerRead: init.blocksPerRead ?? DEFAULT_BLOCKS_PER_READ,
      });
      if (result.indexedBlock !== undefined)
        indexedBlock.set({ chain: 'eth' }, result.indexedBlock);
      return result;
    },
  });

  registerHealthCheck(app, {
    check: async () => {
      const data = dataIndexer.status;
      const eth = ethIndexer.status;
      const ok = (s: typeof data) =>
        !s.halted && s.error === undefined && s.indexedBlock !== undefined;
      return {
        healthy: ok(data) && ok(eth),
        service: 'discovery-node',
        version: init.version,
        delegateWallet: account.address,
        database: database.engine,
        dataChain: {
          indexedBlock: data.indexedBlock ?? null,
          headBlock: data.headBlock ?? null,
          ...(data.error ? { error: data.error } : {}),
        },
        ethChain: {
          indexedBlock: eth.indexedBlock ?? null,
          headBlock: eth.headBlock ?? null,
          ...(eth.error ? { error: eth.error } : {}),
        },
      };
    },
    sign: async (report) => ({
      signer: account.address,
      signature: await account.signMessage({
        message: { raw: keccak256(toBytes(canonicalJson(report))) },
      }),
    }),
  });

  const relay: Relay = components.relayer
    ? createRelay(
        {
          db,
          client: dataClient,
          account: components.relayer,
          chain: components.dataChain ?? manifest.chains.data,
          entityManager: manifest.contracts.data.EntityManager,
        },
        init.relay,
      )
    : {
        submit: async () => {
          throw new UnavailableError('This node does not relay: it has no gas wallet', {
            code: 'relay_disabled',
          });
        },
      };
  registerRelayRoutes(app, {
    relay: {
      ...relay,
      // A relayed action's block is indexed at once rather than at the next poll.
      submit: async (body) => {
        const result = await relay.submit(body);
        dataIndexer.poke();
        return result;
      },
    },
    db,
    client: dataClient,
  });

  app.get('/v1/state_digest', async function serveStateDigest() {
    return { data: await computeStateDigest(db) };
  });

  return {
    app,
    dataIndexer,
    ethIndexer,
    async start() {
      dataIndexer.start();
      ethIndexer.start();
    },
    async stop() {
      await app.close();
      await Promise.all([dataIndexer.stop(), ethIndexer.stop()]);
    },
  };
}
