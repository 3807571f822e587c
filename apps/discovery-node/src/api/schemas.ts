// JSON schemas of the API v1 models (shared/reference/api-v1.md): the OpenAPI document is
// generated from them and the route schemas, and tests check every response against them.
import type { FastifyInstance } from 'fastify';

const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const obj = { type: 'object' } as const;
const urls = { type: 'array', items: str } as const;
const urlWithMirrors = {
  type: 'object',
  required: ['url', 'mirrors'],
  properties: { url: nstr, mirrors: urls },
} as const;
const images = (sizes: string[]) =>
  ({
    type: ['object', 'null'],
    required: ['mirrors'],
    properties: { ...Object.fromEntries(sizes.map((s) => [s, str])), mirrors: urls },
  }) as const;
const access = {
  type: 'object',
  required: ['stream', 'download'],
  properties: { stream: bool, download: bool },
} as const;
const followeeReposts = {
  type: 'array',
  items: {
    type: 'object',
    required: ['repost_item_id', 'repost_type', 'user_id'],
    properties: { repost_item_id: str, repost_type: str, user_id: str },
  },
} as const;
const followeeFavorites = {
  type: 'array',
  items: {
    type: 'object',
    required: ['favorite_item_id', 'favorite_type', 'user_id', 'created_at'],
    properties: { favorite_item_id: str, favorite_type: str, user_id: str, created_at: str },
  },
} as const;

function model(id: string, properties: Record<string, unknown>, optional: string[]) {
  return {
    $id: id,
    type: 'object',
    additionalProperties: true,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}

export const userSchema = model(
  'User',
  {
    id: str,
    handle: str,
    handle_lc: str,
    name: str,
    is_verified: bool,
    verified_with_twitter: bool,
    verified_with_instagram: bool,
    verified_with_tiktok: bool,
    follower_count: int,
    followee_count: int,
    track_count: int,
    playlist_count: int,
    album_count: int,
    repost_count: int,
    supporter_count: int,
    supporting_count: int,
    is_deactivated: bool,
    is_available: bool,
    wallet: str,
    erc_wallet: str,
    spl_wallet: str,
    spl_usdc_wallet: str,
    balance: str,
    associated_wallets_balance: str,
    total_balance: str,
    waudio_balance: str,
    associated_sol_wallets_balance: str,
    total_audio_balance: int,
    artist_coin_badge: obj,
    blocknumber: int,
    created_at: str,
    updated_at: str,
    is_storage_v2: bool,
    current_user_followee_follow_count: int,
    does_current_user_follow: bool,
    does_current_user_subscribe: bool,
    does_follow_current_user: bool,
    has_collectibles: bool,
    allow_ai_attribution: bool,
    bio: nstr,
    location: nstr,
    website: nstr,
    profile_picture: images(['150x150', '480x480', '1000x1000']),
    cover_photo: images(['640x', '2000x']),
    artist_pick_track_id: nstr,
  },
  ['bio', 'location', 'website', 'profile_picture', 'cover_photo', 'artist_pick_track_id'],
);

export const trackSchema = model(
  'Track',
  {
    id: str,
    title: str,
    user: { $ref: 'User#' },
    user_id: str,
    duration: int,
    genre: str,
    permalink: str,
    route_id: str,
    artwork: images(['150x150', '480x480', '1000x1000']),
    cover_art_sizes: nstr,
    is_original_available: bool,
    remix_of: {
      type: 'object',
      required: ['tracks'],
      properties: {
        tracks: {
          type: 'array',
          items: {
            type: 'object',
            required: ['parent_track_id'],
            properties: { parent_track_id: str },
          },
        },
      },
    },
    repost_count: int,
    favorite_count: int,
    comment_count: int,
    play_count: int,
    is_downloadable: bool,
    access,
    blocknumber: int,
    created_at: str,
    updated_at: str,
    field_visibility: {
      type: 'object',
      required: ['mood', 'tags', 'genre', 'share', 'play_count', 'remixes'],
      properties: {
        mood: bool,
        tags: bool,
        genre: bool,
        share: bool,
        play_count: bool,
        remixes: bool,
      },
    },
    followee_reposts: followeeReposts,
    followee_favorites: followeeFavorites,
    has_current_user_reposted: bool,
    has_current_user_saved: bool,
    is_scheduled_release: bool,
    is_unlisted: bool,
    track_segments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['duration', 'multihash'],
        properties: { duration: { type: 'number' }, multihash: str },
      },
    },
    is_delete: bool,
    is_available: bool,
    is_stream_gated: bool,
    is_download_gated: bool,
    is_owned_by_user: bool,
    stream: urlWithMirrors,
    download: urlWithMirrors,
    preview: urlWithMirrors,
    waveform: urlWithMirrors,
    waveform_cid: nstr,
    description: nstr,
    mood: nstr,
    tags: nstr,
    release_date: nstr,
    track_cid: nstr,
    preview_cid: nstr,
    orig_file_cid: nstr,
    stream_conditions: { type: ['object', 'null'] },
    download_conditions: { type: ['object', 'null'] },
    bpm: { type: ['number', 'null'] },
    musical_key: nstr,
    license: nstr,
    isrc: nstr,
  },
  [
    'description',
    'mood',
    'tags',
    'release_date',
    'track_cid',
    'preview_cid',
    'orig_file_cid',
    'waveform',
    'waveform_cid',
    'stream_conditions',
    'download_conditions',
    'bpm',
    'musical_key',
    'license',
    'isrc',
  ],
);

