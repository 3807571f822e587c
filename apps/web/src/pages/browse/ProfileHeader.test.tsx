import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ProfileHeader, safeWebsite } from './ProfileHeader.js';
import { userFixture } from './fixtures.js';
import type { ToggleState } from './useOptimisticToggle.js';
import type { Viewer } from './useViewer.js';

function followState(overrides: Partial<ToggleState> = {}): ToggleState {
  return { on: false, count: 1234, pending: false, error: null, toggle: vi.fn(), ...overrides };
}

const other: Viewer = { kind: 'user', userId: 'aB3x9', handle: 'daybird' };

describe('ProfileHeader', () => {
  it('shows the names, bio and counts, with the follower count from the follow state', () => {
    render(
      <ProfileHeader user={userFixture()} viewer={other} follow={followState({ count: 1235 })} />,
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Night Owl' })).toBeTruthy();
    expect(screen.getByText('@nightowl')).toBeTruthy();
    expect(screen.getByText('Synth chords after midnight')).toBeTruthy();
    const counts = screen.getByLabelText('Counts');
    const values = within(counts)
      .getAllByRole('definition')
      .map((dd) => dd.textContent);
    const terms = within(counts)
      .getAllByRole('term')
      .map((dt) => dt.textContent);
    expect(terms).toEqual(['Followers', 'Following', 'Tracks']);
    expect(values).toEqual(['1.2K', '56', '12']);
    const website = screen.getByRole('link', { name: 'https://nightowl.example' });
    expect(website.getAttribute('href')).toBe('https://nightowl.example/');
  });

  it('offers Follow to another signed-in user and calls toggle', () => {
    const follow = followState();
    render(<ProfileHeader user={userFixture()} viewer={other} follow={follow} />);
    fireEvent.click(screen.getByRole('button', { name: 'Follow Night Owl' }));
    expect(follow.toggle).toHaveBeenCalledTimes(1);
  });

  it('offers Unfollow when already following', () => {
    render(
      <ProfileHeader user={userFixture()} viewer={other} follow={followState({ on: true })} />,
    );
    expect(screen.getByRole('button', { name: 'Unfollow Night Owl' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Follow Night Owl' })).toBeNull();
  });

  it('shows why a follow failed', () => {
    const error = { type: 'rate_limited' };
    render(<ProfileHeader user={userFixture()} viewer={other} follow={followState({ error })} />);
    expect(screen.getByRole('alert').textContent).toMatch(/Too many actions/);
  });

  it('sends an anonymous viewer to log in, and one without a profile to sign up', () => {
    const { unmount } = render(
      <ProfileHeader user={userFixture()} viewer={{ kind: 'anonymous' }} follow={followState()} />,
    );
    expect(screen.getByRole('link', { name: 'Follow Night Owl' }).getAttribute('href')).toBe(
      '/login',
    );
    expect(screen.queryByRole('button', { name: /Follow/ })).toBeNull();
    unmount();
    render(
      <ProfileHeader user={userFixture()} viewer={{ kind: 'no-profile' }} follow={followState()} />,
    );
    expect(screen.getByRole('link', { name: 'Follow Night Owl' }).getAttribute('href')).toBe(
      '/signup',
    );
  });

  it('shows Edit profile instead of Follow on your own profile', () => {
    const self: Viewer = { kind: 'user', userId: '7eP5n', handle: 'NightOwl' };
    render(<ProfileHeader user={userFixture()} viewer={self} follow={followState()} />);
    expect(screen.getByRole('link', { name: 'Edit profile' }).getAttribute('href')).toBe(
      '/settings',
    );
    expect(screen.queryByRole('button', { name: /follow/i })).toBeNull();
    expect(screen.queryByRole('link', { name: /follow/i })).toBeNull();
  });
});

describe('safeWebsite', () => {
  it('links http(s) sites, adds a missing scheme and refuses other schemes', () => {
    expect(safeWebsite('nightowl.example')).toBe('https://nightowl.example/');
    expect(safeWebsite('http://a.example/x')).toBe('http://a.example/x');
    expect(safeWebsite('javascript:alert(1)')).toBeNull();
    expect(safeWebsite('')).toBeNull();
    expect(safeWebsite(null)).toBeNull();
  });
});
