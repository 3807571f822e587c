// NodeRegistry on the eth chain: the registered nodes (where content and discovery nodes are,
// who signs for them) and each owner's deployer stake.
import type { Kysely, Transaction } from 'kysely';
import { type Address, type Hex, type PublicClient, getAbiItem, hexToString } from 'viem';
import { nodeRegistryAbi } from '@coliving/contracts';
import { BaseError } from '@coliving/protocol';
import type { DB } from '../../db/schema.js';
import { type ChainSource, indexChain } from '../chainSource.js';
import { readInHalves } from '../readInHalves.js';

export const ETH_CHAIN = 'eth';

// Only the events that change a node or an owner's deployer stake; requests, cancellations and
// cuts change neither.
const nodeEvents = [
  getAbiItem({ abi: nodeRegistryAbi, name: 'NodeRegistered' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'NodeDeregistered' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'EndpointUpdated' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'DelegateWalletUpdated' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'StakeIncreased' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'StakeDecreased' }),
  getAbiItem({ abi: nodeRegistryAbi, name: 'DeployerStakeChanged' }),
] as const;

export type NodeRegistrySourceInit = {
  /** A client of the eth chain. */
  client: PublicClient;
  nodeRegistry: Address;
  /** The block NodeRegistry was deployed in: indexing starts there. */
  deployBlock: number;
  /** Blocks the head must be past a block before it is indexed (reorg safety); 0 on a devnet. */
  confirmations: number;
  /** Blocks read with one eth_getLogs, and applied in one transaction. */
  blocksPerRead: number;
};

export type IndexNodesParameters = NodeRegistrySourceInit & { db: Kysely<DB> };

export type IndexNodesReturnType = {
  /** The last block now indexed, or undefined when nothing is (the chain is behind). */
  indexedBlock: number | undefined;
  headBlock: number;
  /** NodeRegistry events applied by this pass. */
  events: number;
};

/**
 * The indexed state disagrees with an event NodeRegistry could only have emitted with a state
 * we do not hold (an update of a node we never saw registered): a wrong deploy block, or a
 * database written by something else. Reindexing from the deploy block rebuilds it.
 */
export class NodeIndexStateError extends BaseError {
  static override readonly defaultCode = 'node_index_inconsistent';
  override name = 'NodeIndexStateError' as const;
}

/**
 * The NodeRegistry source: the nodes and the owners' deployer stakes. A pass applies its blocks'
 * events in one transaction.
 */
export function nodeRegistrySource(init: NodeRegistrySourceInit): ChainSource<NodeEvent[]> {
  const { client, nodeRegistry } = init;
  return {
    name: 'eth chain',
    checkpoint: ETH_CHAIN,
    client,
    deployBlock: init.deployBlock,
    confirmations: init.confirmations,
    blocksPerRead: init.blocksPerRead,
    async read(fromBlock, toBlock) {
      const events = await readNodeEvents(client, nodeRegistry, fromBlock, toBlock);
      const { hash } = await client.getBlock({ blockNumber: BigInt(toBlock) });
      return [{ toBlock, toHash: hash, events: events.length, data: events }];
    },
    async apply(tx, events) {
      for (const event of events) await applyNodeEvent(tx, event);
      return { applied: events.length, skipped: 0 };
    },
  };
}

/** One pass of the NodeRegistry source alone (tests); see indexChain. */
export async function indexNodes(parameters: IndexNodesParameters): Promise<IndexNodesReturnType> {
  const { db, ...init } = parameters;
  const { indexedBlock, headBlock, events } = await indexChain(db, nodeRegistrySource(init));
  return { indexedBlock, headBlock, events };
}

type NodeEvent = Awaited<ReturnType<typeof readRange>>[number];

/** The node events of blocks `fromBlock`..`toBlock` in block and log order; big ranges in halves. */
async function readNodeEvents(
  client: PublicClient,
  nodeRegistry: Address,
  fromBlock: number,
  toBlock: number,
): Promise<NodeEvent[]> {
  return readInHalves(fromBlock, toBlock, (from, to) => readRange(client, nodeRegistry, from, to));
}

