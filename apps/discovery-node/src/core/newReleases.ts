// Discovery reads of what is new: the newest tracks of the landlords a user follows, and the
// newest tracks of a genre or mood. Each reads one page, newest release first.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Page } from './lists.js';
import { listedTrack } from './visibility.js';

/** Tracks released (or, without a date, created) most recently come first. */
const NEWEST = sql`coalesce(t.release_date, t.created_at) desc, t.track_id desc`;

/** The newest listed, released tracks of the users `followerId` follows. */
export async function newReleaseIds(
  db: Kysely<DB>,
  followerId: number,
  page: Page,
): Promise<number[]> {
  const { rows } = await sql<{ track_id: number }>`
    select t.track_id from follows f
    join tracks t on t.owner_id = f.followee_id
    join users o on o.user_id = t.owner_id
    where f.follower_id = ${followerId} and ${listedTrack('t', 'o', sql`now()`)}
    order by ${NEWEST} limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.map((r) => Number(r.track_id));
}

/** The newest listed, released tracks, of `genre` and/or `mood` when given. */
export async function latestTrackIds(
  db: Kysely<DB>,
  filter: { genre?: string; mood?: string },
  page: Page,
): Promise<number[]> {
  const genre = filter.genre ?? null;
  const mood = filter.mood ?? null;
  const { rows } = await sql<{ track_id: number }>`
    select t.track_id from tracks t
    join users o on o.user_id = t.owner_id
    where ${listedTrack('t', 'o', sql`now()`)}
      and (${genre}::text is null or t.genre = ${genre})
      and (${mood}::text is null or t.mood = ${mood})
    order by ${NEWEST} limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.map((r) => Number(r.track_id));
}
