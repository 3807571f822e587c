// Grants (docs/design.md §6): a user authorizes an app (by its API key) or another user's wallet
// (a manager, once it approves) to sign actions for it; revoking stops the next one.
import { type AuthorizedApp, type Grant, type UserManager } from '@coliving/protocol';
import { type SdkContext, getData, getDataOn, toEntityId } from './context.js';
import { toAppAddress } from './developerApps.js';
import { manageEntity } from './manageEntity.js';
import type { WriteOptions } from './social.js';

export type GrantParameters = {
  /** The granting user (the account must be its wallet). */
  userId: string;
  /** An app's API key, or a manager's wallet address. */
  grantee: string;
};

export type AnswerGrantParameters = {
  /** The manager answering (the account must be its wallet). */
  userId: string;
  /** The user who asked it to manage its account. */
  grantor: string;
};

export type GrantsApi = {
  /** Authorizes `grantee` to act for `userId`: an app at once, a manager once it approves. */
  create(p: GrantParameters, options?: WriteOptions): Promise<Grant>;
  /** Revokes the grant (a grantee may also revoke its own). */
  revoke(p: GrantParameters, options?: WriteOptions): Promise<void>;
  /** A manager accepts the grant `grantor` offered it. */
  approve(p: AnswerGrantParameters, options?: WriteOptions): Promise<Grant>;
  /** A manager refuses the grant `grantor` offered it. */
  reject(p: AnswerGrantParameters, options?: WriteOptions): Promise<Grant>;
  /** The apps `userId` authorized (active grants). */
  authorizedApps(userId: string, options?: { signal?: AbortSignal }): Promise<AuthorizedApp[]>;
  /** `userId`'s managers with their grants (pending and approved; not revoked). */
  managers(userId: string, options?: { signal?: AbortSignal }): Promise<UserManager[]>;
};

export function createGrantsApi(ctx: SdkContext): GrantsApi {
  /** The grant from `grantor` to `grantee` as one node lists it, if it lists it. */
  async function grantOn(
    endpoint: string,
    grantor: string,
    grantee: string,
    signal?: AbortSignal,
  ): Promise<Grant | undefined> {
    const [apps, managers] = await Promise.all([
      getDataOn<AuthorizedApp[]>(
        ctx,
        endpoint,
        `/v1/users/${encodeURIComponent(grantor)}/authorized_apps`,
        {},
        signal,
      ),
      getDataOn<UserManager[]>(
        ctx,
        endpoint,
        `/v1/users/${encodeURIComponent(grantor)}/managers`,
        {},
        signal,
      ),
    ]);
    const app = apps?.find((a) => a.address === grantee);
    if (app) {
      return {
        grantee_address: app.address,
        user_id: app.grantor_user_id,
        is_revoked: false,
        is_approved: true,
        created_at: app.grant_created_at,
        updated_at: app.grant_updated_at,
      };
    }
    return managers?.find((m) => m.grant.grantee_address === grantee)?.grant;
  }

  function answer(approve: boolean) {
    return async (p: AnswerGrantParameters, options: WriteOptions = {}) => {
      const userId = toEntityId(p.userId, 'user id');
      const grantor = toEntityId(p.grantor, 'grantor id');
      const wallet = ctx.account()?.address.toLowerCase() ?? '';
      const grant = await manageEntity<Grant | undefined>(ctx, {
        userId,
        entityType: 'Grant',
        entityId: userId,
        action: approve ? 'Approve' : 'Reject',
        data: { grantor_user_id: grantor },
        readBack: async (endpoint) => {
          const rows = await getDataOn<UserManager[]>(
            ctx,
            endpoint,
            `/v1/users/${encodeURIComponent(p.grantor)}/managers`,
            {},
            options.signal,
          );
          return rows?.find((m) => m.grant.grantee_address === wallet)?.grant;
        },
        isApplied: (g) => g !== undefined && g.is_approved === approve,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
      return grant!;
    };
  }

  return {
    async create(p, options = {}) {
      const userId = toEntityId(p.userId, 'user id');
      const grantee = toAppAddress(p.grantee);
      const grant = await manageEntity<Grant | undefined>(ctx, {
        userId,
        entityType: 'Grant',
        entityId: userId,
        action: 'Create',
        data: { grantee_address: grantee },
        readBack: (endpoint) => grantOn(endpoint, p.userId, grantee, options.signal),
        isApplied: (g) => g !== undefined && !g.is_revoked,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
      return grant!;
    },

    async revoke(p, options = {}) {
      const userId = toEntityId(p.userId, 'user id');
      const grantee = toAppAddress(p.grantee);
      await manageEntity<Grant | undefined>(ctx, {
        userId,
        entityType: 'Grant',
        entityId: userId,
        action: 'Delete',
        data: { grantee_address: grantee },
        readBack: (endpoint) => grantOn(endpoint, p.userId, grantee, options.signal),
        isApplied: (g) => g === undefined,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    approve: answer(true),
    reject: answer(false),

    async authorizedApps(userId, options = {}) {
      toEntityId(userId, 'user id');
      return getData<AuthorizedApp[]>(
        ctx,
        `/v1/users/${encodeURIComponent(userId)}/authorized_apps`,
        {},
        options.signal,
      );
    },

    async managers(userId, options = {}) {
      toEntityId(userId, 'user id');
      return getData<UserManager[]>(
        ctx,
        `/v1/users/${encodeURIComponent(userId)}/managers`,
        {},
        options.signal,
      );
    },
  };
}
