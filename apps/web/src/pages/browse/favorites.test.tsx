import type { Favorite } from '@coliving/sdk';
import { describe, expect, it } from 'vitest';
import { favoriteIds, inOrder } from './favorites.js';
import { splitReposts } from './RepostList.js';
import { playlistFixture, trackFixture } from './fixtures.js';

const fav = (id: string, type: Favorite['favorite_type'], at: string): Favorite => ({
  favorite_item_id: id,
  favorite_type: type,
  user_id: '7eP5n',
  created_at: at,
});

describe('favoriteIds', () => {
  it('splits tracks from playlists, newest save first, each once', () => {
    const ids = favoriteIds([
      fav('t1', 'track', '2025-01-01T00:00:00Z'),
      fav('p1', 'playlist', '2025-01-03T00:00:00Z'),
      fav('t2', 'track', '2025-01-04T00:00:00Z'),
      fav('t1', 'track', '2025-01-02T00:00:00Z'),
    ]);
    expect(ids).toEqual({ tracks: ['t2', 't1'], playlists: ['p1'] });
  });
});

describe('inOrder', () => {
  it('orders a bulk answer by the ids asked for and drops the missing', () => {
    const a = trackFixture({ id: 'a' });
    const b = trackFixture({ id: 'b' });
    expect(inOrder(['b', 'gone', 'a'], [a, b]).map((t) => t.id)).toEqual(['b', 'a']);
  });
});

describe('splitReposts', () => {
  it('keeps tracks and playlists apart, in the order reposted', () => {
    const t = trackFixture();
    const p = playlistFixture();
    const t2 = trackFixture({ id: 'x2' });
    const split = splitReposts([
      { item_type: 'track', timestamp: '2025-01-03', item: t },
      { item_type: 'playlist', timestamp: '2025-01-02', item: p },
      { item_type: 'track', timestamp: '2025-01-01', item: t2 },
    ]);
    expect(split.tracks.map((x) => x.id)).toEqual([t.id, 'x2']);
    expect(split.playlists.map((x) => x.id)).toEqual([p.id]);
  });
});
