// Test data for the account and upload pages.
import type { Track } from '@coliving/sdk';

/** A file of `size` bytes without allocating them (only `size` is read before uploading). */
export function fakeFile(name: string, type: string, size = 1024): File {
  const file = new File(['x'], name, { type });
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

/** The fields of a published track that the upload view reads. */
export function publishedTrack(overrides: Partial<Track> = {}): Track {
  return {
    id: '7eP5n',
    title: 'Midnight Chords',
    permalink: '/nightowl/midnight-chords',
    genre: 'Electronic',
    ...overrides,
  } as Track;
}
