import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { DB, ItemType, PlaylistsTable, TracksTable, UsersTable } from '../db/schema.js';

/** Rows as the indexer holds them: what the database reads back. */
export type UserRow = Selectable<UsersTable>;
/** A track as the indexer writes it: every column but the slug the database computes. */
export type TrackRow = Omit<Selectable<TracksTable>, 'title_slug'>;
/** A playlist as the indexer writes it: every column but the slug the database computes. */
export type PlaylistRow = Omit<Selectable<PlaylistsTable>, 'name_slug'>;

export type PlaylistEntry = { track_id: number; added_at: number };
export type EdgeRow = { created_block: number; created_at: Date };
export type SkippedRow = DB['skipped_actions'];

/** The entities a batch changed, in their rows or in their counts. */
export type EntityChanges = {
  users: ReadonlySet<number>;
  tracks: ReadonlySet<number>;
  playlists: ReadonlySet<number>;
};

type UserCounts = {
  track_count: number;
  playlist_count: number;
  album_count: number;
  follower_count: number;
  following_count: number;
  repost_count: number;
  save_count: number;
};
type ItemCounts = { save_count: number; repost_count: number };

/** What a batch must read before it can decide its events: collected by a first pass. */
export type BatchNeeds = {
  userIds: Set<number>;
  wallets: Set<string>;
  handles: Set<string>;
  trackIds: Set<number>;
  playlistIds: Set<number>;
  /** Playlists whose current track list an event compares against. */
  playlistContents: Set<number>;
  follows: Set<string>;
  saves: Set<string>;
  reposts: Set<string>;
};

export function emptyNeeds(): BatchNeeds {
  return {
    userIds: new Set(),
    wallets: new Set(),
    handles: new Set(),
    trackIds: new Set(),
    playlistIds: new Set(),
    playlistContents: new Set(),
    follows: new Set(),
    saves: new Set(),
    reposts: new Set(),
  };
}

export const followKey = (follower: number, followee: number) => `${follower}:${followee}`;
export const itemKey = (user: number, type: ItemType, item: number) => `${user}:${type}:${item}`;

/** Rows per statement: well under PostgreSQL's 65,535 parameters for the widest table. */
const ROWS_PER_STATEMENT = 1000;
/** Ids per `in (…)` lookup. */
const IDS_PER_LOOKUP = 5000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The entity state one indexing transaction works on: the rows its events touch, read up front
 * in a few queries, changed in memory as the events apply in order (a later event sees what an
 * earlier one did), and written back at the end in a few bulk statements.
 */
export class EntityBatch {
  readonly users = new Map<number, UserRow | null>();
  readonly userByWallet = new Map<string, number | null>();
  readonly userByHandle = new Map<string, number | null>();
  readonly tracks = new Map<number, TrackRow | null>();
  readonly playlists = new Map<number, PlaylistRow | null>();
  readonly playlistTracks = new Map<number, PlaylistEntry[]>();
  readonly follows = new Map<string, EdgeRow | null>();
  readonly saves = new Map<string, EdgeRow | null>();
  readonly reposts = new Map<string, EdgeRow | null>();

  private readonly dirtyUsers = new Set<number>();
  private readonly dirtyTracks = new Set<number>();
  private readonly dirtyPlaylists = new Set<number>();
  private readonly dirtyPlaylistTracks = new Set<number>();
  private readonly dirtyFollows = new Set<string>();
  private readonly dirtySaves = new Set<string>();
  private readonly dirtyReposts = new Set<string>();
  private readonly userCounts = new Map<number, UserCounts>();
  private readonly trackCounts = new Map<number, ItemCounts>();
  private readonly playlistCounts = new Map<number, ItemCounts>();
  private readonly skipped: SkippedRow[] = [];
  private readonly blocks = new Map<number, { block_hash: string; block_time: Date }>();
  applied = 0;

