// A landlord's own tracks and playlists: `track edit <track>` (its fields, artwork and access: a
// price and splits, a follow or tip gate, public, listed, downloadable), `track delete <track>`,
// and `playlist edit <playlist>` (its name, description and gate: an album for sale unlocks its
// tracks to whoever buys it).
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GENRES, MOODS, encodeHashId } from '@coliving/protocol';
import type { ColivingSdk, UpdateTrackChanges } from '@coliving/sdk';
import {
  ACCESS_OPTIONS,
  ACCESS_USAGE,
  GATE_OPTIONS,
  GATE_USAGE,
  asksForChange,
  describeAccess,
  parseAccess,
  resolveAccess,
} from '../access.js';
import type { Command } from '../command.js';
import { output, requireSession, sdkFor } from '../context.js';
import { CommandFailure, UsageError } from '../errors.js';
import { findPlaylist, findTrack } from '../targets.js';
import { oneOf } from './oneOf.js';

/** The text fields `track edit` changes; an empty value clears an optional one. */
const TEXT_FIELDS = ['title', 'genre', 'description', 'mood', 'tags'] as const;

/** The user names each split's user id by, for printing a track's access. */
export async function splitHandles(
  sdk: ColivingSdk,
  conditions: unknown,
): Promise<Map<string, string>> {
  const splits =
    (conditions as { dgco_purchase?: { splits?: { user_id: number | string }[] } } | null)
      ?.dgco_purchase?.splits ?? [];
  const handles = new Map<string, string>();
  await Promise.all(
    splits.map(async (s) => {
      const id = typeof s.user_id === 'number' ? encodeHashId(s.user_id) : s.user_id;
      const user = await sdk.users.get(id).catch(() => undefined);
      if (user) handles.set(String(s.user_id), `@${user.handle}`);
    }),
  );
  return handles;
}

/**
 * `--release-date`: a day (yyyy-mm-dd, midnight UTC) or an ISO time; a day ahead schedules the
 * release, and "" clears the date (released now).
 */
export function parseReleaseDate(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(at))
    throw new UsageError(
      '--release-date is a day like 2027-06-01 (or an ISO time, or "" to clear)',
    );
  return new Date(at).toISOString();
}

