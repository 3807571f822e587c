import { placementFor, rankNodes } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { UploadRecord } from '../db/uploadStore.js';
import type { PeerClient } from './peerClient.js';

export type RepairParameters = {
  store: BlobStore;
  peers: PeerClient;
  self: string;
  endpoints: string[];
  replicationFactor: number;
  records: UploadRecord[];
  /** When this node first saw each blob it should not hold; cleanup waits `graceMs` after it. */
  surplusSince: Map<string, number>;
  graceMs: number;
  now: number;
  onError: (what: string, error: unknown) => void;
};

export type RepairReport = { pulled: string[]; dropped: string[] };

/** Every blob the upload records name: originals and job results. */
export function blobsOf(records: UploadRecord[]): Set<string> {
  const cids = new Set<string>();
  for (const record of records) {
    if (record.status !== 'done') continue;
    cids.add(record.origFileCid);
    for (const cid of Object.values(record.results)) cids.add(cid);
  }
  return cids;
}

/**
 * One repair pass (DESIGN §7): pull every blob this node should hold but lacks, from the other
 * nodes in rank order; drop a blob it should not hold only once the grace period has passed and
 * every node that should hold it confirms it does, so the last known copy is never dropped.
 */
export async function repair(p: RepairParameters): Promise<RepairReport> {
  const endpoints = p.endpoints.includes(p.self) ? p.endpoints : [...p.endpoints, p.self];
  const report: RepairReport = { pulled: [], dropped: [] };
  const known = blobsOf(p.records);
  for (const cid of known) {
    const placement = placementFor(endpoints, cid, p.replicationFactor);
    if (!placement.includes(p.self) || (await p.store.head(cid))) continue;
    for (const peer of rankNodes(endpoints, cid)) {
      if (peer === p.self) continue;
      try {
        const body = await p.peers.fetchBlob(peer, cid);
        if (!body) continue;
        await p.store.put(body, { expectedCid: cid });
        report.pulled.push(cid);
        break;
      } catch (error) {
        p.onError(`pull ${cid} from ${peer}`, error);
      }
    }
  }
  for await (const cid of p.store.list()) {
    // Blobs no record names (rendered image variants) are this node's own cache: kept.
    if (!known.has(cid)) continue;
    const placement = placementFor(endpoints, cid, p.replicationFactor);
    if (placement.includes(p.self)) {
      p.surplusSince.delete(cid);
      continue;
    }
    const since = p.surplusSince.get(cid) ?? p.now;
    p.surplusSince.set(cid, since);
    if (p.now - since < p.graceMs) continue;
    let confirmed = 0;
    for (const peer of placement) {
      try {
        if (await p.peers.hasBlob(peer, cid)) confirmed++;
      } catch (error) {
        p.onError(`check ${cid} on ${peer}`, error);
      }
    }
    if (confirmed === placement.length && confirmed > 0) {
      await p.store.delete(cid);
      p.surplusSince.delete(cid);
      report.dropped.push(cid);
    }
  }
  return report;
}
