import { isReservedHandle } from '@coliving/protocol';
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXED, matchRoute } from './App.js';
import { useLocation } from './router.js';

describe('matchRoute: browse pages', () => {
  it('routes genres, moods and new releases, and no handle can take their place', () => {
    const genre = matchRoute('/genre/Hip-Hop%2FRap');
    expect(genre.params).toEqual({ kind: 'genre', name: 'Hip-Hop%2FRap' });
    expect(matchRoute('/mood/Peaceful')).toEqual({
      page: genre.page,
      params: { kind: 'mood', name: 'Peaceful' },
    });
    // The router hands matchRoute the decoded path: a genre with a slash in its name is still
    // one genre page, not a page that is not found.
    window.history.pushState({}, '', '/genre/Hip-Hop%2FRap');
    const { result } = renderHook(() => useLocation());
    expect(matchRoute(result.current.path)).toEqual({
      page: genre.page,
      params: { kind: 'genre', name: 'Hip-Hop/Rap' },
    });
    // A landlord's track whose slug is "genre" is still a track page.
    expect(matchRoute('/someone/genre').params).toEqual({ handle: 'someone', slug: 'genre' });
    expect(matchRoute('/genres').params).toEqual({});
    expect(matchRoute('/new-releases').params).toEqual({});
    for (const word of ['genre', 'genres', 'mood', 'moods'])
      expect(isReservedHandle(word)).toBe(true);
  });
});

describe('matchRoute: fixed pages', () => {
  it('are all at paths no handle can take', () => {
    // A user whose handle is a fixed page's first segment would have track pages hidden behind
    // it (/oauth/auth is the consent page, not @oauth's track "auth"). Handles have no "-".
    const firsts = new Set(
      Object.keys(FIXED)
        .map((path) => path.split('/')[1]!)
        .filter((word) => word !== '' && !word.includes('-')),
    );
    expect(firsts).toContain('oauth');
    for (const word of firsts) expect(isReservedHandle(word), word).toBe(true);
    expect(matchRoute('/oauth/auth').page).toBe(FIXED['/oauth/auth']);
  });
});
