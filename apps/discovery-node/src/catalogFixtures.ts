// Catalog rows written straight into a discovery database, for tests of what reads them
// (trending, counts, the API's loaders): users with their counts, tracks, playlists, reposts,
// saves and plays, dated relative to a fixed NOW.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, ItemType } from './db/schema.js';

export const NOW = new Date('2025-06-01T00:00:00Z');
export const DAY_MS = 86_400_000;
/** `days` before NOW (negative: after it). */
export const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

/** The columns every entity row has: empty metadata, written in block 1, `daysAgo` before NOW. */
function written(daysAgo: number) {
  return {
    metadata: {},
    metadata_cid: '',
    created_block: 1,
    created_at: ago(daysAgo),
    updated_block: 1,
    updated_at: ago(daysAgo),
    tx_hash: '0x',
  };
}

export async function addUser(
  db: Kysely<DB>,
  id: number,
  counts: { followers: number; following?: number },
  profile: Record<string, unknown> = {},
  isDeactivated = false,
): Promise<void> {
  const handle = `user${id}`;
  await db
    .insertInto('users')
    .values({
      user_id: id,
      wallet: `0x${id.toString(16).padStart(40, '0')}`,
      handle,
      handle_lc: handle,
      name: handle,
      is_deactivated: isDeactivated,
      metadata: { handle, ...profile },
      metadata_cid: '',
      created_block: 1,
      created_at: ago(400),
      updated_block: 1,
      updated_at: ago(400),
      tx_hash: '0x',
    })
    .execute();
  await db
    .insertInto('aggregate_user')
    .values({
      user_id: id,
      follower_count: counts.followers,
      following_count: counts.following ?? 0,
    })
    .execute();
}

export async function addTrack(
  db: Kysely<DB>,
  id: number,
  owner: number,
  createdDaysAgo: number,
  extra: {
    title?: string;
    genre?: string;
    releaseDaysAgo?: number;
    isDeleted?: boolean;
    isUnlisted?: boolean;
  } = {},
): Promise<void> {
  await db
    .insertInto('tracks')
    .values({
      track_id: id,
      owner_id: owner,
      title: extra.title ?? `Track ${id}`,
      genre: extra.genre ?? 'Electronic',
      track_cid: 'cid',
      duration: 180,
      release_date: extra.releaseDaysAgo === undefined ? null : ago(extra.releaseDaysAgo),
      is_unlisted: extra.isUnlisted ?? false,
      is_deleted: extra.isDeleted ?? false,
      ...written(createdDaysAgo),
    })
    .execute();
}

export async function addPlaylist(
  db: Kysely<DB>,
  id: number,
  owner: number,
  createdDaysAgo: number,
  trackIds: number[],
  extra: { isAlbum?: boolean; isPrivate?: boolean; isDeleted?: boolean } = {},
): Promise<void> {
  await db
    .insertInto('playlists')
    .values({
      playlist_id: id,
      owner_id: owner,
      playlist_name: `Playlist ${id}`,
      is_album: extra.isAlbum ?? false,
      is_private: extra.isPrivate ?? false,
      is_deleted: extra.isDeleted ?? false,
      ...written(createdDaysAgo),
    })
    .execute();
  if (trackIds.length === 0) return;
  await db
    .insertInto('playlist_tracks')
    .values(
      trackIds.map((track_id, position) => ({ playlist_id: id, position, track_id, added_at: 0 })),
    )
    .execute();
}

export async function addSocial(
  db: Kysely<DB>,
  table: 'reposts' | 'saves',
  user: number,
  itemType: ItemType,
  item: number,
  daysAgo: number,
): Promise<void> {
  await db
    .insertInto(table)
    .values({
      user_id: user,
      item_type: itemType,
      item_id: item,
      created_block: 1,
      created_at: ago(daysAgo),
    })
    .execute();
}

export const repost = (db: Kysely<DB>, user: number, track: number, daysAgo: number) =>
  addSocial(db, 'reposts', user, 'track', track, daysAgo);
export const save = (db: Kysely<DB>, user: number, track: number, daysAgo: number) =>
  addSocial(db, 'saves', user, 'track', track, daysAgo);

export async function addPlays(
  db: Kysely<DB>,
  track: number,
  count: number,
  daysAgo: number,
): Promise<void> {
  await db
    .insertInto('plays')
    .values(
      // Not from a chain: made-up ids and position (the play log indexer fills real ones).
      Array.from({ length: count }, () => ({
        play_id: randomBytes(16),
        track_id: track,
        user_id: null,
        created_at: ago(daysAgo),
        block_number: 0,
        log_index: 0,
        node_id: 0,
      })),
    )
    .execute();
}
