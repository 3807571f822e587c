import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from './bufferPool.js';

describe('BufferPool', () => {
  it('hands back a given buffer of the same size class', () => {
    const pool = new BufferPool(1024, 64 * 1024, 256 * 1024);
    const buffer = pool.take(3000);
    assert.equal(buffer.length, 4096);
    pool.give(buffer);
    assert.equal(pool.idleBytes, 4096);
    assert.equal(pool.take(2500), buffer);
    assert.equal(pool.idleBytes, 0);
    // Bigger than the largest class: not pooled.
    const big = pool.take(100_000);
    assert.equal(big.length, 100_000);
    pool.give(big);
    assert.equal(pool.idleBytes, 0);
  });

  it('makes room for the size in use by dropping idle buffers of other sizes', () => {
    const pool = new BufferPool(1024, 64 * 1024, 128 * 1024);
    // A burst of large answers fills the pool with 64 KiB buffers...
    const large = [pool.take(60_000), pool.take(60_000)];
    for (const buffer of large) pool.give(buffer);
    assert.equal(pool.idleBytes, 128 * 1024);
    // ...then small answers are what is asked for: their buffers must come back, not be dropped.
    const small = pool.take(8000);
    pool.give(small);
    assert.equal(pool.take(8000), small);
    pool.give(small);
    assert.equal(pool.idleBytes, 64 * 1024 + 8192);
    // A full pool of the given size itself drops the extra buffer.
    const same = new BufferPool(1024, 4096, 8192);
    const [a, b, c] = [same.take(4096), same.take(4096), same.take(4096)];
    for (const buffer of [a, b, c]) same.give(buffer);
    assert.equal(same.idleBytes, 8192);
  });
});
