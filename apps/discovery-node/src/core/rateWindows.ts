// Rolling-window rate limits for the relays (relay.ts, paymentRelay.ts), kept in memory: one
// node's view is enough, since each node pays its own gas. A relay says which windows a request
// counts in; this counts it in all of them or, when any is full, in none.
import { RateLimitedError } from '@coliving/protocol';

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
/** How often idle counters are dropped from the map, so it cannot grow without end. */
const RATE_SWEEP_INTERVAL_MS = 60 * 1000;

/** One rolling window a request counts in, and what a caller over it is told. */
export type RateWindow = {
  /** The counter: requests with the same key share it (`wallet:0xab...:minute`). */
  key: string;
  /** Requests the window holds. */
  limit: number;
  /** The window's length. */
  ms: number;
  /** RateLimitedError's code and message for a caller over this window. */
  code: string;
  message: string;
};

export type RateWindows = {
  /**
   * Counts one request in every window of `windows`, or in none and throws RateLimitedError
   * (the full window's code and message, with the longest wait among them) when any is full.
   */
  take(windows: readonly RateWindow[]): void;
};

/** Rolling-window counters by key; `now` is milliseconds since the epoch (tests move it). */
export function createRateWindows(now: () => number): RateWindows {
  const hits = new Map<string, { ms: number; times: number[] }>();
  let lastSweep = now();

  function sweep(at: number): void {
    for (const [key, { ms, times }] of hits) {
      if ((times.at(-1) ?? -Infinity) <= at - ms) hits.delete(key);
    }
    lastSweep = at;
  }

  return {
    take(windows) {
      const at = now();
      if (at - lastSweep >= RATE_SWEEP_INTERVAL_MS) sweep(at);
      let refused: { window: RateWindow; seconds: number } | undefined;
      const counters = windows.map((window) => {
        const counter = hits.get(window.key) ?? { ms: window.ms, times: [] };
        const { times } = counter;
        const live = times.findIndex((t) => t > at - window.ms);
        times.splice(0, live === -1 ? times.length : live);
        if (times.length >= window.limit) {
          // The oldest request in the window leaves it first; then one more fits.
          const oldest = times[times.length - window.limit] ?? at;
          const seconds = Math.max(1, Math.ceil((oldest + window.ms - at) / 1000));
          if (!refused || seconds > refused.seconds) refused = { window, seconds };
        }
        return [window.key, counter] as const;
      });
      if (refused) {
        throw new RateLimitedError(refused.window.message, {
          code: refused.window.code,
          retryAfterSeconds: refused.seconds,
        });
      }
      for (const [key, counter] of counters) {
        counter.times.push(at);
        hits.set(key, counter);
      }
    },
  };
}
