import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_SAVED_TRACKS,
  PLAYER_KEY,
  fromSaved,
  parseSaved,
  readSaved,
  toSaved,
  writeSaved,
} from './persist.js';
import { EMPTY_QUEUE, type QueueState, isPermutation, reduceQueue } from './queue.js';
import { seededRandom, testTrack, testTracks } from './testTracks.js';

function playing(count: number, index: number): QueueState {
  return reduceQueue(EMPTY_QUEUE, {
    type: 'playQueue',
    tracks: testTracks(count),
    startIndex: index,
  });
}

afterEach(() => localStorage.clear());

describe('the saved player', () => {
  it('round-trips through localStorage and restores paused at the position', () => {
    const state: QueueState = {
      ...reduceQueue(playing(4, 2), { type: 'toggleShuffle' }, seededRandom(2)),
      repeat: 'one',
      volume: 0.35,
      muted: true,
    };
    writeSaved(toSaved(state, 62.5));
    expect(JSON.parse(localStorage.getItem(PLAYER_KEY)!)).toMatchObject({ version: 1, index: 2 });

    const restored = fromSaved(readSaved());
    expect(restored.queue).toEqual(state.queue);
    expect(restored).toMatchObject({
      index: 2,
      order: state.order,
      shuffle: true,
      repeat: 'one',
      volume: 0.35,
      muted: true,
      playing: false,
      startAt: 62.5,
    });
  });

  it('keeps no stream URLs: only the tracks and the settings', () => {
    const saved = toSaved(playing(2, 0), 10);
    expect(Object.keys(saved).sort()).toEqual(
      [
        'autoplay',
        'autoplayed',
        'index',
        'muted',
        'order',
        'position',
        'queue',
        'repeat',
        'shuffle',
        'version',
        'volume',
      ].sort(),
    );
  });

  it('remembers autoplay switched off; what older versions wrote reads as on', () => {
    const off = { ...playing(2, 0), autoplay: false };
    expect(fromSaved(parseSaved(JSON.stringify(toSaved(off, 0)))).autoplay).toBe(false);
    const old = { ...toSaved(playing(2, 0), 0) } as Record<string, unknown>;
    delete old.autoplay;
    expect(fromSaved(parseSaved(JSON.stringify(old))).autoplay).toBe(true);
  });

  it('reads nothing from missing, corrupt or foreign storage', () => {
    expect(readSaved()).toBeNull();
    const good = toSaved(playing(3, 1), 5);
    const bad: unknown[] = [
      'not json',
      'null',
      '[]',
      JSON.stringify({ ...good, version: 0 }),
      JSON.stringify({ ...good, queue: 'tracks' }),
      JSON.stringify({ ...good, queue: [{ id: 1, title: 'x' }] }),
      JSON.stringify({ ...good, index: 3 }),
      JSON.stringify({ ...good, index: -1 }),
      JSON.stringify({ ...good, index: 0.5 }),
      JSON.stringify({ ...good, repeat: 'sometimes' }),
    ];
    for (const raw of bad) expect(parseSaved(raw as string), String(raw)).toBeNull();
    expect(parseSaved(JSON.stringify(good))).not.toBeNull();
    expect(fromSaved(null)).toBe(EMPTY_QUEUE);
  });

  it('mends what it can: a bad order, position or volume', () => {
    const good = toSaved(playing(3, 1), 5);
    const mended = parseSaved(
      JSON.stringify({ ...good, order: [0, 0, 1], position: -4, volume: 9, muted: 'yes' }),
    )!;
    expect(mended).toMatchObject({ position: 0, volume: 1, muted: false });
    const restored = fromSaved(mended);
    expect(restored.order).toEqual([0, 1, 2]);

    const shuffled = fromSaved({ ...mended, shuffle: true }, seededRandom(4));
    expect(isPermutation(shuffled.order, 3)).toBe(true);
    expect(shuffled.order[0]).toBe(1);
  });

  it('keeps which tracks autoplay queued, so switching it off after a reload still takes them out', () => {
    const state = reduceQueue(playing(2, 1), {
      type: 'autoplay',
      tracks: [testTrack(7), testTrack(8)],
    });
    const restored = fromSaved(parseSaved(JSON.stringify(toSaved(state, 3))));
    expect(restored.autoplayed).toEqual([false, false, true, true]);
    const off = reduceQueue(restored, { type: 'toggleAutoplay' });
    expect(off.queue.map((t) => t.id)).toEqual(['t0', 't1']);
    // What an older version wrote has no flags: every track is the listener's.
    const { autoplayed: _none, ...older } = toSaved(state, 3);
    expect(fromSaved(parseSaved(JSON.stringify(older))).autoplayed).toEqual([]);
  });

  it('restores an empty player as nothing loaded', () => {
    writeSaved(toSaved(EMPTY_QUEUE, 0));
    expect(fromSaved(readSaved())).toMatchObject({ index: -1, queue: [], startAt: 0 });
  });

  it('caps a long queue around the current track', () => {
    const long = playing(MAX_SAVED_TRACKS + 300, 450);
    const saved = toSaved(long, 30);
    expect(saved.queue).toHaveLength(MAX_SAVED_TRACKS);
    expect(saved.queue[saved.index]!.id).toBe('t450');
    const restored = fromSaved(parseSaved(JSON.stringify(saved)));
    expect(restored.queue[restored.index]!.id).toBe('t450');
    expect(isPermutation(restored.order, MAX_SAVED_TRACKS)).toBe(true);
  });

  it('survives a storage that throws', () => {
    const throwing = {
      getItem() {
        throw new Error('blocked');
      },
      setItem() {
        throw new Error('quota');
      },
    } as unknown as Storage;
    expect(readSaved(throwing)).toBeNull();
    expect(() => writeSaved(toSaved(playing(1, 0), 0), throwing)).not.toThrow();
  });
});
