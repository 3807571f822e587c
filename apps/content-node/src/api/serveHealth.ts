import { statfs } from 'node:fs/promises';
import { DEFAULT_REPLICATION_FACTOR, canonicalJson, cidFromSha256Digest } from '@coliving/protocol';
import type { HealthReport } from '@coliving/server-kit';
import type { BlobStore } from '@coliving/storage';
import { type LocalAccount, keccak256, toBytes } from 'viem';
import { MIN_FREE_DISK_BYTES } from '../constants.js';
import type { JobQueue } from '../core/jobQueue.js';

export type ServeHealthComponents = {
  /** This node's delegate key: signs the report. */
  account: LocalAccount;
  jobs: JobQueue;
  /** Where blobs live: a node that cannot reach it is not healthy (an S3 endpoint down). */
  store: Pick<BlobStore, 'head'>;
  /** What the last repair pass saw of the peers, and did (read on every check). */
  repair: { peerHealth: { endpoint: string; healthy: boolean }[]; last?: object };
  /** Whether journaled plays go to the data chain, and if not, why (read on every check). */
  plays?: () => object;
};

export type ServeHealthInit = {
  /** Where blobs and records live: its free space decides health. */
  dataDir: string;
  version: string;
  /** This node's endpoint, as registered. */
  self: string;
  /** Whether repair passes run (a node that never repairs is never seeding). */
  repairs?: boolean;
};

/** When this process started, for `startedAt`. */
const STARTED_AT = new Date().toISOString();

/** A blob no one stores (the digest of nothing hashed): asking for it tests that the store answers. */
const PROBE_CID = cidFromSha256Digest(new Uint8Array(32));
/** How long the store may take to answer the probe. */
const STORE_PROBE_TIMEOUT_MS = 3_000;
/** How long a probe's answer is reused: health checks come often, from many clients. */
const STORE_PROBE_REUSE_MS = 10_000;

/** The `/health_check` report and its signature, for server-kit's registerHealthCheck. */
export function serveHealth(
  { account, jobs, store, repair, plays }: ServeHealthComponents,
  { dataDir, version, self, repairs = true }: ServeHealthInit,
) {
  let probe: { at: number; answer: Promise<string | undefined> } | undefined;
  /** Undefined when the blob store answers, else why not (reused for STORE_PROBE_REUSE_MS). */
  function storeProblem(): Promise<string | undefined> {
    const now = Date.now();
    if (probe && now - probe.at < STORE_PROBE_REUSE_MS) return probe.answer;
    const answer = store
      .head(PROBE_CID, { signal: AbortSignal.timeout(STORE_PROBE_TIMEOUT_MS) })
      .then(
        () => undefined,
        (error: unknown) =>
          `the blob store did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    probe = { at: now, answer };
    return answer;
  }

  // The keys Audius's content nodes (mediorum) report and its clients read are here under the
  // same names, measured: `healthy`, `diskHasSpace`, `isSeeding`, `version`, `service`,
  // `storagePathSize`/`storagePathUsed`, `transcodeQueueLength`, `self` (docs/content-node.md).
  async function check(): Promise<HealthReport> {
    const [fs, storageProblem] = await Promise.all([statfs(dataDir), storeProblem()]);
    const free = fs.bavail * fs.bsize;
    return {
      healthy: free >= MIN_FREE_DISK_BYTES && storageProblem === undefined,
      diskHasSpace: free >= MIN_FREE_DISK_BYTES,
      storageReachable: storageProblem === undefined,
      ...(storageProblem ? { storageProblem } : {}),
      // Until its first repair pass ends, a node may lack blobs its rank says it holds.
      isSeeding: repairs && repair.last === undefined,
      version,
      service: 'content-node',
      endpoint: self,
      self: { host: self, wallet: account.address },
      delegateWallet: account.address,
      freeDiskBytes: free,
      storagePathSize: fs.blocks * fs.bsize,
      storagePathUsed: (fs.blocks - fs.bfree) * fs.bsize,
      replicationFactor: DEFAULT_REPLICATION_FACTOR,
      startedAt: STARTED_AT,
      queuedJobs: jobs.size,
      // Every queued job is an upload's transcode (processUpload).
      transcodeQueueLength: jobs.size,
      peers: repair.peerHealth,
      ...(repair.last ? { lastRepair: repair.last } : {}),
      ...(plays ? { plays: plays() } : {}),
    };
  }

  // Signed like stream data: personal_sign(keccak256(canonical JSON)), by the delegate key.
  async function sign(report: HealthReport) {
    return {
      signer: account.address,
      signature: await account.signMessage({
        message: { raw: keccak256(toBytes(canonicalJson(report))) },
      }),
    };
  }

  return { check, sign };
}
