// Tracks for the player's tests: only what the player reads is real, the rest is filler of the
// right shape (a Track is the API's JSON, so these are what localStorage holds too).
import type { Track } from '@coliving/sdk';

/** A track with id `t<n>`, titled `Song <n>`, by `artist<n>`, `duration` seconds long. */
export function testTrack(n: number, duration = 180): Track {
  return {
    id: `t${n}`,
    title: `Song ${n}`,
    permalink: `/artist${n}/song-${n}`,
    route_id: `artist${n}/song-${n}`,
    duration,
    genre: 'Electronic',
    user_id: `u${n}`,
    user: { id: `u${n}`, handle: `artist${n}`, name: `Artist ${n}` },
    artwork: { mirrors: [] },
  } as unknown as Track;
}

/** `count` tracks numbered from 0. */
export function testTracks(count: number): Track[] {
  return Array.from({ length: count }, (_, i) => testTrack(i));
}

/** A repeatable Math.random stand-in (a small LCG), so shuffle orders are the same every run. */
export function seededRandom(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
