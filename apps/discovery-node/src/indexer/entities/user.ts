// Users: created by their wallet, updated (and deactivated) by themselves, following each other.
// Every action is signed by a user's wallet, so every batch also loads the signers' users here.
import { type Transaction, sql } from 'kysely';
import { checkFollow, checkSelfUpdate, checkUserCreate } from '../../core/entityRules.js';
import type { DB } from '../../db/schema.js';
import {
  type BatchTable,
  Counts,
  IDS_PER_LOOKUP,
  ROWS_PER_STATEMENT,
  type Reader,
  Rows,
  type TableSpec,
  chunks,
} from '../batchTables.js';
import type { EntityBatch } from '../entityBatch.js';
import {
  type ActionContext,
  type ActionHandler,
  type EdgeRow,
  type EntityHandler,
  type UserRow,
  merge,
  without,
} from './entityHandler.js';

/** Users by id, by wallet and by lower-case handle; a key that finds no user is held as free. */
class UserRows implements BatchTable {
  private readonly byId = new Map<number, UserRow | null>();
  private readonly byWallet = new Map<string, number | null>();
  private readonly byHandle = new Map<string, number | null>();
  private readonly needed = {
    ids: new Set<number>(),
    wallets: new Set<string>(),
    handles: new Set<string>(),
  };
  private readonly dirty = new Set<number>();

  needId(id: number): void {
    this.needed.ids.add(id);
  }

  needWallet(wallet: string): void {
    this.needed.wallets.add(wallet);
  }

  needHandle(handleLc: string): void {
    this.needed.handles.add(handleLc);
  }

  /** The user `id`: null when there is none, undefined when no event asked for it. */
  get(id: number): UserRow | null | undefined {
    return this.byId.get(id);
  }

  /** The id of the user of `wallet`, or null when it has none. */
  idOfWallet(wallet: string): number | null | undefined {
    return this.byWallet.get(wallet);
  }

  /** The id of the user holding `handleLc`, or null when it is free. */
  idOfHandle(handleLc: string): number | null | undefined {
    return this.byHandle.get(handleLc);
  }

  /** Creates or replaces a user; a handle it leaves becomes free. */
  put(row: UserRow): void {
    const before = this.byId.get(row.user_id);
    if (before && before.handle_lc !== row.handle_lc) this.byHandle.set(before.handle_lc, null);
    this.remember(row);
    this.dirty.add(row.user_id);
  }

  async load(db: Reader): Promise<void> {
    await this.loadBy(db, 'user_id', [...this.needed.ids], this.byId);
    await this.loadBy(db, 'wallet', [...this.needed.wallets], this.byWallet);
    await this.loadBy(db, 'handle_lc', [...this.needed.handles], this.byHandle);
  }

  private async loadBy<K extends number | string>(
    db: Reader,
    column: 'user_id' | 'wallet' | 'handle_lc',
    keys: K[],
    absent: Map<K, unknown>,
  ): Promise<void> {
    for (const part of chunks(keys, IDS_PER_LOOKUP)) {
      for (const key of part) if (!absent.has(key)) absent.set(key, null);
      const rows = await db.selectFrom('users').selectAll().where(column, 'in', part).execute();
      for (const row of rows) this.remember(row);
    }
  }

  private remember(row: UserRow): void {
    this.byId.set(row.user_id, row);
    this.byWallet.set(row.wallet, row.user_id);
    this.byHandle.set(row.handle_lc, row.user_id);
  }

  async write(tx: Transaction<DB>): Promise<void> {
    const users = [...this.dirty].sort((a, b) => a - b).map((id) => this.byId.get(id)!);
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
  }

  changed(): Iterable<number> {
    return this.dirty;
  }
}

export const users: TableSpec<UserRows> = {
  name: 'users',
  stage: 'users',
  reports: 'users',
  create: () => new UserRows(),
};

export const followKey = (follower: number, followee: number) => `${follower}:${followee}`;

const pairsOf = (keys: string[]) => keys.map((k) => k.split(':').map(Number) as [number, number]);

