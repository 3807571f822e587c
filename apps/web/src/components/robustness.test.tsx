import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { matchRoute } from '../App.js';
import { useLocation } from '../router.js';
import { Artwork, mirrorUrls } from './Artwork.js';
import { PageErrorBoundary } from './PageErrorBoundary.js';
import { parseSaved, toSaved } from '../player/persist.js';
import { EMPTY_QUEUE } from '../player/queue.js';
import { testTrack } from '../player/testTracks.js';

function ShowPath() {
  return <p>{useLocation().path}</p>;
}

describe('what a bad URL, image or page does', () => {
  it('a malformed escape in the path is shown as typed, not a crash', () => {
    window.history.replaceState(null, '', '/50%off');
    render(<ShowPath />);
    expect(screen.getByText('/50%off')).toBeTruthy();
    expect(matchRoute('/50%off/a/b/c').page).toBe(matchRoute('/x/y/z/w').page);
  });

  it('mirrors of a relative or malformed image URL are none, and junk mirrors are dropped', () => {
    expect(mirrorUrls('/content/x/150x150.jpg', ['http://b'])).toEqual([]);
    expect(mirrorUrls('http://a/content/x/150x150.jpg', ['http://b/', 7, null])).toEqual([
      'http://b/content/x/150x150.jpg',
    ]);
    render(
      <Artwork
        image={{ '150x150': '/relative.jpg', mirrors: 'nope' as unknown as string[] }}
        size="150x150"
        alt="cover"
      />,
    );
    expect(screen.getByAltText('cover').getAttribute('src')).toBe('/relative.jpg');
  });

  it('a saved queue whose artwork is not an image object is not restored', () => {
    const track = testTrack(1);
    const saved = toSaved({ ...EMPTY_QUEUE, queue: [track], index: 0, order: [0] }, 12);
    expect(parseSaved(JSON.stringify(saved))).not.toBeNull();
    const broken = { ...saved, queue: [{ ...track, artwork: 'http://x/a.jpg' }] };
    expect(parseSaved(JSON.stringify(broken))).toBeNull();
  });

  it('a page that throws shows a message with a reload, and its siblings stay', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken = () => {
      throw new Error('chunk failed');
    };
    render(
      <div>
        <nav>still here</nav>
        <PageErrorBoundary>
          <Broken />
        </PageErrorBoundary>
      </div>,
    );
    expect(screen.getByRole('alert').textContent).toContain('could not be shown');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(screen.getByText('still here')).toBeTruthy();
    quiet.mockRestore();
  });
});
