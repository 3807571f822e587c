import type { Favorite } from '@coliving/sdk';

/** The ids of saved tracks and saved playlists, newest save first, each once. */
export function favoriteIds(favorites: Favorite[]): { tracks: string[]; playlists: string[] } {
  const tracks = new Set<string>();
  const playlists = new Set<string>();
  const sorted = [...favorites].sort((a, b) => b.created_at.localeCompare(a.created_at));
  for (const f of sorted)
    (f.favorite_type === 'track' ? tracks : playlists).add(f.favorite_item_id);
  return { tracks: [...tracks], playlists: [...playlists] };
}

/** `items` in the order of `ids` (a bulk read answers in its own order), missing ones left out. */
export function inOrder<T extends { id: string }>(ids: string[], items: T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  return ids.flatMap((id) => {
    const item = byId.get(id);
    return item ? [item] : [];
  });
}
