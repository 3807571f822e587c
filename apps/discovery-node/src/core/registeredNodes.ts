// The registered nodes' endpoints as /health_check reports them, kept in memory: the health check
// is what load balancers and SDKs probe to decide whether this node serves, so it must answer
// while every database connection is busy with API reads (under 200 concurrent readers a query
// waited about 0.3–0.5 s for a connection, and the health check asked two; bench/RESULTS.md).
// NodeRegistry changes only through the eth indexer, which reads the list again after each of its
// passes that indexed blocks (server.ts), so what is kept is never older than the block the
// health check reports as indexed.
import type { Kysely } from 'kysely';
import { listNodes } from '../db/nodes.js';
import type { DB } from '../db/schema.js';

/**
 * A content node as Audius's health check lists it (the Audius SDK's `StorageNode`): the SDK's
 * storage-node selector ranks `endpoint`s; `delegateOwnerWallet` signs for the node.
 */
export type ListedContentNode = {
  endpoint: string;
  delegateOwnerWallet: string;
  owner: string;
  spID: number;
  type: 'content-node';
};

/** A discovery node as Audius's `discovery_nodes_with_owner` lists it. */
export type ListedDiscoveryNode = {
  endpoint: string;
  delegateOwnerWallet: string;
  ownerWallet: string;
};

/**
 * The registered nodes by service type, in node id order, as the health check's `network` field
 * has them (Audius's shape): content nodes as objects, discovery nodes as endpoints and as objects.
 */
export type NodeEndpoints = {
  content_nodes: ListedContentNode[];
  discovery_nodes: string[];
  discovery_nodes_with_owner: ListedDiscoveryNode[];
};

export type RegisteredNodes = {
  /** The endpoints as last read; the first call reads them when nothing has yet. */
  endpoints(): Promise<NodeEndpoints>;
  /** Reads the endpoints again, unless they were read at this eth block already. */
  refresh(ethBlock: number | undefined): Promise<void>;
};

export function registeredNodes(db: Kysely<DB>): RegisteredNodes {
  let current: NodeEndpoints | undefined;
  let first: Promise<NodeEndpoints> | undefined;
  let readAtBlock: number | undefined;
  const read = async (): Promise<NodeEndpoints> => {
    const nodes = await listNodes(db);
    const of = (type: string) => nodes.filter((n) => n.serviceType === type);
    const discovery = of('discovery-node').map((n) => ({
      endpoint: n.endpoint,
      delegateOwnerWallet: n.delegateWallet,
      ownerWallet: n.owner,
    }));
    return {
      content_nodes: of('content-node').map((n) => ({
        endpoint: n.endpoint,
        delegateOwnerWallet: n.delegateWallet,
        owner: n.owner,
        spID: n.nodeId,
        type: 'content-node' as const,
      })),
      discovery_nodes: discovery.map((n) => n.endpoint),
      discovery_nodes_with_owner: discovery,
    };
  };
  return {
    endpoints() {
      if (current) return Promise.resolve(current);
      first ??= read().then(
        (endpoints) => (current ??= endpoints),
        (error: unknown) => {
          first = undefined; // the next call tries again
          throw error;
        },
      );
      return first;
    },
    async refresh(ethBlock) {
      if (ethBlock !== undefined && ethBlock === readAtBlock && current) return;
      current = await read();
      readAtBlock = ethBlock;
    },
  };
}
