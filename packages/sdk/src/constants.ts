/** Defaults of the SDK, each with the reason for its value. */

/** A discovery node more blocks behind its chain than this serves stale reads (Audius's bound). */
export const DEFAULT_MAX_BLOCK_DIFFERENCE = 15;
/** Indexing and transcoding finish in a few hundred ms on a devnet; polling faster buys nothing. */
export const DEFAULT_POLL_INTERVAL_MS = 250;
/** A health probe that takes longer than this is from a node too slow to serve an app. */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000;
/** A read or a small write that has not answered in this long is taken as a dead node. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The relay waits up to 60 s for its transaction to be mined; this leaves room for the answer. */
export const RELAY_TIMEOUT_MS = 90_000;
/** How long a relayed action may take to be indexed before the wait gives up. */
export const INDEXING_TIMEOUT_MS = 120_000;
/** Transcoding runs at many times real time; an hour-long set is done well within this. */
export const TRANSCODE_TIMEOUT_MS = 30 * 60_000;
/** A node that failed is passed over for this long, so one outage costs one timeout, not many. */
export const NODE_BACKOFF_MS = 30_000;
/** The selected discovery node's health is checked again after this long (it may fall behind). */
export const HEALTH_TTL_MS = 60_000;
/** Each login record is written to this many content nodes (docs/design.md §5: placed like blobs). */
export const AUTH_REPLICATION_FACTOR = 3;
/** Files are streamed to content nodes in pieces of this size, so progress moves smoothly. */
export const UPLOAD_CHUNK_BYTES = 64 * 1024;
/** Network errors tolerated in a row while polling an upload before the node counts as gone. */
export const MAX_POLL_ERRORS = 8;
/** Content nodes tried for a stream or a waveform: the placement's holders (docs/design.md §7, R = 3). */
export const STREAM_REPLICAS = 3;
/** A waveform is a small JSON array; a node that takes longer is passed for the next holder. */
export const WAVEFORM_TIMEOUT_MS = 10_000;