const playlistEntry = {
  type: 'array',
  items: {
    type: 'object',
    required: ['timestamp', 'track_id', 'metadata_timestamp'],
    properties: { timestamp: int, track_id: str, metadata_timestamp: int },
  },
} as const;

export const playlistSchema = model(
  'Playlist',
  {
    id: str,
    playlist_name: str,
    permalink: str,
    is_album: bool,
    is_image_autogenerated: bool,
    playlist_contents: playlistEntry,
    added_timestamps: playlistEntry,
    repost_count: int,
    favorite_count: int,
    total_play_count: int,
    track_count: int,
    user: { $ref: 'User#' },
    user_id: str,
    access,
    blocknumber: int,
    created_at: str,
    updated_at: str,
    followee_reposts: followeeReposts,
    followee_favorites: followeeFavorites,
    has_current_user_reposted: bool,
    has_current_user_saved: bool,
    is_delete: bool,
    is_private: bool,
    is_stream_gated: bool,
    is_scheduled_release: bool,
    artwork: images(['150x150', '480x480', '1000x1000']),
    description: nstr,
    tracks: { type: 'array', items: { $ref: 'Track#' } },
  },
  ['artwork', 'description', 'tracks'],
);

export const trackList = { type: 'array', items: { $ref: 'Track#' } } as const;
export const userList = { type: 'array', items: { $ref: 'User#' } } as const;
export const playlistList = { type: 'array', items: { $ref: 'Playlist#' } } as const;
export const hashId = { type: 'string', description: 'a hashid' } as const;

/** A response body `{"data": …}` in the API v1 envelope. */
export function dataOf(data: unknown) {
  return {
    type: 'object',
    required: ['data', 'latest_chain_block', 'latest_indexed_block', 'version'],
    properties: {
      data,
      latest_chain_block: int,
      latest_indexed_block: int,
      latest_chain_slot_plays: int,
      latest_indexed_slot_plays: int,
      timestamp: str,
      version: {
        type: 'object',
        properties: { service: str, version: str },
      },
    },
  };
}

/** Adds the model schemas so routes can `$ref` them (`Track#`, `User#`, `Playlist#`). */
export function registerModelSchemas(app: FastifyInstance): void {
  app.addSchema(userSchema);
  app.addSchema(trackSchema);
  app.addSchema(playlistSchema);
}
