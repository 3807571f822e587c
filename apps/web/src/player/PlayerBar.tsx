import { type CSSProperties, type ChangeEvent, useEffect, useId, useRef, useState } from 'react';
import { Artwork } from '../components/Artwork.js';
import { formatDuration } from '../components/format.js';
import { GateLock, buyableTrack } from '../money/Lock.js';
import { TrackMenu } from '../components/TrackMenu.js';
import { Link } from '../router.js';
import { FullPlayer } from './FullPlayer.js';
import { type PlayerApi, type RepeatMode, usePlayer } from './PlayerContext.js';
import {
  CloseIcon,
  NextIcon,
  PauseIcon,
  PlayIcon,
  PreviousIcon,
  QueueIcon,
  RepeatIcon,
  ShuffleIcon,
  VolumeIcon,
} from './icons.js';
import { isQueueShortcut } from './shortcuts.js';
import { useFocusTrap } from './useFocusTrap.js';
import './player.css';

const REPEAT_LABEL: Record<RepeatMode, string> = {
  off: 'Repeat: off',
  all: 'Repeat: all',
  one: 'Repeat: one',
};

function fill(fraction: number): CSSProperties {
  const pct = Number.isFinite(fraction) ? Math.min(100, Math.max(0, fraction * 100)) : 0;
  return { '--fill': `${pct}%` } as CSSProperties;
}

/** The seek bar: a range input that seeks as keys move it and once a drag lets go. */
function SeekBar({
  position,
  duration,
  onSeek,
  disabled,
}: {
  position: number;
  duration: number;
  onSeek: (seconds: number) => void;
  disabled: boolean;
}) {
  const [scrub, setScrub] = useState<number | null>(null);
  const pointer = useRef(false);
  const value = Math.min(scrub ?? position, duration);
  const commit = () => {
    pointer.current = false;
    if (scrub !== null) onSeek(scrub);
    setScrub(null);
  };
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const seconds = Number(event.target.value);
    if (pointer.current) setScrub(seconds);
    else onSeek(seconds);
  };
  return (
    <div className="player-seek">
      <span className="player-time" aria-hidden="true">
        {formatDuration(value)}
      </span>
      <input
        type="range"
        className="player-range"
        aria-label="Seek"
        aria-valuetext={`${formatDuration(value)} of ${formatDuration(duration)}`}
        min={0}
        max={Math.max(0, Math.floor(duration))}
        step={1}
        value={Math.floor(value)}
        disabled={disabled}
        style={fill(duration > 0 ? value / duration : 0)}
        onChange={onChange}
        onPointerDown={() => (pointer.current = true)}
        onPointerUp={commit}
        onPointerCancel={commit}
      />
      <span className="player-time" aria-hidden="true">
        {formatDuration(duration)}
      </span>
    </div>
  );
}

