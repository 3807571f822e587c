// The column storage under the track search index (core/trackSearchIndex.ts): one slot per track,
// and the dictionary of words and genre/mood texts the slots refer to by id. The index extends
// it, so a probe reads `this.alive[slot]` as it did when both were one class (no object between).
import type { TrackRow } from './trackSearchRows.js';
import { widened } from './widened.js';

/** A query word resolved against the index's words, for testing a track's or user's words. */
export type QueryTerm = {
  word: string;
  /** The word's id, or -1 when no title, tag or name has it. */
  id: number;
  /** Whether a word that starts with it matches too (the query's last word). */
  prefix: boolean;
  spellingIds: number[];
};

/**
 * The tracks as track search reads them. A track is a slot: its numbers in typed arrays, its
 * folded title in one byte buffer, its words as word ids in one Int32Array. A million tracks are
 * a few dozen objects to the garbage collector rather than millions (as objects and strings,
 * every major collection walked them all, and its pauses set search's p95).
 */
export abstract class TrackColumns {
  protected slots = 0;
  private capacity = 0;
  protected trackIds = new Float64Array(0);
  protected ownerIds = new Float64Array(0);
  private createdMs = new Float64Array(0);
  /** NaN: no release date. */
  private releaseMs = new Float64Array(0);
  protected popularities = new Float64Array(0);
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

  protected readonly slotOf = new Map<number, number>();
  protected readonly wordIds = new Map<string, number>();
  protected readonly wordText: string[] = [];
  /** Genre and mood texts by code (0: none). */
  private readonly codes = new Map<string, number>();
  private readonly codeText: (string | null)[] = [null];

  get trackCount(): number {
    return this.slotOf.size;
  }

  /** Genre or mood codes of the texts (a text no track has gets none). */
  codesOf(texts: readonly string[]): number[] {
    return texts.flatMap((text) => this.codes.get(text) ?? []);
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

  /** Whether the word ids ids[start, end) hold every term. */
  protected idsMatch(
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

  /** Folded titles in byte order (as `~<~` compares). */
  protected compareTitles(a: number, b: number): number {
    return this.text.compare(
      this.text,
      this.textStart[b],
      this.textEnd[b],
      this.textStart[a],
      this.textEnd[a],
    );
  }

  protected compareTitle(slot: number, text: Buffer): number {
    return this.text.compare(text, 0, text.length, this.textStart[slot], this.textEnd[slot]);
  }

  // --- building ---

  /** Writes the track into a new slot, its title and tag words given as word ids. */
  protected addSlot(row: TrackRow, wordIds: readonly number[], tagIds: readonly number[]): number {
    const slot = this.slots;
    const folded = Buffer.from(row.folded, 'utf8');
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
    return slot;
  }

  /** Marks the track's slot dead (its place in the orders and postings stays until a build). */
  protected removeTrack(trackId: number): void {
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

  /** The word's id, given it the first time the word is seen. */
  protected wordId(word: string): number {
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
}
