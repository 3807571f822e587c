// The landlord's stats page against the real SDK and stand-in nodes, with plays recorded on them.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SESSION_KEY, SessionProvider } from '../session.js';
import StatsPage from './StatsPage.js';
import { type TestNetwork, sdkOn, startTestNetwork } from './account/testNetwork.js';
import { type Someone, play, publish, someone } from './stats/playsNetwork.js';

const DAY = 86_400_000;

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network.close());
beforeEach(() => localStorage.clear());

function renderAs(who: Someone | null, endpoints = network.endpoints) {
  if (who) localStorage.setItem(SESSION_KEY, JSON.stringify({ privateKey: who.privateKey }));
  render(
    <SdkContext.Provider value={sdkOn(endpoints, who?.userId)}>
      <SessionProvider>
        <PlayerProvider loadSources={async () => []}>
          <StatsPage />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent);

describe('StatsPage', () => {
  it('asks an anonymous visitor to log in, coming back here', async () => {
    renderAs(null);
    const link = await screen.findByRole('link', { name: 'Log in' });
    expect(link.getAttribute('href')).toBe('/login?next=/dashboard');
  });

  it('tells a landlord with no tracks how plays will come', async () => {
    renderAs(await someone(network, 'Quiet'));
    const upload = await screen.findByRole('link', { name: 'Upload one' }, { timeout: 5000 });
    expect(upload.getAttribute('href')).toBe('/upload');
  });

  it('totals 7, 30 and 365 days, breaks plays down per track and month, and names top listeners', async () => {
    const landlord = await someone(network, 'Night Owl');
    const fan = await someone(network, 'Fan');
    const other = await someone(network, 'Other');
    const dawn = await publish(network, landlord, 'Dawn', 0);
    const dusk = await publish(network, landlord, 'Dusk', 1);
    play(network, dawn, fan.userId, DAY, 3);
    play(network, dawn, fan.userId, 20 * DAY);
    play(network, dawn, other.userId, 2 * DAY);
    play(network, dusk, null, 100 * DAY, 2);
    play(network, dusk, fan.userId, 400 * DAY); // older than a year: all time only

    renderAs(landlord);
    const totals = await screen.findByRole('heading', { name: 'Plays' }, { timeout: 5000 });
    const section = totals.closest('section')!;
    const figure = (label: string) =>
      within(section).getByText(label).parentElement!.querySelector('dd')!.textContent;
    expect(figure('Last 7 days')).toBe('4');
    expect(figure('Last 30 days')).toBe('5');
    expect(figure('Last 365 days')).toBe('7');

    const table = screen.getByRole('table', { name: 'Plays per track' });
    const dawnRow = within(table).getByRole('button', { name: 'Dawn' }).closest('tr')!;
    const duskRow = within(table).getByRole('button', { name: 'Dusk' }).closest('tr')!;
    expect(cells(dawnRow)).toEqual(['4', '5', '5', '5']);
    expect(cells(duskRow)).toEqual(['0', '0', '2', '3']);

    // The chart of all tracks over the year; then one track's.
    expect(
      screen.getByRole('img', { name: /^Plays of all your tracks by month: 7 plays/ }),
    ).toBeTruthy();
    fireEvent.click(within(table).getByRole('button', { name: 'Dusk' }));
    expect(screen.getByRole('img', { name: /^Plays of Dusk by month: 2 plays/ })).toBeTruthy();

    // Dusk's one named listener is the fan (a play over a year ago counts); anonymous plays name no one.
    const listeners = await screen.findByRole(
      'list',
      { name: 'Top listeners of Dusk' },
      { timeout: 5000 },
    );
    expect(within(listeners).getAllByRole('listitem')).toHaveLength(1);

    fireEvent.change(screen.getByLabelText('Track'), { target: { value: dawn } });
    const dawnListeners = await screen.findByRole(
      'list',
      { name: 'Top listeners of Dawn' },
      { timeout: 5000 },
    );
    const items = within(dawnListeners).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Fan@fan\d+4 plays$/),
      expect.stringMatching(/^Other@other\d+1 play$/),
    ]);
  }, 20_000);

  it('says so in words when the network cannot be reached', async () => {
    const landlord = await someone(network, 'Offline');
    await publish(network, landlord, 'Alone', 2);
    // The session reads the profile from the live node; the stats from one that is down.
    renderAs(landlord, network.endpoints);
    await screen.findByRole('heading', { name: 'Plays' }, { timeout: 5000 });
    await network.close();
    network = await startTestNetwork();
    fireEvent.click(screen.getByRole('button', { name: 'Alone' }));
    await waitFor(
      () => expect(screen.getByRole('alert').textContent).toContain('cannot be reached'),
      { timeout: 10_000 },
    );
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  }, 20_000);
});
