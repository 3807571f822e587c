// Saves and reposts of tracks and playlists: the actions those entity types share. Each item type
// passes its own rows and counts, so this module needs neither track.ts nor playlist.ts.
import { sql } from 'kysely';
import type { Action } from '@coliving/protocol';
import type { ItemType } from '../../db/schema.js';
import { Counts, ROWS_PER_STATEMENT, Rows, type TableSpec, chunks } from '../batchTables.js';
import type { ChangedKind } from '../../core/entityChanges.js';
import { checkSocial } from '../../core/entityRules.js';
import { type ActionHandler, type EdgeRow } from './entityHandler.js';
import { userCounts } from './user.js';

export const itemKey = (user: number, type: ItemType, item: number) => `${user}:${type}:${item}`;

/** The saves or reposts table, its rows keyed by itemKey. */
function edgeTable(table: 'saves' | 'reposts'): TableSpec<Rows<string, EdgeRow>> {
  return {
    name: table,
    stage: 'social',
    create: () =>
      new Rows<string, EdgeRow>({
        async read(db, keys) {
          const parts = keys.map((k) => k.split(':'));
          const rows = await sql<
            { user_id: number; item_type: ItemType; item_id: number } & EdgeRow
          >`
            select s.user_id, s.item_type, s.item_id, s.created_block, s.created_at
            from ${sql.table(table)} s
            join unnest(${parts.map((p) => Number(p[0]))}::bigint[], ${parts.map((p) => p[1])}::text[],
              ${parts.map((p) => Number(p[2]))}::bigint[]) as k(user_id, item_type, item_id)
              on s.user_id = k.user_id and s.item_type = k.item_type and s.item_id = k.item_id`.execute(
            db,
          );
          return rows.rows.map((row) => [
            itemKey(Number(row.user_id), row.item_type, Number(row.item_id)),
            { created_block: Number(row.created_block), created_at: row.created_at },
          ]);
        },
        async write(tx, changed) {
          for (const part of chunks(changed, ROWS_PER_STATEMENT * 4)) {
            const parts = part.map(([key]) => key.split(':'));
            await sql`delete from ${sql.table(table)} s
              using unnest(${parts.map((p) => Number(p[0]))}::bigint[], ${parts.map((p) => p[1])}::text[],
                ${parts.map((p) => Number(p[2]))}::bigint[]) as k(user_id, item_type, item_id)
              where s.user_id = k.user_id and s.item_type = k.item_type and s.item_id = k.item_id`.execute(
              tx,
            );
          }
          const rows = changed.flatMap(([key, edge]) => {
            if (!edge) return [];
            const [user, type, item] = key.split(':');
            return [
              {
                user_id: Number(user),
                item_type: type as ItemType,
                item_id: Number(item),
                ...edge,
              },
            ];
          });
          for (const part of chunks(rows, ROWS_PER_STATEMENT * 4)) {
            await tx.insertInto(table).values(part).execute();
          }
        },
      }),
  };
}

export const saves = edgeTable('saves');
export const reposts = edgeTable('reposts');

const ITEM_COUNTS = ['save_count', 'repost_count'] as const;
export type ItemCounts = Counts<(typeof ITEM_COUNTS)[number]>;

/** An item type's save and repost counts (`aggregate_track`, `aggregate_playlist`). */
export function itemCounts(
  table: 'aggregate_track' | 'aggregate_playlist',
  key: 'track_id' | 'playlist_id',
  reports: ChangedKind,
): TableSpec<ItemCounts> {
  return {
    name: table,
    stage: 'aggregates',
    reports,
    create: () =>
      new Counts(ITEM_COUNTS, async (tx, part) => {
        await sql`insert into ${sql.table(table)} (${sql.ref(key)}, save_count, repost_count)
          select * from unnest(${part.map((r) => r.id)}::bigint[],
            ${part.map((r) => r.save_count)}::bigint[], ${part.map((r) => r.repost_count)}::bigint[])
          on conflict (${sql.ref(key)}) do update set
            save_count = ${sql.table(table)}.save_count + excluded.save_count,
            repost_count = ${sql.table(table)}.repost_count + excluded.repost_count`.execute(tx);
      }),
  };
}

/** What saves and reposts of one item type act on. */
export type SocialItem = {
  type: ItemType;
  rows: TableSpec<Rows<number, { is_deleted: boolean }>>;
  counts: TableSpec<ItemCounts>;
};

/** The tables saves and reposts write, beside the item's own. */
export const SOCIAL_TABLES: readonly TableSpec[] = [saves, reposts, userCounts];

type SocialAction = Extract<Action, 'Save' | 'Unsave' | 'Repost' | 'Unrepost'>;

function socialAction(item: SocialItem, action: SocialAction): ActionHandler {
  const { type } = item;
  const on = action === 'Save' || action === 'Repost';
  const isSave = action === 'Save' || action === 'Unsave';
  const edges = isSave ? saves : reposts;
  return {
    need: (batch, { user, entity }) => batch.table(edges).need(itemKey(user, type, entity)),
    apply(batch, { entity: id, edge }, actor) {
      const key = itemKey(actor.user_id, type, id);
      const state = batch.table(edges);
      checkSocial(action, actor, type, id, batch.table(item.rows).get(id), state.get(key) != null);
      state.set(key, on ? edge : null);
      const step = on ? 1 : -1;
      const counter = isSave ? 'save_count' : 'repost_count';
      batch.table(userCounts).count(actor.user_id, { [counter]: step });
      batch.table(item.counts).count(id, { [counter]: step });
    },
  };
}

/** Save, Unsave, Repost and Unrepost of `item`'s type. */
export function socialActions(item: SocialItem): Record<SocialAction, ActionHandler> {
  return {
    Save: socialAction(item, 'Save'),
    Unsave: socialAction(item, 'Unsave'),
    Repost: socialAction(item, 'Repost'),
    Unrepost: socialAction(item, 'Unrepost'),
  };
}
