// Search over tracks, users and playlists (`/v1/{tracks,users,playlists}/search`). Text is
// matched accent-folded and lower-cased (`search_fold`, migration 0002), so accents (`beyonce`)
// and prefixes (`sun`) find. Track search forgives typos by the rules of core/searchTypos.ts (one
// in a word of 4+ letters, two from 7, a swap of neighbours is one, the last word a prefix) and
// ranks fewer typos first; users and playlists by trigram word similarity (`djalpa`). Every search
// is two steps: a few probes, each one index scan with its own LIMIT, collect candidates; then
// only those candidates are ranked. However common the query's words, no step reads more than
// its bound, so a search costs about the same on a thousand rows or a million.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import { ValidationError } from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { searchTrackIndex } from './searchTrackIndex.js';
import { type Spelling, spellingsAmong } from './searchTypos.js';
import {
  GIN_SAMPLE,
  MIN_LENGTH_ONE_TYPO,
  MIN_LENGTH_TWO_TYPOS,
  OWNER_CANDIDATES,
  OWNER_WEIGHT,
  POPULARITY_WEIGHT,
  POPULAR_CANDIDATES,
  PREFIX_CANDIDATES,
  PREFIX_WORDS,
  PROBE_CANDIDATES,
  SPELLINGS_PER_WORD,
  type SearchSort,
  TAGS_WEIGHT,
  TITLE_WORDS_WEIGHT,
} from './searchTuning.js';
import type { TrackSearch } from './trackSearch.js';
import {
  listedPlaylistRow,
  listedTrackRow,
  listedTrackRowText,
  ownerActive,
  releasedBy,
} from './visibility.js';

export type { SearchSort } from './searchTuning.js';
export type SearchParams = {
  query: string;
  sortMethod?: SearchSort;
  limit: number;
  offset: number;
};
export type TrackSearchParams = SearchParams & { genres?: string[]; moods?: string[] };
export type PlaylistSearchParams = SearchParams & { albums?: boolean }; // undefined = both

/** Longest query accepted, in characters: longer is not a search but a paste. */
export const MAX_QUERY_LENGTH = 200;
/** Most results one call returns; clients page for more. */
export const MAX_SEARCH_LIMIT = 100;

/**
 * Word similarity a handle or name needs to match (pg_trgm's default, 0.6, stays for playlist
 * names): at 0.5 one wrong letter in a five-letter handle ("alise" for "alice") still matches.
 */
const WORD_SIMILARITY = 0.5;

const SORTS: readonly SearchSort[] = ['relevant', 'popular', 'recent'];

/** Query words used; the rest of a long query is ignored. */
const MAX_QUERY_WORDS = 8;
/** Titles (or tags) matching the words that are ranked; the index finds them, the rank sorts them. */
const WORD_CANDIDATES = 400;
/**
 * The most popular tracks kept per common title word (`search_word_tracks`), and read per query
 * word or spelling: the popular matches of a common word are always among the ranked, whatever
 * the word index hands over first.
 */
export const POPULAR_PER_WORD = 200;

/**
 * Tracks matching `query`: by the words of their titles (each query word as typed, as the start
 * of a word when it is the last, or as a known word from `search_words` within its typos), by
 * their tags, and by their owner's handle or name; ids in rank order, fewer typos first.
 */
