import type { BlobStore } from '@coliving/storage';
import type { NodeInfo } from '../core/network.js';
import type { PeerClient } from '../core/peerClient.js';
import { placeBlob } from '../core/placement.js';

export type ReplicateParameters = {
  store: BlobStore;
  peers: PeerClient;
  self: string;
  nodes: NodeInfo[];
  replicationFactor: number;
  cids: string[];
  /** Peers unreachable past the grace: skipped, so the next live nodes take their copies. */
  isDead: (endpoint: string) => boolean;
  onError: (peer: string, cid: string, error: unknown) => void;
};

/**
 * Pushes each blob to the live nodes its placement names (docs/design.md §7) and returns, per CID, the nodes
 * that now hold it. A node that cannot be reached is skipped: repair will fill it in later.
 */
export async function replicate({
  store,
  peers,
  self,
  nodes,
  replicationFactor,
  cids,
  isDead,
  onError,
}: ReplicateParameters): Promise<Map<string, string[]>> {
  const endpoints = nodes.map((n) => n.endpoint);
  if (!endpoints.includes(self)) endpoints.push(self);
  // Every blob to every node at once: the pushes wait on the network and the peers' disks, not
  // on each other.
  const pushed = await Promise.all(
    cids.map(async (cid) => {
      const targets = placeBlob(endpoints, cid, replicationFactor, isDead).holders;
      const held = await Promise.all(
        targets.map(async (node) => {
          if (node === self) return (await store.head(cid)) ? node : undefined;
          try {
            await peers.pushBlob(node, cid, await store.get(cid));
            return node;
          } catch (error) {
            onError(node, cid, error);
            return undefined;
          }
        }),
      );
      return [cid, held.filter((n): n is string => n !== undefined)] as const;
    }),
  );
  return new Map(pushed);
}
