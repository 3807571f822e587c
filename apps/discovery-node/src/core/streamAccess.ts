// Who may stream what (docs/design.md §9), and the signature that lets a content node serve it (§8).
// Every gate is decided here and nowhere else.
import type { Kysely } from 'kysely';
import type { LocalAccount } from 'viem';
import {
  ForbiddenError,
  NotFoundError,
  accessConditionsSchema,
  encodeStreamSignatureParam,
  signStreamData,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { isScheduled } from './visibility.js';

/** What access and signing need to know of a track. */
export type StreamTrack = {
  trackId: number;
  ownerId: number;
  trackCid: string;
  previewCid: string | null;
  streamConditions: Record<string, unknown> | null;
  isDeleted: boolean;
  releaseDate: Date | null;
  isUnlisted: boolean;
};

export type StreamListener = { userId?: number };

export type CheckStreamAccessOptions = {
  /** The 30 s preview is asked for: never gated, but it must exist. */
  preview?: boolean;
  /** Milliseconds since the epoch, for the release date; now by default. */
  now?: number;
};

function gated(message: string): ForbiddenError {
  return new ForbiddenError(message, { code: 'stream_gated' });
}

/**
 * Throws ForbiddenError (code 'stream_gated') when `userId` may not stream the full track.
 * Previews are always allowed. A deleted track is a NotFoundError.
 */
export async function checkStreamAccess(
  db: Kysely<DB>,
  track: StreamTrack,
  listener: StreamListener,
  options: CheckStreamAccessOptions = {},
): Promise<void> {
  if (track.isDeleted) {
    throw new NotFoundError(`Track ${track.trackId} not found`, { code: 'track_not_found' });
  }
  const { userId } = listener;
  const isOwner = userId !== undefined && userId === track.ownerId;
  if (options.preview && !track.previewCid) {
    throw new NotFoundError('This track has no preview', { code: 'no_preview' });
  }
  if (isOwner) return;
  // A scheduled release is hidden until its date (§9), preview included; callers that list
  // tracks treat a ForbiddenError as "not streamable", so this is one rather than a NotFound.
  if (isScheduled(track.releaseDate, options.now)) {
    throw new ForbiddenError('This track is not released yet', { code: 'not_released' });
  }
  if (options.preview) return;
  // Unlisted tracks stay off listings but stream to anyone with the link, as on Audius.
  if (track.streamConditions === null) return;

  // The indexer stores only conditions that passed this schema; anything else is refused rather
  // than guessed at.
  const parsed = accessConditionsSchema.safeParse(track.streamConditions);
  if (!parsed.success) throw gated('This track has access conditions this node does not know');
  const conditions = parsed.data;

  if ('follow_user_id' in conditions) {
    if (userId === undefined) throw gated('Follow the artist to stream this track');
    // The gate's own user cannot follow themselves (self-follows are refused), so they pass.
    if (userId === conditions.follow_user_id) return;
    const follow = await db
      .selectFrom('follows')
      .select('follower_id')
      .where('follower_id', '=', userId)
      .where('followee_id', '=', conditions.follow_user_id)
      .executeTakeFirst();
    if (!follow) throw gated('Follow the artist to stream this track');
    return;
  }
  // Tips and purchases are not indexed yet (no tips or purchases tables), so no listener can
  // prove one: only the owner streams these until that indexing exists.
  if ('tip_user_id' in conditions) throw gated('Tip the artist to stream this track');
  throw gated('Purchase this track to stream it');
}

export type SignStreamUrlParameters = {
  account: LocalAccount;
  /** A content node's endpoint; a trailing slash is dropped. */
  endpoint: string;
  cid: string;
  trackId: number;
  userId?: number;
  /** Signing time in milliseconds since the epoch; now by default. */
  now?: number;
};

/** The signed content-node URL: `<endpoint>/tracks/cidstream/<cid>?signature=<url-encoded {data, signature}>` per docs/design.md §8. */
export async function signStreamUrl({
  account,
  endpoint,
  cid,
  trackId,
  userId,
  now = Date.now(),
}: SignStreamUrlParameters): Promise<string> {
  const signature = await signStreamData({
    account,
    data: {
      cid,
      timestamp: now,
      trackId,
      ...(userId !== undefined ? { userId } : {}),
      shouldCache: true,
    },
  });
  const param = encodeURIComponent(encodeStreamSignatureParam(signature));
  return `${endpoint.replace(/\/+$/, '')}/tracks/cidstream/${cid}?signature=${param}`;
}
