// The Media Session API: what the OS shows on the lock screen and in media notifications, and the
// hardware and headset keys. Browsers differ in what they have (happy-dom has none of it), so
// every part is used only when it is there.
import type { Track } from '@coliving/sdk';

/** How far the OS's skip back/forward buttons move when they do not say. */
export const DEFAULT_SKIP_SECONDS = 10;

export type MediaSessionControls = {
  play(): void;
  pause(): void;
  previous(): void;
  next(): void;
  seek(seconds: number): void;
  /** The position now, for the relative skips. */
  position(): number;
};

function session(): MediaSession | null {
  return typeof navigator !== 'undefined' && 'mediaSession' in navigator
    ? navigator.mediaSession
    : null;
}

/** Registers the action handlers; returns the function that unregisters them. */
export function bindMediaSession(controls: MediaSessionControls): () => void {
  const media = session();
  if (!media) return () => {};
  const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
    ['play', () => controls.play()],
    ['pause', () => controls.pause()],
    ['previoustrack', () => controls.previous()],
    ['nexttrack', () => controls.next()],
    [
      'seekto',
      (details) => {
        if (typeof details.seekTime === 'number') controls.seek(details.seekTime);
      },
    ],
    [
      'seekbackward',
      (details) =>
        controls.seek(controls.position() - (details.seekOffset ?? DEFAULT_SKIP_SECONDS)),
    ],
    [
      'seekforward',
      (details) =>
        controls.seek(controls.position() + (details.seekOffset ?? DEFAULT_SKIP_SECONDS)),
    ],
  ];
  const set = (action: MediaSessionAction, handler: MediaSessionActionHandler | null) => {
    try {
      media.setActionHandler(action, handler);
    } catch {
      // This browser does not know the action.
    }
  };
  for (const [action, handler] of handlers) set(action, handler);
  return () => {
    for (const [action] of handlers) set(action, null);
  };
}

/** Shows the track (or nothing) to the OS. */
export function setMediaMetadata(track: Track | null): void {
  const media = session();
  if (!media) return;
  if (!track || typeof MediaMetadata === 'undefined') {
    media.metadata = null;
    return;
  }
  const artwork = (['150x150', '480x480', '1000x1000'] as const).flatMap((size) => {
    const src = track.artwork?.[size];
    return src ? [{ src, sizes: size, type: 'image/jpeg' }] : [];
  });
  media.metadata = new MediaMetadata({
    title: track.title,
    artist: track.user.name,
    artwork,
  });
}

/** Tells the OS whether we play and where we are in the track. */
export function setMediaPosition(playing: boolean, position: number, duration: number): void {
  const media = session();
  if (!media) return;
  media.playbackState = playing ? 'playing' : 'paused';
  if (typeof media.setPositionState !== 'function') return;
  if (!Number.isFinite(duration) || duration <= 0) return;
  try {
    media.setPositionState({
      duration,
      position: Math.min(Math.max(0, position), duration),
      playbackRate: 1,
    });
  } catch {
    // A browser that rejects the state keeps its own estimate.
  }
}
