// `coliving download <track> [-o <file>]`: the track's file (its original when kept) through the
// discovery node's download route, which checks is_downloadable and the download conditions for
// the logged-in user, then the bytes from the content node it points at.
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { loadSession, output, sdkFor } from '../context.js';
import { findTrack } from '../targets.js';
import { saveUrl } from './stream.js';

export const downloadCommand: Command = {
  words: ['download'],
  usage: 'download <track> [-o <file>] [--mp3]',
  summary: "Save a downloadable track's original file (or its MP3 with --mp3)",
  positionals: 1,
  options: { output: { type: 'string', short: 'o' }, mp3: { type: 'boolean' } },
  async run({ positionals, values, json, discovery }, io) {
    const session = await loadSession(io);
    const sdk = await sdkFor(io, { discovery }, session);
    const track = await findTrack(sdk, positionals[0]!, session?.userId);
    // Refusals (not_downloadable, download_gated with what unlocks it) are the node's words.
    const url = await sdk.tracks.downloadUrl(track.id, {
      ...(values.mp3 ? { original: false } : {}),
      ...(session?.userId ? { userId: session.userId } : {}),
    });
    // Without -o, the name the node offers, in the current directory (never a path).
    const offered = (new URL(url).searchParams.get('filename') ?? '')
      .split(/[\\/]/)
      .pop()!
      .replace(/[\p{Cc}\p{Cf}]/gu, '')
      .replace(/^\.+/, '');
    const name =
      typeof values.output === 'string' && values.output !== ''
        ? values.output
        : offered || `${track.id}.mp3`;
    const target = resolve(io.cwd, name);
    const bytes = await saveUrl(url, target, 'download');
    output(
      io,
      json,
      { trackId: track.id, file: target, bytes, from: new URL(url).origin },
      () => `Saved "${track.title}" (${bytes} bytes) to ${target}`,
    );
  },
};