export async function searchTracks(
  db: Kysely<DB>,
  params: TrackSearchParams,
  trackSearch?: TrackSearch,
): Promise<number[]> {
  const { q, query, sort, limit, offset } = checkParams(params);
  if (limit === 0) return [];
  const genres = params.genres?.length ? params.genres.map(withoutNul) : undefined;
  const moods = params.moods?.length ? params.moods.map(withoutNul) : undefined;
  if (trackSearch?.current) {
    const { q: folded, words } = await trackSearch.queryWords(query, MAX_QUERY_WORDS);
    // The index may have gone while the words were read (the indexer reported changes).
    const index = trackSearch.current;
    if (index) {
      if (words.length === 0) return [];
      return searchTrackIndex(index, folded, words, { sort, limit, offset, genres, moods });
    }
  }
  const words = await readWordSpellings(db, q);
  if (words.length === 0) return [];
  const lexeme = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  const last = words.length - 1;
  // A word as typed (the last one also as the start of a word), or one of its spellings of at
  // most `most` typos.
  const wordQuery = (w: WordSpellings, i: number, most: number) =>
    `(${[
      ...(i === last ? [`${lexeme(w.word)}:*`] : []),
      lexeme(w.word),
      ...w.spellings.filter((s) => s.typos <= most).map((s) => lexeme(s.word)),
    ].join(' | ')})`;
  // As typed: every word whole, the last one also as a prefix. Loose: typos forgiven too.
  const exact = words.map((w, i) => wordQuery(w, i, 0)).join(' & ');
  const loose = words.map((w, i) => wordQuery(w, i, 2)).join(' & ');
  // Typos a title (or tags) needs: per query word, the fewest of the spellings it holds.
  const typosIn = (vector: RawBuilder<unknown>) =>
    sql.join(
      words.map(
        (w, i) => sql`case when ${vector} @@ to_tsquery('simple', ${wordQuery(w, i, 0)}) then 0
          when ${vector} @@ to_tsquery('simple', ${wordQuery(w, i, 1)}) then 1 else 2 end`,
      ),
      sql` + `,
    );
  // Every word a title may match through (as typed, its spellings, its completions): the tops
  // of their popular lists are read, then filtered by the whole query.
  const popularWords = [
    ...new Set(words.flatMap((w) => [w.word, ...w.spellings.map((s) => s.word), ...w.completions])),
  ];
  // A page needs no more than its end from each list. A one-word query's lists are all matches
  // (each is a spelling or a completion of the word); longer queries' rows are checked.
  const popularRanks = Math.min(POPULAR_PER_WORD, offset + limit);
  // One word whose every spelling and completion has a popular list (and whose completions
  // were all listed): those lists hold the most popular of its matches, and the word index,
  // which would hand over thousands of them in storage order, is not read. Titles that start
  // with the query (the top of the relevance order) come from the prefix index instead.
  const only = words.length === 1 ? words[0] : undefined;
  const alternatives = only
    ? [
        ...(only.known ? [only.word] : []),
        ...only.spellings.map((s) => s.word),
        ...only.completions,
      ]
    : [];
  const byLists =
    only !== undefined &&
    alternatives.length > 0 &&
    only.completions.length < PREFIX_WORDS &&
    alternatives.every((word) => only.common.includes(word));
  const visible = sql`${listedTrackRow('t')}
    ${genres ? sql`and t.genre = any(${genres}::text[])` : sql``}
    ${moods ? sql`and t.mood = any(${moods}::text[])` : sql``}`;
  const titleWords = sql`to_tsvector('simple', search_fold(t.title))`;
  const tagWords = sql`to_tsvector('simple', search_fold(t.metadata ->> 'tags'))`;
  const popularity = sql`(coalesce(a.repost_count, 0) + coalesce(a.save_count, 0))`;
  const { rows } = await sql<{ track_id: number }>`
    with terms as (
      select to_tsquery('simple', ${exact}) as exact, to_tsquery('simple', ${loose}) as loose
    ),
    owners as (
      -- exact: the query as typed (a handle it starts, a name holding its words)
      select u.user_id, (${prefixOf(sql`search_fold(u.handle)`, q)}
          or to_tsvector('simple', search_fold(u.name)) @@ terms.exact) as exact
      from users u, terms
      where ${ownerActive(sql`u.is_deactivated`)} and (${prefixOf(sql`search_fold(u.handle)`, q)}
        or to_tsvector('simple', search_fold(u.name)) @@ terms.loose)
      limit ${OWNER_CANDIDATES}
    ),
    -- Each probe reads what ranking needs, so the ranked rows are not looked up again.
    candidates as (
      (select t.track_id, t.owner_id, t.title, t.metadata ->> 'tags' as tags, t.release_date,
          t.created_at, ${TITLE_WORDS_WEIGHT}::float8 as score
        from tracks t, terms
        where ${visible} and ${
          byLists ? prefixOf(sql`search_fold(t.title)`, q) : sql`${titleWords} @@ terms.loose`
        }
        limit ${byLists ? PREFIX_CANDIDATES : WORD_CANDIDATES})
      union all
      (select t.track_id, t.owner_id, t.title, t.metadata ->> 'tags', t.release_date,
          t.created_at, ${TITLE_WORDS_WEIGHT}::float8
        from search_word_tracks p join tracks t on t.track_id = p.track_id, terms
        where p.word = any(${popularWords}::text[]) and p.rank <= ${popularRanks}
          and ${visible} ${words.length > 1 ? sql`and ${titleWords} @@ terms.loose` : sql``}
        limit ${POPULAR_CANDIDATES})
      union all
      (select t.track_id, t.owner_id, t.title, t.metadata ->> 'tags', t.release_date,
          t.created_at, ${TAGS_WEIGHT}::float8
        from tracks t, terms
        where ${visible} and t.metadata ->> 'tags' <> '' and ${tagWords} @@ terms.loose
        limit ${PROBE_CANDIDATES})
      union all
      (select t.track_id, t.owner_id, t.title, t.metadata ->> 'tags', t.release_date,
          t.created_at, ${OWNER_WEIGHT}::float8
        from owners m join tracks t on t.owner_id = m.user_id
        where ${visible} limit ${PROBE_CANDIDATES})
    ),
    scored as (
      select track_id, owner_id, search_fold(title) as folded, tags, created_at,
        max(score) as score
      from candidates
      where ${releasedBy('release_date', sql`now()`)}
      group by track_id, owner_id, title, tags, release_date, created_at
    ),
    -- typos the title needs to match, else the tags; none for a match on the owner (and for an
    -- exact one, whatever the title needs: its owner matches the query as typed)
    typed as (
      select c.*, case
          when exists (select 1 from owners o where o.user_id = c.owner_id and o.exact) then 0
          when to_tsvector('simple', c.folded) @@ terms.loose
            then ${typosIn(sql`to_tsvector('simple', c.folded)`)}
          when coalesce(c.tags, '') <> ''
              and to_tsvector('simple', search_fold(c.tags)) @@ terms.loose
            then ${typosIn(sql`to_tsvector('simple', search_fold(c.tags))`)}
          else 0 end as typos
      from scored c cross join terms
    )
    select c.track_id
    from typed c
    cross join terms
    left join aggregate_track a on a.track_id = c.track_id
    -- a key lookup per candidate (as a join, the planner hashed every user)
    where ${ownerActive(sql`(select o.is_deactivated from users o where o.user_id = c.owner_id)`)}
    order by ${sort === 'relevant' ? sql`c.typos,` : sql``} ${order(
      sort,
      sql`greatest(case
        when c.folded = ${q} then 1.0
        when starts_with(c.folded, ${q}) then 0.9
        when c.score = ${TITLE_WORDS_WEIGHT} and to_tsvector('simple', c.folded) @@ terms.exact
          then 0.8
        else 0 end, c.score)`,
      popularity,
      sql`c.created_at`,
      sql`c.track_id`,
    )}
    limit ${limit} offset ${offset}`.execute(db);
  return rows.map((r) => r.track_id);
}

