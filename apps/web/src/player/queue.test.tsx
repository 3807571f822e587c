import { describe, expect, it } from 'vitest';
import {
  EMPTY_QUEUE,
  type QueueAction,
  type QueueState,
  isPermutation,
  reduceQueue,
  shuffledOrder,
} from './queue.js';
import { seededRandom, testTrack, testTracks } from './testTracks.js';

function run(actions: QueueAction[], from: QueueState = EMPTY_QUEUE, seed = 7): QueueState {
  const random = seededRandom(seed);
  return actions.reduce((state, action) => reduceQueue(state, action, random), from);
}

const ids = (state: QueueState) => state.queue.map((t) => t.id);
const currentId = (state: QueueState) => state.queue[state.index]?.id;

describe('reduceQueue', () => {
  it('plays a queue from the chosen entry and starts it from 0', () => {
    const s = run([{ type: 'playQueue', tracks: testTracks(4), startIndex: 2 }]);
    expect(ids(s)).toEqual(['t0', 't1', 't2', 't3']);
    expect(s.index).toBe(2);
    expect(s.playing).toBe(true);
    expect(s.order).toEqual([0, 1, 2, 3]);
    expect(s.startId).toBe(1);
    expect(s.startAt).toBe(0);
  });

  it('plays a queue from a point in its first track when asked (the same track, a new list)', () => {
    const s = run([{ type: 'playQueue', tracks: testTracks(3), startIndex: 1, at: 42.5 }]);
    expect(s.index).toBe(1);
    expect(s.startAt).toBe(42.5);
    expect(run([{ type: 'playQueue', tracks: testTracks(3), startIndex: 1, at: -3 }]).startAt).toBe(
      0,
    );
  });

  it('clamps the start index and empties on an empty queue', () => {
    expect(run([{ type: 'playQueue', tracks: testTracks(3), startIndex: 9 }]).index).toBe(2);
    const empty = run([
      { type: 'playQueue', tracks: testTracks(3), startIndex: 0 },
      { type: 'playQueue', tracks: [], startIndex: 0 },
    ]);
    expect(empty.index).toBe(-1);
    expect(empty.playing).toBe(false);
    expect(empty.queue).toEqual([]);
  });

  it('goes through the queue in order and stops at the end with repeat off', () => {
    let s = run([{ type: 'playQueue', tracks: testTracks(3), startIndex: 0 }]);
    s = run([{ type: 'next' }], s);
    expect(s.index).toBe(1);
    s = run([{ type: 'ended' }], s);
    expect(s.index).toBe(2);
    const startId = s.startId;
    s = run([{ type: 'ended' }], s);
    // Stopped on the last track, rewound, paused.
    expect(s.index).toBe(2);
    expect(s.playing).toBe(false);
    expect(s.startId).toBe(startId + 1);
    expect(s.startAt).toBe(0);
  });

  it('wraps at the end with repeat all, for ended and for next', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(3), startIndex: 2 },
      { type: 'cycleRepeat' },
    ]);
    expect(s.repeat).toBe('all');
    const ended = run([{ type: 'ended' }], s);
    expect(ended.index).toBe(0);
    expect(ended.playing).toBe(true);
    expect(run([{ type: 'next' }], s).index).toBe(0);
  });

  it('replays the track on ended with repeat one, but next still moves on', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(3), startIndex: 1 },
      { type: 'cycleRepeat' },
      { type: 'cycleRepeat' },
    ]);
    expect(s.repeat).toBe('one');
    const replay = run([{ type: 'ended' }], s);
    expect(replay.index).toBe(1);
    expect(replay.startId).toBe(s.startId + 1);
    expect(replay.playing).toBe(true);
    expect(run([{ type: 'next' }], s).index).toBe(2);
    expect(run([{ type: 'cycleRepeat' }], s).repeat).toBe('off');
  });

  it('restarts the track on previous after 3 s, else goes back', () => {
    const s = run([{ type: 'playQueue', tracks: testTracks(3), startIndex: 1 }]);
    const restarted = run([{ type: 'previous', position: 12 }], s);
    expect(restarted.index).toBe(1);
    expect(restarted.startId).toBe(s.startId + 1);
    expect(run([{ type: 'previous', position: 2 }], s).index).toBe(0);
    // At the first entry there is nothing before: it restarts, or wraps with repeat all.
    const first = run([{ type: 'previous', position: 1 }], { ...s, index: 0 });
    expect(first.index).toBe(0);
    const wrapped = run([{ type: 'previous', position: 1 }], { ...s, index: 0, repeat: 'all' });
    expect(wrapped.index).toBe(2);
  });

  it('shuffles into an order that starts with the current track and leaves the queue alone', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(8), startIndex: 3 },
      { type: 'toggleShuffle' },
    ]);
    expect(s.shuffle).toBe(true);
    expect(ids(s)).toEqual(testTracks(8).map((t) => t.id));
    expect(s.order[0]).toBe(3);
    expect(isPermutation(s.order, 8)).toBe(true);
    expect(s.order).not.toEqual([3, 0, 1, 2, 4, 5, 6, 7]);
    expect(s.index).toBe(3);
    expect(s.startId).toBe(1); // shuffling does not interrupt the track
  });

  it('plays every track once per shuffle round, then stops (repeat off)', () => {
    let s = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(6), startIndex: 4 },
    ]);
    expect(s.order[0]).toBe(4);
    const played = [s.index];
    for (let i = 0; i < 5; i++) {
      s = run([{ type: 'ended' }], s);
      played.push(s.index);
    }
    expect([...played].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(played).toEqual(s.order);
    s = run([{ type: 'ended' }], s);
    expect(s.playing).toBe(false);
    expect(s.index).toBe(played[5]);
  });

  it('reshuffles for a new round with repeat all, not opening with the last track', () => {
    let s = run([
      { type: 'toggleShuffle' },
      { type: 'cycleRepeat' },
      { type: 'playQueue', tracks: testTracks(5), startIndex: 0 },
    ]);
    for (let round = 0; round < 6; round++) {
      const last = s.order[s.order.length - 1]!;
      s = { ...s, index: last };
      const next = run([{ type: 'ended' }], s, round + 1);
      expect(isPermutation(next.order, 5)).toBe(true);
      expect(next.index).toBe(next.order[0]);
      expect(next.index).not.toBe(last);
      expect(next.playing).toBe(true);
      s = next;
    }
  });

  it('goes back along the shuffle order', () => {
    let s = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(5), startIndex: 2 },
      { type: 'next' },
      { type: 'next' },
    ]);
    const order = s.order;
    expect(s.index).toBe(order[2]);
    s = run([{ type: 'previous', position: 0 }], s);
    expect(s.index).toBe(order[1]);
  });

  it('turning shuffle off plays on in queue order from the current track', () => {
    const s = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(5), startIndex: 2 },
      { type: 'toggleShuffle' },
    ]);
    expect(s.order).toEqual([0, 1, 2, 3, 4]);
    expect(run([{ type: 'next' }], s).index).toBe(3);
  });

  it('picking a track while shuffled starts a new round from it', () => {
    const s = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(6), startIndex: 0 },
      { type: 'playAt', index: 5 },
    ]);
    expect(s.index).toBe(5);
    expect(s.order[0]).toBe(5);
    expect(isPermutation(s.order, 6)).toBe(true);
  });

  it('enqueues at the end, or among what is still to come when shuffled', () => {
    const plain = run([
      { type: 'playQueue', tracks: testTracks(3), startIndex: 0 },
      { type: 'enqueue', track: testTrack(9) },
    ]);
    expect(ids(plain)).toEqual(['t0', 't1', 't2', 't9']);
    expect(plain.order).toEqual([0, 1, 2, 3]);
    expect(plain.startId).toBe(1);

    const shuffledState = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(5), startIndex: 1 },
      { type: 'next' },
      { type: 'enqueue', track: testTrack(9) },
    ]);
    expect(isPermutation(shuffledState.order, 6)).toBe(true);
    expect(shuffledState.order.indexOf(5)).toBeGreaterThan(
      shuffledState.order.indexOf(shuffledState.index),
    );
  });

  it('enqueueing onto an empty player loads the track without playing it', () => {
    const s = run([{ type: 'enqueue', track: testTrack(1) }]);
    expect(s.index).toBe(0);
    expect(s.playing).toBe(false);
    expect(s.startId).toBe(1);
    expect(run([{ type: 'toggle' }], s).playing).toBe(true);
  });

  it('removes entries before, after and at the current one', () => {
    const s = run([{ type: 'playQueue', tracks: testTracks(4), startIndex: 2 }]);
    const before = run([{ type: 'remove', index: 0 }], s);
    expect(ids(before)).toEqual(['t1', 't2', 't3']);
    expect(currentId(before)).toBe('t2');
    expect(before.order).toEqual([0, 1, 2]);
    expect(before.startId).toBe(s.startId); // the track plays on

    const after = run([{ type: 'remove', index: 3 }], s);
    expect(currentId(after)).toBe('t2');
    expect(after.startId).toBe(s.startId);

    const current = run([{ type: 'remove', index: 2 }], s);
    expect(currentId(current)).toBe('t3');
    expect(current.playing).toBe(true);
    expect(current.startId).toBe(s.startId + 1);

    const last = run([{ type: 'remove', index: 3 }], { ...s, index: 3 });
    expect(currentId(last)).toBe('t2');
    expect(last.playing).toBe(false);

    expect(run([{ type: 'remove', index: 7 }], s)).toBe(s);
  });

  it('removing the only track leaves nothing loaded', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(1), startIndex: 0 },
      { type: 'remove', index: 0 },
    ]);
    expect(s.index).toBe(-1);
    expect(s.queue).toEqual([]);
    expect(s.order).toEqual([]);
    expect(s.playing).toBe(false);
  });

  it('keeps the shuffle order a permutation through removals', () => {
    let s = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(7), startIndex: 3 },
    ]);
    for (const index of [0, 4, 2]) {
      s = run([{ type: 'remove', index }], s);
      expect(isPermutation(s.order, s.queue.length)).toBe(true);
    }
    expect(ids(s)).toEqual(['t1', 't2', 't4', 't6']);
  });

  it('play, pause and toggle need a loaded track', () => {
    expect(run([{ type: 'play' }]).playing).toBe(false);
    expect(run([{ type: 'toggle' }]).playing).toBe(false);
    const s = run([{ type: 'playQueue', tracks: testTracks(2), startIndex: 0 }, { type: 'pause' }]);
    expect(s.playing).toBe(false);
    expect(run([{ type: 'toggle' }], s).playing).toBe(true);
    expect(run([{ type: 'play' }], s).startId).toBe(s.startId); // resumes, no restart
  });

  it('clamps the volume; raising it unmutes, muting keeps it', () => {
    expect(run([{ type: 'setVolume', volume: 1.7 }]).volume).toBe(1);
    expect(run([{ type: 'setVolume', volume: -1 }]).volume).toBe(0);
    expect(run([{ type: 'setVolume', volume: Number.NaN }]).volume).toBe(1);
    const muted = run([{ type: 'setVolume', volume: 0.4 }, { type: 'toggleMute' }]);
    expect(muted).toMatchObject({ volume: 0.4, muted: true });
    expect(run([{ type: 'setVolume', volume: 0 }], muted).muted).toBe(true);
    expect(run([{ type: 'setVolume', volume: 0.6 }], muted).muted).toBe(false);
  });
});

