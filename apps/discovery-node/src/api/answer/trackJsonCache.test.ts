import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PublicTrack, TrackJsonCache } from './trackJsonCache.js';

const track = (trackId: number, ownerId: number, bytes = 100): PublicTrack => ({
  trackId,
  ownerId,
  isPublic: true,
  json: Buffer.alloc(bytes, 0x41 + (trackId % 26)), // a letter per track
});

const changes = (c: { users?: number[]; tracks?: number[]; playlists?: number[] }) => ({
  users: new Set(c.users ?? []),
  tracks: new Set(c.tracks ?? []),
  playlists: new Set(c.playlists ?? []),
});

describe('TrackJsonCache', () => {
  it('serves a kept track only for the context it was built in', () => {
    const cache = new TrackJsonCache(1 << 20);
    const kept = track(1, 10);
    cache.set(kept, 'nodes a', cache.ticket());
    assert.deepEqual(cache.get(1, 'nodes a'), kept);
    assert.equal(cache.get(1, 'nodes a b'), undefined);
    assert.equal(cache.get(2, 'nodes a'), undefined);
  });

  it('drops a track when the indexer changes it or its owner, and keeps the rest', () => {
    const cache = new TrackJsonCache(1 << 20);
    for (const [id, owner] of [
      [1, 10],
      [2, 10],
      [3, 11],
      [4, 12],
    ] as const)
      cache.set(track(id, owner), 'c', cache.ticket());
    cache.invalidate(changes({ tracks: [4] }));
    assert.equal(cache.get(4, 'c'), undefined);
    cache.invalidate(changes({ users: [10] }));
    assert.equal(cache.get(1, 'c'), undefined);
    assert.equal(cache.get(2, 'c'), undefined);
    assert.equal(cache.get(3, 'c')?.trackId, 3);
    assert.equal(cache.size, 1);
    assert.equal(cache.heldBytes, 100);
    // A playlist's change touches no track's JSON.
    cache.invalidate(changes({ playlists: [3] }));
    assert.equal(cache.get(3, 'c')?.trackId, 3);
  });

  it('refuses what was read before a change it has not seen', () => {
    const cache = new TrackJsonCache(1 << 20);
    const ticket = cache.ticket();
    cache.invalidate(changes({ users: [99] }));
    cache.set(track(1, 10), 'c', ticket);
    assert.equal(cache.get(1, 'c'), undefined);
    cache.set(track(1, 10), 'c', cache.ticket());
    assert.equal(cache.get(1, 'c')?.trackId, 1);
  });

  it('keeps the tracks in use once full, and lets the oldest unread ones go', () => {
    const cache = new TrackJsonCache(16 * 4 * 300); // 16 chunks of four 300-byte tracks
    for (let id = 1; id <= 64; id++) cache.set(track(id, id, 300), 'c', cache.ticket());
    assert.equal(cache.size, 64);
    assert.equal(cache.heldBytes, 64 * 300);
    // Track 1 is read now and then while 200 more come in: it stays; unread ones age out.
    assert.deepEqual(cache.get(1, 'c'), track(1, 1, 300));
    for (let id = 65; id <= 264; id++) {
      cache.set(track(id, id, 300), 'c', cache.ticket());
      if (id % 20 === 0) assert.deepEqual(cache.get(1, 'c'), track(1, 1, 300));
      assert.ok(cache.heldBytes <= 64 * 300);
    }
    assert.equal(cache.get(2, 'c'), undefined);
    assert.equal(cache.get(64, 'c'), undefined);
    for (let id = 240; id <= 264; id++) assert.deepEqual(cache.get(id, 'c'), track(id, id, 300));
    assert.ok(cache.size >= 60 && cache.size <= 64, `${cache.size} kept`);
    assert.equal(cache.heldBytes, cache.size * 300);
    // One track over a 64th of the room is not kept: it would push out dozens of others.
    cache.set(track(999, 999, 301), 'c', cache.ticket());
    assert.equal(cache.get(999, 'c'), undefined);
    // Dropping every owner's tracks leaves nothing held.
    cache.invalidate(changes({ users: Array.from({ length: 264 }, (_, i) => i + 1) }));
    assert.equal(cache.size, 0);
    assert.equal(cache.heldBytes, 0);
  });

  it('never overwrites the bytes of a track handed out, even after its chunk is let go', () => {
    const cache = new TrackJsonCache(16 * 4 * 300);
    cache.set(track(1, 1, 300), 'c', cache.ticket());
    const handedOut = cache.get(1, 'c')!.json;
    for (let id = 2; id <= 300; id++) cache.set(track(id, id, 300), 'c', cache.ticket());
    assert.equal(cache.get(1, 'c'), undefined);
    assert.deepEqual(handedOut, track(1, 1, 300).json);
  });

  it('keeps tracks apart by owner when owners share chunks', () => {
    const cache = new TrackJsonCache(1 << 20);
    for (let id = 1; id <= 30; id++) cache.set(track(id, id % 3, 100), 'c', cache.ticket());
    cache.invalidate(changes({ users: [1] }));
    for (let id = 1; id <= 30; id++)
      assert.equal(cache.get(id, 'c')?.trackId, id % 3 === 1 ? undefined : id, `track ${id}`);
    assert.equal(cache.size, 20);
    // A track re-kept under another owner answers to its new owner only.
    cache.set(track(3, 1, 100), 'c', cache.ticket());
    cache.invalidate(changes({ users: [0] }));
    assert.equal(cache.get(3, 'c')?.ownerId, 1);
    assert.equal(cache.size, 11);
    // Replacing a track counts its bytes once.
    cache.set(track(3, 1, 250), 'c', cache.ticket());
    assert.equal(cache.heldBytes, 10 * 100 + 250);
    assert.deepEqual(cache.get(3, 'c'), track(3, 1, 250));
  });
});
