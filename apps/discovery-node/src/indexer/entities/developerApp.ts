// Developer apps: registered, updated and deleted by their owning user (docs/design.md §6). An
// app is keyed by its own key's address; a deleted app keeps its row, so the address is never
// registered again.
import type { Selectable } from 'kysely';
import { checkAppCreate, checkSelfEntity, ownedApp } from '../../core/entityRules.js';
import type { DeveloperAppsTable } from '../../db/schema.js';
import { ROWS_PER_STATEMENT, Rows, type TableSpec, chunks } from '../batchTables.js';
import type { EntityHandler } from './entityHandler.js';

/** An app as the indexer holds it (its redirect URIs parsed). */
export type AppRow = Omit<Selectable<DeveloperAppsTable>, 'redirect_uris'> & {
  redirect_uris: string[];
};

export const developerApps: TableSpec<Rows<string, AppRow>> = {
  name: 'developer_apps',
  stage: 'social',
  create: () =>
    new Rows<string, AppRow>({
      async read(db, addresses) {
        const rows = await db
          .selectFrom('developer_apps')
          .selectAll()
          .where('address', 'in', addresses)
          .execute();
        return rows.map((row) => [row.address, row]);
      },
      async write(tx, changed) {
        // Apps are never removed: a deleted one keeps its row (is_deleted).
        const rows = changed.map(([, row]) => ({
          ...row!,
          redirect_uris: JSON.stringify(row!.redirect_uris),
        }));
        for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
          await tx
            .insertInto('developer_apps')
            .values(part)
            .onConflict((oc) =>
              oc.column('address').doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                description: eb.ref('excluded.description'),
                image_url: eb.ref('excluded.image_url'),
                redirect_uris: eb.ref('excluded.redirect_uris'),
                is_deleted: eb.ref('excluded.is_deleted'),
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

/** The optional fields of an app's metadata as columns: absent and null are both none. */
function optional(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export const developerAppHandler: EntityHandler = {
  tables: [developerApps],
  need(batch, { data }) {
    if (typeof data?.address === 'string') batch.table(developerApps).need(data.address);
  },
  actions: {
    Create: {
      apply(batch, { user, entity, metadata, stamp, appSignatureValid }, actor) {
        checkSelfEntity(entity, user, 'DeveloperApp');
        const data = metadata.data!;
        const address = data.address as string;
        const apps = batch.table(developerApps);
        checkAppCreate(address, apps.get(address), appSignatureValid === true);
        apps.set(address, {
          address,
          user_id: actor.user_id,
          name: data.name as string,
          description: optional(data.description),
          image_url: optional(data.image_url),
          redirect_uris: (data.redirect_uris as string[] | undefined) ?? [],
          is_deleted: false,
          created_block: stamp.block,
          created_at: stamp.time,
          updated_block: stamp.block,
          updated_at: stamp.time,
          tx_hash: stamp.tx,
        });
      },
    },
    Update: {
      apply(batch, { user, entity, metadata, stamp }, actor) {
        checkSelfEntity(entity, user, 'DeveloperApp');
        const data = metadata.data!;
        const address = data.address as string;
        const apps = batch.table(developerApps);
        const app = ownedApp(apps.get(address), address, actor);
        const next: AppRow = {
          ...app,
          updated_block: stamp.block,
          updated_at: stamp.time,
          tx_hash: stamp.tx,
        };
        if (typeof data.name === 'string') next.name = data.name;
        if (data.description !== undefined) next.description = optional(data.description);
        if (data.image_url !== undefined) next.image_url = optional(data.image_url);
        if (data.redirect_uris !== undefined) {
          next.redirect_uris = (data.redirect_uris as string[] | null) ?? [];
        }
        apps.set(address, next);
      },
    },
    Delete: {
      apply(batch, { user, entity, metadata, stamp }, actor) {
        checkSelfEntity(entity, user, 'DeveloperApp');
        const address = metadata.data!.address as string;
        const apps = batch.table(developerApps);
        const app = ownedApp(apps.get(address), address, actor);
        apps.set(address, {
          ...app,
          is_deleted: true,
          updated_block: stamp.block,
          updated_at: stamp.time,
          tx_hash: stamp.tx,
        });
      },
    },
  },
};
