import { GENRES } from '@coliving/protocol';
import type { TrendingTime } from '@coliving/sdk';
import { navigate, useLocation } from '../../router.js';
import { Tabs } from './Tabs.js';

export const TRENDING_TIMES = [
  { key: 'week', label: 'This week' },
  { key: 'month', label: 'This month' },
  { key: 'allTime', label: 'All time' },
] as const satisfies readonly { key: TrendingTime; label: string }[];

export type TrendingRange = (typeof TRENDING_TIMES)[number]['key'];
export type TrendingParams = { time: TrendingRange; genre: string | null };

/** The chart asked for by the query string; anything unknown falls back to this week, all genres. */
export function readTrendingParams(query: URLSearchParams): TrendingParams {
  const time = TRENDING_TIMES.find((t) => t.key === query.get('time'))?.key ?? 'week';
  const genre = query.get('genre');
  return { time, genre: genre && (GENRES as readonly string[]).includes(genre) ? genre : null };
}

/** The query string for a chart, leaving the defaults out so `/trending` stays clean. */
export function trendingSearch({ time, genre }: TrendingParams): string {
  const query = new URLSearchParams();
  if (time !== 'week') query.set('time', time);
  if (genre) query.set('genre', genre);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The chart in the URL, and setters that replace it (so reload and back/forward keep it). */
export function useTrendingParams(): TrendingParams & {
  set: (change: Partial<TrendingParams>) => void;
} {
  const { path, query } = useLocation();
  const params = readTrendingParams(query);
  return {
    ...params,
    set: (change) => navigate(path + trendingSearch({ ...params, ...change }), { replace: true }),
  };
}

/** Week / month / all time tabs and the genre select of the trending page. */
export function TrendingFilters({
  id,
  params,
}: {
  /** Prefix of the tab ids; the results go in <TabPanel id={id}>. */
  id: string;
  params: ReturnType<typeof useTrendingParams>;
}) {
  return (
    <div className="filters">
      <Tabs
        id={id}
        label="Time range"
        tabs={TRENDING_TIMES}
        selected={params.time}
        onSelect={(time) => params.set({ time })}
      />
      <label className="select-label">
        Genre
        <select
          value={params.genre ?? ''}
          onChange={(e) => params.set({ genre: e.target.value || null })}
        >
          <option value="">All genres</option>
          {GENRES.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
