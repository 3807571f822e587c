import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeHashId, parseEntityMetadata } from '@coliving/protocol';
import { toEntityId } from './context.js';
import { ColivingSdkError, isColivingSdkError } from './errors.js';
import {
  playlistContents,
  toPlaylistMetadata,
  toTrackMetadata,
  toUserMetadata,
} from './metadata.js';

const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

describe('ids', () => {
  it('reads hashids and plain numbers, and refuses anything else as invalid_input', () => {
    assert.equal(toEntityId('7eP5n'), 1);
    assert.equal(toEntityId('ML51L'), 2);
    assert.equal(toEntityId('eYorL'), 44);
    assert.equal(toEntityId('44'), 44);
    assert.equal(toEntityId(encodeHashId(987_654_321)), 987_654_321);
    for (const bad of ['', 'not an id!', '007', 'x'.repeat(40)]) {
      assert.throws(
        () => toEntityId(bad, 'track id'),
        (e: unknown) =>
          e instanceof ColivingSdkError && e.type === 'invalid_input' && e.code === 'invalid_id',
        bad,
      );
    }
  });
});

describe('metadata', () => {
  it('writes a track as the indexer reads it, ids as numbers', () => {
    const data = toTrackMetadata({
      title: 'Midnight Chords',
      genre: 'Electronic',
      mood: 'Peaceful',
      tags: 'synth,night',
      releaseDate: new Date('2030-01-02T03:04:05.000Z'),
      isUnlisted: false,
      fieldVisibility: { playCount: false, mood: true },
      remixOf: ['7eP5n'],
      streamConditions: { followUserId: 'ML51L' },
      previewStartSeconds: 30,
      trackCid: CID,
      duration: 12.5,
      coverArtCid: CID,
    });
    assert.deepEqual(data, {
      title: 'Midnight Chords',
      genre: 'Electronic',
      mood: 'Peaceful',
      tags: 'synth,night',
      is_unlisted: false,
      preview_start_seconds: 30,
      track_cid: CID,
      duration: 12.5,
      cover_art_sizes: CID,
      release_date: '2030-01-02T03:04:05.000Z',
      field_visibility: { play_count: false, mood: true },
      remix_of: { tracks: [{ parent_track_id: 1 }] },
      stream_conditions: { follow_user_id: 2 },
    });
    const parsed = parseEntityMetadata('Track', 'Create', JSON.stringify({ cid: '', data }));
    assert.deepEqual(parsed.data, data);
  });

  it('clears fields with null in updates', () => {
    const data = toTrackMetadata({ description: null, streamConditions: null, title: 'New' });
    assert.deepEqual(data, { description: null, stream_conditions: null, title: 'New' });
    parseEntityMetadata('Track', 'Update', JSON.stringify({ cid: '', data }));
  });

  it('writes users and playlists', () => {
    assert.deepEqual(
      toUserMetadata({
        handle: 'nightowl',
        name: 'Night Owl',
        bio: null,
        profilePictureCid: CID,
        artistPickTrackId: '7eP5n',
      }),
      {
        handle: 'nightowl',
        name: 'Night Owl',
        bio: null,
        profile_picture_sizes: CID,
        artist_pick_track_id: 1,
      },
    );
    assert.deepEqual(
      toPlaylistMetadata({
        name: 'Late',
        isAlbum: true,
        artworkCid: CID,
        streamConditions: { purchase: { price: 10n ** 18n, splits: [] } },
      }),
      {
        playlist_name: 'Late',
        is_album: true,
        playlist_image_sizes_multihash: CID,
        // No splits: all to the owner.
        stream_conditions: { dgco_purchase: { price: '1000000000000000000' } },
      },
    );
  });

  it('takes a price in DGCO or wei and splits by user id and percentage', () => {
    assert.deepEqual(
      toTrackMetadata({
        streamConditions: {
          purchase: {
            price: '2.5',
            splits: [
              { userId: '7eP5n', percentage: 12.5 },
              { userId: 'ML51L', percentage: 87.5 },
            ],
          },
        },
        downloadConditions: { purchase: { price: 7n } },
      }),
      {
        stream_conditions: {
          dgco_purchase: {
            price: '2500000000000000000',
            splits: [
              { user_id: 1, percentage: 12.5 },
              { user_id: 2, percentage: 87.5 },
            ],
          },
        },
        download_conditions: { dgco_purchase: { price: '7' } },
      },
    );
    for (const price of ['0', '-1', '1.0000000000000000001', 'abc', 0n]) {
      assert.throws(
        () => toTrackMetadata({ streamConditions: { purchase: { price } } }),
        (error: unknown) => isColivingSdkError(error, 'invalid_input'),
        String(price),
      );
    }
  });

  it('keeps the time a kept track was added and stamps new ones now', () => {
    const current = [
      { track_id: '7eP5n', timestamp: 100, metadata_timestamp: 100 },
      { track_id: 'ML51L', timestamp: 200, metadata_timestamp: 200 },
    ];
    assert.deepEqual(playlistContents(['ML51L', 'eYorL', '7eP5n'], current, 999), {
      track_ids: [
        { track: 2, time: 200 },
        { track: 44, time: 999 },
        { track: 1, time: 100 },
      ],
    });
  });
});