/** A query word, with its spellings and completions from the dictionary (`search_words`). */
type WordSpellings = {
  word: string;
  /** whether a visible title has it */
  known: boolean;
  spellings: Spelling[];
  /** known words it is the start of (the last word only), the most used first */
  completions: string[];
  /** which of the word, its spellings and completions have a popular list */
  common: string[];
};

/**
 * Trigram similarity (pg_trgm's `%`) a known word needs to be checked as a spelling: low, since a
 * swap in a four-letter word leaves it one of its five trigrams (1/9), and a swap and a wrong
 * letter in a seven-letter word one of eight (1/15); the typo rules decide. Only words of a length
 * the typos can reach are taken, so the closest are not crowded out by longer words sharing more
 * trigrams. This is the database's search, before the node's index is loaded; the index finds
 * every word within the typos (core/searchTypos.ts, `wordsWithin`), also the few that share no
 * trigram (two swaps in a seven-letter word).
 */
const SPELLING_SIMILARITY = 0.05;
/**
 * The same for a last word as the start of a known word (pg_trgm's `<%`): a typo in the middle of
 * a four-letter start leaves it one of its five trigrams (0.2), two in a seven-letter one one of
 * eight.
 */
const SPELLING_WORD_SIMILARITY = 0.1;
/** Known words checked against the typo rules per query word, the most similar first. */
const SPELLING_CANDIDATES = 200;

