import { GENRES, MOODS } from '@coliving/protocol';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import NotFoundPage from './NotFoundPage.js';
import './pages.css';

const LIMIT = 20;

/** The genre or mood a URL segment names, matched as spelled in the catalog (any case). */
function known(kind: 'genre' | 'mood', name: string): string | undefined {
  let wanted: string;
  try {
    wanted = decodeURIComponent(name).toLowerCase();
  } catch {
    return undefined;
  }
  return (kind === 'genre' ? GENRES : MOODS).find((g) => g.toLowerCase() === wanted);
}

/** `/genre/<name>` and `/mood/<name>`: what trends there (genres) and its newest tracks. */
export default function GenrePage({ kind, name }: Record<string, string>) {
  const which = kind === 'mood' ? 'mood' : 'genre';
  const value = known(which, name ?? '');
  useTitle(value ?? null);
  if (!value) return <NotFoundPage />;
  return <GenreLists kind={which} value={value} />;
}

function GenreLists({ kind, value }: { kind: 'genre' | 'mood'; value: string }) {
  const sdk = useSdk();
  // Trending is kept per genre; a mood has its newest tracks.
  const trending = useAsync(
    (signal) =>
      kind === 'genre'
        ? sdk.tracks.trending({ genre: value, time: 'week', limit: LIMIT, signal })
        : Promise.resolve(null),
    [sdk, kind, value],
  );
  const newest = useAsync(
    (signal) => sdk.tracks.latest({ [kind]: value, limit: LIMIT, signal }),
    [sdk, kind, value],
  );
  return (
    <div className="page genre-page">
      <p className="kicker">{kind === 'genre' ? 'Genre' : 'Mood'}</p>
      <h1>{value}</h1>
      <p>
        <Link to="/genres">All genres and moods</Link>
      </p>
      {kind === 'genre' && (
        <section aria-labelledby="genre-trending">
          <h2 id="genre-trending">Trending this week</h2>
          {trending.status === 'loading' ? (
            <Loading />
          ) : trending.status === 'error' ? (
            <ErrorState error={trending.error} onRetry={trending.reload} />
          ) : !trending.data || trending.data.length === 0 ? (
            <Empty>Nothing is trending in {value} this week.</Empty>
          ) : (
            <TrackList tracks={trending.data} label={`Trending ${value}`} />
          )}
        </section>
      )}
      <section aria-labelledby="genre-newest">
        <h2 id="genre-newest">Newest</h2>
        {newest.status === 'loading' ? (
          <Loading />
        ) : newest.status === 'error' ? (
          <ErrorState error={newest.error} onRetry={newest.reload} />
        ) : newest.data.length === 0 ? (
          <Empty>No tracks in {value} yet.</Empty>
        ) : (
          <TrackList tracks={newest.data} label={`Newest ${value}`} />
        )}
      </section>
    </div>
  );
}
