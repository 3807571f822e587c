// Grants: a user authorizes a grantee wallet (a developer app's address, or another user's wallet
// as a manager) to act for it (docs/design.md §6). An app's grant is active at once; a manager's
// waits until the manager approves it. Revoking keeps the row (is_revoked), so the next action
// the grantee signs is skipped as `grant_revoked`.
import { type Selectable, sql } from 'kysely';
import { checkGrantCreate, checkGrantExists, checkSelfEntity } from '../../core/entityRules.js';
import type { GrantsTable } from '../../db/schema.js';
import { ROWS_PER_STATEMENT, Rows, type TableSpec, chunks } from '../batchTables.js';
import type { EntityBatch } from '../entityBatch.js';
import { developerApps } from './developerApp.js';
import type { ActionHandler, EntityHandler, Stamp } from './entityHandler.js';
import { users } from './user.js';

export type GrantRow = Selectable<GrantsTable>;

/** A grant's key: the granting user and the grantee's lower-case address. */
export const grantKey = (user: number, grantee: string) => `${user}:${grantee}`;

export const grants: TableSpec<Rows<string, GrantRow>> = {
  name: 'grants',
  stage: 'social',
  create: () =>
    new Rows<string, GrantRow>({
      async read(db, keys) {
        const parts = keys.map((k) => k.split(':'));
        const rows = await sql<GrantRow>`select g.* from grants g
          join unnest(${parts.map((p) => Number(p[0]))}::bigint[], ${parts.map((p) => p[1])}::text[])
            as k(user_id, grantee_address)
            on g.user_id = k.user_id and g.grantee_address = k.grantee_address`.execute(db);
        return rows.rows.map((row) => {
          const grant = {
            ...row,
            user_id: Number(row.user_id),
            created_block: Number(row.created_block),
            updated_block: Number(row.updated_block),
          };
          return [grantKey(grant.user_id, grant.grantee_address), grant];
        });
      },
      async write(tx, changed) {
        // Grants are never removed: a revoked one keeps its row.
        const rows = changed.map(([, row]) => row!);
        for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
          await tx
            .insertInto('grants')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['user_id', 'grantee_address']).doUpdateSet((eb) => ({
                is_approved: eb.ref('excluded.is_approved'),
                is_revoked: eb.ref('excluded.is_revoked'),
                created_block: eb.ref('excluded.created_block'),
                created_at: eb.ref('excluded.created_at'),
                updated_block: eb.ref('excluded.updated_block'),
                updated_at: eb.ref('excluded.updated_at'),
                tx_hash: eb.ref('excluded.tx_hash'),
              })),
            )
            .execute();
        }
      },
    }),
};

/** Marks the grant from `user` to `grantee` (any signer's, for the dispatcher) to be loaded. */
export function needGrant(batch: EntityBatch, user: number, grantee: string): void {
  batch.table(grants).need(grantKey(user, grantee));
}

function stamped(row: GrantRow, stamp: Stamp, change: Partial<GrantRow>): GrantRow {
  return {
    ...row,
    ...change,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  };
}

/** A manager approves (`approve`) or rejects the grant a user offered it. */
function answer(approve: boolean): ActionHandler {
  return {
    need: (batch, { data, signer }) => {
      if (typeof data?.grantor_user_id === 'number') {
        needGrant(batch, data.grantor_user_id, signer);
      }
    },
    apply(batch, { user, entity, metadata, stamp }, actor) {
      checkSelfEntity(entity, user, 'Grant');
      const grantor = metadata.data!.grantor_user_id as number;
      const key = grantKey(grantor, actor.wallet);
      const table = batch.table(grants);
      const grant = checkGrantExists(table.get(key), grantor, actor.wallet, true);
      table.set(key, stamped(grant, stamp, { is_approved: approve }));
    },
  };
}

export const grantHandler: EntityHandler = {
  tables: [grants, developerApps, users],
  need(batch, { user, data }) {
    const grantee = data?.grantee_address;
    if (typeof grantee !== 'string') return;
    needGrant(batch, user, grantee);
    batch.table(developerApps).need(grantee);
    batch.table(users).needWallet(grantee);
  },
  actions: {
    Create: {
      apply(batch, { user, entity, metadata, stamp }, actor) {
        checkSelfEntity(entity, user, 'Grant');
        const grantee = metadata.data!.grantee_address as string;
        const app = batch.table(developerApps).get(grantee);
        const isApp = app != null && !app.is_deleted;
        const isUser = batch.table(users).idOfWallet(grantee) != null;
        const key = grantKey(actor.user_id, grantee);
        const table = batch.table(grants);
        const { is_approved } = checkGrantCreate(actor, grantee, isApp, isUser, table.get(key));
        table.set(key, {
          user_id: actor.user_id,
          grantee_address: grantee,
          is_approved,
          is_revoked: false,
          created_block: stamp.block,
          created_at: stamp.time,
          updated_block: stamp.block,
          updated_at: stamp.time,
          tx_hash: stamp.tx,
        });
      },
    },
    Delete: {
      apply(batch, { user, entity, metadata, stamp }, actor) {
        checkSelfEntity(entity, user, 'Grant');
        const grantee = metadata.data!.grantee_address as string;
        const key = grantKey(actor.user_id, grantee);
        const table = batch.table(grants);
        const grant = checkGrantExists(table.get(key), actor.user_id, grantee);
        table.set(key, stamped(grant, stamp, { is_revoked: true }));
      },
    },
    Approve: answer(true),
    Reject: answer(false),
  },
};
