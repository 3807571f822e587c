// Reads the catalog the API serves: tracks, users and playlists by id, each with its owner, its
// counts and (for a signed-in listener) what that listener did to it, in a few bulk queries per
// page, never one query per item.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB, ItemType } from '../db/schema.js';
import { ownerActive, releasedBy } from './visibility.js';

type Json = Record<string, unknown>;

export type UserView = {
  userId: number;
  wallet: string;
  handle: string;
  handleLc: string;
  name: string;
  isDeactivated: boolean;
  metadata: Json;
  createdBlock: number;
  createdAt: Date;
  updatedBlock: number;
  updatedAt: Date;
  /**
   * The user's tracks that are not deleted (indexed, as `aggregate_user` holds it). Listeners see
   * `trackCount - hiddenTrackCount` (`visibleTrackCount`); the owner sees them all.
   */
  trackCount: number;
  /** Of those, the ones listeners do not see now: unlisted, or scheduled (release date ahead). */
  hiddenTrackCount: number;
  /**
   * The earliest release date ahead among the user's listed tracks: when `hiddenTrackCount`
   * drops by the clock alone (null: none scheduled).
   */
  nextRelease: Date | null;
  playlistCount: number;
  albumCount: number;
  followerCount: number;
  followingCount: number;
  repostCount: number;
  /**
   * The wallet's DGCO (wei, a decimal string) as indexed from the token's Transfer logs
   * (indexer/sources/dgcoBalances.ts); "0" for a wallet that never held any.
   */
  balance: string;
  /** Distinct users who tipped this user, and distinct users this user tipped. */
  supporterCount: number;
  supportingCount: number;
  /** Set when a current user asked: their relation to this user. */
  viewer?: {
    doesFollow: boolean;
    isFollowedBy: boolean;
    /** How many of the users the viewer follows follow this user. */
    followeeFollowCount: number;
  };
};

export type ItemActivity = { userId: number; itemId: number; itemType: ItemType; createdAt: Date };

/** What the current user did to an item, and what the users they follow did. */
export type ViewerItemState = {
  hasReposted: boolean;
  hasSaved: boolean;
  followeeReposts: ItemActivity[];
  followeeSaves: ItemActivity[];
};

export type TrackView = {
  trackId: number;
  ownerId: number;
  owner: UserView;
  title: string;
  slug: string;
  genre: string;
  mood: string | null;
  trackCid: string;
  duration: number;
  releaseDate: Date | null;
  isUnlisted: boolean;
  isDeleted: boolean;
  streamConditions: Json | null;
  downloadConditions: Json | null;
  metadata: Json;
  createdBlock: number;
  createdAt: Date;
  updatedBlock: number;
  updatedAt: Date;
  saveCount: number;
  repostCount: number;
  playCount: number;
  viewer?: ViewerItemState;
};

export type PlaylistView = {
  playlistId: number;
  ownerId: number;
  owner: UserView;
  playlistName: string;
  slug: string;
  isAlbum: boolean;
  isPrivate: boolean;
  isDeleted: boolean;
  streamConditions: Json | null;
  metadata: Json;
  createdBlock: number;
  createdAt: Date;
  updatedBlock: number;
  updatedAt: Date;
  saveCount: number;
  repostCount: number;
  totalPlayCount: number;
  contents: { trackId: number; addedAt: number; metadataAt: number }[];
  /**
   * Of `contents`, the tracks the viewer can play, as `/v1/playlists/{id}/tracks` lists them: not
   * deleted, owner active, released (a track's owner also counts their scheduled one). Unlisted
   * tracks count: a playlist plays them. Read at query time, never indexed state.
   */
  playableTrackCount: number;
  viewer?: ViewerItemState;
};

/** How many followee reposts and saves an item lists for the current user. */
const FOLLOWEE_ACTIVITY_PER_ITEM = 20;
/**
 * Followee reposts and saves are looked for among an item's newest this many: a hit track has
 * hundreds of thousands, and reading them all for each page would be a scan without bound.
 */
const RECENT_ACTIVITY_SCANNED = 1000;

type UserRow = {
  user_id: number;
  wallet: string;
  handle: string;
  handle_lc: string;
  name: string;
  is_deactivated: boolean;
  metadata: Json;
  created_block: number;
  created_at: Date;
  updated_block: number;
  updated_at: Date;
  track_count: number | null;
  hidden_track_count: number;
  next_release: Date | null;
  playlist_count: number | null;
  album_count: number | null;
  follower_count: number | null;
  following_count: number | null;
  repost_count: number | null;
  balance: string;
  supporter_count: number;
  supporting_count: number;
};

