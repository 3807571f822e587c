// Trending: the reference formula of docs/api-v1.md ("pnagD"), computed in SQL over the whole catalog
// by `recomputeTrending` into score tables, and served from those tables in rank order. Scores
// are a function of the entity tables, the plays and `now`; nothing is computed per request.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import { ValidationError } from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { listedPlaylistRow, listedTrack, ownerActive } from './visibility.js';

export type TrendingTime = 'week' | 'month' | 'year' | 'allTime';

/** The windowed time ranges and their windows, in days (allTime has no window). */
const WINDOW_DAYS = { week: 7, month: 30, year: 365 } as const;
/** Owners with fewer followers score 0: a few accounts cannot trend each other. */
const MIN_OWNER_FOLLOWERS = 3;
/** Underground trending: new tracks of small artists that are being listened to. */
const UNDERGROUND_MAX_AGE_DAYS = 21;
const UNDERGROUND_MAX_FOLLOWERS = 1500;
const UNDERGROUND_MAX_FOLLOWING = 1500;
const UNDERGROUND_MIN_PLAYS = 50;
/** Any constant: recomputes take this advisory lock, so two never interleave their writes. */
const TRENDING_LOCK = 7_406_114;
/** Memory for the recompute's joins, aggregates and index builds, so they stay off disk. */
const RECOMPUTE_WORK_MEM = '256MB';

const DAY_MS = 86_400_000;

/**
 * Recomputes every trending score as of `now` and replaces the previous ones, in one transaction:
 * readers see the old scores until it commits and the new ones after, never a mix. Ages are in
 * fractional days since max(release_date, created_at); a windowed term counts what happened from
 * `window` days before `now` on (a block time a little ahead of this clock still counts).
 */
