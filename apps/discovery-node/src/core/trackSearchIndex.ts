// Track search from memory. Searching a million titles in PostgreSQL cost about 11 ms of database
// CPU per query (a dictionary lookup, four index probes, three key lookups per candidate and the
// plan), which on two cores held search to about 150 queries a second. Here the same search is a
// few map lookups and a sort of a few hundred candidates, about a tenth of a millisecond.
//
// The index holds every visible track's folded title, title and tag words, filters and
// popularity, and every user's handle and name words. Each word's tracks are kept in popularity
// order (as of the last build) with the tracks changed since appended, so a probe reads the most
// popular matches of a word first however common the word is. The indexer reports what each
// transaction changed; those tracks and users are read again before the index answers another
// search, so it is never older than the block a search is served under. The node rebuilds it
// with the other derived tables, which puts changed tracks back in popularity order.
//
// What the text means is PostgreSQL's, not ours: titles, tags and names are folded
// (`search_fold`) and split into words (`to_tsvector('simple', …)`) by the database when rows are
// read, and so is the query, so a query matches here exactly what it matches in SQL.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

/** What the indexer changed in one transaction (entity ids). */
export type SearchChanges = { tracks: ReadonlySet<number>; users: ReadonlySet<number> };

/** One query word, folded, with its place in the query. */
export type QueryWord = { word: string; last: boolean };

/** Rows read per round trip when the index is built. */
const LOAD_BATCH = 20_000;

type TrackRow = {
  track_id: number;
  owner_id: number;
  folded: string;
  words: string;
  tags: string;
  genre: string | null;
  mood: string | null;
  created_ms: number;
  release_ms: number | null;
  popularity: number;
};

type UserRow = {
  user_id: number;
  handle: string;
  name_words: string;
  is_deactivated: boolean;
};

/** A user as search sees them: the folded handle, the words of the name, deactivated or not. */
type SearchUser = { handle: string; nameWords: string; deactivated: boolean };

/** Posting lists: word → slots, the first `sorted` in popularity order, the rest appended since. */
type Postings = Map<string, { slots: number[]; sorted: number }>;

/** One track in the index. A changed track gets a new slot; the old one is marked dead. */
type Slot = {
  trackId: number;
  ownerId: number;
  folded: string;
  /** ' word word ' (the title's words between spaces, so a word or a word start is a substring) */
  words: string;
  tags: string;
  genre: string | null;
  mood: string | null;
  createdMs: number;
  releaseMs: number | null;
  popularity: number;
  alive: boolean;
};

const TRACK_COLUMNS = sql`t.track_id, t.owner_id, search_fold(t.title) as folded,
  ' ' || array_to_string(tsvector_to_array(to_tsvector('simple', search_fold(t.title))), ' ') || ' '
    as words,
  case when coalesce(t.metadata ->> 'tags', '') = '' then ''
    else ' ' || array_to_string(tsvector_to_array(
      to_tsvector('simple', search_fold(t.metadata ->> 'tags'))), ' ') || ' ' end as tags,
  t.genre, t.mood,
  (extract(epoch from t.created_at) * 1000)::float8 as created_ms,
  (extract(epoch from t.release_date) * 1000)::float8 as release_ms,
  (coalesce(a.repost_count, 0) + coalesce(a.save_count, 0))::float8 as popularity`;
const TRACK_FROM = sql`from tracks t left join aggregate_track a on a.track_id = t.track_id
  where not t.is_deleted and not t.is_unlisted`;
const USER_COLUMNS = sql`u.user_id, search_fold(u.handle) as handle,
  ' ' || array_to_string(tsvector_to_array(to_tsvector('simple', search_fold(u.name))), ' ') || ' '
    as name_words,
  u.is_deactivated`;

/**
 * The visible tracks and all users, as track search reads them; built with `load`, kept current
 * with `apply`.
 */
