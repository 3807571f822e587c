// What the indexer follows on a chain, in one shape for every contract (EntityManager, NodeRegistry,
// and what comes next), and the pass that runs any of them: confirmations, the reorg check, and a
// checkpoint that moves in the same transaction as the blocks it covers.
import type { Kysely, Transaction } from 'kysely';
import type { PublicClient } from 'viem';
import type { DB } from '../db/schema.js';
import { readCheckpointOnChain, writeCheckpoint } from './checkpoints.js';

/** Runs between the stages of a transaction (tests stop one there, as a crash would). */
export type Stage = (name: string) => Promise<void>;

/** Blocks a source read, applied in one transaction together with the checkpoint. */
export type SourcePart<Data> = {
  /** The last block the part covers: the checkpoint moves there when it commits. */
  toBlock: number;
  toHash: string;
  /** Events the part holds. */
  events: number;
  data: Data;
};

/** What applying one part did. */
export type PartApplied = {
  applied: number;
  skipped: number;
  /**
   * Runs once the transaction has committed (kept views of what it changed are stale now); the
   * pass waits for it, so a read after the pass never meets a stale kept view.
   */
  committed?: () => void | Promise<void>;
};

/**
 * A contract the indexer follows: where it starts, how to read a range of blocks, and how to
 * apply what it read inside the transaction that moves its checkpoint. Each source keeps its own
 * checkpoint and runs at its own pace (runIndexers).
 */
export interface ChainSource<Data = unknown> {
  /** Names it in logs and health reports ('data chain'). */
  readonly name: string;
  /** Its row in `indexing_checkpoints` ('data'), and its `chain` label in metrics. */
  readonly checkpoint: string;
  /** A client of the chain its contract is on. */
  readonly client: PublicClient;
  /** The block its contract was deployed in: indexing starts there. */
  readonly deployBlock: number;
  /** Blocks the head must be past a block before it is indexed (reorg safety); 0 on a devnet. */
  readonly confirmations: number;
  /** Blocks read in one pass. */
  readonly blocksPerRead: number;
  /**
   * Reads blocks `fromBlock`..`toBlock` as parts to apply in order, one transaction each; a
   * block is never split between two parts, and the last part ends at `toBlock`.
   */
  read(fromBlock: number, toBlock: number): Promise<SourcePart<Data>[]>;
  /** Applies one part's data inside its transaction, before the checkpoint moves. */
  apply(tx: Transaction<DB>, data: Data, stage: Stage): Promise<PartApplied>;
  /**
   * The last block it may index now, when it reads state another source writes (the play log
   * reads the tracks EntityManager makes); no limit but the confirmations when absent.
   */
  ceiling?(db: Kysely<DB>): Promise<number>;
}

export type IndexChainOptions = {
  /** Tests: runs between the stages of a transaction; throwing there is a crash. */
  onStage?: (stage: string, toBlock: number) => Promise<void> | void;
};

export type IndexChainReturnType = {
  /** The last block now indexed, or undefined when nothing is (the chain is behind). */
  indexedBlock: number | undefined;
  headBlock: number;
  /** Whether it indexed every block it may now (confirmations and its ceiling allow). */
  caughtUp: boolean;
  events: number;
  applied: number;
  skipped: number;
  /** Milliseconds reading the chain and writing the database. */
  readMs: number;
  writeMs: number;
};

/**
 * One pass of `source`: indexes the confirmed blocks past its checkpoint, up to `blocksPerRead`
 * of them. Each part applies in one database transaction together with the checkpoint, so a
 * crash at any point resumes from a whole block, with no duplicate and no gap. A checkpoint whose
 * block the chain no longer has is a reorg deeper than the confirmations (ReorgError).
 */
export async function indexChain<Data>(
  db: Kysely<DB>,
  source: ChainSource<Data>,
  options: IndexChainOptions = {},
): Promise<IndexChainReturnType> {
  let started = performance.now();
  const headBlock = Number(await source.client.getBlockNumber({ cacheTime: 0 }));
  const checkpoint = await readCheckpointOnChain(db, source.client, source.checkpoint);
  const from = checkpoint ? checkpoint.block_number + 1 : source.deployBlock;
  const ceiling = (await source.ceiling?.(db)) ?? Infinity;
  const last = Math.min(headBlock - source.confirmations, ceiling);
  const result: IndexChainReturnType = {
    indexedBlock: checkpoint?.block_number,
    headBlock,
    caughtUp: true,
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
  const to = Math.min(last, from + source.blocksPerRead - 1);
  result.caughtUp = to === last;
  const parts = await source.read(from, to);
  result.readMs = performance.now() - started;

  for (const part of parts) {
    started = performance.now();
    const stage = async (name: string) => options.onStage?.(name, part.toBlock);
    const applied = await db.transaction().execute(async (tx) => {
      const applied = await source.apply(tx, part.data, stage);
      await writeCheckpoint(tx, source.checkpoint, part.toBlock, part.toHash);
      await stage('checkpoint');
      return applied;
    });
    result.writeMs += performance.now() - started;
    await applied.committed?.();
    result.indexedBlock = part.toBlock;
    result.events += part.events;
    result.applied += applied.applied;
    result.skipped += applied.skipped;
  }
  return result;
}
