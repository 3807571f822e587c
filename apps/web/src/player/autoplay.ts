// What plays when the queue runs out: tracks related to the last one, its landlord's first, then
// its genre's trending, never one already heard in this session. Pure, so the rule is tested
// without a network; the provider fetches the candidates.
import type { Track } from '@coliving/sdk';

/** How many related tracks are queued at a time. */
export const AUTOPLAY_BATCH = 10;

/**
 * The related tracks to queue after `last`: the same landlord's tracks, then the same genre's,
 * leaving out `heard` (ids played or queued this session) and `last` itself, each once.
 */
export function relatedTracks(
  last: Track,
  byLandlord: readonly Track[],
  byGenre: readonly Track[],
  heard: ReadonlySet<string>,
  limit = AUTOPLAY_BATCH,
): Track[] {
  const out: Track[] = [];
  const seen = new Set(heard);
  seen.add(last.id);
  for (const track of [...byLandlord, ...byGenre]) {
    if (out.length >= limit) break;
    if (seen.has(track.id)) continue;
    seen.add(track.id);
    out.push(track);
  }
  return out;
}
