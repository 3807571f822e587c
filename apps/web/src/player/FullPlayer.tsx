import { useRef } from 'react';
import { Artwork } from '../components/Artwork.js';
import { formatDuration } from '../components/format.js';
import { useAsync } from '../components/useAsync.js';
import { GateLock, buyableTrack } from '../money/Lock.js';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import type { PlayerApi } from './PlayerContext.js';
import { Waveform } from './Waveform.js';
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from './icons.js';
import { useFocusTrap } from './useFocusTrap.js';

/**
 * The full-screen player for phones: the artwork large, the waveform to seek on, the controls.
 * Opened from the player bar; the close button or Escape closes it, and Tab stays inside.
 */
export function FullPlayer({ player, onClose }: { player: PlayerApi; onClose: () => void }) {
  const sdk = useSdk();
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box, onClose);
  const track = player.current;
  const peaks = useAsync(
    (signal) => (track ? sdk.tracks.waveform(track, signal).catch(() => []) : Promise.resolve([])),
    [sdk, track?.id],
  );
  if (!track) return null;
  const duration = player.duration || track.duration;
  return (
    <div
      ref={box}
      className="full-player"
      role="dialog"
      aria-modal="true"
      aria-label="Now playing"
      tabIndex={-1}
    >
      <div className="full-player-top">
        <button
          type="button"
          className="player-icon-button full-player-close"
          aria-label="Close the full player"
          data-autofocus=""
          onClick={onClose}
        >
          <span aria-hidden="true">⌄</span>
        </button>
      </div>
      <Artwork
        image={track.artwork}
        size="1000x1000"
        alt={`Artwork for ${track.title}`}
        className="artwork full-player-art"
      />
      <div className="full-player-names">
        <Link to={track.permalink} className="full-player-title" onClick={onClose}>
          {track.title}
        </Link>
        <Link to={`/${track.user.handle}`} className="full-player-artist" onClick={onClose}>
          {track.user.name}
        </Link>
        {/* As in the bar: a gated track plays its preview until unlocked, and says so. */}
        <span className="full-player-preview">
          {player.preview && <span className="preview-note">Preview</span>}
          <GateLock content={buyableTrack(track)} compact />
        </span>
      </div>
      <Waveform
        peaks={peaks.status === 'ok' ? peaks.data : []}
        progress={duration > 0 ? player.position / duration : 0}
        onSeek={(fraction) => player.seek(fraction * duration)}
        label={`Seek ${track.title}`}
        duration={duration}
      />
      <div className="full-player-times" aria-hidden="true">
        <span>{formatDuration(player.position)}</span>
        <span>{formatDuration(duration)}</span>
      </div>
      <div className="full-player-controls">
        <button
          type="button"
          className="player-icon-button"
          aria-label="Previous track"
          onClick={() => player.previous()}
        >
          <PreviousIcon />
        </button>
        <button
          type="button"
          className="player-play"
          aria-label={player.playing ? 'Pause' : 'Play'}
          onClick={() => (player.error ? player.play() : player.toggle())}
        >
          {player.playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <button
          type="button"
          className="player-icon-button"
          aria-label="Next track"
          onClick={() => player.next()}
        >
          <NextIcon />
        </button>
      </div>
      {player.error && (
        <p className="player-error" role="alert">
          {player.error}
        </p>
      )}
    </div>
  );
}