/** The folded query's words, in order, each with its spellings under the typo rules. */
async function readWordSpellings(db: Kysely<DB>, q: RawBuilder<string>): Promise<WordSpellings[]> {
  const { rows } = await db.transaction().execute(async (tx) => {
    await sql`select set_config('pg_trgm.similarity_threshold', ${String(SPELLING_SIMILARITY)}, true),
      set_config('pg_trgm.word_similarity_threshold', ${String(SPELLING_WORD_SIMILARITY)}, true)`.execute(
      tx,
    );
    return sql<{
      word: string;
      last: boolean;
      ndoc: number | null;
      completions: { word: string; ndoc: number }[];
      candidates: { word: string; ndoc: number }[];
    }>`
      with w as (
        select lexeme, positions[1] as pos, positions[1] = max(positions[1]) over () as last,
          case when char_length(lexeme) >= ${MIN_LENGTH_TWO_TYPOS} then 3 else 2 end as slack
        from unnest(to_tsvector('simple', ${q}))
      )
      select w.lexeme as word, w.last,
        (select sw.ndoc from search_words sw where sw.word = w.lexeme) as ndoc,
        -- the last word as the start of known words, the most used first
        case when w.last then coalesce((select json_agg(json_build_object('word', c.word, 'ndoc', c.ndoc))
          from (select sw.word, sw.ndoc from search_words sw
            where sw.word ~>=~ w.lexeme and sw.word ~<~ (w.lexeme || chr(1114111))
            order by sw.ndoc desc, sw.word limit ${PREFIX_WORDS}) c), '[]'::json)
        else '[]'::json end as completions,
        -- known words sharing trigrams with it, which the typo rules then check
        case when char_length(w.lexeme) >= ${MIN_LENGTH_ONE_TYPO}
          then coalesce((select json_agg(json_build_object('word', c.word, 'ndoc', c.ndoc))
            from (select sw.word, sw.ndoc from search_words sw
              where (sw.word % w.lexeme or (w.last and w.lexeme <% sw.word))
                -- as long as the typos (and a sound-alike's extra letter) can reach
                and char_length(sw.word) >= char_length(w.lexeme) - w.slack
                and (w.last or char_length(sw.word) <= char_length(w.lexeme) + w.slack)
              order by greatest(similarity(sw.word, w.lexeme),
                case when w.last then word_similarity(w.lexeme, sw.word) else 0 end) desc,
                sw.ndoc desc, sw.word
              limit ${SPELLING_CANDIDATES}) c), '[]'::json)
          else '[]'::json end as candidates
      from w
      order by w.pos
      limit ${MAX_QUERY_WORDS}`.execute(tx);
  });
  return rows.map((row) => {
    const ndoc = new Map<string, number>();
    for (const c of [...row.candidates, ...row.completions]) ndoc.set(c.word, c.ndoc);
    if (row.ndoc !== null) ndoc.set(row.word, row.ndoc);
    const spellings = spellingsAmong(
      row.word,
      row.candidates.map((c) => c.word),
      row.last,
      (word) => ndoc.get(word) ?? 0,
      SPELLINGS_PER_WORD,
    );
    const completions = row.completions.map((c) => c.word);
    return {
      word: row.word,
      known: row.ndoc !== null,
      spellings,
      completions,
      common: [row.word, ...spellings.map((s) => s.word), ...completions].filter(
        (word) => (ndoc.get(word) ?? 0) > POPULAR_PER_WORD,
      ),
    };
  });
}

/**
 * Rebuilds the dictionary of the words visible titles use (`search_words`), where track search
 * looks up the likely spellings of a typo, and each common word's most popular tracks
 * (`search_word_tracks`). Derived from the tracks; run periodically (with trending). Words new
 * since the last run are still found as typed, only not yet as typos.
 */