async function readRange(
  client: PublicClient,
  nodeRegistry: Address,
  fromBlock: number,
  toBlock: number,
) {
  const logs = await client.getLogs({
    address: nodeRegistry,
    events: nodeEvents,
    fromBlock: BigInt(fromBlock),
    toBlock: BigInt(toBlock),
    strict: true,
  });
  // Nodes return logs in order; the state depends on it, so it is not left to trust.
  return logs.sort(
    (a, b) => Number(a.blockNumber - b.blockNumber) || Number(a.logIndex - b.logIndex),
  );
}

async function applyNodeEvent(tx: Transaction<DB>, event: NodeEvent): Promise<void> {
  const block = Number(event.blockNumber);
  switch (event.eventName) {
    case 'NodeRegistered': {
      const { nodeId, serviceType, owner, endpoint, delegateWallet, stake } = event.args;
      await tx
        .insertInto('nodes')
        .values({
          node_id: toNodeId(nodeId),
          service_type: serviceTypeName(serviceType),
          owner: owner.toLowerCase(),
          endpoint,
          delegate_wallet: delegateWallet.toLowerCase(),
          is_registered: true,
          registered_block: block,
          updated_block: block,
        })
        .execute();
      // `stake` is what this registration added, not the owner's total: register() does
      // `_deployerStake += stake` and emits no total. Every other change of the deployer stake
      // emits its new total, so the last indexed total plus this amount is the contract's state.
      const previous = await tx
        .selectFrom('node_owners')
        .select('stake')
        .where('owner', '=', owner.toLowerCase())
        .executeTakeFirst();
      await setOwnerStake(tx, owner, BigInt(previous?.stake ?? 0) + stake, block);
      return;
    }
    case 'NodeDeregistered':
      // The row stays (ids are never reused, and an owner may still hold stake to withdraw).
      return updateNode(tx, event.args.nodeId, { is_registered: false }, block);
    case 'EndpointUpdated':
      return updateNode(tx, event.args.nodeId, { endpoint: event.args.newEndpoint }, block);
    case 'DelegateWalletUpdated':
      return updateNode(
        tx,
        event.args.nodeId,
        { delegate_wallet: event.args.newWallet.toLowerCase() },
        block,
      );
    case 'StakeIncreased':
    case 'StakeDecreased':
    case 'DeployerStakeChanged':
      return setOwnerStake(tx, event.args.owner, event.args.newDeployerStake, block);
  }
}

async function updateNode(
  tx: Transaction<DB>,
  nodeId: bigint,
  changes: { is_registered?: boolean; endpoint?: string; delegate_wallet?: string },
  block: number,
): Promise<void> {
  const result = await tx
    .updateTable('nodes')
    .set({ ...changes, updated_block: block })
    .where('node_id', '=', toNodeId(nodeId))
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    throw new NodeIndexStateError(`NodeRegistry changed node ${nodeId}, which was never indexed`, {
      details: `block ${block}; reindex from NodeRegistry's deploy block`,
    });
  }
}

async function setOwnerStake(
  tx: Transaction<DB>,
  owner: Address,
  stake: bigint,
  block: number,
): Promise<void> {
  const values = { owner: owner.toLowerCase(), stake: stake.toString(), updated_block: block };
  await tx
    .insertInto('node_owners')
    .values(values)
    .onConflict((oc) =>
      oc.column('owner').doUpdateSet({ stake: values.stake, updated_block: block }),
    )
    .execute();
}

/** The readable name of a bytes32 service type ('content-node'). */
function serviceTypeName(serviceType: Hex): string {
  // With `size`, viem trims the right zero padding the bytes32 carries.
  return hexToString(serviceType, { size: 32 });
}

function toNodeId(nodeId: bigint): number {
  // NodeRegistry counts ids up from 1, so this only fails on a state we cannot hold anyway.
  if (nodeId > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NodeIndexStateError(`Node id ${nodeId} is beyond what the database holds`);
  }
  return Number(nodeId);
}
