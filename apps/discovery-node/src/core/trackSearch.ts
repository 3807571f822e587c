// The node's track search: the in-memory index (core/trackSearchIndex.ts) loaded in the
// background, kept current from the indexer's change reports and rebuilt with the other derived
// tables. Until it is loaded, and while a report is being read into it, search goes to the
// database, so an answer is never older than the block it is served under.
import type { Kysely } from 'kysely';
import { TrackSearchIndex } from './trackSearchIndex.js';
import { type QueryWord, type SearchChanges, readQueryWords } from './trackSearchRows.js';
import type { DB } from '../db/schema.js';

/** Share of an index's tracks changed since its build past which `refresh` builds it anew. */
const REBUILD_CHANGED_SHARE = 0.05;
/** Distinct queries whose words are kept (a query's words never change). */
const QUERY_WORDS_KEPT = 10_000;

/**
 * The node's track search index: loaded in the background, kept current from the indexer's
 * changes, rebuilt on request. `current` is undefined while it loads and while changes are being
 * read into it: search then goes to the database.
 */
export class TrackSearch {
  private index: TrackSearchIndex | undefined;
  private readonly pending = { tracks: new Set<number>(), users: new Set<number>() };
  /** Changes since the build under way began, read into the new index before it replaces the old. */
  private sinceBuild: { tracks: Set<number>; users: Set<number> } | undefined;
  private applying: Promise<void> | undefined;
  private building: Promise<void> | undefined;
  private readonly queryWordsKept = new Map<string, { q: string; words: QueryWord[] }>();
  private failures = 0;
  private closed = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The index, when it is loaded and holds every change the indexer has reported. */
  get current(): TrackSearchIndex | undefined {
    return this.pending.tracks.size === 0 && this.pending.users.size === 0 ? this.index : undefined;
  }

  /** Builds the index anew (the first time, or to put changed tracks back in order). */
  rebuild(): Promise<void> {
    this.building ??= (async () => {
      let since = { tracks: new Set<number>(), users: new Set<number>() };
      this.sinceBuild = since;
      try {
        const index = await TrackSearchIndex.load(this.db);
        // What changed while it loaded may have been read before the change: read it again,
        // until nothing more has (no await between the last check and the swap).
        while (since.tracks.size > 0 || since.users.size > 0) {
          const reading = since;
          this.sinceBuild = since = { tracks: new Set(), users: new Set() };
          await index.apply(this.db, reading);
        }
        if (!this.closed) this.index = index;
      } catch (error) {
        // A build cut off by close() (the database went with the node) is no failure.
        if (!this.closed) throw error;
      } finally {
        this.sinceBuild = undefined;
        this.building = undefined;
      }
    })();
    return this.building;
  }

  /**
   * Builds the index when there is none, or rebuilds it once more than a twentieth of its tracks
   * changed since it was built (run with the other derived tables).
   */
  async refresh(): Promise<void> {
    if (!this.index || this.index.changedShare > REBUILD_CHANGED_SHARE) await this.rebuild();
  }

  /** Stops reading changes (the node is stopping); search goes to the database from now on. */
  close(): void {
    this.closed = true;
    this.index = undefined;
  }

  /** Called by the indexer after each transaction: search leaves the index until it has read them. */
  onChanges(changes: SearchChanges): void {
    if (this.closed || (changes.tracks.size === 0 && changes.users.size === 0)) return;
    for (const id of changes.tracks) {
      this.pending.tracks.add(id);
      this.sinceBuild?.tracks.add(id);
    }
    for (const id of changes.users) {
      this.pending.users.add(id);
      this.sinceBuild?.users.add(id);
    }
    this.applying ??= this.applyPending();
  }

  /** Resolves once every reported change is in the index. */
  async settled(): Promise<void> {
    while (this.applying || this.building) await (this.applying ?? this.building);
  }

  /** The folded query and its words, as the database splits them. */
  async queryWords(query: string, maxWords: number): Promise<{ q: string; words: QueryWord[] }> {
    const key = `${maxWords}:${query}`;
    const kept = this.queryWordsKept.get(key);
    if (kept) return kept;
    const found = await readQueryWords(this.db, query, maxWords);
    if (this.queryWordsKept.size >= QUERY_WORDS_KEPT) this.queryWordsKept.clear();
    this.queryWordsKept.set(key, found);
    return found;
  }

  private async applyPending(): Promise<void> {
    try {
      while (!this.closed && (this.pending.tracks.size > 0 || this.pending.users.size > 0)) {
        const batch = {
          tracks: new Set(this.pending.tracks),
          users: new Set(this.pending.users),
        };
        if (!this.index) {
          // Nothing to keep current yet: the build under way reads them again at its end.
          this.pending.tracks.clear();
          this.pending.users.clear();
          break;
        }
        try {
          await this.index.apply(this.db, batch);
          this.failures = 0;
        } catch (error) {
          // The database is away: search stays on it (pending is kept) and this tries again.
          this.onError(error);
          this.failures++;
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(30_000, 100 * 2 ** this.failures)),
          );
          continue;
        }
        for (const id of batch.tracks) this.pending.tracks.delete(id);
        for (const id of batch.users) this.pending.users.delete(id);
      }
    } finally {
      this.applying = undefined;
    }
  }
}