function toUserView(row: UserRow): UserView {
  return {
    userId: Number(row.user_id),
    wallet: row.wallet,
    handle: row.handle,
    handleLc: row.handle_lc,
    name: row.name,
    isDeactivated: row.is_deactivated,
    metadata: row.metadata,
    createdBlock: Number(row.created_block),
    createdAt: row.created_at,
    updatedBlock: Number(row.updated_block),
    updatedAt: row.updated_at,
    trackCount: Number(row.track_count ?? 0),
    hiddenTrackCount: Number(row.hidden_track_count),
    nextRelease: row.next_release,
    playlistCount: Number(row.playlist_count ?? 0),
    albumCount: Number(row.album_count ?? 0),
    followerCount: Number(row.follower_count ?? 0),
    followingCount: Number(row.following_count ?? 0),
    repostCount: Number(row.repost_count ?? 0),
    balance: row.balance,
    supporterCount: Number(row.supporter_count),
    supportingCount: Number(row.supporting_count),
  };
}

/**
 * The user `u`'s tracks that listeners do not see now (unlisted, or released later than now), as
 * `prefix`hidden_track_count, and the earliest release ahead among the listed ones, as
 * `prefix`next_release. Read at query time, so a scheduled track counts from its release date on
 * without the indexer; the indexed count (aggregate_user, in the state digest) stays all the
 * user's undeleted tracks. Partial index tracks_owner_hidden (migration 0012) holds the rows.
 */
function hiddenTrackColumnsSql(prefix: '' | 'u_'): RawBuilder<unknown> {
  return sql`(select count(*) from tracks h where h.owner_id = u.user_id and not h.is_deleted
        and (h.is_unlisted or h.release_date > now()))::int
      as ${sql.ref(`${prefix}hidden_track_count`)},
    (select min(h.release_date) from tracks h where h.owner_id = u.user_id and not h.is_deleted
        and not h.is_unlisted and h.release_date > now())
      as ${sql.ref(`${prefix}next_release`)}`;
}

/** The owner's columns, prefixed `u_`, for queries that read an item with its owner. */
type OwnerColumns = { [K in keyof UserRow as `u_${K}`]: UserRow[K] };

/**
 * A user's balance and tip counts, as `prefix`balance, `prefix`supporter_count and
 * `prefix`supporting_count, for the user `u` of the query it is in (one index lookup each).
 */
function moneyColumnsSql(prefix: '' | 'u_'): RawBuilder<unknown> {
  return sql`coalesce((select wb.balance from wallet_balances wb where wb.wallet = u.wallet), 0)::text
      as ${sql.ref(`${prefix}balance`)},
    (select count(distinct tr.sender_user_id) from tips tr
      where tr.receiver_user_id = u.user_id)::int as ${sql.ref(`${prefix}supporter_count`)},
    (select count(distinct ts.receiver_user_id) from tips ts
      where ts.sender_user_id = u.user_id)::int as ${sql.ref(`${prefix}supporting_count`)}`;
}

const ownerColumnsSql = sql`u.user_id as u_user_id, u.wallet as u_wallet, u.handle as u_handle,
  u.handle_lc as u_handle_lc, u.name as u_name, u.is_deactivated as u_is_deactivated,
  u.metadata as u_metadata, u.created_block as u_created_block, u.created_at as u_created_at,
  u.updated_block as u_updated_block, u.updated_at as u_updated_at,
  au.track_count as u_track_count, au.playlist_count as u_playlist_count,
  au.album_count as u_album_count, au.follower_count as u_follower_count,
  au.following_count as u_following_count, au.repost_count as u_repost_count,
  ${hiddenTrackColumnsSql('u_')}, ${moneyColumnsSql('u_')}`;

/** The owner's UserView from a row read with `ownerColumnsSql`. */
function ownerOf(row: OwnerColumns): UserView {
  const unprefixed = Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => key.startsWith('u_'))
      .map(([key, value]) => [key.slice(2), value]),
  ) as UserRow;
  return toUserView(unprefixed);
}

/** Keeps `ids`' order (and drops ids with no row). */
function inOrder<T>(ids: readonly number[], byId: Map<number, T>): T[] {
  const out: T[] = [];
  for (const id of ids) {
    const item = byId.get(id);
    if (item !== undefined) out.push(item);
  }
  return out;
}

