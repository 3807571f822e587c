// Follows, saves and reposts: one action on a target, confirmed by the flag the API shows the
// acting user on the target once the action is indexed.
import type { Action, EntityType } from '@coliving/protocol';
import { type SdkContext, getDataOn, toEntityId } from './context.js';
import { manageEntity } from './manageEntity.js';

/** Options of every write. */
export type WriteOptions = {
  signal?: AbortSignal;
  /** Told each step of the write: `signing`, `relaying`, `indexing` (and uploads, if any). */
  onStatus?: (status: string) => void;
};

export type ToggleParameters<T> = {
  entityType: EntityType;
  action: Action;
  userId: string;
  targetId: string;
  /** Reads the target as the acting user sees it, from one node. */
  read: (endpoint: string, viewer: string) => Promise<T | undefined>;
  /** The flag the action sets (true) or clears (false). */
  flag: (target: T) => boolean;
  on: boolean;
};

/** Sends one social action and answers the target as the acting user now sees it. */
export async function toggle<T>(
  ctx: SdkContext,
  p: ToggleParameters<T>,
  options: WriteOptions = {},
): Promise<T> {
  return manageEntity(ctx, {
    userId: toEntityId(p.userId, 'user id'),
    entityType: p.entityType,
    entityId: toEntityId(p.targetId, `${p.entityType.toLowerCase()} id`),
    action: p.action,
    readBack: (endpoint) => p.read(endpoint, p.userId),
    isApplied: (target) => target !== undefined && p.flag(target) === p.on,
    signal: options.signal,
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
}

/** Reads `path` on one node as `viewer` sees it. */
export function readAs<T>(ctx: SdkContext, path: string, signal?: AbortSignal) {
  return (endpoint: string, viewer: string) =>
    getDataOn<T>(ctx, endpoint, path, { user_id: viewer }, signal);
}
