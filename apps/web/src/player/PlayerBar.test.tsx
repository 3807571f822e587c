// The bar with the real provider, session and SDK (pointed at no node: nothing here reaches the
// network). Only where tracks stream from is the test's own: happy-dom's <audio> fetches nothing,
// so the test plays the browser's part by dispatching the element's events.
import { createColivingSdk } from '@coliving/sdk';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import { PlayerBar } from './PlayerBar.js';
import { type PlayerApi, usePlayer } from './PlayerContext.js';
import { PlayerProvider } from './PlayerProvider.js';
import { PLAYER_KEY, readSaved, toSaved, writeSaved } from './persist.js';
import { EMPTY_QUEUE, reduceQueue } from './queue.js';
import { testTracks } from './testTracks.js';

const source = (id: string, node = 'a') => `http://${node}.test/tracks/stream/${id}?signature=x`;

function renderPlayer(loadSources = vi.fn(async (id: string) => [source(id), source(id, 'b')])) {
  const sdk = createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] });
  const player: { api: PlayerApi | null } = { api: null };
  function Capture() {
    player.api = usePlayer();
    return null;
  }
  const { unmount } = render(
    <SdkContext.Provider value={sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={loadSources}>
          <Capture />
          <PlayerBar />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
  const audio = screen.getByTestId<HTMLAudioElement>('player-audio');
  const bar = screen.getByRole('region', { name: 'Player' });
  const fire = (type: string) => act(() => void audio.dispatchEvent(new Event(type)));
  return { api: () => player.api!, audio, bar, loadSources, fire, unmount };
}

/** Lets the sources' promise settle and React catch up. */
const settle = () => act(async () => {});

afterEach(() => {
  localStorage.clear();
});

describe('PlayerBar', () => {
  it('shows an idle bar before anything is queued', () => {
    const { bar, audio } = renderPlayer();
    expect(within(bar).getByText('Nothing playing')).toBeTruthy();
    expect(within(bar).getByRole('button', { name: 'Play' }).hasAttribute('disabled')).toBe(true);
    expect(within(bar).getByRole('button', { name: 'Queue (0)' })).toBeTruthy();
    expect(audio.getAttribute('preload')).toBe('auto');
    expect(audio.hasAttribute('crossorigin')).toBe(false);
  });

  it('plays a queue from its signed source and shows what plays', async () => {
    const { api, bar, audio, loadSources } = renderPlayer();
    act(() => api().playQueue(testTracks(3), 1));
    await settle();
    expect(loadSources).toHaveBeenCalledTimes(1);
    expect(loadSources.mock.calls[0]![0]).toBe('t1');
    expect(audio.src).toBe(source('t1'));
    expect(audio.paused).toBe(false);
    expect(within(bar).getByRole('link', { name: 'Song 1' }).getAttribute('href')).toBe(
      '/artist1/song-1',
    );
    expect(within(bar).getByRole('link', { name: 'Artist 1' }).getAttribute('href')).toBe(
      '/artist1',
    );
    const pause = within(bar).getByRole('button', { name: 'Pause' });
    fireEvent.click(pause);
    expect(audio.paused).toBe(true);
    expect(within(bar).getByRole('button', { name: 'Play' })).toBeTruthy();
  });

  it('shows buffering on the play button until the audio plays', async () => {
    let resolve: (sources: string[]) => void = () => {};
    const { api, bar } = renderPlayer(vi.fn(() => new Promise<string[]>((r) => (resolve = r))));
    act(() => api().playQueue(testTracks(2), 0));
    const button = within(bar).getByRole('button', { name: 'Pause' });
    expect(button.getAttribute('aria-busy')).toBe('true');
    await act(async () => resolve([source('t0')]));
    expect(button.getAttribute('aria-busy')).toBe('false');
  });

  it('seeks with an accessible range that reads the time', async () => {
    const { api, bar, audio, fire } = renderPlayer();
    act(() => api().playQueue(testTracks(2), 0));
    await settle();
    const seek = within(bar).getByRole('slider', { name: 'Seek' });
    expect(seek.getAttribute('aria-valuetext')).toBe('0:00 of 3:00');
    fireEvent.change(seek, { target: { value: '62' } });
    expect(seek.getAttribute('aria-valuetext')).toBe('1:02 of 3:00');
    expect(api().position).toBe(62);
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(62);
  });

  it('toggles shuffle and cycles repeat, saying which mode is on', () => {
    const { bar } = renderPlayer();
    const shuffle = within(bar).getByRole('button', { name: 'Shuffle' });
    expect(shuffle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(shuffle);
    expect(shuffle.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(bar).getByRole('button', { name: 'Repeat: off' }));
    fireEvent.click(within(bar).getByRole('button', { name: 'Repeat: all' }));
    fireEvent.click(within(bar).getByRole('button', { name: 'Repeat: one' }));
    expect(within(bar).getByRole('button', { name: 'Repeat: off' })).toBeTruthy();
  });

  it('goes on to the next track when one ends, and previous restarts late in a track', async () => {
    const { api, bar, audio, fire, loadSources } = renderPlayer();
    act(() => api().playQueue(testTracks(3), 0));
    await settle();
    fire('ended');
    await settle();
    expect(within(bar).getByRole('link', { name: 'Song 1' })).toBeTruthy();
    expect(loadSources).toHaveBeenLastCalledWith('t1', expect.any(AbortSignal), { again: false });
    audio.currentTime = 20;
    fire('timeupdate');
    fireEvent.click(within(bar).getByRole('button', { name: 'Previous track' }));
    expect(within(bar).getByRole('link', { name: 'Song 1' })).toBeTruthy();
    expect(api().position).toBe(0);
    fireEvent.click(within(bar).getByRole('button', { name: 'Previous track' }));
    expect(within(bar).getByRole('link', { name: 'Song 0' })).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: 'Next track' }));
    expect(within(bar).getByRole('link', { name: 'Song 1' })).toBeTruthy();
  });

  it('lists the queue in a panel: play one, remove one, Escape closes', async () => {
    const { api, bar } = renderPlayer();
    act(() => api().playQueue(testTracks(3), 0));
    await settle();
    const toggle = within(bar).getByRole('button', { name: 'Queue (3)' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const panel = within(bar).getByRole('dialog', { name: 'Queue' });
    expect(toggle.getAttribute('aria-controls')).toBe(panel.id);
    const rows = within(panel).getAllByRole('listitem');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.getAttribute('aria-current')).toBe('true');

    const playRow = within(panel).getByRole('button', { name: 'Play Song 2 by Artist 2' });
    // Named by its visible text (WCAG 2.5.3, label in name), not by an aria-label over it.
    expect(playRow.getAttribute('aria-label')).toBeNull();
    fireEvent.click(playRow);
    expect(within(bar).getByRole('link', { name: 'Song 2' })).toBeTruthy();
    expect(within(panel).getAllByRole('listitem')[2]!.getAttribute('aria-current')).toBe('true');

    fireEvent.click(within(panel).getByRole('button', { name: 'Remove Song 0 from the queue' }));
    expect(within(panel).getAllByRole('listitem')).toHaveLength(2);
    expect(api().queue.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(within(bar).getByRole('link', { name: 'Song 2' })).toBeTruthy();

    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(within(bar).queryByRole('dialog', { name: 'Queue' })).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });

  it('opens the queue with Q, keeps Tab inside it, and Escape gives focus back', async () => {
    const { api, bar } = renderPlayer();
    act(() => api().playQueue(testTracks(2), 0));
    await settle();
    const toggle = within(bar).getByRole('button', { name: 'Queue (2)' });
    toggle.focus();
    fireEvent.keyDown(toggle, { key: 'q' });
    const panel = within(bar).getByRole('dialog', { name: 'Queue' });
    const close = within(panel).getByRole('button', { name: 'Close queue' });
    expect(document.activeElement).toBe(close);

    // Tab from the last control goes round to the first, Shift+Tab from the first to the last.
    const buttons = Array.from(panel.querySelectorAll<HTMLElement>('button'));
    const last = buttons[buttons.length - 1]!;
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);

    // Escape in a row's menu closes the menu, not the panel.
    const more = within(panel).getByRole('button', { name: 'More for Song 1' });
    fireEvent.click(more);
    const menu = within(panel).getByRole('menu');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(menu.isConnected).toBe(false);
    expect(within(bar).getByRole('dialog', { name: 'Queue' })).toBeTruthy();

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(within(bar).queryByRole('dialog', { name: 'Queue' })).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });

  it('switches autoplay off from the queue panel and remembers it', async () => {
    const { api, bar } = renderPlayer();
    act(() => api().playQueue(testTracks(2), 0));
    await settle();
    fireEvent.click(within(bar).getByRole('button', { name: 'Queue (2)' }));
    const autoplay = within(bar).getByRole('switch', { name: /Autoplay/ });
    expect(autoplay.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(autoplay);
    expect(autoplay.getAttribute('aria-checked')).toBe('false');
    expect(api().autoplay).toBe(false);
    expect(readSaved()?.autoplay).toBe(false);
  });

  it('switched off, autoplay takes the related tracks it queued out of the queue panel', async () => {
    // The last track of the listener's queue plays and autoplay queued two related ones after it.
    const [mine, ...related] = testTracks(3);
    const queued = reduceQueue(
      reduceQueue(EMPTY_QUEUE, { type: 'playQueue', tracks: [mine!], startIndex: 0 }),
      { type: 'autoplay', tracks: related },
    );
    writeSaved(toSaved(queued, 0));
    const { api, bar } = renderPlayer();
    fireEvent.click(within(bar).getByRole('button', { name: 'Queue (3)' }));
    const panel = within(bar).getByRole('dialog', { name: 'Queue' });
    expect(within(panel).getAllByText('· Autoplay')).toHaveLength(2);
    fireEvent.click(within(panel).getByRole('switch', { name: /Autoplay/ }));
    expect(api().queue.map((t) => t.title)).toEqual(['Song 0']);
    expect(within(panel).getAllByRole('listitem')).toHaveLength(1);
    expect(within(panel).queryByText('· Autoplay')).toBeNull();
    expect(readSaved()?.queue.map((t) => t.title)).toEqual(['Song 0']);
  });

  it('mutes and sets the volume on the audio element', async () => {
    const { bar, audio } = renderPlayer();
    const volume = within(bar).getByRole('slider', { name: 'Volume' });
    fireEvent.change(volume, { target: { value: '0.4' } });
    expect(audio.volume).toBeCloseTo(0.4);
    expect(volume.getAttribute('aria-valuetext')).toBe('40%');
    const mute = within(bar).getByRole('button', { name: 'Mute' });
    fireEvent.click(mute);
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    expect(audio.muted).toBe(true);
    expect(volume.getAttribute('aria-valuetext')).toBe('0%');
    fireEvent.click(mute);
    expect(audio.muted).toBe(false);
    expect(audio.volume).toBeCloseTo(0.4);
  });

  it('answers the keyboard on the page, but not in a text field', async () => {
    const { api, bar } = renderPlayer();
    act(() => api().playQueue(testTracks(3), 0));
    await settle();
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(api().playing).toBe(false);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(api().playing).toBe(true);
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(api().position).toBe(5);
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    expect(api().volume).toBeCloseTo(0.9);
    fireEvent.keyDown(document.body, { key: 'ArrowRight', shiftKey: true });
    expect(within(bar).getByRole('link', { name: 'Song 1' })).toBeTruthy();

    const input = document.createElement('input');
    document.body.append(input);
    fireEvent.keyDown(input, { key: ' ' });
    expect(api().playing).toBe(true);
    input.remove();
  });

  it('remembers the queue and restores it paused at the saved position', async () => {
    const tracks = testTracks(3);
    const first = renderPlayer();
    act(() => first.api().playQueue(tracks, 1));
    await settle();
    first.audio.currentTime = 62;
    first.fire('timeupdate');
    act(() => void window.dispatchEvent(new Event('pagehide')));
    expect(readSaved()).toMatchObject({ index: 1, position: 62 });
    expect(localStorage.getItem(PLAYER_KEY)).not.toContain('signature');

    // A reload: a new provider over the same storage.
    first.unmount();
    const loadSources = vi.fn(async (id: string) => [source(id, 'c')]);
    const { bar, audio, fire } = renderPlayer(loadSources);
    await settle();
    expect(within(bar).getByRole('link', { name: 'Song 1' })).toBeTruthy();
    expect(within(bar).getByRole('button', { name: 'Play' })).toBeTruthy();
    expect(within(bar).getByRole('slider', { name: 'Seek' }).getAttribute('aria-valuetext')).toBe(
      '1:02 of 3:00',
    );
    // Fresh sources, not the stored ones (their signatures expire).
    expect(loadSources).toHaveBeenCalledWith('t1', expect.any(AbortSignal), { again: true });
    expect(audio.src).toBe(source('t1', 'c'));
    expect(audio.paused).toBe(true);
    fire('loadedmetadata');
    expect(audio.currentTime).toBe(62);
    fireEvent.click(within(bar).getByRole('button', { name: 'Play' }));
    expect(audio.paused).toBe(false);
    expect(audio.currentTime).toBe(62);
  });

  it('ignores storage it cannot read', async () => {
    localStorage.setItem(PLAYER_KEY, '{"version":1,"queue":[{"id":3}],"index":0}');
    const { bar } = renderPlayer();
    await settle();
    expect(within(bar).getByText('Nothing playing')).toBeTruthy();
  });

  it('restores settings without a track', async () => {
    writeSaved(toSaved({ ...EMPTY_QUEUE, shuffle: true, repeat: 'all', volume: 0.3 }, 0));
    const { bar, audio, loadSources } = renderPlayer();
    await settle();
    expect(within(bar).getByRole('button', { name: 'Shuffle' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(within(bar).getByRole('button', { name: 'Repeat: all' })).toBeTruthy();
    expect(audio.volume).toBeCloseTo(0.3);
    expect(loadSources).not.toHaveBeenCalled();
  });

  it('says when a track cannot play and tries again on request', async () => {
    const loadSources = vi.fn(async (): Promise<string[]> => {
      throw new Error('offline');
    });
    const { api, bar } = renderPlayer(loadSources);
    act(() => api().playQueue(testTracks(2), 0));
    await settle();
    const alert = within(bar).getByRole('alert');
    expect(alert.textContent).toContain('cannot be played');
    expect(api().playing).toBe(false);
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(loadSources).toHaveBeenCalledTimes(2);
  });
});
