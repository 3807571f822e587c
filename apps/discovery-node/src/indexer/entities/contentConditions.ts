// The history of tracks' and playlists' access conditions (migrations/0010_payments.sql): a row
// per data-chain block that created, updated or deleted one, recorded by the action that did it
// (a batch holds only each row's last state, and may span many blocks), so a payment on the eth
// chain is judged against the conditions as of its time (core/payments.ts).
import type { Insertable, Transaction } from 'kysely';
import type { DB, ItemType } from '../../db/schema.js';
import { type BatchTable, ROWS_PER_STATEMENT, type TableSpec, chunks } from '../batchTables.js';

export type ConditionsRow = Insertable<DB['content_conditions']>;

/** What the history keeps of a track or playlist row: the state its last change left. */
type ContentRow = {
  owner_id: number;
  stream_conditions: Record<string, unknown> | null;
  download_conditions?: Record<string, unknown> | null;
  is_deleted: boolean;
  updated_block: number;
  updated_at: Date | string;
};

/**
 * A batch's history rows. Two changes in one block leave one row, the state at the end of the
 * block: judging as of a time reads whole blocks.
 */
export class ConditionsHistory implements BatchTable {
  private readonly rows = new Map<string, ConditionsRow>();

  /** Records `row` (just written by an action) as the state of the content after its block. */
  record(contentType: ItemType, contentId: number, row: ContentRow): void {
    this.rows.set(`${contentType}:${contentId}:${row.updated_block}`, {
      content_type: contentType,
      content_id: contentId,
      block_number: row.updated_block,
      block_time: row.updated_at,
      owner_id: row.owner_id,
      stream_conditions: row.stream_conditions,
      download_conditions: row.download_conditions ?? null,
      is_deleted: row.is_deleted,
    });
  }

  async load(): Promise<void> {}

  async write(tx: Transaction<DB>): Promise<void> {
    // In key order: the same statements on every node.
    const rows = [...this.rows.values()].sort(
      (a, b) =>
        (a.content_type < b.content_type ? -1 : a.content_type > b.content_type ? 1 : 0) ||
        a.content_id - b.content_id ||
        a.block_number - b.block_number,
    );
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
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

  changed(): Iterable<unknown> {
    return [];
  }
}

export const contentConditions: TableSpec<ConditionsHistory> = {
  name: 'content_conditions',
  // After the tracks and playlists it records (no foreign key, but the order is the same).
  stage: 'playlists',
  create: () => new ConditionsHistory(),
};