export async function recomputeTrending(db: Kysely<DB>, params: { now: Date }): Promise<void> {
  const { now } = params;
  if (Number.isNaN(now.getTime())) throw new ValidationError('now must be a valid date');
  const at = (days: number) => windowStart(now, days);
  const nowSql = at(0);
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${TRENDING_LOCK})`.execute(tx);
    await sql`set local work_mem = ${sql.lit(RECOMPUTE_WORK_MEM)}`.execute(tx);
    await sql`set local maintenance_work_mem = ${sql.lit(RECOMPUTE_WORK_MEM)}`.execute(tx);
    // Compiling the plans costs more than it saves on these one-pass queries.
    await sql`set local jit = off`.execute(tx);

    // Per reposted or saved item: its reposts and saves, in all and within each window, and its
    // karma: the followers of the distinct users who reposted or saved it, counting only users
    // with a complete profile (picture, cover photo, bio), at least 1. One pass over reposts and
    // saves: a save counts for karma only when its user did not also repost the item.
    await sql`
      create temp table trending_item_stats on commit drop as
      with actions as (
        select item_type, item_id, user_id, created_at, true as is_repost, true as counts_karma
        from reposts
        union all
        select s.item_type, s.item_id, s.user_id, s.created_at, false, r.user_id is null
        from saves s
        left join reposts r
          on r.user_id = s.user_id and r.item_type = s.item_type and r.item_id = s.item_id
      ),
      karma_users as (
        select a.user_id, a.follower_count
        from aggregate_user a
        join users u on u.user_id = a.user_id
        where a.follower_count > 0
          and coalesce(u.metadata ->> 'profile_picture_sizes', '') <> ''
          and coalesce(u.metadata ->> 'cover_photo_sizes', '') <> ''
          and btrim(coalesce(u.metadata ->> 'bio', '')) <> ''
      )
      select a.item_type, a.item_id,
        ${windowCounts(sql`a.is_repost`, 'reposts', now)},
        ${windowCounts(sql`not a.is_repost`, 'saves', now)},
        greatest(1, coalesce(sum(k.follower_count) filter (where a.counts_karma), 0))::float8
          as karma
      from actions a
      left join karma_users k on k.user_id = a.user_id
      group by a.item_type, a.item_id
    `.execute(tx);
    await sql`analyze trending_item_stats`.execute(tx);

    // Every track that may trend, with its owner's counts, its age and its terms.
    await sql`
      create temp table trending_track_stats on commit drop as
      with play_counts as (
        select track_id,
          count(*)::float8 as plays_all,
          (count(*) filter (where created_at >= ${at(WINDOW_DAYS.week)}))::float8 as plays_week,
          (count(*) filter (where created_at >= ${at(WINDOW_DAYS.month)}))::float8 as plays_month,
          (count(*) filter (where created_at >= ${at(WINDOW_DAYS.year)}))::float8 as plays_year
        from plays
        group by track_id
      )
      select t.track_id, t.genre,
        coalesce(a.follower_count, 0) as owner_followers,
        coalesce(a.following_count, 0) as owner_following,
        extract(epoch from ${nowSql} - greatest(t.created_at, t.release_date))::float8 / 86400
          as age_days,
        coalesce(p.plays_all, 0) as plays_all,
        coalesce(p.plays_week, 0) as plays_week,
        coalesce(p.plays_month, 0) as plays_month,
        coalesce(p.plays_year, 0) as plays_year,
        coalesce(s.reposts_all, 0) as reposts_all,
        coalesce(s.reposts_week, 0) as reposts_week,
        coalesce(s.reposts_month, 0) as reposts_month,
        coalesce(s.reposts_year, 0) as reposts_year,
        coalesce(s.saves_all, 0) as saves_all,
        coalesce(s.saves_week, 0) as saves_week,
        coalesce(s.saves_month, 0) as saves_month,
        coalesce(s.saves_year, 0) as saves_year,
        coalesce(s.karma, 1) as karma
      from tracks t
      join users o on o.user_id = t.owner_id
      left join aggregate_user a on a.user_id = t.owner_id
      left join trending_item_stats s on s.item_type = 'track' and s.item_id = t.track_id
      left join play_counts p on p.track_id = t.track_id
      where ${listedTrack('t', 'o', nowSql)}
    `.execute(tx);
    await sql`analyze trending_track_stats`.execute(tx);

    await buildScoreTable(
      tx,
      'trending_track_scores',
      sql`
      select w.time_range, t.track_id, t.genre,
        ${score(sql`t`, sql`w`)}
      from trending_track_stats t
      cross join lateral (values
        ('week', ${WINDOW_DAYS.week}::float8, t.plays_week, t.reposts_week, t.saves_week),
        ('month', ${WINDOW_DAYS.month}::float8, t.plays_month, t.reposts_month, t.saves_month),
        ('year', ${WINDOW_DAYS.year}::float8, t.plays_year, t.reposts_year, t.saves_year),
        ('allTime', null, t.plays_all, t.reposts_all, t.saves_all)
      ) w (time_range, days, plays, reposts, saves)
    `,
    );

    // Underground: the week score of young tracks by small artists with enough listens.
    await buildScoreTable(
      tx,
      'underground_trending_scores',
      sql`
      select t.track_id,
        ${score(sql`t`, sql`w`)}
      from trending_track_stats t
      cross join lateral (values
        (${WINDOW_DAYS.week}::float8, t.plays_week, t.reposts_week, t.saves_week)
      ) w (days, plays, reposts, saves)
      where t.age_days <= ${UNDERGROUND_MAX_AGE_DAYS}
        and t.owner_followers < ${UNDERGROUND_MAX_FOLLOWERS}
        and t.owner_following < ${UNDERGROUND_MAX_FOLLOWING}
        and t.plays_all >= ${UNDERGROUND_MIN_PLAYS}
    `,
    );

    // Playlists: the same formula with no plays term, over public, live playlists (not albums)
    // that hold at least one live track.
    await buildScoreTable(
      tx,
      'trending_playlist_scores',
      sql`
      select w.time_range, t.playlist_id,
        ${score(sql`t`, sql`w`)}
      from (
        select p.playlist_id,
          coalesce(a.follower_count, 0) as owner_followers,
          extract(epoch from ${nowSql} - p.created_at)::float8 / 86400 as age_days,
          0::float8 as plays_all,
          coalesce(s.reposts_all, 0) as reposts_all,
          coalesce(s.reposts_week, 0) as reposts_week,
          coalesce(s.reposts_month, 0) as reposts_month,
          coalesce(s.reposts_year, 0) as reposts_year,
          coalesce(s.saves_all, 0) as saves_all,
          coalesce(s.saves_week, 0) as saves_week,
          coalesce(s.saves_month, 0) as saves_month,
          coalesce(s.saves_year, 0) as saves_year,
          coalesce(s.karma, 1) as karma
        from playlists p
        join users o on o.user_id = p.owner_id
        left join aggregate_user a on a.user_id = p.owner_id
        left join trending_item_stats s on s.item_type = 'playlist' and s.item_id = p.playlist_id
        where ${listedPlaylistRow('p')}
          and not p.is_album
          and ${ownerActive(sql`o.is_deactivated`)}
          and exists (
            select from playlist_tracks pt
            join tracks tr on tr.track_id = pt.track_id
            where pt.playlist_id = p.playlist_id and not tr.is_deleted
          )
      ) t
      cross join lateral (values
        ('week', ${WINDOW_DAYS.week}::float8, 0::float8, t.reposts_week, t.saves_week),
        ('month', ${WINDOW_DAYS.month}::float8, 0::float8, t.reposts_month, t.saves_month),
        ('year', ${WINDOW_DAYS.year}::float8, 0::float8, t.reposts_year, t.saves_year),
        ('allTime', null, 0::float8, t.reposts_all, t.saves_all)
      ) w (time_range, days, plays, reposts, saves)
    `,
    );

    // Only now the live tables are locked, and only while their successors are renamed in.
    for (const table of SCORE_TABLE_NAMES) await swapScoreTable(tx, table);
    await sql`
      insert into trending_state (singleton, computed_at) values (true, ${nowSql})
      on conflict (singleton) do update set computed_at = excluded.computed_at
    `.execute(tx);
  });
}

/**
 * The score tables as migrations/0003_trending.sql creates them. A recompute builds each anew
 * beside the live one (`<table>_next`: rows first, then indexes, in bulk) and swaps it in at the
 * end of its transaction; rewriting millions of rows of an indexed table in place is several
 * times slower and leaves it bloated.
 */
const SCORE_TABLES = {
  trending_track_scores: {
    columns: [
      ['time_range', 'text collate "C"'],
      ['track_id', 'bigint'],
      ['genre', 'text collate "C"'],
      ['score', 'double precision'],
    ],
    indexes: {
      trending_track_scores_rank: '(time_range, score desc, track_id desc)',
      trending_track_scores_genre_rank: '(time_range, genre, score desc, track_id desc)',
    },
  },
  underground_trending_scores: {
    columns: [
      ['track_id', 'bigint'],
      ['score', 'double precision'],
    ],
    indexes: { underground_trending_scores_rank: '(score desc, track_id desc)' },
  },
  trending_playlist_scores: {
    columns: [
      ['time_range', 'text collate "C"'],
      ['playlist_id', 'bigint'],
      ['score', 'double precision'],
    ],
    indexes: { trending_playlist_scores_rank: '(time_range, score desc, playlist_id desc)' },
  },
} as const satisfies Record<
  string,
  { columns: readonly (readonly [string, string])[]; indexes: Record<string, string> }
>;
type ScoreTable = keyof typeof SCORE_TABLES;
const SCORE_TABLE_NAMES = Object.keys(SCORE_TABLES) as ScoreTable[];

/** Creates `<table>_next` holding the rows `select` gives (its columns in table order), indexed. */
async function buildScoreTable(
  tx: Transaction<DB>,
  table: ScoreTable,
  select: RawBuilder<unknown>,
): Promise<void> {
  const { columns, indexes } = SCORE_TABLES[table];
  const next = `${table}_next`;
  const definitions = columns.map(([name, type]) => `${name} ${type} not null`).join(', ');
  await sql.raw(`create table ${next} (${definitions})`).execute(tx);
  const names = columns.map(([name]) => name).join(', ');
  await sql`insert into ${sql.raw(`${next} (${names})`)} ${select}`.execute(tx);
  for (const [index, keys] of Object.entries(indexes)) {
    await sql.raw(`create index ${index}_next on ${next} ${keys}`).execute(tx);
  }
  await sql.raw(`analyze ${next}`).execute(tx);
}

/** Replaces `table` with `<table>_next`, indexes and all. */
async function swapScoreTable(tx: Transaction<DB>, table: ScoreTable): Promise<void> {
  await sql.raw(`drop table ${table}`).execute(tx);
  await sql.raw(`alter table ${table}_next rename to ${table}`).execute(tx);
  for (const index of Object.keys(SCORE_TABLES[table].indexes)) {
    await sql.raw(`alter index ${index}_next rename to ${index}`).execute(tx);
  }
}

/**
 * The rows of a group matching `where` as `<prefix>_all`, and within each window before `now`
 * as `<prefix>_week`, `_month`, `_year`: filters of one aggregate, so one pass.
 */
function windowCounts(where: RawBuilder<unknown>, prefix: string, now: Date): RawBuilder<unknown> {
  const windows = Object.entries(WINDOW_DAYS).map(
    ([name, days]) =>
      sql`(count(*) filter (where ${where} and a.created_at >= ${windowStart(now, days)}))::float8 as ${sql.ref(`${prefix}_${name}`)}`,
  );
  return sql.join([
    sql`(count(*) filter (where ${where}))::float8 as ${sql.ref(`${prefix}_all`)}`,
    ...windows,
  ]);
}

/** The instant `days` before `now`, as a timestamptz parameter. */
function windowStart(now: Date, days: number): RawBuilder<unknown> {
  return sql`${new Date(now.getTime() - days * DAY_MS).toISOString()}::timestamptz`;
}

/**
 * The formula, over a row `t` (owner_followers, age_days, the all-time terms, karma) and a window
 * `w` (days, or null for allTime, and the windowed plays, reposts and saves).
 */
function score(t: RawBuilder<unknown>, w: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`case
    when ${t}.owner_followers < ${MIN_OWNER_FOLLOWERS} then 0
    when ${w}.days is null
      then (${t}.plays_all + 0.25 * ${t}.reposts_all + 0.01 * ${t}.saves_all) * ${t}.karma
    else (${w}.plays + 50 * ${w}.reposts + ${w}.saves
        + 0.25 * ${t}.reposts_all + 0.01 * ${t}.saves_all) * ${t}.karma
      * case when ${t}.age_days <= ${w}.days then 1
          else greatest(1e-5, power(100000::float8, greatest(-10, 1 - ${t}.age_days / ${w}.days)))
        end
  end`;
}

// Scores are a snapshot of the last recompute (every few minutes), so each read tests the rows as
// they are now: a track deleted, unlisted, moved to a later release date or whose owner was
// deactivated since, or a playlist made private or deleted since, leaves the list at once rather
// than at the next recompute.

/** Trending track ids for `time` (and `genre`, matched exactly), best first; listed ones only. */
export async function trendingTrackIds(
  db: Kysely<DB>,
  params: { time: TrendingTime; genre?: string; limit: number; offset: number },
): Promise<number[]> {
  checkTime(params.time);
  checkPage(params);
  const genre = params.genre ?? null;
  const { rows } = await sql<{ track_id: number }>`
    select s.track_id from trending_track_scores s
    join tracks t on t.track_id = s.track_id
    join users o on o.user_id = t.owner_id
    where s.time_range = ${params.time}
      and (${genre}::text is null or s.genre = ${genre})
      and ${listedTrack('t', 'o', sql`now()`)}
    order by s.score desc, s.track_id desc
    limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows.map((r) => Number(r.track_id));
}

