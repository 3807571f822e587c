// The discovery node: its indexers, its database and its HTTP routes, wired from components the
// caller builds (main.ts from config, tests from a local chain), with start/stop lifecycles.
import type { FastifyInstance } from 'fastify';
import type { ChainEndpoint, DeploymentManifest } from '@coliving/chain';
import { UnavailableError, canonicalJson } from '@coliving/protocol';
import { type Logger, createApp, registerHealthCheck } from '@coliving/server-kit';
import { type LocalAccount, type PublicClient, keccak256, toBytes } from 'viem';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { AnswerSigner, EnvelopeTail } from './api/answer/envelope.js';
import { answerBufferPool } from './api/answer/respond.js';
import { ResponseCache } from './api/answer/responseCache.js';
import { TrackJsonCache } from './api/answer/trackJsonCache.js';
import { registerCidRoutes } from './api/cids.js';
import { type ApiComponents, registerUnclaimedIdRoutes } from './api/common.js';
import { registerPaymentRelayRoutes } from './api/paymentRelay.js';
import { registerPaymentRoutes } from './api/payments.js';
import { registerDeveloperAppRoutes } from './api/developerApps.js';
import { registerFeedRoutes } from './api/feed.js';
import { registerFullRoutes } from './api/full.js';
import { registerOAuthRoutes } from './api/oauth.js';
import { registerPlaylistLookupRoutes } from './api/playlistLookups.js';
import {
  type RateLimits,
  createRegisteredApps,
  rateLimitsOf,
  registerRateLimit,
} from './api/rateLimit.js';
import { registerPlaylistRoutes } from './api/playlists.js';
import { registerUserLookupRoutes } from './api/userLookups.js';
import { registerRelayRoutes } from './api/relay.js';
import { registerModelSchemas } from './api/schemas.js';
import { registerTrackLookupRoutes } from './api/trackLookups.js';
import { registerTrackRoutes } from './api/tracks.js';
import { registerUserRoutes } from './api/users.js';
import { type ContentNodes, createContentNodes } from './core/contentNodes.js';
import { refreshSearchWords } from './core/search.js';
import { TrackSearch } from './core/trackSearch.js';
import { recomputeTrending } from './core/trending.js';
import { type PaymentRelayInit, createPaymentRelay } from './core/paymentRelay.js';
import { type Relay, type RelayInit, createRelay } from './core/relay.js';
import { registeredNodes } from './core/registeredNodes.js';
import { createNodeRegistrations } from './core/nodeRegistration.js';
import { createReceiptVerifier } from './core/uploadReceipts.js';
import { createMetrics } from './metrics.js';
import type { Database } from './db/database.js';
import { computeStateDigest } from './db/stateDigest.js';
import { type Indexer, runIndexers } from './indexer/runIndexer.js';
import { DATA_CHAIN, entityManagerSource } from './indexer/sources/entityManager.js';
import { ETH_CHAIN, nodeRegistrySource } from './indexer/sources/nodeRegistry.js';
import { PAYMENTS_CHECKPOINT, paymentRouterSource } from './indexer/sources/paymentRouter.js';
import { PLAYS_CHECKPOINT, playLogSource } from './indexer/sources/playLog.js';
import {
  BALANCES_CHECKPOINT,
  balanceChanges,
  dgcoBalancesSource,
} from './indexer/sources/dgcoBalances.js';

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
  /** How this node finds healthy content nodes (from NodeRegistry by default). */
  contentNodes?: ContentNodes;
};

