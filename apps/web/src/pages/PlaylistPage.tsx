import { ColivingSdkError, type Playlist, type Track } from '@coliving/sdk';
import { useEffect } from 'react';
import { Artwork } from '../components/Artwork.js';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { formatDuration } from '../components/format.js';
import { AlbumAccessEditor } from '../money/AlbumAccessEditor.js';
import { GateLock } from '../money/Lock.js';
import { formatDgco } from '../money/dgco.js';
import { gateOf } from '../money/gates.js';
import { usePlayer } from '../player/PlayerContext.js';
import { PlaylistEditor } from '../playlists/PlaylistEditor.js';
import { Link, navigate, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { Missing, isNotFound } from './browse/Missing.js';
import { ShareButton } from './browse/ShareButton.js';
import { SocialButtons } from './browse/SocialButtons.js';
import { Counts, formatDate } from './browse/TrackFacts.js';
import { useKeptAsync } from './browse/useKeptAsync.js';
import { useOptimisticToggle } from './browse/useOptimisticToggle.js';
import { type Viewer, untilKnown, useViewer } from './browse/useViewer.js';
import './pages.css';

export default function PlaylistPage({
  handle = '',
  kind = 'playlist',
  slug = '',
}: Record<string, string>) {
  const sdk = useSdk();
  const viewer = useViewer();
  const noun = kind === 'album' ? 'Album' : 'Playlist';
  const loaded = useKeptAsync(
    async (signal) => {
      const waiting = untilKnown(viewer, signal);
      if (waiting) return waiting;
      // Read as the viewer sees it: the owner's private playlist (and their scheduled tracks in
      // it) is found only with their user id, and the viewer flags come with it.
      const userId = viewer.userId;
      const found = await sdk.resolve(`/${handle}/${kind}/${slug}`, { userId, signal });
      if (found.kind !== 'playlist') {
        throw new ColivingSdkError('not_found', `No ${kind} at /${handle}/${kind}/${slug}`);
      }
      const tracks = await sdk.playlists.tracks(found.id, { userId, signal });
      return { playlist: found.item, tracks };
    },
    [sdk, handle, kind, slug, viewer.kind, viewer.userId],
  );
  useTitle(
    loaded.status === 'ok'
      ? `${loaded.data.playlist.playlist_name} by ${loaded.data.playlist.user.name}`
      : loaded.status === 'error' && isNotFound(loaded.error)
        ? `${noun} not found`
        : null,
  );
  // A link of the other kind (shared before a playlist became an album) found it: the address
  // bar moves to where it is now.
  const movedTo =
    loaded.status === 'ok' && loaded.data.playlist.is_album !== (kind === 'album')
      ? loaded.data.playlist.permalink
      : null;
  useEffect(() => {
    if (movedTo) navigate(movedTo, { replace: true });
  }, [movedTo]);
  if (loaded.status === 'loading') return <Loading label={`Loading the ${noun.toLowerCase()}`} />;
  if (loaded.status === 'error') {
    if (isNotFound(loaded.error)) {
      return (
        <Missing title={`${noun} not found`}>
          There is no {noun.toLowerCase()} at /{handle}/{kind}/{slug}.
        </Missing>
      );
    }
    return (
      <div className="page">
        <h1>{noun}</h1>
        <ErrorState error={loaded.error} onRetry={() => loaded.reload()} />
      </div>
    );
  }
  const { playlist, tracks } = loaded.data;
  if (playlist.is_delete) {
    return <Missing title={`${noun} deleted`}>{playlist.playlist_name} was deleted.</Missing>;
  }
  return (
    <PlaylistDetails
      playlist={playlist}
      tracks={tracks}
      viewer={viewer}
      onChanged={(after) => {
        // A new name is a new address: go there (the old one still resolves, but says the old name).
        if (after && after.permalink !== playlist.permalink) {
          navigate(after.permalink, { replace: true });
        } else loaded.reload();
      }}
    />
  );
}

/** True when the player's queue is exactly these tracks (so play toggles instead of restarting). */
function isQueued(queue: Track[], tracks: Track[]): boolean {
  return queue.length === tracks.length && queue.every((t, i) => t.id === tracks[i]!.id);
}

function PlaylistDetails({
  playlist,
  tracks,
  viewer,
  onChanged,
}: {
  playlist: Playlist;
  tracks: Track[];
  viewer: Viewer;
  /** After the owner changed it (details, tracks, price): the playlist as indexed, when known. */
  onChanged: (after?: Playlist) => void;
}) {
  const sdk = useSdk();
  const player = usePlayer();
  const noun = playlist.is_album ? 'Album' : 'Playlist';
  const favorite = useOptimisticToggle(
    playlist.has_current_user_saved,
    playlist.favorite_count,
    async (on) => {
      if (!viewer.userId) throw new Error('Log in to favorite.');
      const after = await (on ? sdk.playlists.save : sdk.playlists.unsave)(
        viewer.userId,
        playlist.id,
      );
      return { on: after.has_current_user_saved, count: after.favorite_count };
    },
  );
  const repost = useOptimisticToggle(
    playlist.has_current_user_reposted,
    playlist.repost_count,
    async (on) => {
      if (!viewer.userId) throw new Error('Log in to repost.');
      const after = await (on ? sdk.playlists.repost : sdk.playlists.unrepost)(
        viewer.userId,
        playlist.id,
      );
      return { on: after.has_current_user_reposted, count: after.repost_count };
    },
  );
  const queued = tracks.length > 0 && isQueued(player.queue, tracks);
  const playingThis = queued && player.playing;
  const total = tracks.reduce((sum, t) => sum + t.duration, 0);
  const released = formatDate(playlist.release_date ?? playlist.created_at);
  const count = tracks.length;
  const isOwner = viewer.kind === 'user' && viewer.userId === playlist.user.id;
  return (
    <article className="page playlist-page">
      <header className="hero">
        <Artwork
          image={playlist.artwork}
          size="1000x1000"
          alt={`Artwork for ${playlist.playlist_name}`}
          className="artwork hero-art"
        />
        <div className="hero-body">
          <p className="kicker">{noun}</p>
          <h1>{playlist.playlist_name}</h1>
          <p className="hero-owner">
            by <Link to={`/${playlist.user.handle}`}>{playlist.user.name}</Link>
          </p>
          <p className="muted">
            {count} {count === 1 ? 'track' : 'tracks'} · {formatDuration(total)}
            {released ? ` · ${released}` : ''}
          </p>
          <div className="hero-actions">
            <button
              type="button"
              className="play-big"
              aria-label={`${playingThis ? 'Pause' : 'Play'} ${playlist.playlist_name}`}
              disabled={count === 0}
              onClick={() => (queued ? player.toggle() : player.playQueue(tracks, 0))}
            >
              <span aria-hidden="true">{playingThis ? '❚❚' : '▶'}</span>
            </button>
            <SocialButtons viewer={viewer} favorite={favorite} repost={repost} />
            <ShareButton url={`${window.location.origin}${playlist.permalink}`} />
          </div>
          <div className="hero-lock">
            <GateLock
              content={{
                id: playlist.id,
                title: playlist.playlist_name,
                user: playlist.user,
                stream_conditions: playlist.stream_conditions,
                access: playlist.access,
                kind: playlist.is_album ? 'album' : 'playlist',
                trackIds: tracks.map((t) => t.id),
              }}
            />
          </div>
          <Counts
            items={[
              { label: 'Plays', value: playlist.total_play_count },
              { label: 'Favorites', value: favorite.count },
              { label: 'Reposts', value: repost.count },
            ]}
          />
        </div>
      </header>
      {playlist.description && <p className="description">{playlist.description}</p>}
      {playlist.is_album && isOwner && viewer.kind === 'user' && (
        <section className="page-section" aria-labelledby="album-access">
          <h2 id="album-access">Access</h2>
          <p className="muted">{albumAccessInWords(playlist)}</p>
          <AlbumAccessEditor album={playlist} ownerHandle={viewer.handle} onSaved={onChanged} />
        </section>
      )}
      <section className="page-section" aria-labelledby="playlist-tracks">
        <h2 id="playlist-tracks">Tracks</h2>
        {count === 0 ? (
          <Empty>This {noun.toLowerCase()} has no tracks yet.</Empty>
        ) : (
          <TrackList tracks={tracks} label={`Tracks in ${playlist.playlist_name}`} />
        )}
      </section>
      {isOwner && <PlaylistEditor playlist={playlist} tracks={tracks} onSaved={onChanged} />}
    </article>
  );
}

/** "For sale at 2.5 DGCO: …", or not for sale: an album's access for its landlord. */
export function albumAccessInWords(album: Playlist): string {
  const gate = gateOf(album.stream_conditions);
  if (gate?.kind !== 'purchase') return 'Not for sale: its tracks play as their own settings say.';
  return `For sale at ${formatDgco(gate.price)}: a listener who buys it plays each of its tracks in full.`;
}
