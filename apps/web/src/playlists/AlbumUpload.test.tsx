// The album upload form's file choice: a button and a count of the files chosen, not the
// browser's bare input (which says "No file chosen" while files are listed), and a title field
// per track. Nothing here reaches a node: only choosing files is exercised.
import { type User, createColivingSdk } from '@coliving/sdk';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SdkContext } from '../sdk.js';
import { AlbumUpload } from './AlbumUpload.js';

const user = { id: 'u1', handle: 'lunar_tides', name: 'Lunar Tides' } as User;
const audio = (name: string) => new File([new Uint8Array(16)], name, { type: 'audio/mpeg' });

describe('AlbumUpload', () => {
  it('says how many files are chosen and lists each with its own title field', () => {
    render(
      <SdkContext.Provider value={createColivingSdk({ discoveryNodes: ['http://127.0.0.1:9'] })}>
        <AlbumUpload user={user} />
      </SdkContext.Provider>,
    );
    expect(screen.getByRole('button', { name: 'Choose audio files' })).toBeTruthy();
    expect(screen.getByText(/^None chosen yet/)).toBeTruthy();
    const input = screen.getByLabelText<HTMLInputElement>('Audio files (choose several)');
    expect(input.className).toBe('visually-hidden');

    fireEvent.change(input, { target: { files: [audio('first_light.mp3'), audio('dusk.mp3')] } });
    const more = screen.getByRole('button', { name: 'Add more files' });
    expect(more.getAttribute('aria-describedby')).toBe('album-files-chosen');
    expect(document.getElementById('album-files-chosen')!.textContent).toBe(
      '2 files chosen, listed below in album order.',
    );
    const list = screen.getByRole('list', { name: 'Album tracks' });
    expect(
      within(list)
        .getAllByRole('textbox')
        .map((t) => (t as HTMLInputElement).value),
    ).toEqual(['first light', 'dusk']);
    expect(screen.getByLabelText('Artwork')).toBeTruthy();
  });
});
