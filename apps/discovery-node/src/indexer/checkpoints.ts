import type { Kysely, Transaction } from 'kysely';
import type { PublicClient } from 'viem';
import { BaseError } from '@coliving/protocol';
import type { DB } from '../db/schema.js';

export type Checkpoint = { block_number: number; block_hash: string };

/** Where the indexer of `chain` stands, or undefined before its first block. */
export async function readCheckpoint(
  db: Kysely<DB> | Transaction<DB>,
  chain: string,
): Promise<Checkpoint | undefined> {
  return db
    .selectFrom('indexing_checkpoints')
    .select(['block_number', 'block_hash'])
    .where('chain', '=', chain)
    .executeTakeFirst();
}

/** Moves the checkpoint of `chain`; call it in the transaction that applied the blocks. */
export async function writeCheckpoint(
  tx: Transaction<DB>,
  chain: string,
  blockNumber: number,
  blockHash: string,
): Promise<void> {
  await tx
    .insertInto('indexing_checkpoints')
    .values({ chain, block_number: blockNumber, block_hash: blockHash })
    .onConflict((oc) =>
      oc.column('chain').doUpdateSet({ block_number: blockNumber, block_hash: blockHash }),
    )
    .execute();
}

/**
 * The chain no longer has a block this node indexed: a reorganisation deeper than the
 * configured confirmations. The indexer stops rather than serve a state the chain disowns; the
 * operator raises COLIVING_DATA_CONFIRMATIONS and reindexes (drops the database).
 */
export class ReorgError extends BaseError {
  static override readonly defaultCode = 'reorg_beyond_confirmations';
  override name = 'ReorgError' as const;
  constructor(chain: string, block: number, indexedHash: string, chainHash: string | undefined) {
    super(
      `The ${chain} chain reorganised below indexed block ${block} (indexed ${indexedHash}, chain has ${chainHash ?? 'no such block'})`,
    );
  }
}

/**
 * The checkpoint of `chain`, after checking the chain still has its block: a block we indexed
 * that the chain no longer has is a reorg deeper than our confirmations (ReorgError).
 */
export async function readCheckpointOnChain(
  db: Kysely<DB>,
  client: PublicClient,
  chain: string,
): Promise<Checkpoint | undefined> {
  const checkpoint = await readCheckpoint(db, chain);
  if (!checkpoint) return undefined;
  const block = await client
    .getBlock({ blockNumber: BigInt(checkpoint.block_number) })
    .catch(() => undefined);
  if (block?.hash !== checkpoint.block_hash) {
    throw new ReorgError(chain, checkpoint.block_number, checkpoint.block_hash, block?.hash);
  }
  return checkpoint;
}
