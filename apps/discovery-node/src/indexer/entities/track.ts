// Tracks: created, updated and deleted by their owner; saved and reposted by anyone (social.ts).
import type { Selectable } from 'kysely';
import { checkAudio } from '../../core/entityRules.js';
import type { TracksTable } from '../../db/schema.js';
import { ROWS_PER_STATEMENT, Rows, type TableSpec, chunks } from '../batchTables.js';
import { contentConditions } from './contentConditions.js';
import type { EntityBatch } from '../entityBatch.js';
import {
  type ActionContext,
  type EntityHandler,
  SkipReason,
  type UserRow,
  merge,
  owned,
} from './entityHandler.js';
import { SOCIAL_TABLES, itemCounts, socialActions } from './social.js';
import { userCounts } from './user.js';

/** A track as the indexer writes it: every column but the slug the database computes. */
export type TrackRow = Omit<Selectable<TracksTable>, 'title_slug'>;

export const tracks: TableSpec<Rows<number, TrackRow>> = {
  name: 'tracks',
  stage: 'tracks',
  reports: 'tracks',
  create: () =>
    new Rows<number, TrackRow>({
      async read(db, ids) {
        const rows = await db
          .selectFrom('tracks')
          .selectAll()
          .where('track_id', 'in', ids)
          .execute();
        return rows.map(({ title_slug: _computed, ...row }) => [row.track_id, row]);
      },
      async write(tx, changed) {
        const rows = changed.map(([, row]) => row!);
        for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
          await tx
            .insertInto('tracks')
            .values(part)
            .onConflict((oc) =>
              oc.column('track_id').doUpdateSet((eb) => ({
                title: eb.ref('excluded.title'),
                genre: eb.ref('excluded.genre'),
                mood: eb.ref('excluded.mood'),
                track_cid: eb.ref('excluded.track_cid'),
                duration: eb.ref('excluded.duration'),
                release_date: eb.ref('excluded.release_date'),
                is_unlisted: eb.ref('excluded.is_unlisted'),
                is_deleted: eb.ref('excluded.is_deleted'),
                stream_conditions: eb.ref('excluded.stream_conditions'),
                download_conditions: eb.ref('excluded.download_conditions'),
                metadata: eb.ref('excluded.metadata'),
                metadata_cid: eb.ref('excluded.metadata_cid'),
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

export const trackCounts = itemCounts('aggregate_track', 'track_id', 'tracks');

function trackColumns(data: Record<string, unknown>) {
  return {
    title: data.title as string,
    genre: data.genre as string,
    mood: (data.mood as string | undefined) ?? null,
    track_cid: data.track_cid as string,
    duration: data.duration as number,
    release_date: typeof data.release_date === 'string' ? new Date(data.release_date) : null,
    is_unlisted: data.is_unlisted === true,
    stream_conditions: (data.stream_conditions as Record<string, unknown> | undefined) ?? null,
    download_conditions: (data.download_conditions as Record<string, unknown> | undefined) ?? null,
  };
}

/** Writes `row`, and records its conditions in the history. */
function putTrack(batch: EntityBatch, row: TrackRow): void {
  batch.table(tracks).set(row.track_id, row);
  batch.table(contentConditions).record('track', row.track_id, row);
}

const ownedTrack = (batch: EntityBatch, actor: UserRow, id: number): TrackRow =>
  owned(batch.table(tracks).get(id), 'Track', id, actor);

function createTrack(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, metadata, stamp } = action;
  const rows = batch.table(tracks);
  if (rows.get(id)) throw new SkipReason('id_taken', `Track ${id} already exists`);
  const data = metadata.data!;
  checkAudio(data, actor, action.receipt);
  putTrack(batch, {
    track_id: id,
    owner_id: actor.user_id,
    ...trackColumns(data),
    is_deleted: false,
    metadata: data,
    metadata_cid: metadata.cid,
    created_block: stamp.block,
    created_at: stamp.time,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.table(trackCounts).count(id, {});
  batch.table(userCounts).count(actor.user_id, { track_count: 1 });
}

function updateTrack(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, metadata, stamp } = action;
  const track = ownedTrack(batch, actor, id);
  const next = merge(track.metadata, metadata.data!);
  checkAudio(next, actor, action.receipt);
  const columns = trackColumns(next);
  // Listing or scheduling a track changes how many of the owner's tracks listeners see (the
  // owner's track_count, read at query time): views kept of the owner (their tracks' JSON) drop.
  // An empty delta writes no new count; the owner's counts row exists since the track's Create.
  if (
    columns.is_unlisted !== track.is_unlisted ||
    columns.release_date?.getTime() !== track.release_date?.getTime()
  )
    batch.table(userCounts).count(actor.user_id, {});
  putTrack(batch, {
    ...track,
    ...columns,
    metadata: next,
    metadata_cid: metadata.cid,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
}

function deleteTrack(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, stamp } = action;
  const track = ownedTrack(batch, actor, id);
  putTrack(batch, {
    ...track,
    is_deleted: true,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.table(userCounts).count(actor.user_id, { track_count: -1 });
}

/** The Track entity type. */
export const trackHandler: EntityHandler = {
  tables: [tracks, trackCounts, contentConditions, ...SOCIAL_TABLES],
  need: (batch, { entity }) => batch.table(tracks).need(entity),
  actions: {
    Create: { apply: createTrack },
    Update: { apply: updateTrack },
    Delete: { apply: deleteTrack },
    ...socialActions({ type: 'track', rows: tracks, counts: trackCounts }),
  },
};
