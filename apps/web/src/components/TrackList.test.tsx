// A track row's play button says what it does in words its visible text is part of (WCAG 2.5.3,
// label in name; axe-core's label-content-name-mismatch): the row's position is shown beside it.
import { createColivingSdk } from '@coliving/sdk';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PlayerProvider } from '../player/PlayerProvider.js';
import { testTracks } from '../player/testTracks.js';
import { SdkContext } from '../sdk.js';
import { SessionProvider } from '../session.js';
import { TrackList } from './TrackList.js';

function renderList() {
  const sdk = createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] });
  return render(
    <SdkContext.Provider value={sdk}>
      <SessionProvider>
        <PlayerProvider loadSources={async () => []}>
          <TrackList tracks={testTracks(3)} label="Chart" />
        </PlayerProvider>
      </SessionProvider>
    </SdkContext.Provider>,
  );
}

/** The words a sighted user sees in `el` (text that is not an icon: ▶ and ❚❚ are symbols). */
const visibleWords = (el: Element) => (el.textContent ?? '').replace(/[▶❚]/g, '').trim();

describe('a track row', () => {
  it('shows its position outside its play button, whose visible text is only ▶ or ❚❚', () => {
    renderList();
    const rows = within(screen.getByRole('list', { name: 'Chart' })).getAllByRole('listitem');
    const second = rows[1]!;
    const play = within(second).getByRole('button', { name: 'Play Song 1' });
    expect(play.textContent).toBe('▶');
    expect(visibleWords(play)).toBe('');
    const position = second.querySelector('.track-number')!;
    expect(position.textContent).toBe('2');
    expect(position.getAttribute('aria-hidden')).toBe('true');
    expect(play.contains(position)).toBe(false);
    fireEvent.click(play);
    const pause = within(second).getByRole('button', { name: 'Pause Song 1' });
    expect(pause.textContent).toBe('❚❚');
  });
});
