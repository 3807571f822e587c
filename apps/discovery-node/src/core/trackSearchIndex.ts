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
import type { EntityChanges } from './entityChanges.js';
import { listedTrackRow } from './visibility.js';
import { widened } from './widened.js';
import type { DB } from '../db/schema.js';

/** What the indexer changed in one transaction that search reads (entity ids). */
export type SearchChanges = Pick<EntityChanges, 'tracks' | 'users'>;

/** One query word, folded, with its place in the query. */
export type QueryWord = { word: string; last: boolean };

/** Rows read per round trip when the index is built. */
const LOAD_BATCH = 20_000;

type TrackRow = {
  track_id: number | string;
  owner_id: number | string;
  folded: string;
  words: string[];
  tags: string[];
  genre: string | null;
  mood: string | null;
  created_ms: number;
  release_ms: number | null;
  popularity: number;
};

type UserRow = {
  user_id: number | string;
  handle: string;
  name_words: string[];
  is_deactivated: boolean;
};

/** A user as search sees them: the folded handle, the ids of the name's words, deactivated. */
type SearchUser = { handle: string; nameIds: number[]; deactivated: boolean };

/**
 * A word's tracks: `sorted` in popularity order as of the build, `recent` added since (a changed
 * track is added again; its old slot is dead).
 */
type Posting = { sorted: Int32Array; recent: number[] };

/** A query word resolved against the index's words, for testing a track's or user's words. */
export type QueryTerm = {
  word: string;
  /** The word's id, or -1 when no title, tag or name has it. */
  id: number;
  /** Whether a word that starts with it matches too (the query's last word). */
  prefix: boolean;
  spellingIds: number[];
};

const TRACK_COLUMNS = sql`t.track_id, t.owner_id, search_fold(t.title) as folded,
  tsvector_to_array(to_tsvector('simple', search_fold(t.title))) as words,
  case when coalesce(t.metadata ->> 'tags', '') = '' then array[]::text[]
    else tsvector_to_array(to_tsvector('simple', search_fold(t.metadata ->> 'tags'))) end as tags,
  t.genre, t.mood,
  (extract(epoch from t.created_at) * 1000)::float8 as created_ms,
  (extract(epoch from t.release_date) * 1000)::float8 as release_ms,
  (coalesce(a.repost_count, 0) + coalesce(a.save_count, 0))::float8 as popularity`;
const TRACK_FROM = sql`from tracks t left join aggregate_track a on a.track_id = t.track_id
  where ${listedTrackRow('t')}`;
const USER_COLUMNS = sql`u.user_id, search_fold(u.handle) as handle,
  tsvector_to_array(to_tsvector('simple', search_fold(u.name))) as name_words, u.is_deactivated`;

/**
 * The visible tracks and all users, as track search reads them; built with `load`, kept current
 * with `apply`. A track is a slot: its numbers in typed arrays, its folded title in one byte
 * buffer, its words as word ids in one Int32Array. A million tracks are a few dozen objects to
 * the garbage collector rather than millions (as objects and strings, every major collection
 * walked them all, and its pauses set search's p95).
 */
export class TrackSearchIndex {
  private slots = 0;
  private capacity = 0;
  private trackIds = new Float64Array(0);
  private ownerIds = new Float64Array(0);
  private createdMs = new Float64Array(0);
  /** NaN: no release date. */
  private releaseMs = new Float64Array(0);
  private popularities = new Float64Array(0);
  private alive = new Uint8Array(0);
  private genres = new Uint16Array(0);
  private moods = new Uint16Array(0);
  /** The folded title: bytes [textStart, textEnd) of `text`. */
  private textStart = new Uint32Array(0);
  private textEnd = new Uint32Array(0);
  private text = Buffer.alloc(0);
  private textLength = 0;
  /** Title word ids: ids[titleStart, tagStart); tag word ids: ids[tagStart, idsEnd). */
  private titleStart = new Uint32Array(0);
  private tagStart = new Uint32Array(0);
  private idsEnd = new Uint32Array(0);
  private ids = new Int32Array(0);
  private idsLength = 0;

