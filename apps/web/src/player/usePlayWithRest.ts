import type { Track } from '@coliving/sdk';
import { useEffect, useRef } from 'react';
import { usePlayer } from './PlayerContext.js';

/**
 * Plays `track` with the rest of its list queued after it, so Next goes on through the list (a
 * track page plays on through the list it was opened from, or its landlord's other tracks). `rest` is null while it still loads:
 * the track starts at once and the rest is queued when it arrives, unless the listener has
 * queued something else meanwhile.
 */
export function usePlayWithRest(track: Track, rest: Track[] | null): () => void {
  const player = usePlayer();
  const playerNow = useRef(player);
  playerNow.current = player;
  const waiting = useRef<string | null>(null);

  useEffect(() => {
    if (rest === null || waiting.current !== track.id) return;
    waiting.current = null;
    const { queue } = playerNow.current;
    if (queue.length !== 1 || queue[0]!.id !== track.id) return;
    for (const next of rest) if (next.id !== track.id) playerNow.current.enqueue(next);
  }, [rest, track.id]);

  return () => {
    if (rest === null) {
      waiting.current = track.id;
      player.playQueue([track], 0);
      return;
    }
    waiting.current = null;
    player.playQueue([track, ...rest.filter((t) => t.id !== track.id)], 0);
  };
}
