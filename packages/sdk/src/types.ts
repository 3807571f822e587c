// The API v1 wire models are defined once, in @coliving/protocol (src/api/), as JSON schemas and
// their types: what a discovery node answers, snake_case, ids as hashid strings.
export type {
  Access,
  BackdropImage,
  Envelope,
  ErrorBody,
  Favorite,
  FieldVisibility,
  FolloweeFavorite,
  FolloweeRepost,
  ListenCount,
  ListenCountsMonthly,
  MonthlyListens,
  Playlist,
  PlaylistEntry,
  Repost,
  SquareImage,
  TopListener,
  Track,
  TrackActivity,
  UrlWithMirrors,
  User,
} from '@coliving/protocol';

/** A discovery node's `/health_check` report (the keys the SDK reads; nodes send more). */
export type DiscoveryHealth = {
  healthy?: boolean;
  block_difference?: number;
  latest_indexed_block?: number;
  latest_chain_block?: number;
  network?: { content_nodes?: string[]; discovery_nodes?: string[] };
  chain?: { data?: { chain_id?: number; entity_manager?: string } };
  service?: string;
  version?: string;
  [key: string]: unknown;
};

/** A content node's upload record (`GET /uploads/:id`). */
export type { UploadRecord } from '@coliving/protocol';

/** Paging of list routes: `limit` 1–500 (default 100), `offset` up to 10,000. */
export type Page = { limit?: number; offset?: number };
/** `userId`: the current user, for `has_current_user_*` and `does_current_user_*`. */
export type Viewer = { userId?: string };
