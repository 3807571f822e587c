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
/**
 * A login record read not answered in this long counts as failed: a record is a few hundred
 * bytes. Reads are hedged (HEDGE_AFTER_MS), so this bounds only the case where every other holder
 * said it has no record (a wrong password, a sign-up's check) while one holder stays silent.
 */
export const AUTH_READ_TIMEOUT_MS = 5_000;
/** Files are streamed to content nodes in pieces of this size, so progress moves smoothly. */
export const UPLOAD_CHUNK_BYTES = 64 * 1024;
/**
 * A read not answered in this long is sent to the next healthy node as well, and the first answer
 * wins: a frozen node (SIGSTOP, a hung event loop) accepts connections and never answers, while a
 * live one answers reads in tens of milliseconds, so the second request is rarely sent.
 */
export const HEDGE_AFTER_MS = 1_000;
/**
 * A health check of the node in use, a content node's health check or an upload poll not
 * answered in this long counts as failed: each is a tiny answer a live node gives in milliseconds.
 */
export const PROBE_TIMEOUT_MS = 2_000;
/**
 * A write goes to a node whose health check answered this recently, checked again first
 * otherwise: a write is not hedged (one signed action goes to one node at a time), so a node that
 * froze since it was chosen must be found out before the write is sent, not 90 s after.
 */
export const WRITE_HEALTH_MAX_AGE_MS = 5_000;
/**
 * While the content node running an upload's job does not answer (restarting, frozen, down), the
 * SDK keeps asking it and the other holders of the record this long before giving up: a node
 * restart re-runs its jobs, and a restart by an operator or a supervisor takes minutes at most.
 */
export const UPLOAD_NODE_WAIT_MS = 10 * 60_000;
/** Polls of an unreachable upload host back off from this… */
export const UPLOAD_RETRY_MIN_MS = 500;
/** …to this, so a node that comes back is seen within seconds without polling it hard meanwhile. */
export const UPLOAD_RETRY_MAX_MS = 5_000;
/** Other holders of an upload record asked while its host does not answer (records go to all). */
export const UPLOAD_RECORD_HOLDERS = 3;
/**
 * An upload whose bytes have not moved (or whose answer has not come after the last byte) for
 * this long is taken as sent to a frozen node and sent to the next one: a working link, even a
 * slow one, moves a 64 KB piece well within it.
 */
export const UPLOAD_STALL_TIMEOUT_MS = 30_000;
/** Content nodes tried for a stream or a waveform: the placement's holders (docs/design.md §7, R = 3). */
export const STREAM_REPLICAS = 3;
/** A waveform is a small JSON array; a node that takes longer is passed for the next holder. */
export const WAVEFORM_TIMEOUT_MS = 10_000;

/**
 * How long a login-record write waits for the other holders once one has stored it: long enough
 * that healthy holders all confirm, short enough that a frozen one does not hold a sign-up or a
 * password change up for its request timeout (holders pass records on to each other).
 */
export const AUTH_WRITE_GRACE_MS = 2_000;
