import type { UploadRecord } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { FastifyBaseLogger } from 'fastify';
import { PEER_HEALTH_TIMEOUT_MS } from '../constants.js';
import type { AuthRecords } from '../core/authRecords.js';
import type { NetworkView } from '../core/network.js';
import type { PeerClient } from '../core/peerClient.js';
import type { PeerLiveness } from '../core/peerLiveness.js';
import { keepsCopy, placeBlob } from '../core/placement.js';
import type { UploadStore } from '../db/uploadStore.js';
import type { ContentNodeMetrics } from '../metrics.js';

/** A peer's answer to its health check, as the last repair pass saw it. */
export type PeerHealth = { endpoint: string; healthy: boolean };

/** What the last repair pass did, as the health check reports it. */
export type LastRepair = {
  at: string;
  skipped: boolean;
  reason?: string;
  pulled: number;
  dropped: number;
  authRecords: number;
};

/** What repair keeps from one pass to the next. */
export type RepairState = {
  /** When this node first saw each blob it should not hold; cleanup waits the grace after it. */
  surplusSince: Map<string, number>;
  peerHealth: PeerHealth[];
  last?: LastRepair;
};

export type RepairComponents = {
  store: BlobStore;
  uploads: UploadStore;
  peers: PeerClient;
  network: NetworkView;
  /** This node's own view of which peers answer; the health checks here feed it. */
  liveness: PeerLiveness;
  authRecords: AuthRecords;
  /** Keeps a peer's upload record when it is newer (the record sweep). */
  mergeRecord: (value: unknown) => Promise<void>;
  metrics: Pick<
    ContentNodeMetrics,
    | 'repairBlobs'
    | 'repairAuthRecords'
    | 'repairPasses'
    | 'repairBlobsMissing'
    | 'blobStorageBytes'
    | 'blobs'
  >;
  log: FastifyBaseLogger;
  state: RepairState;
};

export type RepairInit = {
  /** This node's endpoint, as registered. */
  self: string;
  replicationFactor: number;
  /** How long a surplus copy is kept before cleanup may drop it. */
  cleanupGraceMs: number;
};

export type RepairReport = { pulled: string[]; dropped: string[] };

/** The blob half's report, with what the metrics read of it. */
type BlobRepairReport = RepairReport & {
  /** Blobs this node should hold and still lacks after the pass (no peer had them). */
  missing: string[];
  /** What the store holds after the pass: blobs and their bytes. */
  stored: { blobs: number; bytes: number };
};

/** What one repair pass did: blobs pulled and dropped, login records whose version changed. */
export type RepairPassReport = RepairReport & { authRecords: string[] };

/**
 * One repair pass and record sweep: checks the peers' health, takes the newer upload records and
 * login records of the healthy ones, then repairs the blobs. Skipped while too few nodes are
 * healthy to tell a missing blob from an unreachable one.
 */
