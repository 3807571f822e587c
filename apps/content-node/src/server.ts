import { mkdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import multipart, { type MultipartFile } from '@fastify/multipart';
import {
  BaseError,
  DEFAULT_REPLICATION_FACTOR,
  ForbiddenError,
  canonicalJson,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
  parseCid,
  verifyRequestSignature,
} from '@coliving/protocol';
import {
  BufferPool,
  type Logger,
  createApp,
  registerHealthCheck,
  registerMetrics,
} from '@coliving/server-kit';
import { Counter, Histogram } from 'prom-client';
import { type BlobStore, type StagedBlob, resolveRange } from '@coliving/storage';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type LocalAccount, keccak256, toBytes } from 'viem';
import {
  AUTH_RECORDS_PAGE_SIZE,
  DEFAULT_AUTH_WRITES_PER_HOUR,
  DEFAULT_CLEANUP_GRACE_MS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_REPAIR_INTERVAL_MS,
  DEFAULT_TRANSCODE_WORKERS,
  DEFAULT_UPLOADS_PER_HOUR,
  MIN_FREE_DISK_BYTES,
  PEER_HEALTH_TIMEOUT_MS,
} from './constants.js';
import type { FfmpegBinaries } from './core/ffmpegBinaries.js';
import { createAuthRecords } from './core/authRecords.js';

import { parseRangeHeader } from './core/httpRange.js';
import { createPeerClient } from './core/peerClient.js';
import { type RepairReport, repair } from './core/repair.js';
import { replicate } from './core/replicate.js';
import { IMAGE_VARIANTS, isImageVariant, probeImage, renderImageVariant } from './core/images.js';
import { type JobQueue, createJobQueue } from './core/jobQueue.js';
import { type NetworkView, type NodeInfo, canonicalEndpoint } from './core/network.js';
import { jobDirOf, linkOriginal, processUpload } from './core/processUpload.js';
import { createRateLimiter } from './core/rateLimiter.js';
import { sniffContentType } from './core/sniffContentType.js';
import { createStreamSignatureVerifier } from './core/streamSignatureCache.js';
import { probeAudio } from './core/transcode.js';
import { VariantIndex } from './core/variantIndex.js';
import { AuthStore, parseAuthRecordInput, parseLookupKey } from './db/authStore.js';
import type { ListenJournal } from './db/listenJournal.js';
import {
  type UploadRecord,
  type UploadTemplate,
  UploadStore,
  newUploadId,
  parseUploadId,
  parseUploadRecord,
} from './db/uploadStore.js';

export type ContentNodeComponents = {
  /** This node's delegate key: signs node-to-node calls. */
  account: LocalAccount;
  store: BlobStore;
  listens: ListenJournal;
  network: NetworkView;
  ffmpeg: FfmpegBinaries;
  logger: Logger | false;
};

export type ContentNodeInit = {
  /** This node's endpoint, as registered. */
  publicUrl: string;
  /** Where upload records, job files and caches live. */
  dataDir: string;
  version: string;
  maxUploadBytes?: number;
  uploadsPerHour?: number;
  /** Login record writes (creates, replaces, deletes) one wallet may make per hour. */
  authWritesPerHour?: number;
  transcodeWorkers?: number;
  replicationFactor?: number;
  /** How often repair and the record sweep run; 0 turns the timer off (tests run passes by hand). */
  repairIntervalMs?: number;
  /** How long a surplus copy is kept before cleanup may drop it. */
  cleanupGraceMs?: number;
};

/** What one repair pass did: blobs pulled and dropped, login records whose version changed. */
export type RepairPassReport = RepairReport & { authRecords: string[] };

export type ContentNode = {
  app: FastifyInstance;
  uploads: UploadStore;
  /** Hedgehog login records this node holds (tombstones included). */
  auth: AuthStore;
  jobs: JobQueue;
  /** One repair pass and record sweep (the timer runs them every repairIntervalMs). */
  repairOnce(): Promise<RepairPassReport>;
  /** Resumes unfinished jobs and starts taking requests (call app.listen after). */
  start(): Promise<void>;
  stop(): Promise<void>;
};