/** Users by id, in the order asked, with their counts (and the viewer's relation to each). */
export async function loadUsers(
  db: Kysely<DB>,
  ids: readonly number[],
  viewerId?: number,
): Promise<UserView[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const { rows } = await sql<UserRow>`
    select u.user_id, u.wallet, u.handle, u.handle_lc, u.name, u.is_deactivated, u.metadata,
      u.created_block, u.created_at, u.updated_block, u.updated_at,
      a.track_count, a.playlist_count, a.album_count, a.follower_count, a.following_count,
      a.repost_count, ${hiddenTrackColumnsSql('')}, ${moneyColumnsSql('')}
    from users u left join aggregate_user a on a.user_id = u.user_id
    where u.user_id ${idsFilter(unique)}`.execute(db);
  const byId = new Map(rows.map((row) => [Number(row.user_id), toUserView(row)]));
  if (viewerId !== undefined) await addUserViewer(db, [...byId.values()], viewerId);
  return inOrder(ids, byId);
}

async function addUserViewer(db: Kysely<DB>, users: UserView[], viewerId: number): Promise<void> {
  if (users.length === 0) return;
  const ids = users.map((u) => u.userId);
  const { rows } = await sql<{
    user_id: number;
    does_follow: boolean;
    is_followed_by: boolean;
    followee_follow_count: number;
  }>`
    select x.user_id,
      exists (select 1 from follows f where f.follower_id = ${viewerId} and f.followee_id = x.user_id)
        as does_follow,
      exists (select 1 from follows f where f.follower_id = x.user_id and f.followee_id = ${viewerId})
        as is_followed_by,
      (select count(*) from follows mine join follows theirs
         on theirs.follower_id = mine.followee_id and theirs.followee_id = x.user_id
       where mine.follower_id = ${viewerId})::int as followee_follow_count
    from unnest(${ids}::bigint[]) as x(user_id)`.execute(db);
  const byId = new Map(rows.map((r) => [Number(r.user_id), r]));
  for (const user of users) {
    const r = byId.get(user.userId);
    user.viewer = {
      doesFollow: r?.does_follow ?? false,
      isFollowedBy: r?.is_followed_by ?? false,
      followeeFollowCount: Number(r?.followee_follow_count ?? 0),
    };
  }
}

/** The viewer's reposts and saves of `items`, and those of the users the viewer follows. */
async function loadViewerItemState(
  db: Kysely<DB>,
  itemType: ItemType,
  itemIds: number[],
  viewerId: number,
): Promise<Map<number, ViewerItemState>> {
  const state = new Map<number, ViewerItemState>(
    itemIds.map((id) => [
      id,
      { hasReposted: false, hasSaved: false, followeeReposts: [], followeeSaves: [] },
    ]),
  );
  if (itemIds.length === 0) return state;
  // One query: the viewer's own rows and, per item, the newest rows of users the viewer follows.
  const { rows } = await sql<{
    kind: 'repost' | 'save';
    user_id: number;
    item_id: number;
    created_at: Date;
  }>`
    with items as (select unnest(${itemIds}::bigint[]) as item_id)
    select 'repost' as kind, r.user_id, r.item_id, r.created_at
    from reposts r
    where r.item_type = ${itemType} and r.item_id = any(${itemIds}::bigint[]) and r.user_id = ${viewerId}
    union all
    select 'save', s.user_id, s.item_id, s.created_at
    from saves s
    where s.item_type = ${itemType} and s.item_id = any(${itemIds}::bigint[]) and s.user_id = ${viewerId}
    union all
    select 'repost', fr.user_id, fr.item_id, fr.created_at from items i cross join lateral (
      select r.user_id, r.item_id, r.created_at from (
        select user_id, item_id, created_at, created_block from reposts
        where item_type = ${itemType} and item_id = i.item_id
        order by created_block desc, user_id desc limit ${RECENT_ACTIVITY_SCANNED}) r
      join follows f on f.follower_id = ${viewerId} and f.followee_id = r.user_id
      order by r.created_block desc, r.user_id desc limit ${FOLLOWEE_ACTIVITY_PER_ITEM}) fr
    union all
    select 'save', fs.user_id, fs.item_id, fs.created_at from items i cross join lateral (
      select s.user_id, s.item_id, s.created_at from (
        select user_id, item_id, created_at, created_block from saves
        where item_type = ${itemType} and item_id = i.item_id
        order by created_block desc, user_id desc limit ${RECENT_ACTIVITY_SCANNED}) s
      join follows f on f.follower_id = ${viewerId} and f.followee_id = s.user_id
      order by s.created_block desc, s.user_id desc limit ${FOLLOWEE_ACTIVITY_PER_ITEM}) fs`.execute(
    db,
  );
  for (const row of rows) {
    const item = state.get(Number(row.item_id));
    if (!item) continue;
    const userId = Number(row.user_id);
    if (userId === viewerId) {
      if (row.kind === 'repost') item.hasReposted = true;
      else item.hasSaved = true;
      continue;
    }
    const activity = { userId, itemId: Number(row.item_id), itemType, createdAt: row.created_at };
    (row.kind === 'repost' ? item.followeeReposts : item.followeeSaves).push(activity);
  }
  return state;
}

