// Track search from the in-memory index (core/trackSearchIndex.ts): what searchTracks runs once
// the index is loaded, finding and ranking as its SQL does.
import {
  type SearchSort,
  GIN_SAMPLE,
  OWNER_CANDIDATES,
  OWNER_WEIGHT,
  POPULARITY_WEIGHT,
  POPULAR_CANDIDATES,
  PREFIX_CANDIDATES,
  PREFIX_WORDS,
  PROBE_CANDIDATES,
  SPELLINGS_PER_WORD,
  TAGS_WEIGHT,
  TITLE_WORDS_WEIGHT,
} from './searchTuning.js';
import type { QueryTerm } from './trackColumns.js';
import type { SlotList, TrackSearchIndex } from './trackSearchIndex.js';
import type { QueryWord } from './trackSearchRows.js';
import { isScheduledAt } from './visibility.js';

/** Words a last, unfinished query word expands to when the index is read (the most used). */
const PREFIX_EXPANSION = 16;
/**
 * Index entries one probe reads, at most, however few of them match: a query of two common
 * words reads this many of the rarer one's most popular titles (gin_fuzzy_search_limit's bound).
 */
const PROBE_READS = GIN_SAMPLE;

type IndexSearch = {
  sort: SearchSort;
  limit: number;
  offset: number;
  genres: string[] | undefined;
  moods: string[] | undefined;
};

/**
 * The track search of `searchTracks` (core/search.ts), from the in-memory index: the same words, spellings and
 * completions, the same relevance and order. The probes differ in one way: each word's tracks
 * are read most popular first, where the database handed them over in storage order, so a
 * common word's best matches are always among the ranked.
 */
