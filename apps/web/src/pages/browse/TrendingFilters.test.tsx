import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { TabPanel } from './Tabs.js';
import {
  TrendingFilters,
  readTrendingParams,
  trendingSearch,
  useTrendingParams,
} from './TrendingFilters.js';

function Harness() {
  const params = useTrendingParams();
  return (
    <>
      <TrendingFilters id="t" params={params} />
      <TabPanel id="t" selected={params.time}>
        showing {params.time} {params.genre ?? 'all'}
      </TabPanel>
    </>
  );
}

describe('TrendingFilters', () => {
  beforeEach(() => window.history.replaceState(null, '', '/trending?time=month'));

  it('reads the chart from the query string', () => {
    render(<Harness />);
    expect(screen.getByRole('tab', { name: 'This month' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(screen.getByRole('tab', { name: 'This week' }).getAttribute('aria-selected')).toBe(
      'false',
    );
    expect(screen.getByLabelText<HTMLSelectElement>('Genre').value).toBe('');
    expect(screen.getByRole('tabpanel').textContent).toBe('showing month all');
  });

  it('keeps the genre and the time range in the query string, replacing the entry', () => {
    render(<Harness />);
    const before = window.history.length;
    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: 'Electronic' } });
    expect(window.location.pathname).toBe('/trending');
    expect(window.location.search).toBe('?time=month&genre=Electronic');
    expect(screen.getByRole('tabpanel').textContent).toBe('showing month Electronic');

    fireEvent.click(screen.getByRole('tab', { name: 'All time' }));
    expect(window.location.search).toBe('?time=allTime&genre=Electronic');

    fireEvent.change(screen.getByLabelText('Genre'), { target: { value: '' } });
    expect(window.location.search).toBe('?time=allTime');
    expect(window.history.length).toBe(before);
  });

  it('moves between ranges with the arrow keys and leaves the default out of the URL', () => {
    render(<Harness />);
    const month = screen.getByRole('tab', { name: 'This month' });
    month.focus();
    fireEvent.keyDown(month, { key: 'ArrowLeft' });
    expect(window.location.search).toBe('');
    const week = screen.getByRole('tab', { name: 'This week' });
    expect(week.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(week);
    fireEvent.keyDown(week, { key: 'ArrowLeft' });
    expect(window.location.search).toBe('?time=allTime');
  });
});

describe('readTrendingParams', () => {
  it('falls back to this week and all genres for values it does not know', () => {
    expect(readTrendingParams(new URLSearchParams('time=decade&genre=Polka'))).toEqual({
      time: 'week',
      genre: null,
    });
    expect(readTrendingParams(new URLSearchParams('genre=Hip-Hop%2FRap'))).toEqual({
      time: 'week',
      genre: 'Hip-Hop/Rap',
    });
    expect(trendingSearch({ time: 'week', genre: 'R&B/Soul' })).toBe('?genre=R%26B%2FSoul');
  });
});
