// Developer apps (docs/design.md §6): an app is its own key pair; its address is its API key.
// Registering one signs, with the new app key, a message naming the owner, so only the holder of
// the key registers it; the secret is handed back once and never stored or sent by the SDK.
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type DeveloperApp, signDeveloperApp } from '@coliving/protocol';
import { type SdkContext, getData, getDataOn, readById, toEntityId } from './context.js';
import { ColivingSdkError } from './errors.js';
import { manageEntity } from './manageEntity.js';
import type { WriteOptions } from './social.js';

export type CreateDeveloperAppParameters = {
  /** The owning user (the account must be its wallet). */
  userId: string;
  name: string;
  description?: string;
  imageUrl?: string;
  /** Where "Log in with Coliving" may send users back: absolute http(s) URIs, at most ten. */
  redirectUris?: string[];
};

export type CreateDeveloperAppReturnType = {
  /** The app's address: what it sends as `api_key` / `client_id`. */
  apiKey: string;
  /** The app key's private key: shown once; whoever holds it signs as the app. */
  apiSecret: `0x${string}`;
  app: DeveloperApp;
};

export type UpdateDeveloperAppParameters = {
  userId: string;
  apiKey: string;
  name?: string;
  /** null clears it. */
  description?: string | null;
  imageUrl?: string | null;
  redirectUris?: string[] | null;
};

export type DeveloperAppsApi = {
  /** Generates an app key, registers the app for `userId`, and answers its key and secret. */
  create(
    p: CreateDeveloperAppParameters,
    options?: WriteOptions,
  ): Promise<CreateDeveloperAppReturnType>;
  update(p: UpdateDeveloperAppParameters, options?: WriteOptions): Promise<DeveloperApp>;
  /** Deletes the app: its address is never registered again. */
  delete(p: { userId: string; apiKey: string }, options?: WriteOptions): Promise<void>;
  /** The app with this address (API key); `not_found` when none or deleted. */
  get(apiKey: string, options?: { signal?: AbortSignal }): Promise<DeveloperApp>;
  /** A user's apps, oldest first. */
  listByUser(userId: string, options?: { signal?: AbortSignal }): Promise<DeveloperApp[]>;
};

/** An API key as the chain keys it: a lower-case 0x address. */
export function toAppAddress(apiKey: string): string {
  const key = apiKey.startsWith('0x') ? apiKey : `0x${apiKey}`;
  if (!/^0x[0-9a-fA-F]{40}$/.test(key)) {
    throw new ColivingSdkError('invalid_input', `"${apiKey}" is not an API key (an address)`, {
      code: 'invalid_api_key',
    });
  }
  return key.toLowerCase();
}

const appPath = (address: string) => `/v1/developer_apps/${address}`;

export function createDeveloperAppsApi(ctx: SdkContext): DeveloperAppsApi {
  const readOn = (endpoint: string, address: string, signal?: AbortSignal) =>
    getDataOn<DeveloperApp>(ctx, endpoint, appPath(address), {}, signal);

  return {
    async create(p, options = {}) {
      const userId = toEntityId(p.userId, 'user id');
      const apiSecret = generatePrivateKey();
      const key: LocalAccount = privateKeyToAccount(apiSecret);
      const address = key.address.toLowerCase();
      const data: Record<string, unknown> = {
        address,
        name: p.name,
        app_signature: await signDeveloperApp({ account: key, userId }),
      };
      if (p.description !== undefined) data.description = p.description;
      if (p.imageUrl !== undefined) data.image_url = p.imageUrl;
      if (p.redirectUris !== undefined) data.redirect_uris = p.redirectUris;
      const app = await manageEntity<DeveloperApp>(ctx, {
        userId,
        entityType: 'DeveloperApp',
        entityId: userId,
        action: 'Create',
        data,
        readBack: (endpoint) => readOn(endpoint, address, options.signal),
        isApplied: (a) => a !== undefined,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
      return { apiKey: address, apiSecret, app };
    },

    async update(p, options = {}) {
      const userId = toEntityId(p.userId, 'user id');
      const address = toAppAddress(p.apiKey);
      const data: Record<string, unknown> = { address };
      if (p.name !== undefined) data.name = p.name;
      if (p.description !== undefined) data.description = p.description;
      if (p.imageUrl !== undefined) data.image_url = p.imageUrl;
      if (p.redirectUris !== undefined) data.redirect_uris = p.redirectUris;
      return manageEntity<DeveloperApp>(ctx, {
        userId,
        entityType: 'DeveloperApp',
        entityId: userId,
        action: 'Update',
        data,
        readBack: (endpoint) => readOn(endpoint, address, options.signal),
        isApplied: (a) =>
          a !== undefined &&
          (p.name === undefined || a.name === p.name) &&
          (p.description === undefined || a.description === p.description) &&
          (p.imageUrl === undefined || a.image_url === p.imageUrl) &&
          (p.redirectUris === undefined ||
            JSON.stringify(a.redirect_uris) === JSON.stringify(p.redirectUris ?? [])),
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    async delete(p, options = {}) {
      const userId = toEntityId(p.userId, 'user id');
      const address = toAppAddress(p.apiKey);
      await manageEntity<DeveloperApp | undefined>(ctx, {
        userId,
        entityType: 'DeveloperApp',
        entityId: userId,
        action: 'Delete',
        data: { address },
        readBack: (endpoint) => readOn(endpoint, address, options.signal),
        isApplied: (a) => a === undefined,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    async get(apiKey, options = {}) {
      const address = toAppAddress(apiKey);
      return readById(
        getData<DeveloperApp>(ctx, appPath(address), {}, options.signal),
        'developer app',
        apiKey,
      );
    },

    async listByUser(userId, options = {}) {
      toEntityId(userId, 'user id');
      return getData<DeveloperApp[]>(
        ctx,
        `/v1/users/${encodeURIComponent(userId)}/developer_apps`,
        {},
        options.signal,
      );
    },
  };
}
