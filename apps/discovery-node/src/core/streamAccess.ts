// Who may stream what (docs/design.md §9), and the signature that lets a content node serve it (§8).
// Every gate is decided here and nowhere else.
import type { Kysely } from 'kysely';
import { type Hex, type LocalAccount, formatEther, recoverMessageAddress } from 'viem';
import {
  ForbiddenError,
  GATED_STREAM_SIGNATURE_TTL_MS,
  NotFoundError,
  STREAM_SIGNATURE_MAX_AGE_MS,
  UnauthorizedError,
  accessConditionsSchema,
  checkListenerProofData,
  encodeHashId,
  encodeStreamSignatureParam,
  signStreamData,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import { hasPurchased } from './payments.js';
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
  /** The preview is asked for: never gated, but it must exist and not be the whole track. */
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
    throw new NotFoundError(`Track ${encodeHashId(track.trackId)} not found`, {
      code: 'track_not_found',
    });
  }
  const { userId } = listener;
  const isOwner = userId !== undefined && userId === track.ownerId;
  if (options.preview && !track.previewCid) {
    throw new NotFoundError('This track has no preview', { code: 'no_preview' });
  }
  // A preview is never the whole audio (§9): a gated track whose metadata names its own file as
  // the preview (as uploads of 30 s or less once did) has none, for its owner too.
  if (options.preview && track.streamConditions !== null && track.previewCid === track.trackCid) {
    throw new NotFoundError("This track's preview would be the whole track", {
      code: 'no_preview',
    });
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

  const refused = await unmetCondition(db, track.streamConditions, userId, {
    type: 'track',
    id: track.trackId,
  });
  if (refused) throw gated(refused);
}

/** What download access needs to know of a track beyond its stream. */
export type DownloadTrack = StreamTrack & {
  downloadConditions: Record<string, unknown> | null;
  /** Whether its owner offers the file at all (`is_downloadable`). */
  isDownloadable: boolean;
};

/**
 * Throws when `userId` may not download the track's file: NotFoundError for a deleted track,
 * ForbiddenError `not_downloadable` when its owner does not offer it (to the owner too, as
 * access.download says), `not_released` before its release, `download_gated` (with what unlocks
 * it) when the download conditions, or the stream conditions, are unmet: the file holds the whole
 * audio, so a download never walks around the stream's gate. The owner passes every gate.
 */
export async function checkDownloadAccess(
  db: Kysely<DB>,
  track: DownloadTrack,
  listener: StreamListener,
  options: { now?: number } = {},
): Promise<void> {
  if (track.isDeleted) {
    throw new NotFoundError(`Track ${encodeHashId(track.trackId)} not found`, {
      code: 'track_not_found',
    });
  }
  if (!track.isDownloadable) {
    throw new ForbiddenError('This track is not offered for download', {
      code: 'not_downloadable',
    });
  }
  const { userId } = listener;
  if (userId !== undefined && userId === track.ownerId) return;
  if (isScheduled(track.releaseDate, options.now)) {
    throw new ForbiddenError('This track is not released yet', { code: 'not_released' });
  }
  const content = { type: 'track', id: track.trackId } as const;
  for (const conditions of [track.streamConditions, track.downloadConditions]) {
    const refused = await unmetCondition(db, conditions, userId, content);
    if (refused) throw new ForbiddenError(refused, { code: 'download_gated' });
  }
}

/** What access conditions guard: a track, or a playlist (an album's purchase). */
export type GatedContent = { type: 'track' | 'playlist'; id: number };

const GATE_MESSAGES = {
  follow: 'Follow the artist to unlock this',
  tip: 'Tip the artist to unlock this',
  unknown: 'This has access conditions this node does not know',
} as const;

