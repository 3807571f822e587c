// The bounds and weights both track searches share, the database's (core/search.ts) and the
// in-memory index's (core/searchTrackIndex.ts), so that the two find and rank alike.

export type SearchSort = 'relevant' | 'popular' | 'recent';

/**
 * Candidates each trigram probe may contribute. Paging ends where the candidates do: a query
 * whose words are in more rows than this sees a bounded sample of them, ranked.
 */
export const PROBE_CANDIDATES = 200;
/** Candidates from the prefix probe (titles and handles that start with the query). */
export const PREFIX_CANDIDATES = 100;
/**
 * gin_fuzzy_search_limit: a GIN scan of a word in more rows than this returns a random sample of
 * about this many, so that "love" in a million titles costs what a rare word does.
 */
export const GIN_SAMPLE = 5000;
/** Users whose name or handle matches, whose tracks become track candidates. */
export const OWNER_CANDIDATES = 10;
/**
 * Weight of popularity in the `relevant` order: score = relevance + weight * ln(1 + popularity).
 * An exact title (1.0) against a prefix (0.9) is worth about 150 reposts and saves; a typo
 * (about 0.5) needs far more to pass a clean match.
 */
export const POPULARITY_WEIGHT = 0.02;
/** How much a match on a track's owner or tags counts against a match on its title. */
export const OWNER_WEIGHT = 0.6;
export const TAGS_WEIGHT = 0.5;
/**
 * Known words a query word may mean with typos, per query word (the fewest typos first, then the
 * most used): the typo rules are in core/searchTypos.ts.
 */
export const SPELLINGS_PER_WORD = 8;
/**
 * A query word this long (in letters) may carry one typo; shorter ones must be exact. Typesense's
 * defaults (`min_len_1typo` 4, `min_len_2typo` 7), not Meilisearch's (5, 9): with those, "hart"
 * and "lovr" (4 letters) and "melodie" (two typos, 7 letters) found nothing.
 */
export const MIN_LENGTH_ONE_TYPO = 4;
/** A query word this long may carry two typos. */
export const MIN_LENGTH_TWO_TYPOS = 7;
/**
 * Relevance of a title that matches the words only with typos forgiven (as typed: 0.8 to 1). In
 * the `relevant` order, fewer typos rank first whatever the relevance and popularity.
 */
export const TITLE_WORDS_WEIGHT = 0.7;
/** Known words a last, unfinished query word may be the start of, taken into the popular probe. */
export const PREFIX_WORDS = 4;
/** Rows the popular probe reads: query words and spellings times POPULAR_PER_WORD, bounded. */
export const POPULAR_CANDIDATES = 2000;
