// What the player keeps across reloads, in localStorage: the queue (the Track objects themselves,
// so a restore needs no network), the current entry, the position and the listener's settings.
// Stream URLs are never kept: their signatures expire, so a restore asks for fresh ones.
import type { Track } from '@coliving/sdk';
import type { RepeatMode } from './PlayerContext.js';
import {
  EMPTY_QUEUE,
  type QueueState,
  type Random,
  autoplayFlags,
  isPermutation,
  shuffledOrder,
} from './queue.js';

export const PLAYER_KEY = 'coliving.player';
const VERSION = 1;
/** Past this many tracks only those around the current one are kept (localStorage is ~5 MB). */
export const MAX_SAVED_TRACKS = 500;

export type SavedPlayer = {
  version: typeof VERSION;
  queue: Track[];
  index: number;
  order: number[];
  position: number;
  shuffle: boolean;
  repeat: RepeatMode;
  volume: number;
  muted: boolean;
  /** Missing in what older versions wrote: autoplay on. */
  autoplay?: boolean;
  /** Per queue entry, whether autoplay added it; missing in older versions: none did. */
  autoplayed?: boolean[];
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Enough of a Track for the player to show and play it. */
function isTrack(value: unknown): value is Track {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.permalink === 'string' &&
    isObject(value.user) &&
    typeof value.user.handle === 'string' &&
    typeof value.user.name === 'string' &&
    (value.artwork === undefined ||
      value.artwork === null ||
      (isObject(value.artwork) && Array.isArray(value.artwork.mirrors)))
  );
}

/** What the state looks like when written: the queue capped around the current entry. */
export function toSaved(state: QueueState, position: number): SavedPlayer {
  let { queue, index, order } = state;
  let autoplayed = autoplayFlags(state);
  if (queue.length > MAX_SAVED_TRACKS) {
    const from = Math.max(0, Math.min(index - 100, queue.length - MAX_SAVED_TRACKS));
    queue = queue.slice(from, from + MAX_SAVED_TRACKS);
    autoplayed = autoplayed.slice(from, from + MAX_SAVED_TRACKS);
    index -= from;
    order = []; // made again on restore
  }
  return {
    version: VERSION,
    queue,
    index,
    order,
    position: Number.isFinite(position) && position > 0 ? position : 0,
    shuffle: state.shuffle,
    repeat: state.repeat,
    volume: state.volume,
    muted: state.muted,
    autoplay: state.autoplay,
    autoplayed,
  };
}

/** The saved player, or null when there is none or it is not one this version understands. */
export function parseSaved(raw: string | null): SavedPlayer | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || value.version !== VERSION) return null;
  const { queue, index, order, position, shuffle, repeat, volume, muted, autoplay, autoplayed } =
    value;
  if (!Array.isArray(queue) || !queue.every(isTrack)) return null;
  if (typeof index !== 'number' || !Number.isInteger(index)) return null;
  if (index < -1 || index >= queue.length || (queue.length > 0 && index < 0)) return null;
  if (repeat !== 'off' && repeat !== 'all' && repeat !== 'one') return null;
  return {
    version: VERSION,
    queue,
    index,
    order: Array.isArray(order) ? (order as number[]) : [],
    position: typeof position === 'number' && Number.isFinite(position) ? Math.max(0, position) : 0,
    shuffle: shuffle === true,
    repeat,
    volume:
      typeof volume === 'number' && Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 1,
    muted: muted === true,
    autoplay: autoplay !== false,
    autoplayed:
      Array.isArray(autoplayed) && autoplayed.length === queue.length
        ? autoplayed.map((flag) => flag === true)
        : [],
  };
}

/** The queue state a saved player restores to: paused, at its position. */
export function fromSaved(saved: SavedPlayer | null, random: Random = Math.random): QueueState {
  if (!saved) return EMPTY_QUEUE;
  const n = saved.queue.length;
  const order = isPermutation(saved.order, n)
    ? saved.order
    : saved.shuffle
      ? shuffledOrder(n, saved.index, random)
      : Array.from({ length: n }, (_, i) => i);
  return {
    ...EMPTY_QUEUE,
    queue: saved.queue,
    index: saved.index,
    order,
    shuffle: saved.shuffle,
    repeat: saved.repeat,
    volume: saved.volume,
    muted: saved.muted,
    autoplay: saved.autoplay !== false,
    autoplayed: saved.autoplayed?.length === n ? saved.autoplayed : [],
    startAt: saved.index >= 0 ? saved.position : 0,
  };
}

/** Reads the saved player; storage that is missing, blocked or corrupt reads as none. */
export function readSaved(
  storage: Storage | undefined = globalThis.localStorage,
): SavedPlayer | null {
  try {
    return parseSaved(storage?.getItem(PLAYER_KEY) ?? null);
  } catch {
    return null;
  }
}

/** Writes the player; a full or blocked storage only loses the restore, never the playback. */
export function writeSaved(
  saved: SavedPlayer,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(PLAYER_KEY, JSON.stringify(saved));
  } catch {
    // Quota or privacy mode: nothing to do but play on.
  }
}
