import { availableParallelism } from 'node:os';

/** Transcodes are CPU-bound: leave one core for serving. */
export const DEFAULT_TRANSCODE_WORKERS = Math.max(1, availableParallelism() - 1);
/** The largest upload accepted by default: a long lossless album side fits. */
export const DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024;
/**
 * An upload's job is started at most this many times. A job that crashes its node (or is killed
 * with it) runs again at the next start; the bound keeps one bad file from taking the node down
 * on every start. A clean stop does not count.
 */
export const MAX_UPLOAD_ATTEMPTS = 3;
/** Uploads one wallet may start per hour. */
export const DEFAULT_UPLOADS_PER_HOUR = 100;
/** Uploads one client IP may start per hour: wallets and users are free, addresses less so. */
export const DEFAULT_UPLOADS_PER_IP_PER_HOUR = 300;
/** Bytes one user may upload a day: a few albums of lossless audio. */
export const DEFAULT_UPLOAD_BYTES_PER_USER_PER_DAY = 4 * 1024 ** 3;
/** Bytes one client IP may upload a day: a few users' worth (a household, a studio, a NAT). */
export const DEFAULT_UPLOAD_BYTES_PER_IP_PER_DAY = 16 * 1024 ** 3;
/** An upload no track, user or playlist names after this long is deleted. */
export const DEFAULT_UPLOAD_RETENTION_MS = 7 * 86_400_000;
/** How often retention looks for unreferenced uploads. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** "This wallet is a user" is believed this long: users are rarely deactivated. */
export const DISCOVERY_USER_TTL_MS = 10 * 60 * 1000;
/** "No user" is believed only briefly, so a user just created can upload soon after. */
export const DISCOVERY_NOT_USER_TTL_MS = 5_000;
/** One question to a discovery node waits at most this long. */
export const DISCOVERY_TIMEOUT_MS = 3_000;
/** Retention asks only discovery nodes at most this many blocks behind the data chain. */
export const MAX_DISCOVERY_BLOCK_DIFFERENCE = 5;
/** How often the list of registered nodes is read from the chain. */
export const NETWORK_REFRESH_MS = 30_000;
/** Report unhealthy when less than this is free where blobs are stored. */
export const MIN_FREE_DISK_BYTES = 1024 * 1024 * 1024;
/** Streams are sent in chunks of this size, so one listener cannot hold a lot of memory. */
export const STREAM_HIGH_WATER_MARK = 256 * 1024;
/** Repair and the record sweep run this often by default. */
export const DEFAULT_REPAIR_INTERVAL_MS = 60_000;
/** A surplus copy is kept this long before cleanup may drop it (a node may be rejoining). */
export const DEFAULT_CLEANUP_GRACE_MS = 60 * 60 * 1000;
/**
 * A peer this node has not reached for this long counts as dead: the next live nodes in a
 * blob's ranking take its copies. Minutes, so a restart or a short outage moves nothing.
 */
export const DEFAULT_DEAD_NODE_GRACE_MS = 5 * 60 * 1000;
/** A lacking node looks for a holder among this many peers in rank order (R + 2 by default). */
export const MISSING_BLOB_PEERS = 5;
/** How long a lacking node waits for a peer to say whether it has a blob. */
export const MISSING_BLOB_PEER_TIMEOUT_MS = 1_000;
/** A peer that has not answered its health check in this long counts as unhealthy. */
export const PEER_HEALTH_TIMEOUT_MS = 5_000;
/** Login record writes (creates, replaces, deletes) one wallet may make per hour. */
export const DEFAULT_AUTH_WRITES_PER_HOUR = 30;
/** A login waits at most this long for a placement node before going on without its answer. */
export const AUTH_PEER_TIMEOUT_MS = 5_000;
/** Login records per page of the repair listing (each is at most about 4.4 kB). */
export const AUTH_RECORDS_PAGE_SIZE = 200;
/** Stream ranges up to this size are read whole and sent in one write; longer ones stream. */
export const MAX_BUFFERED_RANGE_BYTES = 1024 * 1024;
/** Memory for the blobs streamed most (storage's withReadCache): about 25 tracks at 320 kbps. */
export const DEFAULT_STREAM_CACHE_BYTES = 256 * 1024 * 1024;
/** A blob bigger than this is streamed from the store every time. */
export const STREAM_CACHE_MAX_BLOB_BYTES = 32 * 1024 * 1024;
/** Journaled plays are sent to the data chain this often (or at once when a batch is full). */
export const DEFAULT_PLAY_SUBMIT_INTERVAL_MS = 5_000;
/**
 * After a restart, a batch sent before it may take this long to show up mined before its plays
 * are sent again (their ids keep them counted once either way).
 */
export const PLAY_RECEIPT_TIMEOUT_MS = 120_000;
/** The listen journal drops what is on chain once that is this large (a few hours at full load). */
export const LISTEN_JOURNAL_COMPACT_BYTES = 64 * 1024 * 1024;
/**
 * (track, IP) pairs the play limits hold at most: about 150 bytes each, so 30 MB. Past it the
 * least recently heard pair is forgotten (its count starts again; it can only loosen a limit).
 */
export const DEFAULT_PLAY_LIMIT_KEYS = 200_000;
