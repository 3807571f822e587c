// Who sees a track or a playlist, in one place: as functions over loaded views (the API's
// answers, the in-memory search) and as SQL over their rows (lists, search, trending, the search
// dictionary and index).
//
// A track shows when it is not deleted, its owner is not deactivated and it is released (no
// release date, or one that has passed). Lists, search and trending also leave out unlisted
// tracks, which a link (by id or permalink) still finds. The owner sees their own scheduled
// tracks, and in their own list their unlisted ones too. A playlist shows when it is not
// deleted, not private and its owner is not deactivated; the owner sees their private ones.
//
// The SQL comes in parts because queries test each part where it is cheapest: track search
// tests the row's own flags in every probe, the release date once per candidate and the owner
// last, on the page's few rows.
import { type RawBuilder, sql } from 'kysely';

/** True while a release date lies ahead: the track is announced but not out. */
export function isScheduled(releaseDate: Date | null, now = Date.now()): boolean {
  return releaseDate !== null && releaseDate.getTime() > now;
}

/** isScheduled for a release time in ms since the epoch, NaN when there is none. */
export function isScheduledAt(releaseMs: number, now: number): boolean {
  return releaseMs > now; // NaN compares false: no release date is released
}

/** What track visibility needs to know (a catalog TrackView has it). */
export type VisibleTrack = {
  ownerId: number;
  isDeleted: boolean;
  releaseDate: Date | null;
  owner: { isDeactivated: boolean };
};

/**
 * Whether a track shows by id or permalink to `viewerId` (none: anyone): not deleted, owner
 * active, and released unless the viewer owns it. Unlisted tracks do.
 */
export function isTrackVisible(track: VisibleTrack, viewerId?: number, now = Date.now()): boolean {
  return (
    !track.isDeleted &&
    !track.owner.isDeactivated &&
    (viewerId === track.ownerId || !isScheduled(track.releaseDate, now))
  );
}

/**
 * Whether a track shows in a list read to `viewerId` (a user's reposts): visible, and not
 * unlisted unless the viewer owns it, as the SQL rules of the other lists decide.
 */
export function isTrackListed(
  track: VisibleTrack & { isUnlisted: boolean },
  viewerId?: number,
  now = Date.now(),
): boolean {
  return isTrackVisible(track, viewerId, now) && (!track.isUnlisted || viewerId === track.ownerId);
}

/** What playlist visibility needs to know (a catalog PlaylistView has it). */
export type VisiblePlaylist = {
  ownerId: number;
  isDeleted: boolean;
  isPrivate: boolean;
  owner: { isDeactivated: boolean };
};

/** Whether a playlist shows to `viewerId` (none: anyone): its owner also sees a private one. */
export function isPlaylistVisible(playlist: VisiblePlaylist, viewerId?: number): boolean {
  return (
    !playlist.isDeleted &&
    !playlist.owner.isDeactivated &&
    (!playlist.isPrivate || viewerId === playlist.ownerId)
  );
}

/**
 * A listed track's own flags over the `tracks` row aliased `t`: not deleted, not unlisted. Text,
 * so that a query handed over as a string (ts_stat's) holds the same rule.
 */
export function listedTrackRowText(t: string): string {
  return `not ${t}.is_deleted and not ${t}.is_unlisted`;
}

/** listedTrackRowText as SQL. */
export function listedTrackRow(t: string): RawBuilder<boolean> {
  return sql.raw<boolean>(listedTrackRowText(t));
}

/** Released by `now`: the `releaseDate` column is null or not after it. */
export function releasedBy(releaseDate: string, now: RawBuilder<unknown>): RawBuilder<boolean> {
  const column = sql.raw(releaseDate);
  return sql<boolean>`(${column} is null or ${column} <= ${now})`;
}

/** The owner is active: `isDeactivated` is their users row's is_deactivated (column or query). */
export function ownerActive(isDeactivated: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`not ${isDeactivated}`;
}

/**
 * The whole rule for lists, search and trending, over the `tracks` row `t` and its owner's `users`
 * row `o`, as of `now`.
 */
export function listedTrack(t: string, o: string, now: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`${listedTrackRow(t)}
    and ${ownerActive(sql.raw(`${o}.is_deactivated`))}
    and ${releasedBy(`${t}.release_date`, now)}`;
}

/**
 * A track in a user's own list as of `now`: listed (the owner's standing aside: the caller has
 * checked it), and when `ownerAsks`, their unlisted and scheduled tracks too.
 */
export function listedOwnTrack(
  t: string,
  now: RawBuilder<unknown>,
  ownerAsks: boolean,
): RawBuilder<boolean> {
  const row = sql.raw(t);
  return sql<boolean>`not ${row}.is_deleted
    and (${ownerAsks} or (not ${row}.is_unlisted and ${releasedBy(`${t}.release_date`, now)}))`;
}

/** A listed playlist's own flags over the `playlists` row aliased `p`: not deleted, not private. */
export function listedPlaylistRow(p: string): RawBuilder<boolean> {
  return sql.raw<boolean>(`not ${p}.is_deleted and not ${p}.is_private`);
}

/**
 * A playlist in a user's own list: listed (the owner's standing aside: the caller has checked
 * it), and when `ownerAsks`, their private playlists too.
 */
export function listedOwnPlaylist(p: string, ownerAsks: boolean): RawBuilder<boolean> {
  const row = sql.raw(p);
  return sql<boolean>`not ${row}.is_deleted and (${ownerAsks} or not ${row}.is_private)`;
}