type TrackRow = {
  track_id: number;
  owner_id: number;
  title: string;
  slug: string;
  genre: string;
  mood: string | null;
  track_cid: string;
  duration: number;
  release_date: Date | null;
  is_unlisted: boolean;
  is_deleted: boolean;
  stream_conditions: Json | null;
  download_conditions: Json | null;
  metadata: Json;
  created_block: number;
  created_at: Date;
  updated_block: number;
  updated_at: Date;
  save_count: number | null;
  repost_count: number | null;
  play_count: number;
};

/** Tracks by id, in the order asked, each with its owner and counts. */
export async function loadTracks(
  db: Kysely<DB>,
  ids: readonly number[],
  viewerId?: number,
): Promise<TrackView[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  // One query: each track with its owner and both their counts.
  const { rows } = await sql<TrackRow & OwnerColumns>`
    select t.track_id, t.owner_id, t.title, ${trackSlugSql} as slug, t.genre, t.mood,
      t.track_cid, t.duration, t.release_date, t.is_unlisted, t.is_deleted, t.stream_conditions,
      t.download_conditions, t.metadata, t.created_block, t.created_at, t.updated_block,
      t.updated_at, a.save_count, a.repost_count,
      coalesce(ap.play_count, 0)::int as play_count,
      ${ownerColumnsSql}
    from tracks t
    join users u on u.user_id = t.owner_id
    left join aggregate_track a on a.track_id = t.track_id
    left join aggregate_plays ap on ap.track_id = t.track_id
    left join aggregate_user au on au.user_id = u.user_id
    where t.track_id ${idsFilter(unique)}`.execute(db);
  const owners = new Map(rows.map((r) => [Number(r.owner_id), ownerOf(r)]));
  if (viewerId !== undefined) await addUserViewer(db, [...owners.values()], viewerId);
  const viewer =
    viewerId === undefined ? undefined : await loadViewerItemState(db, 'track', unique, viewerId);
  const byId = new Map<number, TrackView>();
  for (const row of rows) {
    const trackId = Number(row.track_id);
    const owner = owners.get(Number(row.owner_id));
    if (!owner) continue; // a track always has its owner (foreign key); never reached
    byId.set(trackId, {
      trackId,
      ownerId: owner.userId,
      owner,
      title: row.title,
      slug: row.slug,
      genre: row.genre,
      mood: row.mood,
      trackCid: row.track_cid,
      duration: Number(row.duration),
      releaseDate: row.release_date,
      isUnlisted: row.is_unlisted,
      isDeleted: row.is_deleted,
      streamConditions: row.stream_conditions,
      downloadConditions: row.download_conditions,
      metadata: row.metadata,
      createdBlock: Number(row.created_block),
      createdAt: row.created_at,
      updatedBlock: Number(row.updated_block),
      updatedAt: row.updated_at,
      saveCount: Number(row.save_count ?? 0),
      repostCount: Number(row.repost_count ?? 0),
      playCount: Number(row.play_count),
      ...(viewer ? { viewer: viewer.get(trackId)! } : {}),
    });
  }
  return inOrder(ids, byId);
}

type PlaylistRow = {
  playlist_id: number;
  owner_id: number;
  playlist_name: string;
  slug: string;
  is_album: boolean;
  is_private: boolean;
  is_deleted: boolean;
  stream_conditions: Json | null;
  metadata: Json;
  created_block: number;
  created_at: Date;
  updated_block: number;
  updated_at: Date;
  save_count: number | null;
  repost_count: number | null;
  total_play_count: number;
  playable_track_count: number;
  contents: { track_id: number; added_at: number; metadata_at: number }[] | null;
};

/**
 * Playlists by id, in the order asked, each with its owner, counts and track list; `ownerId` (the
 * current user when proven) has their own scheduled tracks in the playable count.
 */