  /** Reads every row `needs` names (absent ones are remembered as absent). */
  static async load(db: Kysely<DB> | Transaction<DB>, needs: BatchNeeds): Promise<EntityBatch> {
    const batch = new EntityBatch();
    // Users by id, by the signers' wallets and by the handles creates ask for; each key that
    // finds no user is remembered as free.
    await batch.loadUsers(db, 'user_id', [...needs.userIds], batch.users);
    await batch.loadUsers(db, 'wallet', [...needs.wallets], batch.userByWallet);
    await batch.loadUsers(db, 'handle_lc', [...needs.handles], batch.userByHandle);
    for (const ids of chunks([...needs.trackIds], IDS_PER_LOOKUP)) {
      for (const id of ids) batch.tracks.set(id, null);
      const rows = await db.selectFrom('tracks').selectAll().where('track_id', 'in', ids).execute();
      for (const { title_slug: _computed, ...row } of rows) batch.tracks.set(row.track_id, row);
    }
    for (const ids of chunks([...needs.playlistIds], IDS_PER_LOOKUP)) {
      for (const id of ids) batch.playlists.set(id, null);
      const rows = await db
        .selectFrom('playlists')
        .selectAll()
        .where('playlist_id', 'in', ids)
        .execute();
      for (const { name_slug: _computed, ...row } of rows)
        batch.playlists.set(row.playlist_id, row);
    }
    for (const ids of chunks([...needs.playlistContents], IDS_PER_LOOKUP)) {
      for (const id of ids) batch.playlistTracks.set(id, []);
      const rows = await db
        .selectFrom('playlist_tracks')
        .select(['playlist_id', 'track_id', 'added_at'])
        .where('playlist_id', 'in', ids)
        .orderBy('playlist_id')
        .orderBy('position')
        .execute();
      for (const row of rows) {
        batch.playlistTracks.get(row.playlist_id)!.push({
          track_id: row.track_id,
          added_at: row.added_at,
        });
      }
    }
    for (const keys of chunks([...needs.follows], IDS_PER_LOOKUP)) {
      for (const key of keys) batch.follows.set(key, null);
      const pairs = keys.map((k) => k.split(':').map(Number) as [number, number]);
      const rows = await sql<{ follower_id: number; followee_id: number } & EdgeRow>`
        select f.follower_id, f.followee_id, f.created_block, f.created_at
        from follows f
        join unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[])
          as k(follower_id, followee_id)
          on f.follower_id = k.follower_id and f.followee_id = k.followee_id`.execute(db);
      for (const row of rows.rows) {
        batch.follows.set(followKey(Number(row.follower_id), Number(row.followee_id)), {
          created_block: Number(row.created_block),
          created_at: row.created_at,
        });
      }
    }
    await batch.loadItems(db, 'saves', needs.saves, batch.saves);
    await batch.loadItems(db, 'reposts', needs.reposts, batch.reposts);
    return batch;
  }

  private async loadUsers<K extends number | string>(
    db: Kysely<DB> | Transaction<DB>,
    column: 'user_id' | 'wallet' | 'handle_lc',
    keys: K[],
    absent: Map<K, unknown>,
  ): Promise<void> {
    for (const part of chunks(keys, IDS_PER_LOOKUP)) {
      for (const key of part) if (!absent.has(key)) absent.set(key, null);
      const rows = await db.selectFrom('users').selectAll().where(column, 'in', part).execute();
      for (const row of rows) this.rememberUser(row);
    }
  }

