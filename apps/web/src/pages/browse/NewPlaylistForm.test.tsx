import type { Playlist } from '@coliving/sdk';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { NewPlaylistForm } from './NewPlaylistForm.js';
import { playlistFixture } from './fixtures.js';

describe('NewPlaylistForm', () => {
  it('creates a playlist with the trimmed name and links to it', async () => {
    let finish!: (p: Playlist) => void;
    const onCreate = vi.fn(() => new Promise<Playlist>((resolve) => (finish = resolve)));
    render(<NewPlaylistForm onCreate={onCreate} />);
    const create = screen.getByRole('button', { name: 'Create playlist' });
    expect(create.hasAttribute('disabled')).toBe(true);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '  Late Night  ' } });
    fireEvent.click(create);
    expect(onCreate).toHaveBeenCalledWith('Late Night');
    expect(screen.getByRole('status').textContent).toBe('Creating your playlist…');
    expect(screen.getByRole('button', { name: 'Creating…' }).hasAttribute('disabled')).toBe(true);
    await act(async () => finish(playlistFixture()));
    expect(screen.getByRole('link', { name: 'Late Night' }).getAttribute('href')).toBe(
      '/nightowl/playlist/late-night',
    );
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('');
  });

  it('keeps the name and says why when creating fails', async () => {
    const onCreate = vi.fn(() =>
      Promise.reject(Object.assign(new Error('No account'), { type: 'unauthorized' })),
    );
    render(<NewPlaylistForm onCreate={onCreate} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Mix' } });
    await act(async () => fireEvent.submit(screen.getByLabelText('Name').closest('form')!));
    expect(screen.getByRole('alert').textContent).toBe('No account');
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('Mix');
  });
});
