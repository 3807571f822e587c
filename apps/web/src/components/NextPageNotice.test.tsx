// The line a delete leaves for the page it lands on: said there once, dropped by any other page
// and when the navigation never came.
import { cleanup, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NextPageNotice, sayOnPage } from './NextPageNotice.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('NextPageNotice', () => {
  it('says the notice on the page it names, in strict mode too, and not on the next page', () => {
    sayOnPage('/nightowl', 'Deleted “Packed Tone”.');
    render(
      <StrictMode>
        <NextPageNotice path="/nightowl" />
      </StrictMode>,
    );
    expect(screen.getByRole('status').textContent).toBe('Deleted “Packed Tone”.');
    cleanup();
    render(<NextPageNotice path="/nightowl/packed-tone" />);
    expect(screen.queryByRole('status')).toBeNull();
    cleanup();
    render(<NextPageNotice path="/nightowl" />);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('drops a notice whose page did not come within ten seconds', () => {
    vi.useFakeTimers();
    sayOnPage('/library', 'Deleted “Night mix”.');
    vi.advanceTimersByTime(11_000);
    render(<NextPageNotice path="/library" />);
    expect(screen.queryByRole('status')).toBeNull();
  });
});
