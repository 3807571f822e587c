import { DEFAULT_REPLICATION_FACTOR, PLAY_LIMITS } from '@coliving/protocol';
import { type ConfigOf, env, loadConfig } from '@coliving/server-kit';
import {
  DEFAULT_AUTH_WRITES_PER_HOUR,
  DEFAULT_CLEANUP_GRACE_MS,
  DEFAULT_DEAD_NODE_GRACE_MS,
  DEFAULT_STREAM_CACHE_BYTES,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_PLAY_SUBMIT_INTERVAL_MS,
  DEFAULT_REPAIR_INTERVAL_MS,
  DEFAULT_TRANSCODE_WORKERS,
  DEFAULT_UPLOAD_BYTES_PER_IP_PER_DAY,
  DEFAULT_UPLOAD_BYTES_PER_USER_PER_DAY,
  DEFAULT_UPLOAD_RETENTION_MS,
  DEFAULT_UPLOADS_PER_HOUR,
  DEFAULT_UPLOADS_PER_IP_PER_HOUR,
  RETENTION_INTERVAL_MS,
} from './constants.js';

const address = env.string({
  pattern: /^0x[0-9a-fA-F]{40}$/,
  expected: 'a 0x-prefixed 20-byte address',
});

/** Every COLIVING_ variable the content node reads. */
export const contentNodeConfigSpec = {
  host: env.string().default('127.0.0.1'),
  port: env.port().default(4000),
  /** This node's endpoint as registered on NodeRegistry (what peers and clients call). */
  publicUrl: env.url(),
  dataDir: env.string().default('.coliving/content-node'),
  /** file:///dir, s3://bucket/prefix?endpoint=…, or memory://; `<dataDir>/blobs` by default. */
  storageUrl: env.string().optional(),
  delegatePrivateKey: env.privateKey(),
  logLevel: env
    .oneOf(['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const)
    .default('info'),
  /** The eth chain and NodeRegistry, where peers and stream signers are registered. */
  ethRpcUrl: env.url().optional(),
  nodeRegistryAddress: address.optional(),
  /**
   * The data chain and its PlayLog, where this node submits the plays it served (from its
   * delegate wallet, which needs data-chain gas). Without both, listens are journaled only.
   */
  dataRpcUrl: env.url().optional(),
  playLogAddress: address.optional(),
  /** How often journaled plays are sent (a full batch goes at once). */
  playSubmitInterval: env.duration().default(DEFAULT_PLAY_SUBMIT_INTERVAL_MS),
  /** Listens one IP may make of one track, per hour, day and week, before they stop counting. */
  playLimitTrackIpHour: env.int({ min: 1, max: 1_000_000 }).default(PLAY_LIMITS.trackIp.hour),
  playLimitTrackIpDay: env.int({ min: 1, max: 1_000_000 }).default(PLAY_LIMITS.trackIp.day),
  playLimitTrackIpWeek: env.int({ min: 1, max: 1_000_000 }).default(PLAY_LIMITS.trackIp.week),
  /** A fixed network instead of the chain (tests): `0xWallet@http://host:port`, comma-separated. */
  peers: env
    .list(
      env.string({
        pattern: /^0x[0-9a-fA-F]{40}@https?:\/\/\S+$/,
        expected: '0xWallet@http(s)://endpoint',
      }),
    )
    .default([]),
  /** With `peers`: the delegate wallets of discovery nodes allowed to sign streams. */
  discoverySigners: env.list(address).default([]),
  /** With `peers`: the discovery nodes asked who is a user and what is referenced. */
  discoveryNodes: env.list(env.url()).default([]),
  maxUploadBytes: env.bytes().default(DEFAULT_MAX_UPLOAD_BYTES),
  uploadsPerHour: env.int({ min: 1, max: 1_000_000 }).default(DEFAULT_UPLOADS_PER_HOUR),
  uploadsPerIpPerHour: env.int({ min: 1, max: 1_000_000 }).default(DEFAULT_UPLOADS_PER_IP_PER_HOUR),
  uploadBytesPerUserPerDay: env.bytes().default(DEFAULT_UPLOAD_BYTES_PER_USER_PER_DAY),
  uploadBytesPerIpPerDay: env.bytes().default(DEFAULT_UPLOAD_BYTES_PER_IP_PER_DAY),
  /** How long an upload may stay unreferenced by any track, user or playlist before deletion. */
  uploadRetention: env.duration().default(DEFAULT_UPLOAD_RETENTION_MS),
  /** How often retention looks for unreferenced uploads. */
  retentionInterval: env.duration().default(RETENTION_INTERVAL_MS),
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (per-IP upload limits). */
  trustProxy: env.bool().default(false),
  authWritesPerHour: env.int({ min: 1, max: 1_000_000 }).default(DEFAULT_AUTH_WRITES_PER_HOUR),
  transcodeWorkers: env.int({ min: 1, max: 64 }).default(DEFAULT_TRANSCODE_WORKERS),
  replicationFactor: env.int({ min: 1, max: 10 }).default(DEFAULT_REPLICATION_FACTOR),
  repairInterval: env.duration().default(DEFAULT_REPAIR_INTERVAL_MS),
  cleanupGrace: env.duration().default(DEFAULT_CLEANUP_GRACE_MS),
  /** How long a peer stays unreachable before the next live nodes take its copies. */
  deadNodeGrace: env.duration().default(DEFAULT_DEAD_NODE_GRACE_MS),
  /** Memory for the blobs read most (a blob read twice is kept); 0 turns the cache off. */
  streamCacheBytes: env.bytes().default(DEFAULT_STREAM_CACHE_BYTES),
  ffmpegPath: env.string().optional(),
  ffprobePath: env.string().optional(),
};

export type ContentNodeConfig = ConfigOf<typeof contentNodeConfigSpec>;

/** Reads the config from the environment, once; ConfigError lists every problem. */
export function loadContentNodeConfig(
  source: Record<string, string | undefined> = process.env,
): ContentNodeConfig {
  const config = loadConfig(contentNodeConfigSpec, { env: source });
  if (config.peers.length === 0 && (!config.ethRpcUrl || !config.nodeRegistryAddress)) {
    throw new Error(
      'Set COLIVING_ETH_RPC_URL and COLIVING_NODE_REGISTRY_ADDRESS (or COLIVING_PEERS for a fixed network)',
    );
  }
  if ((config.dataRpcUrl === undefined) !== (config.playLogAddress === undefined)) {
    throw new Error('Set both COLIVING_DATA_RPC_URL and COLIVING_PLAY_LOG_ADDRESS, or neither');
  }
  return config;
}
