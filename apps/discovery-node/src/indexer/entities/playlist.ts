// Playlists and albums: created, updated (their track list with them) and deleted by their
// owner; saved and reposted by anyone (social.ts).
import type { Selectable } from 'kysely';
import {
  checkAddedTrack,
  checkAlbumTrack,
  checkAlbumTurn,
  checkIdFree,
} from '../../core/entityRules.js';
import type { PlaylistsTable } from '../../db/schema.js';
import { ROWS_PER_STATEMENT, Rows, type TableSpec, chunks } from '../batchTables.js';
import { contentConditions } from './contentConditions.js';
import type { EntityBatch } from '../entityBatch.js';
import {
  type ActionContext,
  type EntityHandler,
  type UserRow,
  merge,
  owned,
  without,
} from './entityHandler.js';
import { SOCIAL_TABLES, itemCounts, socialActions } from './social.js';
import { tracks } from './track.js';
import { userCounts } from './user.js';

/** A playlist as the indexer writes it: every column but the slug the database computes. */
export type PlaylistRow = Omit<Selectable<PlaylistsTable>, 'name_slug'>;
export type PlaylistEntry = { track_id: number; added_at: number };

export const playlists: TableSpec<Rows<number, PlaylistRow>> = {
  name: 'playlists',
  stage: 'playlists',
  reports: 'playlists',
  create: () =>
    new Rows<number, PlaylistRow>({
      async read(db, ids) {
        const rows = await db
          .selectFrom('playlists')
          .selectAll()
          .where('playlist_id', 'in', ids)
          .execute();
        return rows.map(({ name_slug: _computed, ...row }) => [row.playlist_id, row]);
      },
      async write(tx, changed) {
        const rows = changed.map(([, row]) => row!);
        for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
          await tx
            .insertInto('playlists')
            .values(part)
            .onConflict((oc) =>
              oc.column('playlist_id').doUpdateSet((eb) => ({
                playlist_name: eb.ref('excluded.playlist_name'),
                is_album: eb.ref('excluded.is_album'),
                is_private: eb.ref('excluded.is_private'),
                is_deleted: eb.ref('excluded.is_deleted'),
                stream_conditions: eb.ref('excluded.stream_conditions'),
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

/** Each playlist's track list, in order; a changed list is written whole. */
export const playlistTracks: TableSpec<Rows<number, PlaylistEntry[]>> = {
  name: 'playlist_tracks',
  stage: 'playlists',
  reports: 'playlists',
  create: () =>
    new Rows<number, PlaylistEntry[]>({
      async read(db, ids) {
        const lists = new Map<number, PlaylistEntry[]>(ids.map((id) => [id, []]));
        const rows = await db
          .selectFrom('playlist_tracks')
          .select(['playlist_id', 'track_id', 'added_at'])
          .where('playlist_id', 'in', ids)
          .orderBy('playlist_id')
          .orderBy('position')
          .execute();
        for (const row of rows) {
          lists.get(row.playlist_id)!.push({ track_id: row.track_id, added_at: row.added_at });
        }
        return lists;
      },
      async write(tx, changed) {
        const listed = changed.map(([playlistId]) => playlistId);
        await tx.deleteFrom('playlist_tracks').where('playlist_id', 'in', listed).execute();
        const entries = changed.flatMap(([playlistId, list]) =>
          list!.map((entry, position) => ({
            playlist_id: playlistId,
            position,
            track_id: entry.track_id,
            added_at: entry.added_at,
          })),
        );
        for (const rows of chunks(entries, ROWS_PER_STATEMENT * 4)) {
          await tx.insertInto('playlist_tracks').values(rows).execute();
        }
      },
    }),
};

export const playlistCounts = itemCounts('aggregate_playlist', 'playlist_id', 'playlists');

type Contents = { track_ids: { track: number; time: number }[] };

/**
 * The track list of a playlist's metadata; tracks it adds must exist and not be deleted, and
 * every track of an album (`albumOwner` given) must be its owner's.
 */
function entriesOf(
  batch: EntityBatch,
  contents: Contents,
  before: PlaylistEntry[] = [],
  albumOwner?: number,
): PlaylistEntry[] {
  const had = new Set(before.map((e) => e.track_id));
  const rows = batch.table(tracks);
  for (const { track } of contents.track_ids) {
    if (!had.has(track)) checkAddedTrack(track, rows.get(track));
    if (albumOwner !== undefined) checkAlbumTrack(track, rows.get(track), albumOwner);
  }
  return contents.track_ids.map((e) => ({ track_id: e.track, added_at: e.time }));
}

function playlistColumns(data: Record<string, unknown>) {
  return {
    playlist_name: data.playlist_name as string,
    is_album: data.is_album === true,
    is_private: data.is_private === true,
    stream_conditions: (data.stream_conditions as Record<string, unknown> | undefined) ?? null,
  };
}

const ownedPlaylist = (batch: EntityBatch, actor: UserRow, id: number): PlaylistRow =>
  owned(batch.table(playlists).get(id), 'Playlist', id, actor);

const kindCount = (isAlbum: boolean) => (isAlbum ? 'album_count' : 'playlist_count');

/** Writes `row`, and its track list when it changed. */
function putPlaylist(batch: EntityBatch, row: PlaylistRow, entries?: PlaylistEntry[]): void {
  batch.table(playlists).set(row.playlist_id, row);
  batch.table(contentConditions).record('playlist', row.playlist_id, row);
  if (entries) batch.table(playlistTracks).set(row.playlist_id, entries);
}

function createPlaylist(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, metadata, stamp } = action;
  checkIdFree(batch.table(playlists).get(id), 'Playlist', id);
  const data = metadata.data!;
  const columns = playlistColumns(data);
  const entries = entriesOf(
    batch,
    data.playlist_contents as Contents,
    [],
    columns.is_album ? actor.user_id : undefined,
  );
  putPlaylist(
    batch,
    {
      playlist_id: id,
      owner_id: actor.user_id,
      ...columns,
      is_deleted: false,
      metadata: without(data, 'playlist_contents'),
      metadata_cid: metadata.cid,
      created_block: stamp.block,
      created_at: stamp.time,
      updated_block: stamp.block,
      updated_at: stamp.time,
      tx_hash: stamp.tx,
    },
    entries,
  );
  batch.table(playlistCounts).count(id, {});
  batch.table(userCounts).count(actor.user_id, { [kindCount(columns.is_album)]: 1 });
}

function updatePlaylist(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, metadata, stamp } = action;
  const playlist = ownedPlaylist(batch, actor, id);
  const update = metadata.data!;
  const next = merge(playlist.metadata, without(update, 'playlist_contents'));
  const columns = playlistColumns(next);
  checkAlbumTurn(playlist.is_album, columns.is_album, update.playlist_contents !== undefined);
  const entries =
    update.playlist_contents === undefined
      ? undefined
      : entriesOf(
          batch,
          update.playlist_contents as Contents,
          batch.table(playlistTracks).get(id) ?? undefined,
          columns.is_album ? actor.user_id : undefined,
        );
  putPlaylist(
    batch,
    {
      ...playlist,
      ...columns,
      metadata: next,
      metadata_cid: metadata.cid,
      updated_block: stamp.block,
      updated_at: stamp.time,
      tx_hash: stamp.tx,
    },
    entries,
  );
  if (columns.is_album !== playlist.is_album) {
    batch.table(userCounts).count(actor.user_id, {
      [kindCount(playlist.is_album)]: -1,
      [kindCount(columns.is_album)]: 1,
    });
  }
}

function deletePlaylist(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity: id, stamp } = action;
  const playlist = ownedPlaylist(batch, actor, id);
  putPlaylist(batch, {
    ...playlist,
    is_deleted: true,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.table(userCounts).count(actor.user_id, { [kindCount(playlist.is_album)]: -1 });
}

/** The Playlist entity type (albums included). */
export const playlistHandler: EntityHandler = {
  tables: [playlists, playlistTracks, playlistCounts, tracks, contentConditions, ...SOCIAL_TABLES],
  need(batch, { entity, data }) {
    batch.table(playlists).need(entity);
    const contents = data?.playlist_contents as Contents | undefined;
    for (const entry of contents?.track_ids ?? []) batch.table(tracks).need(entry.track);
  },
  actions: {
    Create: { apply: createPlaylist },
    Update: {
      need: (batch, { entity }) => batch.table(playlistTracks).need(entity),
      apply: updatePlaylist,
    },
    Delete: { apply: deletePlaylist },
    ...socialActions({ type: 'playlist', rows: playlists, counts: playlistCounts }),
  },
};
