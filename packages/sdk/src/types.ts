// The API v1 wire models are defined once, in @coliving/protocol (src/api/), as JSON schemas and
// their types: what a discovery node answers, snake_case, ids as hashid strings.
import type { User } from '@coliving/protocol';

export type {
  Access,
  BackdropImage,
  Envelope,
  ErrorBody,
  Favorite,
  FieldVisibility,
  FolloweeFavorite,
  FolloweeRepost,
  ListenCount,
  ListenCountsMonthly,
  MonthlyListens,
  Playlist,
  PlaylistEntry,
  Repost,
  SquareImage,
  TopListener,
  Track,
  TrackActivity,
  UrlWithMirrors,
  User,
} from '@coliving/protocol';

/** A discovery node's `/health_check` report (the keys the SDK reads; nodes send more). */
export type DiscoveryHealth = {
  healthy?: boolean;
  block_difference?: number;
  latest_indexed_block?: number;
  latest_chain_block?: number;
  /**
   * The registered nodes. Content nodes are objects with an `endpoint` (Audius's shape; older
   * nodes listed bare endpoints, still read).
   */
  network?: {
    content_nodes?: (string | { endpoint?: string; delegateOwnerWallet?: string })[];
    discovery_nodes?: string[];
  };
  chain?: { data?: { chain_id?: number; entity_manager?: string } };
  service?: string;
  version?: string;
  [key: string]: unknown;
};

/** A content node's upload record (`GET /uploads/:id`). */
export type { UploadRecord } from '@coliving/protocol';

/** Paging of list routes: `limit` 1–500 (default 100), `offset` up to 10,000. */
export type Page = { limit?: number; offset?: number };
/** `userId`: the current user, for `has_current_user_*` and `does_current_user_*`. */
export type Viewer = { userId?: string };

// Money (docs/design.md §9): wire models of the payment reads (amounts are DGCO wei as decimal
// strings, ids hashids, as every other read).

/** `GET /v1/payments/info`: all the SDK needs to sign a payment on the eth chain. */
export type PaymentsInfo = {
  chain_id: number;
  /** DgcoToken's address. */
  token: string;
  payment_router: string;
  /** The smallest tip that counts (wei). */
  min_tip: string;
  /** The EIP-712 domain of the token's EIP-2612 permit. */
  permit_domain?: { name: string; version: string };
  /** With `wallet`: its DGCO balance, its allowance for PaymentRouter, its permit nonce. */
  balance?: string;
  allowance?: string;
  permit_nonce?: string;
};

/** `GET /v1/tracks/{id}/access-info` and `/v1/playlists/{id}/access-info` (Audius's AccessInfo). */
export type AccessInfo = {
  access: { stream: boolean; download: boolean };
  user_id: string | null;
  blocknumber: number;
  is_stream_gated: boolean;
  stream_conditions: Record<string, unknown> | null;
  is_download_gated: boolean;
  download_conditions: Record<string, unknown> | null;
};

/** One tip, `GET /v1/tips` (newest first). */
export type Tip = {
  amount: string;
  sender: User;
  receiver: User;
  created_at: string;
  /** The eth-chain block. */
  slot: number;
  /** The transaction hash. */
  tx_signature: string;
  followee_supporters: unknown[];
};

/** `GET /v1/users/{id}/supporters`: who tipped the user, by total. */
export type Supporter = { rank: number; amount: string; sender: User };
/** `GET /v1/users/{id}/supporting`: whom the user tipped, by total. */
export type Supporting = {
  rank: number;
  amount: string;
  receiver: User;
};

/** One purchase, `GET /v1/users/{id}/purchases` and `/sales`. */
export type Purchase = {
  /** The eth-chain block. */
  slot: number;
  /** The transaction hash. */
  signature: string;
  seller_user_id: string;
  buyer_user_id: string;
  amount: string;
  extra_amount: string;
  content_type: 'track' | 'playlist';
  content_id: string;
  created_at: string;
  updated_at: string;
  access: string;
};

/** `GET /v1/users/{id}/sales/aggregate`: per item sold. */
export type SalesAggregate = {
  content_type: 'track' | 'playlist';
  content_id: string;
  purchase_count: number;
  amount: string;
};
