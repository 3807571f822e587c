// Track search from memory. Searching a million titles in PostgreSQL cost about 11 ms of database
// CPU per query (a dictionary lookup, four index probes, three key lookups per candidate and the
// plan), which on two cores held search to about 150 queries a second. Here the same search is a
// few map lookups and a sort of a few hundred candidates, about a tenth of a millisecond.
//
// The index holds every visible track's folded title, title and tag words, filters and
// popularity (in its columns, core/trackColumns.ts), and every user's handle and name words. Each
// word's tracks are kept in popularity order (as of the last build) with the tracks changed since
// appended, so a probe reads the most popular matches of a word first however common the word is.
// The indexer reports what each transaction changed; those tracks and users are read again before
// the index answers another search (core/trackSearch.ts), so it is never older than the block a
// search is served under. The node rebuilds it with the other derived tables, which puts changed
// tracks back in popularity order. The rows and the words are read as the database splits them
// (core/trackSearchRows.ts).
import type { Kysely } from 'kysely';
import { type Spelling, spellingsAmong, typoBudget, wordsWithin } from './searchTypos.js';
import { type QueryTerm, TrackColumns } from './trackColumns.js';
import {
  type SearchChanges,
  type TrackRow,
  type UserRow,
  readAllTrackRows,
  readAllUserRows,
  readChangedRows,
} from './trackSearchRows.js';
import type { DB } from '../db/schema.js';

/** Query words whose spellings are kept (each costs a pass over the words sharing a trigram). */
const SPELLINGS_KEPT = 10_000;

/** A user as search sees them: the folded handle, the ids of the name's words, deactivated. */
type SearchUser = { handle: string; nameIds: number[]; deactivated: boolean };

/**
 * A word's tracks: `sorted` in popularity order as of the build, `recent` added since (a changed
 * track is added again; its old slot is dead).
 */
type Posting = { sorted: Int32Array; recent: number[] };

/**
 * The visible tracks and all users, as track search reads them; built with `load`, kept current
 * with `apply`. The tracks are the columns it extends; on them it keeps each word's tracks, the
 * orders the probes read and the users.
 */
export class TrackSearchIndex extends TrackColumns {
  private readonly titlePostings: (Posting | undefined)[] = [];
  private readonly tagPostings: (Posting | undefined)[] = [];
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
  /** Spellings found per query word, until the tracks change (words come and go with them). */
  private readonly spellingsKept = new Map<string, Spelling[]>();

  /** Reads every visible track and every user; a million tracks take some seconds. */
  static async load(db: Kysely<DB>): Promise<TrackSearchIndex> {
    const index = new TrackSearchIndex();
    await readAllTrackRows(db, (row) => index.addTrack(row));
    await readAllUserRows(db, (row) => index.setUser(row));
    index.seal();
    return index;
  }

  /** Reads again the tracks and users `changes` names (changed, hidden or deleted). */
  async apply(db: Kysely<DB>, changes: SearchChanges): Promise<void> {
    const trackIds = [...changes.tracks];
    const userIds = [...changes.users];
    const [tracks, users] = await readChangedRows(db, trackIds, userIds);
    this.spellingsKept.clear();
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

  /** Tracks changed since the build (out of popularity order until the next), as a share. */
  get changedShare(): number {
    return (this.slots - this.builtSlots) / Math.max(1, this.builtSlots);
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
   * Known title words `word` may mean with typos (core/searchTypos.ts; with `prefix`, words whose
   * start it may mean): every known word within its allowance (`wordsWithin` walks the sorted
   * words as a trie), the fewest typos and the most used first.
   */
  spellings(word: string, prefix: boolean, limit: number): Spelling[] {
    if (typoBudget(word) === 0) return [];
    const key = `${prefix ? '*' : ''}${limit}:${word}`;
    const kept = this.spellingsKept.get(key);
    if (kept) return kept;
    const candidates = wordsWithin(this.wordsInOrder(), word, typoBudget(word), prefix).filter(
      (known) => this.isKnown(known),
    );
    const found = spellingsAmong(word, candidates, prefix, (known) => this.wordCount(known), limit);
    if (this.spellingsKept.size >= SPELLINGS_KEPT) this.spellingsKept.clear();
    this.spellingsKept.set(key, found);
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

  // --- a user ---

  /** Whether the user is active and the name's words hold every term (spellings forgiven). */
  nameMatches(userId: number, terms: readonly QueryTerm[]): boolean {
    const user = this.users.get(userId);
    return !!user && this.idsMatch(user.nameIds, 0, user.nameIds.length, terms, true);
  }

  /** Whether the user is known and not deactivated. */
  isActive(userId: number): boolean {
    return this.users.get(userId)?.deactivated === false;
  }

  // --- building ---

  private addTrack(row: TrackRow): number {
    const wordIds = row.words.map((word) => this.wordId(word));
    const tagIds = row.tags.map((word) => this.wordId(word));
    const slot = this.addSlot(row, wordIds, tagIds);
    for (const id of wordIds) {
      let posting = this.titlePostings[id];
      if (!posting) {
        this.titlePostings[id] = posting = { sorted: new Int32Array(0), recent: [] };
        this.wordsStale = true; // a new title word
      }
      posting.recent.push(slot);
    }
    for (const id of tagIds)
      (this.tagPostings[id] ??= { sorted: new Int32Array(0), recent: [] }).recent.push(slot);
    return slot;
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
