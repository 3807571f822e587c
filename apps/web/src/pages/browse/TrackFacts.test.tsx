import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TrackFacts, splitTags } from './TrackFacts.js';
import { trackFixture } from './fixtures.js';

describe('TrackFacts', () => {
  it('links the genre and mood to their pages and each tag to a search', () => {
    render(<TrackFacts track={trackFixture({ genre: 'Hip-Hop/Rap' })} />);
    expect(screen.getByRole('link', { name: 'Hip-Hop/Rap' }).getAttribute('href')).toBe(
      '/genre/Hip-Hop%2FRap',
    );
    expect(screen.getByRole('link', { name: 'Peaceful' }).getAttribute('href')).toBe(
      '/mood/Peaceful',
    );
    expect(screen.getByRole('link', { name: '#synth' }).getAttribute('href')).toBe(
      '/search?q=synth',
    );
    expect(screen.getByRole('link', { name: '#night' })).toBeTruthy();
    expect(screen.getByText('Peaceful')).toBeTruthy();
    expect(screen.getByText('3:07')).toBeTruthy();
    expect(document.querySelector('time')?.getAttribute('datetime')).toBe('2025-03-04T12:00:00Z');
  });

  it('leaves out what the landlord chose to hide', () => {
    const track = trackFixture();
    render(
      <TrackFacts
        track={{
          ...track,
          field_visibility: { ...track.field_visibility, genre: false, mood: false, tags: false },
        }}
      />,
    );
    expect(screen.queryByText('Genre')).toBeNull();
    expect(screen.queryByText('Peaceful')).toBeNull();
    expect(screen.queryByRole('link', { name: '#synth' })).toBeNull();
    expect(screen.getByText('Length')).toBeTruthy();
  });
});

describe('splitTags', () => {
  it('drops blanks and repeats', () => {
    expect(splitTags(' synth, ,night,synth ')).toEqual(['synth', 'night']);
    expect(splitTags(null)).toEqual([]);
  });
});
