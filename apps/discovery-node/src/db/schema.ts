// The database as Kysely sees it (see migrations/). int8 columns are read as numbers (ids stay
// below 2^53) and numeric ones (stake in wei) as strings.
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

type Json = Record<string, unknown>;
/** A timestamptz: read as a Date, written as a Date or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type UsersTable = {
  user_id: number;
  wallet: string;
  handle: string;
  handle_lc: string;
  name: string;
  is_deactivated: boolean;
  metadata: Json;
  metadata_cid: string;
  created_block: number;
  created_at: Timestamp;
  updated_block: number;
  updated_at: Timestamp;
  tx_hash: string;
};

export type TracksTable = {
  track_id: number;
  owner_id: number;
  title: string;
  /** coliving_slug(title), computed by the database (migration 0006). */
  title_slug: GeneratedAlways<string>;
  genre: string;
  mood: string | null;
  track_cid: string;
  duration: number;
  release_date: ColumnType<Date | null, Date | string | null, Date | string | null>;
  is_unlisted: boolean;
  is_deleted: boolean;
  stream_conditions: Json | null;
  download_conditions: Json | null;
  metadata: Json;
  metadata_cid: string;
  created_block: number;
  created_at: Timestamp;
  updated_block: number;
  updated_at: Timestamp;
  tx_hash: string;
};

export type PlaylistsTable = {
  playlist_id: number;
  owner_id: number;
  playlist_name: string;
  /** coliving_slug(playlist_name), computed by the database (migration 0006). */
  name_slug: GeneratedAlways<string>;
  is_album: boolean;
  is_private: boolean;
  is_deleted: boolean;
  stream_conditions: Json | null;
  metadata: Json;
  metadata_cid: string;
  created_block: number;
  created_at: Timestamp;
  updated_block: number;
  updated_at: Timestamp;
  tx_hash: string;
};

export type PlaylistTracksTable = {
  playlist_id: number;
  position: number;
  track_id: number;
  added_at: number;
};

export type FollowsTable = {
  follower_id: number;
  followee_id: number;
  created_block: number;
  created_at: Timestamp;
};

export type ItemType = 'track' | 'playlist';

export type SocialTable = {
  user_id: number;
  item_type: ItemType;
  item_id: number;
  created_block: number;
  created_at: Timestamp;
};

export type AggregateUserTable = {
  user_id: number;
  track_count: Generated<number>;
  playlist_count: Generated<number>;
  album_count: Generated<number>;
  follower_count: Generated<number>;
  following_count: Generated<number>;
  repost_count: Generated<number>;
  save_count: Generated<number>;
};

export type AggregateItemTable<K extends string> = Record<K, number> & {
  save_count: Generated<number>;
  repost_count: Generated<number>;
};

/** Plays per track, kept by triggers on `plays` (migration 0007). */
export type AggregatePlaysTable = { track_id: number; play_count: Generated<number> };

export type SkippedActionsTable = {
  block_number: number;
  log_index: number;
  tx_hash: string;
  user_id: string;
  signer: string;
  entity_type: string;
  entity_id: string;
  action: string;
  reason_code: string;
  reason: string;
};

export type EntityBlocksTable = {
  block_number: number;
  block_hash: string;
  block_time: Timestamp;
};

export type NodesTable = {
  node_id: number;
  service_type: string;
  owner: string;
  endpoint: string;
  delegate_wallet: string;
  is_registered: boolean;
  registered_block: number;
  updated_block: number;
};

export type NodeOwnersTable = {
  owner: string;
  stake: string;
  updated_block: number;
};

export type IndexingCheckpointsTable = {
  chain: string;
  block_number: number;
  block_hash: string;
};

/** Developer apps (migrations/0013_developer_apps_grants.sql), keyed by their lower-case address. */
export type DeveloperAppsTable = {
  address: string;
  user_id: number;
  name: string;
  description: string | null;
  image_url: string | null;
  redirect_uris: ColumnType<string[], string, string>;
  is_deleted: boolean;
  created_block: number;
  created_at: Timestamp;
  updated_block: number;
  updated_at: Timestamp;
  tx_hash: string;
};

/** Grants: a user's authorization of a grantee wallet (an app or a manager) to act for it. */
export type GrantsTable = {
  user_id: number;
  grantee_address: string;
  /** True: active once not revoked; null: a manager grant waiting; false: rejected. */
  is_approved: boolean | null;
  is_revoked: boolean;
  created_block: number;
  created_at: Timestamp;
  updated_block: number;
  updated_at: Timestamp;
  tx_hash: string;
};

