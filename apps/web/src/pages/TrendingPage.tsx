import { Empty, ErrorState, Loading } from '../components/States.js';
import { TrackList } from '../components/TrackList.js';
import { useAsync } from '../components/useAsync.js';
import { useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { PlaylistGrid } from './browse/PlaylistGrid.js';
import { TabPanel } from './browse/Tabs.js';
import { TRENDING_TIMES, TrendingFilters, useTrendingParams } from './browse/TrendingFilters.js';
import './pages.css';

/** How many tracks a chart shows: a screenful or two, like a top-50. */
const CHART_LIMIT = 50;
const PLAYLIST_LIMIT = 8;

export default function TrendingPage() {
  const sdk = useSdk();
  const params = useTrendingParams();
  const { time, genre } = params;
  const range = TRENDING_TIMES.find((t) => t.key === time)!.label;
  useTitle(genre ? `Trending ${genre}` : 'Trending');

  // A chart shows no viewer flags, so it is read without a viewer: no second read on login.
  const tracks = useAsync(
    (signal) =>
      sdk.tracks.trending({
        time,
        ...(genre ? { genre } : {}),
        limit: CHART_LIMIT,
        signal,
      }),
    [sdk, time, genre],
  );
  const playlists = useAsync(
    (signal) => sdk.playlists.trending({ time, limit: PLAYLIST_LIMIT, signal }),
    [sdk, time],
  );

  return (
    <div className="page trending-page">
      <h1>Trending{genre ? ` ${genre}` : ''}</h1>
      <TrendingFilters id="trending" params={params} />
      <TabPanel id="trending" selected={time}>
        <h2 className="visually-hidden">
          Top tracks, {range.toLowerCase()}
          {genre ? `, ${genre}` : ''}
        </h2>
        {tracks.status === 'loading' ? (
          <Loading label="Loading the chart" />
        ) : tracks.status === 'error' ? (
          <ErrorState error={tracks.error} onRetry={() => tracks.reload()} />
        ) : tracks.data.length === 0 ? (
          <Empty>
            Nothing is trending {genre ? `in ${genre} ` : ''}
            {time === 'allTime' ? 'yet' : range.toLowerCase()}.
          </Empty>
        ) : (
          <TrackList tracks={tracks.data} label={`Trending tracks, ${range.toLowerCase()}`} />
        )}
      </TabPanel>
      <section className="page-section" aria-labelledby="trending-playlists">
        <h2 id="trending-playlists">Trending playlists</h2>
        {playlists.status === 'loading' ? (
          <Loading label="Loading playlists" />
        ) : playlists.status === 'error' ? (
          <ErrorState error={playlists.error} onRetry={() => playlists.reload()} />
        ) : playlists.data.length === 0 ? (
          <Empty>No playlists are trending {range.toLowerCase()}.</Empty>
        ) : (
          <PlaylistGrid playlists={playlists.data} label="Trending playlists" />
        )}
      </section>
    </div>
  );
}
