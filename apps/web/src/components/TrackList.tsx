import type { Track } from '@coliving/sdk';
import type { ReactNode } from 'react';
import { GateLock, buyableTrack } from '../money/Lock.js';
import { usePlayer } from '../player/PlayerContext.js';
import { rememberList } from '../player/fromList.js';
import { Link } from '../router.js';
import { Artwork } from './Artwork.js';
import { TrackMenu } from './TrackMenu.js';
import { formatCount, formatDuration } from './format.js';
import './trackList.css';

/** "1 play", "15,320 plays": the exact count, for titles and screen readers. */
export function playsInWords(count: number): string {
  // A count the node left out reads as none rather than "NaN plays".
  const n = Number.isFinite(count) ? count : 0;
  return `${n.toLocaleString()} ${n === 1 ? 'play' : 'plays'}`;
}

/** The track's play count, unless its landlord hid it. */
export function visiblePlays(track: Track): number | null {
  return track.field_visibility?.play_count === false ? null : track.play_count;
}

/**
 * A numbered list of tracks; playing one queues the whole list from there, as a listener expects
 * from an album, a chart or a search. A track's page opened from here remembers the list, so its
 * Play goes on through the rest of it. `detail` adds a column per row (when it was played).
 */
export function TrackList({
  tracks,
  label,
  detail,
}: {
  tracks: Track[];
  label: string;
  detail?: (track: Track, index: number) => ReactNode;
}) {
  const player = usePlayer();
  // The current track's row pauses it, and resumes it when this list is what is queued; when
  // another list is queued (a chart played before, a queue restored after a reload), it plays
  // this list from that row, the track going on from where it is, so Next follows this list.
  const play = (i: number) => {
    if (player.current?.id !== tracks[i]!.id) return player.playQueue(tracks, i);
    const thisList =
      player.index === i && tracks.every((track, k) => player.queue[k]?.id === track.id);
    if (player.playing || thisList) return player.toggle();
    player.playQueue(tracks, i, player.position);
  };
  return (
    <ol className={detail ? 'track-list track-list-detailed' : 'track-list'} aria-label={label}>
      {tracks.map((track, i) => {
        const isCurrent = player.current?.id === track.id;
        const isPlaying = isCurrent && player.playing;
        const plays = visiblePlays(track);
        return (
          // A list may hold a track twice (a playlist can), so the position is part of the key.
          <li key={`${i}:${track.id}`} className={isCurrent ? 'track-row current' : 'track-row'}>
            {/* The position is shown beside the button, not in it: a button whose visible text is
                "3" but whose name is "Play Harbour Lights" fails WCAG 2.5.3 (label in name), and
                a voice user saying "click 3" found nothing. The button shows ▶ or ❚❚. */}
            <span className="track-position">
              <span className="track-number" aria-hidden="true">
                {i + 1}
              </span>
              <button
                type="button"
                className="track-play"
                aria-label={`${isPlaying ? 'Pause' : 'Play'} ${track.title}`}
                onClick={() => play(i)}
              >
                <span aria-hidden="true">{isPlaying ? '❚❚' : '▶'}</span>
              </button>
            </span>
            <Artwork image={track.artwork} size="150x150" alt="" className="artwork artwork-sm" />
            <div className="track-names">
              <Link
                to={track.permalink}
                className="track-title"
                state={() => rememberList({ label, tracks, index: i })}
              >
                {track.title}
              </Link>
              <Link to={`/${track.user.handle}`} className="track-artist">
                {track.user.name}
              </Link>
            </div>
            <span className="track-lock">
              <GateLock content={buyableTrack(track)} compact />
            </span>
            {detail && <span className="track-detail">{detail(track, i)}</span>}
            <span className="track-plays" title={plays === null ? undefined : playsInWords(plays)}>
              {plays === null ? null : (
                <>
                  {formatCount(plays)}
                  <span className="visually-hidden"> {plays === 1 ? 'play' : 'plays'}</span>
                </>
              )}
            </span>
            <span className="track-duration">{formatDuration(track.duration)}</span>
            <TrackMenu track={track} />
          </li>
        );
      })}
    </ol>
  );
}
