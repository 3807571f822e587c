// Music for the devnet's demo catalog, composed from a seed and rendered by ffmpeg from one filter
// graph: chords over a progression, a bass line, a kick/snare/hi-hat pattern and a melody, each
// rendered once as a loop of a few bars with `aevalsrc`, looped to length, entered one after the
// other, mixed (`amix`), given an echo tail (`aecho`) and faded. Rendering loops instead of the
// whole length keeps a track at about a second of ffmpeg on a small machine.
import { type TrackRecipe, composeTrack } from './composeTrack.js';
import { renderCached } from './runFfmpeg.js';
import { trackFilterGraph } from './trackFilterGraph.js';

/** Part of every cache file name: change it when the synthesis changes, so files render anew. */
const SYNTH_VERSION = 1;

export type SynthesizeTrackParameters = {
  /** Anything: the same seed always gives the same music. */
  seed: string;
  /** Where rendered files are kept; a file already there is used as is. */
  cacheDir: string;
  signal?: AbortSignal;
};

export type SynthesizeTrackReturnType = {
  /**
   * The FLAC file (44.1 kHz, 16-bit, mono: every part is mono, so a second channel would double
   * the upload and add nothing).
   */
  file: string;
  recipe: TrackRecipe;
  /** True when the file was in the cache. */
  cached: boolean;
  /** Time spent rendering (0 when cached). */
  renderMs: number;
};

/** Composes the track of `seed` and renders it to a FLAC file in `cacheDir`, or reuses that file. */
export async function synthesizeTrack(
  p: SynthesizeTrackParameters,
): Promise<SynthesizeTrackReturnType> {
  const recipe = composeTrack(p.seed);
  const graph = trackFilterGraph(recipe);
  const started = performance.now();
  const { file, cached } = await renderCached({
    cacheDir: p.cacheDir,
    version: SYNTH_VERSION,
    graph,
    name: (hash) => `track-${hash}.flac`,
    args: (partial) => [
      '-y',
      '-filter_complex',
      graph,
      '-map',
      '[out]',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-map_metadata',
      '-1',
      '-c:a',
      'flac',
      partial,
    ],
    ...(p.signal ? { signal: p.signal } : {}),
  });
  return { file, recipe, cached, renderMs: cached ? 0 : performance.now() - started };
}
