// `coliving upload <file> --title --genre`: upload, transcode and publish, with a progress bar.
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { GENRES, MOODS } from '@coliving/protocol';
import {
  ACCESS_OPTIONS,
  ACCESS_USAGE,
  describeAccess,
  parseAccess,
  resolveAccess,
} from '../access.js';
import type { Command } from '../command.js';
import { type CliIo, output, requireSession, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';
import { oneOf } from './oneOf.js';

const STAGES = ['upload', 'transcode', 'publish'] as const;
type Stage = (typeof STAGES)[number];

/**
 * Printed when the content node running the job stops answering: a restart re-runs its jobs and
 * the SDK waits up to 10 minutes for it, so the command carries on.
 */
export const NODE_AWAY_TEXT =
  'The content node restarted or cannot be reached; still working (waiting up to 10 minutes)...';
export const NODE_BACK_TEXT = 'The content node answers again.';

/**
 * Draws `[####----] upload 42%` on a terminal, or one line per stage change elsewhere; says so on
 * a line of its own when the content node goes away and when it is back.
 */
function progressBar(io: CliIo): {
  update: (e: { stage: Stage; loaded?: number; total?: number; nodeUnreachable?: boolean }) => void;
  done: () => void;
} {
  let lastStage: Stage | undefined;
  let drawn = false;
  let away = false;
  return {
    update({ stage, loaded, total, nodeUnreachable = false }) {
      if (nodeUnreachable !== away) {
        away = nodeUnreachable;
        if (drawn) io.stderr('\n');
        io.stderr(`${away ? NODE_AWAY_TEXT : NODE_BACK_TEXT}\n`);
      }
      const share = total ? Math.min(1, (loaded ?? 0) / total) : undefined;
      if (io.isTty) {
        const width = 24;
        const filled = Math.round(
          ((STAGES.indexOf(stage) + (share ?? 0.5)) / STAGES.length) * width,
        );
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
        const detail = share !== undefined ? ` ${Math.round(share * 100)}%` : '';
        io.stderr(`\r${bar} ${stage}${detail}   `);
        drawn = true;
      } else if (stage !== lastStage) {
        io.stderr(`${stage}...\n`);
      }
      lastStage = stage;
    },
    done() {
      if (drawn) io.stderr('\n');
    },
  };
}

export const uploadCommand: Command = {
  words: ['upload'],
  usage: `upload <file> --title <t> --genre <g> [--artwork <image>] [--description <d>] [--mood <m>] [--tags <t>] [--preview-start <s>] ${ACCESS_USAGE}`,
  summary:
    'Publish a track: upload, transcode, publish (public, or for sale, follow- or tip-gated)',
  positionals: 1,
  options: {
    title: { type: 'string' },
    genre: { type: 'string' },
    artwork: { type: 'string' },
    description: { type: 'string' },
    mood: { type: 'string' },
    tags: { type: 'string' },
    'preview-start': { type: 'string' },
    ...ACCESS_OPTIONS,
  },
  async run({ positionals, values, json, discovery }, io) {
    const { title } = values;
    if (typeof title !== 'string' || title.trim() === '') throw new UsageError('missing --title');
    if (typeof values.genre !== 'string') throw new UsageError('missing --genre');
    const genre = oneOf('genre', values.genre, GENRES);
    // A mood not on the list would be refused only at publish, after the upload and transcode.
    const mood = typeof values.mood === 'string' ? oneOf('mood', values.mood, MOODS) : undefined;
    const previewStart =
      values['preview-start'] === undefined ? undefined : Number(values['preview-start']);
    if (previewStart !== undefined && (!Number.isFinite(previewStart) || previewStart < 0))
      throw new UsageError('--preview-start is a number of seconds, 0 or more');
    const access = parseAccess(values);
    const path = resolve(io.cwd, positionals[0]!);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`${positionals[0]!} is not a file`);
    const artworkPath =
      typeof values.artwork === 'string' ? resolve(io.cwd, values.artwork) : undefined;
    if (artworkPath && !(await stat(artworkPath).catch(() => undefined))?.isFile())
      throw new UsageError(`${values.artwork as string} is not a file`);

    const session = await requireSession(io);
    const sdk = await sdkFor(io, { discovery }, session);
    // Split users are looked up before the upload: a wrong handle costs no transcode.
    const accessFields = await resolveAccess(sdk, access, session.userId!);
    const bar = progressBar(io);
    let result;
    try {
      result = await sdk.tracks.upload({
        userId: session.userId!,
        file: new Uint8Array(await readFile(path)),
        fileName: basename(path),
        ...(artworkPath ? { artwork: new Uint8Array(await readFile(artworkPath)) } : {}),
        metadata: {
          title,
          genre,
          ...(typeof values.description === 'string' ? { description: values.description } : {}),
          ...(mood !== undefined ? { mood } : {}),
          ...(typeof values.tags === 'string' ? { tags: values.tags } : {}),
          ...(previewStart !== undefined ? { previewStartSeconds: previewStart } : {}),
          ...accessFields,
        },
        onProgress: (event) => bar.update(event),
      });
    } finally {
      bar.done();
    }
    const { trackId, track } = result;
    const conditions = track.stream_conditions;
    output(
      io,
      json,
      {
        trackId,
        permalink: track.permalink,
        title: track.title,
        streamConditions: conditions ?? null,
        isUnlisted: track.is_unlisted,
        isDownloadable: track.is_downloadable,
      },
      () =>
        [
          `Published "${track.title}"`,
          `id ${trackId}`,
          `permalink ${track.permalink}`,
          ...(conditions || track.is_unlisted
            ? [`access ${describeAccess(conditions)}${track.is_unlisted ? ', unlisted' : ''}`]
            : []),
        ].join('\n'),
    );
  },
};
