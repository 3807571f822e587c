// EntityManager on the data chain: the ManageEntity actions that make users, tracks, playlists
// and their follows, saves and reposts, each decided by the handler of its entity type.
import type { Kysely } from 'kysely';
import type { Address, Hex, PublicClient } from 'viem';
import type { EntityChanges } from '../../core/entityChanges.js';
import type { DB } from '../../db/schema.js';
import type { ReceiptVerifier } from '../../core/uploadReceipts.js';
import {
  type PreparedEvent,
  applyEntityEvent,
  checkReceipts,
  needRows,
  prepareEvent,
} from '../applyEntityEvent.js';
import {
  type ChainSource,
  type IndexChainOptions,
  type IndexChainReturnType,
  type SourcePart,
  indexChain,
} from '../chainSource.js';
import { ENTITY_TABLES } from '../entities/registry.js';
import { EntityBatch } from '../entityBatch.js';
import { readBlockTimes, readEntityEvents } from '../readEntityEvents.js';

/** The data chain's row in `indexing_checkpoints`. */
export const DATA_CHAIN = 'data';

export type EntityManagerSourceInit = {
  client: PublicClient;
  entityManager: Address;
  /** The block EntityManager was deployed in: indexing starts there. */
  deployBlock: number;
  /** Blocks the head must be past a block before it is indexed (reorg safety); 0 on a devnet. */
  confirmations: number;
  /** Blocks read with one eth_getLogs. */
  blocksPerRead: number;
  /** Events per database transaction; a block is never split between two. */
  eventsPerTransaction: number;
  /** Checks tracks' upload receipts against the eth chain (core/uploadReceipts.ts). */
  receipts: ReceiptVerifier;
  /**
   * Runs after each transaction commits, before the pass reports its blocks indexed, with what
   * the transaction changed: kept views of those entities are stale from then on.
   */
  onChanges?: (changes: EntityChanges) => void;
};

/** Whole blocks of events, and the times of the blocks they are in. */
type EntityPart = {
  /** Parsed, with their receipts checked. */
  events: PreparedEvent[];
  blocks: Map<number, { hash: Hex; timestamp: number }>;
};

/** The EntityManager source: its events apply through the entity types' handlers. */
export function entityManagerSource(init: EntityManagerSourceInit): ChainSource<EntityPart> {
  const { client, entityManager } = init;
  return {
    name: 'data chain',
    checkpoint: DATA_CHAIN,
    client,
    deployBlock: init.deployBlock,
    confirmations: init.confirmations,
    blocksPerRead: init.blocksPerRead,

    async read(fromBlock, toBlock): Promise<SourcePart<EntityPart>[]> {
      const read = await readEntityEvents({ client, entityManager, fromBlock, toBlock });
      const events = await checkReceipts(read.map(prepareEvent), init.receipts);
      const withEvents = [...new Set(events.map((e) => e.blockNumber))];
      const blocks = await readBlockTimes(client, [...withEvents, toBlock]);
      // Whole blocks, in transactions of about eventsPerTransaction events.
      const groups: PreparedEvent[][] = [];
      let group: PreparedEvent[] = [];
      for (let i = 0; i < events.length; i++) {
        group.push(events[i]!);
        const blockEnds = events[i + 1]?.blockNumber !== events[i]!.blockNumber;
        if (blockEnds && group.length >= init.eventsPerTransaction) {
          groups.push(group);
          group = [];
        }
      }
      if (group.length > 0 || groups.length === 0) groups.push(group);
      return groups.map((part, index) => {
        // The last group also covers the blocks after the last event, up to `toBlock`.
        const upTo = index === groups.length - 1 ? toBlock : part.at(-1)!.blockNumber;
        return {
          toBlock: upTo,
          toHash: blocks.get(upTo)?.hash ?? part.at(-1)!.blockHash,
          events: part.length,
          data: { events: part, blocks },
        };
      });
    },

    async apply(tx, { events: prepared, blocks }, stage) {
      const batch = new EntityBatch(ENTITY_TABLES);
      for (const event of prepared) needRows(batch, event);
      await batch.load(tx);
      await stage('loaded');
      for (const event of prepared) {
        const time = new Date(blocks.get(event.blockNumber)!.timestamp * 1000);
        batch.noteBlock(event.blockNumber, event.blockHash, time);
        applyEntityEvent(batch, event, { number: event.blockNumber, time });
      }
      await batch.flush(tx, stage);
      return {
        applied: batch.applied,
        skipped: batch.skippedCount,
        committed: () => init.onChanges?.(batch.changes()),
      };
    },
  };
}

export type IndexBlocksParameters = EntityManagerSourceInit &
  IndexChainOptions & { db: Kysely<DB> };

export type IndexBlocksReturnType = IndexChainReturnType;

/** One pass of the EntityManager source alone (tests, the indexer bench); see indexChain. */
export async function indexBlocks(
  parameters: IndexBlocksParameters,
): Promise<IndexBlocksReturnType> {
  const { db, onStage, ...init } = parameters;
  return indexChain(db, entityManagerSource(init), { onStage });
}