/**
 * Why `userId` does not meet `conditions` (words for the listener), or undefined when they do:
 * a follow gate needs a follow of its user; a tip gate a counted tip to its user (core/payments.ts
 * judges what counts); a purchase gate a purchase of the content or, for a track, of an album
 * holding it. The gate's own user (follow, tip) passes. Owners are the caller's to let through.
 */
export async function unmetCondition(
  db: Kysely<DB>,
  conditions: Record<string, unknown> | null,
  userId: number | undefined,
  content: GatedContent,
): Promise<string | undefined> {
  if (conditions === null) return undefined;
  // The indexer stores only conditions that passed this schema; anything else is refused rather
  // than guessed at.
  const parsed = accessConditionsSchema.safeParse(conditions);
  if (!parsed.success) return GATE_MESSAGES.unknown;
  const gate = parsed.data;
  if ('follow_user_id' in gate) {
    if (userId === undefined) return GATE_MESSAGES.follow;
    // The gate's own user cannot follow themselves (self-follows are refused), so they pass.
    if (userId === gate.follow_user_id) return undefined;
    const follow = await db
      .selectFrom('follows')
      .select('follower_id')
      .where('follower_id', '=', userId)
      .where('followee_id', '=', gate.follow_user_id)
      .executeTakeFirst();
    return follow ? undefined : GATE_MESSAGES.follow;
  }
  if ('tip_user_id' in gate) {
    if (userId === undefined) return GATE_MESSAGES.tip;
    if (userId === gate.tip_user_id) return undefined;
    const tip = await db
      .selectFrom('tips')
      .select('sender_user_id')
      .where('sender_user_id', '=', userId)
      .where('receiver_user_id', '=', gate.tip_user_id)
      .limit(1)
      .executeTakeFirst();
    return tip ? undefined : GATE_MESSAGES.tip;
  }
  // The price is in the answer, so a client can offer the purchase at once.
  const price = `Purchase this for ${formatEther(BigInt(gate.dgco_purchase.price))} DGCO to unlock it`;
  if (userId === undefined) return price;
  return (await hasPurchased(db, userId, content.type, content.id)) ? undefined : price;
}

/** What a content's access-info reports: whether `userId` may stream it and download it. */
export type ContentAccess = { stream: boolean; download: boolean };

/**
 * Whether `userId` (anonymous when undefined) may stream and download a track or playlist, as
 * checkStreamAccess decides for the stream: the owner always; otherwise each set of conditions
 * met (none: open). Download needs a downloadable original too. A deleted content opens to no one.
 */
export async function contentAccess(
  db: Kysely<DB>,
  content: GatedContent & {
    ownerId: number;
    isDeleted: boolean;
    streamConditions: Record<string, unknown> | null;
    downloadConditions: Record<string, unknown> | null;
    /** Whether its original is offered at all (a track's `is_downloadable`). */
    isDownloadable: boolean;
  },
  userId: number | undefined,
): Promise<ContentAccess> {
  if (content.isDeleted) return { stream: false, download: false };
  if (userId !== undefined && userId === content.ownerId) {
    return { stream: true, download: content.isDownloadable };
  }
  const [stream, download] = await Promise.all([
    unmetCondition(db, content.streamConditions, userId, content),
    content.isDownloadable
      ? unmetCondition(db, content.downloadConditions, userId, content)
      : 'not downloadable',
  ]);
  return { stream: stream === undefined, download: download === undefined };
}

export type ProveListenerParameters = {
  /** The claimed listener (the decoded `user_id`). */
  userId: number;
  /** `user_data`, exactly as signed. */
  userData: string;
  /** `user_signature`: `user_data` personal-signed by the user's wallet. */
  userSignature: string;
  /** The track streamed: a proof naming another track is refused. */
  trackId: number;
  now?: number;
};

/**
 * Checks a listener's proof (docs/design.md §8): fresh `user_data` (5 minutes, 1 minute of skew;
 * this track when it names one) personal-signed by the wallet of `userId`. UnauthorizedError
 * (`invalid_user_data`, `invalid_user_signature`) otherwise.
 */
