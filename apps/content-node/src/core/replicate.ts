import { placementFor } from '@coliving/protocol';
import type { BlobStore } from '@coliving/storage';
import type { NodeInfo } from './network.js';
import type { PeerClient } from './peerClient.js';

export type ReplicateParameters = {
  store: BlobStore;
  peers: PeerClient;
  self: string;
  nodes: NodeInfo[];
  replicationFactor: number;
  cids: string[];
  onError: (peer: string, cid: string, error: unknown) => void;
};

/**
 * Pushes each blob to the nodes its placement names (DESIGN §7) and returns, per CID, the nodes
 * that now hold it. A node that cannot be reached is skipped: repair will fill it in later.
 */
export async function replicate({
  store,
  peers,
  self,
  nodes,
  replicationFactor,
  cids,
  onError,
}: ReplicateParameters): Promise<Map<string, string[]>> {
  const holders = new Map<string, string[]>();
  const endpoints = nodes.map((n) => n.endpoint);
  if (!endpoints.includes(self)) endpoints.push(self);
  for (const cid of cids) {
    const held: string[] = [];
    for (const node of placementFor(endpoints, cid, replicationFactor)) {
      if (node === self) {
        if (await store.head(cid)) held.push(node);
        continue;
      }
      try {
        await peers.pushBlob(node, cid, await store.get(cid));
        held.push(node);
      } catch (error) {
        onError(node, cid, error);
      }
    }
    holders.set(cid, held);
  }
  return holders;
}
