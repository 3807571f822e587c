import type { Track } from '@coliving/sdk';
import { usePlayer } from '../player/PlayerContext.js';
import { Link } from '../router.js';
import { Artwork } from './Artwork.js';
import { formatCount, formatDuration } from './format.js';

/**
 * A numbered list of tracks; playing one queues the whole list from there, as a listener expects
 * from an album, a chart or a search.
 */
export function TrackList({ tracks, label }: { tracks: Track[]; label: string }) {
  const player = usePlayer();
  return (
    <ol className="track-list" aria-label={label}>
      {tracks.map((track, i) => {
        const isCurrent = player.current?.id === track.id;
        const isPlaying = isCurrent && player.playing;
        return (
          <li key={track.id} className={isCurrent ? 'track-row current' : 'track-row'}>
            <button
              type="button"
              className="track-play"
              aria-label={`${isPlaying ? 'Pause' : 'Play'} ${track.title}`}
              onClick={() => (isCurrent ? player.toggle() : player.playQueue(tracks, i))}
            >
              <span aria-hidden="true">{isPlaying ? '❚❚' : i + 1}</span>
            </button>
            <Artwork image={track.artwork} size="150x150" alt="" className="artwork artwork-sm" />
            <div className="track-names">
              <Link to={track.permalink} className="track-title">
                {track.title}
              </Link>
              <Link to={`/${track.user.handle}`} className="track-artist">
                {track.user.name}
              </Link>
            </div>
            <span className="track-plays" title={`${track.play_count} plays`}>
              {formatCount(track.play_count)}
              <span className="visually-hidden"> plays</span>
            </span>
            <span className="track-duration">{formatDuration(track.duration)}</span>
          </li>
        );
      })}
    </ol>
  );
}