  private readonly slotOf = new Map<number, number>();
  private readonly wordIds = new Map<string, number>();
  private readonly wordText: string[] = [];
  private readonly titlePostings: (Posting | undefined)[] = [];
  private readonly tagPostings: (Posting | undefined)[] = [];
  /** Genre and mood texts by code (0: none). */
  private readonly codes = new Map<string, number>();
  private readonly codeText: (string | null)[] = [null];
  /** Slots in folded-title order as of the build, and those added since, kept in order. */
  private titleOrder = new Int32Array(0);
  private readonly recentTitleOrder: number[] = [];
  /** Slots by owner as of the build, and those added since. */
  private ownerOrder = new Int32Array(0);
  private readonly recentByOwner = new Map<number, number[]>();
  private builtSlots = 0;

  private readonly users = new Map<number, SearchUser>();
  /** Users by folded handle as of the build; users changed since are in `changedUsers`. */
  private handleOrder: { handle: string; userId: number }[] = [];
  private readonly changedUsers = new Set<number>();
  private readonly nameWords = new Map<number, number[]>();
  /** Title words in code-unit order, for the words a last query word may be the start of. */
  private sortedWords: string[] = [];
  private wordsStale = false;
  private readonly trigramWords = new Map<string, Set<string>>();
  /** How many distinct trigrams each title word has (the similarity's denominator). */
  private readonly trigramCounts = new Map<string, number>();

