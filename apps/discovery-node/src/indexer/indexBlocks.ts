import type { Kysely } from 'kysely';
import type { Address, PublicClient } from 'viem';
import type { DB } from '../db/schema.js';
import {
  applyEntityEvent,
  collectNeeds,
  prepareEvent,
  type PreparedEvent,
} from './applyEntityEvent.js';
import { EntityBatch, type EntityChanges, emptyNeeds } from './entityBatch.js';
import { type EntityEvent, readBlockTimes, readEntityEvents } from './readEntityEvents.js';
import { readCheckpointOnChain, writeCheckpoint } from './checkpoints.js';

export const DATA_CHAIN = 'data';

export type IndexBlocksParameters = {
  db: Kysely<DB>;
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
  /**
   * Runs after each transaction commits, before the pass reports its blocks indexed, with what
   * the transaction changed: kept views of those entities are stale from then on.
   */
  onChanges?: (changes: EntityChanges) => void;
  /** Tests: runs between the stages of a transaction; throwing there is a crash. */
  onStage?: (stage: string, toBlock: number) => Promise<void> | void;
};

export type IndexBlocksReturnType = {
  /** The last block now indexed, or undefined when nothing is (the chain is behind). */
  indexedBlock: number | undefined;
  headBlock: number;
  events: number;
  applied: number;
  skipped: number;
  /** Milliseconds reading the chain and writing the database. */
  readMs: number;
  writeMs: number;
};

/**
 * One pass: indexes the confirmed blocks past the checkpoint, up to `blocksPerRead` of them.
 * Each block's events apply in one database transaction together with the checkpoint, so a
 * crash at any point resumes from a whole block, with no duplicate and no gap. Several blocks
 * may share a transaction (catching up), never a block two.
 */
export async function indexBlocks(
  parameters: IndexBlocksParameters,
): Promise<IndexBlocksReturnType> {
  const { db, client, entityManager, deployBlock, confirmations, blocksPerRead } = parameters;
  let readMs = 0;
  let writeMs = 0;
  let started = performance.now();
  const headBlock = Number(await client.getBlockNumber({ cacheTime: 0 }));
  const checkpoint = await readCheckpointOnChain(db, client, DATA_CHAIN);
  const from = checkpoint ? checkpoint.block_number + 1 : deployBlock;
  const last = headBlock - confirmations;
  const result: IndexBlocksReturnType = {
    indexedBlock: checkpoint?.block_number,
    headBlock,
    events: 0,
    applied: 0,
    skipped: 0,
    readMs: 0,
    writeMs: 0,
  };
  if (last < from) {
    result.readMs = performance.now() - started;
    return result;
  }
  const to = Math.min(last, from + blocksPerRead - 1);
  const events = await readEntityEvents({ client, entityManager, fromBlock: from, toBlock: to });
  const withEvents = [...new Set(events.map((e) => e.blockNumber))];
  const blocks = await readBlockTimes(client, [...withEvents, to]);
  readMs += performance.now() - started;

  // Group whole blocks into transactions of about eventsPerTransaction events.
  const groups: EntityEvent[][] = [];
  let group: EntityEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    group.push(events[i]!);
    const blockEnds = events[i + 1]?.blockNumber !== events[i]!.blockNumber;
    if (blockEnds && group.length >= parameters.eventsPerTransaction) {
      groups.push(group);
      group = [];
    }
  }
  if (group.length > 0 || groups.length === 0) groups.push(group);

  for (const [index, part] of groups.entries()) {
    started = performance.now();
    // The last group also covers the blocks after the last event, up to `to`.
    const upTo = index === groups.length - 1 ? to : part.at(-1)!.blockNumber;
    const upToHash = blocks.get(upTo)?.hash ?? part.at(-1)!.blockHash;
    const prepared: PreparedEvent[] = part.map(prepareEvent);
    const needs = emptyNeeds();
    for (const event of prepared) collectNeeds(event, needs);
    const stage = async (name: string) => parameters.onStage?.(name, upTo);
    const batch = await db.transaction().execute(async (tx) => {
      const batch = await EntityBatch.load(tx, needs);
      await stage('loaded');
      for (const event of prepared) {
        const time = new Date(blocks.get(event.blockNumber)!.timestamp * 1000);
        batch.noteBlock(event.blockNumber, event.blockHash, time);
        applyEntityEvent(batch, event, { number: event.blockNumber, time });
      }
      await batch.flush(tx, stage);
      await writeCheckpoint(tx, DATA_CHAIN, upTo, upToHash);
      await stage('checkpoint');
      return batch;
    });
    writeMs += performance.now() - started;
    parameters.onChanges?.(batch.changes());
    result.indexedBlock = upTo;
    result.events += part.length;
    result.applied += batch.applied;
    result.skipped += batch.skippedCount;
  }
  result.readMs = readMs;
  result.writeMs = writeMs;
  return result;
}