export type DiscoveryNodeInit = {
  version: string;
  /** Blocks a data-chain block must be buried under before it is indexed. */
  dataConfirmations: number;
  ethConfirmations: number;
  /**
   * How old (ms) an eth block must be before its payments are judged while the data indexer is
   * at its head (indexer/sources/paymentRouter.ts); PAYMENT_SETTLE_MS by default.
   */
  paymentSettleMs?: number;
  pollIntervalMs: number;
  blocksPerRead?: number;
  eventsPerTransaction?: number;
  /** Plays per play log transaction (a block is never split). */
  playsPerTransaction?: number;
  relay?: RelayInit;
  /** The payment relay's limits (core/paymentRelay.ts). */
  paymentRelay?: PaymentRelayInit;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated). */
  trustProxy?: string;
  /** This node's public base URL: the API's stream and image links are absolute. */
  publicUrl: string;
  /**
   * How often the derived tables (trending scores, the search dictionary) are rebuilt, first at
   * start; 0: only when refreshDerived() is called.
   */
  trendingIntervalMs?: number;
  /** Memory for tracks kept as answered JSON (api/answer/trackJsonCache.ts); 256 MiB by default. */
  trackCacheBytes?: number;
  /** The node's data directory: its filesystem's free bytes and capacity go to /metrics. */
  dataDir?: string;
  /**
   * API rate limits (api/rateLimit.ts): DEFAULT_RATE_LIMITS where unset (loopback exempt);
   * `now` is the limiter's clock (tests hold it still).
   */
  rateLimit?: Partial<RateLimits> & { now?: () => number };
};

