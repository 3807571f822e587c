import { entityManagerAbi } from '@coliving/contracts';
import { type Address, type Hex, type PublicClient, getAbiItem } from 'viem';
import { readInHalves } from './readInHalves.js';

const manageEntityEvent = getAbiItem({ abi: entityManagerAbi, name: 'ManageEntity' });

/** One ManageEntity event as emitted, with where it is on the chain. */
export type EntityEvent = {
  blockNumber: number;
  blockHash: Hex;
  logIndex: number;
  txHash: Hex;
  userId: bigint;
  /** The signer EntityManager recovered, lower case. */
  signer: string;
  entityType: string;
  entityId: bigint;
  action: string;
  metadata: string;
};

export type ReadEntityEventsParameters = {
  client: PublicClient;
  entityManager: Address;
  fromBlock: number;
  toBlock: number;
};

/** The ManageEntity events of blocks `fromBlock`..`toBlock`, in block and log order. */
export async function readEntityEvents(
  parameters: ReadEntityEventsParameters,
): Promise<EntityEvent[]> {
  return readInHalves(parameters.fromBlock, parameters.toBlock, (fromBlock, toBlock) =>
    readRange({ ...parameters, fromBlock, toBlock }),
  );
}

async function readRange({
  client,
  entityManager,
  fromBlock,
  toBlock,
}: ReadEntityEventsParameters): Promise<EntityEvent[]> {
  const logs = await client.getLogs({
    address: entityManager,
    event: manageEntityEvent,
    fromBlock: BigInt(fromBlock),
    toBlock: BigInt(toBlock),
    strict: true,
  });
  const events = logs.map((log) => ({
    blockNumber: Number(log.blockNumber),
    blockHash: log.blockHash,
    logIndex: log.logIndex,
    txHash: log.transactionHash,
    userId: log.args.userId,
    signer: log.args.signer.toLowerCase(),
    entityType: log.args.entityType,
    entityId: log.args.entityId,
    action: log.args.action,
    metadata: log.args.metadata,
  }));
  // Nodes return logs in order; the state depends on it, so it is not left to trust.
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return events;
}

/** Block times (seconds) of the given blocks, read a few at a time. */
export async function readBlockTimes(
  client: PublicClient,
  blockNumbers: number[],
  concurrency = 16,
): Promise<Map<number, { hash: Hex; timestamp: number }>> {
  const out = new Map<number, { hash: Hex; timestamp: number }>();
  const queue = [...new Set(blockNumbers)];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        const block = await client.getBlock({ blockNumber: BigInt(next) });
        out.set(next, { hash: block.hash, timestamp: Number(block.timestamp) });
      }
    }),
  );
  return out;
}
