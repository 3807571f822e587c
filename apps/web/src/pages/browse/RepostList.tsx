import type { Playlist, Repost, Track } from '@coliving/sdk';
import { TrackList } from '../../components/TrackList.js';
import { PlaylistGrid } from './PlaylistGrid.js';

/** Splits reposts into tracks and playlists, newest first within each (as the API sends them). */
export function splitReposts(reposts: Repost[]): { tracks: Track[]; playlists: Playlist[] } {
  const tracks: Track[] = [];
  const playlists: Playlist[] = [];
  for (const repost of reposts) {
    if (repost.item_type === 'track') tracks.push(repost.item);
    else playlists.push(repost.item);
  }
  return { tracks, playlists };
}

/** Reposted tracks as a playable list, then reposted playlists and albums as cards. */
export function RepostList({ reposts, label }: { reposts: Repost[]; label: string }) {
  const { tracks, playlists } = splitReposts(reposts);
  return (
    <>
      {tracks.length > 0 && (
        <section className="page-section">
          <h3>Tracks</h3>
          <TrackList tracks={tracks} label={`${label}: tracks`} />
        </section>
      )}
      {playlists.length > 0 && (
        <section className="page-section">
          <h3>Playlists and albums</h3>
          <PlaylistGrid playlists={playlists} label={`${label}: playlists and albums`} />
        </section>
      )}
    </>
  );
}
