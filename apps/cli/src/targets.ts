// What a command's <track>, <user> or <playlist> argument may be: a hashid, a numeric id, a
// permalink path (`/alice/sunset`) or full URL, or for users a handle (`@alice` or `alice`).
// Tracks and playlists are read as the logged-in user (`viewer`, their user id) when there is
// one: only then are their own scheduled tracks and private playlists found.
import type { ColivingSdk } from '@coliving/sdk';
import { CommandFailure, UsageError } from './errors.js';

type Track = Awaited<ReturnType<ColivingSdk['tracks']['get']>>;
type User = Awaited<ReturnType<ColivingSdk['users']['get']>>;
type Playlist = Awaited<ReturnType<ColivingSdk['playlists']['get']>>;

const isLink = (target: string) => target.includes('/');

function isNotFound(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === 'not_found' || type === 'invalid_input';
}

/** The SDK's `userId` option for the logged-in user's id, when there is one. */
const as = (viewer: string | undefined) => (viewer === undefined ? {} : { userId: viewer });

async function resolveAs<K extends 'track' | 'user' | 'playlist'>(
  sdk: ColivingSdk,
  target: string,
  kind: K,
  viewer?: string,
): Promise<string> {
  const resolved = await sdk.resolve(target, as(viewer));
  if (resolved.kind !== kind)
    throw new UsageError(`${target} is a ${resolved.kind}, not a ${kind}`);
  return resolved.id;
}

/** The track `target` names, as `viewer` (the logged-in user's id) sees it. */
export async function findTrack(sdk: ColivingSdk, target: string, viewer?: string): Promise<Track> {
  const id = isLink(target) ? await resolveAs(sdk, target, 'track', viewer) : target;
  return sdk.tracks.get(id, as(viewer));
}

/** The playlist or album `target` names, as `viewer` (the logged-in user's id) sees it. */
export async function findPlaylist(
  sdk: ColivingSdk,
  target: string,
  viewer?: string,
): Promise<Playlist> {
  const id = isLink(target) ? await resolveAs(sdk, target, 'playlist', viewer) : target;
  return sdk.playlists.get(id, as(viewer));
}

export async function findUser(sdk: ColivingSdk, target: string): Promise<User> {
  if (target.startsWith('@')) return sdk.users.byHandle(target.slice(1));
  if (isLink(target)) return sdk.users.get(await resolveAs(sdk, target, 'user'));
  try {
    return await sdk.users.get(target);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return sdk.users.byHandle(target);
  }
}

/** What `buy` takes: a track, or a playlist or album. */
export type Content = { kind: 'track'; track: Track } | { kind: 'playlist'; playlist: Playlist };

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The track or playlist `target` names. A permalink says which; an id may be either (tracks and
 * playlists are numbered apart), so with no `kind` both are looked up and, when both exist, the
 * one for sale is taken; when that does not decide, the user is asked to say which.
 */
export async function findContent(
  sdk: ColivingSdk,
  target: string,
  kind?: 'track' | 'playlist',
  viewer?: string,
): Promise<Content> {
  if (isLink(target)) {
    const resolved = await sdk.resolve(target, as(viewer));
    if (resolved.kind === 'user')
      throw new UsageError(`${target} is a user, not a track or playlist`);
    if (kind && resolved.kind !== kind)
      throw new UsageError(`${target} is a ${resolved.kind}, not a ${kind}`);
    return resolved.kind === 'track'
      ? { kind: 'track', track: await sdk.tracks.get(resolved.id, as(viewer)) }
      : { kind: 'playlist', playlist: await sdk.playlists.get(resolved.id, as(viewer)) };
  }
  if (kind === 'track') return { kind, track: await sdk.tracks.get(target, as(viewer)) };
  if (kind === 'playlist') return { kind, playlist: await sdk.playlists.get(target, as(viewer)) };
  const [track, playlist] = await Promise.all([
    orUndefined(sdk.tracks.get(target, as(viewer))),
    orUndefined(sdk.playlists.get(target, as(viewer))),
  ]);
  const forSale = (item: { stream_conditions?: unknown } | undefined) =>
    item !== undefined &&
    typeof item.stream_conditions === 'object' &&
    item.stream_conditions !== null &&
    'dgco_purchase' in item.stream_conditions;
  if (track && (!playlist || (forSale(track) && !forSale(playlist))))
    return { kind: 'track', track };
  if (playlist && (!track || (forSale(playlist) && !forSale(track))))
    return { kind: 'playlist', playlist };
  if (track && playlist)
    throw new UsageError(
      `${target} is both a track ("${track.title}") and a playlist ("${playlist.playlist_name}"): add --track or --playlist, or give its permalink`,
    );
  throw new CommandFailure('not_found', `No track or playlist has the id ${target}`);
}
