// Signed actions: `follow | unfollow <user>`, `repost | save <track>`, `playlist create | add`.
import { GATE_OPTIONS, GATE_USAGE, describeAccess, parseAccess, resolveAccess } from '../access.js';
import type { Command } from '../command.js';
import { output, requireSession, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';
import { findPlaylist, findTrack, findUser } from '../targets.js';

function userAction(verb: 'follow' | 'unfollow'): Command {
  return {
    words: [verb],
    usage: `${verb} <user>`,
    summary: verb === 'follow' ? 'Follow a user' : 'Stop following a user',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const target = await findUser(sdk, positionals[0]!);
      if (target.id === session.userId) throw new UsageError(`You cannot ${verb} yourself`);
      await sdk.users[verb](session.userId!, target.id);
      const after = await sdk.users.get(target.id);
      output(
        io,
        json,
        {
          action: verb,
          userId: target.id,
          handle: after.handle,
          followerCount: after.follower_count,
        },
        () =>
          `${verb === 'follow' ? 'Following' : 'No longer following'} @${after.handle} (${after.follower_count} followers)`,
      );
    },
  };
}

function trackAction(verb: 'repost' | 'save' | 'unrepost' | 'unsave'): Command {
  return {
    words: [verb],
    usage: `${verb} <track>`,
    summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a track`,
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const track = await findTrack(sdk, positionals[0]!, session.userId);
      await sdk.tracks[verb](session.userId!, track.id);
      const after = await sdk.tracks.get(track.id);
      output(
        io,
        json,
        {
          action: verb,
          trackId: after.id,
          title: after.title,
          repostCount: after.repost_count,
          favoriteCount: after.favorite_count,
        },
        () =>
          `${verb}: "${after.title}" now has ${after.repost_count} reposts and ${after.favorite_count} saves`,
      );
    },
  };
}

export const socialCommands: Command[] = [
  userAction('follow'),
  userAction('unfollow'),
  trackAction('repost'),
  trackAction('unrepost'),
  trackAction('save'),
  trackAction('unsave'),
  {
    words: ['playlist', 'create'],
    usage: `playlist create --name <n> [--album] [--description <d>] ${GATE_USAGE}`,
    summary: 'Create a playlist (or an album; one for sale unlocks its tracks to its buyers)',
    options: {
      name: { type: 'string' },
      album: { type: 'boolean' },
      description: { type: 'string' },
      ...GATE_OPTIONS,
    },
    async run({ values, json, discovery }, io) {
      if (typeof values.name !== 'string' || values.name.trim() === '')
        throw new UsageError('missing --name');
      const access = parseAccess(values);
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const { streamConditions } = await resolveAccess(sdk, access, session.userId!);
      const created = await sdk.playlists.create({
        userId: session.userId!,
        name: values.name,
        isAlbum: values.album === true,
        ...(typeof values.description === 'string' ? { description: values.description } : {}),
      });
      const { playlistId } = created;
      // The SDK's create takes no conditions: the gate is its first update.
      const playlist = streamConditions
        ? await sdk.playlists.update(session.userId!, playlistId, { streamConditions })
        : created.playlist;
      const conditions = playlist.stream_conditions;
      output(
        io,
        json,
        { playlistId, permalink: playlist.permalink, streamConditions: conditions ?? null },
        () =>
          [
            `Created ${values.album ? 'album' : 'playlist'} "${values.name as string}"`,
            `id ${playlistId}`,
            `permalink ${playlist.permalink}`,
            ...(conditions ? [`access ${describeAccess(conditions)}`] : []),
          ].join('\n'),
      );
    },
  },
  {
    words: ['playlist', 'add'],
    usage: 'playlist add <playlist> <track>',
    summary: 'Add a track to one of your playlists',
    positionals: 2,
    async run({ positionals, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const playlist = await findPlaylist(sdk, positionals[0]!, session.userId);
      const track = await findTrack(sdk, positionals[1]!, session.userId);
      await sdk.playlists.addTrack(session.userId!, playlist.id, track.id);
      const tracks = await sdk.playlists.tracks(playlist.id);
      output(
        io,
        json,
        { playlistId: playlist.id, trackId: track.id, trackCount: tracks.length },
        () => `Added "${track.title}" to "${playlist.playlist_name}" (${tracks.length} tracks)`,
      );
    },
  },
];
