import type { Playlist } from '@coliving/sdk';
import { Artwork } from '../../components/Artwork.js';
import { playsInWords } from '../../components/TrackList.js';
import { Link } from '../../router.js';

/** "Album · 8 tracks" */
export function playlistSummary(playlist: Playlist): string {
  const n = playlist.track_count ?? playlist.playlist_contents.length;
  return `${playlist.is_album ? 'Album' : 'Playlist'} · ${n} ${n === 1 ? 'track' : 'tracks'}`;
}

/** Cards of playlists and albums, each linking to its page and its owner. */
export function PlaylistGrid({ playlists, label }: { playlists: Playlist[]; label: string }) {
  return (
    <ul className="card-grid" aria-label={label}>
      {playlists.map((playlist) => (
        <li key={playlist.id} className="card">
          <Artwork
            image={playlist.artwork}
            size="480x480"
            alt={`Artwork for ${playlist.playlist_name}`}
            className="artwork card-art"
          />
          <Link to={playlist.permalink} className="card-title">
            {playlist.playlist_name}
          </Link>
          <Link to={`/${playlist.user.handle}`} className="card-sub">
            {playlist.user.name}
          </Link>
          <span className="card-sub">{playlistSummary(playlist)}</span>
          <span className="card-sub">{playsInWords(playlist.total_play_count)}</span>
        </li>
      ))}
    </ul>
  );
}