describe('shuffledOrder', () => {
  it('starts with the given entry and holds every index once', () => {
    const order = shuffledOrder(50, 17, seededRandom(3));
    expect(order[0]).toBe(17);
    expect(isPermutation(order, 50)).toBe(true);
  });

  it('is a permutation without a first entry too', () => {
    expect(isPermutation(shuffledOrder(5, -1, seededRandom(3)), 5)).toBe(true);
  });
});

describe('isPermutation', () => {
  it('refuses repeats, gaps, wrong lengths and non-integers', () => {
    expect(isPermutation([2, 0, 1], 3)).toBe(true);
    expect(isPermutation([0, 0, 1], 3)).toBe(false);
    expect(isPermutation([0, 1, 3], 3)).toBe(false);
    expect(isPermutation([0, 1], 3)).toBe(false);
    expect(isPermutation([0, 1.5, 2], 3)).toBe(false);
    expect(isPermutation('012', 3)).toBe(false);
  });

  it('plays next: the track goes right after the current one, in queue and play order', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(4), startIndex: 1 },
      { type: 'playNext', track: testTrack(9) },
    ]);
    expect(ids(s)).toEqual(['t0', 't1', 't9', 't2', 't3']);
    expect(currentId(s)).toBe('t1');
    expect(s.startId).toBe(1); // the current track goes on playing
    expect(currentId(run([{ type: 'next' }], s))).toBe('t9');
    expect(currentId(run([{ type: 'next' }, { type: 'next' }], s))).toBe('t2');
  });

  it('plays next when shuffled: right after the current one in play order', () => {
    const shuffledState = run([
      { type: 'toggleShuffle' },
      { type: 'playQueue', tracks: testTracks(6), startIndex: 3 },
      { type: 'playNext', track: testTrack(9) },
    ]);
    expect(isPermutation(shuffledState.order, 7)).toBe(true);
    expect(currentId(run([{ type: 'next' }], shuffledState))).toBe('t9');
  });

  it('plays next into an empty player: it is loaded, paused', () => {
    const s = run([{ type: 'playNext', track: testTrack(5) }]);
    expect(ids(s)).toEqual(['t5']);
    expect(s.index).toBe(0);
    expect(s.playing).toBe(false);
  });

  it('autoplay appends related tracks after the queue, leaving out those already queued', () => {
    const s = run([
      { type: 'playQueue', tracks: testTracks(2), startIndex: 1 },
      { type: 'autoplay', tracks: [testTrack(1), testTrack(7), testTrack(8), testTrack(7)] },
    ]);
    expect(ids(s)).toEqual(['t0', 't1', 't7', 't8']);
    expect(currentId(s)).toBe('t1');
    expect(currentId(run([{ type: 'ended' }], s))).toBe('t7');
  });

  it('autoplay tracks that arrive after the queue stopped at its end play at once', () => {
    const stopped = run([
      { type: 'playQueue', tracks: testTracks(2), startIndex: 1 },
      { type: 'ended' },
    ]);
    expect(stopped.playing).toBe(false);
    expect(stopped.ended).toBe(true);
    const s = run([{ type: 'autoplay', tracks: [testTrack(5)] }], stopped);
    expect(currentId(s)).toBe('t5');
    expect(s.playing).toBe(true);
    expect(s.startId).toBe(stopped.startId + 1);
  });

  it('autoplay switched off adds nothing, and the queue stops at its end', () => {
    const s = run([
      { type: 'toggleAutoplay' },
      { type: 'playQueue', tracks: testTracks(2), startIndex: 1 },
      { type: 'autoplay', tracks: [testTrack(5)] },
      { type: 'ended' },
    ]);
    expect(s.autoplay).toBe(false);
    expect(ids(s)).toEqual(['t0', 't1']);
    expect(s.playing).toBe(false);
    expect(run([{ type: 'toggleAutoplay' }], s).autoplay).toBe(true);
  });

  it('autoplay switched off while the last track plays takes out its picks, not yours', () => {
    const s = run([
      { type: 'playQueue', tracks: [testTrack(0)], startIndex: 0 },
      { type: 'autoplay', tracks: [testTrack(5), testTrack(6)] },
      { type: 'enqueue', track: testTrack(9) },
      { type: 'playNext', track: testTrack(8) },
    ]);
    expect(ids(s)).toEqual(['t0', 't8', 't5', 't6', 't9']);
    expect(s.autoplayed).toEqual([false, false, true, true, false]);
    const off = run([{ type: 'toggleAutoplay' }], s);
    expect(off.autoplay).toBe(false);
    expect(ids(off)).toEqual(['t0', 't8', 't9']);
    expect(off.order).toEqual([0, 1, 2]);
    expect(currentId(off)).toBe('t0');
    expect(off.startId).toBe(s.startId); // the current track plays on, untouched
    // Then the music stops after the listener's own tracks.
    const end = run([{ type: 'ended' }, { type: 'ended' }, { type: 'ended' }], off);
    expect([currentId(end), end.playing, end.ended]).toEqual(['t9', false, true]);
  });

  it('autoplay switched off keeps the picks already played and the one playing', () => {
    const s = run([
      { type: 'playQueue', tracks: [testTrack(0)], startIndex: 0 },
      { type: 'autoplay', tracks: [testTrack(5), testTrack(6), testTrack(7)] },
      { type: 'next' },
      { type: 'next' },
      { type: 'toggleAutoplay' },
    ]);
    expect(ids(s)).toEqual(['t0', 't5', 't6']);
    expect(currentId(s)).toBe('t6');
    expect(s.autoplayed).toEqual([false, true, true]);
    // A removal keeps the flags beside their tracks.
    expect(run([{ type: 'remove', index: 0 }], s).autoplayed).toEqual([true, true]);
  });
});
