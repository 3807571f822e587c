import { describe, expect, it } from 'vitest';
import { relatedTracks } from './autoplay.js';
import { testTrack } from './testTracks.js';

describe('relatedTracks', () => {
  it('takes the landlord first, then the genre, each once, never one already heard', () => {
    const last = testTrack(1);
    const byLandlord = [testTrack(1), testTrack(2), testTrack(3)];
    const byGenre = [testTrack(3), testTrack(4), testTrack(5)];
    const ids = relatedTracks(last, byLandlord, byGenre, new Set(['t2'])).map((t) => t.id);
    expect(ids).toEqual(['t3', 't4', 't5']);
  });

  it('stops at the limit', () => {
    const genre = [2, 3, 4, 5].map((n) => testTrack(n));
    expect(relatedTracks(testTrack(1), [], genre, new Set(), 2).map((t) => t.id)).toEqual([
      't2',
      't3',
    ]);
  });
});