/** The queued tracks: play one, remove one; Tab stays inside while it is open, Escape closes it. */
function QueuePanel({
  player,
  id,
  onClose,
}: {
  player: PlayerApi;
  id: string;
  onClose: () => void;
}) {
  const panel = useRef<HTMLElement>(null);
  useFocusTrap(panel, onClose);
  // The removed row's button goes with it: focus moves to the next row's remove button (or the
  // one before, or the close button), so the keyboard stays in the panel.
  const remove = (i: number) => {
    const left = player.queue.length - 1;
    player.removeFromQueue(i);
    requestAnimationFrame(() => {
      const buttons = panel.current?.querySelectorAll<HTMLButtonElement>('[data-remove]') ?? [];
      const next = left > 0 ? buttons[Math.min(i, left - 1)] : undefined;
      (next ?? panel.current?.querySelector<HTMLButtonElement>('[data-close]'))?.focus();
    });
  };
  return (
    <section
      id={id}
      ref={panel}
      className="player-queue"
      role="dialog"
      aria-label="Queue"
      tabIndex={-1}
    >
      <header className="player-queue-header">
        <h2>Queue</h2>
        <span className="player-queue-count">
          {player.queue.length} {player.queue.length === 1 ? 'track' : 'tracks'}
        </span>
        <button
          type="button"
          className="player-icon-button"
          aria-label="Close queue"
          data-close=""
          data-autofocus=""
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </header>
      <label className="player-autoplay">
        <button
          type="button"
          role="switch"
          aria-checked={player.autoplay}
          className="player-switch"
          onClick={() => player.toggleAutoplay()}
        >
          <span aria-hidden="true" className="player-switch-knob" />
        </button>
        <span>
          Autoplay
          <span className="player-autoplay-note">
            {' '}
            — when the queue ends, related tracks play on; off takes them out of the queue
          </span>
        </span>
      </label>
      {player.queue.length === 0 ? (
        <p className="player-queue-empty">The queue is empty.</p>
      ) : (
        <ol className="player-queue-list">
          {player.queue.map((track, i) => {
            const current = i === player.index;
            const picked = player.autoplayed[i] === true;
            return (
              <li
                key={`${i}-${track.id}`}
                className={current ? 'player-queue-row current' : 'player-queue-row'}
                aria-current={current ? 'true' : undefined}
              >
                {/* Named by what it shows ("Play Harbour Lights by Lunar Tides"), the words
                    only a screen reader needs hidden on screen: an aria-label would leave the
                    visible text out of the name (WCAG 2.5.3, label in name). */}
                <button
                  type="button"
                  className="player-queue-play"
                  onClick={() => player.playAt(i)}
                >
                  <Artwork
                    image={track.artwork}
                    size="150x150"
                    alt=""
                    className="artwork artwork-sm"
                  />
                  <span className="player-queue-names">
                    <span className="player-queue-title">
                      <span className="visually-hidden">Play </span>
                      {track.title}
                    </span>
                    <span className="player-queue-artist">
                      <span className="visually-hidden"> by </span>
                      {track.user.name}
                      {picked && <span className="player-queue-pick"> · Autoplay</span>}
                    </span>
                  </span>
                  <span className="player-queue-duration" aria-hidden="true">
                    {formatDuration(track.duration)}
                  </span>
                </button>
                <button
                  type="button"
                  className="player-icon-button"
                  aria-label={`Remove ${track.title} from the queue`}
                  data-remove=""
                  onClick={() => remove(i)}
                >
                  <CloseIcon />
                </button>
                <TrackMenu track={track} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** The player bar fixed to the bottom of every page. */
export function PlayerBar() {
  const player = usePlayer();
  const { current, playing, buffering, error } = player;
  const [queueOpen, setQueueOpen] = useState(false);
  const queueId = useId();
  const queueButton = useRef<HTMLButtonElement>(null);
  const panelWasOpen = useRef(false);

  // Closing the panel gives focus back to the button that opened it.
  useEffect(() => {
    if (panelWasOpen.current && !queueOpen) queueButton.current?.focus();
    panelWasOpen.current = queueOpen;
  }, [queueOpen]);

  // Q opens and closes the queue from anywhere but text entry.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (!isQueueShortcut(event)) return;
      event.preventDefault();
      setQueueOpen((open) => !open);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The phone player, opened from the bar; closing it gives focus back to its opener.
  const [fullOpen, setFullOpen] = useState(false);
  const fullButton = useRef<HTMLButtonElement>(null);
  const closeFull = () => {
    setFullOpen(false);
    requestAnimationFrame(() => fullButton.current?.focus());
  };

  const idle = !current;
  return (
    <section className="player-bar" aria-label="Player">
      <div className="player-now">
        {current ? (
          <>
            <Artwork image={current.artwork} size="150x150" alt="" className="artwork player-art" />
            <div className="player-names">
              <Link to={current.permalink} className="player-title">
                {current.title}
              </Link>
              <Link to={`/${current.user.handle}`} className="player-artist">
                {current.user.name}
              </Link>
              <span className="player-preview">
                {player.preview && <span className="preview-note">Preview</span>}
                <GateLock content={buyableTrack(current)} compact />
              </span>
            </div>
          </>
        ) : (
          <p className="player-idle">Nothing playing</p>
        )}
        {current && (
          <button
            ref={fullButton}
            type="button"
            className="player-icon-button player-expand"
            aria-label="Open the full player"
            aria-haspopup="dialog"
            onClick={() => setFullOpen(true)}
          >
            <span aria-hidden="true">⌃</span>
          </button>
        )}
      </div>

      <div className="player-center">
        <div className="player-controls">
          <button
            type="button"
            className="player-icon-button player-shuffle"
            aria-label="Shuffle"
            aria-pressed={player.shuffle}
            onClick={() => player.toggleShuffle()}
          >
            <ShuffleIcon />
          </button>
          <button
            type="button"
            className="player-icon-button"
            aria-label="Previous track"
            disabled={idle}
            onClick={() => player.previous()}
          >
            <PreviousIcon />
          </button>
          <button
            type="button"
            className={buffering ? 'player-play buffering' : 'player-play'}
            aria-label={playing ? 'Pause' : 'Play'}
            aria-busy={buffering}
            disabled={idle}
            onClick={() => (error ? player.play() : player.toggle())}
          >
            {buffering && <span className="player-play-spinner" aria-hidden="true" />}
            {playing ? <PauseIcon /> : <PlayIcon />}
          </button>
          <button
            type="button"
            className="player-icon-button"
            aria-label="Next track"
            disabled={idle}
            onClick={() => player.next()}
          >
            <NextIcon />
          </button>
          <button
            type="button"
            className={`player-icon-button player-repeat repeat-${player.repeat}`}
            aria-label={REPEAT_LABEL[player.repeat]}
            onClick={() => player.cycleRepeat()}
          >
            <RepeatIcon />
            {player.repeat === 'one' && (
              <span className="player-repeat-one" aria-hidden="true">
                1
              </span>
            )}
          </button>
        </div>
        {error ? (
          <div className="player-error" role="alert">
            <span>{error}</span>
            <button type="button" className="link-button" onClick={() => player.play()}>
              Try again
            </button>
          </div>
        ) : (
          <SeekBar
            position={player.position}
            duration={player.duration}
            onSeek={(seconds) => player.seek(seconds)}
            disabled={idle}
          />
        )}
      </div>

      <div className="player-side">
        <button
          ref={queueButton}
          type="button"
          className="player-icon-button player-queue-button"
          aria-label={`Queue (${player.queue.length})`}
          aria-keyshortcuts="Q"
          title="Queue (Q)"
          aria-expanded={queueOpen}
          aria-controls={queueId}
          onClick={() => setQueueOpen((open) => !open)}
        >
          <QueueIcon />
        </button>
        <div className="player-volume">
          <button
            type="button"
            className="player-icon-button"
            aria-label="Mute"
            aria-pressed={player.muted}
            onClick={() => player.toggleMute()}
          >
            <VolumeIcon muted={player.muted || player.volume === 0} />
          </button>
          <input
            type="range"
            className="player-range"
            aria-label="Volume"
            aria-valuetext={`${Math.round((player.muted ? 0 : player.volume) * 100)}%`}
            min={0}
            max={1}
            step={0.05}
            value={player.muted ? 0 : player.volume}
            style={fill(player.muted ? 0 : player.volume)}
            onChange={(event) => player.setVolume(Number(event.target.value))}
          />
        </div>
      </div>

      {queueOpen && <QueuePanel player={player} id={queueId} onClose={() => setQueueOpen(false)} />}
      {fullOpen && current && <FullPlayer player={player} onClose={closeFull} />}
    </section>
  );
}
