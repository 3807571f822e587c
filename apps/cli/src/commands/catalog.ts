// Reads: `track | user | playlist get | search` and `trending`.
import type { Playlist, Track, User } from '@coliving/sdk';
import type { Command } from '../command.js';
import { loadSession, output, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';
import { findPlaylist, findTrack, findUser } from '../targets.js';

type TrackLike = Track;
type UserLike = User;
type PlaylistLike = Playlist;

const minutes = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

export function trackLine(t: TrackLike): string {
  return `${t.id}  ${t.title} — @${t.user.handle}  [${t.genre}, ${minutes(t.duration)}]  ${t.play_count} plays, ${t.repost_count} reposts, ${t.favorite_count} saves  ${t.permalink}`;
}

function userLine(u: UserLike): string {
  return `${u.id}  @${u.handle} — ${u.name}  ${u.track_count} tracks, ${u.follower_count} followers`;
}

function playlistLine(p: PlaylistLike): string {
  return `${p.id}  ${p.playlist_name}${p.is_album ? ' (album)' : ''} — @${p.user.handle}  ${p.track_count} tracks  ${p.permalink}`;
}

function lines<T>(items: T[], line: (item: T) => string): string {
  return items.length === 0 ? '(nothing found)' : items.map(line).join('\n');
}

function limitOf(values: Record<string, unknown>): number | undefined {
  if (values.limit === undefined) return undefined;
  const n = Number(values.limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError('--limit must be a whole number from 1 to 100');
  return n;
}

const searchOptions = { limit: { type: 'string' } } as const;

export const catalogCommands: Command[] = [
  {
    words: ['track', 'get'],
    usage: 'track get <track>',
    summary: 'A track, by id or permalink',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      // As the logged-in user, when there is one: their scheduled and unlisted tracks too.
      const viewer = (await loadSession(io).catch(() => undefined))?.userId;
      const sdk = await sdkFor(io, { discovery });
      const track = await findTrack(sdk, positionals[0]!, viewer);
      output(io, json, track, () => trackLine(track));
    },
  },
  {
    words: ['track', 'search'],
    usage: 'track search <query> [--genre <g>] [--limit <n>]',
    summary: 'Search tracks (typos forgiven)',
    positionals: 1,
    options: { ...searchOptions, genre: { type: 'string' } },
    async run({ positionals, values, json, discovery }, io) {
      const sdk = await sdkFor(io, { discovery });
      const limit = limitOf(values);
      const tracks = await sdk.tracks.search({
        query: positionals[0]!,
        ...(typeof values.genre === 'string' ? { genre: [values.genre] } : {}),
        ...(limit ? { limit } : {}),
      });
      output(io, json, tracks, () => lines(tracks, trackLine));
    },
  },
  {
    words: ['user', 'get'],
    usage: 'user get <user>',
    summary: 'A user, by id, @handle or permalink',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      const sdk = await sdkFor(io, { discovery });
      const user = await findUser(sdk, positionals[0]!);
      output(io, json, user, () => userLine(user));
    },
  },
  {
    words: ['user', 'search'],
    usage: 'user search <query> [--limit <n>]',
    summary: 'Search users by handle or name',
    positionals: 1,
    options: searchOptions,
    async run({ positionals, values, json, discovery }, io) {
      const sdk = await sdkFor(io, { discovery });
      const limit = limitOf(values);
      const users = await sdk.users.search({
        query: positionals[0]!,
        ...(limit ? { limit } : {}),
      });
      output(io, json, users, () => lines(users, userLine));
    },
  },
  {
    words: ['playlist', 'get'],
    usage: 'playlist get <playlist>',
    summary: 'A playlist or album and its tracks',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      // As the logged-in user, when there is one: their private playlists too.
      const viewer = (await loadSession(io).catch(() => undefined))?.userId;
      const sdk = await sdkFor(io, { discovery });
      const playlist = await findPlaylist(sdk, positionals[0]!, viewer);
      const tracks = await sdk.playlists.tracks(playlist.id, viewer ? { userId: viewer } : {});
      output(io, json, { ...playlist, tracks }, () =>
        [playlistLine(playlist), ...tracks.map((t, i) => `  ${i + 1}. ${trackLine(t)}`)].join('\n'),
      );
    },
  },
  {
    words: ['playlist', 'search'],
    usage: 'playlist search <query> [--limit <n>]',
    summary: 'Search playlists and albums',
    positionals: 1,
    options: searchOptions,
    async run({ positionals, values, json, discovery }, io) {
      const sdk = await sdkFor(io, { discovery });
      const limit = limitOf(values);
      const playlists = await sdk.playlists.search({
        query: positionals[0]!,
        ...(limit ? { limit } : {}),
      });
      output(io, json, playlists, () => lines(playlists, playlistLine));
    },
  },
  {
    words: ['trending'],
    usage: 'trending [--time week|month|allTime] [--genre <g>] [--limit <n>]',
    summary: 'Trending tracks',
    options: { ...searchOptions, time: { type: 'string' }, genre: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const time = values.time ?? 'week';
      if (time !== 'week' && time !== 'month' && time !== 'allTime')
        throw new UsageError('--time must be week, month or allTime');
      const sdk = await sdkFor(io, { discovery });
      const limit = limitOf(values);
      const tracks = await sdk.tracks.trending({
        time,
        ...(typeof values.genre === 'string' ? { genre: values.genre } : {}),
        ...(limit ? { limit } : {}),
      });
      output(io, json, tracks, () =>
        lines(tracks, (t) => `${tracks.indexOf(t) + 1}. ${trackLine(t)}`),
      );
    },
  },
];
