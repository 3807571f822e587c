// The typo rules of track search, as dedicated search engines (Meilisearch, Typesense) have taught
// people to expect, at Typesense's thresholds: a query word of 4 to 6 letters may carry one typo,
// of 7 or more two, a shorter one none (core/searchTuning.ts says why not Meilisearch's 5 and 9); swapping two adjacent letters is one typo (optimal string alignment distance, a
// restricted Damerau-Levenshtein); the query's last word may be the start of a word, with the same
// allowance on that start. One spelling people use on purpose counts as a typo too: "-ite" for
// "-ight" (lite, nite, midnite), which is three edits away and no typo rule would reach.
//
// The distances are bounded (they stop as soon as the bound is passed) and have a prefix form;
// the npm Damerau-Levenshtein packages compute whole, unbounded distances only, which over a
// candidate list cost several times as much, and none has the prefix form the last word needs.
import { MIN_LENGTH_ONE_TYPO, MIN_LENGTH_TWO_TYPOS } from './searchTuning.js';

/** A known word a query word may mean, and at how many typos. */
export type Spelling = { word: string; typos: 0 | 1 | 2 };

/** The typos a query word of `word`'s length may carry (its letters, as code points). */
export function typoBudget(word: string): 0 | 1 | 2 {
  const length = [...word].length;
  return length >= MIN_LENGTH_TWO_TYPOS ? 2 : length >= MIN_LENGTH_ONE_TYPO ? 1 : 0;
}

/**
 * The typos between `query` and `known` (or, with `prefix`, between `query` and the closest
 * start of `known`), or undefined when more than `max`. A sound-alike spelling ("-ite" for
 * "-ight", either way) costs one typo. Letters are UTF-16 code units (a letter outside the
 * Basic Multilingual Plane, an emoji, counts as two).
 */
export function typosBetween(
  query: string,
  known: string,
  max: number,
  prefix: boolean,
): number | undefined {
  let best = osa(query, known, max, prefix);
  if (best === 0 || max === 0) return best;
  for (const variant of soundAlikes(query)) {
    const rest = osa(variant, known, Math.min(max, best ?? max + 1) - 1, prefix);
    if (rest !== undefined && (best === undefined || rest + 1 < best)) best = rest + 1;
  }
  return best;
}

/** Whether `known` is within a length a word of `query`'s length and budget can reach. */
export function lengthWithin(query: string, known: string, max: number, prefix: boolean): boolean {
  // a sound-alike adds or drops one letter on top of the typos it costs
  const slack = max + (max > 0 ? 1 : 0);
  return prefix
    ? known.length >= query.length - slack
    : Math.abs(query.length - known.length) <= slack;
}

/** The three rows the distance keeps, reused by every call (a search runs hundreds). */
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * Optimal string alignment distance between `a` and `b` (or the closest prefix of `b`), or
 * undefined when it is more than `max`. Rows over `b`, three kept; it stops once two rows in a
 * row are all past `max` (no later cell can come back under it).
 */
function osa(a: string, b: string, max: number, prefix: boolean): number | undefined {
  if (max < 0) return undefined;
  const n = a.length;
  const m = prefix ? Math.min(b.length, n + max) : b.length;
  if (!prefix && Math.abs(n - m) > max) return undefined;
  if (rows[0]!.length < m + 1) rows = rows.map(() => new Int32Array(2 * (m + 1)));
  let [older, prev, row] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= m; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= n; i++) {
    row[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        d = Math.min(d, older[j - 2]! + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max && prevMin > max) return undefined;
    prevMin = rowMin;
    [older, prev, row] = [prev, row, older];
  }
  // `prev` is now the last row: the whole of a against all of b, or against each start of b
  let distance = prev[m]!;
  if (prefix) for (let j = 0; j < m; j++) distance = Math.min(distance, prev[j]!);
  return distance <= max ? distance : undefined;
}

/**
 * The words of `sorted` (distinct, in code-unit order) within `max` typos of `word` (with
 * `prefix`, those with a start within `max` typos), the "-ite"/"-ight" spelling included: every
 * one, however short the word, where words sharing a trigram with it miss some (a swap in a
 * 4-letter word leaves it one trigram, two swaps in a 7-letter word none). The sorted words are
 * walked as a trie: the distance row of a shared start is computed once for all the words that
 * share it, and a start already more than `max` away ends the walk under it, so a query word
 * visits only the starts within its reach, not the whole dictionary (the test checks it against
 * a check of every word).
 */