export async function refreshSearchWords(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`delete from search_words`.execute(tx);
    await sql`insert into search_words (word, ndoc)
      select word, ndoc from ts_stat($$select to_tsvector('simple', search_fold(t.title))
        from tracks t where ${sql.raw(listedTrackRowText('t'))}$$)`.execute(tx);
    // Each common word's most popular visible tracks (popularity as search ranks it).
    await sql`delete from search_word_tracks`.execute(tx);
    await sql`insert into search_word_tracks (word, rank, track_id)
      select word, rank, track_id from (
        select w.word, t.track_id, row_number() over (partition by w.word
            order by coalesce(a.repost_count, 0) + coalesce(a.save_count, 0) desc, t.track_id)
          as rank
        from tracks t
        cross join lateral unnest(to_tsvector('simple', search_fold(t.title))) as w(word)
        left join aggregate_track a on a.track_id = t.track_id
        where ${listedTrackRow('t')}
          and w.word in (select word from search_words where ndoc > ${POPULAR_PER_WORD})
      ) ranked
      where rank <= ${POPULAR_PER_WORD}`.execute(tx);
  });
}

/** Users matching `query` by handle or name, the most followed first among equals. */
export async function searchUsers(db: Kysely<DB>, params: SearchParams): Promise<number[]> {
  const { q, sort, limit, offset } = checkParams(params);
  if (limit === 0) return [];
  const handle = sql`search_fold(u.handle)`;
  const name = sql`search_fold(u.name)`;
  const relevance = sql`greatest(${textRelevance(handle, q)}, ${textRelevance(name, q)})`;
  const popularity = sql`coalesce(a.follower_count, 0)`;
  const rows = await inSearchTransaction(
    db,
    (tx) =>
      sql<{ user_id: number }>`
    with candidates as (
      (select u.user_id from users u
        where not u.is_deactivated and ${handle} %> ${q} limit ${PROBE_CANDIDATES})
      union
      (select u.user_id from users u
        where not u.is_deactivated and ${name} %> ${q} limit ${PROBE_CANDIDATES})
      union
      (select u.user_id from users u
        where not u.is_deactivated and ${prefixOf(handle, q)} limit ${PREFIX_CANDIDATES})
    )
    select u.user_id
    from candidates c
    join users u on u.user_id = c.user_id
    left join aggregate_user a on a.user_id = u.user_id
    order by ${order(sort, relevance, popularity, sql`u.created_at`, sql`u.user_id`)}
    limit ${limit} offset ${offset}`.execute(tx),
    WORD_SIMILARITY,
  );
  return rows.rows.map((r) => r.user_id);
}

/** Playlists (and albums) matching `query` by name; `albums` keeps only albums or only playlists. */
export async function searchPlaylists(
  db: Kysely<DB>,
  params: PlaylistSearchParams,
): Promise<number[]> {
  const { q, sort, limit, offset } = checkParams(params);
  if (limit === 0) return [];
  const visible = sql`${listedPlaylistRow('p')}
    ${params.albums === undefined ? sql`` : sql`and p.is_album = ${params.albums}`}`;
  const name = sql`search_fold(p.playlist_name)`;
  // Plays join here once they are indexed (migration 0003): + the plays of the playlist's tracks.
  const popularity = sql`(coalesce(a.repost_count, 0) + coalesce(a.save_count, 0))`;
  const rows = await inSearchTransaction(db, (tx) =>
    sql<{ playlist_id: number }>`
    with candidates as (
      (select p.playlist_id from playlists p
        where ${visible} and ${name} %> ${q} limit ${PROBE_CANDIDATES})
      union
      (select p.playlist_id from playlists p
        where ${visible} and ${prefixOf(name, q)} limit ${PREFIX_CANDIDATES})
    )
    select p.playlist_id
    from candidates c
    join playlists p on p.playlist_id = c.playlist_id
    join users o on o.user_id = p.owner_id
    left join aggregate_playlist a on a.playlist_id = p.playlist_id
    where ${ownerActive(sql`o.is_deactivated`)}
    order by ${order(sort, textRelevance(name, q), popularity, sql`p.created_at`, sql`p.playlist_id`)}
    limit ${limit} offset ${offset}`.execute(tx),
  );
  return rows.rows.map((r) => r.playlist_id);
}