export const follows: TableSpec<Rows<string, EdgeRow>> = {
  name: 'follows',
  stage: 'social',
  create: () =>
    new Rows<string, EdgeRow>({
      async read(db, keys) {
        const pairs = pairsOf(keys);
        const rows = await sql<{ follower_id: number; followee_id: number } & EdgeRow>`
          select f.follower_id, f.followee_id, f.created_block, f.created_at
          from follows f
          join unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[])
            as k(follower_id, followee_id)
            on f.follower_id = k.follower_id and f.followee_id = k.followee_id`.execute(db);
        return rows.rows.map((row) => [
          followKey(Number(row.follower_id), Number(row.followee_id)),
          { created_block: Number(row.created_block), created_at: row.created_at },
        ]);
      },
      async write(tx, changed) {
        const keys = changed.map(([key]) => key);
        for (const part of chunks(keys, ROWS_PER_STATEMENT * 4)) {
          const pairs = pairsOf(part);
          await sql`delete from follows f
            using unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[])
              as k(follower_id, followee_id)
            where f.follower_id = k.follower_id and f.followee_id = k.followee_id`.execute(tx);
        }
        const rows = changed.flatMap(([key, edge]) => {
          if (!edge) return [];
          const [follower_id, followee_id] = key.split(':').map(Number) as [number, number];
          return [{ follower_id, followee_id, ...edge }];
        });
        for (const part of chunks(rows, ROWS_PER_STATEMENT * 4)) {
          await tx.insertInto('follows').values(part).execute();
        }
      },
    }),
};

const USER_COUNTS = [
  'track_count',
  'playlist_count',
  'album_count',
  'follower_count',
  'following_count',
  'repost_count',
  'save_count',
] as const;

export const userCounts: TableSpec<Counts<(typeof USER_COUNTS)[number]>> = {
  name: 'aggregate_user',
  stage: 'aggregates',
  reports: 'users',
  create: () =>
    new Counts(USER_COUNTS, async (tx, rows) => {
      await tx
        .insertInto('aggregate_user')
        .values(rows.map(({ id, ...counts }) => ({ user_id: id, ...counts })))
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
    }),
};

function createUser(batch: EntityBatch, action: ActionContext): void {
  const { user, entity, signer, metadata, stamp } = action;
  const rows = batch.table(users);
  const data = metadata.data!;
  const handle = data.handle as string;
  const handleLc = handle.toLowerCase();
  checkUserCreate({
    user,
    entity,
    signer,
    handle,
    idTaken: rows.get(user) != null,
    walletUser: rows.idOfWallet(signer) ?? null,
    handleTaken: rows.idOfHandle(handleLc) != null,
  });
  rows.put({
    user_id: user,
    wallet: signer,
    handle,
    handle_lc: handleLc,
    name: data.name as string,
    is_deactivated: false,
    metadata: data,
    metadata_cid: metadata.cid,
    created_block: stamp.block,
    created_at: stamp.time,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.table(userCounts).count(user, {});
}

function updateUser(batch: EntityBatch, action: ActionContext, actor: UserRow): void {
  const { entity, metadata, stamp } = action;
  checkSelfUpdate(entity, actor);
  const update = metadata.data!;
  const next = merge(actor.metadata, without(update, 'is_deactivated'));
  batch.table(users).put({
    ...actor,
    name: next.name as string,
    is_deactivated:
      typeof update.is_deactivated === 'boolean' ? update.is_deactivated : actor.is_deactivated,
    metadata: next,
    metadata_cid: metadata.cid,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
}

/** Follow (`on`) or Unfollow. */
function followAction(on: boolean): ActionHandler {
  return {
    need: (batch, { user, entity }) => batch.table(follows).need(followKey(user, entity)),
    apply(batch, { entity: target, edge }, actor) {
      const edges = batch.table(follows);
      const key = followKey(actor.user_id, target);
      checkFollow(
        on,
        actor,
        target,
        batch.table(users).get(target) != null,
        edges.get(key) != null,
      );
      edges.set(key, on ? edge : null);
      const step = on ? 1 : -1;
      const counts = batch.table(userCounts);
      counts.count(actor.user_id, { following_count: step });
      counts.count(target, { follower_count: step });
    },
  };
}

/** The User entity type: the entity is the user acted on (itself, or the one followed). */
export const userHandler: EntityHandler = {
  tables: [users, follows, userCounts],
  need: (batch, { entity }) => batch.table(users).needId(entity),
  actions: {
    Create: {
      by: 'signer',
      need(batch, { data }) {
        if (typeof data?.handle === 'string') {
          batch.table(users).needHandle(data.handle.toLowerCase());
        }
      },
      apply: createUser,
    },
    Update: { by: 'user', apply: updateUser },
    Follow: followAction(true),
    Unfollow: followAction(false),
  },
};
