// What the track search index reads from the database: every visible track and every user when
// it is built, the rows a change report names, and a query's words.
//
// What the text means is PostgreSQL's, not ours: titles, tags and names are folded
// (`search_fold`) and split into words (`to_tsvector('simple', …)`) by the database when rows are
// read, and so is the query, so a query matches here exactly what it matches in SQL.
import { type Kysely, sql } from 'kysely';
import type { EntityChanges } from './entityChanges.js';
import { listedTrackRow } from './visibility.js';
import type { DB } from '../db/schema.js';

/** What the indexer changed in one transaction that search reads (entity ids). */
export type SearchChanges = Pick<EntityChanges, 'tracks' | 'users'>;

/** One query word, folded, with its place in the query. */
export type QueryWord = { word: string; last: boolean };

/** Rows read per round trip when the index is built. */
const LOAD_BATCH = 20_000;

/** A visible track as search reads it: folded title, title and tag words, filters, popularity. */
export type TrackRow = {
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

/** A user as search reads them: folded handle, name words, deactivated. */
export type UserRow = {
  user_id: number | string;
  handle: string;
  name_words: string[];
  is_deactivated: boolean;
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

/** Hands every visible track to `add`, in id order, a batch per round trip. */
export async function readAllTrackRows(
  db: Kysely<DB>,
  add: (row: TrackRow) => void,
): Promise<void> {
  for (let after: number | string = 0; ;) {
    const { rows } = await sql<TrackRow>`select ${TRACK_COLUMNS} ${TRACK_FROM}
      and t.track_id > ${after} order by t.track_id limit ${LOAD_BATCH}`.execute(db);
    for (const row of rows) add(row);
    if (rows.length < LOAD_BATCH) break;
    after = rows[rows.length - 1]!.track_id;
  }
}

/** Hands every user to `add`, in id order, a batch per round trip. */
export async function readAllUserRows(db: Kysely<DB>, add: (row: UserRow) => void): Promise<void> {
  for (let after: number | string = 0; ;) {
    const { rows } = await sql<UserRow>`select ${USER_COLUMNS} from users u
      where u.user_id > ${after} order by u.user_id limit ${LOAD_BATCH}`.execute(db);
    for (const row of rows) add(row);
    if (rows.length < LOAD_BATCH) break;
    after = rows[rows.length - 1]!.user_id;
  }
}

/** The rows of the named tracks that are still visible, and of the named users. */
export async function readChangedRows(
  db: Kysely<DB>,
  trackIds: number[],
  userIds: number[],
): Promise<[TrackRow[], UserRow[]]> {
  return Promise.all([
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
}

/** The query's words as the database splits them, with the folded query. */
export async function readQueryWords(
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
