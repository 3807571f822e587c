// The history of tracks' and playlists' access conditions (migrations/0010_payments.sql): a row
// per data-chain block that created, updated or deleted one, written with the row itself, so a
// payment on the eth chain is judged against the conditions as of its time (core/payments.ts).
import type { Insertable, Transaction } from 'kysely';
import type { DB, ItemType } from '../../db/schema.js';
import { ROWS_PER_STATEMENT, chunks } from '../batchTables.js';

export type ConditionsRow = Insertable<DB['content_conditions']>;

/** What the history keeps of a track or playlist row (its last change's block and time). */
export function conditionsOf(
  contentType: ItemType,
  row: {
    owner_id: number;
    stream_conditions: Record<string, unknown> | null;
    download_conditions?: Record<string, unknown> | null;
    is_deleted: boolean;
    updated_block: number;
    updated_at: Date | string;
  },
  contentId: number,
): ConditionsRow {
  return {
    content_type: contentType,
    content_id: contentId,
    block_number: row.updated_block,
    block_time: row.updated_at,
    owner_id: row.owner_id,
    stream_conditions: row.stream_conditions,
    download_conditions: row.download_conditions ?? null,
    is_deleted: row.is_deleted,
  };
}

/**
 * Records the rows' conditions; a second change in the same block replaces the first (the
 * history holds the state at the end of each block, which is all judging as of a time reads).
 */
export async function writeContentConditions(
  tx: Transaction<DB>,
  rows: readonly ConditionsRow[],
): Promise<void> {
  for (const part of chunks([...rows], ROWS_PER_STATEMENT)) {
    await tx
      .insertInto('content_conditions')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['content_type', 'content_id', 'block_number']).doUpdateSet((eb) => ({
          block_time: eb.ref('excluded.block_time'),
          owner_id: eb.ref('excluded.owner_id'),
          stream_conditions: eb.ref('excluded.stream_conditions'),
          download_conditions: eb.ref('excluded.download_conditions'),
          is_deleted: eb.ref('excluded.is_deleted'),
        })),
      )
      .execute();
  }
}