export type DiscoveryNode = {
  app: FastifyInstance;
  dataIndexer: Indexer;
  ethIndexer: Indexer;
  /** The play log's indexer (its own checkpoint on the data chain, never past dataIndexer's). */
  playsIndexer: Indexer;
  /** The PaymentRouter source (payments, purchases, tips). */
  paymentsIndexer: Indexer;
  /** The DgcoToken source (wallets' balances, from Transfer logs). */
  balancesIndexer: Indexer;
  /**
   * Rebuilds trending and the search dictionary now, and the track search index when it is
   * missing or a twentieth of it changed (start() runs it, then periodically).
   */
  refreshDerived(): Promise<void>;
  /** Track search from memory: loaded by start() in the background, kept current from the indexer. */
  trackSearch: TrackSearch;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const DEFAULT_BLOCKS_PER_READ = 500;
const DEFAULT_EVENTS_PER_TRANSACTION = 5000;
const DEFAULT_PLAYS_PER_TRANSACTION = 20_000;
/** Trending moves with days-long windows; a recompute every few minutes keeps it current. */
const DEFAULT_TRENDING_INTERVAL_MS = 5 * 60 * 1000;
/** Answers that depend on the clock (scheduled releases) are recomputed at least this often. */
const CLOCK_EPOCH_MS = 60 * 1000;
const DEFAULT_TRACK_CACHE_BYTES = 256 * 1024 * 1024;

/** Builds a discovery node; `start` starts its indexers, `app.listen` its HTTP side. */
export async function createDiscoveryNode(
  components: DiscoveryNodeComponents,
  init: DiscoveryNodeInit,
): Promise<DiscoveryNode> {
  const { database, manifest, dataClient, account } = components;
  const { db } = database;
  const app = createApp({
    logger: components.logger ?? false,
    ...(init.trustProxy ? { trustProxy: init.trustProxy } : {}),
  });
  const log = app.log;
  const publicUrl = init.publicUrl.replace(/\/+$/, '');
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Coliving discovery node API',
        version: init.version,
        description:
          'The Audius REST API v1 wire format, served from the Coliving chains. Ids are hashids.',
      },
      servers: [{ url: publicUrl }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerModelSchemas(app);
  const metrics = createMetrics(app, { dataDir: init.dataDir });
  // Rate limits per client address, and per registered app and address (api/rateLimit.ts); the
  // registered apps are read again after each data-chain pass that indexed blocks (onPass).
  const registeredApps = createRegisteredApps(db);
  let appsReadAt: number | undefined;
  const { now: rateClock, ...rateLimits } = init.rateLimit ?? {};
  registerRateLimit(app, {
    limits: rateLimitsOf(rateLimits),
    apps: registeredApps,
    ...(rateClock ? { now: rateClock } : {}),
    countRequest: metrics.countApiRequest,
    countRefusal: metrics.countRateLimited,
  });

  const trackJson = new TrackJsonCache(init.trackCacheBytes ?? DEFAULT_TRACK_CACHE_BYTES);
  const trackSearch = new TrackSearch(db, (error) =>
    log.error({ err: error }, 'reading changes into the track search index failed'),
  );
  const blocksPerRead = init.blocksPerRead ?? DEFAULT_BLOCKS_PER_READ;
  // Content nodes' registrations as of eth blocks, asked by upload receipts and play batches.
  const registrations = createNodeRegistrations({
    client: components.ethClient,
    nodeRegistry: manifest.contracts.eth.NodeRegistry,
    confirmations: init.ethConfirmations,
  });
  // One verifier of upload receipts for the indexer and the relay, so both decide alike.
  const receipts = createReceiptVerifier({
    client: components.ethClient,
    nodeRegistry: manifest.contracts.eth.NodeRegistry,
    confirmations: init.ethConfirmations,
    registrations,
  });
  // What the node indexes: one source per contract, each with its own checkpoint and loop.
  const sources = [
    entityManagerSource({
      client: dataClient,
      entityManager: manifest.contracts.data.EntityManager,
      deployBlock: manifest.deployBlocks.data.EntityManager,
      confirmations: init.dataConfirmations,
      blocksPerRead,
      eventsPerTransaction: init.eventsPerTransaction ?? DEFAULT_EVENTS_PER_TRANSACTION,
      receipts,
      onChanges: (changes) => {
        trackJson.invalidate(changes);
        trackSearch.onChanges(changes);
      },
    }),
    nodeRegistrySource({
      client: components.ethClient,
      nodeRegistry: manifest.contracts.eth.NodeRegistry,
      deployBlock: manifest.deployBlocks.eth.NodeRegistry,
      confirmations: init.ethConfirmations,
      blocksPerRead,
    }),
    playLogSource({
      client: dataClient,
      playLog: manifest.contracts.data.PlayLog,
      deployBlock: manifest.deployBlocks.data.PlayLog,
      confirmations: init.dataConfirmations,
      blocksPerRead,
      playsPerTransaction: init.playsPerTransaction ?? DEFAULT_PLAYS_PER_TRANSACTION,
      registrations,
      onChanges: (changes) => trackJson.invalidate(changes),
    }),
    // Payments wait for the data chain's blocks up to their time (its ceiling).
    paymentRouterSource({
      client: components.ethClient,
      paymentRouter: manifest.contracts.eth.PaymentRouter,
      token: manifest.contracts.eth.DgcoToken,
      deployBlock: manifest.deployBlocks.eth.PaymentRouter,
      confirmations: init.ethConfirmations,
      blocksPerRead,
      dataClient,
      dataConfirmations: init.dataConfirmations,
      ...(init.paymentSettleMs !== undefined ? { settleMs: init.paymentSettleMs } : {}),
      // A tip moves its sender's and receiver's supporting and supporter counts.
      onChanges: (changes) => trackJson.invalidate(changes),
    }),
    // Balances need nothing from the data chain: no ceiling but the confirmations.
    dgcoBalancesSource({
      client: components.ethClient,
      token: manifest.contracts.eth.DgcoToken,
      deployBlock: manifest.deployBlocks.eth.DgcoToken,
      confirmations: init.ethConfirmations,
      blocksPerRead,
      onWalletsMoved: (wallets) =>
        balanceChanges(db, wallets).then(
          (changes) => trackJson.invalidate(changes),
          (error: unknown) =>
            log.error({ err: error }, 'finding the users of wallets whose balance moved failed'),
        ),
    }),
  ];
  // The health check reports these from memory (core/registeredNodes.ts).
  const nodeEndpoints = registeredNodes(db);
  const indexers = runIndexers({
    db,
    sources,
    pollIntervalMs: init.pollIntervalMs,
    onError: (source, error) => log.error({ err: error }, `indexing the ${source.name} failed`),
    onPass: async (source, result) => {
      if (result.indexedBlock !== undefined)
        metrics.indexedBlock.set({ chain: source.checkpoint }, result.indexedBlock);
      metrics.chainHeadBlock.set({ chain: source.checkpoint }, result.headBlock);
      // Before the pass counts as done, so the list is never older than the block reported.
      if (source.checkpoint === ETH_CHAIN) await nodeEndpoints.refresh(result.indexedBlock);
      // The play log waits for the entity tables' blocks (its ceiling): it may go on now.
      if (source.checkpoint === DATA_CHAIN) {
        // Before the pass counts as done, so an app indexed by it has its own bucket at once.
        // A failed read is tried again after the next pass.
        const block = result.indexedBlock;
        if (block !== undefined && block !== appsReadAt) {
          await registeredApps.refresh().then(
            () => (appsReadAt = block),
            (error: unknown) =>
              log.error({ err: error }, 'reading the registered developer apps failed'),
          );
        }
        playsIndexer.poke();
        paymentsIndexer.poke();
      }
    },
  });
  metrics.observe({
    registeredNodes: () => nodeEndpoints.endpoints(),
    indexers: () =>
      [...indexers].map(([chain, { status }]) => ({
        chain,
        failing: status.halted || status.error !== undefined,
      })),
  });
  const dataIndexer = indexers.get(DATA_CHAIN)!;
  const ethIndexer = indexers.get(ETH_CHAIN)!;
  const playsIndexer = indexers.get(PLAYS_CHECKPOINT)!;
  const paymentsIndexer = indexers.get(PAYMENTS_CHECKPOINT)!;
  const balancesIndexer = indexers.get(BALANCES_CHECKPOINT)!;

  const contentNodes = components.contentNodes ?? createContentNodes({ db });
  let derivedRun = 0;
  // Runs one at a time: a run asked for while one is under way starts after it.
  let derivedQueue: Promise<unknown> = Promise.resolve();
  const refreshDerivedNow = (): Promise<void> => {
    const run = derivedQueue
      .catch(() => {})
      .then(async () => {
        await recomputeTrending(db, { now: new Date() });
        await refreshSearchWords(db);
        await trackSearch.refresh();
        derivedRun++;
      });
    derivedQueue = run;
    return run;
  };
  let derivedTimer: NodeJS.Timeout | undefined;

  const blocks = () => {
    const indexed = dataIndexer.status.indexedBlock ?? 0;
    return {
      indexed,
      chain: Math.max(dataIndexer.status.headBlock ?? 0, indexed),
      playsIndexed: playsIndexer.status.indexedBlock ?? 0,
    };
  };
  const api: ApiComponents = {
    db,
    account,
    contentNodes,
    cache: new ResponseCache(),
    answerBuffers: answerBufferPool(),
    envelopeTail: new EnvelopeTail(init.version),
    answerSigner: new AnswerSigner(account),
    trackJson,
    trackSearch,
    publicUrl,
    version: init.version,
    blocks,
    // Payments move answers (access, tips, purchases) and transfers move users' balances, each
    // at its own checkpoint.
    epoch: () =>
      `${derivedRun}:${Math.floor(Date.now() / CLOCK_EPOCH_MS)}:${paymentsIndexer.status.indexedBlock ?? 0}:${balancesIndexer.status.indexedBlock ?? 0}`,
  };
  registerUnclaimedIdRoutes(app, api);
  registerTrackRoutes(app, api);
  registerUserRoutes(app, api);
  registerPlaylistRoutes(app, api);
  registerPlaylistLookupRoutes(app, api);
  registerUserLookupRoutes(app, api);
  registerTrackLookupRoutes(app, api);
  registerFullRoutes(app, api);
  registerFeedRoutes(app, api);
  registerDeveloperAppRoutes(app, api);
  registerOAuthRoutes(app, api);
  registerPaymentRoutes(app, api);
  registerCidRoutes(app, {
    db,
    dataChain: () => {
      const { halted, error, indexedBlock } = dataIndexer.status;
      return { healthy: !halted && error === undefined && indexedBlock !== undefined, ...blocks() };
    },
  });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async function serveOpenApi() {
    return app.swagger();
  });

  registerHealthCheck(app, {
    check: async () => {
      const data = dataIndexer.status;
      const eth = ethIndexer.status;
      const plays = playsIndexer.status;
      const ok = (s: typeof data) =>
        !s.halted && s.error === undefined && s.indexedBlock !== undefined;
      const { indexed, chain } = blocks();
      // From memory, no query: the check must answer while the database pool is busy.
      const network = await nodeEndpoints.endpoints();
      return {
        healthy: ok(data) && ok(eth),
        block_difference: chain - indexed,
        latest_indexed_block: indexed,
        latest_chain_block: chain,
        network: {
          content_nodes: network.content_nodes,
          discovery_nodes: network.discovery_nodes,
          discovery_nodes_with_owner: network.discovery_nodes_with_owner,
        },
        // What a client needs to sign ManageEntity actions for this node (docs/design.md §6).
        chain: {
          data: {
            chain_id: (components.dataChain ?? manifest.chains.data).chainId,
            entity_manager: manifest.contracts.data.EntityManager,
          },
        },
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
        // Reported, not part of `healthy`: a stalled play log leaves counts behind, not wrong.
        playLog: {
          indexedBlock: plays.indexedBlock ?? null,
          headBlock: plays.headBlock ?? null,
          ...(plays.error ? { error: plays.error } : {}),
        },
        // Reported, not part of `healthy`: payments wait for the data chain's time by design.
        payments: {
          indexedBlock: paymentsIndexer.status.indexedBlock ?? null,
          headBlock: paymentsIndexer.status.headBlock ?? null,
          ...(paymentsIndexer.status.error ? { error: paymentsIndexer.status.error } : {}),
        },
        // Reported, not part of `healthy`: a stalled balance indexer leaves balances behind.
        balances: {
          indexedBlock: balancesIndexer.status.indexedBlock ?? null,
          headBlock: balancesIndexer.status.headBlock ?? null,
          ...(balancesIndexer.status.error ? { error: balancesIndexer.status.error } : {}),
        },
      };
    },
    sign: async (report) => ({
      signer: account.address,
      signature: await account.signMessage({
        message: { raw: keccak256(toBytes(canonicalJson(report))) },
      }),
    }),
    // Audius's SDK takes a discovery node whose answer lacks `comms` (its chat service's health)
    // for unhealthy. Coliving runs no chat service: `comms` says what the node's health says, so
    // that SDK selects the node and learns the others from it (docs/api-v1.md).
    alongside: (report) => ({ comms: { healthy: report.healthy } }),
  });

  const relay: Relay = components.relayer
    ? createRelay(
        {
          db,
          client: dataClient,
          account: components.relayer,
          chain: components.dataChain ?? manifest.chains.data,
          entityManager: manifest.contracts.data.EntityManager,
          receipts,
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
      submit: async (body, caller) => {
        const result = await relay.submit(body, caller);
        dataIndexer.poke();
        return result;
      },
    },
    db,
    client: dataClient,
  });

  // Payments (docs/design.md §9): POST /relay/payment pays gas on the eth chain from the same
  // relayer key; GET /v1/payments/info answers without one.
  registerPaymentRelayRoutes(app, {
    relay: createPaymentRelay(
      {
        db,
        client: components.ethClient,
        account: components.relayer,
        token: manifest.contracts.eth.DgcoToken,
        paymentRouter: manifest.contracts.eth.PaymentRouter,
      },
      init.paymentRelay,
    ),
    // The payment's block is read at once; the data chain too, since payments wait for its time.
    onRelayed: () => {
      for (const indexer of indexers.values()) indexer.poke();
    },
  });

  app.get('/v1/state_digest', async function serveStateDigest() {
    return { data: await computeStateDigest(db) };
  });

  return {
    app,
    dataIndexer,
    ethIndexer,
    playsIndexer,
    paymentsIndexer,
    balancesIndexer,
    refreshDerived: refreshDerivedNow,
    trackSearch,
    async start() {
      for (const indexer of indexers.values()) indexer.start();
      // Until it is loaded (seconds on a big catalog), track search reads the database.
      void trackSearch
        .rebuild()
        .catch((error: unknown) =>
          log.error({ err: error }, 'loading the track search index failed'),
        );
      const recompute = () =>
        refreshDerivedNow().catch((error: unknown) =>
          log.error({ err: error }, 'rebuilding trending and the search dictionary failed'),
        );
      // In the background: on a big catalog a run takes a while, and the API serves meanwhile
      // (from the previous run's scores). A failed run keeps the previous scores and is logged.
      const every = init.trendingIntervalMs ?? DEFAULT_TRENDING_INTERVAL_MS;
      if (every > 0) {
        void recompute();
        derivedTimer = setInterval(() => void recompute(), every);
      }
    },
    async stop() {
      clearInterval(derivedTimer);
      trackSearch.close();
      await app.close();
      await Promise.all([...indexers.values()].map((indexer) => indexer.stop()));
    },
  };
}