  private async loadItems(
    db: Kysely<DB> | Transaction<DB>,
    table: 'saves' | 'reposts',
    needed: Set<string>,
    into: Map<string, EdgeRow | null>,
  ): Promise<void> {
    for (const keys of chunks([...needed], IDS_PER_LOOKUP)) {
      for (const key of keys) into.set(key, null);
      const parts = keys.map((k) => k.split(':'));
      const rows = await sql<{ user_id: number; item_type: ItemType; item_id: number } & EdgeRow>`
        select s.user_id, s.item_type, s.item_id, s.created_block, s.created_at
        from ${sql.table(table)} s
        join unnest(${parts.map((p) => Number(p[0]))}::bigint[], ${parts.map((p) => p[1])}::text[],
          ${parts.map((p) => Number(p[2]))}::bigint[]) as k(user_id, item_type, item_id)
          on s.user_id = k.user_id and s.item_type = k.item_type and s.item_id = k.item_id`.execute(
        db,
      );
      for (const row of rows.rows) {
        into.set(itemKey(Number(row.user_id), row.item_type, Number(row.item_id)), {
          created_block: Number(row.created_block),
          created_at: row.created_at,
        });
      }
    }
  }

  private rememberUser(row: UserRow): void {
    this.users.set(row.user_id, row);
    this.userByWallet.set(row.wallet, row.user_id);
    this.userByHandle.set(row.handle_lc, row.user_id);
  }

  // ---------------------------------------------------------------- changes

  putUser(row: UserRow): void {
    const before = this.users.get(row.user_id);
    if (before && before.handle_lc !== row.handle_lc) this.userByHandle.set(before.handle_lc, null);
    this.rememberUser(row);
    this.dirtyUsers.add(row.user_id);
    if (!before) this.countUser(row.user_id, {});
  }

  putTrack(row: TrackRow): void {
    const created = !this.tracks.get(row.track_id);
    this.tracks.set(row.track_id, row);
    this.dirtyTracks.add(row.track_id);
    if (created) this.countTrack(row.track_id, {});
  }

  putPlaylist(row: PlaylistRow, entries?: PlaylistEntry[]): void {
    const created = !this.playlists.get(row.playlist_id);
    this.playlists.set(row.playlist_id, row);
    this.dirtyPlaylists.add(row.playlist_id);
    if (created) this.countPlaylist(row.playlist_id, {});
    if (entries) {
      this.playlistTracks.set(row.playlist_id, entries);
      this.dirtyPlaylistTracks.add(row.playlist_id);
    }
  }

  setFollow(key: string, edge: EdgeRow | null): void {
    this.follows.set(key, edge);
    this.dirtyFollows.add(key);
  }

  setSave(key: string, edge: EdgeRow | null): void {
    this.saves.set(key, edge);
    this.dirtySaves.add(key);
  }

  setRepost(key: string, edge: EdgeRow | null): void {
    this.reposts.set(key, edge);
    this.dirtyReposts.add(key);
  }

  countUser(userId: number, delta: Partial<UserCounts>): void {
    const counts = this.userCounts.get(userId) ?? {
      track_count: 0,
      playlist_count: 0,
      album_count: 0,
      follower_count: 0,
      following_count: 0,
      repost_count: 0,
      save_count: 0,
    };
    for (const [key, value] of Object.entries(delta) as [keyof UserCounts, number][]) {
      counts[key] += value;
    }
    this.userCounts.set(userId, counts);
  }

  countTrack(trackId: number, delta: Partial<ItemCounts>): void {
    const counts = this.trackCounts.get(trackId) ?? { save_count: 0, repost_count: 0 };
    counts.save_count += delta.save_count ?? 0;
    counts.repost_count += delta.repost_count ?? 0;
    this.trackCounts.set(trackId, counts);
  }

  countPlaylist(playlistId: number, delta: Partial<ItemCounts>): void {
    const counts = this.playlistCounts.get(playlistId) ?? { save_count: 0, repost_count: 0 };
    counts.save_count += delta.save_count ?? 0;
    counts.repost_count += delta.repost_count ?? 0;
    this.playlistCounts.set(playlistId, counts);
  }

  skip(row: SkippedRow): void {
    this.skipped.push(row);
  }

  /** Remembers a block that carried events (its hash answers block confirmations). */
  noteBlock(blockNumber: number, blockHash: string, blockTime: Date): void {
    this.blocks.set(blockNumber, { block_hash: blockHash, block_time: blockTime });
  }

