import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UnprocessableError } from '@coliving/protocol';
import { diesWithParent } from './diesWithParent.js';
import type { FfmpegBinaries } from './ffmpegBinaries.js';

const run = promisify(execFile);

/** Stream files: MP3, 320 kbps, 48 kHz, stereo (docs/design.md §7). */
export const STREAM_BITRATE = '320k';
export const STREAM_SAMPLE_RATE = 48_000;
/** Previews last at most this long, from the landlord's chosen start. */
export const PREVIEW_SECONDS = 30;
/** One MP3 frame of a stream file (1152 samples), the step a preview is cut in. */
const MP3_FRAME_SECONDS = 1152 / STREAM_SAMPLE_RATE;
/** Waveform resolution: how many peaks describe a whole track. */
export const WAVEFORM_PEAKS = 1000;
/** Peaks are computed on a mono 8 kHz decode: plenty for a drawing, cheap to read. */
const PEAK_SAMPLE_RATE = 8000;

/** ffmpeg output options of stream files: MP3, 320 kbps, 48 kHz, stereo, no tags. */
export function streamEncodeArgs(): string[] {
  return [
    '-vn',
    '-map_metadata',
    '-1',
    '-ac',
    '2',
    '-ar',
    String(STREAM_SAMPLE_RATE),
    '-codec:a',
    'libmp3lame',
    '-b:a',
    STREAM_BITRATE,
  ];
}

export type AudioProbe = { durationSeconds: number; codec: string; format: string };

/**
 * Probes a file with ffprobe. Anything without an audio stream and a positive duration (an image,
 * a text file, a broken upload) is an UnprocessableError (`not_audio`) with a clear message.
 */
export async function probeAudio(
  binaries: FfmpegBinaries,
  input: string,
  signal?: AbortSignal,
): Promise<AudioProbe> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      ...diesWithParent(binaries.ffprobe, [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_format',
        '-show_streams',
        input,
      ]),
      { signal, maxBuffer: 4 * 1024 * 1024 },
    ));
  } catch (cause) {
    signal?.throwIfAborted();
    throw new UnprocessableError("This file isn't audio we can read", {
      code: 'not_audio',
      cause,
    });
  }
  const probe = JSON.parse(stdout) as {
    streams?: { codec_type?: string; codec_name?: string; duration?: string }[];
    format?: { format_name?: string; duration?: string };
  };
  const audio = probe.streams?.find((s) => s.codec_type === 'audio');
  const duration = Number(audio?.duration ?? probe.format?.duration);
  // Still images decoded by an audio-capable demuxer report no audio stream; so do text files.
  if (!audio || !Number.isFinite(duration) || duration <= 0) {
    throw new UnprocessableError('This file has no sound in it we can play', {
      code: 'not_audio',
    });
  }
  return {
    durationSeconds: duration,
    codec: audio.codec_name ?? 'unknown',
    format: probe.format?.format_name ?? 'unknown',
  };
}

async function ffmpeg(
  binaries: FfmpegBinaries,
  args: string[],
  signal?: AbortSignal,
): Promise<void> {
  try {
    // Through diesWithParent, so a node killed mid-job leaves no ffmpeg behind.
    await run(
      ...diesWithParent(binaries.ffmpeg, [
        '-nostdin',
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        ...args,
      ]),
      { signal, maxBuffer: 4 * 1024 * 1024 },
    );
  } catch (cause) {
    signal?.throwIfAborted();
    throw new UnprocessableError("This file isn't audio we can read", {
      code: 'transcode_failed',
      cause,
    });
  }
}

/** Decodes to mono 16-bit PCM and reduces it to `count` peaks in [0, 1] (max |sample| per bucket). */
export async function waveformPeaks(
  binaries: FfmpegBinaries,
  input: string,
  count = WAVEFORM_PEAKS,
  signal?: AbortSignal,
): Promise<number[]> {
  return (await decodeAudio(binaries, input, count, signal)).peaks;
}

/** What decoding a whole file found: its waveform peaks and how long its audio really lasts. */
export type DecodedAudio = { peaks: number[]; decodedSeconds: number };

/**
 * Decodes the whole file once to mono 16-bit PCM: its `count` waveform peaks in [0, 1] (max
 * |sample| per bucket) and the length of the audio it holds, which a file's header may overstate
 * (a cut-off MP3 keeps the length its encoder wrote).
 */
export async function decodeAudio(
  binaries: FfmpegBinaries,
  input: string,
  count = WAVEFORM_PEAKS,
  signal?: AbortSignal,
): Promise<DecodedAudio> {
  const child = spawn(
    ...diesWithParent(binaries.ffmpeg, [
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      input,
      '-ac',
      '1',
      '-ar',
      String(PEAK_SAMPLE_RATE),
      '-f',
      's16le',
      'pipe:1',
    ]),
    // stdin is the pipe diesWithParent watches: it closes when this node dies.
    { signal, stdio: ['pipe', 'pipe', 'ignore'] },
  );
  // Listened to from the start: an abort emits 'error' while stdout is still being read, and an
  // 'error' event with no listener would take the whole node down.
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  exited.catch(() => {});
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  const code = await exited;
  if (code !== 0)
    throw new UnprocessableError("This file isn't audio we can read", {
      code: 'transcode_failed',
    });
  const pcm = Buffer.concat(chunks);
  const samples = Math.floor(pcm.length / 2);
  const decodedSeconds = samples / PEAK_SAMPLE_RATE;
  const peaks = new Array<number>(count).fill(0);
  if (samples === 0) return { peaks, decodedSeconds };
  for (let i = 0; i < samples; i++) {
    const bucket = Math.min(count - 1, Math.floor((i * count) / samples));
    const value = Math.abs(pcm.readInt16LE(i * 2)) / 32768;
    if (value > peaks[bucket]!) peaks[bucket] = value;
  }
  return { peaks: peaks.map((p) => Math.round(p * 1000) / 1000), decodedSeconds };
}

