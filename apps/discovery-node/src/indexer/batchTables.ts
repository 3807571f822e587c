// The kinds of table an EntityBatch holds, generic over what they store: rows by key, and count
// deltas by id. An entity type's module declares its tables with them (entities/*.ts).
import type { Kysely, Transaction } from 'kysely';
import type { ChangedKind } from '../core/entityChanges.js';
import type { DB } from '../db/schema.js';

/** Where a batch reads its rows: the database, or the transaction it applies in. */
export type Reader = Kysely<DB> | Transaction<DB>;

/** Rows per statement: well under PostgreSQL's 65,535 parameters for the widest table. */
export const ROWS_PER_STATEMENT = 1000;
/** Ids per `in (…)` lookup. */
export const IDS_PER_LOOKUP = 5000;

/** `items` in runs of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The stages a batch writes its tables in, in order: a row a foreign key points at is written in
 * an earlier stage than the row pointing at it. Tests stop a transaction after any of them.
 */
export const WRITE_STAGES = ['users', 'tracks', 'playlists', 'social', 'aggregates'] as const;
export type WriteStage = (typeof WRITE_STAGES)[number];

/** One table's share of a batch: the rows it reads up front, holds while events apply, writes back. */
export interface BatchTable {
  /** Reads every row the events asked for; one that does not exist is remembered as absent. */
  load(db: Reader): Promise<void>;
  /** Writes every change in a few bulk statements. */
  write(tx: Transaction<DB>): Promise<void>;
  /** The keys whose row or counts changed. */
  changed(): Iterable<unknown>;
}

/** A table as entity types declare it; each batch makes its own with `create`. */
export type TableSpec<T extends BatchTable = BatchTable> = {
  /** The table's name, for messages. */
  name: string;
  /** When the batch writes it (see WRITE_STAGES); within a stage, in the registry's order. */
  stage: WriteStage;
  /** Where the change report lists its changed keys (entity ids), if anywhere. */
  reports?: ChangedKind;
  create(): T;
};

/** How a table of keyed rows is read and written. */
export type RowsIo<K, Row> = {
  /** The rows of `keys` that exist (up to IDS_PER_LOOKUP keys). */
  read(db: Reader, keys: K[]): Promise<Iterable<readonly [K, Row]>>;
  /** Writes the changed rows, in key order; null: the row is gone. */
  write(tx: Transaction<DB>, changed: (readonly [K, Row | null])[]): Promise<void>;
};

/**
 * Rows by key: those the events need are read up front (a needed key with no row is held as
 * null), changed in memory as the events apply in order (a later event sees what an earlier one
 * did), and the changed ones written back at the end.
 */
export class Rows<K extends number | string, Row> implements BatchTable {
  private readonly rows = new Map<K, Row | null>();
  private readonly needed = new Set<K>();
  private readonly dirty = new Set<K>();

  constructor(private readonly io: RowsIo<K, Row>) {}

  /** Asks for the row of `key` to be loaded. */
  need(key: K): void {
    this.needed.add(key);
  }

  /** The row of `key`: null when it does not exist, undefined when no event asked for it. */
  get(key: K): Row | null | undefined {
    return this.rows.get(key);
  }

  /** Replaces the row of `key` (null: removes it); written back at the end. */
  set(key: K, row: Row | null): void {
    this.rows.set(key, row);
    this.dirty.add(key);
  }

  async load(db: Reader): Promise<void> {
    for (const keys of chunks([...this.needed], IDS_PER_LOOKUP)) {
      for (const key of keys) this.rows.set(key, null);
      for (const [key, row] of await this.io.read(db, keys)) this.rows.set(key, row);
    }
  }

  async write(tx: Transaction<DB>): Promise<void> {
    if (this.dirty.size === 0) return;
    const keys = [...this.dirty];
    // Numbers in numeric order, strings in code-unit order: the same statements on every node.
    if (typeof keys[0] === 'number') (keys as number[]).sort((a, b) => a - b);
    else keys.sort();
    await this.io.write(
      tx,
      keys.map((key) => [key, this.rows.get(key) ?? null] as const),
    );
  }

  changed(): Iterable<K> {
    return this.dirty;
  }
}

/**
 * Count deltas by id, added to the stored counts when written. A row is created at its first
 * delta, so an all-zero delta creates a row of zeros (a new entity's counts).
 */
export class Counts<C extends string> implements BatchTable {
  private readonly deltas = new Map<number, Record<C, number>>();

  constructor(
    private readonly columns: readonly C[],
    /** Adds one statement's worth of deltas, in id order, creating rows as needed. */
    private readonly add: (
      tx: Transaction<DB>,
      rows: ({ id: number } & Record<C, number>)[],
    ) => Promise<void>,
  ) {}

  /** Adds `delta` to the counts of `id` (an empty delta: makes sure its row exists). */
  count(id: number, delta: Partial<Record<C, number>>): void {
    let counts = this.deltas.get(id);
    if (!counts) {
      counts = {} as Record<C, number>;
      for (const column of this.columns) counts[column] = 0;
      this.deltas.set(id, counts);
    }
    for (const column of this.columns) counts[column] += delta[column] ?? 0;
  }

  async load(): Promise<void> {}

  async write(tx: Transaction<DB>): Promise<void> {
    const rows = [...this.deltas].sort((a, b) => a[0] - b[0]).map(([id, c]) => ({ id, ...c }));
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) await this.add(tx, part);
  }

  changed(): Iterable<number> {
    return this.deltas.keys();
  }
}
