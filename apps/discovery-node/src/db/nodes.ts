// Reads of the nodes NodeRegistry lists (indexed by indexer/sources/nodeRegistry.ts): what stream
// access, image URLs and the health check use.
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/** The service types a node can be listed by. */
export type NodeServiceType = 'content-node' | 'discovery-node';

/** A registered node with its owner's deployer stake (wei, decimal). */
export type ListedNode = {
  nodeId: number;
  serviceType: string;
  owner: string;
  endpoint: string;
  delegateWallet: string;
  stake: string;
};

/** The registered nodes (of one service type, if given) with their owners' stake, by node id. */
export async function listNodes(
  db: Kysely<DB>,
  serviceType?: NodeServiceType,
): Promise<ListedNode[]> {
  let query = db
    .selectFrom('nodes')
    .innerJoin('node_owners', 'node_owners.owner', 'nodes.owner')
    .select([
      'nodes.node_id as nodeId',
      'nodes.service_type as serviceType',
      'nodes.owner as owner',
      'nodes.endpoint as endpoint',
      'nodes.delegate_wallet as delegateWallet',
      'node_owners.stake as stake',
    ])
    .where('nodes.is_registered', '=', true);
  if (serviceType !== undefined) query = query.where('nodes.service_type', '=', serviceType);
  return query.orderBy('nodes.node_id').execute();
}
