// What a command's <track>, <user> or <playlist> argument may be: a hashid, a numeric id, a
// permalink path (`/alice/sunset`) or full URL, or for users a handle (`@alice` or `alice`).
import type { ColivingSdk } from '@coliving/sdk';
import { UsageError } from './errors.js';

type Track = Awaited<ReturnType<ColivingSdk['tracks']['get']>>;
type User = Awaited<ReturnType<ColivingSdk['users']['get']>>;
type Playlist = Awaited<ReturnType<ColivingSdk['playlists']['get']>>;

const isLink = (target: string) => target.includes('/');

function isNotFound(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === 'not_found' || type === 'invalid_input';
}

async function resolveAs<K extends 'track' | 'user' | 'playlist'>(
  sdk: ColivingSdk,
  target: string,
  kind: K,
): Promise<string> {
  const resolved = await sdk.resolve(target);
  if (resolved.kind !== kind)
    throw new UsageError(`${target} is a ${resolved.kind}, not a ${kind}`);
  return resolved.id;
}

export async function findTrack(sdk: ColivingSdk, target: string): Promise<Track> {
  return sdk.tracks.get(isLink(target) ? await resolveAs(sdk, target, 'track') : target);
}

export async function findPlaylist(sdk: ColivingSdk, target: string): Promise<Playlist> {
  return sdk.playlists.get(isLink(target) ? await resolveAs(sdk, target, 'playlist') : target);
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
