import { describe, expect, it } from 'vitest';
import { UPLOAD_ERROR_WORDS } from '../pages/account/uploadProgress.js';
import { albumFailureWords } from './AlbumUpload.js';

describe('albumFailureWords', () => {
  it('names the file that stopped the album and the tracks published before it', () => {
    expect(
      albumFailureWords({
        failed: { title: 'Notes', fileName: 'notes.mp3' },
        why: UPLOAD_ERROR_WORDS.not_audio!,
        published: ['Harbor Lights'],
      }),
    ).toBe(
      "“Notes” (notes.mp3): This file isn't audio we can read. Choose an MP3, WAV, FLAC, AIFF, OGG or M4A file. " +
        'The album was not made. This track was published and is on your profile: “Harbor Lights”.',
    );
    expect(
      albumFailureWords({
        failed: { title: 'Night Ferry', fileName: 'c.wav' },
        why: UPLOAD_ERROR_WORDS.transcode_failed!,
        published: ['Harbor Lights', 'Tidal Drift'],
      }),
    ).toMatch(
      /^“Night Ferry” \(c\.wav\): We couldn't process this file\. .* The album was not made\. These 2 tracks were published and are on your profile: “Harbor Lights”, “Tidal Drift”\.$/,
    );
  });

  it('says nothing was published when the first file stops it, and never says both', () => {
    const words = albumFailureWords({
      failed: { title: 'Harbor Lights', fileName: 'a.mp3' },
      why: UPLOAD_ERROR_WORDS.not_audio!,
      published: [],
    });
    expect(words).toMatch(/The album was not made\. Nothing was published\.$/);
    expect(words.match(/Nothing was published/g)).toHaveLength(1);
  });

  it('when making the album itself fails, names no file', () => {
    expect(albumFailureWords({ failed: null, why: 'Cancelled.', published: ['A', 'B', 'C'] })).toBe(
      'Cancelled. The album was not made. These 3 tracks were published and are on your profile: “A”, “B”, “C”.',
    );
  });
});
