import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_REPLICATION_FACTOR,
  MAX_PLAYS_PER_BATCH,
  PLAY_LIMITS,
  type UploadRecord,
} from '@coliving/protocol';
import { type FastLane, type Logger, createApp } from '@coliving/server-kit';
import { type BlobStore, withReadCache } from '@coliving/storage';
import type { FastifyInstance } from 'fastify';
import type { LocalAccount } from 'viem';
import { createGuards } from './api/guards.js';
import { serveAuthentication } from './api/serveAuthentication.js';
import { serveContent } from './api/serveContent.js';
import { serveHealth } from './api/serveHealth.js';
import { serveInternal } from './api/serveInternal.js';
import { serveStream } from './api/serveStream.js';
import { servePreviews } from './api/servePreviews.js';
import { serveUploads } from './api/serveUploads.js';
import {
  DEFAULT_AUTH_WRITES_PER_HOUR,
  DEFAULT_CLEANUP_GRACE_MS,
  DEFAULT_DEAD_NODE_GRACE_MS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_PLAY_LIMIT_KEYS,
  DEFAULT_PLAY_SUBMIT_INTERVAL_MS,
  DEFAULT_REPAIR_INTERVAL_MS,
  DEFAULT_STREAM_CACHE_BYTES,
  DEFAULT_TRANSCODE_WORKERS,
  DEFAULT_UPLOAD_BYTES_PER_IP_PER_DAY,
  DEFAULT_UPLOAD_BYTES_PER_USER_PER_DAY,
  DEFAULT_UPLOAD_RETENTION_MS,
  DEFAULT_UPLOADS_PER_HOUR,
  DEFAULT_UPLOADS_PER_IP_PER_HOUR,
  DISCOVERY_NOT_USER_TTL_MS,
  DISCOVERY_TIMEOUT_MS,
  DISCOVERY_USER_TTL_MS,
  LISTEN_JOURNAL_COMPACT_BYTES,
  MAX_DISCOVERY_BLOCK_DIFFERENCE,
  PLAY_RECEIPT_TIMEOUT_MS,
  RETENTION_INTERVAL_MS,
  STREAM_CACHE_MAX_BLOB_BYTES,
} from './constants.js';
import { createAuthRecords } from './core/authRecords.js';
import { type Discovery, createDiscovery } from './core/discovery.js';
import type { FfmpegBinaries } from './core/ffmpegBinaries.js';
import { type JobQueue, createJobQueue } from './core/jobQueue.js';
import { type NetworkView, canonicalEndpoint } from './core/network.js';
import { createPeerClient } from './core/peerClient.js';
import { createPeerLiveness } from './core/peerLiveness.js';
import { createHolderFinder } from './core/findHolder.js';
import { type PlayLimitWindows, createPlayLimiter } from './core/playLimits.js';
import { createRateLimiter } from './core/rateLimiter.js';
import { createUploadQuota } from './core/uploadQuota.js';
import { AuthStore } from './db/authStore.js';
import { ExpiredUploads } from './db/expiredUploads.js';
import { JsonRecordDir } from './db/jsonRecordDir.js';
import type { ListenJournal } from './db/listenJournal.js';
import { UploadStore } from './db/uploadStore.js';
import { VariantIndex } from './db/variantIndex.js';
import { receiptFor } from './core/uploadReceipts.js';
import { type ExpireReport, expireUploads } from './jobs/expireUploads.js';
import { processUpload } from './jobs/processUpload.js';
import { type RepairPassReport, type RepairState, repair } from './jobs/repair.js';
import { replicate } from './jobs/replicate.js';
import { type PlayLogChain, type SubmitState, createPlaySubmitter } from './jobs/submitPlays.js';
import { mergeRecord, shareRecord } from './jobs/shareRecords.js';
import { clientIpOf } from './core/clientIp.js';
import { createMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export type { ExpireReport } from './jobs/expireUploads.js';
export type { RepairPassReport } from './jobs/repair.js';
export type { PlayLogChain, PlaysStatus } from './jobs/submitPlays.js';

export type ContentNodeComponents = {
  /** This node's delegate key: signs node-to-node calls. */
  account: LocalAccount;
  store: BlobStore;
  listens: ListenJournal;
  network: NetworkView;
  ffmpeg: FfmpegBinaries;
  logger: Logger | false;
  /**
   * Who may upload (the wallet of a user) and which uploads are referenced: the discovery nodes
   * of `network`, unless given. Only tests give one (testing.ts), when upload access is not what
   * they test; the process (main.ts) never does.
   */
  discovery?: Discovery;
  /**
   * The data chain's PlayLog and this node's delegate wallet there: journaled listens go on
   * chain as plays. Without it (or without a registration on NodeRegistry) they stay journaled.
   */
  playLog?: PlayLogChain;
};

export type ContentNodeInit = {
  /** This node's endpoint, as registered. */
  publicUrl: string;
  /** Where upload records, job files and caches live. */
  dataDir: string;
  version: string;
  maxUploadBytes?: number;
  uploadsPerHour?: number;
  uploadsPerIpPerHour?: number;
  uploadBytesPerUserPerDay?: number;
  uploadBytesPerIpPerDay?: number;
  /** How long an upload may go unreferenced before retention deletes it. */
  uploadRetentionMs?: number;
  /** How often retention runs; 0 turns the timer off (tests run passes by hand). */
  retentionIntervalMs?: number;
  /** Take the client IP from X-Forwarded-For (behind a reverse proxy). */
  trustProxy?: boolean;
  /** Login record writes (creates, replaces, deletes) one wallet may make per hour. */
  authWritesPerHour?: number;
  transcodeWorkers?: number;
  replicationFactor?: number;
  /** How often repair and the record sweep run; 0 turns the timer off (tests run passes by hand). */
  repairIntervalMs?: number;
  /** How long a surplus copy is kept before cleanup may drop it. */
  cleanupGraceMs?: number;
  /** How long a peer stays unreachable before the next live nodes take its copies. */
  deadNodeGraceMs?: number;
  /** Memory for the blobs read most (withReadCache); 0 turns it off. */
  streamCacheBytes?: number;
  /** Listens per (track, IP) per hour, day and week this node journals (PLAY_LIMITS.trackIp). */
  playLimitsPerTrackIp?: PlayLimitWindows;
  /** How often journaled plays are sent; 0 turns the timer off (tests submit by hand). */
  playSubmitIntervalMs?: number;
  /** The journal drops what is on chain once it is this many bytes. */
  listenJournalCompactBytes?: number;
};

export type ContentNode = {
  app: FastifyInstance;
  uploads: UploadStore;
  /** Hedgehog login records this node holds (tombstones included). */
  auth: AuthStore;
  jobs: JobQueue;
  /** One repair pass and record sweep (the timer runs them every repairIntervalMs). */
  repairOnce(): Promise<RepairPassReport>;
  /** One retention pass (the timer runs one every retentionIntervalMs). */
  expireUploadsOnce(): Promise<ExpireReport>;
  /** Sends every journaled listen not yet on chain (the timer does every playSubmitIntervalMs). */
  submitPlaysOnce(): Promise<void>;
  /** Resumes unfinished jobs and starts taking requests (call app.listen after). */
  start(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A content node: uploads and their jobs, content and stream serving, replication and repair.
 * This builds the parts and starts and stops them; the routes are in routes.ts.
 */
export async function createContentNode(
  components: ContentNodeComponents,
  init: ContentNodeInit,
): Promise<ContentNode> {
  const { account, listens, network, ffmpeg, logger } = components;
  // Every part of the node reads and deletes through the cache, so a deleted blob leaves it too.
  const store = withReadCache(components.store, {
    maxBytes: init.streamCacheBytes ?? DEFAULT_STREAM_CACHE_BYTES,
    maxBlobBytes: STREAM_CACHE_MAX_BLOB_BYTES,
  });
  const self = canonicalEndpoint(init.publicUrl);
  const replicationFactor = init.replicationFactor ?? DEFAULT_REPLICATION_FACTOR;
  const repairIntervalMs = init.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS;
  const maxUploadBytes = init.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const jobsDir = join(init.dataDir, 'jobs');
  await mkdir(jobsDir, { recursive: true });
  const uploads = await UploadStore.open(join(init.dataDir, 'uploads'));
  const auth = await AuthStore.open(join(init.dataDir, 'auth'));
  const variants = await VariantIndex.open(join(init.dataDir, 'variants.json'));
  const expired = await ExpiredUploads.open(join(init.dataDir, 'expired'));
  const discovery =
    components.discovery ??
    createDiscovery(
      { network },
      {
        userTtlMs: DISCOVERY_USER_TTL_MS,
        notUserTtlMs: DISCOVERY_NOT_USER_TTL_MS,
        timeoutMs: DISCOVERY_TIMEOUT_MS,
        maxBlockDifference: MAX_DISCOVERY_BLOCK_DIFFERENCE,
      },
    );
  const retentionIntervalMs = init.retentionIntervalMs ?? RETENTION_INTERVAL_MS;

  // The stream route answers its common case before fastify routes it (serveStream's takeStream).
  const fastLane: FastLane = {};
  const app = createApp({ logger, trustProxy: init.trustProxy ?? false, fastLane });
  const log = app.log;
  const metrics = createMetrics(app, { dataDir: init.dataDir });
  const liveness = createPeerLiveness({
    deadAfterMs: init.deadNodeGraceMs ?? DEFAULT_DEAD_NODE_GRACE_MS,
  });
  const peers = createPeerClient(account, liveness);
  const authRecords = createAuthRecords(
    { store: auth, peers, network },
    {
      self,
      replicationFactor,
      onError: (what, error) => log.warn({ err: error }, `login records: ${what} failed`),
    },
  );
  const share = (record: UploadRecord) => shareRecord({ peers, network, self, log }, record);
  const merge = (value: unknown) => mergeRecord({ uploads, variants, expired }, value);
  /** Pushes blobs to the nodes their placement names; a failed push is left to repair. */
  const pushToPlacement = async (cids: string[]): Promise<void> => {
    await replicate({
      store,
      peers,
      self,
      nodes: network.contentNodes(),
      replicationFactor,
      cids,
      isDead: (endpoint) => liveness.isDead(endpoint),
      onError: (peer, cid, error) =>
        log.warn({ err: error, peer, cid }, 'push to a replica failed; repair will retry'),
    });
  };
  const jobs = createJobQueue({
    concurrency: init.transcodeWorkers ?? DEFAULT_TRANSCODE_WORKERS,
    run: async (id, signal) => {
      await processUpload(
        {
          store,
          uploads,
          variants,
          ffmpeg,
          jobsDir,
          replicate: pushToPlacement,
          shareRecord: share,
          receiptFor: (record) => receiptFor(account, network, record),
          metrics,
        },
        id,
        signal,
      );
    },
    onError: (id, error) => log.warn({ err: error, upload: id }, 'upload job failed'),
  });
  const repairState: RepairState = { surplusSince: new Map(), peerHealth: [] };
  metrics.observe({ jobsQueued: () => jobs.size, peers: () => repairState.peerHealth });
  // A pass that throws (the blob store unreachable) is counted, so that it shows beside the
  // passes that ran or were skipped.
  const repairOnce = () =>
    repair(
      {
        store,
        uploads,
        peers,
        network,
        liveness,
        authRecords,
        mergeRecord: merge,
        metrics,
        log,
        state: repairState,
      },
      {
        self,
        replicationFactor,
        cleanupGraceMs: init.cleanupGraceMs ?? DEFAULT_CLEANUP_GRACE_MS,
      },
    ).catch((error: unknown) => {
      metrics.repairPasses.inc({ outcome: 'failed' });
      throw error;
    });

  const referencedAt = new Map<string, number>();
  const expireUploadsOnce = () =>
    expireUploads(
      { store, uploads, expired, discovery, log, referencedAt },
      { retentionMs: init.uploadRetentionMs ?? DEFAULT_UPLOAD_RETENTION_MS, jobsDir },
    );

  const plays = createPlaySubmitter(
    {
      listens,
      network,
      chain: components.playLog,
      state: await JsonRecordDir.open<SubmitState>(join(init.dataDir, 'plays')),
      metrics,
      log,
    },
    {
      receiptTimeoutMs: PLAY_RECEIPT_TIMEOUT_MS,
      compactBytes: init.listenJournalCompactBytes ?? LISTEN_JOURNAL_COMPACT_BYTES,
    },
  );
  const submitPlaysOnce = () => plays.submitOnce();
  const playSubmitIntervalMs = init.playSubmitIntervalMs ?? DEFAULT_PLAY_SUBMIT_INTERVAL_MS;
  const playLimits = createPlayLimiter(init.playLimitsPerTrackIp ?? PLAY_LIMITS.trackIp, {
    maxKeys: DEFAULT_PLAY_LIMIT_KEYS,
  });

  const findHolder = createHolderFinder({ peers, network, liveness }, { self });
  /** Makes sure this node holds a blob, pulled (and checked against its CID) from a peer. */
  const pullBlob = async (cid: string): Promise<boolean> => {
    if (await store.head(cid)) return true;
    const holder = await findHolder(cid);
    const body = holder ? await peers.fetchBlob(holder, cid) : undefined;
    if (!body) return false;
    await store.put(body, { expectedCid: cid });
    return true;
  };
  const guards = createGuards({ network });
  const { signerOf, peerOf, signedFilesOf, uploadMeterOf } = guards;
  const stream = serveStream({
    store,
    listens,
    playLimits,
    network,
    findHolder,
    metrics,
    clientIp: clientIpOf(init.trustProxy ?? false),
    log,
  });
  fastLane.take = stream.takeStream;
  await registerRoutes(
    app,
    {
      guards,
      limiters: {
        uploads: createRateLimiter({
          limit: init.uploadsPerHour ?? DEFAULT_UPLOADS_PER_HOUR,
          windowMs: 3_600_000,
          what: 'uploads',
        }),
        uploadsPerIp: createRateLimiter({
          limit: init.uploadsPerIpPerHour ?? DEFAULT_UPLOADS_PER_IP_PER_HOUR,
          windowMs: 3_600_000,
          what: 'uploads from this address',
          code: 'ip_upload_rate',
        }),
        authWrites: createRateLimiter({
          limit: init.authWritesPerHour ?? DEFAULT_AUTH_WRITES_PER_HOUR,
          windowMs: 3_600_000,
          what: 'login record writes',
        }),
      },
      discovery,
      uploadQuota: createUploadQuota({
        bytesPerUserPerDay: init.uploadBytesPerUserPerDay ?? DEFAULT_UPLOAD_BYTES_PER_USER_PER_DAY,
        bytesPerIpPerDay: init.uploadBytesPerIpPerDay ?? DEFAULT_UPLOAD_BYTES_PER_IP_PER_DAY,
      }),
      health: serveHealth(
        { account, jobs, store, repair: repairState, plays: plays.status },
        { dataDir: init.dataDir, version: init.version, self, repairs: repairIntervalMs > 0 },
      ),
      uploads: serveUploads(
        {
          store,
          uploads,
          ffmpeg,
          jobs,
          shareRecord: share,
          signerOf,
          signedFilesOf,
          uploadMeterOf,
          metrics,
        },
        { self, jobsDir, maxUploadBytes },
      ),
      previews: servePreviews(
        {
          store,
          uploads,
          ffmpeg,
          pullBlob,
          replicate: pushToPlacement,
          shareRecord: share,
          receiptFor: (record) => receiptFor(account, network, record),
          signerOf,
        },
        { jobsDir },
      ),
      authentication: serveAuthentication({ authRecords, signerOf }),
      content: serveContent({ store, variants, findHolder }),
      stream,
      internal: serveInternal(
        { store, uploads, auth, authRecords, mergeRecord: merge, peerOf },
        { maxBlobBytes: maxUploadBytes * 2 },
      ),
    },
    { maxUploadBytes },
  );

  let repairTimer: NodeJS.Timeout | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  let playsTimer: NodeJS.Timeout | undefined;
  let stopWatchingListens: (() => void) | undefined;
  const submitInBackground = () =>
    void submitPlaysOnce().catch((error: unknown) =>
      log.warn({ err: error }, 'submitting plays failed; the next pass retries'),
    );
  return {
    app,
    uploads,
    auth,
    jobs,
    repairOnce,
    expireUploadsOnce,
    submitPlaysOnce,
    async start() {
      await network.start();
      if (repairIntervalMs > 0) {
        repairTimer = setInterval(
          () =>
            void repairOnce().catch((error: unknown) =>
              log.error({ err: error }, 'repair pass failed'),
            ),
          repairIntervalMs,
        );
      }
      if (retentionIntervalMs > 0) {
        retentionTimer = setInterval(
          () =>
            void expireUploadsOnce().catch((error: unknown) =>
              log.warn({ err: error }, 'retention pass failed or was skipped'),
            ),
          retentionIntervalMs,
        );
      }
      if (playSubmitIntervalMs > 0) {
        playsTimer = setInterval(submitInBackground, playSubmitIntervalMs);
        // A full batch goes at once rather than at the next tick.
        let counted = 0;
        stopWatchingListens = listens.onWritten((written) => {
          if (written - counted < MAX_PLAYS_PER_BATCH) return;
          counted = written;
          submitInBackground();
        });
        // What an earlier run journaled and did not send goes first.
        submitInBackground();
      }
      // Jobs this node took and did not finish (a crash or a restart) run again.
      for await (const record of uploads.list()) {
        if (record.host === self && (record.status === 'new' || record.status === 'busy'))
          jobs.enqueue(record.id);
      }
    },
    async stop() {
      clearInterval(repairTimer);
      clearInterval(retentionTimer);
      clearInterval(playsTimer);
      stopWatchingListens?.();
      await app.close();
      await jobs.stop();
      await network.stop();
    },
  };
}
