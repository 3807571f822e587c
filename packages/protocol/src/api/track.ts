// The API v1 Track, in the order a discovery node writes its keys.
import { type Static, Type } from '@sinclair/typebox';
import {
  Access,
  FolloweeFavorite,
  FolloweeRepost,
  HashId,
  JsonObject,
  Nullable,
  SquareImage,
  UrlWithMirrors,
  bool,
  int,
  optionalText,
  str,
} from './parts.js';
import { User } from './user.js';

/** Which of a track's fields its owner shows; all true unless the owner hid one. */
export const FieldVisibility = Type.Object({
  mood: bool,
  tags: bool,
  genre: bool,
  share: bool,
  play_count: bool,
  remixes: bool,
});
export type FieldVisibility = Static<typeof FieldVisibility>;

/** A track (`GET /v1/tracks/{id}`); extra keys may appear and clients ignore them. */
export const Track = Type.Object(
  {
    id: HashId,
    title: str,
    description: optionalText,
    genre: str,
    mood: optionalText,
    tags: optionalText,
    user: User,
    user_id: HashId,
    /** Seconds, rounded. */
    duration: int,
    /** `/<handle>/<slug>` */
    permalink: str,
    /** `<handle>/<slug>` */
    route_id: str,
    artwork: SquareImage,
    cover_art_sizes: Nullable(str),
    is_original_available: bool,
    remix_of: Type.Object({ tracks: Type.Array(Type.Object({ parent_track_id: HashId })) }),
    repost_count: int,
    favorite_count: int,
    comment_count: int,
    play_count: int,
    is_downloadable: bool,
    access: Access,
    blocknumber: int,
    created_at: str,
    updated_at: str,
    release_date: optionalText,
    field_visibility: FieldVisibility,
    followee_reposts: Type.Array(FolloweeRepost),
    followee_favorites: Type.Array(FolloweeFavorite),
    has_current_user_reposted: bool,
    has_current_user_saved: bool,
    is_scheduled_release: bool,
    is_unlisted: bool,
    track_segments: Type.Array(Type.Object({ duration: Type.Number(), multihash: str })),
    is_delete: bool,
    is_available: bool,
    is_stream_gated: bool,
    is_download_gated: bool,
    is_owned_by_user: bool,
    stream_conditions: Type.Optional(Nullable(JsonObject)),
    download_conditions: Type.Optional(Nullable(JsonObject)),
    track_cid: optionalText,
    preview_cid: optionalText,
    /** Where the preview starts in the track, in seconds (null: at the start, or not said). */
    preview_start_seconds: Type.Optional(Nullable(Type.Number())),
    orig_file_cid: optionalText,
    /** Coliving's addition: the CID of the waveform peaks (a JSON array), and where to read them. */
    waveform_cid: optionalText,
    waveform: Type.Optional(UrlWithMirrors),
    bpm: Type.Optional(Nullable(Type.Number())),
    musical_key: optionalText,
    license: optionalText,
    isrc: optionalText,
    stream: UrlWithMirrors,
    preview: UrlWithMirrors,
    download: UrlWithMirrors,
  },
  { $id: 'Track', additionalProperties: true },
);
export type Track = Static<typeof Track>;