export type DB = {
  users: UsersTable;
  developer_apps: DeveloperAppsTable;
  grants: GrantsTable;
  tracks: TracksTable;
  playlists: PlaylistsTable;
  playlist_tracks: PlaylistTracksTable;
  follows: FollowsTable;
  saves: SocialTable;
  reposts: SocialTable;
  aggregate_user: AggregateUserTable;
  aggregate_track: AggregateItemTable<'track_id'>;
  aggregate_playlist: AggregateItemTable<'playlist_id'>;
  skipped_actions: SkippedActionsTable;
  entity_blocks: EntityBlocksTable;
  nodes: NodesTable;
  node_owners: NodeOwnersTable;
  indexing_checkpoints: IndexingCheckpointsTable;
  plays: PlaysTable;
  skipped_plays: SkippedPlaysTable;
  aggregate_plays: AggregatePlaysTable;
  trending_track_scores: TrendingTrackScoresTable;
  underground_trending_scores: UndergroundTrendingScoresTable;
  trending_playlist_scores: TrendingPlaylistScoresTable;
  trending_state: TrendingStateTable;
  content_conditions: ContentConditionsTable;
  payments: PaymentsTable;
  payment_shares: PaymentSharesTable;
  purchases: PurchasesTable;
  tips: TipsTable;
  wallet_balances: WalletBalancesTable;
};

// Plays from the play log (migrations/0009_play_log.sql); bytea is read as a Buffer.
export type PlaysTable = {
  /** The play's 16-byte id. */
  play_id: Uint8Array;
  track_id: number;
  user_id: number | null;
  /** The listen's time. */
  created_at: Timestamp;
  block_number: number;
  log_index: number;
  node_id: number;
};

/** A play log batch (play_index -1) or one of its plays that counts nowhere, and why. */
export type SkippedPlaysTable = {
  block_number: number;
  log_index: number;
  play_index: number;
  play_id: Uint8Array | null;
  reason_code: string;
  reason: string;
};

// Trending (migrations/0003_trending.sql).
export type TrendingTimeRange = 'week' | 'month' | 'year' | 'allTime';

export type TrendingTrackScoresTable = {
  time_range: TrendingTimeRange;
  track_id: number;
  genre: string;
  score: number;
};

export type UndergroundTrendingScoresTable = { track_id: number; score: number };

export type TrendingPlaylistScoresTable = {
  time_range: TrendingTimeRange;
  playlist_id: number;
  score: number;
};

export type TrendingStateTable = { singleton: Generated<boolean>; computed_at: Timestamp };

// Payments (migrations/0010_payments.sql). numeric columns (DGCO wei) are read as strings.
/** Written as a bigint or a decimal string; read as a decimal string. */
type Wei = ColumnType<string, bigint | string, bigint | string>;

/** A track's or playlist's conditions after a data-chain block that changed it. */
export type ContentConditionsTable = {
  content_type: ItemType;
  content_id: number;
  block_number: number;
  block_time: Timestamp;
  owner_id: number;
  stream_conditions: Json | null;
  download_conditions: Json | null;
  is_deleted: boolean;
};

export type PaymentKind = 'purchase' | 'tip' | 'transfer';

/** Every PaymentRouter Payment event. */
export type PaymentsTable = {
  block_number: number;
  log_index: number;
  block_time: Timestamp;
  tx_hash: string;
  payer: string;
  token: string;
  payer_user_id: number | null;
  amount: Wei;
  ref: string;
  nonce: Wei;
  kind: PaymentKind;
  reason_code: string | null;
  reason: string | null;
};

export type PaymentSharesTable = {
  block_number: number;
  log_index: number;
  position: number;
  recipient: string;
  user_id: number | null;
  basis_points: number;
  amount: Wei;
};

export type PurchasesTable = {
  block_number: number;
  log_index: number;
  buyer_user_id: number;
  seller_user_id: number;
  content_type: ItemType;
  content_id: number;
  amount: Wei;
  created_at: Timestamp;
  tx_hash: string;
};

export type TipsTable = {
  block_number: number;
  log_index: number;
  sender_user_id: number;
  receiver_user_id: number;
  amount: Wei;
  created_at: Timestamp;
  tx_hash: string;
};

// Balances (migrations/0011_balances.sql), from DgcoToken's Transfer logs.
export type WalletBalancesTable = {
  /** Lower-case 0x address. */
  wallet: string;
  balance: Wei;
  /** The eth block of the last transfer that moved it. */
  updated_block: number;
};