/** Underground trending track ids, best first; listed ones only. */
export async function undergroundTrendingTrackIds(
  db: Kysely<DB>,
  params: { limit: number; offset: number },
): Promise<number[]> {
  checkPage(params);
  const { rows } = await sql<{ track_id: number }>`
    select s.track_id from underground_trending_scores s
    join tracks t on t.track_id = s.track_id
    join users o on o.user_id = t.owner_id
    where ${listedTrack('t', 'o', sql`now()`)}
    order by s.score desc, s.track_id desc
    limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows.map((r) => Number(r.track_id));
}

/** Trending playlist ids for `time`, best first; public, live ones of active owners only. */
export async function trendingPlaylistIds(
  db: Kysely<DB>,
  params: { time: TrendingTime; limit: number; offset: number },
): Promise<number[]> {
  checkTime(params.time);
  checkPage(params);
  const { rows } = await sql<{ playlist_id: number }>`
    select s.playlist_id from trending_playlist_scores s
    join playlists p on p.playlist_id = s.playlist_id
    join users o on o.user_id = p.owner_id
    where s.time_range = ${params.time}
      and ${listedPlaylistRow('p')}
      and ${ownerActive(sql`o.is_deactivated`)}
    order by s.score desc, s.playlist_id desc
    limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows.map((r) => Number(r.playlist_id));
}

/** When the scores were last computed (null before the first run). */
export async function trendingComputedAt(db: Kysely<DB>): Promise<Date | null> {
  const row = await db.selectFrom('trending_state').select('computed_at').executeTakeFirst();
  return row?.computed_at ?? null;
}

const TIMES: readonly string[] = ['week', 'month', 'year', 'allTime'] satisfies TrendingTime[];

function checkTime(time: string): void {
  if (!TIMES.includes(time)) {
    throw new ValidationError(`time must be one of ${TIMES.join(', ')}`, { code: 'invalid_time' });
  }
}

function checkPage({ limit, offset }: { limit: number; offset: number }): void {
  if (!Number.isSafeInteger(limit) || limit < 0 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError('limit and offset must be non-negative integers');
  }
}
