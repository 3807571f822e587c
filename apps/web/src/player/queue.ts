// The player's queue as a pure reducer: what is queued, which entry is current, the play order
// (shuffled or not), repeat, volume and whether the listener wants sound. The provider turns its
// state into audio; nothing here touches the DOM, so every rule is tested without a browser.
import type { Track } from '@coliving/sdk';
import type { RepeatMode } from './PlayerContext.js';

/** Pressing previous later than this into a track restarts it instead of going back. */
export const RESTART_THRESHOLD_SECONDS = 3;

export type QueueState = {
  queue: Track[];
  /** Index into `queue` of the current entry, -1 when nothing is loaded. */
  index: number;
  /** The play order: a permutation of the queue's indices, in queue order unless shuffled. */
  order: number[];
  shuffle: boolean;
  repeat: RepeatMode;
  /** What the listener asked for; the audio follows it (and reports back when it cannot). */
  playing: boolean;
  volume: number;
  muted: boolean;
  /** Bumped whenever the current entry must start again: a new track, a restart, repeat one. */
  startId: number;
  /** Where that start begins, in seconds (a restored position, else 0). */
  startAt: number;
  /** When the queue runs out, related tracks follow (the listener can switch it off). */
  autoplay: boolean;
  /**
   * Per queue entry, true when autoplay added it rather than the listener (a missing entry is the
   * listener's). Switching autoplay off takes the ones not yet played out of the queue.
   */
  autoplayed: boolean[];
  /** The queue ran to its end and stopped there; autoplay tracks arriving now play at once. */
  ended: boolean;
};

export type QueueAction =
  | { type: 'playQueue'; tracks: Track[]; startIndex: number; at?: number }
  | { type: 'enqueue'; track: Track }
  /** Puts a track right after the current one in play order. */
  | { type: 'playNext'; track: Track }
  /** Related tracks found for when the queue ends; those already queued are left out. */
  | { type: 'autoplay'; tracks: Track[] }
  /** Autoplay on or off; off also takes the related tracks it queued and not yet played out. */
  | { type: 'toggleAutoplay' }
  | { type: 'remove'; index: number }
  | { type: 'playAt'; index: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'toggle' }
  /** The listener skipped forward. */
  | { type: 'next' }
  /** The current track played to its end. */
  | { type: 'ended' }
  | { type: 'previous'; position: number }
  | { type: 'toggleShuffle' }
  | { type: 'cycleRepeat' }
  | { type: 'setVolume'; volume: number }
  | { type: 'toggleMute' };

export type Random = () => number;

/** The state of a player that has never been used. */
export const EMPTY_QUEUE: QueueState = {
  queue: [],
  index: -1,
  order: [],
  shuffle: false,
  repeat: 'off',
  playing: false,
  volume: 1,
  muted: false,
  startId: 0,
  startAt: 0,
  autoplay: true,
  autoplayed: [],
  ended: false,
};

const REPEAT_CYCLE: Record<RepeatMode, RepeatMode> = { off: 'all', all: 'one', one: 'off' };

/** 0, 1, …, n-1. */
export function inOrder(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A Fisher–Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A shuffled play order of n entries that starts with `first` (when there is one). */
export function shuffledOrder(n: number, first: number, random: Random): number[] {
  const rest = shuffled(
    inOrder(n).filter((i) => i !== first),
    random,
  );
  return first >= 0 && first < n ? [first, ...rest] : rest;
}

/** The play order for a queue of n entries starting at `first`. */
function orderFor(n: number, first: number, shuffle: boolean, random: Random): number[] {
  return shuffle ? shuffledOrder(n, first, random) : inOrder(n);
}

/** True when `order` is a permutation of 0..n-1. */
export function isPermutation(order: unknown, n: number): order is number[] {
  if (!Array.isArray(order) || order.length !== n) return false;
  const seen = new Set<number>();
  for (const i of order) {
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= n) return false;
    seen.add(i as number);
  }
  return seen.size === n;
}

function clampVolume(volume: number): number {
  return Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 1;
}

/** The current entry starts again from `at`: a new track, a restart or a repeat. */
function start(state: QueueState, index: number, playing: boolean, at = 0): QueueState {
  return { ...state, index, playing, startId: state.startId + 1, startAt: at, ended: false };
}

