import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from './errors.js';
import { MAX_METADATA_BYTES, MAX_PLAYLIST_TRACKS } from './limits.js';
import {
  encodeEntityMetadata,
  metadataJsonSchemas,
  parseEntityMetadata,
  playlistMetadataSchema,
} from './metadata.js';

const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const track = {
  title: 'Sunset Boulevard',
  genre: 'Electronic',
  mood: 'Peaceful',
  description: 'A slow one.',
  track_cid: CID,
  preview_cid: CID,
  duration: 187.5,
  release_date: '2026-11-24T00:00:00Z',
  field_visibility: { genre: true, play_count: false },
  stream_conditions: {
    dgco_purchase: {
      price: '1000000000000000000',
      splits: [
        { user_id: 7, percentage: 87.5 },
        { user_id: 9, percentage: 12.5 },
      ],
    },
  },
};
const user = { handle: 'dj_sol.1', name: 'DJ Sol', bio: 'Beats.', website: 'https://sol.example' };
const playlist = {
  playlist_name: 'Evening',
  is_album: false,
  playlist_contents: { track_ids: [{ track: 1, time: 1764000000 }] },
};

function refuses(
  entityType: 'User' | 'Track' | 'Playlist',
  action: 'Create' | 'Update' | 'Follow' | 'Save' | 'Delete',
  metadata: unknown,
  code: string,
  mentions?: string,
) {
  assert.throws(
    () => parseEntityMetadata(entityType, action, metadata),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.code, code, error.message);
      if (mentions) assert.ok(error.message.includes(mentions), error.message);
      return true;
    },
  );
}

