// What the plays tell (docs/api-v1.md, "Plays"): a track's top listeners, a landlord's listens by
// month, a user's own listening history. The shapes are Audius's, so Audius clients read them.
import { type Static, Type } from '@sinclair/typebox';
import { HashId, int, str } from './parts.js';
import { Track } from './track.js';
import { User } from './user.js';

/** One item of `GET /v1/tracks/{id}/top_listeners`: a listener and their counted plays. */
export const TopListener = Type.Object({ user: User, count: int });
export type TopListener = Static<typeof TopListener>;

/** One track's listens in one month. Ids here are plain integers, as in Audius's answer. */
export const ListenCount = Type.Object({ trackId: int, date: str, listens: int });
export type ListenCount = Static<typeof ListenCount>;

/** One month of `GET /v1/users/{id}/listen_counts_monthly`. */
export const MonthlyListens = Type.Object({
  totalListens: int,
  trackIds: Type.Array(int),
  listenCounts: Type.Array(ListenCount),
});
export type MonthlyListens = Static<typeof MonthlyListens>;

/**
 * `GET /v1/users/{id}/listen_counts_monthly`: months by their first instant
 * (`2026-01-01T00:00:00 Z`, UTC), months without listens left out.
 */
export const ListenCountsMonthly = Type.Record(Type.String(), MonthlyListens);
export type ListenCountsMonthly = Static<typeof ListenCountsMonthly>;

/**
 * One item of `GET /v1/users/{id}/history/tracks`: a track the user listened to and when they
 * last did, most recent first.
 */
export const TrackActivity = Type.Object({
  class: Type.Literal('track_activity_full'),
  item_type: Type.Literal('track'),
  item_id: HashId,
  timestamp: str,
  item: Track,
});
export type TrackActivity = Static<typeof TrackActivity>;