/** Stops at the current entry, rewound, as a player does at the end of its queue. */
function stop(state: QueueState): QueueState {
  return { ...start(state, state.index, false), ended: true };
}

/** True when the current entry is the last one in play order (the queue ends after it). */
export function isLastInOrder(state: Pick<QueueState, 'order' | 'index'>): boolean {
  return state.index >= 0 && state.order[state.order.length - 1] === state.index;
}

/** Whether each queue entry was added by autoplay, one flag per entry. */
export function autoplayFlags(state: Pick<QueueState, 'queue' | 'autoplayed'>): boolean[] {
  return state.queue.map((_, i) => state.autoplayed[i] === true);
}

/** Inserts `track` right after the current entry, in the queue and in play order. */
function playNext(state: QueueState, track: Track): QueueState {
  if (state.index < 0) {
    const next = {
      ...state,
      queue: [...state.queue, track],
      order: [...state.order, state.queue.length],
      autoplayed: [...autoplayFlags(state), false],
    };
    return start(next, state.queue.length, false);
  }
  const at = state.index + 1;
  const queue = [...state.queue.slice(0, at), track, ...state.queue.slice(at)];
  const flags = autoplayFlags(state);
  const autoplayed = [...flags.slice(0, at), false, ...flags.slice(at)];
  const shifted = state.order.map((i) => (i >= at ? i + 1 : i));
  const after = shifted.indexOf(state.index) + 1;
  const order = [...shifted.slice(0, after), at, ...shifted.slice(after)];
  return { ...state, queue, order, autoplayed, ended: false };
}

/** Appends related tracks not already queued; a queue that stopped at its end plays on. */
function appendAutoplay(state: QueueState, tracks: readonly Track[]): QueueState {
  if (!state.autoplay || state.index < 0) return state;
  const queued = new Set(state.queue.map((t) => t.id));
  const fresh: Track[] = [];
  for (const track of tracks) {
    if (queued.has(track.id)) continue;
    queued.add(track.id);
    fresh.push(track);
  }
  if (fresh.length === 0) return state;
  const first = state.queue.length;
  const next = {
    ...state,
    queue: [...state.queue, ...fresh],
    order: [...state.order, ...inOrder(fresh.length).map((i) => first + i)],
    autoplayed: [...autoplayFlags(state), ...fresh.map(() => true)],
  };
  return state.ended && isLastInOrder(state) ? start(next, first, true) : next;
}

/**
 * Autoplay switched off: the tracks it queued that come after the current one in play order leave
 * the queue, so the music stops after the listener's own. Those already played stay as history.
 */
function autoplayOff(state: QueueState): QueueState {
  const off = { ...state, autoplay: false };
  const flags = autoplayFlags(state);
  const at = state.order.indexOf(state.index);
  const upcoming = new Set(at < 0 ? [] : state.order.slice(at + 1));
  const drop = (i: number) => flags[i]! && upcoming.has(i);
  if (!state.queue.some((_, i) => drop(i))) return off;
  const newIndex: number[] = [];
  let kept = 0;
  for (let i = 0; i < state.queue.length; i++) newIndex.push(drop(i) ? -1 : kept++);
  return {
    ...off,
    queue: state.queue.filter((_, i) => !drop(i)),
    autoplayed: flags.filter((_, i) => !drop(i)),
    order: state.order.filter((i) => !drop(i)).map((i) => newIndex[i]!),
    index: state.index < 0 ? state.index : newIndex[state.index]!,
  };
}

function forward(state: QueueState, random: Random): QueueState {
  const { order, index, repeat } = state;
  if (index < 0 || order.length === 0) return state;
  const at = order.indexOf(index);
  const next = order[at + 1];
  if (next !== undefined) return start(state, next, true);
  if (repeat === 'off') return stop(state);
  if (!state.shuffle) return start(state, order[0]!, true);
  // A new round of shuffle; it does not open with the track that just played.
  let fresh = shuffled(inOrder(order.length), random);
  if (fresh.length > 1 && fresh[0] === index) fresh = [...fresh.slice(1), index];
  return start({ ...state, order: fresh }, fresh[0]!, true);
}

function backward(state: QueueState, position: number): QueueState {
  const { order, index, repeat } = state;
  if (index < 0) return state;
  if (position > RESTART_THRESHOLD_SECONDS) return start(state, index, true);
  const at = order.indexOf(index);
  const previous = order[at - 1];
  if (previous !== undefined) return start(state, previous, true);
  if (repeat === 'all' && order.length > 1) return start(state, order[order.length - 1]!, true);
  return start(state, index, true);
}

