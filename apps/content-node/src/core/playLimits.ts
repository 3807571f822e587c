// Per (track, IP) play limits, applied by each content node before it journals a listen
// (docs/design.md §11). Held in memory only: nothing derived from a listener's address leaves
// the node, so the limits are per node (a listener hopping between nodes is held by the per-user
// limits, applied at indexing, and by each node's own count).
import { isIPv6 } from 'node:net';

export type PlayLimitWindows = { hour: number; day: number; week: number };

const WINDOW_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
const WINDOWS = ['hour', 'day', 'week'] as const;

/**
 * One window's count as a sliding-window estimate: the previous fixed window's count weighted by
 * how much of it the sliding window still covers, plus the current one's. Two numbers a window,
 * instead of a timestamp a listen.
 */
type Counter = { start: number; count: number; previous: number };

type Entry = { windows: Record<(typeof WINDOWS)[number], Counter>; seen: number };

function estimate(counter: Counter, lengthMs: number, now: number): number {
  const elapsed = (now - counter.start) / lengthMs;
  return counter.previous * Math.max(0, 1 - elapsed) + counter.count;
}

/** Moves a counter's fixed window forward to the one holding `now`. */
function roll(counter: Counter, lengthMs: number, now: number): void {
  const windows = Math.floor((now - counter.start) / lengthMs);
  if (windows <= 0) return;
  counter.previous = windows === 1 ? counter.count : 0;
  counter.count = 0;
  counter.start += windows * lengthMs;
}

/**
 * The key an address is counted under: an IPv6 address by its /64 (one subscriber is usually
 * given a whole /64, and would otherwise have 2^64 addresses to spread listens over); an IPv4
 * address (or an IPv4-mapped one) as itself.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

export type PlayLimiter = {
  /** Counts a listen of `trackId` from `ip` if it is within every window; false when over. */
  admit(trackId: number, ip: string, now?: number): boolean;
  /** (track, address) pairs held now. */
  readonly size: number;
};

/**
 * Per (track, address) limits over an hour, a day and a week. Memory is bounded: at most
 * `maxKeys` pairs are held (about 150 bytes each), pairs idle for a week are dropped as new ones
 * arrive, and past the bound the least recently heard pair is forgotten (it starts again from 0:
 * a flood of other pairs can only loosen, never tighten, another listener's limit).
 */
export function createPlayLimiter(
  limits: PlayLimitWindows,
  { maxKeys = 200_000 }: { maxKeys?: number } = {},
): PlayLimiter {
  const entries = new Map<string, Entry>();
  return {
    get size() {
      return entries.size;
    },
    admit(trackId, ip, now = Date.now()) {
      const key = `${trackId}|${addressKey(ip)}`;
      let entry = entries.get(key);
      if (entry) {
        // Most recently heard last: the map's order is the eviction order.
        entries.delete(key);
      } else {
        const fresh = (): Counter => ({ start: now, count: 0, previous: 0 });
        entry = { windows: { hour: fresh(), day: fresh(), week: fresh() }, seen: now };
      }
      entry.seen = now;
      entries.set(key, entry);
      // Pairs not heard from for a week count nothing any more: drop them from the front.
      for (const [oldKey, old] of entries) {
        if (old.seen > now - WINDOW_MS.week && entries.size <= maxKeys) break;
        entries.delete(oldKey);
      }
      for (const window of WINDOWS) roll(entry.windows[window], WINDOW_MS[window], now);
      // Within all three, or it is not counted (and counts towards nothing).
      for (const window of WINDOWS) {
        if (estimate(entry.windows[window], WINDOW_MS[window], now) + 1 > limits[window])
          return false;
      }
      for (const window of WINDOWS) entry.windows[window].count += 1;
      return true;
    },
  };
}
