// The id lists behind the API's list routes: a user's tracks and playlists, followers, who saved
// or reposted an item, a user's reposts and favorites, and permalink lookups. Each reads one
// page through an index; none scans without bound.
import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { ConflictError } from '@coliving/protocol';
import type { DB, ItemType } from '../db/schema.js';
import { listedOwnPlaylist, listedOwnTrack } from './visibility.js';

export type Page = { limit: number; offset: number };

export type TrackSort = 'date' | 'plays' | 'title' | 'release_date' | 'reposts' | 'saves';

/** A user's tracks; the owner (includeHidden) also sees unlisted and scheduled ones. */
export async function userTrackIds(
  db: Kysely<DB>,
  userId: number,
  params: Page & {
    sort: TrackSort;
    direction: 'asc' | 'desc';
    query?: string;
    includeHidden: boolean;
  },
): Promise<number[]> {
  const dir = sql.raw(params.direction);
  const order = {
    date: sql`t.created_at ${dir}, t.track_id ${dir}`,
    release_date: sql`coalesce(t.release_date, t.created_at) ${dir}, t.track_id ${dir}`,
    title: sql`lower(t.title) ${dir}, t.track_id ${dir}`,
    plays: sql`coalesce((select ap.play_count from aggregate_plays ap
      where ap.track_id = t.track_id), 0) ${dir}, t.track_id ${dir}`,
    reposts: sql`coalesce(a.repost_count, 0) ${dir}, t.track_id ${dir}`,
    saves: sql`coalesce(a.save_count, 0) ${dir}, t.track_id ${dir}`,
  }[params.sort];
  const filter = params.query ? `%${escapeLike(params.query)}%` : undefined;
  const { rows } = await sql<{ track_id: number }>`
    select t.track_id from tracks t left join aggregate_track a on a.track_id = t.track_id
    where t.owner_id = ${userId} and ${listedOwnTrack('t', sql`now()`, params.includeHidden)}
      and (${filter ?? null}::text is null or t.title ilike ${filter ?? null})
    order by ${order} limit ${params.limit} offset ${params.offset}`.execute(db);
  return rows.map((r) => Number(r.track_id));
}

/** `%`, `_` and `\` matched as themselves in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A user's playlists or albums, newest first; the owner also sees private ones. */
export async function userPlaylistIds(
  db: Kysely<DB>,
  userId: number,
  params: Page & { albums: boolean; includePrivate: boolean },
): Promise<number[]> {
  const { rows } = await sql<{ playlist_id: number }>`
    select playlist_id from playlists p
    where owner_id = ${userId} and is_album = ${params.albums}
      and ${listedOwnPlaylist('p', params.includePrivate)}
    order by created_block desc, playlist_id desc limit ${params.limit} offset ${params.offset}`.execute(
    db,
  );
  return rows.map((r) => Number(r.playlist_id));
}

/** Who follows `userId` (or whom it follows), most recent first. */
export async function followIds(
  db: Kysely<DB>,
  userId: number,
  direction: 'followers' | 'following',
  page: Page,
): Promise<number[]> {
  const { rows } =
    direction === 'followers'
      ? await sql<{ id: number }>`
        select follower_id as id from follows where followee_id = ${userId}
        order by created_block desc, follower_id desc limit ${page.limit} offset ${page.offset}`.execute(
          db,
        )
      : await sql<{ id: number }>`
        select followee_id as id from follows where follower_id = ${userId}
        order by created_block desc, followee_id desc limit ${page.limit} offset ${page.offset}`.execute(
          db,
        );
  return rows.map((r) => Number(r.id));
}

/** Who saved or reposted an item, most recent first. */
export async function itemActorIds(
  db: Kysely<DB>,
  kind: 'saves' | 'reposts',
  itemType: ItemType,
  itemId: number,
  page: Page,
): Promise<number[]> {
  const table = sql.table(kind);
  const { rows } = await sql<{ user_id: number }>`
    select user_id from ${table} where item_type = ${itemType} and item_id = ${itemId}
    order by created_block desc, user_id desc limit ${page.limit} offset ${page.offset}`.execute(
    db,
  );
  return rows.map((r) => Number(r.user_id));
}

export type Activity = { itemType: ItemType; itemId: number; createdAt: Date };