/** Checks the parameters every search shares; the query comes back folded, as SQL. */
function checkParams(params: SearchParams): {
  q: RawBuilder<string>;
  query: string;
  sort: SearchSort;
  limit: number;
  offset: number;
} {
  const query = typeof params.query === 'string' ? withoutNul(params.query).trim() : '';
  if (query === '') {
    throw new ValidationError('A search needs a query', { code: 'invalid_query' });
  }
  if ([...query].length > MAX_QUERY_LENGTH) {
    throw new ValidationError(`A search query is at most ${MAX_QUERY_LENGTH} characters`, {
      code: 'invalid_query',
    });
  }
  const sort = params.sortMethod ?? 'relevant';
  if (!SORTS.includes(sort)) {
    throw new ValidationError(`sort_method is one of ${SORTS.join(', ')}`, {
      code: 'invalid_sort_method',
    });
  }
  const { limit, offset } = params;
  if (!Number.isSafeInteger(limit) || limit < 0 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError('limit and offset are whole numbers, 0 or more', {
      code: 'invalid_paging',
    });
  }
  // The query is only ever a bound parameter; the database folds it as it folded the index.
  return {
    q: sql<string>`search_fold(${query})`,
    query,
    sort,
    limit: Math.min(limit, MAX_SEARCH_LIMIT),
    offset,
  };
}

/** Runs a search in a read-only transaction, index scans only, GIN scans bounded (GIN_SAMPLE). */
async function inSearchTransaction<T>(
  db: Kysely<DB>,
  search: (tx: Transaction<DB>) => Promise<T>,
  wordSimilarity = 0.6,
): Promise<T> {
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (tx) => {
      // A LIMIT over a trigram filter tempts the planner into a scan of the whole table (or of
      // a whole partial index) that stops early when many rows match and reads everything when
      // none do. Bitmap scans read only the index entries the query's conditions select.
      await sql`select set_config('gin_fuzzy_search_limit', ${String(GIN_SAMPLE)}, true),
        set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true),
        set_config('pg_trgm.word_similarity_threshold', ${String(wordSimilarity)}, true)`.execute(
        tx,
      );
      return search(tx);
    });
}

/** NUL cannot be in a PostgreSQL text value, and means nothing in a search. */
function withoutNul(value: string): string {
  return value.replaceAll('\0', '');
}

/**
 * How well `folded` matches the query, 0 to 1: the whole text (1), a prefix of it (0.9), else
 * its word similarity (a word or a prefix of one inside, typos forgiven), at most 0.8.
 */
function textRelevance(folded: RawBuilder<unknown>, q: RawBuilder<string>): RawBuilder<number> {
  return sql<number>`case
    when ${folded} = ${q} then 1.0
    when starts_with(${folded}, ${q}) then 0.9
    else 0.8 * word_similarity(${q}, ${folded})
  end`;
}

/**
 * `folded` starts with the query, as a range the `text_pattern_ops` prefix indexes answer (a
 * LIKE pattern would need escaping and a constant): from q up to q followed by the last code
 * point.
 */
function prefixOf(folded: RawBuilder<unknown>, q: RawBuilder<string>): RawBuilder<boolean> {
  return sql<boolean>`(${folded} ~>=~ ${q} and ${folded} ~<~ (${q} || chr(1114111)))`;
}

function order(
  sort: SearchSort,
  relevance: RawBuilder<unknown>,
  popularity: RawBuilder<unknown>,
  createdAt: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
): RawBuilder<unknown> {
  switch (sort) {
    case 'relevant':
      return sql`${relevance} + ${POPULARITY_WEIGHT} * ln(1 + ${popularity}) desc, ${popularity} desc, ${id}`;
    case 'popular':
      return sql`${popularity} desc, ${relevance} desc, ${id}`;
    case 'recent':
      return sql`${createdAt} desc, ${id} desc`;
  }
}
