import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SEARCH_DEBOUNCE_MS, SearchField } from './SearchField.js';

/** Moves the fake clock, letting React apply what the timers set. */
async function advance(ms: number) {
  await act(async () => {
    vi.advanceTimersByTime(ms);
  });
}

describe('SearchField', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('searches once typing pauses, with the last text only', async () => {
    const onSearch = vi.fn();
    render(<SearchField value="" onSearch={onSearch} />);
    const box = screen.getByRole('searchbox', { name: 'Search' });
    fireEvent.change(box, { target: { value: 'mid' } });
    await advance(SEARCH_DEBOUNCE_MS - 50);
    fireEvent.change(box, { target: { value: 'midnight' } });
    await advance(SEARCH_DEBOUNCE_MS - 1);
    expect(onSearch).not.toHaveBeenCalled();
    await advance(1);
    expect(onSearch).toHaveBeenCalledTimes(1);
    expect(onSearch).toHaveBeenCalledWith('midnight');
    await advance(SEARCH_DEBOUNCE_MS * 4);
    expect(onSearch).toHaveBeenCalledTimes(1);
  });

  it('searches at once on Enter and not again when the timer would have fired', async () => {
    const onSearch = vi.fn();
    render(<SearchField value="" onSearch={onSearch} />);
    const box = screen.getByRole('searchbox', { name: 'Search' });
    fireEvent.change(box, { target: { value: 'owl' } });
    fireEvent.submit(box.closest('form')!);
    expect(onSearch).toHaveBeenCalledWith('owl');
    await advance(SEARCH_DEBOUNCE_MS * 2);
    expect(onSearch).toHaveBeenCalledTimes(1);
  });

  it('takes on a query changed from outside (back/forward) without searching again', async () => {
    const onSearch = vi.fn();
    const { rerender } = render(<SearchField value="first" onSearch={onSearch} />);
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search' });
    expect(box.value).toBe('first');
    rerender(<SearchField value="second" onSearch={onSearch} />);
    expect(box.value).toBe('second');
    await advance(SEARCH_DEBOUNCE_MS * 2);
    expect(onSearch).not.toHaveBeenCalled();
  });
});