/** A user's reposts or saves, most recent first. */
export async function userActivity(
  db: Kysely<DB>,
  kind: 'saves' | 'reposts',
  userId: number,
  page: Page,
): Promise<Activity[]> {
  const table = sql.table(kind);
  const { rows } = await sql<{ item_type: ItemType; item_id: number; created_at: Date }>`
    select item_type, item_id, created_at from ${table} where user_id = ${userId}
    order by created_block desc, item_type, item_id desc
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.map((r) => ({
    itemType: r.item_type,
    itemId: Number(r.item_id),
    createdAt: r.created_at,
  }));
}

/** The user whose wallet this is (lower case, as the indexer stores it), if any. */
export async function userIdByWallet(db: Kysely<DB>, wallet: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('users')
    .select('user_id')
    .where('wallet', '=', wallet)
    .executeTakeFirst();
  return row ? Number(row.user_id) : undefined;
}

/** The user with this handle (case-insensitive), if any. */
export async function userIdByHandle(db: Kysely<DB>, handle: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('users')
    .select('user_id')
    .where('handle_lc', '=', handle.toLowerCase())
    .executeTakeFirst();
  return row ? Number(row.user_id) : undefined;
}

/**
 * The track a permalink slug names: the owner's first track with that slug (the first created, so
 * a later upload with the same title never takes an older track's link, whatever the ids), or,
 * for `<slug>-<id>` (a later track with the same title), that track. catalog.ts's trackSlugSql
 * gives each track its slug by the same rule.
 */
export async function trackIdBySlug(
  db: Kysely<DB>,
  ownerId: number,
  slug: string,
): Promise<number | undefined> {
  const { rows } = await sql<{ track_id: number }>`
    select track_id from tracks
    where owner_id = ${ownerId} and title_slug = ${slug}
    order by created_block, track_id limit 1`.execute(db);
  if (rows[0]) return Number(rows[0].track_id);
  const suffixed = /^(.*)-(\d{1,16})$/.exec(slug);
  if (!suffixed) return undefined;
  const { rows: byId } = await sql<{ track_id: number }>`
    select track_id from tracks
    where owner_id = ${ownerId} and track_id = ${Number(suffixed[2])}
      and title_slug = ${suffixed[1]}`.execute(db);
  return byId[0] ? Number(byId[0].track_id) : undefined;
}

/**
 * Like trackIdBySlug, for a playlist or an album: the kind the link names first, then the other
 * kind, so a link shared before a playlist became an album (`/handle/playlist/slug`) still finds
 * it, and the same for an album made a playlist again.
 */
export async function playlistIdBySlug(
  db: Kysely<DB>,
  ownerId: number,
  slug: string,
  isAlbum: boolean,
): Promise<number | undefined> {
  return (
    (await playlistIdOfKindBySlug(db, ownerId, slug, isAlbum)) ??
    (await playlistIdOfKindBySlug(db, ownerId, slug, !isAlbum))
  );
}

/** The owner's playlist (or album, per `isAlbum`) with this slug, like trackIdBySlug. */
async function playlistIdOfKindBySlug(
  db: Kysely<DB>,
  ownerId: number,
  slug: string,
  isAlbum: boolean,
): Promise<number | undefined> {
  const { rows } = await sql<{ playlist_id: number }>`
    select playlist_id from playlists
    where owner_id = ${ownerId} and is_album = ${isAlbum} and name_slug = ${slug}
    order by created_block, playlist_id limit 1`.execute(db);
  if (rows[0]) return Number(rows[0].playlist_id);
  const suffixed = /^(.*)-(\d{1,16})$/.exec(slug);
  if (!suffixed) return undefined;
  const { rows: byId } = await sql<{ playlist_id: number }>`
    select playlist_id from playlists
    where owner_id = ${ownerId} and playlist_id = ${Number(suffixed[2])} and is_album = ${isAlbum}
      and name_slug = ${suffixed[1]}`.execute(db);
  return byId[0] ? Number(byId[0].playlist_id) : undefined;
}

/** Ids are drawn from 1..2^31-1: plenty of room, and every client language holds them. */
const MAX_UNCLAIMED_ID = 2 ** 31 - 1;
const UNCLAIMED_ID_ATTEMPTS = 20;

/** A random id no user, track or playlist (per `kind`) holds yet. */
export async function unclaimedId(
  db: Kysely<DB>,
  kind: 'users' | 'tracks' | 'playlists',
): Promise<number> {
  const column = { users: 'user_id', tracks: 'track_id', playlists: 'playlist_id' }[kind];
  for (let attempt = 0; attempt < UNCLAIMED_ID_ATTEMPTS; attempt++) {
    const id = randomInt(1, MAX_UNCLAIMED_ID);
    const { rows } =
      await sql`select 1 from ${sql.table(kind)} where ${sql.ref(column)} = ${id}`.execute(db);
    if (rows.length === 0) return id;
  }
  throw new ConflictError('No unclaimed id found; try again', { code: 'no_unclaimed_id' });
}