const TEMPLATES: readonly UploadTemplate[] = ['audio', 'img_square', 'img_backdrop'];
/** Stream ranges up to this size are read whole and sent in one write; longer ones stream. */
const MAX_BUFFERED_RANGE_BYTES = 1024 * 1024;

/**
 * A content node: uploads and their jobs, content and stream serving. All routes are here, each
 * with what guards it on its line.
 */
export async function createContentNode(
  components: ContentNodeComponents,
  init: ContentNodeInit,
): Promise<ContentNode> {
  const { account, store, listens, network, ffmpeg, logger } = components;
  const self = canonicalEndpoint(init.publicUrl);
  const replicationFactor = init.replicationFactor ?? DEFAULT_REPLICATION_FACTOR;
  const peers = createPeerClient(account);
  const surplusSince = new Map<string, number>();
  let repairTimer: NodeJS.Timeout | undefined;
  const maxUploadBytes = init.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const maxBytes = maxUploadBytes * 2;
  const jobsDir = join(init.dataDir, 'jobs');
  await mkdir(jobsDir, { recursive: true });
  const uploads = await UploadStore.open(join(init.dataDir, 'uploads'));
  const auth = await AuthStore.open(join(init.dataDir, 'auth'));
  const variants = await VariantIndex.open(join(init.dataDir, 'variants.json'));
  const verifyStream = createStreamSignatureVerifier();
  const buffers = new BufferPool(64 * 1024, MAX_BUFFERED_RANGE_BYTES);
  const uploadLimiter = createRateLimiter({
    limit: init.uploadsPerHour ?? DEFAULT_UPLOADS_PER_HOUR,
    windowMs: 3_600_000,
    what: 'uploads',
  });
  const authLimiter = createRateLimiter({
    limit: init.authWritesPerHour ?? DEFAULT_AUTH_WRITES_PER_HOUR,
    windowMs: 3_600_000,
    what: 'login record writes',
  });

  const app = createApp({ logger });
  const log = app.log;
  const authRecords = createAuthRecords(
    { store: auth, peers, network },
    {
      self,
      replicationFactor,
      onError: (what, error) => log.warn({ err: error }, `login records: ${what} failed`),
    },
  );
  /** Pushes blobs to the nodes their placement names; a failed push is left to repair. */
  const pushToPlacement = async (cids: string[]): Promise<void> => {
    await replicate({
      store,
      peers,
      self,
      nodes: network.contentNodes(),
      replicationFactor,
      cids,
      onError: (peer, cid, error) =>
        log.warn({ err: error, peer, cid }, 'push to a replica failed; repair will retry'),
    });
  };

  const jobs = createJobQueue({
    concurrency: init.transcodeWorkers ?? DEFAULT_TRANSCODE_WORKERS,
    run: async (id, signal) => {
      const started = performance.now();
      try {
        await processUpload(
          {
            store,
            uploads,
            ffmpeg,
            jobsDir,
            replicateOriginal: async (cid) => {
              await pushToPlacement([cid]);
            },
            beforeDone: async (results) => {
              await indexVariants(results);
              // The original went out while the job transcoded (replicateOriginal).
              await pushToPlacement(
                [...new Set(Object.values(results))].filter((cid) => cid !== results.original),
              );
            },
            // Peers learn the outcome before this node records it, so that once the uploader
            // answers `done` (or `error`) every reachable node answers the same.
            publish: shareRecord,
          },
          id,
          signal,
        );
      } finally {
        const record = await uploads.get(id);
        if (record.status === 'done' || record.status === 'error') {
          uploadsCounter.inc({ template: record.template, outcome: record.status });
          transcodeSeconds.observe(
            { template: record.template },
            (performance.now() - started) / 1000,
          );
        } else {
          // A stop leaves the upload busy; peers learn that too.
          await shareRecord(record);
        }
      }
    },
    onError: (id, error) => log.warn({ err: error, upload: id }, 'upload job failed'),
  });

  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 10, fields: 10, fieldSize: 1024, parts: 20 },
  });
  const metrics = registerMetrics(app, { prefix: 'coliving_content_node_' });
  const uploadsCounter = new Counter({
    name: 'coliving_content_node_uploads_total',
    help: 'Uploads by template and outcome (accepted, done, error)',
    labelNames: ['template', 'outcome'] as const,
    registers: [metrics],
  });
  const transcodeSeconds = new Histogram({
    name: 'coliving_content_node_transcode_seconds',
    help: 'Time to process an upload job, by template',
    labelNames: ['template'] as const,
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers: [metrics],
  });
  const bytesServed = new Counter({
    name: 'coliving_content_node_stream_bytes_total',
    help: 'Audio bytes served on the stream route',
    registers: [metrics],
  });
  const listensLost = new Counter({
    name: 'coliving_content_node_listens_lost_total',
    help: 'Listens that could not be written to the journal',
    registers: [metrics],
  });
  const repairBlobs = new Counter({
    name: 'coliving_content_node_repair_blobs_total',
    help: 'Blobs pulled or dropped by repair',
    labelNames: ['action'] as const,
    registers: [metrics],
  });
  const repairAuthRecords = new Counter({
    name: 'coliving_content_node_repair_auth_records_total',
    help: 'Login record versions pulled by repair',
    registers: [metrics],
  });
  const repairPasses = new Counter({
    name: 'coliving_content_node_repair_passes_total',
    help: 'Repair passes by outcome (ran, skipped)',
    labelNames: ['outcome'] as const,
    registers: [metrics],
  });

  /** What the last repair pass saw: peers' health and what it did. */
  let lastRepair:
    | {
        at: string;
        skipped: boolean;
        reason?: string;
        pulled: number;
        dropped: number;
        authRecords: number;
      }
    | undefined;
  let peerHealth: { endpoint: string; healthy: boolean }[] = [];

  registerHealthCheck(app, {
    check: async () => {
      const fs = await statfs(init.dataDir);
      const free = fs.bavail * fs.bsize;
      return {
        healthy: free >= MIN_FREE_DISK_BYTES,
        diskHasSpace: free >= MIN_FREE_DISK_BYTES,
        version: init.version,
        endpoint: self,
        delegateWallet: account.address,
        freeDiskBytes: free,
        queuedJobs: jobs.size,
        peers: peerHealth,
        ...(lastRepair ? { lastRepair } : {}),
      };
    },
    // Signed like stream data: personal_sign(keccak256(canonical JSON)), by the delegate key.
    sign: async (report) => ({
      signer: account.address,
      signature: await account.signMessage({
        message: { raw: keccak256(toBytes(canonicalJson(report))) },
      }),
    }),
  });

  /** Remembers the variant blobs an image job made, so /content/:cid/:variant serves them as they are. */
  async function indexVariants(results: Record<string, string>): Promise<void> {
    const original = results.original;
    if (!original) return;
    for (const [name, cid] of Object.entries(results)) {
      if (
        name !== original &&
        (isImageVariant('img_square', name) || isImageVariant('img_backdrop', name))
      ) {
        await variants.set(original, name, cid);
      }
    }
  }

  /** Stores a peer's record when it is newer, and learns its image variants. */
  async function mergeRecord(value: unknown): Promise<void> {
    const record = parseUploadRecord(value);
    if (await uploads.merge(record)) await indexVariants(record.results);
  }

  /** Sends a record to every other content node, so any node can answer for the upload. */
  async function shareRecord(record: UploadRecord): Promise<void> {
    for (const node of network.contentNodes()) {
      if (node.endpoint === self) continue;
      await peers
        .pushRecord(node.endpoint, record)
        .catch((error: unknown) =>
          log.warn({ err: error, peer: node.endpoint }, 'sharing an upload record failed'),
        );
    }
  }

  /**
   * Node-to-node routes answer only registered content nodes, by their delegate wallet; returns
   * the calling node.
   */
  async function requirePeer(request: {
    headers: Record<string, string | string[] | undefined>;
    method: string;
    url: string;
  }): Promise<NodeInfo> {
    const wallet = await verifyRequestSignature({
      headers: request.headers,
      method: request.method,
      path: request.url,
    });
    const node = network.contentNodeByWallet(wallet);
    if (!node) {
      throw new ForbiddenError('Only registered content nodes may call this', {
        code: 'unknown_node',
      });
    }
    return node;
  }

  /** Asks every other content node for its health (a peer that does not answer is unhealthy). */
  async function checkPeers(): Promise<{ endpoint: string; healthy: boolean }[]> {
    return Promise.all(
      network
        .contentNodes()
        .filter((n) => n.endpoint !== self)
        .map(async ({ endpoint }) => {
          try {
            const res = await fetch(`${endpoint}/health_check`, {
              signal: AbortSignal.timeout(PEER_HEALTH_TIMEOUT_MS),
            });
            return { endpoint, healthy: res.status === 200 };
          } catch {
            return { endpoint, healthy: false };
          }
        }),
    );
  }

  async function repairOnce(): Promise<RepairPassReport> {
    const nodes = network.contentNodes();
    peerHealth = await checkPeers();
    // With too few healthy nodes, what looks missing may only be unreachable: pulling would
    // stampede the survivors and cleanup could not confirm copies. Wait for the next pass.
    const healthy = peerHealth.filter((p) => p.healthy).length + 1;
    const needed = Math.min(replicationFactor, nodes.length);
    if (healthy < needed) {
      repairPasses.inc({ outcome: 'skipped' });
      lastRepair = {
        at: new Date().toISOString(),
        skipped: true,
        reason: `${healthy} of ${needed} needed nodes healthy`,
        pulled: 0,
        dropped: 0,
        authRecords: 0,
      };
      return { pulled: [], dropped: [], authRecords: [] };
    }
    const healthyPeers = nodes
      .map((n) => n.endpoint)
      .filter((e) => e !== self && peerHealth.find((p) => p.endpoint === e)?.healthy);
    for (const peer of healthyPeers) {
      try {
        for (const record of await peers.fetchRecords(peer)) await mergeRecord(record);
      } catch (error) {
        log.warn({ err: error, peer }, 'record sweep failed');
      }
    }
    const authChanged = await authRecords.repair(healthyPeers);
    repairAuthRecords.inc(authChanged.length);
    const records: UploadRecord[] = [];
    for await (const record of uploads.list()) records.push(record);
    const report = await repair({
      store,
      peers,
      self,
      endpoints: nodes.map((n) => n.endpoint),
      replicationFactor,
      records,
      surplusSince,
      graceMs: init.cleanupGraceMs ?? DEFAULT_CLEANUP_GRACE_MS,
      now: Date.now(),
      onError: (what, error) => log.warn({ err: error }, `repair: ${what} failed`),
    });
    repairPasses.inc({ outcome: 'ran' });
    repairBlobs.inc({ action: 'pulled' }, report.pulled.length);
    repairBlobs.inc({ action: 'dropped' }, report.dropped.length);
    lastRepair = {
      at: new Date().toISOString(),
      skipped: false,
      pulled: report.pulled.length,
      dropped: report.dropped.length,
      authRecords: authChanged.length,
    };
    return { ...report, authRecords: authChanged };
  }

  // ------------------------------------------------------------------ node to node

  // Blobs arrive as raw streams; store.put verifies them against their CID as they stream.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
    done(null, payload),
  );

  app.put<{ Params: { cid: string } }>(
    '/internal/blobs/:cid',
    async function serveBlobPush(request, reply) {
      await requirePeer(request);
      const cid = parseCid(request.params.cid);
      await store.put(request.body as AsyncIterable<Uint8Array>, { expectedCid: cid, maxBytes });
      return reply.status(204).send();
    },
  );

  app.route<{ Params: { cid: string } }>({
    method: ['GET', 'HEAD'],
    url: '/internal/blobs/:cid',
    exposeHeadRoute: false,
    handler: async function serveBlob(request, reply) {
      await requirePeer(request);
      const cid = parseCid(request.params.cid);
      const info = await store.head(cid);
      if (!info) throw new NotFoundError(`Blob ${cid} not found`);
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(info.size));
      return request.method === 'HEAD' ? reply.send() : reply.send(await store.get(cid));
    },
  });

  app.post('/internal/uploads', async function serveRecordPush(request, reply) {
    await requirePeer(request);
    await mergeRecord(request.body);
    return reply.status(204).send();
  });

  app.get('/internal/uploads', async function serveRecords(request) {
    await requirePeer(request);
    const data: UploadRecord[] = [];
    for await (const record of uploads.list()) data.push(record);
    return { data };
  });

  app.post('/internal/authentication', async function serveAuthRecordPush(request, reply) {
    await requirePeer(request);
    await authRecords.merge(request.body);
    return reply.status(204).send();
  });

  app.get<{ Params: { lookupKey: string } }>(
    '/internal/authentication/:lookupKey',
    async function serveAuthRecordCopy(request) {
      await requirePeer(request);
      // This node's own copy only (a tombstone included): the asking node merges the answers.
      const record = await auth.find(parseLookupKey(request.params.lookupKey));
      if (!record) throw new NotFoundError('No login record for this lookupKey here');
      return { data: record };
    },
  );

  app.get<{ Querystring: { after?: string } }>(
    '/internal/authentication',
    async function serveAuthRecords(request) {
      const caller = await requirePeer(request);
      const after =
        request.query.after === undefined ? undefined : parseLookupKey(request.query.after);
      // Only what the caller should hold: repair pulls a node's share, not every record.
      return authRecords.page(caller.endpoint, after, AUTH_RECORDS_PAGE_SIZE);
    },
  );

  // ------------------------------------------------------------------ uploads

  /**
   * Stages one uploaded file (hashed as it arrives), checks it is what its template says, gives
   * its job a link to it, stores it and records it.
   */
  async function acceptFile(
    part: MultipartFile,
    template: UploadTemplate,
    previewStartSeconds: number | undefined,
    wallet: string,
  ): Promise<UploadRecord> {
    let bodyError: unknown;
    part.file.once('error', (error) => (bodyError = error));
    let staged: StagedBlob;
    try {
      staged = await store.stage(part.file);
    } catch (error) {
      // The upload stream itself failed (the body broke off mid-file): the client's fault,
      // unless it is the size limit's 413. Anything else (a full disk) stays a server error.
      if (
        bodyError !== undefined &&
        error === bodyError &&
        !(error as { statusCode?: number }).statusCode
      ) {
        throw new ValidationError('The multipart body is malformed or ended early', {
          code: 'malformed_multipart',
          cause: error,
        });
      }
      throw error;
    }
    const id = newUploadId();
    const jobDir = jobDirOf(jobsDir, id);
    let accepted = false;
    try {
      if (part.file.truncated) {
        throw new PayloadTooLargeError(`Uploads are limited to ${maxUploadBytes} bytes`);
      }
      if (template === 'audio') await probeAudio(ffmpeg, staged.path);
      else await probeImage(staged.path);
      await mkdir(jobDir, { recursive: true });
      await linkOriginal(staged.path, jobDir);
      await staged.commit();
      const now = new Date().toISOString();
      const record: UploadRecord = {
        id,
        template,
        wallet,
        host: self,
        status: 'new',
        origFileName: (part.filename || 'upload').slice(0, 255),
        origFileCid: staged.cid,
        size: staged.size,
        ...(template === 'audio' && previewStartSeconds !== undefined
          ? { previewStartSeconds }
          : {}),
        results: {},
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      await uploads.put(record);
      accepted = true;
      return record;
    } finally {
      await staged.discard();
      if (!accepted) await rm(jobDir, { recursive: true, force: true });
    }
  }

  app.post('/uploads', async function serveUploadCreate(request, reply) {
    const wallet = await verifyRequestSignature({
      headers: request.headers,
      method: 'POST',
      path: '/uploads',
    });
    uploadLimiter.take(wallet);
    if (!request.isMultipart()) {
      throw new ValidationError('Send the upload as multipart/form-data', {
        code: 'not_multipart',
      });
    }
    let template: UploadTemplate | undefined;
    let previewStartSeconds: number | undefined;
    const created: UploadRecord[] = [];
    let failure: Error | undefined;
    try {
      for await (const part of request.parts()) {
        // After a failure the rest of the body is read and dropped, so the client gets the error
        // instead of a reset connection.
        if (failure !== undefined) {
          if (part.type === 'file') part.file.resume();
          continue;
        }
        try {
          if (part.type === 'field') {
            const value = String(part.value);
            if (part.fieldname === 'template') {
              if (!(TEMPLATES as readonly string[]).includes(value)) {
                throw new ValidationError(`template must be one of ${TEMPLATES.join(', ')}`, {
                  code: 'invalid_template',
                });
              }
              template = value as UploadTemplate;
            } else if (part.fieldname === 'previewStartSeconds') {
              const n = Number(value);
              if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
                throw new ValidationError(
                  'previewStartSeconds must be a number of seconds, 0 or more',
                  {
                    code: 'invalid_preview_start',
                  },
                );
              }
              previewStartSeconds = n;
            } else {
              throw new ValidationError(`Unknown field "${part.fieldname.slice(0, 40)}"`, {
                code: 'unknown_field',
              });
            }
            continue;
          }
          if (part.fieldname !== 'files')
            throw new ValidationError('Files go in the "files" field', { code: 'unknown_field' });
          if (!template)
            throw new ValidationError('Send the template field before the files', {
              code: 'template_first',
            });
          created.push(await acceptFile(part, template, previewStartSeconds, wallet));
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          if (part.type === 'file') part.file.resume();
        }
      }
    } catch (error) {
      // The body itself broke off or is not multipart (busboy's errors): a client error, unless
      // it already is one of ours or fastify's (a 413 past the size limit).
      failure ??=
        error instanceof BaseError || (error as { statusCode?: number }).statusCode
          ? (error as Error)
          : new ValidationError('The multipart body is malformed or ended early', {
              code: 'malformed_multipart',
              cause: error,
            });
    }
    if (failure !== undefined) {
      // All or nothing: the files of a failed upload leave no records behind.
      for (const record of created) {
        await uploads.remove(record.id);
        await rm(jobDirOf(jobsDir, record.id), { recursive: true, force: true });
      }
      throw failure;
    }
    if (created.length === 0)
      throw new ValidationError('No files in the upload', { code: 'no_files' });
    for (const record of created) {
      uploadsCounter.inc({ template: record.template, outcome: 'accepted' });
      jobs.enqueue(record.id);
      void shareRecord(record);
    }
    return reply.status(201).send({ data: created });
  });

  app.get<{ Params: { id: string } }>('/uploads/:id', async function serveUpload(request) {
    return { data: await uploads.get(parseUploadId(request.params.id)) };
  });

  // ------------------------------------------------------------------ login records (Hedgehog)

  app.post(
    '/authentication',
    { bodyLimit: 8 * 1024 },
    async function serveAuthRecordWrite(request, reply) {
      const wallet = await verifyRequestSignature({
        headers: request.headers,
        method: 'POST',
        path: '/authentication',
      });
      authLimiter.take(wallet);
      const record = await authRecords.write(wallet, parseAuthRecordInput(request.body));
      return reply.status(201).send({ data: record });
    },
  );

  app.get<{ Params: { lookupKey: string } }>(
    '/authentication/:lookupKey',
    async function serveAuthRecord(request, reply) {
      const record = await authRecords.get(parseLookupKey(request.params.lookupKey));
      // A record can be replaced or deleted at any time: never cached on the way.
      return reply.header('cache-control', 'no-store').send({ data: record });
    },
  );

  app.delete<{ Params: { lookupKey: string } }>(
    '/authentication/:lookupKey',
    async function serveAuthRecordDelete(request, reply) {
      const lookupKey = parseLookupKey(request.params.lookupKey);
      const wallet = await verifyRequestSignature({
        headers: request.headers,
        method: 'DELETE',
        path: `/authentication/${lookupKey}`,
      });
      authLimiter.take(wallet);
      await authRecords.remove(wallet, lookupKey);
      return reply.status(204).send();
    },
  );

  // ------------------------------------------------------------------ content (images, JSON)

  /** A blob's size and first bytes (enough to tell its type). */
  async function sniff(cid: string): Promise<{ size: number; head: Uint8Array }> {
    const info = await store.head(cid);
    if (!info) throw new NotFoundError(`Blob ${cid} not found`);
    if (info.size === 0) return { size: 0, head: new Uint8Array() };
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(cid, { range: { start: 0, end: 15 } }))
      chunks.push(Buffer.from(chunk));
    return { size: info.size, head: Buffer.concat(chunks) };
  }

  app.get<{ Params: { cid: string } }>(
    '/content/:cid',
    async function serveContent(request, reply) {
      const cid = parseCid(request.params.cid);
      const { size, head } = await sniff(cid);
      const type = sniffContentType(head);
      // Audio is only ever served through the signed stream route.
      if (!type)
        throw new ForbiddenError(
          'Only images and JSON are served here; stream audio through /tracks/cidstream',
          { code: 'not_content' },
        );
      return reply
        .header('content-type', type)
        .header('content-length', String(size))
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(await store.get(cid));
    },
  );

  app.get<{ Params: { cid: string; variant: string } }>(
    '/content/:cid/:variant',
    async function serveImageVariant(request, reply) {
      const cid = parseCid(request.params.cid);
      const variant = request.params.variant.replace(/\.jpg$/, '');
      if (!isImageVariant('img_square', variant) && !isImageVariant('img_backdrop', variant)) {
        throw new ValidationError(
          `Unknown variant; use one of ${[...IMAGE_VARIANTS.img_square, ...IMAGE_VARIANTS.img_backdrop].join(', ')}`,
          { code: 'invalid_variant' },
        );
      }
      let variantCid = variants.get(cid, variant);
      if (!variantCid || !(await store.head(variantCid))) {
        const type = sniffContentType((await sniff(cid)).head);
        if (!type?.startsWith('image/'))
          throw new ForbiddenError('Variants exist only for images', { code: 'not_an_image' });
        const chunks: Buffer[] = [];
        for await (const chunk of await store.get(cid)) chunks.push(Buffer.from(chunk));
        const rendered = await renderImageVariant(Buffer.concat(chunks), variant);
        variantCid = (
          await store.put(
            (async function* () {
              yield rendered;
            })(),
          )
        ).cid;
        await variants.set(cid, variant, variantCid);
      }
      const info = await store.head(variantCid);
      return reply
        .header('content-type', 'image/jpeg')
        .header('content-length', String(info?.size ?? 0))
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(await store.get(variantCid));
    },
  );

  // ------------------------------------------------------------------ streams (signed)

  async function serveStream(
    request: {
      params: { cid: string };
      query: { signature?: string };
      headers: Record<string, string | string[] | undefined>;
      method: string;
    },
    reply: FastifyReply,
  ) {
    const cid = parseCid(request.params.cid);
    const { signer, data } = await verifyStream(request.query.signature, cid);
    if (!network.isDiscoverySigner(signer)) {
      throw new ForbiddenError('The stream was not signed by a registered discovery node', {
        code: 'unknown_signer',
      });
    }
    const rangeHeader =
      typeof request.headers.range === 'string' ? request.headers.range : undefined;
    const range = parseRangeHeader(rangeHeader);
    const lent: Buffer[] = [];
    const lend = (length: number): Uint8Array => {
      const buffer = buffers.take(length);
      lent.push(buffer);
      return buffer.subarray(0, length);
    };
    // One lookup gives the size, the range (a range past the end is a 416 before anything is
    // sent, for HEAD as for GET) and, for GET, the bytes.
    let size: number, start: number, end: number;
    let body: AsyncIterable<Uint8Array> | undefined;
    if (request.method === 'HEAD') {
      const info = await store.head(cid);
      if (!info) throw new NotFoundError(`Blob ${cid} not found`);
      size = info.size;
      ({ start, end } = resolveRange(range, size));
    } else {
      ({ size, start, end, body } = await store.read(cid, { range, allocate: lend }));
      if (start === 0) {
        // A listen is journaled in the background (group commit); the stream does not wait for
        // the disk. A failed write is logged and counted, never silently dropped.
        listens
          .record({
            cid,
            trackId: data.trackId,
            ...(data.userId ? { userId: data.userId } : {}),
            at: Date.now(),
          })
          .catch((error: unknown) => {
            listensLost.inc();
            log.error({ err: error, cid }, 'a listen could not be journaled');
          });
      }
    }
    const length = Math.max(0, end - start + 1);
    reply
      .header('accept-ranges', 'bytes')
      .header('content-type', 'audio/mpeg')
      .header('content-length', String(length))
      .header('cache-control', 'private, max-age=3600');
    if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    if (body === undefined) return reply.send();
    bytesServed.inc(length);
    if (length > MAX_BUFFERED_RANGE_BYTES) {
      // A long range (a whole-file download) streams, at the pace the client takes it.
      lent.length = 0;
      return reply.send(Readable.from(body, { objectMode: false }));
    }
    // A player's range is read whole into lent buffers and sent in one write; the buffers go
    // back to the pool once the response has finished (not if it was cut off midway).
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const payload =
      chunks.length === 1
        ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength)
        : Buffer.concat(chunks);
    const borrowed = lent.splice(0);
    if (borrowed.length > 0) {
      reply.raw.once('finish', () => {
        for (const buffer of borrowed) buffers.give(buffer);
      });
    }
    return reply.send(payload);
  }

  app.route<{ Params: { cid: string }; Querystring: { signature?: string } }>({
    method: ['GET', 'HEAD'],
    url: '/tracks/cidstream/:cid',
    exposeHeadRoute: false,
    handler: serveStream,
  });

  return {
    app,
    uploads,
    auth,
    jobs,
    repairOnce,
    async start() {
      await network.start();
      if ((init.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS) > 0) {
        repairTimer = setInterval(
          () =>
            void repairOnce().catch((error: unknown) =>
              log.error({ err: error }, 'repair pass failed'),
            ),
          init.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS,
        );
      }
      // Jobs this node took and did not finish (a crash or a restart) run again.
      for await (const record of uploads.list()) {
        if (record.host === self && (record.status === 'new' || record.status === 'busy'))
          jobs.enqueue(record.id);
      }
    },
    async stop() {
      clearInterval(repairTimer);
      await app.close();
      await jobs.stop();
      await network.stop();
    },
  };
}
