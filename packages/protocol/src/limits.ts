/** Protocol limits shared by clients, nodes and the indexer (docs/design.md §6). */

/** Largest inline metadata string of a ManageEntity action, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 10 * 1024;
/** Track descriptions, in characters. */
export const MAX_TRACK_DESCRIPTION = 1000;
/** User bios, in characters. */
export const MAX_BIO = 256;
/** Tracks in one playlist or album. */
export const MAX_PLAYLIST_TRACKS = 5000;
/** Entity ids are positive integers that fit a JS number exactly (and a Postgres bigint). */
export const MAX_ENTITY_ID = Number.MAX_SAFE_INTEGER;
/** A stream signature older than this is refused by content nodes (docs/design.md §8). */
export const STREAM_SIGNATURE_MAX_AGE_MS = 48 * 60 * 60 * 1000;
/** Clock skew tolerated for timestamps that lie in the future. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * A gated track's signed content-node URL lives this long past the track's own duration: a
 * player reuses the URL for every range (a seek near the end comes a track's length later), and a
 * URL that leaks (shared, logged) stops opening the gate minutes after.
 */
export const GATED_STREAM_SIGNATURE_TTL_MS = 5 * 60 * 1000;
/**
 * A listener's signed `user_data` proves who they are for this long after its timestamp: enough to
 * reach a discovery node, short enough that a captured proof soon stops opening gates.
 */
export const LISTENER_PROOF_MAX_AGE_MS = 5 * 60 * 1000;
/** How far ahead of a discovery node's clock a listener's proof may be dated (client drift). */
export const LISTENER_PROOF_MAX_SKEW_MS = 60 * 1000;
