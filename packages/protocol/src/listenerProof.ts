// A listener's proof of who they are when streaming (docs/design.md §8): `user_data`, a JSON text
// with a `timestamp` in ms (and, from Coliving clients, the `track_id` it is for), personal-signed
// by the user's wallet as `user_signature`. Clients that sign only a timestamp keep working; the
// short window is what bounds a captured proof for them.
import { UnauthorizedError } from './errors.js';
import { decodeHashId } from './hashids.js';
import { LISTENER_PROOF_MAX_AGE_MS, LISTENER_PROOF_MAX_SKEW_MS } from './limits.js';

/**
 * The `user_data` text a listener signs: `{"timestamp": ms, "track_id": "<hashid>"}`. Naming the
 * track means a captured proof opens no other track.
 */
export function listenerProofData({
  trackId,
  now = Date.now(),
}: {
  /** The track's public id (a hashid). */
  trackId?: string;
  now?: number;
}): string {
  return JSON.stringify({
    timestamp: now,
    ...(trackId !== undefined ? { track_id: trackId } : {}),
  });
}

function invalid(message: string): UnauthorizedError {
  return new UnauthorizedError(message, { code: 'invalid_user_data' });
}

export type CheckListenerProofDataParameters = {
  /** The `user_data` query parameter, exactly as signed. */
  userData: string;
  /** The track the request streams. */
  trackId: number;
  now?: number;
};

/** The JSON object in `user_data`, its time checked: fresh (5 minutes) and not ahead (1 minute). */
function parseProofData(userData: string, now: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('user_data must be a JSON object with a timestamp (ms)');
  }
  const { timestamp } = parsed as { timestamp?: unknown };
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) {
    throw invalid('user_data must have a timestamp in milliseconds');
  }
  if (timestamp > now + LISTENER_PROOF_MAX_SKEW_MS) {
    throw invalid('user_data is dated in the future: check the clock');
  }
  if (now - timestamp > LISTENER_PROOF_MAX_AGE_MS) {
    throw invalid('user_data is older than 5 minutes: sign a fresh one');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Refuses `user_data` (UnauthorizedError `invalid_user_data`) that is not a JSON object with an
 * integer `timestamp`, that is older than 5 minutes or dated over a minute ahead, whose
 * `track_id` (optional, for clients that sign only a timestamp) is another track, or that was
 * signed for something else (a `scope`, such as reading one's history). Does not check the
 * signature.
 */
export function checkListenerProofData({
  userData,
  trackId,
  now = Date.now(),
}: CheckListenerProofDataParameters): void {
  const { track_id: proofTrack, scope } = parseProofData(userData, now);
  if (scope !== undefined) throw invalid('user_data was signed for something other than a stream');
  if (proofTrack === undefined) return;
  let provenTrack: number | undefined;
  try {
    provenTrack = decodeHashId(proofTrack);
  } catch {
    provenTrack = undefined;
  }
  if (provenTrack !== trackId) throw invalid('user_data is for another track');
}

/** The `scope` of a proof that reads its signer's own listening history, and nothing else. */
export const HISTORY_PROOF_SCOPE = 'history';

/**
 * The `user_data` a user signs to read their own listening history:
 * `{"timestamp": ms, "scope": "history"}`. The scope keeps it from opening a stream, and a stream's
 * proof from opening the history.
 */
export function historyProofData({ now = Date.now() }: { now?: number } = {}): string {
  return JSON.stringify({ timestamp: now, scope: HISTORY_PROOF_SCOPE });
}

/**
 * Refuses (UnauthorizedError `invalid_user_data`) `user_data` that is not a fresh proof with the
 * history scope (see historyProofData). Does not check the signature.
 */
export function checkHistoryProofData({
  userData,
  now = Date.now(),
}: {
  userData: string;
  now?: number;
}): void {
  const { scope } = parseProofData(userData, now);
  if (scope !== HISTORY_PROOF_SCOPE) {
    throw invalid(
      'user_data must be signed for reading the history: {"timestamp", "scope": "history"}',
    );
  }
}

/** The `scope` of a proof that shows a user their own hidden items, and nothing else. */
export const OWNER_PROOF_SCOPE = 'owner';

/**
 * The `user_data` a user signs to be shown, as the current user of a read, what only they may
 * see (their scheduled and unlisted tracks, their private playlists):
 * `{"timestamp": ms, "scope": "owner"}`. The scope keeps it from opening a stream or the history.
 */
export function ownerProofData({ now = Date.now() }: { now?: number } = {}): string {
  return JSON.stringify({ timestamp: now, scope: OWNER_PROOF_SCOPE });
}

/**
 * Whether `user_data` is a fresh proof with the owner scope (see ownerProofData). Does not check
 * the signature.
 */
export function isOwnerProofData({
  userData,
  now = Date.now(),
}: {
  userData: string;
  now?: number;
}): boolean {
  try {
    return parseProofData(userData, now).scope === OWNER_PROOF_SCOPE;
  } catch {
    return false;
  }
}
