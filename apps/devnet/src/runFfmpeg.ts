// The ffmpeg the devnet's demo catalog renders music and pictures with: the system's when it is on
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
// the PATH, else the static build of the @ffmpeg-installer package.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { BaseError } from '@coliving/protocol';

const require = createRequire(import.meta.url);

/** Lines of ffmpeg's output quoted in a FfmpegError: its last lines say what went wrong. */
const STDERR_TAIL_LINES = 12;
/** ffmpeg prints a progress line per frame; a render of a minute of audio stays well under this. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** ffmpeg could not be started, or exited with an error. */
export class FfmpegError extends BaseError {
  static override readonly defaultCode = 'ffmpeg_failed';
  override name = 'FfmpegError' as const;
}

let found: Promise<string> | undefined;

/** True when `command` runs and prints a version. */
function works(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, ['-version'], { timeout: 10_000 }, (error) => resolve(!error));
  });
}

/**
 * The ffmpeg to run: `ffmpeg` when it is on the PATH (a distribution build), else the one the
 * @ffmpeg-installer/ffmpeg package ships. Looked up once per process.
 */
export function findFfmpeg(): Promise<string> {
  found ??= (async () => {
    if (await works('ffmpeg')) return 'ffmpeg';
    try {
      return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    } catch (cause) {
      throw new FfmpegError('No ffmpeg: none on the PATH and @ffmpeg-installer/ffmpeg is missing', {
        cause,
      });
    }
  })();
  return found;
}

export type RunFfmpegParameters = {
  /** Arguments after `ffmpeg -hide_banner -nostdin`. */
  args: string[];
  signal?: AbortSignal;
};

/** Runs ffmpeg and answers what it printed (stdout as bytes, stderr as text). */
export async function runFfmpeg(
  p: RunFfmpegParameters,
): Promise<{ stdout: Buffer; stderr: string }> {
  const ffmpeg = await findFfmpeg();
  return new Promise((resolve, reject) => {
    execFile(
      ffmpeg,
      ['-hide_banner', '-nostdin', ...p.args],
      {
        encoding: 'buffer',
        maxBuffer: MAX_OUTPUT_BYTES,
        ...(p.signal ? { signal: p.signal } : {}),
      },
      (error, stdout, stderr) => {
        const text = stderr.toString('utf8');
        if (!error) {
          resolve({ stdout, stderr: text });
          return;
        }
        if (p.signal?.aborted) {
          const reason: unknown = p.signal.reason;
          reject(reason instanceof Error ? reason : new FfmpegError('ffmpeg was stopped'));
          return;
        }
        // Not `cause: error`: its message repeats the whole command line, filter graph and all.
        const tail = text.trim().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
        const how = typeof error.code === 'number' ? `exit code ${error.code}` : String(error.code);
        reject(new FfmpegError(`ffmpeg failed (${how})`, { details: tail || error.message }));
      },
    );
  });
}

/**
 * Renders with ffmpeg into `cacheDir`, named by a hash of `version` and `graph`, or reuses the
 * file already there. `args(partial)` are ffmpeg's arguments writing to `partial`, which is renamed
 * to the final name once whole, so a crash never leaves half a file to reuse.
 */
export async function renderCached(p: {
  cacheDir: string;
  version: string | number;
  graph: string;
  /** The file name from the hash, e.g. `track-${hash}.flac`. */
  name: (hash: string) => string;
  args: (partial: string) => string[];
  signal?: AbortSignal;
}): Promise<{ file: string; cached: boolean }> {
  const hash = createHash('sha256').update(`${p.version}\n${p.graph}`).digest('hex').slice(0, 16);
  const file = join(p.cacheDir, p.name(hash));
  if (await isFile(file)) return { file, cached: true };
  await mkdir(p.cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial${extname(file)}`;
  try {
    await runFfmpeg({ args: p.args(partial), ...(p.signal ? { signal: p.signal } : {}) });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { file, cached: false };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
