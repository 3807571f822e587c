// Defaults of the local devnet, each with why it is what it is.

/** Content nodes a devnet runs by default: the replication factor (3), so placement is whole. */
export const DEFAULT_CONTENT_NODES = 3;
/** Discovery nodes a devnet runs by default: one indexes and relays for everyone. */
export const DEFAULT_DISCOVERY_NODES = 1;

/**
 * How long a node may take to answer its health check after it is spawned. Generous: a node
 * under tsx starts in seconds, but takes a minute or more on a loaded two-core machine.
 */
export const NODE_START_DEADLINE_MS = 240_000;
/** SIGTERM lets a node close its server and database; past this it is killed with SIGKILL. */
export const NODE_STOP_DEADLINE_MS = 15_000;
/** Readiness probes run this often: a loopback request costs next to nothing. */
export const POLL_INTERVAL_MS = 100;
/** One health probe gives up after this long, so a hung node cannot stall the wait. */
export const PROBE_TIMEOUT_MS = 5_000;
/** Lines of a node's log quoted in the error when it fails to start. */
export const LOG_TAIL_LINES = 40;

/** Discovery nodes poll the chains this often: a devnet block should be served at once. */
export const DISCOVERY_POLL_INTERVAL = '250ms';
/**
 * User Creates a discovery node relays per client IP per hour on a devnet. Every demo account,
 * and every account a developer or an end-to-end test signs up, comes from 127.0.0.1; the
 * default (a few an hour) is for a public node, where one address is one household.
 */
export const DISCOVERY_USER_CREATES_PER_IP_HOUR = '200';
/** Trending and the search dictionary are rebuilt this often, so new tracks show up quickly. */
export const DISCOVERY_TRENDING_INTERVAL = '10s';
/**
 * Content nodes check their peers and repair this often: a devnet has a handful of blobs, and a
 * node's health check lists its peers only after its first pass.
 */
export const CONTENT_REPAIR_INTERVAL = '5s';

const ETHER = 10n ** 18n;
/** ETH each node operator gets for gas (registration, later staking and governance). */
export const OPERATOR_ETH = 10n * ETHER;
/**
 * ETH each discovery node's relayer gets, on both chains: it pays the gas of every relayed action
 * (EntityManager writes on the data chain, PaymentRouter payments on the eth chain).
 */
export const RELAYER_ETH = 1_000n * ETHER;
/**
 * ETH each content node's delegate wallet gets (on both chains; it spends it on the data chain):
 * a PlayLog batch of 1,000 plays costs about a million gas, so this pays for many millions of plays.
 */
export const CONTENT_DELEGATE_ETH = 100n * ETHER;
/** Dev accounts handed out as users (index 0 deploys and holds the treasury, so it is not one). */
export const USER_ACCOUNT_INDEXES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
/** DGCO each user account gets, enough to tip and buy on a devnet. */
export const USER_DGCO = 10_000n * ETHER;
/**
 * DGCO each demo resident (a Hedgehog wallet made at sign-up) gets from the treasury when the
 * catalog is seeded: a few hundred purchases or tips at the demo's prices.
 */
export const DEMO_RESIDENT_DGCO = 1_000n * ETHER;
/** What `coliving faucet` sends when not told an amount. */
export const FAUCET_DGCO = 100n * ETHER;

// The demo catalog's seeding.

/** Tracks synthesized at once: ffmpeg is single-threaded here, and a devnet may have two cores. */
export const SYNTH_CONCURRENCY = 2;
/** Profile images drawn at once (each takes a few tens of ms); artwork is drawn with the music. */
export const IMAGE_CONCURRENCY = 2;
/** Track uploads at once: each is transcoded by a content node, which is CPU-bound. */
export const UPLOAD_CONCURRENCY = 2;
/**
 * Listens the most popular demo track gets (fewer for the others). Every demo resident streams
 * from 127.0.0.1, and a content node counts 20 listens of a track per IP an hour (PLAY_LIMITS):
 * this leaves a developer's own listens in the browser room to count.
 */
export const DEMO_MAX_TRACK_LISTENS = 12;
/**
 * The demo catalog's past: a fresh devnet's data chain starts a little before the first of these
 * (days ago), and tracks are published, reposted and saved in three eras (planDemoHistory), so
 * that week, month and year trending differ: a track from 200 days ago trends only in the year's
 * list, one from 20 days ago in the month's and the year's. Listens are all in the present (a
 * content node stamps them with its own clock).
 */
export const DEMO_HISTORY_DAYS = [200, 20, 0] as const;
/** Demo listens (whole streams) at once: each is a short read of one content node's file. */
export const LISTEN_CONCURRENCY = 4;
/** Profiles created at once (two image uploads and a write each). */
export const ACCOUNT_CONCURRENCY = 4;
/** Social writes in flight at once: each mostly waits for its block to be indexed. */
export const WRITE_CONCURRENCY = 8;
/**
 * Waits before each retry of a step that failed for a moment. A devnet's single discovery node
 * answers 503 while its indexer retries a chain read (a busy machine), and the SDK then has no
 * other node to turn to; together these outlast any such hiccup seen on a loaded machine.
 */
export const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];
/** How long the content nodes may take to show up in the discovery node's network view. */
export const CONTENT_NODES_DEADLINE_MS = 120_000;
