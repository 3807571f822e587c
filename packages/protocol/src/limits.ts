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
