// A user's reposts and saves, as `GET /v1/users/{id}/reposts` and `/favorites` list them.
import { type Static, Type } from '@sinclair/typebox';
import { HashId } from './parts.js';
import { Playlist } from './playlist.js';
import { Track } from './track.js';

/** One item of `GET /v1/users/{id}/reposts`: the reposted track or playlist, and when. */
export const Repost = Type.Union([
  Type.Object({ item_type: Type.Literal('track'), timestamp: Type.String(), item: Track }),
  Type.Object({ item_type: Type.Literal('playlist'), timestamp: Type.String(), item: Playlist }),
]);
export type Repost = Static<typeof Repost>;

/** One item of `GET /v1/users/{id}/favorites`. */
export const Favorite = Type.Object({
  favorite_item_id: HashId,
  favorite_type: Type.Union([Type.Literal('track'), Type.Literal('playlist')]),
  user_id: HashId,
  created_at: Type.String(),
});
export type Favorite = Static<typeof Favorite>;
