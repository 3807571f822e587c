import type { LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type AuthApi, createAuthApi } from './auth.js';
import { DEFAULT_MAX_BLOCK_DIFFERENCE, DEFAULT_POLL_INTERVAL_MS } from './constants.js';
import type { SdkContext } from './context.js';
import { type DeveloperAppsApi, createDeveloperAppsApi } from './developerApps.js';
import { ColivingSdkError } from './errors.js';
import { type ChainTarget, createDiscovery } from './discovery.js';
import { type GrantsApi, createGrantsApi } from './grants.js';
import type { FetchFn } from './http.js';
import { type OAuthApi, type OAuthStorage, createOAuthApi } from './oauth.js';
import {
  type PurchasesApi,
  type TipsApi,
  type WalletApi,
  createPurchasesApi,
  createTipsApi,
  createWalletApi,
} from './payments.js';
import { type PlaylistsApi, createPlaylistsApi } from './playlists.js';
import { type ResolveReturnType, resolve } from './resolve.js';
import { type TracksApi, createTracksApi } from './tracks.js';
import type { DiscoveryHealth } from './types.js';
import { type UsersApi, createUsersApi } from './users.js';

export type ColivingSdkInit = {
  /** Discovery-node endpoints; the SDK also learns the others from their /health_check. */
  discoveryNodes: string[];
  /** The viem account that signs writes and uploads (settable later with setAccount). */
  account?: LocalAccount;
  /** The fetch to use (globalThis.fetch by default). */
  fetch?: typeof fetch;
  /** A discovery node further behind the chain head than this is passed over (default 15). */
  maxBlockDifference?: number;
  /** How often waits (indexing, transcoding) poll, in ms (default 250). */
  pollIntervalMs?: number;
  /** A developer app's API key: its client_id for Log in with Coliving. */
  apiKey?: string;
  /**
   * The app's secret key: writes are signed with it for users who granted the app (unless
   * `account` is given). Keep it on a server, never in a page.
   */
  apiSecret?: `0x${string}`;
  /** The web player that serves the consent page (default https://coliving.app). */
  webUrl?: string;
  /** Where a login keeps its PKCE verifier and state (sessionStorage by default). */
  oauthStorage?: OAuthStorage;
};

export type ColivingSdk = {
  setAccount(account: LocalAccount | undefined): void;
  /** The account writes are signed with, if any. */
  readonly account: LocalAccount | undefined;
  discovery: {
    /** The selected discovery node's endpoint. */
    current(signal?: AbortSignal): Promise<string>;
    /** Every discovery node known so far. */
    endpoints(): string[];
    /** The selected node's health report. */
    health(signal?: AbortSignal): Promise<DiscoveryHealth>;
    /** The content nodes of the network, as the selected node knows them. */
    contentNodes(signal?: AbortSignal): Promise<string[]>;
    /** The data chain and EntityManager that writes are signed for. */
    chain(signal?: AbortSignal): Promise<ChainTarget>;
  };
  tracks: TracksApi;
  users: UsersApi;
  playlists: PlaylistsApi;
  /** The account's DGCO on the eth chain. */
  wallet: WalletApi;
  /** Tips between users, signed by the account and relayed by a discovery node. */
  tips: TipsApi;
  /** Purchases of priced tracks and playlists, signed by the account and relayed. */
  purchases: PurchasesApi;
  /**
   * What a permalink or app URL names: a user, a track or a playlist, as `userId` (the current
   * user) sees it: their private playlists and scheduled tracks are found only with it.
   */
  resolve(
    url: string,
    options?: { userId?: string; signal?: AbortSignal },
  ): Promise<ResolveReturnType>;
  auth: AuthApi;
  /** Developer apps: register (a new app key pair), update, delete, read. */
  developerApps: DeveloperAppsApi;
  /** Grants: authorize an app or a manager to act for a user, revoke, approve, list. */
  grants: GrantsApi;
  /** Log in with Coliving: login, handleRedirect, verifyToken; authorize (the consent page). */
  oauth: OAuthApi;
};

/** Builds an SDK; nothing is fetched until the first call. */
export function createColivingSdk(init: ColivingSdkInit): ColivingSdk {
  // Bound lazily: a browser's fetch must be called on globalThis.
  const fetchFn: FetchFn = init.fetch ?? ((input, options) => globalThis.fetch(input, options));
  const discovery = createDiscovery({
    endpoints: init.discoveryNodes,
    fetch: fetchFn,
    maxBlockDifference: init.maxBlockDifference ?? DEFAULT_MAX_BLOCK_DIFFERENCE,
  });
  let account = init.account ?? appAccount(init);
  const ctx: SdkContext = {
    discovery,
    fetch: fetchFn,
    pollIntervalMs: init.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    account: () => account,
    setAccount: (next) => {
      account = next;
    },
  };
  return {
    setAccount: (next) => ctx.setAccount(next),
    get account() {
      return account;
    },
    discovery: {
      current: (signal) => discovery.current(signal),
      endpoints: () => discovery.endpoints(),
      health: (signal) => discovery.health(signal),
      contentNodes: (signal) => discovery.contentNodes(signal),
      chain: (signal) => discovery.chainTarget(signal),
    },
    tracks: createTracksApi(ctx),
    users: createUsersApi(ctx),
    playlists: createPlaylistsApi(ctx),
    wallet: createWalletApi(ctx),
    tips: createTipsApi(ctx),
    purchases: createPurchasesApi(ctx),
    resolve: (url, options) => resolve(ctx, url, options),
    auth: createAuthApi(ctx),
    developerApps: createDeveloperAppsApi(ctx),
    grants: createGrantsApi(ctx),
    oauth: createOAuthApi(ctx, {
      apiKey: init.apiKey,
      webUrl: init.webUrl,
      storage: init.oauthStorage,
    }),
  };
}

/** The app's key as the account, checked against its API key when both are given. */
function appAccount(init: ColivingSdkInit): LocalAccount | undefined {
  if (init.apiSecret === undefined) return undefined;
  const key = privateKeyToAccount(init.apiSecret);
  if (init.apiKey !== undefined && init.apiKey.toLowerCase() !== key.address.toLowerCase()) {
    throw new ColivingSdkError('invalid_input', 'apiSecret is not the secret of apiKey', {
      code: 'api_secret_mismatch',
    });
  }
  return key;
}
