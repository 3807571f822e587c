// Pieces the API v1 models share: ids, images, links and the viewer's activity.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** A key every answer has, null when empty (`type: [t, "null"]` in the OpenAPI document). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An entity id as clients see it: a hashid (`encodeHashId`). */
/** Plain JSON types the models share. */
export const int = Type.Integer();
export const bool = Type.Boolean();
export const str = Type.String();
/** A text field that may be absent or null. */
export const optionalText = Type.Optional(Nullable(Type.String()));

export const HashId = Type.String({ description: 'a hashid' });

/** JSON whose keys the API does not fix (access conditions, badges). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
export type JsonObject = Static<typeof JsonObject>;

/** Image URLs by size on the content node ranked first for the image; the next ones as mirrors. */
export const SquareImage = Type.Object({
  '150x150': Type.Optional(Type.String()),
  '480x480': Type.Optional(Type.String()),
  '1000x1000': Type.Optional(Type.String()),
  mirrors: Type.Array(Type.String()),
});
export type SquareImage = Static<typeof SquareImage>;

/** A profile's cover photo, by width. */
export const BackdropImage = Type.Object({
  '640x': Type.Optional(Type.String()),
  '2000x': Type.Optional(Type.String()),
  mirrors: Type.Array(Type.String()),
});
export type BackdropImage = Static<typeof BackdropImage>;

/** Where to fetch something, null when there is nothing, and other nodes that answer the same path. */
export const UrlWithMirrors = Type.Object({
  url: Nullable(Type.String()),
  mirrors: Type.Array(Type.String()),
});
export type UrlWithMirrors = Static<typeof UrlWithMirrors>;

/** Whether the current user may stream and download a track or playlist. */
export const Access = Type.Object({ stream: Type.Boolean(), download: Type.Boolean() });
export type Access = Static<typeof Access>;

/** A repost of the item by someone the current user follows. */
export const FolloweeRepost = Type.Object({
  repost_item_id: HashId,
  repost_type: Type.String(),
  user_id: HashId,
});
export type FolloweeRepost = Static<typeof FolloweeRepost>;

/** A save of the item by someone the current user follows. */
export const FolloweeFavorite = Type.Object({
  favorite_item_id: HashId,
  favorite_type: Type.String(),
  user_id: HashId,
  created_at: Type.String(),
});
export type FolloweeFavorite = Static<typeof FolloweeFavorite>;
