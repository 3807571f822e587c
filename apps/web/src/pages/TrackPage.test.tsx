// A track page opened from a list plays on through that list; opened afresh, through its
// landlord's other tracks. The real SDK, router, list, track page and player, on stand-in nodes.
import type { Track } from '@coliving/sdk';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrackList } from '../components/TrackList.js';
import { PlayerBar } from '../player/PlayerBar.js';
import { type PlayerApi, usePlayer } from '../player/PlayerContext.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { navigate, useLocation } from '../router.js';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import TrackPage from './TrackPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './account/testNetwork.js';
import { type Someone, publish, someone } from './stats/playsNetwork.js';

let network: TestNetwork;
let landlord: Someone;
let other: Someone;
/** Two landlords' tracks: the list is Snow (other), Dawn (landlord), Rain (other), not Dusk. */
let list: Track[];
beforeAll(async () => {
  network = await startTestNetwork();
  landlord = await someone(network, 'Landlord');
  other = await someone(network, 'Other');
  const ids = [
    await publish(network, landlord, 'Dawn', 0),
    await publish(network, landlord, 'Dusk', 1),
    await publish(network, other, 'Rain', 2),
    await publish(network, other, 'Snow', 0),
  ];
  const tracks = await sdkOn(network.endpoints).tracks.bulk({ ids });
  const byTitle = (title: string) => tracks.find((t) => t.title === title)!;
  list = [byTitle('Snow'), byTitle('Dawn'), byTitle('Rain')];
}, 20_000);
afterAll(() => network.close());
beforeEach(() => {
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});

/** `/list` shows the list; any `/handle/slug` its track page. */
function Pages() {
  const { path } = useLocation();
  if (path === '/list') return <TrackList tracks={list} label="Tracks in Road trip" />;
  const [, handle = '', slug = ''] = path.split('/');
  return <TrackPage handle={handle} slug={slug} />;
}

function renderApp() {
  const player: { api: PlayerApi | null } = { api: null };
  function Capture() {
    player.api = usePlayer();
    return null;
  }
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints)}>
      <SessionProvider>
        <PlayerProvider loadSources={async (id) => [`http://a.test/tracks/stream/${id}`]}>
          <Capture />
          <Pages />
          <PlayerBar />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
  return {
    titles: () => player.api!.queue.map((t) => t.title),
    current: () => player.api!.current?.title,
  };
}

async function pressPlayOnPage(title: string) {
  const play = await screen.findByRole('button', { name: `Play ${title}` }, { timeout: 5000 });
  // Once "More by" (the fallback) has loaded too, so that only the list can make a difference.
  await screen.findByRole('list', { name: /^More by/ }, { timeout: 5000 });
  fireEvent.click(play);
}

describe('TrackPage: Play goes on', () => {
  it('through the rest of the list the page was opened from, and Next plays the list’s next track', async () => {
    act(() => navigate('/list'));
    const { titles, current } = renderApp();
    const rows = within(screen.getByRole('list', { name: 'Tracks in Road trip' }));
    fireEvent.click(rows.getByRole('link', { name: 'Snow' }));
    expect(window.location.pathname).toBe(list[0]!.permalink);
    expect(
      await screen.findByText('Play goes on through Tracks in Road trip.', undefined, {
        timeout: 5000,
      }),
    ).toBeTruthy();
    await pressPlayOnPage('Snow');
    expect(titles()).toEqual(['Snow', 'Dawn', 'Rain']);
    expect(current()).toBe('Snow');
    const bar = screen.getByRole('region', { name: 'Player' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Next track' }));
    expect(current()).toBe('Dawn');
  }, 20_000);

  it('from a row in the middle of the list, with only the tracks after it', async () => {
    act(() => navigate('/list'));
    const { titles } = renderApp();
    const rows = within(screen.getByRole('list', { name: 'Tracks in Road trip' }));
    fireEvent.click(rows.getByRole('link', { name: 'Dawn' }));
    await pressPlayOnPage('Dawn');
    expect(titles()).toEqual(['Dawn', 'Rain']);
  }, 20_000);

  it('on a fresh visit (no list), through the landlord’s other tracks', async () => {
    window.history.replaceState(null, '', list[1]!.permalink);
    const { titles } = renderApp();
    await pressPlayOnPage('Dawn');
    expect(titles()).toEqual(['Dawn', 'Dusk']);
    expect(screen.queryByText(/Play goes on through/)).toBeNull();
  }, 20_000);

  it('after a reload: the history entry still names the list, but the list is gone', async () => {
    // What a reload leaves: the entry's state (a key into memory the reload cleared).
    window.history.replaceState(
      { fromList: 'list-from-before-the-reload' },
      '',
      list[1]!.permalink,
    );
    const { titles } = renderApp();
    await pressPlayOnPage('Dawn');
    expect(titles()).toEqual(['Dawn', 'Dusk']);
  }, 20_000);
});