export async function loadPlaylists(
  db: Kysely<DB>,
  ids: readonly number[],
  viewerId?: number,
  ownerId?: number,
): Promise<PlaylistView[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const { rows } = await sql<PlaylistRow & OwnerColumns>`
    select p.playlist_id, p.owner_id, p.playlist_name, ${playlistSlugSql} as slug, p.is_album,
      p.is_private, p.is_deleted, p.stream_conditions, p.metadata, p.created_block, p.created_at,
      p.updated_block, p.updated_at, a.save_count, a.repost_count,
      (select coalesce(sum(ap.play_count), 0) from playlist_tracks pt
        join aggregate_plays ap on ap.track_id = pt.track_id
        where pt.playlist_id = p.playlist_id)::int as total_play_count,
      (select count(*) from playlist_tracks pt
        join tracks t on t.track_id = pt.track_id
        join users tu on tu.user_id = t.owner_id
        where pt.playlist_id = p.playlist_id and not t.is_deleted
          and ${ownerActive(sql.ref('tu.is_deactivated'))}
          and (${releasedBy('t.release_date', sql`now()`)}
            or t.owner_id = ${ownerId ?? null}))::int as playable_track_count,
      (select json_agg(json_build_object('track_id', pt.track_id, 'added_at', pt.added_at,
          'metadata_at', pt.added_at) order by pt.position)
        from playlist_tracks pt where pt.playlist_id = p.playlist_id) as contents,
      ${ownerColumnsSql}
    from playlists p
    join users u on u.user_id = p.owner_id
    left join aggregate_playlist a on a.playlist_id = p.playlist_id
    left join aggregate_user au on au.user_id = u.user_id
    where p.playlist_id ${idsFilter(unique)}`.execute(db);
  const owners = new Map(rows.map((r) => [Number(r.owner_id), ownerOf(r)]));
  if (viewerId !== undefined) await addUserViewer(db, [...owners.values()], viewerId);
  const viewer =
    viewerId === undefined
      ? undefined
      : await loadViewerItemState(db, 'playlist', unique, viewerId);
  const byId = new Map<number, PlaylistView>();
  for (const row of rows) {
    const playlistId = Number(row.playlist_id);
    const owner = owners.get(Number(row.owner_id));
    if (!owner) continue;
    byId.set(playlistId, {
      playlistId,
      ownerId: owner.userId,
      owner,
      playlistName: row.playlist_name,
      slug: row.slug,
      isAlbum: row.is_album,
      isPrivate: row.is_private,
      isDeleted: row.is_deleted,
      streamConditions: row.stream_conditions,
      metadata: row.metadata,
      createdBlock: Number(row.created_block),
      createdAt: row.created_at,
      updatedBlock: Number(row.updated_block),
      updatedAt: row.updated_at,
      saveCount: Number(row.save_count ?? 0),
      repostCount: Number(row.repost_count ?? 0),
      totalPlayCount: Number(row.total_play_count),
      playableTrackCount: Number(row.playable_track_count),
      contents: (row.contents ?? []).map((c) => ({
        trackId: Number(c.track_id),
        addedAt: Number(c.added_at),
        metadataAt: Number(c.metadata_at),
      })),
      ...(viewer ? { viewer: viewer.get(playlistId)! } : {}),
    });
  }
  return inOrder(ids, byId);
}

/**
 * A track's slug: its title folded to lower-case ASCII words joined by "-"; a later track of
 * the same owner with the same title (later by its creation block, then id) gets its id appended,
 * so every permalink names one track and an older track keeps its link when a new one comes.
 */
/**
 * `= id` for one id, `= any(ids)` for more. A prepared statement with `= any($1)` is re-planned on
 * every call (PostgreSQL's estimate of an array parameter makes its generic plan look dearer than
 * it is), and planning a read with its owner and counts cost more than running it; `= $1` gets a
 * generic plan after a few calls, and one-id reads (GET /v1/tracks/{id}) are the hot ones.
 */
function idsFilter(ids: readonly number[]): RawBuilder<unknown> {
  return ids.length === 1 ? sql`= ${ids[0]}::bigint` : sql`= any(${ids}::bigint[])`;
}

const trackSlugSql = sql`(case when exists (
    select 1 from tracks o where o.owner_id = t.owner_id and o.title_slug = t.title_slug
      and (o.created_block, o.track_id) < (t.created_block, t.track_id))
  then t.title_slug || '-' || t.track_id else t.title_slug end)`;

const playlistSlugSql = sql`(case when exists (
    select 1 from playlists o where o.owner_id = p.owner_id and o.is_album = p.is_album
      and o.name_slug = p.name_slug
      and (o.created_block, o.playlist_id) < (p.created_block, p.playlist_id))
  then p.name_slug || '-' || p.playlist_id else p.name_slug end)`;
