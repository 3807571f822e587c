import type { Kysely, Transaction } from 'kysely';
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
