import { RateLimitedError } from '@coliving/protocol';

/**
 * A fixed-window counter per key (a wallet, a user, an IP): at most `limit` per `windowMs`, of
 * events (each counts 1) or of an amount such as bytes. Past it: RateLimitedError with `code`
 * (`rate_limited` unless named) and when to retry.
 */
export function createRateLimiter({
  limit,
  windowMs,
  what,
  code,
}: {
  limit: number;
  windowMs: number;
  /** What is counted, for the message: "uploads", "upload bytes for this user". */
  what: string;
  code?: string;
}) {
  const windows = new Map<string, { start: number; count: number }>();

  function windowOf(key: string, now: number) {
    let window = windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
      // Forget idle keys so the map cannot grow without bound.
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
      }
    }
    return window;
  }

  function check(key: string, amount = 1, now = Date.now()): void {
    const window = windowOf(key, now);
    if (window.count + amount > limit) {
      throw new RateLimitedError(`Too many ${what}: at most ${limit} per ${spanOf(windowMs)}`, {
        retryAfterSeconds: (window.start + windowMs - now) / 1000,
        ...(code ? { code } : {}),
      });
    }
  }

  return {
    /** Throws RateLimitedError if `amount` more would pass the limit for `key`; counts nothing. */
    check,
    /** Counts `amount` (one event by default) for `key`, or throws RateLimitedError past the limit. */
    take(key: string, amount = 1, now = Date.now()): void {
      check(key, amount, now);
      windowOf(key, now).count += amount;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

function spanOf(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? 'day' : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}