export function searchTrackIndex(
  index: TrackSearchIndex,
  q: string,
  queryWords: QueryWord[],
  { sort, limit, offset, genres, moods }: IndexSearch,
): number[] {
  const words = queryWords.map((w) => {
    const completions = w.last ? index.completions(w.word, PREFIX_WORDS) : [];
    const typos = index.spellings(w.word, w.last, SPELLINGS_PER_WORD);
    return { word: w.word, spellings: typos.map((t) => t.word), typos, completions };
  });
  const lastAt = words.length - 1;
  // every word as typed (the last one also as the start of a word), or a spelling of it
  const terms = words.map((w, i) => index.term(w.word, w.spellings, i === lastAt));
  // each word again with only its spellings of at most 0, 1 and 2 typos: a title's typos are, per
  // query word, the fewest any of its words needs
  const termsByTypos = words.map((w, i) =>
    [0, 1, 2].map((most) =>
      index.term(
        w.word,
        w.typos.filter((t) => t.typos <= most).map((t) => t.word),
        i === lastAt,
      ),
    ),
  );
  const anyTypos = words.some((w) => w.typos.length > 0);
  const typosOf = (slot: number, matches: (slot: number, terms: QueryTerm[]) => boolean) => {
    let total = 0;
    for (const levels of termsByTypos) {
      const fewest = levels.findIndex((term) => matches(slot, [term]));
      if (fewest < 0) return undefined;
      total += fewest;
    }
    return total;
  };
  const qBytes = Buffer.from(q, 'utf8');
  const now = Date.now();
  const genreCodes = genres && index.codesOf(genres);
  const moodCodes = moods && index.codesOf(moods);
  const passes = (slot: number) =>
    index.isAlive(slot) &&
    (!genreCodes || genreCodes.includes(index.genre(slot))) &&
    (!moodCodes || moodCodes.includes(index.mood(slot)));
  const scores = new Map<number, number>();
  /**
   * From each list, the first `perList` slots that pass `check`, `total` in all, as the SQL
   * probes' limits take them; PROBE_READS entries read at most.
   */
  const take = (
    lists: SlotList[],
    score: number,
    perList: number,
    total: number,
    check: (slot: number) => boolean,
  ) => {
    let read = 0;
    let takenAll = 0;
    for (const parts of lists) {
      let taken = 0;
      list: for (const slots of parts)
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          if (taken >= perList) break list;
          if (takenAll >= total || ++read > PROBE_READS) return;
          if (!passes(slot) || !check(slot)) continue;
          taken++;
          takenAll++;
          if ((scores.get(slot) ?? 0) < score) scores.set(slot, score);
        }
    }
  };
  // The rarest query word (with its spellings and, last, the words it starts) leads the probes.
  const expansions = words.map((w, i) => [
    ...new Set([
      w.word,
      ...w.spellings,
      ...(i === lastAt ? index.completions(w.word, PREFIX_EXPANSION) : []),
    ]),
  ]);
  const titles = (list: string[]) => list.reduce((n, word) => n + index.wordCount(word), 0);
  const lead = expansions
    .map((list) => ({ list, titles: titles(list) }))
    .reduce((best, next) => (next.titles < best.titles ? next : best)).list;
  take(
    lead.map((word) => index.titleSlots(word)),
    TITLE_WORDS_WEIGHT,
    offset + limit,
    POPULAR_CANDIDATES,
    (slot) => index.titleMatches(slot, terms, true),
  );
  take(
    [index.titlePrefixSlots(qBytes)],
    TITLE_WORDS_WEIGHT,
    Math.max(offset + limit, PREFIX_CANDIDATES),
    Infinity,
    () => true,
  );
  take(
    lead.map((word) => index.tagSlots(word)),
    TAGS_WEIGHT,
    PROBE_CANDIDATES,
    PROBE_CANDIDATES,
    (slot) => index.tagsMatch(slot, terms, true),
  );
  const owners = new Set<number>();
  // owners the query matches as typed (a handle it starts, a name holding its words): their
  // tracks are exact matches, whatever typos their titles need
  const exactOwners = new Set<number>();
  const exactTerms = termsByTypos.map((levels) => levels[0]!);
  for (const userId of index.handlePrefixUsers(q)) {
    if (owners.size >= OWNER_CANDIDATES) break;
    if (!index.isActive(userId)) continue;
    owners.add(userId);
    exactOwners.add(userId);
  }
  for (const word of lead)
    for (const userId of index.nameWordUsers(word)) {
      if (owners.size >= OWNER_CANDIDATES) break;
      if (!index.isActive(userId) || !index.nameMatches(userId, terms)) continue;
      owners.add(userId);
      if (index.nameMatches(userId, exactTerms)) exactOwners.add(userId);
    }
  take(
    [...owners].map((userId) => index.ownerSlots(userId)),
    OWNER_WEIGHT,
    PROBE_CANDIDATES,
    PROBE_CANDIDATES,
    () => true,
  );
  type Ranked = {
    trackId: number;
    /** typos the title (else the tags) needs to match; 0 for an exact match on the owner */
    typos: number;
    relevance: number;
    /** relevance + POPULARITY_WEIGHT * ln(1 + popularity): the `relevant` order */
    blended: number;
    popularity: number;
    createdMs: number;
  };
  const ranked: Ranked[] = [];
  for (const [slot, score] of scores) {
    if (isScheduledAt(index.releaseAt(slot), now)) continue;
    if (!index.isActive(index.ownerId(slot))) continue;
    const start = index.titleStartsWith(slot, qBytes);
    const text =
      start > 0
        ? start
        : score === TITLE_WORDS_WEIGHT && index.titleMatches(slot, terms, false)
          ? 0.8
          : 0;
    const relevance = Math.max(text, score);
    const popularity = index.popularity(slot);
    const typos =
      !anyTypos || exactOwners.has(index.ownerId(slot))
        ? 0
        : (typosOf(slot, (s, t) => index.titleMatches(s, t, true)) ??
          typosOf(slot, (s, t) => index.tagsMatch(s, t, true)) ??
          0);
    ranked.push({
      trackId: index.trackId(slot),
      typos,
      relevance,
      blended: relevance + POPULARITY_WEIGHT * Math.log(1 + popularity),
      popularity,
      createdMs: index.createdAt(slot),
    });
  }
  const byOrder: Record<SearchSort, (a: Ranked, b: Ranked) => number> = {
    relevant: (a, b) =>
      a.typos - b.typos ||
      b.blended - a.blended ||
      b.popularity - a.popularity ||
      a.trackId - b.trackId,
    popular: (a, b) =>
      b.popularity - a.popularity || b.relevance - a.relevance || a.trackId - b.trackId,
    recent: (a, b) => b.createdMs - a.createdMs || b.trackId - a.trackId,
  };
  ranked.sort(byOrder[sort]);
  return ranked.slice(offset, offset + limit).map((r) => r.trackId);
}
