// The shape every entity type's module has (user.ts, track.ts, ...): the tables it works on,
// the rows its actions need loaded, and how each action applies. registry.ts lists them.
import type { Selectable } from 'kysely';
import type { Action, EntityMetadata } from '@coliving/protocol';
import type { ReceiptVerdict } from '../../core/uploadReceipts.js';
import type { UsersTable } from '../../db/schema.js';
import type { TableSpec } from '../batchTables.js';
import type { EntityBatch } from '../entityBatch.js';

// The rules themselves are shared with the relay, which refuses before gas what they would skip.
export { SkipReason, merge, owned } from '../../core/entityRules.js';

/** A user as the indexer holds it: what the database reads back. */
export type UserRow = Selectable<UsersTable>;

/** A follow, save or repost: when it was made. */
export type EdgeRow = { created_block: number; created_at: Date };

/** Where an action sits: its block and transaction stamp every row it writes. */
export type Stamp = { block: number; time: Date; tx: string };

/** What an action may ask to have loaded: who acts on what, with the metadata it carries. */
export type ActionNeeds = {
  /** The acting user's id. */
  user: number;
  /** The entity's id (the followed user for a follow, the item for a save or repost). */
  entity: number;
  /** The wallet that signed it, lower case. */
  signer: string;
  action: Action;
  /** Its metadata's data, when it carries valid metadata. */
  data: Record<string, unknown> | null | undefined;
};

/** A valid action, ready to apply: its ids in range and its metadata parsed. */
export type ActionContext = {
  /** The acting user's id, as the event names it. */
  user: number;
  entity: number;
  signer: string;
  action: Action;
  metadata: EntityMetadata;
  stamp: Stamp;
  /** The edge a follow, save or repost made by this action records. */
  edge: EdgeRow;
  /** The verdict on the upload receipt its metadata carries (a track's audio), if any. */
  receipt?: ReceiptVerdict;
  /** A DeveloperApp Create's: whether its app_signature is the app key's, naming the user. */
  appSignatureValid?: boolean;
};

/**
 * One action of an entity type. `by` says who may take it: an active user (the default), a user
 * even deactivated ('user': a user reactivates itself by Update), or a signer with no user yet
 * ('signer': User Create). The dispatcher checks that before `apply` runs.
 */
export type ActionHandler =
  | {
      by: 'signer';
      need?(batch: EntityBatch, action: ActionNeeds): void;
      apply(batch: EntityBatch, action: ActionContext): void;
    }
  | {
      by?: 'user' | 'active user';
      /** Marks the rows applying it may read, beyond those its entity type marks. */
      need?(batch: EntityBatch, action: ActionNeeds): void;
      /** Applies it as `actor` (the signer's user), or throws SkipReason. */
      apply(batch: EntityBatch, action: ActionContext, actor: UserRow): void;
    };

/** An entity type: its tables, the rows every action on it reads, and its actions. */
export type EntityHandler = {
  /** The tables its actions read or write; a batch holds each once, whoever declares it. */
  tables: readonly TableSpec[];
  /** Marks the rows any action on this type may read (the batch loads them up front). */
  need(batch: EntityBatch, action: ActionNeeds): void;
  /** Its actions, by name: exactly those @coliving/protocol allows the type. */
  actions: Partial<Record<Action, ActionHandler>>;
};

/** `data` without `keys`. */
export function without(data: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...data };
  for (const key of keys) delete out[key];
  return out;
}
