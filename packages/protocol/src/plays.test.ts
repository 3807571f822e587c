import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from './errors.js';
import { MAX_ENTITY_ID } from './limits.js';
import { PLAY_BYTES, decodePlays, encodePlays } from './plays.js';

const id = (n: number) => `0x${n.toString(16).padStart(32, '0')}` as const;

describe('packed plays', () => {
  it('round-trips plays, anonymous ones as user 0', () => {
    const plays = [
      { id: id(1), trackId: 7, userId: 3, at: 1_765_000_000_123 },
      { id: id(2), trackId: MAX_ENTITY_ID, at: 0 },
    ];
    const packed = encodePlays(plays);
    assert.equal((packed.length - 2) / 2, 2 * PLAY_BYTES);
    assert.deepEqual(decodePlays(packed), [
      { id: id(1), trackId: 7, userId: 3, at: 1_765_000_000_123 },
      { id: id(2), trackId: MAX_ENTITY_ID, userId: 0, at: 0 },
    ]);
  });

  it('reads ids out of range as undefined, and a ragged batch as none', () => {
    const packed = encodePlays([{ id: id(1), trackId: 1, at: 5 }]);
    const bytes = Buffer.from(packed.slice(2), 'hex');
    bytes.fill(0xff, 16, 24); // track id 2^64 - 1
    assert.equal(decodePlays(new Uint8Array(bytes))![0]!.trackId, undefined);
    assert.equal(decodePlays(new Uint8Array(bytes.subarray(0, 39))), undefined);
    assert.equal(decodePlays('0x'), undefined);
  });

  it('refuses to pack what it could not read back', () => {
    assert.throws(() => encodePlays([]), ValidationError);
    assert.throws(() => encodePlays([{ id: '0x01', trackId: 1, at: 0 }]), ValidationError);
    assert.throws(() => encodePlays([{ id: id(1), trackId: 0, at: 0 }]), ValidationError);
    assert.throws(() => encodePlays([{ id: id(1), trackId: 1, at: -1 }]), ValidationError);
  });
});