describe('metadata', () => {
  it('parses valid creates and updates', () => {
    assert.deepEqual(parseEntityMetadata('Track', 'Create', encodeEntityMetadata(track)), {
      cid: '',
      data: track,
    });
    assert.deepEqual(parseEntityMetadata('User', 'Create', encodeEntityMetadata(user)).data, user);
    assert.deepEqual(
      parseEntityMetadata('Playlist', 'Create', encodeEntityMetadata(playlist)).data,
      playlist,
    );
    assert.deepEqual(
      parseEntityMetadata('Track', 'Update', encodeEntityMetadata({ title: 'New title' })).data,
      { title: 'New title' },
    );
    assert.deepEqual(
      parseEntityMetadata('User', 'Update', encodeEntityMetadata({ bio: '' })).data,
      { bio: '' },
    );
  });

  it('takes "" for actions without metadata and refuses anything else there', () => {
    assert.deepEqual(parseEntityMetadata('User', 'Follow', ''), { cid: '', data: null });
    assert.deepEqual(parseEntityMetadata('Track', 'Delete', ''), { cid: '', data: null });
    refuses('Track', 'Save', '{"cid":"","data":{}}', 'invalid_metadata', 'takes no metadata');
  });

  it('refuses wrong types', () => {
    refuses('Track', 'Create', 42, 'invalid_metadata');
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, title: 5 }),
      'invalid_metadata',
      'title',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, duration: '187' }),
      'invalid_metadata',
      'duration',
    );
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, name: ['x'] }),
      'invalid_metadata',
      'name',
    );
    refuses(
      'Playlist',
      'Create',
      encodeEntityMetadata({ ...playlist, is_album: 'yes' }),
      'invalid_metadata',
      'is_album',
    );
    refuses('Track', 'Create', '{"cid":"","data":[]}', 'invalid_metadata', 'data');
    refuses('Track', 'Create', '{"cid":5,"data":{}}', 'invalid_metadata', 'cid');
    refuses('Track', 'Create', '"just a string"', 'invalid_metadata');
  });

  it('refuses oversize strings and metadata', () => {
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, description: 'x'.repeat(1001) }),
      'invalid_metadata',
      'description',
    );
    parseEntityMetadata(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, description: 'x'.repeat(1000) }),
    );
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, bio: 'x'.repeat(257) }),
      'invalid_metadata',
      'bio',
    );
    parseEntityMetadata('User', 'Create', encodeEntityMetadata({ ...user, bio: 'x'.repeat(256) }));
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, handle: 'h'.repeat(31) }),
      'invalid_metadata',
      'handle',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, title: 't'.repeat(201) }),
      'invalid_metadata',
      'title',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, tags: 't'.repeat(MAX_METADATA_BYTES) }),
      'metadata_too_large',
    );
  });

  it('refuses unknown fields, in the data and in the envelope', () => {
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, plays: 1000000 }),
      'invalid_metadata',
      'plays',
    );
    refuses(
      'User',
      'Update',
      encodeEntityMetadata({ handle: 'new_handle' }),
      'invalid_metadata',
      'handle',
    );
    refuses(
      'Track',
      'Create',
      JSON.stringify({ cid: '', data: track, extra: 1 }),
      'invalid_metadata',
      'extra',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, field_visibility: { genre: true, secret: true } }),
      'invalid_metadata',
      'secret',
    );
  });

  it('refuses values outside the fixed lists and formats', () => {
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, genre: 'Polka' }),
      'invalid_metadata',
      'genre',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, mood: 'Hangry' }),
      'invalid_metadata',
      'mood',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, track_cid: '../../etc/passwd' }),
      'invalid_metadata',
      'track_cid',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, release_date: 'tomorrow' }),
      'invalid_metadata',
      'release_date',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, title: '   ' }),
      'invalid_metadata',
      'title',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, title: 'a\u0000b' }),
      'invalid_metadata',
      'title',
    );
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, handle: 'no spaces' }),
      'invalid_metadata',
      'handle',
    );
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, website: 'javascript:alert(1)' }),
      'invalid_metadata',
      'website',
    );
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ title: 'x', genre: 'Rock', duration: 1 }),
      'invalid_metadata',
      'track_cid',
    );
  });

  it('refuses purchase splits that do not sum to 100 %', () => {
    const splits = track.stream_conditions.dgco_purchase.splits.map((s) => ({
      ...s,
      percentage: 40,
    }));
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({
        ...track,
        stream_conditions: { dgco_purchase: { price: '1', splits } },
      }),
      'invalid_metadata',
      'sum to 100',
    );
  });

  it('refuses a percentage with three decimals and a price above the DGCO supply', () => {
    const purchase = (price: string, splits: { user_id: number; percentage: number }[]) =>
      encodeEntityMetadata({ ...track, stream_conditions: { dgco_purchase: { price, splits } } });
    refuses(
      'Track',
      'Create',
      purchase('1', [
        { user_id: 7, percentage: 87.505 },
        { user_id: 9, percentage: 12.495 },
      ]),
      'invalid_metadata',
      'two decimals',
    );
    refuses(
      'Track',
      'Create',
      purchase(`1${'0'.repeat(27)}1`, [{ user_id: 7, percentage: 100 }]),
      'invalid_metadata',
      'price',
    );
    // Without splits the whole price goes to the owner.
    parseEntityMetadata(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, stream_conditions: { dgco_purchase: { price: '1' } } }),
    );
  });

  it('refuses a __proto__ key instead of dropping it', () => {
    const text = `{"cid":"","data":{"__proto__":{"plays":9},${encodeEntityMetadata(track).slice(18, -2)}}}`;
    assert.match(text, /^\{"cid":"","data":\{"__proto__"/);
    refuses('Track', 'Create', text, 'invalid_metadata', '__proto__');
  });

  it('lets an update clear optional fields with null, but not required ones', () => {
    assert.deepEqual(
      parseEntityMetadata('User', 'Update', encodeEntityMetadata({ website: null, bio: null }))
        .data,
      { website: null, bio: null },
    );
    assert.deepEqual(
      parseEntityMetadata('Track', 'Update', encodeEntityMetadata({ mood: null })).data,
      { mood: null },
    );
    refuses('Track', 'Update', encodeEntityMetadata({ title: null }), 'invalid_metadata', 'title');
    refuses('User', 'Update', encodeEntityMetadata({ name: null }), 'invalid_metadata', 'name');
    refuses(
      'Track',
      'Create',
      encodeEntityMetadata({ ...track, mood: null }),
      'invalid_metadata',
      'mood',
    );
  });

  it('refuses handles that would be path segments and websites with credentials', () => {
    for (const handle of ['.', '..', '.hidden']) {
      refuses(
        'User',
        'Create',
        encodeEntityMetadata({ ...user, handle }),
        'invalid_metadata',
        'handle',
      );
    }
    parseEntityMetadata('User', 'Create', encodeEntityMetadata({ ...user, handle: 'a.b_c' }));
    refuses(
      'User',
      'Create',
      encodeEntityMetadata({ ...user, website: 'https://me:pw@sol.example' }),
      'invalid_metadata',
      'website',
    );
  });

  it('cuts long keys short in error messages', () => {
    const key = 'k'.repeat(5000);
    assert.throws(
      () => parseEntityMetadata('Track', 'Create', encodeEntityMetadata({ ...track, [key]: 1 })),
      (error: unknown) => error instanceof ValidationError && error.message.length < 1000,
    );
  });

  it('refuses an empty update', () => {
    refuses('Track', 'Update', encodeEntityMetadata({}), 'invalid_metadata', 'at least one field');
  });

  it('refuses text that is not JSON', () => {
    refuses('Track', 'Create', '{"cid":"","data":{', 'invalid_metadata', 'JSON');
    refuses('Track', 'Create', '', 'invalid_metadata');
  });

  it('caps playlists at 5,000 tracks', () => {
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ track: i + 1, time: 1764000000 }));
    const ok = { ...playlist, playlist_contents: { track_ids: entries(MAX_PLAYLIST_TRACKS) } };
    assert.equal(playlistMetadataSchema.safeParse(ok).success, true);
    const tooMany = {
      ...playlist,
      playlist_contents: { track_ids: entries(MAX_PLAYLIST_TRACKS + 1) },
    };
    assert.equal(playlistMetadataSchema.safeParse(tooMany).success, false);
  });

  it('says what to cut when an action does not fit: a playlist of about 250 tracks does', () => {
    const withTracks = (n: number) =>
      encodeEntityMetadata({
        ...playlist,
        playlist_contents: {
          track_ids: Array.from({ length: n }, (_, i) => ({
            track: 1_000_000_000 + i,
            time: 1764000000,
          })),
        },
      });
    parseEntityMetadata('Playlist', 'Create', withTracks(240));
    refuses(
      'Playlist',
      'Create',
      withTracks(400),
      'metadata_too_large',
      `one action holds at most ${MAX_METADATA_BYTES}; a playlist of about 250 tracks fits: remove tracks`,
    );
    refuses(
      'Track',
      'Update',
      encodeEntityMetadata({ tags: 't'.repeat(MAX_METADATA_BYTES) }),
      'metadata_too_large',
      "The track's details take",
    );
  });

  it('emits JSON Schema for every metadata type', () => {
    const schemas = metadataJsonSchemas();
    assert.deepEqual(Object.keys(schemas).sort(), [
      'developerApp',
      'developerAppUpdate',
      'grant',
      'playlist',
      'playlistUpdate',
      'track',
      'trackUpdate',
      'user',
      'userUpdate',
    ]);
    const trackSchema = schemas.track as {
      type: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { enum?: string[]; maxLength?: number }>;
    };
    assert.equal(trackSchema.type, 'object');
    assert.equal(trackSchema.additionalProperties, false);
    assert.ok(trackSchema.required.includes('track_cid'));
    assert.ok(trackSchema.properties.genre?.enum?.includes('Hip-Hop/Rap'));
    assert.equal(trackSchema.properties.description?.maxLength, 1000);
  });
});

describe('reserved handles', () => {
  it('are refused in any case, and ordinary handles are not', async () => {
    const { isReservedHandle } = await import('./handles.js');
    for (const handle of ['admin', 'Admin', 'TRENDING', 'coliving', 'upload', 'oauth', 'OAuth']) {
      assert.equal(isReservedHandle(handle), true, handle);
    }
    for (const handle of ['adminx', 'dj_admin', 'alice', 'trending.now']) {
      assert.equal(isReservedHandle(handle), false, handle);
    }
  });
});