function remove(state: QueueState, removed: number): QueueState {
  const { queue, order, index } = state;
  if (!Number.isInteger(removed) || removed < 0 || removed >= queue.length) return state;
  const nextQueue = queue.filter((_, i) => i !== removed);
  const at = order.indexOf(removed);
  const nextOrder = order.filter((i) => i !== removed).map((i) => (i > removed ? i - 1 : i));
  const autoplayed = autoplayFlags(state).filter((_, i) => i !== removed);
  const base = { ...state, queue: nextQueue, order: nextOrder, autoplayed };
  if (nextQueue.length === 0) return { ...start(base, -1, false), order: [] };
  if (removed < index) return { ...base, index: index - 1 };
  if (removed > index) return base;
  // The current entry went: the one after it in play order takes its place.
  const successor = nextOrder[at];
  if (successor !== undefined) return start(base, successor, state.playing);
  if (state.repeat === 'all') return start(base, nextOrder[0]!, state.playing);
  return start(base, nextOrder[nextOrder.length - 1]!, false);
}

/** The queue's reducer; `random` decides shuffle orders (Math.random outside tests). */
export function reduceQueue(
  state: QueueState,
  action: QueueAction,
  random: Random = Math.random,
): QueueState {
  switch (action.type) {
    case 'playQueue': {
      const { tracks } = action;
      if (tracks.length === 0) {
        return { ...start(state, -1, false), queue: [], order: [], autoplayed: [] };
      }
      const first = Math.min(Math.max(0, Math.trunc(action.startIndex) || 0), tracks.length - 1);
      const order = orderFor(tracks.length, first, state.shuffle, random);
      const at = Math.max(0, action.at ?? 0) || 0;
      return start({ ...state, queue: tracks.slice(), order, autoplayed: [] }, first, true, at);
    }
    case 'enqueue': {
      const added = state.queue.length;
      const queue = [...state.queue, action.track];
      const autoplayed = [...autoplayFlags(state), false];
      let order = [...state.order, added];
      if (state.shuffle && state.index >= 0) {
        // Somewhere among what is still to come in this round, so it plays before a reshuffle.
        const after = state.order.indexOf(state.index) + 1;
        const at = after + Math.floor(random() * (state.order.length - after + 1));
        order = [...state.order.slice(0, at), added, ...state.order.slice(at)];
      }
      const next = { ...state, queue, order, autoplayed };
      return state.index < 0 ? start(next, added, false) : next;
    }
    case 'playNext':
      return playNext(state, action.track);
    case 'autoplay':
      return appendAutoplay(state, action.tracks);
    case 'toggleAutoplay':
      return state.autoplay ? autoplayOff(state) : { ...state, autoplay: true };
    case 'remove':
      return remove(state, action.index);
    case 'playAt': {
      const { index } = action;
      if (!Number.isInteger(index) || index < 0 || index >= state.queue.length) return state;
      const order = state.shuffle ? shuffledOrder(state.queue.length, index, random) : state.order;
      return start({ ...state, order }, index, true);
    }
    case 'play':
      return state.index < 0 || state.playing ? state : { ...state, playing: true, ended: false };
    case 'pause':
      return state.playing ? { ...state, playing: false } : state;
    case 'toggle':
      return state.index < 0 ? state : { ...state, playing: !state.playing, ended: false };
    case 'next':
      return forward(state, random);
    case 'ended':
      return state.repeat === 'one' && state.index >= 0
        ? start(state, state.index, true)
        : forward(state, random);
    case 'previous':
      return backward(state, action.position);
    case 'toggleShuffle': {
      const shuffle = !state.shuffle;
      return {
        ...state,
        shuffle,
        order: orderFor(state.queue.length, state.index, shuffle, random),
      };
    }
    case 'cycleRepeat':
      return { ...state, repeat: REPEAT_CYCLE[state.repeat] };
    case 'setVolume': {
      const volume = clampVolume(action.volume);
      // Moving the volume up is asking to hear it.
      return { ...state, volume, muted: volume > 0 ? false : state.muted };
    }
    case 'toggleMute':
      return { ...state, muted: !state.muted };
  }
}
