import type { Transaction } from 'kysely';
import type { ChangedKind, EntityChanges } from '../core/entityChanges.js';
import type { DB } from '../db/schema.js';
import {
  type BatchTable,
  ROWS_PER_STATEMENT,
  type Reader,
  type TableSpec,
  WRITE_STAGES,
  chunks,
} from './batchTables.js';

export type SkippedRow = DB['skipped_actions'];

/**
 * The entity state one indexing transaction works on: one part of each table the entity types
 * declare, holding the rows the events touch, read up front in a few queries, changed in memory
 * as the events apply in order (a later event sees what an earlier one did), and written back at
 * the end in a few bulk statements; and the actions skipped and the blocks covered.
 */
export class EntityBatch {
  private readonly tables = new Map<TableSpec, BatchTable>();
  private readonly skipped: SkippedRow[] = [];
  private readonly blocks = new Map<number, { block_hash: string; block_time: Date }>();
  applied = 0;

  /** A batch over `specs`, kept in write order: by stage, then in the order given. */
  constructor(specs: readonly TableSpec[]) {
    for (const stage of WRITE_STAGES) {
      for (const spec of specs) {
        if (spec.stage === stage && !this.tables.has(spec)) this.tables.set(spec, spec.create());
      }
    }
  }

  /** This batch's part of the table `spec`. */
  table<T extends BatchTable>(spec: TableSpec<T>): T {
    const table = this.tables.get(spec);
    if (!table) throw new Error(`The table ${spec.name} is not one of the batch's`);
    return table as T;
  }

  /** Reads every row the events asked for (absent ones are remembered as absent). */
  async load(db: Reader): Promise<void> {
    for (const table of this.tables.values()) await table.load(db);
  }

  skip(row: SkippedRow): void {
    this.skipped.push(row);
  }

  get skippedCount(): number {
    return this.skipped.length;
  }

  /** Remembers a block that carried events (its hash answers block confirmations). */
  noteBlock(blockNumber: number, blockHash: string, blockTime: Date): void {
    this.blocks.set(blockNumber, { block_hash: blockHash, block_time: blockTime });
  }

  /** Every entity whose row or counts this batch changed: what a view kept of it must drop. */
  changes(): EntityChanges {
    const changes: Record<ChangedKind, Set<number>> = {
      users: new Set(),
      tracks: new Set(),
      playlists: new Set(),
    };
    for (const [spec, table] of this.tables) {
      if (!spec.reports) continue;
      // A table that reports is keyed by entity id.
      for (const id of table.changed()) changes[spec.reports].add(id as number);
    }
    return changes;
  }

  /**
   * Writes every change, stage by stage (parents before children). `stage` runs after each one
   * (tests use it to stop a transaction midway, as a crash would).
   */
  async flush(tx: Transaction<DB>, stage: (name: string) => Promise<void>): Promise<void> {
    for (const name of WRITE_STAGES) {
      for (const [spec, table] of this.tables) if (spec.stage === name) await table.write(tx);
      await stage(name);
    }
    for (const rows of chunks(this.skipped, ROWS_PER_STATEMENT)) {
      await tx.insertInto('skipped_actions').values(rows).execute();
    }
    const blocks = [...this.blocks].map(([block_number, b]) => ({ block_number, ...b }));
    for (const rows of chunks(blocks, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('entity_blocks')
        .values(rows)
        .onConflict((oc) => oc.column('block_number').doNothing())
        .execute();
    }
    await stage('skipped');
  }
}
