import { useCallback } from 'react';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { PlaylistGrid } from './browse/PlaylistGrid.js';
import { SearchField } from './browse/SearchField.js';
import { UserGrid } from './browse/UserGrid.js';
import './pages.css';

/** Results per section: enough to find it, few enough that typing stays quick. */
const TRACK_LIMIT = 20;
const USER_LIMIT = 8;
const PLAYLIST_LIMIT = 8;

export default function SearchPage() {
  const sdk = useSdk();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const term = q.trim();
  useTitle(term ? `Search: ${term}` : 'Search');

  const onSearch = useCallback((next: string) => {
    const text = next.trim();
    navigate(text ? `/search?${new URLSearchParams({ q: next }).toString()}` : '/search', {
      replace: true,
    });
  }, []);

  const results = useAsync(
    async (signal) => {
      if (!term) return null;
      const [tracks, users, playlists] = await Promise.all([
        sdk.tracks.search({ query: term, limit: TRACK_LIMIT, signal }),
        sdk.users.search({ query: term, limit: USER_LIMIT, signal }),
        sdk.playlists.search({ query: term, limit: PLAYLIST_LIMIT, signal }),
      ]);
      return { tracks, users, playlists };
    },
    [sdk, term],
  );

  return (
    <div className="page search-page">
      <h1>Search</h1>
      <SearchField value={q} onSearch={onSearch} />
      <p className="visually-hidden" role="status">
        {term && results.status === 'ok' && results.data ? summary(results.data) : ''}
      </p>
      <div className="search-results" aria-busy={results.status === 'loading'}>
        {!term ? (
          <p className="prompt">Find tracks, landlords and playlists by name, genre or mood.</p>
        ) : results.status === 'loading' ? (
          <Loading label="Searching" />
        ) : results.status === 'error' ? (
          <ErrorState error={results.error} onRetry={() => results.reload()} />
        ) : !results.data ||
          results.data.tracks.length + results.data.users.length + results.data.playlists.length ===
            0 ? (
          <Empty>Nothing matches “{term}”. Check the spelling or try fewer words.</Empty>
        ) : (
          <>
            <ResultSection id="search-tracks" title="Tracks" count={results.data.tracks.length}>
              <TrackList tracks={results.data.tracks} label="Tracks found" />
            </ResultSection>
            <ResultSection id="search-users" title="Landlords" count={results.data.users.length}>
              <UserGrid users={results.data.users} label="Landlords found" />
            </ResultSection>
            <ResultSection
              id="search-playlists"
              title="Playlists"
              count={results.data.playlists.length}
            >
              <PlaylistGrid playlists={results.data.playlists} label="Playlists found" />
            </ResultSection>
          </>
        )}
      </div>
    </div>
  );
}

/** "3 tracks, 1 landlord, 0 playlists", told to screen readers as results arrive. */
function summary(found: { tracks: unknown[]; users: unknown[]; playlists: unknown[] }): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return [
    n(found.tracks.length, 'track', 'tracks'),
    n(found.users.length, 'landlord', 'landlords'),
    n(found.playlists.length, 'playlist', 'playlists'),
  ].join(', ');
}

function ResultSection({
  id,
  title,
  count,
  children,
}: {
  id: string;
  title: string;
  count: number;
  children: React.ReactNode;
}) {
  return (
    <section className="page-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="count">({count})</span>
      </h2>
      {count === 0 ? <Empty>No {title.toLowerCase()} match.</Empty> : children}
    </section>
  );
}
