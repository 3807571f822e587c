import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, createPlayLimiter } from './playLimits.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('play limits per (track, IP)', () => {
  it('admits up to the hourly limit, then again as the hour slides by', () => {
    const limiter = createPlayLimiter({ hour: 3, day: 5, week: 9 });
    const t = 1_000_000;
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => limiter.admit(1, '10.0.0.1', t + i)),
      [true, true, true, false],
    );
    // Another track, or another address, counts on its own.
    assert.equal(limiter.admit(2, '10.0.0.1', t + 5), true);
    assert.equal(limiter.admit(1, '10.0.0.2', t + 5), true);
    // Right after the hour the last hour's listens still weigh; two hours on they do not.
    assert.equal(limiter.admit(1, '10.0.0.1', t + HOUR + 10), false);
    assert.equal(limiter.admit(1, '10.0.0.1', t + 2 * HOUR + 10), true);
    assert.equal(limiter.admit(1, '10.0.0.1', t + 2 * HOUR + 11), true);
    // Five in the day: the day's limit holds though the hour's would not.
    assert.equal(limiter.admit(1, '10.0.0.1', t + 4 * HOUR), false);
    assert.equal(limiter.admit(1, '10.0.0.1', t + 2 * DAY), true);
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as the IPv4 one', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:ffff:1:2:3'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    const limiter = createPlayLimiter({ hour: 1, day: 1, week: 1 });
    assert.equal(limiter.admit(1, '2001:db8:1:2::1', 0), true);
    assert.equal(limiter.admit(1, '2001:db8:1:2::9999', 1), false);
  });

  it('holds at most maxKeys pairs, forgetting the least recently heard first', () => {
    const limiter = createPlayLimiter({ hour: 1, day: 1, week: 1 }, { maxKeys: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.admit(i, '10.0.0.1', i);
    assert.equal(limiter.size, 100);
    // The most recent pairs are still held (over their limit); the first were forgotten.
    assert.equal(limiter.admit(999, '10.0.0.1', 1_000), false);
    assert.equal(limiter.admit(0, '10.0.0.1', 1_000), true);
  });
});