export async function proveListener(
  db: Kysely<DB>,
  { userId, userData, userSignature, trackId, now }: ProveListenerParameters,
): Promise<void> {
  checkListenerProofData({ userData, trackId, ...(now !== undefined ? { now } : {}) });
  let signer: string;
  try {
    signer = await recoverMessageAddress({ message: userData, signature: userSignature as Hex });
  } catch {
    throw new UnauthorizedError('user_signature is not a valid signature of user_data', {
      code: 'invalid_user_signature',
    });
  }
  const user = await db
    .selectFrom('users')
    .select('wallet')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!user || user.wallet !== signer.toLowerCase())
    throw new UnauthorizedError("user_signature is not from the user's wallet", {
      code: 'invalid_user_signature',
    });
}

/**
 * When a signed URL for the full audio stops working: for a gated or scheduled track, minutes
 * past its duration (a leaked URL soon opens nothing); undefined for a public one, whose
 * signature lives 48 h so players and caches can reuse it.
 */
export function streamUrlExpiry(
  track: Pick<StreamTrack, 'streamConditions' | 'releaseDate'> & { durationSeconds: number },
  now = Date.now(),
): number | undefined {
  if (track.streamConditions === null && !isScheduled(track.releaseDate, now)) return undefined;
  return downloadUrlExpiry(track.durationSeconds, now);
}

/**
 * When a download's signed URL stops working: as a gated stream's, minutes past the track's
 * duration, whatever its gates (a download is handed to one user, and is never a listen).
 */
export function downloadUrlExpiry(durationSeconds: number, now = Date.now()): number {
  // The duration is the owner's claim; it can lengthen only their own track's URL, up to 48 h.
  const playMs = Number.isFinite(durationSeconds)
    ? Math.max(0, Math.round(durationSeconds * 1000))
    : 0;
  return now + Math.min(GATED_STREAM_SIGNATURE_TTL_MS + playMs, STREAM_SIGNATURE_MAX_AGE_MS);
}

export type SignStreamPathParameters = {
  account: LocalAccount;
  cid: string;
  trackId: number;
  userId?: number;
  /** Signing time in milliseconds since the epoch; now by default. */
  now?: number;
  /** When content nodes stop honouring the URL (streamUrlExpiry); 48 h after `now` without. */
  expiresAt?: number;
  /** Not a listen (a preview, or `skip_play_count=true`): content nodes journal no play. */
  skipPlayCount?: boolean;
};

export type SignStreamUrlParameters = SignStreamPathParameters & {
  /** A content node's endpoint; a trailing slash is dropped. */
  endpoint: string;
};

/**
 * The signed path on any content node: `/tracks/cidstream/<cid>?signature=<url-encoded {data,
 * signature}>` per docs/design.md §8. The signature names no node, so the same path is good on
 * every holder (and survives a content node's redirect to another).
 */
export async function signStreamPath({
  account,
  cid,
  trackId,
  userId,
  now = Date.now(),
  expiresAt,
  skipPlayCount,
}: SignStreamPathParameters): Promise<string> {
  const signature = await signStreamData({
    account,
    data: {
      cid,
      timestamp: now,
      trackId,
      ...(userId !== undefined ? { userId } : {}),
      shouldCache: true,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      // Only a stream that is not a listen carries it; a listen's signed data is as before.
      ...(skipPlayCount ? { skipPlayCount: true } : {}),
    },
  });
  const param = encodeURIComponent(encodeStreamSignatureParam(signature));
  return `/tracks/cidstream/${cid}?signature=${param}`;
}

/** The signed content-node URL: `<endpoint>` and signStreamPath. */
export async function signStreamUrl({
  endpoint,
  ...parameters
}: SignStreamUrlParameters): Promise<string> {
  return `${endpoint.replace(/\/+$/, '')}${await signStreamPath(parameters)}`;
}