/** A file whose audio ends before this share of its declared length is truncated... */
export const TRUNCATED_MIN_SHARE = 0.9;
/** ...when it is also this many seconds short (a few frames of slack on short files). */
export const TRUNCATED_MIN_SECONDS_SHORT = 2;

/** `m:ss` (or `h:mm:ss`), as a player shows a length. */
export function formatDuration(seconds: number): string {
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Refuses a file whose audio ends well before the length its header declares (`truncated_audio`):
 * published, it would say 2:00 everywhere and play a second. Small differences (encoder padding,
 * a header rounded) pass.
 */
export function checkDecodedLength(declaredSeconds: number, decodedSeconds: number): void {
  if (
    decodedSeconds < declaredSeconds * TRUNCATED_MIN_SHARE &&
    declaredSeconds - decodedSeconds > TRUNCATED_MIN_SECONDS_SHORT
  ) {
    throw new UnprocessableError(
      `This file ends early: it says ${formatDuration(declaredSeconds)} but holds only ${formatDuration(decodedSeconds)} of audio. Export it again and upload the whole file.`,
      {
        code: 'truncated_audio',
        details: `declared ${declaredSeconds} s, decoded ${decodedSeconds} s`,
      },
    );
  }
}

/**
 * Where a preview starts and how long it lasts: at most 30 s and at most half the track, so a
 * preview is never the whole of a short (gated) track (docs/design.md §9); a start too late for
 * that length moves earlier, so the preview is never cut short.
 */
export function previewWindow(
  durationSeconds: number,
  requestedStartSeconds: number,
): { start: number; seconds: number } {
  // Whole milliseconds, rounded down: ffmpeg reads the length as written.
  const seconds = Math.floor(Math.min(PREVIEW_SECONDS, durationSeconds / 2) * 1000) / 1000;
  const start = Math.max(0, Math.min(requestedStartSeconds, durationSeconds - seconds));
  return { start, seconds };
}

export type TranscodeAudioParameters = {
  binaries: FfmpegBinaries;
  input: string;
  /** Where the results are written (a job's own directory). */
  outDir: string;
  /** Where the preview starts, in seconds; clamped to the track. */
  previewStartSeconds?: number;
  signal?: AbortSignal;
};

export type TranscodeAudioReturnType = {
  /** The length of the decoded audio (not the header's), in seconds. */
  durationSeconds: number;
  /** The 320 kbps stream file. */
  stream: string;
  /** The preview: at most 30 s and at most half the track, never the whole of it. */
  preview: string;
  /** JSON `{"version": 1, "peaks": number[]}`. */
  peaks: string;
};

/** Makes the stream file, the preview and the waveform peaks of an audio upload (docs/design.md §7). */
export async function transcodeAudio({
  binaries,
  input,
  outDir,
  previewStartSeconds = 0,
  signal,
}: TranscodeAudioParameters): Promise<TranscodeAudioReturnType> {
  const declared = await probeAudio(binaries, input, signal);
  const stream = join(outDir, '320.mp3');
  const preview = join(outDir, '320_preview.mp3');
  const peaks = join(outDir, 'peaks.json');
  const encode = streamEncodeArgs();
  // The stream encode (LAME, one core) and the decode for the peaks (read from the original, which
  // has the same waveform) run side by side. The decode also measures the audio the file really
  // holds: that, not the header, is the track's length. The preview is then cut from the stream
  // file without re-encoding: the same format, at no CPU cost, where a second encode beside the
  // first slows it down.
  const [, decoded] = await Promise.all([
    ffmpeg(binaries, ['-i', input, ...encode, stream], signal),
    decodeAudio(binaries, input, WAVEFORM_PEAKS, signal),
  ]);
  checkDecodedLength(declared.durationSeconds, decoded.decodedSeconds);
  const durationSeconds = decoded.decodedSeconds;
  await writeFile(peaks, JSON.stringify({ version: 1, peaks: decoded.peaks }));
  await cutPreview({
    binaries,
    stream,
    out: preview,
    durationSeconds,
    previewStartSeconds,
    signal,
  });
  return { durationSeconds, stream, preview, peaks };
}

export type CutPreviewParameters = {
  binaries: FfmpegBinaries;
  /** The track's stream file (MP3, as transcodeAudio makes it). */
  stream: string;
  /** Where the preview is written. */
  out: string;
  /** The track's length, as measured when it was transcoded. */
  durationSeconds: number;
  /** Where the preview starts, in seconds; moved earlier when too late (previewWindow). */
  previewStartSeconds: number;
  signal?: AbortSignal;
};

/**
 * Cuts a preview from a stream file without re-encoding (the same format, at no CPU cost): at
 * upload, and again when the landlord moves the preview's start (docs/content-node.md).
 */
export async function cutPreview({
  binaries,
  stream,
  out,
  durationSeconds,
  previewStartSeconds,
  signal,
}: CutPreviewParameters): Promise<void> {
  const { start, seconds } = previewWindow(durationSeconds, previewStartSeconds);
  await ffmpeg(
    binaries,
    [
      '-ss',
      start.toFixed(3),
      '-t',
      // A cut without re-encoding keeps whole frames past both ends of the asked length (up to
      // 2.4 frames over, as ffprobe counts it): ask three frames less, so the preview never
      // outgrows its window.
      Math.max(MP3_FRAME_SECONDS, seconds - 3 * MP3_FRAME_SECONDS).toFixed(3),
      '-i',
      stream,
      '-map_metadata',
      '-1',
      '-codec:a',
      'copy',
      out,
    ],
    signal,
  );
}
