// A resident's listening history against the real SDK and stand-in nodes: read with the
// resident's own signed proof, newest first, and played again from the list.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlayerApi, usePlayer } from '../player/PlayerContext.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import HistoryPage, { playedAgo } from './HistoryPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './account/testNetwork.js';
import { type Someone, play, publish, someone } from './stats/playsNetwork.js';

const HOUR = 3_600_000;

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

function renderAs(who: Someone | null) {
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  const player: { api: PlayerApi | null } = { api: null };
  function Capture() {
    player.api = usePlayer();
    return null;
  }
  render(
    <SdkContext.Provider value={sdkOn(network.endpoints, who?.userId)}>
      <SessionProvider>
        <PlayerProvider loadSources={async () => []}>
          <Capture />
          <HistoryPage />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
  return () => player.api!;
}

describe('HistoryPage', () => {
  it('asks an anonymous visitor to log in, coming back here', async () => {
    renderAs(null);
    const link = await screen.findByRole('link', { name: 'Log in' });
    expect(link.getAttribute('href')).toBe('/login?next=/history');
  });

  it('says what will show here before anything was played', async () => {
    renderAs(await someone(network, 'Newcomer'));
    expect(
      await screen.findByText(/Nothing played yet/, undefined, { timeout: 5000 }),
    ).toBeTruthy();
  });

  it('lists what the resident played, newest first, and plays on through the list', async () => {
    const landlord = await someone(network, 'Landlord');
    const resident = await someone(network, 'Resident');
    const dawn = await publish(network, landlord, 'Dawn', 0);
    const dusk = await publish(network, landlord, 'Dusk', 1);
    const noon = await publish(network, landlord, 'Noon', 2);
    play(network, dusk, resident.userId, 30 * HOUR);
    play(network, dawn, resident.userId, 2 * HOUR);
    play(network, dawn, resident.userId, 3 * HOUR);
    play(network, noon, landlord.userId, HOUR); // someone else's listen

    const player = renderAs(resident);
    const list = await screen.findByRole('list', { name: 'Recently played' }, { timeout: 5000 });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => within(r).getByRole('link', { name: /^D/ }).textContent)).toEqual([
      'Dawn',
      'Dusk',
    ]);
    expect(rows[0]!.querySelector('time')!.textContent).toBe(
      playedAgo(new Date(Date.now() - 2 * HOUR).toISOString()),
    );

    fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Play Dawn' }));
    expect(player().queue.map((t) => t.title)).toEqual(['Dawn', 'Dusk']);
    expect(player().current?.title).toBe('Dawn');
  }, 20_000);
});

describe('playedAgo', () => {
  it('says how long ago in words', () => {
    const now = Date.UTC(2026, 5, 1, 12);
    const en = (ms: number) => playedAgo(new Date(now - ms).toISOString(), now);
    expect(en(30_000)).toMatch(/30 seconds ago/);
    expect(en(2 * HOUR)).toMatch(/2 hours ago/);
    expect(en(26 * HOUR)).toMatch(/yesterday|1 day ago/);
    expect(playedAgo('not a time', now)).toBe('');
  });
});