export async function repair(
  c: RepairComponents,
  { self, replicationFactor, cleanupGraceMs }: RepairInit,
): Promise<RepairPassReport> {
  const { network, metrics, state, log } = c;
  const nodes = network.contentNodes();
  state.peerHealth = await checkPeers(network, c.liveness, self);
  // With too few healthy nodes, what looks missing may only be unreachable: pulling would
  // stampede the survivors and cleanup could not confirm copies. Wait for the next pass.
  const healthy = state.peerHealth.filter((p) => p.healthy).length + 1;
  const needed = Math.min(replicationFactor, nodes.length);
  if (healthy < needed) {
    metrics.repairPasses.inc({ outcome: 'skipped' });
    state.last = {
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
    .filter((e) => e !== self && state.peerHealth.find((p) => p.endpoint === e)?.healthy);
  for (const peer of healthyPeers) {
    try {
      for (const record of await c.peers.fetchRecords(peer)) await c.mergeRecord(record);
    } catch (error) {
      log.warn({ err: error, peer }, 'record sweep failed');
    }
  }
  const authChanged = await c.authRecords.repair(healthyPeers);
  metrics.repairAuthRecords.inc(authChanged.length);
  const records: UploadRecord[] = [];
  for await (const record of c.uploads.list()) records.push(record);
  const report = await repairBlobs({
    store: c.store,
    peers: c.peers,
    self,
    endpoints: nodes.map((n) => n.endpoint),
    replicationFactor,
    records,
    isDead: (endpoint) => c.liveness.isDead(endpoint),
    isDown: (endpoint) => c.liveness.isDown(endpoint),
    surplusSince: state.surplusSince,
    graceMs: cleanupGraceMs,
    now: Date.now(),
    onError: (what, error) => log.warn({ err: error }, `repair: ${what} failed`),
  });
  metrics.repairPasses.inc({ outcome: 'ran' });
  metrics.repairBlobs.inc({ action: 'pulled' }, report.pulled.length);
  metrics.repairBlobs.inc({ action: 'dropped' }, report.dropped.length);
  metrics.repairBlobsMissing.set(report.missing.length);
  metrics.blobs.set(report.stored.blobs);
  metrics.blobStorageBytes.set(report.stored.bytes);
  state.last = {
    at: new Date().toISOString(),
    skipped: false,
    pulled: report.pulled.length,
    dropped: report.dropped.length,
    authRecords: authChanged.length,
  };
  return { pulled: report.pulled, dropped: report.dropped, authRecords: authChanged };
}

/**
 * Asks every other content node for its health (a peer that does not answer is unhealthy), and
 * notes in `liveness` which answered at all.
 */
async function checkPeers(
  network: NetworkView,
  liveness: PeerLiveness,
  self: string,
): Promise<PeerHealth[]> {
  return Promise.all(
    network
      .contentNodes()
      .filter((n) => n.endpoint !== self)
      .map(async ({ endpoint }) => {
        try {
          const res = await fetch(`${endpoint}/health_check`, {
            signal: AbortSignal.timeout(PEER_HEALTH_TIMEOUT_MS),
          });
          await res.body?.cancel();
          liveness.answered(endpoint);
          return { endpoint, healthy: res.status === 200 };
        } catch {
          liveness.failed(endpoint);
          return { endpoint, healthy: false };
        }
      }),
  );
}

type RepairBlobsParameters = {
  store: BlobStore;
  peers: PeerClient;
  self: string;
  endpoints: string[];
  replicationFactor: number;
  records: UploadRecord[];
  /** Peers unreachable past the grace: the next live nodes in rank order hold in their place. */
  isDead: (endpoint: string) => boolean;
  /** Peers whose last call failed: not asked for a blob (they would only cost a timeout). */
  isDown: (endpoint: string) => boolean;
  /** When this node first saw each blob it should not hold; cleanup waits `graceMs` after it. */
  surplusSince: Map<string, number>;
  graceMs: number;
  now: number;
  onError: (what: string, error: unknown) => void;
};

/** Every blob the upload records name: originals and job results. */
function blobsOf(records: UploadRecord[]): Set<string> {
  const cids = new Set<string>();
  for (const record of records) {
    if (record.status !== 'done') continue;
    cids.add(record.origFileCid);
    for (const cid of Object.values(record.results)) cids.add(cid);
  }
  return cids;
}

/**
 * The blob half of a pass (docs/design.md §7): pull every blob this node should hold but lacks
 * (it is among the first R live nodes of the blob's ranking), from the other nodes in rank order.
 * A copy is kept while this node holds it or ranks within R + 2; past that it is surplus, and is
 * dropped only once the grace period has passed and every live holder confirms it has the blob,
 * so the last known copy is never dropped.
 */
async function repairBlobs(p: RepairBlobsParameters): Promise<BlobRepairReport> {
  const endpoints = p.endpoints.includes(p.self) ? p.endpoints : [...p.endpoints, p.self];
  const report: BlobRepairReport = {
    pulled: [],
    dropped: [],
    missing: [],
    stored: { blobs: 0, bytes: 0 },
  };
  const known = blobsOf(p.records);
  for (const cid of known) {
    const { ranking, holders } = placeBlob(endpoints, cid, p.replicationFactor, p.isDead);
    if (!holders.includes(p.self) || (await p.store.head(cid))) continue;
    let pulled = false;
    for (const peer of ranking) {
      if (peer === p.self || p.isDown(peer)) continue;
      try {
        const body = await p.peers.fetchBlob(peer, cid);
        if (!body) continue;
        await p.store.put(body, { expectedCid: cid });
        report.pulled.push(cid);
        pulled = true;
        break;
      } catch (error) {
        p.onError(`pull ${cid} from ${peer}`, error);
      }
    }
    if (!pulled) report.missing.push(cid);
  }
  for await (const cid of p.store.list()) {
    // What the store holds, counted on the walk cleanup makes anyway (a stat per file; one HEAD
    // per object on S3, once a pass). A blob dropped below is taken off again.
    const size = (await p.store.head(cid))?.size ?? 0;
    report.stored.blobs++;
    report.stored.bytes += size;
    // Blobs no record names (rendered image variants) are this node's own cache: kept.
    if (!known.has(cid)) continue;
    const placement = placeBlob(endpoints, cid, p.replicationFactor, p.isDead);
    if (keepsCopy(placement, p.self, p.replicationFactor)) {
      p.surplusSince.delete(cid);
      continue;
    }
    const since = p.surplusSince.get(cid) ?? p.now;
    p.surplusSince.set(cid, since);
    if (p.now - since < p.graceMs) continue;
    let confirmed = 0;
    for (const peer of placement.holders) {
      try {
        if (await p.peers.hasBlob(peer, cid)) confirmed++;
      } catch (error) {
        p.onError(`check ${cid} on ${peer}`, error);
      }
    }
    if (confirmed === placement.holders.length && confirmed > 0) {
      await p.store.delete(cid);
      p.surplusSince.delete(cid);
      report.dropped.push(cid);
      report.stored.blobs--;
      report.stored.bytes -= size;
    }
  }
  return report;
}