export const editCommands: Command[] = [
  {
    words: ['track', 'edit'],
    usage: `track edit <track> [--title <t>] [--genre <g>] [--description <d>] [--mood <m>] [--tags <t>] [--release-date <yyyy-mm-dd>] [--preview-start <s>] [--artwork <image>] ${ACCESS_USAGE}`,
    summary:
      'Change one of your tracks: its fields, artwork, price and splits, gate, listing, download',
    details: [
      'Only what you name changes.',
      '  <track>                 your track: its id, its permalink (/handle/title) or its URL',
      '  --title <t>             a new title (and so a new permalink)',
      '  --genre <g>, --mood <m> from the fixed lists, in any case (another prints the list)',
      '  --description, --mood, --tags <t>   "" clears it; tags are comma-separated',
      '  --release-date <day>    2027-06-01 (midnight UTC) or an ISO time; a date ahead',
      '                          schedules the release (only you see it until then); "" clears it',
      '  --preview-start <s>     where the 30-second preview starts; it is cut again',
      '  --artwork <image>       a new picture (square looks best)',
      '  --price <DGCO>          for sale; --split @handle=percent (repeat, naming yourself too,',
      '                          summing to 100) shares each sale',
      '  --follow-gate | --tip-gate | --public   who may play it (your followers, tippers, anyone)',
      '  --unlisted | --listed, --downloadable | --not-downloadable',
      'Example: coliving track edit /me/sunset --title "Sunset (edit)" --tags "night, synth"',
    ],
    positionals: 1,
    options: {
      title: { type: 'string' },
      genre: { type: 'string' },
      description: { type: 'string' },
      mood: { type: 'string' },
      tags: { type: 'string' },
      'release-date': { type: 'string' },
      'preview-start': { type: 'string' },
      artwork: { type: 'string' },
      ...ACCESS_OPTIONS,
    },
    async run({ positionals, values, json, discovery }, io) {
      const access = parseAccess(values);
      const changes: UpdateTrackChanges = {};
      for (const name of TEXT_FIELDS) {
        const value = values[name];
        if (typeof value !== 'string') continue;
        if (name === 'title' && value.trim() === '')
          throw new UsageError('--title cannot be empty');
        if (name === 'genre') changes.genre = oneOf('genre', value, GENRES);
        else if (name === 'mood') changes.mood = value === '' ? null : oneOf('mood', value, MOODS);
        else changes[name] = name === 'title' || value !== '' ? value : null;
      }
      if (typeof values['release-date'] === 'string') {
        changes.releaseDate = parseReleaseDate(values['release-date']);
      }
      if (values['preview-start'] !== undefined) {
        // A new start has a content node cut the preview again from the track's stream.
        const text = String(values['preview-start']).trim();
        const seconds = Number(text);
        if (text === '' || !Number.isFinite(seconds) || seconds < 0)
          throw new UsageError('--preview-start is a number of seconds, 0 or more');
        changes.previewStartSeconds = seconds;
      }
      if (typeof values.artwork === 'string') {
        const path = resolve(io.cwd, values.artwork);
        if (!(await stat(path).catch(() => undefined))?.isFile())
          throw new UsageError(`${values.artwork} is not a file`);
        changes.artwork = new Uint8Array(await readFile(path));
      }
      if (Object.keys(changes).length === 0 && !asksForChange(access))
        throw new UsageError(
          `nothing to change: give at least one option\nUsage: coliving ${editCommands[0]!.usage}`,
        );

      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const track = await findTrack(sdk, positionals[0]!, session.userId);
      if (track.user.id !== session.userId)
        throw new CommandFailure(
          'forbidden',
          `"${track.title}" is @${track.user.handle}'s track: you can edit only your own`,
        );
      Object.assign(changes, await resolveAccess(sdk, access, track.user.id));
      const after = await sdk.tracks.update(session.userId, track.id, changes);
      const conditions = after.stream_conditions;
      const accessText = describeAccess(conditions, await splitHandles(sdk, conditions));
      output(
        io,
        json,
        {
          trackId: after.id,
          title: after.title,
          permalink: after.permalink,
          genre: after.genre,
          releaseDate: after.release_date ?? null,
          previewStartSeconds: after.preview_start_seconds ?? null,
          previewCid: after.preview_cid ?? null,
          isUnlisted: after.is_unlisted,
          isDownloadable: after.is_downloadable,
          streamConditions: after.stream_conditions ?? null,
          downloadConditions: after.download_conditions ?? null,
        },
        () =>
          [
            `Updated "${after.title}" (${after.id})`,
            `access ${accessText}; ${after.is_unlisted ? 'unlisted' : 'listed'}; ${after.is_downloadable ? 'downloadable' : 'not downloadable'}`,
            `permalink ${after.permalink}`,
            ...(changes.previewStartSeconds !== undefined
              ? [`preview from ${after.preview_start_seconds ?? 0} s (cut again)`]
              : []),
            ...(after.is_scheduled_release && after.release_date
              ? [`scheduled for ${after.release_date}: listeners see it from then`]
              : []),
          ].join('\n'),
      );
    },
  },
  {
    words: ['track', 'delete'],
    usage: 'track delete <track> --yes',
    summary: 'Delete one of your tracks (--yes: it cannot be undone)',
    details: [
      '  <track>  your track: its id, its permalink (/handle/title) or its URL',
      '  --yes    confirms: the track is gone for everyone, from your profile, search and',
      '           every playlist and album it was in, and cannot be brought back',
    ],
    positionals: 1,
    options: { yes: { type: 'boolean' } },
    async run({ positionals, values, json, discovery }, io) {
      if (values.yes !== true)
        throw new UsageError('deleting a track cannot be undone: add --yes to confirm');
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const track = await findTrack(sdk, positionals[0]!, session.userId);
      if (track.user.id !== session.userId)
        throw new CommandFailure(
          'forbidden',
          `"${track.title}" is @${track.user.handle}'s track: you can delete only your own`,
        );
      await sdk.tracks.remove(session.userId, track.id);
      output(
        io,
        json,
        { action: 'delete', trackId: track.id, title: track.title },
        () => `Deleted "${track.title}" (${track.id})`,
      );
    },
  },
  {
    words: ['playlist', 'edit'],
    usage: `playlist edit <playlist> [--name <n>] [--description <d>] ${GATE_USAGE}`,
    summary:
      'Change one of your playlists or albums: its name, description, price and splits, gate',
    positionals: 1,
    options: { name: { type: 'string' }, description: { type: 'string' }, ...GATE_OPTIONS },
    async run({ positionals, values, json, discovery }, io) {
      const access = parseAccess(values);
      if (typeof values.name === 'string' && values.name.trim() === '')
        throw new UsageError('--name cannot be empty');
      if (values.name === undefined && values.description === undefined && !asksForChange(access))
        throw new UsageError(
          `nothing to change: give at least one option\nUsage: coliving ${editCommands[2]!.usage}`,
        );
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const playlist = await findPlaylist(sdk, positionals[0]!, session.userId);
      if (playlist.user.id !== session.userId)
        throw new CommandFailure(
          'forbidden',
          `"${playlist.playlist_name}" is @${playlist.user.handle}'s: you can edit only your own`,
        );
      const { streamConditions } = await resolveAccess(sdk, access, playlist.user.id);
      const after = await sdk.playlists.update(session.userId, playlist.id, {
        ...(typeof values.name === 'string' ? { name: values.name } : {}),
        ...(typeof values.description === 'string'
          ? { description: values.description === '' ? null : values.description }
          : {}),
        ...(streamConditions !== undefined ? { streamConditions } : {}),
      });
      const conditions = after.stream_conditions;
      const accessText = describeAccess(conditions, await splitHandles(sdk, conditions));
      output(
        io,
        json,
        {
          playlistId: after.id,
          name: after.playlist_name,
          isAlbum: after.is_album,
          permalink: after.permalink,
          streamConditions: after.stream_conditions ?? null,
        },
        () =>
          [
            `Updated ${after.is_album ? 'album' : 'playlist'} "${after.playlist_name}" (${after.id})`,
            `access ${accessText}${after.is_album && conditions ? ' (buying it unlocks its tracks)' : ''}`,
            `permalink ${after.permalink}`,
          ].join('\n'),
      );
    },
  },
];
