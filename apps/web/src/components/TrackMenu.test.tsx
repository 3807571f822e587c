// The menu with the real provider, session and SDK (pointed at no node: nothing here reaches the
// network).
import { createColivingSdk } from '@coliving/sdk';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PlayerApi, usePlayer } from '../player/PlayerContext.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { testTrack, testTracks } from '../player/testTracks.js';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import { TrackMenu } from './TrackMenu.js';

function renderMenu() {
  const sdk = createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] });
  const player: { api: PlayerApi | null } = { api: null };
  function Capture() {
    player.api = usePlayer();
    return null;
  }
  render(
    <SdkContext.Provider value={sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={async (id) => [`http://a.test/${id}`]}>
          <Capture />
          <TrackMenu track={testTrack(9)} />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
  return { api: () => player.api! };
}

const focused = () => document.activeElement?.textContent;

afterEach(() => localStorage.clear());

describe('TrackMenu', () => {
  it('opens from the keyboard and moves with the arrows, Home and End; Escape closes it', () => {
    renderMenu();
    const button = screen.getByRole('button', { name: 'More for Song 9' });
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    expect(button.getAttribute('aria-expanded')).toBe('false');

    fireEvent.keyDown(button, { key: 'ArrowDown' });
    const menu = screen.getByRole('menu');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.getAttribute('aria-controls')).toBe(menu.id);
    expect(focused()).toBe('Play next');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(focused()).toBe('Add to queue');
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(focused()).toBe('Add to playlist…'); // no "Edit track": not the owner
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(focused()).toBe('Play next'); // wraps
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(focused()).toBe('Add to playlist…');
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(focused()).toBe('Play next');

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);

    fireEvent.keyDown(button, { key: 'ArrowUp' });
    expect(focused()).toBe('Add to playlist…');
  });

  it('plays next and adds to the queue', () => {
    const { api } = renderMenu();
    act(() => api().playQueue(testTracks(3), 0));
    const button = screen.getByRole('button', { name: 'More for Song 9' });
    fireEvent.click(button);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Play next' }));
    expect(api().queue.map((t) => t.id)).toEqual(['t0', 't9', 't1', 't2']);
    expect(screen.getByRole('status').textContent).toBe('“Song 9” plays next.');
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Add to queue' }));
    expect(api().queue.map((t) => t.id)).toEqual(['t0', 't9', 't1', 't2', 't9']);
    expect(screen.getByRole('status').textContent).toBe('Added “Song 9” to the queue.');
  });

  it('says what it did for a few seconds, then nothing', () => {
    vi.useFakeTimers();
    try {
      renderMenu();
      fireEvent.click(screen.getByRole('button', { name: 'More for Song 9' }));
      fireEvent.click(screen.getByRole('menuitem', { name: 'Add to queue' }));
      expect(screen.getByRole('status').textContent).toBe('Added “Song 9” to the queue.');
      act(() => {
        vi.advanceTimersByTime(2900);
      });
      expect(screen.queryByRole('status')).not.toBeNull();
      act(() => {
        vi.advanceTimersByTime(200);
      });
      expect(screen.queryByRole('status')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
