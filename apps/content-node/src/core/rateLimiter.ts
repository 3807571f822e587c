import { RateLimitedError } from '@coliving/protocol';

/** A fixed-window counter per key (a wallet): at most `limit` events per `windowMs`. */
export function createRateLimiter({
  limit,
  windowMs,
  what,
}: {
  limit: number;
  windowMs: number;
  what: string;
}) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one event for `key`, or throws RateLimitedError with when to retry. */
    take(key: string, now = Date.now()): void {
      let window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      if (window.count >= limit) {
        throw new RateLimitedError(
          `Too many ${what}: at most ${limit} per ${Math.round(windowMs / 60_000)} minutes`,
          {
            retryAfterSeconds: (window.start + windowMs - now) / 1000,
          },
        );
      }
      window.count++;
      // Forget idle keys so the map cannot grow without bound.
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
