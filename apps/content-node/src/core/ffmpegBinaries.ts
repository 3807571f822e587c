import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export type FfmpegBinaries = { ffmpeg: string; ffprobe: string };

/** True when `command` runs and prints a version. */
async function works(command: string): Promise<boolean> {
  try {
    await run(command, ['-version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The ffmpeg and ffprobe to use: the system's own when both are on the PATH (an operator's
 * distribution build), else the static builds shipped in the @ffmpeg-installer and
 * @ffprobe-installer packages. An explicit path (COLIVING_FFMPEG_PATH / _FFPROBE_PATH) wins.
 */
export async function findFfmpegBinaries(
  explicit: Partial<FfmpegBinaries> = {},
): Promise<FfmpegBinaries> {
  if (explicit.ffmpeg && explicit.ffprobe)
    return { ffmpeg: explicit.ffmpeg, ffprobe: explicit.ffprobe };
  const system = (await works('ffmpeg')) && (await works('ffprobe'));
  const packaged = () => ({
    ffmpeg: (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobe: (require('@ffprobe-installer/ffprobe') as { path: string }).path,
  });
  const found = system ? { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' } : packaged();
  return { ffmpeg: explicit.ffmpeg ?? found.ffmpeg, ffprobe: explicit.ffprobe ?? found.ffprobe };
}