export function wordsWithin(
  sorted: readonly string[],
  word: string,
  max: number,
  prefix: boolean,
): string[] {
  const found = new Set<string>();
  if (sorted.length === 0) return [];
  walkWithin(sorted, word, max, prefix, found);
  if (max > 0)
    for (const variant of soundAlikes(word)) walkWithin(sorted, variant, max - 1, prefix, found);
  return [...found];
}

function walkWithin(
  sorted: readonly string[],
  word: string,
  max: number,
  prefix: boolean,
  found: Set<string>,
): void {
  const n = word.length;
  // row[i]: typos between the first i letters of `word` and the start walked so far
  const visit = (
    lo: number,
    hi: number,
    depth: number,
    row: Int32Array,
    before: Int32Array | undefined,
    last: number,
  ): void => {
    let from = lo;
    // the one word that is the start itself comes first
    if (sorted[lo]!.length === depth) {
      if (row[n]! <= max) found.add(sorted[lo]!);
      from++;
    }
    if (prefix && row[n]! <= max) {
      for (let i = from; i < hi; i++) found.add(sorted[i]!);
      return;
    }
    let rowMin = row[0]!;
    for (let i = 1; i <= n; i++) if (row[i]! < rowMin) rowMin = row[i]!;
    let beforeMin = Infinity;
    if (before) for (let i = 0; i <= n; i++) if (before[i]! < beforeMin) beforeMin = before[i]!;
    // no longer start can come back under `max` (a swap reaches back one letter only)
    if (rowMin > max && beforeMin > max) return;
    for (let at = from; at < hi;) {
      const c = sorted[at]!.charCodeAt(depth);
      // the words with this letter here are one run (they share the start and are in order)
      let end = at + 1;
      for (let high = hi; end < high;) {
        const mid = (end + high) >> 1;
        if (sorted[mid]!.charCodeAt(depth) === c) end = mid + 1;
        else high = mid;
      }
      const next = new Int32Array(n + 1);
      next[0] = depth + 1;
      for (let i = 1; i <= n; i++) {
        const ai = word.charCodeAt(i - 1);
        let d = Math.min(row[i]! + 1, next[i - 1]! + 1, row[i - 1]! + (ai === c ? 0 : 1));
        if (before && i > 1 && ai === last && word.charCodeAt(i - 2) === c)
          d = Math.min(d, before[i - 2]! + 1);
        next[i] = d;
      }
      visit(at, end, depth + 1, next, row, c);
      at = end;
    }
  };
  const first = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) first[i] = i;
  visit(0, sorted.length, 0, first, undefined, -1);
}

/** The word with one "-ite" spelt "-ight", or one "-ight" spelt "-ite" (each place once). */
function soundAlikes(word: string): string[] {
  const found: string[] = [];
  for (const [from, to] of [
    ['ight', 'ite'],
    ['ite', 'ight'],
  ] as const)
    for (let at = word.indexOf(from); at >= 0; at = word.indexOf(from, at + 1))
      found.push(word.slice(0, at) + to + word.slice(at + from.length));
  return found;
}

/**
 * The spellings of `word` among `candidates` (known words), within its typo budget: itself and
 * (with `prefix`) the words it starts are left to the caller; the fewest typos first, then the
 * most used (`count`), then code-unit order; at most `limit`.
 */
export function spellingsAmong(
  word: string,
  candidates: Iterable<string>,
  prefix: boolean,
  count: (word: string) => number,
  limit: number,
): Spelling[] {
  const max = typoBudget(word);
  if (max === 0) return [];
  const found: Spelling[] = [];
  for (const known of candidates) {
    if (known === word || (prefix && known.startsWith(word))) continue;
    if (!lengthWithin(word, known, max, prefix)) continue;
    const typos = typosBetween(word, known, max, prefix);
    if (typos !== undefined && typos > 0) found.push({ word: known, typos: typos as 1 | 2 });
  }
  return found
    .sort(
      (x, y) =>
        x.typos - y.typos ||
        count(y.word) - count(x.word) ||
        (x.word < y.word ? -1 : x.word > y.word ? 1 : 0),
    )
    .slice(0, limit);
}
