// Play counts where a track or a playlist appears: a row, a card; hidden where the landlord hid it.
import { createColivingSdk } from '@coliving/sdk';
import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { PlaylistGrid } from '../pages/browse/PlaylistGrid.js';
import { playlistFixture, trackFixture } from '../pages/browse/fixtures.js';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import { TrackList, playsInWords } from './TrackList.js';

function withPlayer(children: ReactNode) {
  const sdk = createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] });
  return render(
    <SdkContext.Provider value={sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={async () => []}>{children}</PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

describe('play counts', () => {
  it('a track row shows its plays, shortened on screen and exact in its title', () => {
    withPlayer(<TrackList tracks={[trackFixture({ play_count: 15320 })]} label="Chart" />);
    const row = within(screen.getByRole('list', { name: 'Chart' })).getByRole('listitem');
    const plays = row.querySelector('.track-plays')!;
    expect(plays.textContent).toBe('15K plays');
    expect(plays.getAttribute('title')).toBe(playsInWords(15320));
  });

  it('a row leaves out the plays of a track whose landlord hid them', () => {
    const track = trackFixture({ play_count: 99 });
    const hidden = { ...track, field_visibility: { ...track.field_visibility, play_count: false } };
    withPlayer(<TrackList tracks={[hidden]} label="Chart" />);
    const row = within(screen.getByRole('list', { name: 'Chart' })).getByRole('listitem');
    expect(row.textContent).not.toContain('99');
    expect(row.querySelector('.track-plays')!.getAttribute('title')).toBeNull();
  });

  it('a playlist card shows the plays of its tracks together', () => {
    render(<PlaylistGrid playlists={[playlistFixture({ total_play_count: 1 })]} label="Mine" />);
    expect(screen.getByText('1 play')).toBeTruthy();
  });

  it('counts read as words, and a missing count as none', () => {
    expect(playsInWords(0)).toBe('0 plays');
    expect(playsInWords(Number.NaN)).toBe('0 plays');
  });
});
