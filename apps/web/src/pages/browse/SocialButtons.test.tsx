import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SocialButtons } from './SocialButtons.js';
import { trackFixture } from './fixtures.js';
import { useOptimisticToggle } from './useOptimisticToggle.js';
import type { Viewer } from './useViewer.js';

type Commit = (on: boolean) => Promise<{ on: boolean; count: number }>;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function Harness({ viewer, commit }: { viewer: Viewer; commit: Commit }) {
  const track = trackFixture();
  const favorite = useOptimisticToggle(track.has_current_user_saved, track.favorite_count, commit);
  const repost = useOptimisticToggle(track.has_current_user_reposted, track.repost_count, commit);
  return (
    <>
      <SocialButtons viewer={viewer} favorite={favorite} repost={repost} />
      <span data-testid="favorites">{favorite.count}</span>
    </>
  );
}

const me: Viewer = { kind: 'user', userId: 'aB3x9', handle: 'daybird' };

describe('SocialButtons', () => {
  it('favorites at once, settles on what the network answers, and ignores clicks meanwhile', async () => {
    const write = deferred<{ on: boolean; count: number }>();
    const commit = vi.fn<Commit>(() => write.promise);
    render(<Harness viewer={me} commit={commit} />);
    const button = screen.getByRole('button', { name: 'Favorite' });
    expect(button.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(button);
    expect(commit).toHaveBeenCalledWith(true);
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.textContent).toContain('Unfavorite');
    expect(screen.getByTestId('favorites').textContent).toBe('43');
    fireEvent.click(button);
    expect(commit).toHaveBeenCalledTimes(1);
    await act(async () => write.resolve({ on: true, count: 50 }));
    expect(screen.getByTestId('favorites').textContent).toBe('50');
    expect(button.getAttribute('aria-busy')).toBeNull();
    expect(screen.getByRole('button', { name: 'Unfavorite' })).toBe(button);
  });

  it('goes back and says why when the write fails', async () => {
    const write = deferred<{ on: boolean; count: number }>();
    render(<Harness viewer={me} commit={() => write.promise} />);
    fireEvent.click(screen.getByRole('button', { name: 'Repost' }));
    expect(screen.getByRole('button', { name: 'Unrepost' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await act(async () => write.reject({ type: 'network' }));
    const button = screen.getByRole('button', { name: 'Repost' });
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('status').textContent).toBe('The network cannot be reached right now.');
  });

  it('tells an anonymous viewer to log in and writes nothing', () => {
    const commit = vi.fn<Commit>();
    render(<Harness viewer={{ kind: 'anonymous' }} commit={commit} />);
    fireEvent.click(screen.getByRole('button', { name: 'Favorite' }));
    expect(commit).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Favorite' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    expect(screen.getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe('/login');
  });

  it('sends a wallet without a profile to create one', () => {
    render(<Harness viewer={{ kind: 'no-profile' }} commit={vi.fn<Commit>()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Repost' }));
    expect(screen.getByRole('link', { name: 'Create your profile' }).getAttribute('href')).toBe(
      '/signup',
    );
  });
});
