// The API v1 "full" models (`/v1/full/...`, Audius's `track_full`, `user_full`, `playlist_full`):
// each is the plain model with more keys, never a plain key changed in kind. Keys whose value a
// node cannot know are Audius's optional or nullable ones, sent as null.
import { type Static, Type } from '@sinclair/typebox';
import { HashId, JsonObject, Nullable, bool, optionalText } from './parts.js';
import { Playlist } from './playlist.js';
import { Track } from './track.js';
import { User } from './user.js';

/** An image's CIDs by size (`<cid>/<size>.jpg`), as Audius's `*_cids` keys give them. */
export const SquareImageCids = Type.Object({
  '150x150': Type.Optional(Type.String()),
  '480x480': Type.Optional(Type.String()),
  '1000x1000': Type.Optional(Type.String()),
});
export const BackdropImageCids = Type.Object({
  '640x': Type.Optional(Type.String()),
  '2000x': Type.Optional(Type.String()),
});

/** A user with what `/v1/full/users/...` adds (Audius's `user_full`). */
export const UserFull = Type.Object(
  {
    ...User.properties,
    creator_node_endpoint: optionalText,
    profile_picture_sizes: optionalText,
    profile_picture_cids: Type.Optional(Nullable(SquareImageCids)),
    profile_picture_legacy: optionalText,
    cover_photo_sizes: optionalText,
    cover_photo_cids: Type.Optional(Nullable(BackdropImageCids)),
    cover_photo_legacy: optionalText,
    metadata_multihash: optionalText,
    playlist_library: Type.Optional(Nullable(JsonObject)),
  },
  { $id: 'UserFull', additionalProperties: true },
);
export type UserFull = Static<typeof UserFull>;

/** A remix's parent as the full track names it: the parent's owner, and what they did with it. */
export const FullRemixParent = Type.Object({
  parent_track_id: HashId,
  user: UserFull,
  has_remix_author_reposted: bool,
  has_remix_author_saved: bool,
});

/** DDEX delivery data, which a Coliving node does not take: always null. */
const ddex = Type.Optional(Type.Unknown({ description: 'DDEX data; null on Coliving' }));

/** A track with what `/v1/full/tracks/...` adds (Audius's `track_full`). */
export const TrackFull = Type.Object(
  {
    ...Track.properties,
    user: UserFull,
    remix_of: Type.Object({ tracks: Type.Array(FullRemixParent) }),
    create_date: optionalText,
    cover_art: optionalText,
    cover_art_cids: Type.Optional(Nullable(SquareImageCids)),
    credits_splits: optionalText,
    iswc: optionalText,
    orig_filename: optionalText,
    ai_attribution_user_id: Type.Optional(Nullable(Type.Integer())),
    audio_upload_id: optionalText,
    parental_warning_type: optionalText,
    ddex_release_ids: ddex,
    artists: ddex,
    resource_contributors: ddex,
    indirect_resource_contributors: ddex,
    copyright_line: ddex,
    producer_copyright_line: ddex,
  },
  { $id: 'TrackFull', additionalProperties: true },
);
export type TrackFull = Static<typeof TrackFull>;

/** A playlist with what `/v1/full/playlists/...` adds (Audius's `playlist_full`): its tracks. */
export const PlaylistFull = Type.Object(
  {
    ...Playlist.properties,
    user: UserFull,
    /** The tracks the viewer can play, in order, as `/v1/playlists/{id}/tracks` lists them. */
    tracks: Type.Array(TrackFull),
    cover_art: optionalText,
    cover_art_sizes: optionalText,
    cover_art_cids: Type.Optional(Nullable(SquareImageCids)),
  },
  { $id: 'PlaylistFull', additionalProperties: true },
);
export type PlaylistFull = Static<typeof PlaylistFull>;
