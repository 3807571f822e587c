// Playing from a list queues the rest of it, so Next goes on: the real provider and player bar,
// with only the audio sources the test's own (happy-dom's <audio> fetches nothing).
import { createColivingSdk, type Track } from '@coliving/sdk';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackList } from '../components/TrackList.js';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import { PlayerBar } from './PlayerBar.js';
import { type PlayerApi, usePlayer } from './PlayerContext.js';
import { PlayerProvider } from './PlayerProvider.js';
import { testTrack, testTracks } from './testTracks.js';
import { usePlayWithRest } from './usePlayWithRest.js';

function PlayButton({ track, rest }: { track: Track; rest: Track[] | null }) {
  const play = usePlayWithRest(track, rest);
  return (
    <button type="button" onClick={play}>
      Play {track.title}
    </button>
  );
}

function renderWith(children: React.ReactNode) {
  const sdk = createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] });
  const player: { api: PlayerApi | null } = { api: null };
  function Capture() {
    player.api = usePlayer();
    return null;
  }
  const loadSources = async (id: string) => [`http://a.test/tracks/stream/${id}?signature=x`];
  const view = render(
    <SdkContext.Provider value={sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={loadSources}>
          <Capture />
          {children}
          <PlayerBar />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
  const ids = () => player.api!.queue.map((t) => t.id);
  const current = () => player.api!.current?.id;
  return { ...view, ids, current, api: () => player.api! };
}

afterEach(() => localStorage.clear());

describe('playing from a list', () => {
  it('a track page queues the landlord’s other tracks after the track, and Next plays them', () => {
    const track = testTrack(9);
    const { ids, current } = renderWith(<PlayButton track={track} rest={testTracks(3)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 9' }));
    expect(ids()).toEqual(['t9', 't0', 't1', 't2']);
    expect(current()).toBe('t9');
    const bar = screen.getByRole('region', { name: 'Player' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Next track' }));
    expect(current()).toBe('t0');
  });

  it('the track itself is not queued twice when the rest names it', () => {
    const { ids } = renderWith(<PlayButton track={testTrack(1)} rest={testTracks(3)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 1' }));
    expect(ids()).toEqual(['t1', 't0', 't2']);
  });

  it('a rest still loading is queued when it arrives', () => {
    const arrive: { set?: (rest: Track[]) => void } = {};
    function Loading() {
      const [rest, setRest] = useState<Track[] | null>(null);
      arrive.set = setRest;
      return <PlayButton track={testTrack(9)} rest={rest} />;
    }
    const { ids, current } = renderWith(<Loading />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 9' }));
    expect(ids()).toEqual(['t9']);
    act(() => arrive.set!(testTracks(2)));
    expect(ids()).toEqual(['t9', 't0', 't1']);
    expect(current()).toBe('t9');
  });

  it('a rest that arrives after the listener queued something else leaves their queue alone', () => {
    const arrive: { set?: (rest: Track[]) => void } = {};
    function Loading() {
      const [rest, setRest] = useState<Track[] | null>(null);
      arrive.set = setRest;
      return <PlayButton track={testTrack(9)} rest={rest} />;
    }
    const { ids, api } = renderWith(<Loading />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 9' }));
    act(() => api().playQueue([testTrack(5), testTrack(6)], 0));
    act(() => arrive.set!(testTracks(2)));
    expect(ids()).toEqual(['t5', 't6']);
  });

  it('a row of a list queues the whole list from that row, and Next plays the row after', () => {
    const { ids, current } = renderWith(<TrackList tracks={testTracks(4)} label="Chart" />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 1' }));
    expect(ids()).toEqual(['t0', 't1', 't2', 't3']);
    expect(current()).toBe('t1');
    const bar = screen.getByRole('region', { name: 'Player' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Next track' }));
    expect(current()).toBe('t2');
  });

  it('the paused current track’s row in another list plays that list on, from where it was', () => {
    // A chart was playing (or a reload restored its queue, paused); on a profile that lists the
    // same track, its row's Play queues the profile, so Next follows the profile, not the chart.
    const chart = [testTrack(7), testTrack(1), testTrack(8)];
    const profile = [testTrack(0), testTrack(1), testTrack(2)];
    const { ids, current, api } = renderWith(<TrackList tracks={profile} label="Tracks by" />);
    act(() => api().playQueue(chart, 1));
    act(() => api().pause());
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 1' }));
    expect(ids()).toEqual(['t0', 't1', 't2']);
    expect(current()).toBe('t1');
    expect(api().playing).toBe(true);
    const bar = screen.getByRole('region', { name: 'Player' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Next track' }));
    expect(current()).toBe('t2');
  });

  it('the current track’s row pauses it, and resumes it in the same list', () => {
    const { ids, current, api } = renderWith(<TrackList tracks={testTracks(3)} label="Chart" />);
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Pause Song 1' }));
    expect(api().playing).toBe(false);
    const started = api();
    fireEvent.click(screen.getByRole('button', { name: 'Play Song 1' }));
    expect(api().playing).toBe(true);
    expect(ids()).toEqual(['t0', 't1', 't2']);
    expect(current()).toBe('t1');
    // a resume, not a new start of the track
    expect(api().queue).toBe(started.queue);
  });
});
