// `sdk.tracks.waveform`: a track's peaks from the first of its holders that answers.
import { HEDGE_AFTER_MS, WAVEFORM_TIMEOUT_MS } from './constants.js';
import type { SdkContext } from './context.js';
import { ColivingSdkError, toColivingSdkError } from './errors.js';
import { anySignal, firstAnswer } from './http.js';
import type { Track } from './types.js';

/**
 * A track's waveform: its peaks (numbers in 0..1), read from the first holder that answers.
 * `not_found` when the track has none.
 */
export async function readWaveform(
  ctx: SdkContext,
  track: Pick<Track, 'id' | 'waveform'>,
  signal?: AbortSignal,
): Promise<number[]> {
  const first = track.waveform?.url;
  if (!first) {
    throw new ColivingSdkError('not_found', `Track ${track.id} has no waveform`, {
      code: 'no_waveform',
    });
  }
  const { pathname } = new URL(first);
  const urls = [
    first,
    ...(track.waveform?.mirrors ?? []).map((m) => `${new URL(m).origin}${pathname}`),
  ];
  try {
    // A holder that has not answered within a second (frozen, overloaded) is raced by the next.
    return await firstAnswer(
      urls,
      async (url, attempt) => {
        const response = await ctx.fetch(url, {
          signal: anySignal([attempt, AbortSignal.timeout(WAVEFORM_TIMEOUT_MS)]),
        });
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        // A content node stores `{"version": 1, "peaks": [...]}`.
        const body = (await response.json()) as { peaks?: unknown } | null;
        const peaks = body?.peaks;
        if (!Array.isArray(peaks) || !peaks.every((v) => typeof v === 'number')) {
          throw new Error(`${url} holds no list of peaks`);
        }
        return peaks;
      },
      { hedgeAfterMs: HEDGE_AFTER_MS, signal },
    );
  } catch (error) {
    if (signal?.aborted) throw toColivingSdkError(signal.reason);
    throw new ColivingSdkError('network', `No node served the waveform of track ${track.id}`, {
      code: 'waveform_unavailable',
      cause: error,
    });
  }
}
