// `coliving stream <track> -o file.mp3`: the signed stream URL from a discovery node, then the
// bytes from the content node it points at, written whole or not at all.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from '../command.js';
import { loadSession, output, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';
import { findTrack } from '../targets.js';

export const streamCommand: Command = {
  words: ['stream'],
  usage: 'stream <track> -o <file.mp3> [--preview]',
  summary: 'Download a track as you would stream it',
  positionals: 1,
  options: { output: { type: 'string', short: 'o' }, preview: { type: 'boolean' } },
  async run({ positionals, values, json, discovery }, io) {
    if (typeof values.output !== 'string' || values.output === '')
      throw new UsageError('missing -o <file>');
    const session = await loadSession(io);
    const sdk = await sdkFor(io, { discovery }, session);
    const track = await findTrack(sdk, positionals[0]!, session?.userId);
    const url = await sdk.tracks.streamUrl(track.id, {
      ...(values.preview ? { preview: true } : {}),
      ...(session?.userId ? { userId: session.userId } : {}),
    });
    const target = resolve(io.cwd, values.output);
    const bytes = await saveUrl(url, target, 'stream');
    output(
      io,
      json,
      { trackId: track.id, file: target, bytes, from: new URL(url).origin },
      () => `Saved "${track.title}" (${bytes} bytes) to ${target}`,
    );
  },
};

/**
 * Writes the body of `url` (a content node's) to `target`, whole or not at all (through
 * `<target>.part`), and returns its size. `what` names the file in errors.
 */
export async function saveUrl(url: string, target: string, what: string): Promise<number> {
  const res = await fetch(url).catch((cause: unknown) => {
    throw new Error(`The content node at ${new URL(url).origin} did not answer`, { cause });
  });
  if (!res.ok || !res.body)
    throw new Error(`The content node answered ${res.status} for the ${what}`);
  const partial = `${target}.part`;
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial),
    );
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return bytes;
}
