import type { Track } from '@coliving/sdk';

/**
 * The list a track page was opened from (a playlist, search results, a chart, a profile), so its
 * Play goes on through that list. The list is kept in memory and the history entry of the track
 * page names it (`history.state.fromList`): Back and Forward find it again, while a fresh visit or
 * a reload (memory gone) has none, and the page falls back to its landlord's other tracks.
 */
export type FromList = {
  /** The list's name as its page shows it ("Tracks in Road trip", "Tracks found"). */
  label: string;
  tracks: Track[];
  /** Where in `tracks` the listener clicked (a playlist may hold a track twice). */
  index: number;
};

/** Enough for a long browse; older entries are dropped first. */
const KEPT = 50;
const lists = new Map<string, FromList>();
let counter = 0;

/** Keeps `list` and answers the history state that names it, for the navigation to the track. */
export function rememberList(list: FromList): { fromList: string } {
  const key = `list-${Date.now().toString(36)}-${++counter}`;
  lists.set(key, { ...list, tracks: [...list.tracks] });
  while (lists.size > KEPT) lists.delete(lists.keys().next().value!);
  return { fromList: key };
}

/**
 * The list the current history entry was opened from, when it holds `trackId` where it was
 * clicked; null on a fresh visit, a reload, or a link that came from no list.
 */
export function listOpenedFrom(trackId: string): FromList | null {
  const state: unknown = typeof window === 'undefined' ? null : window.history.state;
  if (!state || typeof state !== 'object') return null;
  const key = (state as { fromList?: unknown }).fromList;
  if (typeof key !== 'string') return null;
  const list = lists.get(key);
  if (!list || list.tracks[list.index]?.id !== trackId) return null;
  return list;
}

/** The tracks after the clicked one, which a track page's Play queues after it. */
export function restOf(list: FromList): Track[] {
  return list.tracks.slice(list.index + 1);
}
