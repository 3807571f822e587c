// What the indexed plays tell the API (docs/api-v1.md, "Plays"): a track's top listeners, a
// landlord's listens by month and track, a listener's own history, and who may read that history.
// Each query starts from an index on `plays` (by track, or by listener) and reads one page.
import { type Kysely, sql } from 'kysely';
import { type Hex, recoverMessageAddress } from 'viem';
import {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  checkHistoryProofData,
  encodeHashId,
} from '@coliving/protocol';
import type { DB } from '../db/schema.js';
import type { Page } from './lists.js';

/** A listener of a track and how many of their plays counted. */
export type ListenerCount = { userId: number; count: number };

/**
 * Who listened to a track most, most plays first (ties by user id). Anonymous plays name nobody
 * and deactivated users are left out.
 */
export async function topListeners(
  db: Kysely<DB>,
  trackId: number,
  page: Page,
): Promise<ListenerCount[]> {
  const { rows } = await sql<{ user_id: number; count: number }>`
    select p.user_id, count(*)::int as count
    from plays p join users u on u.user_id = p.user_id
    where p.track_id = ${trackId} and p.user_id is not null and not u.is_deactivated
    group by p.user_id
    order by count desc, p.user_id asc
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.map((r) => ({ userId: Number(r.user_id), count: Number(r.count) }));
}

/** One track's listens in one month (`month` as Audius writes it: `2026-01-01T00:00:00 Z`). */
export type MonthlyTrackListens = { month: string; trackId: number; listens: number };

/** A time range of listens: from `start` (included) to `end` (excluded). */
export type ListenRange = { start: Date; end: Date };

/** `start_time` and `end_time` as a range, or ValidationError `invalid_time_range`. */
export function listenRange(startTime: string, endTime: string): ListenRange {
  const start = new Date(startTime);
  const end = new Date(endTime);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    throw new ValidationError('start_time and end_time must be dates (2026-01-01 or ISO 8601)', {
      code: 'invalid_time_range',
    });
  if (end <= start)
    throw new ValidationError('end_time must be after start_time', { code: 'invalid_time_range' });
  return { start, end };
}

/**
 * The listens of every track `ownerId` owns (deleted ones too: they were listened to) within
 * `range`, by UTC month and track, oldest month first.
 */
export async function listenCountsByMonth(
  db: Kysely<DB>,
  ownerId: number,
  range: ListenRange,
): Promise<MonthlyTrackListens[]> {
  const { rows } = await sql<{ month: string; track_id: number; listens: number }>`
    select to_char(date_trunc('month', p.created_at at time zone 'UTC'),
        'YYYY-MM-DD"T"HH24:MI:SS" Z"') as month,
      p.track_id, count(*)::int as listens
    from tracks t join plays p on p.track_id = t.track_id
    where t.owner_id = ${ownerId}
      and p.created_at >= ${range.start.toISOString()}::timestamptz
      and p.created_at < ${range.end.toISOString()}::timestamptz
    group by 1, p.track_id
    order by 1, p.track_id`.execute(db);
  return rows.map((r) => ({
    month: r.month,
    trackId: Number(r.track_id),
    listens: Number(r.listens),
  }));
}

/** A track in a listener's history and when they last listened to it. */
export type HistoryEntry = { trackId: number; lastPlayedAt: Date };

/**
 * The tracks `userId` listened to, each once, most recently played first; deleted tracks and
 * those of deactivated owners are left out (they cannot be played again).
 */
export async function listeningHistory(
  db: Kysely<DB>,
  userId: number,
  page: Page,
): Promise<HistoryEntry[]> {
  const { rows } = await sql<{ track_id: number; last_played_at: Date | string }>`
    select h.track_id, h.last_played_at
    from (
      select track_id, max(created_at) as last_played_at
      from plays where user_id = ${userId}
      group by track_id
    ) h
    join tracks t on t.track_id = h.track_id
    join users o on o.user_id = t.owner_id
    where not t.is_deleted and not o.is_deactivated
    order by h.last_played_at desc, h.track_id desc
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows.map((r) => ({
    trackId: Number(r.track_id),
    lastPlayedAt: new Date(r.last_played_at),
  }));
}

export type ProveHistoryReaderParameters = {
  /** Whose history is asked for. */
  userId: number;
  /** `user_data`, exactly as signed (historyProofData). */
  userData: string | undefined;
  /** `user_signature`: `user_data` personal-signed by the user's wallet. */
  userSignature: string | undefined;
  now?: number;
};

/**
 * A listening history is personal data: only its user reads it (docs/api-v1.md, "Plays"). The
 * request carries a fresh history proof signed by the user's own wallet; without one it is
 * UnauthorizedError (`listener_proof_required`, `invalid_user_data`, `invalid_user_signature`),
 * and a proof signed by any other wallet is ForbiddenError `history_forbidden`.
 */
export async function proveHistoryReader(
  db: Kysely<DB>,
  { userId, userData, userSignature, now }: ProveHistoryReaderParameters,
): Promise<void> {
  if (userData === undefined || userSignature === undefined)
    throw new UnauthorizedError(
      'A listening history is read only by its user: sign user_data {"timestamp": ms, "scope": "history"} with their wallet and send it as user_data and user_signature',
      { code: 'listener_proof_required' },
    );
  checkHistoryProofData({ userData, ...(now !== undefined ? { now } : {}) });
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
    .select(['wallet', 'is_deactivated'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!user || user.is_deactivated)
    throw new NotFoundError(`User ${encodeHashId(userId)} not found`, { code: 'user_not_found' });
  if (user.wallet !== signer.toLowerCase())
    throw new ForbiddenError('Only the user themself may read their listening history', {
      code: 'history_forbidden',
    });
}
