import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ShareButton } from './ShareButton.js';

const URL_ = 'http://127.0.0.1:4380/nightowl/midnight-chords';

describe('ShareButton', () => {
  it('copies the link and says so in a live region', async () => {
    const copy = vi.fn(() => Promise.resolve());
    render(<ShareButton url={URL_} copy={copy} />);
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    expect(copy).toHaveBeenCalledWith(URL_);
    await waitFor(() => expect(status.textContent).toBe('Copied'));
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('shows the link in a read-only field when the clipboard refuses', async () => {
    const copy = vi.fn(() => Promise.reject(new Error('NotAllowedError')));
    render(<ShareButton url={URL_} copy={copy} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const field = await screen.findByLabelText<HTMLInputElement>('Link to share');
    expect(field.value).toBe(URL_);
    expect(field.readOnly).toBe(true);
    expect(screen.getByRole('status').textContent).not.toBe('Copied');
  });
});
