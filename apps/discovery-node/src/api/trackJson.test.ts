import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PublicTrack, TrackJsonCache } from './trackJson.js';

const track = (trackId: number, ownerId: number, bytes = 100): PublicTrack => ({
  trackId,
  ownerId,
  isPublic: true,
  json: Buffer.alloc(bytes, 0x20),
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
    assert.equal(cache.get(1, 'nodes a'), kept);
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

  it('lets the least recently used go first once full', () => {
    const cache = new TrackJsonCache(64 * 300); // room for 64 tracks of 300 bytes
    for (let id = 1; id <= 64; id++) cache.set(track(id, id, 300), 'c', cache.ticket());
    assert.equal(cache.heldBytes, 64 * 300);
    cache.get(1, 'c'); // 2 is now the least recently used
    cache.set(track(65, 65, 300), 'c', cache.ticket());
    assert.equal(cache.get(2, 'c'), undefined);
    assert.deepEqual(
      [1, 3, 64, 65].map((id) => cache.get(id, 'c')?.trackId),
      [1, 3, 64, 65],
    );
    assert.equal(cache.size, 64);
    assert.equal(cache.heldBytes, 64 * 300);
    // Replacing a track counts its bytes once.
    cache.set(track(65, 65, 200), 'c', cache.ticket());
    assert.equal(cache.heldBytes, 63 * 300 + 200);
    // One track over a 64th of the room is not kept: it would push out dozens of others.
    cache.set(track(66, 66, 301), 'c', cache.ticket());
    assert.equal(cache.get(66, 'c'), undefined);
    // Dropping every owner's tracks leaves nothing held.
    cache.invalidate(changes({ users: Array.from({ length: 65 }, (_, i) => i + 1) }));
    assert.equal(cache.size, 0);
    assert.equal(cache.heldBytes, 0);
  });
});