  /** Reads every visible track and every user; a million tracks take some seconds. */
  static async load(db: Kysely<DB>): Promise<TrackSearchIndex> {
    const index = new TrackSearchIndex();
    for (let after: number | string = 0; ;) {
      const { rows } = await sql<TrackRow>`select ${TRACK_COLUMNS} ${TRACK_FROM}
        and t.track_id > ${after} order by t.track_id limit ${LOAD_BATCH}`.execute(db);
      for (const row of rows) index.addTrack(row);
      if (rows.length < LOAD_BATCH) break;
      after = rows[rows.length - 1]!.track_id;
    }
    for (let after: number | string = 0; ;) {
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
    for (const row of tracks) {
      const slot = this.addTrack(row);
      insertSorted(this.recentTitleOrder, slot, (a, b) => this.compareTitles(a, b));
      const ownerId = this.ownerIds[slot]!;
      let owned = this.recentByOwner.get(ownerId);
      if (!owned) this.recentByOwner.set(ownerId, (owned = []));
      owned.push(slot);
    }
    for (const row of users) {
      this.setUser(row);
      this.changedUsers.add(Number(row.user_id));
    }
  }

  get trackCount(): number {
    return this.slotOf.size;
  }

  /** Tracks changed since the build (out of popularity order until the next), as a share. */
  get changedShare(): number {
    return (this.slots - this.builtSlots) / Math.max(1, this.builtSlots);
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

  // --- the dictionary ---

  /** Whether any visible title has the word. */
  isKnown(word: string): boolean {
    return this.wordCount(word) > 0;
  }

  /** Titles the word is in (dead slots included until the next build: an estimate, for order). */
  wordCount(word: string): number {
    const posting = this.titlePostings[this.wordIds.get(word) ?? -1];
    return posting ? posting.sorted.length + posting.recent.length : 0;
  }

  /** Known words that start with `prefix` (itself included), the most used first. */
  completions(prefix: string, limit: number): string[] {
    const words = this.wordsInOrder();
    let low = lowerBound(words.length, (i) => words[i]! < prefix);
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

  /** A query word with its spellings, resolved to word ids. */
  term(word: string, spellings: readonly string[], prefix: boolean): QueryTerm {
    return {
      word,
      id: this.wordIds.get(word) ?? -1,
      prefix,
      spellingIds: spellings.map((spelling) => this.wordIds.get(spelling) ?? -1),
    };
  }

  /** Genre or mood codes of the texts (a text no track has gets none). */
  codesOf(texts: readonly string[]): number[] {
    return texts.flatMap((text) => this.codes.get(text) ?? []);
  }

  // --- probes: slots in the order they are read ---

  /** Live or dead slots of tracks whose title has `word`: changed tracks first, then by popularity. */
  titleSlots(word: string): SlotList {
    return postingOrder(this.titlePostings[this.wordIds.get(word) ?? -1]);
  }

  tagSlots(word: string): SlotList {
    return postingOrder(this.tagPostings[this.wordIds.get(word) ?? -1]);
  }

  /** Slots of titles that start with `prefix` (folded, UTF-8): in title order, built then since. */
  titlePrefixSlots(prefix: Buffer): SlotList {
    const range = (order: ArrayLike<number>) => {
      const at = lowerBound(order.length, (i) => this.compareTitle(order[i]!, prefix) < 0);
      // Titles that start with the prefix follow those before it, and precede the rest.
      const end = lowerBound(
        order.length,
        (i) =>
          this.compareTitle(order[i]!, prefix) < 0 || this.titleStartsWith(order[i]!, prefix) > 0,
      );
      return [at, end] as const;
    };
    const [at, end] = range(this.titleOrder);
    const [recentAt, recentEnd] = range(this.recentTitleOrder);
    return [this.titleOrder.subarray(at, end), this.recentTitleOrder.slice(recentAt, recentEnd)];
  }

  /** Users whose folded handle starts with `prefix`. */
  *handlePrefixUsers(prefix: string): Iterable<number> {
    const order = this.handleOrder;
    let at = lowerBound(order.length, (i) => order[i]!.handle < prefix);
    for (; at < order.length && order[at]!.handle.startsWith(prefix); at++)
      if (!this.changedUsers.has(order[at]!.userId)) yield order[at]!.userId;
    for (const id of this.changedUsers) if (this.users.get(id)?.handle.startsWith(prefix)) yield id;
  }

  /** Users a name word of whom is `word` (or was: check `nameMatches`). */
  nameWordUsers(word: string): readonly number[] {
    return this.nameWords.get(this.wordIds.get(word) ?? -1) ?? [];
  }

  /** Slots of the user's tracks (dead ones included). */
  ownerSlots(userId: number): SlotList {
    const order = this.ownerOrder;
    const owners = this.ownerIds;
    const at = lowerBound(order.length, (i) => owners[order[i]!]! < userId);
    const end = lowerBound(order.length, (i) => owners[order[i]!]! <= userId);
    return [order.subarray(at, end), this.recentByOwner.get(userId) ?? []];
  }

  // --- a slot ---

  isAlive(slot: number): boolean {
    return this.alive[slot] === 1;
  }
  trackId(slot: number): number {
    return this.trackIds[slot]!;
  }
  ownerId(slot: number): number {
    return this.ownerIds[slot]!;
  }
  genre(slot: number): number {
    return this.genres[slot]!;
  }
  mood(slot: number): number {
    return this.moods[slot]!;
  }
  createdAt(slot: number): number {
    return this.createdMs[slot]!;
  }
  /** NaN when it has no release date. */
  releaseAt(slot: number): number {
    return this.releaseMs[slot]!;
  }
  popularity(slot: number): number {
    return this.popularities[slot]!;
  }

  /** 1 when the folded title is `q`, 0.9 when it starts with it, else 0. */
  titleStartsWith(slot: number, q: Buffer): number {
    const start = this.textStart[slot]!;
    const length = this.textEnd[slot]! - start;
    if (length < q.length) return 0;
    // byte by byte: a query is a few bytes, and Buffer.compare's call costs more than the loop
    const text = this.text;
    for (let i = 0; i < q.length; i++) if (text[start + i] !== q[i]) return 0;
    return length === q.length ? 1 : 0.9;
  }

  /** Whether the title's words hold every term (as typed; `loose`: or a spelling). */
  titleMatches(slot: number, terms: readonly QueryTerm[], loose: boolean): boolean {
    return this.idsMatch(this.ids, this.titleStart[slot]!, this.tagStart[slot]!, terms, loose);
  }

  tagsMatch(slot: number, terms: readonly QueryTerm[], loose: boolean): boolean {
    return this.idsMatch(this.ids, this.tagStart[slot]!, this.idsEnd[slot]!, terms, loose);
  }

  /** Whether the user is active and the name's words hold every term (spellings forgiven). */
  nameMatches(userId: number, terms: readonly QueryTerm[]): boolean {
    const user = this.users.get(userId);
    return !!user && this.idsMatch(user.nameIds, 0, user.nameIds.length, terms, true);
  }

  /** Whether the user is known and not deactivated. */
  isActive(userId: number): boolean {
    return this.users.get(userId)?.deactivated === false;
  }

  private idsMatch(
    ids: ArrayLike<number>,
    start: number,
    end: number,
    terms: readonly QueryTerm[],
    loose: boolean,
  ): boolean {
    for (const term of terms) {
      let found = false;
      for (let i = start; i < end && !found; i++) {
        const id = ids[i]!;
        found =
          id === term.id ||
          (term.prefix && this.wordText[id]!.startsWith(term.word)) ||
          (loose && term.spellingIds.includes(id));
      }
      if (!found) return false;
    }
    return true;
  }

  // --- building ---

  private addTrack(row: TrackRow): number {
    const slot = this.slots;
    const folded = Buffer.from(row.folded, 'utf8');
    const wordIds = row.words.map((word) => this.wordId(word));
    const tagIds = row.tags.map((word) => this.wordId(word));
    this.reserve(slot + 1, folded.length, wordIds.length + tagIds.length);
    this.slots++;
    const trackId = Number(row.track_id);
    this.trackIds[slot] = trackId;
    this.ownerIds[slot] = Number(row.owner_id);
    this.createdMs[slot] = row.created_ms;
    this.releaseMs[slot] = row.release_ms ?? Number.NaN;
    this.popularities[slot] = row.popularity;
    this.alive[slot] = 1;
    this.genres[slot] = this.code(row.genre);
    this.moods[slot] = this.code(row.mood);
    this.textStart[slot] = this.textLength;
    folded.copy(this.text, this.textLength);
    this.textLength += folded.length;
    this.textEnd[slot] = this.textLength;
    this.titleStart[slot] = this.idsLength;
    this.ids.set(wordIds, this.idsLength);
    this.idsLength += wordIds.length;
    this.tagStart[slot] = this.idsLength;
    this.ids.set(tagIds, this.idsLength);
    this.idsLength += tagIds.length;
    this.idsEnd[slot] = this.idsLength;
    this.slotOf.set(trackId, slot);
    for (const id of wordIds) {
      let posting = this.titlePostings[id];
      if (!posting) {
        this.titlePostings[id] = posting = { sorted: new Int32Array(0), recent: [] };
        this.addTitleWord(this.wordText[id]!);
      }
      posting.recent.push(slot);
    }
    for (const id of tagIds)
      (this.tagPostings[id] ??= { sorted: new Int32Array(0), recent: [] }).recent.push(slot);
    return slot;
  }

  private removeTrack(trackId: number): void {
    const slot = this.slotOf.get(trackId);
    if (slot === undefined) return;
    this.slotOf.delete(trackId);
    this.alive[slot] = 0;
  }

  /** Room for `slots` slots and `textBytes` and `idCount` more; every column grows together. */
  private reserve(slots: number, textBytes: number, idCount: number): void {
    if (slots > this.capacity) {
      const capacity = Math.max(1024, this.capacity * 2, slots);
      this.trackIds = widened(this.trackIds, capacity);
      this.ownerIds = widened(this.ownerIds, capacity);
      this.createdMs = widened(this.createdMs, capacity);
      this.releaseMs = widened(this.releaseMs, capacity);
      this.popularities = widened(this.popularities, capacity);
      this.alive = widened(this.alive, capacity);
      this.genres = widened(this.genres, capacity);
      this.moods = widened(this.moods, capacity);
      this.textStart = widened(this.textStart, capacity);
      this.textEnd = widened(this.textEnd, capacity);
      this.titleStart = widened(this.titleStart, capacity);
      this.tagStart = widened(this.tagStart, capacity);
      this.idsEnd = widened(this.idsEnd, capacity);
      this.capacity = capacity;
    }
    if (this.textLength + textBytes > this.text.length) {
      const text = Buffer.alloc(
        Math.max(64 * 1024, this.text.length * 2, this.textLength + textBytes),
      );
      this.text.copy(text, 0, 0, this.textLength);
      this.text = text;
    }
    if (this.idsLength + idCount > this.ids.length) {
      const ids = new Int32Array(Math.max(4096, this.ids.length * 2, this.idsLength + idCount));
      ids.set(this.ids.subarray(0, this.idsLength));
      this.ids = ids;
    }
  }

  private wordId(word: string): number {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      id = this.wordText.length;
      this.wordIds.set(word, id);
      this.wordText.push(word);
    }
    return id;
  }

  /** A genre or mood as its code: a few dozen texts, not a copy per track. */
  private code(text: string | null): number {
    if (text === null) return 0;
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.codeText.length;
      this.codes.set(text, code);
      this.codeText.push(text);
    }
    return code;
  }

  private addTitleWord(word: string): void {
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
    const nameIds = row.name_words.map((word) => this.wordId(word));
    this.users.set(userId, { handle: row.handle, nameIds, deactivated: row.is_deactivated });
    for (const id of nameIds) {
      let users = this.nameWords.get(id);
      if (!users) this.nameWords.set(id, (users = []));
      if (!users.includes(userId)) users.push(userId);
    }
  }

  /** Orders what was loaded: each word's tracks by popularity, titles, owners and handles. */
  private seal(): void {
    const popularity = this.popularities;
    const trackIds = this.trackIds;
    const byPopularity = (a: number, b: number) =>
      popularity[b]! - popularity[a]! || trackIds[a]! - trackIds[b]!;
    for (const postings of [this.titlePostings, this.tagPostings])
      for (const posting of postings) {
        if (!posting) continue;
        posting.sorted = Int32Array.from(posting.recent).sort(byPopularity);
        posting.recent = [];
      }
    const all = () => Int32Array.from({ length: this.slots }, (_, slot) => slot);
    this.titleOrder = all().sort((a, b) => this.compareTitles(a, b));
    const owners = this.ownerIds;
    this.ownerOrder = all().sort((a, b) => owners[a]! - owners[b]! || a - b);
    this.builtSlots = this.slots;
    this.handleOrder = [...this.users]
      .map(([userId, user]) => ({ handle: user.handle, userId }))
      .sort((a, b) => compareCodeUnits(a.handle, b.handle));
  }

  /** Folded titles in byte order (as `~<~` compares). */
  private compareTitles(a: number, b: number): number {
    return this.text.compare(
      this.text,
      this.textStart[b],
      this.textEnd[b],
      this.textStart[a],
      this.textEnd[a],
    );
  }

  private compareTitle(slot: number, text: Buffer): number {
    return this.text.compare(text, 0, text.length, this.textStart[slot], this.textEnd[slot]);
  }

  private wordsInOrder(): string[] {
    if (this.wordsStale) {
      this.sortedWords = this.wordText.filter((word) => this.isKnown(word)).sort(compareCodeUnits);
      this.wordsStale = false;
    }
    return this.sortedWords;
  }
}

/** A probe's slots: its parts, read in order (plain arrays: a generator per slot cost more than the check). */
export type SlotList = readonly ArrayLike<number>[];

function postingOrder(posting: Posting | undefined): SlotList {
  return posting ? [posting.recent, posting.sorted] : [];
}

/** Inserts `value` into the ordered `items` where `compare` puts it. */
function insertSorted(items: number[], value: number, compare: (a: number, b: number) => number) {
  items.splice(
    lowerBound(items.length, (i) => compare(items[i]!, value) < 0),
    0,
    value,
  );
}

/** Code-unit order, as handles and words are compared here. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index in [0, length) for which `before` is false (it is true, then false). */
function lowerBound(length: number, before: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(mid)) low = mid + 1;
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
