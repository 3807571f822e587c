import { type ConfigOf, env, loadConfig } from '@coliving/server-kit';

/** Every COLIVING_ variable the discovery node reads. */
export const discoveryNodeConfigSpec = {
  host: env.string().default('127.0.0.1'),
  port: env.port().default(5000),
  /** The URL clients reach this node at (stream and image links are absolute); http://host:port by default. */
  publicUrl: env.url().optional(),
  /** How often trending scores are recomputed. */
  trendingInterval: env.duration().default(5 * 60 * 1000),
  /** `postgres://…` for a PostgreSQL server; PGlite in `<dataDir>/db` otherwise. */
  databaseUrl: env.url({ protocols: ['postgres:', 'postgresql:'] }).optional(),
  dataDir: env.string().default('.coliving/discovery-node'),
  /** The deployment manifest (JSON, as deployAll writes it): chains, contracts, deploy blocks. */
  manifest: env.string(),
  /** This operator's own RPC endpoints, instead of the manifest's. */
  dataRpcUrl: env.url().optional(),
  ethRpcUrl: env.url().optional(),
  /** The delegate key registered on NodeRegistry: signs health reports and stream access. */
  delegatePrivateKey: env.privateKey(),
  /** The gas wallet the relay submits from; without it POST /relay answers 503. */
  relayerPrivateKey: env.privateKey().optional(),
  /**
   * The reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the
   * client; unset, the client is the socket's peer and the header is ignored (the relay limits
   * sign-ups per client IP, so a forged header must not pass for another client).
   */
  trustProxy: env.string().optional(),
  /** Relay limits (core/relay.ts, DEFAULT_RELAY_LIMITS when unset): User Creates per client IP per hour. */
  relayUserCreatesPerIpHour: env.int({ min: 0, max: 1_000_000 }).optional(),
  /** Actions one user may relay per minute, and track creates and other actions per hour. */
  relayActionsPerUserMinute: env.int({ min: 0, max: 1_000_000 }).optional(),
  relayTrackCreatesPerUserHour: env.int({ min: 0, max: 1_000_000 }).optional(),
  relayActionsPerUserHour: env.int({ min: 0, max: 1_000_000 }).optional(),
  /**
   * Payment relay limits (core/paymentRelay.ts, DEFAULT_PAYMENT_RELAY_LIMITS when unset):
   * payments relayed per payer wallet and per client IP, per minute and per hour.
   */
  relayPaymentsPerWalletMinute: env.int({ min: 0, max: 1_000_000 }).optional(),
  relayPaymentsPerWalletHour: env.int({ min: 0, max: 1_000_000 }).optional(),
  relayPaymentsPerIpMinute: env.int({ min: 0, max: 1_000_000 }).optional(),
  relayPaymentsPerIpHour: env.int({ min: 0, max: 1_000_000 }).optional(),
  /**
   * API rate limits (api/rateLimit.ts, docs/api-v1.md "Rate limits"), requests per window; 0 is
   * no limit. Per client address without a registered api_key; per address with one registered
   * app's api_key; per address in all, whatever the key.
   */
  rateLimitPerIp: env.int({ min: 0, max: 1_000_000_000 }).default(1200),
  rateLimitPerApp: env.int({ min: 0, max: 1_000_000_000 }).default(2400),
  rateLimitIpCeiling: env.int({ min: 0, max: 1_000_000_000 }).default(4800),
  /** The rate limits' window (fixed, aligned to the clock). */
  rateLimitWindow: env.duration().default(60_000),
  /**
   * Addresses and CIDRs never rate limited (comma-separated), loopback by default (the devnet,
   * the web player and bench on this machine); `none` for no exemption.
   */
  rateLimitExempt: env.list(env.string()).default(['127.0.0.0/8', '::1']),
  /** Blocks under the head before a block is indexed: 0 on a devnet, 12 elsewhere by default. */
  dataConfirmations: env.int({ min: 0, max: 10_000 }).optional(),
  ethConfirmations: env.int({ min: 0, max: 10_000 }).optional(),
  /**
   * How old an eth block must be before its payments are judged while the data indexer is at the
   * data chain's head: 5 s on a devnet data chain, 30 s elsewhere by default (docs/design.md §9).
   */
  paymentSettle: env.duration().optional(),
  pollInterval: env.duration().default(1000),
  /** Memory for tracks kept as answered JSON (api/answer/trackJsonCache.ts), in MiB; 0: none. */
  trackCacheMb: env.int({ min: 0, max: 1_000_000 }).default(256),
  logLevel: env
    .oneOf(['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const)
    .default('info'),
};

export type DiscoveryNodeConfig = ConfigOf<typeof discoveryNodeConfigSpec>;

/** Reads the config from the environment, once; ConfigError lists every problem. */
export function loadDiscoveryNodeConfig(
  source: Record<string, string | undefined> = process.env,
): DiscoveryNodeConfig {
  return loadConfig(discoveryNodeConfigSpec, { env: source });
}
