import type { Playlist } from '@coliving/sdk';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { formatDgco } from '../money/dgco.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { AuthLink } from './account/AccountGate.js';
import { useSdk } from '../sdk.js';
import { isNotFound } from './browse/Missing.js';
import { NewPlaylistForm } from './browse/NewPlaylistForm.js';
import { PlaylistGrid } from './browse/PlaylistGrid.js';
import { RepostList } from './browse/RepostList.js';
import { TabPanel, Tabs } from './browse/Tabs.js';
import { favoriteIds, inOrder } from './browse/favorites.js';
import { useViewer } from './browse/useViewer.js';
import './pages.css';

/** Saves read per visit: the newest hundred; playlists are read one by one, so fewer of them. */
const FAVORITES_LIMIT = 100;
const FAVORITE_PLAYLISTS_LIMIT = 12;
const LIST_LIMIT = 50;

const TABS = [
  { key: 'favorites', label: 'Favorites' },
  { key: 'reposts', label: 'Reposts' },
  { key: 'playlists', label: 'Your playlists' },
  { key: 'purchases', label: 'Purchases' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

export default function LibraryPage() {
  const viewer = useViewer();
  const { query } = useLocation();
  useTitle('Library');
  const tab: TabKey = TABS.find((t) => t.key === query.get('tab'))?.key ?? 'favorites';

  if (viewer.kind === 'loading') return <Loading label="Loading your library" />;
  if (viewer.kind !== 'user') {
    return (
      <div className="page library-page">
        <h1>Your library</h1>
        <div className="state state-empty">
          {viewer.kind === 'anonymous' ? (
            <p>
              <AuthLink to="/login">Log in</AuthLink> to see the tracks you favorited and reposted
              and the playlists you made. New here? <AuthLink to="/signup">Sign up</AuthLink>.
            </p>
          ) : (
            <p>
              Your account has no profile yet. <AuthLink to="/signup">Create your profile</AuthLink>{' '}
              to favorite, repost and make playlists.
            </p>
          )}
        </div>
      </div>
    );
  }
  const select = (key: TabKey) =>
    navigate(key === 'favorites' ? '/library' : `/library?tab=${key}`, { replace: true });
  return (
    <div className="page library-page">
      <h1>Your library</h1>
      <Tabs id="library" label="Library" tabs={TABS} selected={tab} onSelect={select} />
      <TabPanel id="library" selected={tab}>
        <h2 className="visually-hidden">{TABS.find((t) => t.key === tab)!.label}</h2>
        {tab === 'favorites' ? (
          <Favorites userId={viewer.userId} />
        ) : tab === 'reposts' ? (
          <Reposts userId={viewer.userId} />
        ) : tab === 'purchases' ? (
          <Purchases userId={viewer.userId} />
        ) : (
          <Playlists userId={viewer.userId} />
        )}
      </TabPanel>
    </div>
  );
}

function Favorites({ userId }: { userId: string }) {
  const sdk = useSdk();
  const saved = useAsync(
    async (signal) => {
      const ids = favoriteIds(
        await sdk.users.favorites(userId, { limit: FAVORITES_LIMIT, signal }),
      );
      const playlistIds = ids.playlists.slice(0, FAVORITE_PLAYLISTS_LIMIT);
      const [tracks, playlists] = await Promise.all([
        ids.tracks.length > 0
          ? sdk.tracks.bulk({ ids: ids.tracks, userId, signal })
          : Promise.resolve([]),
        // A saved playlist deleted since is left out, not an error for the whole library.
        Promise.all(
          playlistIds.map((id) =>
            sdk.playlists.get(id, { userId, signal }).catch((error: unknown) => {
              if (isNotFound(error)) return null;
              throw error;
            }),
          ),
        ),
      ]);
      return {
        tracks: inOrder(ids.tracks, tracks).filter((t) => !t.is_delete),
        playlists: playlists.filter((p): p is Playlist => p !== null && !p.is_delete),
      };
    },
    [sdk, userId],
  );
  if (saved.status === 'loading') return <Loading label="Loading your favorites" />;
  if (saved.status === 'error')
    return <ErrorState error={saved.error} onRetry={() => saved.reload()} />;
  const { tracks, playlists } = saved.data;
  if (tracks.length + playlists.length === 0) {
    return (
      <Empty>
        Nothing here yet. Tracks you favorite show up here: find some on{' '}
        <Link to="/trending">Trending</Link>.
      </Empty>
    );
  }
  return (
    <>
      {tracks.length > 0 && (
        <section className="page-section">
          <h3>Tracks</h3>
          <TrackList tracks={tracks} label="Favorite tracks" />
        </section>
      )}
      {playlists.length > 0 && (
        <section className="page-section">
          <h3>Playlists and albums</h3>
          <PlaylistGrid playlists={playlists} label="Favorite playlists and albums" />
        </section>
      )}
    </>
  );
}

function Reposts({ userId }: { userId: string }) {
  const sdk = useSdk();
  const reposts = useAsync(
    (signal) => sdk.users.reposts(userId, { limit: LIST_LIMIT, signal }),
    [sdk, userId],
  );
  if (reposts.status === 'loading') return <Loading label="Loading your reposts" />;
  if (reposts.status === 'error') {
    return <ErrorState error={reposts.error} onRetry={() => reposts.reload()} />;
  }
  if (reposts.data.length === 0) {
    return <Empty>You have not reposted anything yet.</Empty>;
  }
  return <RepostList reposts={reposts.data} label="Your reposts" />;
}

function Playlists({ userId }: { userId: string }) {
  const sdk = useSdk();
  const mine = useAsync(
    async (signal) => {
      const [playlists, albums] = await Promise.all([
        // As the owner: their private playlists are listed too.
        sdk.users.playlists(userId, { userId, limit: LIST_LIMIT, signal }),
        sdk.users.albums(userId, { userId, limit: LIST_LIMIT, signal }),
      ]);
      return { playlists, albums };
    },
    [sdk, userId],
  );
  const create = async (name: string) => {
    const { playlist } = await sdk.playlists.create({ userId, name, isAlbum: false });
    mine.reload();
    return playlist;
  };
  return (
    <>
      <NewPlaylistForm onCreate={create} />
      {mine.status === 'loading' ? (
        <Loading label="Loading your playlists" />
      ) : mine.status === 'error' ? (
        <ErrorState error={mine.error} onRetry={() => mine.reload()} />
      ) : mine.data.playlists.length + mine.data.albums.length === 0 ? (
        <Empty>You have no playlists yet. Name one above to start.</Empty>
      ) : (
        <>
          {mine.data.playlists.length > 0 && (
            <section className="page-section">
              <h3>Playlists</h3>
              <PlaylistGrid playlists={mine.data.playlists} label="Your playlists" />
            </section>
          )}
          {mine.data.albums.length > 0 && (
            <section className="page-section">
              <h3>Albums</h3>
              <PlaylistGrid playlists={mine.data.albums} label="Your albums" />
            </section>
          )}
        </>
      )}
    </>
  );
}

/** What the resident bought: tracks (they play in full) and albums, newest first. */
function Purchases({ userId }: { userId: string }) {
  const sdk = useSdk();
  const bought = useAsync(
    async (signal) => {
      const rows = await sdk.users.purchases(userId, { limit: LIST_LIMIT, signal });
      const trackIds = [
        ...new Set(rows.filter((r) => r.content_type === 'track').map((r) => r.content_id)),
      ];
      const playlistIds = [
        ...new Set(rows.filter((r) => r.content_type === 'playlist').map((r) => r.content_id)),
      ];
      const [tracks, playlists] = await Promise.all([
        trackIds.length > 0
          ? sdk.tracks.bulk({ ids: trackIds, userId, signal })
          : Promise.resolve([]),
        Promise.all(
          playlistIds.map((id) =>
            sdk.playlists.get(id, { userId, signal }).catch((error: unknown) => {
              if (isNotFound(error)) return null;
              throw error;
            }),
          ),
        ),
      ]);
      const paid = new Map(rows.map((r) => [`${r.content_type}:${r.content_id}`, r]));
      return {
        tracks: inOrder(trackIds, tracks).filter((t) => !t.is_delete),
        playlists: playlists.filter((p): p is Playlist => p !== null && !p.is_delete),
        paid,
      };
    },
    [sdk, userId],
  );
  if (bought.status === 'loading') return <Loading label="Loading your purchases" />;
  if (bought.status === 'error')
    return <ErrorState error={bought.error} onRetry={() => bought.reload()} />;
  const { tracks, playlists, paid } = bought.data;
  if (tracks.length + playlists.length === 0) {
    return (
      <Empty>
        You have not bought anything yet. Tracks with a price show it beside a Buy button; what you
        buy is yours to play in full, and shows up here.
      </Empty>
    );
  }
  return (
    <>
      {tracks.length > 0 && (
        <section className="page-section">
          <h3>Tracks</h3>
          <TrackList
            tracks={tracks}
            label="Tracks you bought"
            detail={(track) => {
              const row = paid.get(`track:${track.id}`);
              return row ? formatDgco(row.amount) : null;
            }}
          />
        </section>
      )}
      {playlists.length > 0 && (
        <section className="page-section">
          <h3>Albums</h3>
          <PlaylistGrid playlists={playlists} label="Albums you bought" />
        </section>
      )}
    </>
  );
}