export class TrackSearchIndex {
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly titleWords: Postings = new Map();
  private readonly tagWords: Postings = new Map();
  private readonly byOwner = new Map<number, number[]>();
  /** Slots in folded-title order as of the build; `slots` past `builtSlots` came later. */
  private titleOrder: number[] = [];
  private builtSlots = 0;
  private readonly users = new Map<number, SearchUser>();
  /** Users by folded handle as of the build; users changed since are in `changedUsers`. */
  private handleOrder: { handle: string; userId: number }[] = [];
  private readonly changedUsers = new Set<number>();
  private readonly nameWords = new Map<string, number[]>();
  /** Title words in code-unit order, for the words a last query word may be the start of. */
  private sortedWords: string[] = [];
  private wordsStale = false;
  private readonly trigramWords = new Map<string, Set<string>>();
  /** How many distinct trigrams each known word has (the similarity's denominator). */
  private readonly trigramCounts = new Map<string, number>();
  private readonly interned = new Map<string, string>();

  /** Reads every visible track and every user; a million tracks take some seconds. */
  static async load(db: Kysely<DB>): Promise<TrackSearchIndex> {
    const index = new TrackSearchIndex();
    for (let after = 0; ;) {
      const { rows } = await sql<TrackRow>`select ${TRACK_COLUMNS} ${TRACK_FROM}
        and t.track_id > ${after} order by t.track_id limit ${LOAD_BATCH}`.execute(db);
      for (const row of rows) index.addTrack(row);
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]!.track_id;
    }
    for (let after = 0; ;) {
      const { rows } = await sql<UserRow>`select ${USER_COLUMNS} from users u
        where u.user_id > ${after} order by u.user_id limit ${LOAD_BATCH}`.execute(db);
      for (const row of rows) index.setUser(row);
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]!.user_id;
    }
    index.seal();
    return index;
  }

  /** Reads again the tracks and users `changes` names (changed, hidden or deleted). */
  async apply(db: Kysely<DB>, changes: SearchChanges): Promise<void> {
    const trackIds = [...changes.tracks];
    const userIds = [...changes.users];
    const [tracks, users] = await Promise.all([
      trackIds.length === 0
        ? []
        : sql<TrackRow>`select ${TRACK_COLUMNS} ${TRACK_FROM}
            and t.track_id = any(${trackIds}::bigint[])`
            .execute(db)
            .then((r) => r.rows),
      userIds.length === 0
        ? []
        : sql<UserRow>`select ${USER_COLUMNS} from users u where u.user_id = any(${userIds}::bigint[])`
            .execute(db)
            .then((r) => r.rows),
    ]);
    for (const trackId of trackIds) this.removeTrack(trackId);
    for (const row of tracks) this.addTrack(row);
    for (const row of users) {
      this.setUser(row);
      this.changedUsers.add(row.user_id);
    }
  }

  get trackCount(): number {
    return this.slotOf.size;
  }

  /** Tracks changed since the build (out of popularity order until the next), as a share. */
  get changedShare(): number {
    return (this.slots.length - this.builtSlots) / Math.max(1, this.builtSlots);
  }

  /** The query's words as the database splits them, with the folded query. */
  static async queryWords(
    db: Kysely<DB>,
    query: string,
    maxWords: number,
  ): Promise<{ q: string; words: QueryWord[] }> {
    const { rows } = await sql<{ q: string; words: string[] }>`
      select search_fold(${query}) as q,
        array(select lexeme from unnest(to_tsvector('simple', search_fold(${query})))
          order by positions[1]) as words`.execute(db);
    const { q, words } = rows[0]!;
    return {
      q,
      words: words.slice(0, maxWords).map((word, i) => ({ word, last: i === words.length - 1 })),
    };
  }

  // --- what search reads ---

  /** Whether any visible title has the word. */
  isKnown(word: string): boolean {
    return (this.titleWords.get(word)?.slots.length ?? 0) > 0;
  }

  /** Titles the word is in (dead slots included until the next build: an estimate, for order). */
  wordCount(word: string): number {
    return this.titleWords.get(word)?.slots.length ?? 0;
  }

  /** Known words that start with `prefix` (itself included), the most used first. */
  completions(prefix: string, limit: number): string[] {
    const words = this.wordsInOrder();
    let low = lowerBound(words, prefix);
    const found: string[] = [];
    for (; low < words.length && words[low]!.startsWith(prefix); low++) found.push(words[low]!);
    return found
      .sort((a, b) => this.wordCount(b) - this.wordCount(a) || compareCodeUnits(a, b))
      .slice(0, limit);
  }

  /**
   * Known words within `threshold` trigram similarity of `word` (pg_trgm's measure), as
   * [word, similarity] pairs.
   */
  similarWords(word: string, threshold: number): [string, number][] {
    const own = trigrams(word);
    const shared = new Map<string, number>();
    for (const trigram of own)
      for (const known of this.trigramWords.get(trigram) ?? [])
        shared.set(known, (shared.get(known) ?? 0) + 1);
    const found: [string, number][] = [];
    for (const [known, common] of shared) {
      if (!this.isKnown(known)) continue;
      const theirs = this.trigramCounts.get(known)!;
      // pg_trgm computes in single precision; so does this, so ties order as they do there
      const similarity = Math.fround(common / (own.size + theirs - common));
      if (similarity >= threshold) found.push([known, similarity]);
    }
    return found;
  }

  /** Live slots of tracks whose title has `word`: changed tracks first, then by popularity. */
  titleSlots(word: string): Iterable<number> {
    return postingOrder(this.titleWords.get(word));
  }

  tagSlots(word: string): Iterable<number> {
    return postingOrder(this.tagWords.get(word));
  }

  /** Slots of titles that start with `prefix`: in title order, then those changed since. */
  *titlePrefixSlots(prefix: string): Iterable<number> {
    const order = this.titleOrder;
    let low = lowerBound(order, prefix, (slot) => this.slots[slot]!.folded);
    for (; low < order.length && this.slots[order[low]!]!.folded.startsWith(prefix); low++)
      yield order[low]!;
    for (let slot = this.builtSlots; slot < this.slots.length; slot++)
      if (this.slots[slot]!.folded.startsWith(prefix)) yield slot;
  }

  /** Users whose folded handle starts with `prefix`. */
  *handlePrefixUsers(prefix: string): Iterable<number> {
    const order = this.handleOrder;
    let low = lowerBound(order, prefix, (entry) => entry.handle);
    for (; low < order.length && order[low]!.handle.startsWith(prefix); low++)
      if (!this.changedUsers.has(order[low]!.userId)) yield order[low]!.userId;
    for (const id of this.changedUsers) if (this.users.get(id)?.handle.startsWith(prefix)) yield id;
  }

  /** Users a name word of which is `word`. */
  nameWordUsers(word: string): readonly number[] {
    return this.nameWords.get(word) ?? [];
  }

  user(userId: number): SearchUser | undefined {
    return this.users.get(userId);
  }

  /** Live slots of the user's tracks. */
  *ownerSlots(userId: number): Iterable<number> {
    for (const slot of this.byOwner.get(userId) ?? []) if (this.slots[slot]!.alive) yield slot;
  }

  slot(slot: number): Readonly<Slot> {
    return this.slots[slot]!;
  }

  // --- building ---

  private addTrack(row: TrackRow): void {
    const slot = this.slots.length;
    const entry: Slot = {
      trackId: Number(row.track_id),
      ownerId: Number(row.owner_id),
      folded: row.folded,
      words: row.words,
      tags: row.tags,
      genre: this.intern(row.genre),
      mood: this.intern(row.mood),
      createdMs: row.created_ms,
      releaseMs: row.release_ms,
      popularity: row.popularity,
      alive: true,
    };
    this.slots.push(entry);
    this.slotOf.set(entry.trackId, slot);
    for (const word of splitWords(row.words)) {
      let posting = this.titleWords.get(word);
      if (!posting) {
        this.titleWords.set(word, (posting = { slots: [], sorted: 0 }));
        this.addWord(word);
      }
      posting.slots.push(slot);
    }
    for (const word of splitWords(row.tags)) {
      let posting = this.tagWords.get(word);
      if (!posting) this.tagWords.set(word, (posting = { slots: [], sorted: 0 }));
      posting.slots.push(slot);
    }
    let owned = this.byOwner.get(entry.ownerId);
    if (!owned) this.byOwner.set(entry.ownerId, (owned = []));
    owned.push(slot);
  }

  /** One copy of each genre and mood: a million rows bring a million copies of a few dozen. */
  private intern(value: string | null): string | null {
    if (value === null) return null;
    const kept = this.interned.get(value);
    if (kept !== undefined) return kept;
    this.interned.set(value, value);
    return value;
  }

  private removeTrack(trackId: number): void {
    const slot = this.slotOf.get(trackId);
    if (slot === undefined) return;
    this.slotOf.delete(trackId);
    this.slots[slot]!.alive = false;
  }

  private addWord(word: string): void {
    const own = trigrams(word);
    this.trigramCounts.set(word, own.size);
    for (const trigram of own) {
      let words = this.trigramWords.get(trigram);
      if (!words) this.trigramWords.set(trigram, (words = new Set()));
      words.add(word);
    }
    this.wordsStale = true;
  }

  private setUser(row: UserRow): void {
    const userId = Number(row.user_id);
    this.users.set(userId, {
      handle: row.handle,
      nameWords: row.name_words,
      deactivated: row.is_deactivated,
    });
    for (const word of splitWords(row.name_words)) {
      let users = this.nameWords.get(word);
      if (!users) this.nameWords.set(word, (users = []));
      if (!users.includes(userId)) users.push(userId);
    }
  }

  /** Orders what was loaded: each word's tracks by popularity, titles and handles by text. */
  private seal(): void {
    const byPopularity = (a: number, b: number) => {
      const x = this.slots[a]!;
      const y = this.slots[b]!;
      return y.popularity - x.popularity || x.trackId - y.trackId;
    };
    for (const postings of [this.titleWords, this.tagWords])
      for (const posting of postings.values()) {
        posting.slots.sort(byPopularity);
        posting.sorted = posting.slots.length;
      }
    this.titleOrder = this.slots
      .map((_, slot) => slot)
      .sort((a, b) => compareCodeUnits(this.slots[a]!.folded, this.slots[b]!.folded));
    this.builtSlots = this.slots.length;
    this.handleOrder = [...this.users]
      .map(([userId, user]) => ({ handle: user.handle, userId }))
      .sort((a, b) => compareCodeUnits(a.handle, b.handle));
  }

  private wordsInOrder(): string[] {
    if (this.wordsStale) {
      this.sortedWords = [...this.titleWords.keys()].sort(compareCodeUnits);
      this.wordsStale = false;
    }
    return this.sortedWords;
  }
}

