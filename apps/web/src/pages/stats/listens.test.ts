import { encodeHashId } from '@coliving/protocol';
import { describe, expect, it } from 'vitest';
import {
  monthKey,
  monthsBetween,
  numericTrackId,
  perTrack,
  series,
  toMonths,
  totalOf,
} from './listens.js';

describe('listen counts by month', () => {
  it('reads Audius month keys in either spelling, and nothing else', () => {
    expect(monthKey('2026-01-01T00:00:00 Z')).toBe('2026-01');
    expect(monthKey('2026-02-01T00:00:00Z')).toBe('2026-02');
    expect(monthKey('2026-13-01')).toBeNull();
    expect(monthKey('January')).toBeNull();
  });

  it('lists every month of a range, across a year end', () => {
    const start = Date.UTC(2025, 10, 20);
    const end = Date.UTC(2026, 1, 3);
    expect(monthsBetween(start, end)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween(end, end)).toEqual(['2026-02']);
  });

  it('takes a track id as the integer Audius sends or as a hashid', () => {
    expect(numericTrackId(7)).toBe(7);
    expect(numericTrackId(encodeHashId(7))).toBe(7);
    expect(numericTrackId(-1)).toBeNull();
    expect(numericTrackId('not an id!')).toBeNull();
  });

  it('sums totals, tracks and months, dropping what is not a count', () => {
    const months = toMonths({
      '2026-02-01T00:00:00 Z': {
        totalListens: 5,
        trackIds: [1, 2],
        listenCounts: [
          { trackId: 1, date: '2026-02-01T00:00:00 Z', listens: 3 },
          { trackId: 2, date: '2026-02-01T00:00:00 Z', listens: 2 },
        ],
      },
      '2026-01-01T00:00:00 Z': {
        totalListens: 4,
        trackIds: [1],
        listenCounts: [{ trackId: 1, date: '2026-01-01T00:00:00 Z', listens: 4 }],
      },
      nonsense: { totalListens: 100, trackIds: [], listenCounts: [] },
      '2025-12-01T00:00:00 Z': {
        trackIds: [2],
        listenCounts: [{ trackId: 2, date: '2025-12-01', listens: -3 }],
      },
    });
    expect(months.map((m) => m.month)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(totalOf(months)).toBe(9);
    expect([...perTrack(months)]).toEqual([
      [1, 7],
      [2, 2],
    ]);
    const keys = ['2025-11', '2025-12', '2026-01', '2026-02'];
    expect(series(months, keys, null)).toEqual([0, 0, 4, 5]);
    expect(series(months, keys, 1)).toEqual([0, 0, 4, 3]);
    expect(series(months, keys, 2)).toEqual([0, 0, 0, 2]);
  });
});
