// The relays' shared rolling-window limiter, on a clock the test moves: a request counts in every
// window or in none, the refusal names the window with the longest wait, windows roll, and the
// sweep of idle counters does not forget a live one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimitedError } from '@coliving/protocol';
import { HOUR_MS, MINUTE_MS, type RateWindow, createRateWindows } from './rateWindows.js';

function clock(start = 1_000_000) {
  let at = start;
  return { now: () => at, move: (ms: number) => (at += ms) };
}

const minute = (key: string, limit: number): RateWindow => ({
  key: `${key}:minute`,
  limit,
  ms: MINUTE_MS,
  code: 'minute_limited',
  message: `minute of ${key}`,
});
const hour = (key: string, limit: number): RateWindow => ({
  key: `${key}:hour`,
  limit,
  ms: HOUR_MS,
  code: 'hour_limited',
  message: `hour of ${key}`,
});

/** The error `take` throws, or a failure when it throws none. */
function refusal(take: () => void): RateLimitedError {
  try {
    take();
  } catch (error) {
    assert.ok(error instanceof RateLimitedError, `not a RateLimitedError: ${String(error)}`);
    return error;
  }
  assert.fail('the request was not refused');
}

describe('createRateWindows', () => {
  it("refuses with the full window's code and message, and a wait until its oldest leaves", () => {
    const { now, move } = clock();
    const limiter = createRateWindows(now);
    limiter.take([minute('a', 2)]);
    move(10_000);
    limiter.take([minute('a', 2)]);
    move(5_000);
    const error = refusal(() => limiter.take([minute('a', 2)]));
    assert.equal(error.code, 'minute_limited');
    assert.equal(error.shortMessage, 'minute of a');
    assert.equal(error.retryAfterSeconds, 45);
    // Once the oldest has left the window, one more fits; the second still holds it full after.
    move(45_000);
    limiter.take([minute('a', 2)]);
    assert.equal(refusal(() => limiter.take([minute('a', 2)])).retryAfterSeconds, 10);
  });

  it('counts a request in every window or, when one is full, in none', () => {
    const { now, move } = clock();
    const limiter = createRateWindows(now);
    limiter.take([minute('ip', 1)]);
    // The wallet's window has room but the IP's is full: the wallet is not charged for it.
    refusal(() => limiter.take([minute('wallet', 1), minute('ip', 1)]));
    limiter.take([minute('wallet', 1)]);
    move(MINUTE_MS);
    limiter.take([minute('wallet', 1), minute('ip', 1)]);
  });

  it('names the window with the longest wait when several are full', () => {
    const { now, move } = clock();
    const limiter = createRateWindows(now);
    const windows = [minute('u', 1), hour('u', 2)];
    limiter.take(windows);
    move(2 * MINUTE_MS);
    limiter.take(windows);
    const error = refusal(() => limiter.take(windows));
    assert.equal(error.code, 'hour_limited');
    assert.equal(error.retryAfterSeconds, 58 * 60);
  });

  it('waits at least a second, and a zero limit refuses every request', () => {
    const { now, move } = clock();
    const limiter = createRateWindows(now);
    limiter.take([minute('a', 1)]);
    move(MINUTE_MS - 1);
    assert.equal(refusal(() => limiter.take([minute('a', 1)])).retryAfterSeconds, 1);
    assert.equal(refusal(() => limiter.take([hour('b', 0)])).retryAfterSeconds, 60 * 60);
  });

  it('keeps counting a live key across the sweep of idle ones', () => {
    const { now, move } = clock();
    const limiter = createRateWindows(now);
    limiter.take([minute('idle', 1)]);
    limiter.take([hour('live', 1)]);
    move(2 * MINUTE_MS); // past the sweep interval: `idle` is dropped, `live` is not
    limiter.take([minute('idle', 1)]);
    assert.equal(
      refusal(() => limiter.take([hour('live', 1)])).retryAfterSeconds,
      HOUR_MS / 1000 - 120,
    );
  });
});
