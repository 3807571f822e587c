// Plays (docs/design.md §11): how a content node packs the listens it served into a PlayLog
// batch on the data chain, and how discovery nodes read them back. 40 bytes a play, big-endian:
// a 16-byte play id, the track id (uint64), the user id (uint64, 0 for an anonymous listener)
// and the listen's time in milliseconds since the epoch (uint64).
import { type Hex, bytesToHex, hexToBytes } from 'viem';
import { ValidationError } from './errors.js';
import { MAX_ENTITY_ID } from './limits.js';

/** One listen as the play log records it. */
export type Play = {
  /** 16 random bytes given when the listen was journaled: a batch sent twice counts once. */
  id: Hex;
  trackId: number;
  /** The proven listener, when there was one. */
  userId?: number;
  /** Milliseconds since the epoch, on the serving node's clock. */
  at: number;
};

export const PLAY_BYTES = 40;
/** The most plays one PlayLog transaction carries (40 KB of calldata). */
export const MAX_PLAYS_PER_BATCH = 1000;

/**
 * Per-listener limits a play must be within to count (Audius's figures): per (track, user) and
 * per (track, IP), in plays per hour, day and week. Per user they are applied when plays are
 * indexed, from the plays already on chain; per IP by each content node when it journals.
 */
export const PLAY_LIMITS = {
  trackUser: { hour: 10, day: 40, week: 120 },
  trackIp: { hour: 20, day: 60, week: 180 },
} as const;

/** Packs plays for `PlayLog.submitPlays`. */
export function encodePlays(plays: readonly Play[]): Hex {
  if (plays.length === 0 || plays.length > MAX_PLAYS_PER_BATCH) {
    throw new ValidationError(`A batch holds 1 to ${MAX_PLAYS_PER_BATCH} plays`, {
      code: 'invalid_play_batch',
    });
  }
  const out = new Uint8Array(plays.length * PLAY_BYTES);
  const view = new DataView(out.buffer);
  plays.forEach((play, i) => {
    const at = i * PLAY_BYTES;
    const id = hexToBytes(play.id);
    if (id.length !== 16) {
      throw new ValidationError('A play id is 16 bytes', { code: 'invalid_play' });
    }
    for (const [name, value] of [
      ['trackId', play.trackId],
      ['userId', play.userId ?? 0],
      ['at', play.at],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < (name === 'trackId' ? 1 : 0)) {
        throw new ValidationError(`A play's ${name} must be a safe integer`, {
          code: 'invalid_play',
        });
      }
    }
    out.set(id, at);
    view.setBigUint64(at + 16, BigInt(play.trackId));
    view.setBigUint64(at + 24, BigInt(play.userId ?? 0));
    view.setBigUint64(at + 32, BigInt(play.at));
  });
  return bytesToHex(out);
}

/**
 * A play read back from a batch, with its ids as the chain carries them: an id past
 * MAX_ENTITY_ID or a time past 2^53 is kept as `undefined` for the indexer to skip (it must
 * record why, not throw).
 */
export type DecodedPlay = {
  id: Hex;
  trackId: number | undefined;
  /** 0 for an anonymous listener; undefined when out of range. */
  userId: number | undefined;
  at: number | undefined;
};

function inRange(value: bigint, max: number): number | undefined {
  return value <= BigInt(max) ? Number(value) : undefined;
}

/** Unpacks a PlayLog batch; undefined when its length is not a whole number of plays. */
export function decodePlays(packed: Hex | Uint8Array): DecodedPlay[] | undefined {
  const bytes = typeof packed === 'string' ? hexToBytes(packed) : packed;
  if (bytes.length === 0 || bytes.length % PLAY_BYTES !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const plays: DecodedPlay[] = [];
  for (let at = 0; at < bytes.length; at += PLAY_BYTES) {
    plays.push({
      id: bytesToHex(bytes.subarray(at, at + 16)),
      trackId: inRange(view.getBigUint64(at + 16), MAX_ENTITY_ID),
      userId: inRange(view.getBigUint64(at + 24), MAX_ENTITY_ID),
      at: inRange(view.getBigUint64(at + 32), Number.MAX_SAFE_INTEGER),
    });
  }
  return plays;
}
