import type { Track } from '@coliving/sdk';
import { createContext, useContext } from 'react';

export type RepeatMode = 'off' | 'all' | 'one';

export type PlayerState = {
  /** The tracks in play order as the listener queued them (shuffle does not reorder this). */
  queue: Track[];
  /** Index into `queue` of the current track, or -1 when nothing is loaded. */
  index: number;
  playing: boolean;
  /** Waiting for audio (loading a source, buffering, moving to a mirror). */
  buffering: boolean;
  /** Seconds into the current track, and its length. */
  position: number;
  duration: number;
  shuffle: boolean;
  repeat: RepeatMode;
  /** When the queue runs out, related tracks play on (same landlord, then same genre). */
  autoplay: boolean;
  /**
   * Per queue entry, true when autoplay queued it (not the listener); switching autoplay off
   * takes those not yet played out of the queue.
   */
  autoplayed: boolean[];
  /** 0..1 */
  volume: number;
  /** Silenced without losing `volume`. */
  muted: boolean;
  /** Why the current track cannot play, when every source failed. */
  error: string | null;
  /**
   * The current track is gated and the listener has no access yet, so its free preview (at most
   * 30 s) plays; once unlocked (bought, tipped, followed) it plays in full from the start.
   */
  preview: boolean;
};

export type PlayerApi = PlayerState & {
  current: Track | null;
  /** Replaces the queue with `tracks` and plays `tracks[startIndex]`, from `at` seconds (0). */
  playQueue(tracks: Track[], startIndex?: number, at?: number): void;
  /** Adds a track to the end of the queue. */
  enqueue(track: Track): void;
  /** Puts a track right after the current one, so it plays next. */
  playNext(track: Track): void;
  removeFromQueue(index: number): void;
  /** Jumps to queue[index] and plays it. */
  playAt(index: number): void;
  /** Plays the current track; after an error, tries it again from fresh sources. */
  play(): void;
  pause(): void;
  toggle(): void;
  next(): void;
  previous(): void;
  seek(seconds: number): void;
  /** Sets the volume (0..1); a volume above 0 also unmutes. */
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleShuffle(): void;
  cycleRepeat(): void;
  toggleAutoplay(): void;
};

export const PlayerContext = createContext<PlayerApi | null>(null);

/** The persistent player: what is playing and the controls. */
export function usePlayer(): PlayerApi {
  const player = useContext(PlayerContext);
  if (!player) throw new Error('usePlayer outside <PlayerProvider>');
  return player;
}