  /** Every entity whose row or counts this batch changed: what a view kept of it must drop. */
  changes(): EntityChanges {
    return {
      users: new Set([...this.dirtyUsers, ...this.userCounts.keys()]),
      tracks: new Set([...this.dirtyTracks, ...this.trackCounts.keys()]),
      playlists: new Set([
        ...this.dirtyPlaylists,
        ...this.dirtyPlaylistTracks,
        ...this.playlistCounts.keys(),
      ]),
    };
  }

  get skippedCount(): number {
    return this.skipped.length;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes every change in a few bulk statements, parents before children. `checkpoint` runs
   * between stages (tests use it to stop a transaction midway, as a crash would).
   */
  async flush(tx: Transaction<DB>, checkpoint: (stage: string) => Promise<void>): Promise<void> {
    const users = [...this.dirtyUsers].sort((a, b) => a - b).map((id) => this.users.get(id)!);
    for (const rows of chunks(users, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('users')
        .values(rows)
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet((eb) => ({
            handle: eb.ref('excluded.handle'),
            handle_lc: eb.ref('excluded.handle_lc'),
            name: eb.ref('excluded.name'),
            is_deactivated: eb.ref('excluded.is_deactivated'),
            metadata: eb.ref('excluded.metadata'),
            metadata_cid: eb.ref('excluded.metadata_cid'),
            updated_block: eb.ref('excluded.updated_block'),
            updated_at: eb.ref('excluded.updated_at'),
            tx_hash: eb.ref('excluded.tx_hash'),
          })),
        )
        .execute();
    }
    await checkpoint('users');
    const tracks = [...this.dirtyTracks].sort((a, b) => a - b).map((id) => this.tracks.get(id)!);
    for (const rows of chunks(tracks, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('tracks')
        .values(rows)
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
    await checkpoint('tracks');
    const playlists = [...this.dirtyPlaylists]
      .sort((a, b) => a - b)
      .map((id) => this.playlists.get(id)!);
    for (const rows of chunks(playlists, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('playlists')
        .values(rows)
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
    const listed = [...this.dirtyPlaylistTracks].sort((a, b) => a - b);
    if (listed.length > 0) {
      await tx.deleteFrom('playlist_tracks').where('playlist_id', 'in', listed).execute();
      const entries = listed.flatMap((playlistId) =>
        this.playlistTracks.get(playlistId)!.map((entry, position) => ({
          playlist_id: playlistId,
          position,
          track_id: entry.track_id,
          added_at: entry.added_at,
        })),
      );
      for (const rows of chunks(entries, ROWS_PER_STATEMENT * 4)) {
        await tx.insertInto('playlist_tracks').values(rows).execute();
      }
    }
    await checkpoint('playlists');
    await this.flushFollows(tx);
    await this.flushItems(tx, 'saves', this.dirtySaves, this.saves);
    await this.flushItems(tx, 'reposts', this.dirtyReposts, this.reposts);
    await checkpoint('social');
    await this.flushCounts(tx);
    await checkpoint('aggregates');
    for (const rows of chunks(this.skipped, ROWS_PER_STATEMENT)) {
      await tx.insertInto('skipped_actions').values(rows).execute();
    }
    const blocks = [...this.blocks].map(([block_number, b]) => ({ block_number, ...b }));
    for (const rows of chunks(blocks, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('entity_blocks')
        .values(rows)
        .onConflict((oc) => oc.column('block_number').doNothing())
        .execute();
    }
    await checkpoint('skipped');
  }

  private async flushFollows(tx: Transaction<DB>): Promise<void> {
    const keys = [...this.dirtyFollows].sort();
    if (keys.length === 0) return;
    for (const part of chunks(keys, ROWS_PER_STATEMENT * 4)) {
      const pairs = part.map((k) => k.split(':').map(Number) as [number, number]);
      await sql`delete from follows f
        using unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[])
          as k(follower_id, followee_id)
        where f.follower_id = k.follower_id and f.followee_id = k.followee_id`.execute(tx);
    }
    const rows = keys.flatMap((key) => {
      const edge = this.follows.get(key);
      if (!edge) return [];
      const [follower_id, followee_id] = key.split(':').map(Number) as [number, number];
      return [{ follower_id, followee_id, ...edge }];
    });
    for (const part of chunks(rows, ROWS_PER_STATEMENT * 4)) {
      await tx.insertInto('follows').values(part).execute();
    }
  }

  private async flushItems(
    tx: Transaction<DB>,
    table: 'saves' | 'reposts',
    dirty: Set<string>,
    state: Map<string, EdgeRow | null>,
  ): Promise<void> {
    const keys = [...dirty].sort();
    if (keys.length === 0) return;
    for (const part of chunks(keys, ROWS_PER_STATEMENT * 4)) {
      const parts = part.map((k) => k.split(':'));
      await sql`delete from ${sql.table(table)} s
        using unnest(${parts.map((p) => Number(p[0]))}::bigint[], ${parts.map((p) => p[1])}::text[],
          ${parts.map((p) => Number(p[2]))}::bigint[]) as k(user_id, item_type, item_id)
        where s.user_id = k.user_id and s.item_type = k.item_type and s.item_id = k.item_id`.execute(
        tx,
      );
    }
    const rows = keys.flatMap((key) => {
      const edge = state.get(key);
      if (!edge) return [];
      const [user, type, item] = key.split(':');
      return [
        { user_id: Number(user), item_type: type as ItemType, item_id: Number(item), ...edge },
      ];
    });
    for (const part of chunks(rows, ROWS_PER_STATEMENT * 4)) {
      await tx.insertInto(table).values(part).execute();
    }
  }

  private async flushCounts(tx: Transaction<DB>): Promise<void> {
    const users = [...this.userCounts]
      .sort((a, b) => a[0] - b[0])
      .map(([user_id, c]) => ({ user_id, ...c }));
    for (const rows of chunks(users, ROWS_PER_STATEMENT)) {
      await tx
        .insertInto('aggregate_user')
        .values(rows)
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            track_count: sql`aggregate_user.track_count + excluded.track_count`,
            playlist_count: sql`aggregate_user.playlist_count + excluded.playlist_count`,
            album_count: sql`aggregate_user.album_count + excluded.album_count`,
            follower_count: sql`aggregate_user.follower_count + excluded.follower_count`,
            following_count: sql`aggregate_user.following_count + excluded.following_count`,
            repost_count: sql`aggregate_user.repost_count + excluded.repost_count`,
            save_count: sql`aggregate_user.save_count + excluded.save_count`,
          }),
        )
        .execute();
    }
    await flushItemCounts(tx, 'aggregate_track', 'track_id', this.trackCounts);
    await flushItemCounts(tx, 'aggregate_playlist', 'playlist_id', this.playlistCounts);
  }
}

/** Adds count deltas to `aggregate_track` or `aggregate_playlist`, creating rows as needed. */
async function flushItemCounts(
  tx: Transaction<DB>,
  table: 'aggregate_track' | 'aggregate_playlist',
  key: 'track_id' | 'playlist_id',
  counts: Map<number, ItemCounts>,
): Promise<void> {
  const rows = [...counts].sort((a, b) => a[0] - b[0]).map(([id, c]) => ({ id, ...c }));
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    await sql`insert into ${sql.table(table)} (${sql.ref(key)}, save_count, repost_count)
      select * from unnest(${part.map((r) => r.id)}::bigint[],
        ${part.map((r) => r.save_count)}::bigint[], ${part.map((r) => r.repost_count)}::bigint[])
      on conflict (${sql.ref(key)}) do update set
        save_count = ${sql.table(table)}.save_count + excluded.save_count,
        repost_count = ${sql.table(table)}.repost_count + excluded.repost_count`.execute(tx);
  }
}