/** The words of a ' word word ' string. */
function splitWords(words: string): string[] {
  return words.split(' ').filter((word) => word !== '');
}

function* postingOrder(posting: { slots: number[]; sorted: number } | undefined): Iterable<number> {
  if (!posting) return;
  const { slots, sorted } = posting;
  for (let i = sorted; i < slots.length; i++) yield slots[i]!;
  for (let i = 0; i < sorted; i++) yield slots[i]!;
}

/** Byte order for ASCII and code-unit order otherwise, as the `~>=~` prefix ranges compare. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound<T>(items: readonly T[], key: string, text?: (item: T) => string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const value = text ? text(items[mid]!) : (items[mid] as unknown as string);
    if (value < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * pg_trgm's trigrams of a text: each run of letters and digits padded with two spaces before
 * and one after, every three consecutive characters.
 */
export function trigrams(text: string): Set<string> {
  const found = new Set<string>();
  for (const word of text.split(/[^\p{L}\p{N}]+/u)) {
    if (word === '') continue;
    const padded = [' ', ' ', ...word, ' '];
    for (let i = 0; i + 3 <= padded.length; i++) found.add(padded.slice(i, i + 3).join(''));
  }
  return found;
}

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
    const found = await TrackSearchIndex.queryWords(this.db, query, maxWords);
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
