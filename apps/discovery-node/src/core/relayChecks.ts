// What the relay checks against its database before paying gas (docs/design.md §6): the rules the
// indexer will apply (entityRules.ts), fed with rows read here. One check per action, in CHECKS;
// a new rule for an action is one more line in its check.
import type { Kysely } from 'kysely';
import { type Action, type EntityType, isValidAppSignature } from '@coliving/protocol';
import type { DB, ItemType } from '../db/schema.js';
import {
  type Actor,
  SkipReason,
  actorRule,
  checkActor,
  checkAddedTrack,
  checkAlbumTrack,
  checkAlbumTurn,
  checkAppCreate,
  checkAudio,
  checkFollow,
  checkGrantCreate,
  checkGrantExists,
  checkIdFree,
  checkSelfEntity,
  checkSelfUpdate,
  checkSocial,
  checkUserCreate,
  granteeMay,
  merge,
  owned,
  ownedApp,
  refusalOf,
} from './entityRules.js';
import type { ReceiptVerifier } from './uploadReceipts.js';

/** An action as the relay checks it: ids as numbers, its metadata's data when it carries any. */
export type CheckedAction = {
  user: number;
  entityType: EntityType;
  entity: number;
  action: Action;
  /** The wallet that signed it, lower case. */
  signer: string;
  data: Record<string, unknown> | null | undefined;
};

/** What one action's check gets: the action, the database, and the acting user once checked. */
export type CheckContext = CheckedAction & {
  db: Kysely<DB>;
  actor: Actor | undefined;
  /** Checks a track's upload receipt as the indexer will (uploadReceipts.ts). */
  receipts: ReceiptVerifier;
};

type ActionCheck = (c: CheckContext) => Promise<void>;

/**
 * Refuses, before gas, an action the indexer would skip given what this node has indexed: the
 * acting user exists, signed and may act, and the action's own rules hold. The database trails
 * the chain, so the indexer still decides; a refusal here names the same code its skip would.
 * Returns the acting user (none for a User Create).
 */
export async function checkState(
  db: Kysely<DB>,
  action: CheckedAction,
  receipts: ReceiptVerifier,
): Promise<Actor | undefined> {
  try {
    const rule = actorRule(action.entityType, action.action);
    let actor: Actor | undefined;
    if (rule !== 'signer') {
      const user = await userById(db, action.user);
      // A signer other than the user's wallet acts only by its grant (docs/design.md §6).
      const other = user !== undefined && user.wallet !== action.signer;
      const [grant, app] = other
        ? await Promise.all([grantOf(db, action.user, action.signer), appOf(db, action.signer)])
        : [undefined, undefined];
      actor = checkActor(user, action.user, action.signer, rule, {
        grant: grant ?? null,
        isApp: app !== undefined && !app.is_deleted,
        isDeletedApp: app?.is_deleted === true,
        may: granteeMay(action.entityType, action.action, action.data, action.signer),
        what: `${action.entityType} ${action.action}`,
      });
    }
    await CHECKS[action.entityType][action.action]?.({ ...action, db, actor, receipts });
    return actor;
  } catch (error) {
    throw error instanceof SkipReason ? refusalOf(error) : error;
  }
}

function userById(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('users')
    .select(['user_id', 'wallet', 'is_deactivated'])
    .where('user_id', '=', id)
    .executeTakeFirst();
}

function grantOf(db: Kysely<DB>, user: number, grantee: string) {
  return db
    .selectFrom('grants')
    .select(['is_approved', 'is_revoked'])
    .where('user_id', '=', user)
    .where('grantee_address', '=', grantee)
    .executeTakeFirst();
}

function appOf(db: Kysely<DB>, address: string) {
  return db
    .selectFrom('developer_apps')
    .select(['user_id', 'is_deleted'])
    .where('address', '=', address)
    .executeTakeFirst();
}

function userByWallet(db: Kysely<DB>, wallet: string) {
  return db.selectFrom('users').select('user_id').where('wallet', '=', wallet).executeTakeFirst();
}

/** The verdict on the upload receipt `data` brings, if it brings one. */
async function verdictOf(receipts: ReceiptVerifier, data: Record<string, unknown>) {
  const receipt = data.upload_receipt;
  return receipt === undefined || receipt === null ? undefined : receipts.verify(receipt);
}

function trackById(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('tracks')
    .select(['owner_id', 'is_deleted', 'metadata'])
    .where('track_id', '=', id)
    .executeTakeFirst();
}

function playlistById(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('playlists')
    .select(['owner_id', 'is_deleted', 'is_album', 'metadata'])
    .where('playlist_id', '=', id)
    .executeTakeFirst();
}

async function createUser({ db, user, entity, signer, data }: CheckContext): Promise<void> {
  const handle = data!.handle as string;
  const [byId, byWallet, byHandle] = await Promise.all([
    userById(db, user),
    db.selectFrom('users').select('user_id').where('wallet', '=', signer).executeTakeFirst(),
    db
      .selectFrom('users')
      .select('user_id')
      .where('handle_lc', '=', handle.toLowerCase())
      .executeTakeFirst(),
  ]);
  checkUserCreate({
    user,
    entity,
    signer,
    handle,
    idTaken: byId !== undefined,
    walletUser: byWallet?.user_id ?? null,
    handleTaken: byHandle !== undefined,
  });
}

function follow(on: boolean): ActionCheck {
  return async ({ db, entity, actor }) => {
    const [target, edge] = await Promise.all([
      userById(db, entity),
      db
        .selectFrom('follows')
        .select('follower_id')
        .where('follower_id', '=', actor!.user_id)
        .where('followee_id', '=', entity)
        .executeTakeFirst(),
    ]);
    checkFollow(on, actor!, entity, target !== undefined, edge !== undefined);
  };
}

type SocialAction = 'Save' | 'Unsave' | 'Repost' | 'Unrepost';

function social(type: ItemType): Record<SocialAction, ActionCheck> {
  const check =
    (action: SocialAction): ActionCheck =>
    async ({ db, entity, actor }) => {
      const table = action === 'Save' || action === 'Unsave' ? 'saves' : 'reposts';
      const [target, edge] = await Promise.all([
        type === 'track' ? trackById(db, entity) : playlistById(db, entity),
        db
          .selectFrom(table)
          .select('user_id')
          .where('user_id', '=', actor!.user_id)
          .where('item_type', '=', type)
          .where('item_id', '=', entity)
          .executeTakeFirst(),
      ]);
      checkSocial(action, actor!, type, entity, target, edge !== undefined);
    };
  return {
    Save: check('Save'),
    Unsave: check('Unsave'),
    Repost: check('Repost'),
    Unrepost: check('Unrepost'),
  };
}

type Contents = { track_ids: { track: number }[] };

/**
 * Tracks a playlist's metadata adds to its list exist and are not deleted; every track of an
 * album (`albumOwner` given) is its owner's.
 */
async function checkAddedTracks(
  db: Kysely<DB>,
  contents: Contents | undefined,
  playlist?: number,
  albumOwner?: number,
): Promise<void> {
  if (!contents) return;
  const had = new Set<number>();
  if (playlist !== undefined) {
    const rows = await db
      .selectFrom('playlist_tracks')
      .select('track_id')
      .where('playlist_id', '=', playlist)
      .execute();
    for (const row of rows) had.add(row.track_id);
  }
  const read = [...new Set(contents.track_ids.map((e) => e.track))].filter(
    (id) => albumOwner !== undefined || !had.has(id),
  );
  const rows =
    read.length === 0
      ? []
      : await db
          .selectFrom('tracks')
          .select(['track_id', 'owner_id', 'is_deleted'])
          .where('track_id', 'in', read)
          .execute();
  const found = new Map(rows.map((row) => [row.track_id, row]));
  // In list order, so the first bad track is the one the indexer names.
  for (const id of contents.track_ids.map((e) => e.track)) {
    if (!had.has(id)) checkAddedTrack(id, found.get(id));
    if (albumOwner !== undefined) checkAlbumTrack(id, found.get(id), albumOwner);
  }
}

/** A manager approves or rejects, once, a grant a user offered it. */
async function answerGrant({ db, user, entity, data, actor }: CheckContext): Promise<void> {
  checkSelfEntity(entity, user, 'Grant');
  const grantor = data!.grantor_user_id as number;
  checkGrantExists(await grantOf(db, grantor, actor!.wallet), grantor, actor!.wallet, true);
}

/** Each action's own rules, beyond who may act (checkState checks that for all). */
const CHECKS: Readonly<Record<EntityType, Partial<Record<Action, ActionCheck>>>> = {
  User: {
    Create: createUser,
    Update: async ({ entity, actor }) => checkSelfUpdate(entity, actor!),
    Follow: follow(true),
    Unfollow: follow(false),
  },
  Track: {
    Create: async ({ db, entity, actor, data, receipts }) => {
      checkIdFree(await trackById(db, entity), 'Track', entity);
      checkAudio(data!, actor!, await verdictOf(receipts, data!));
    },
    Update: async ({ db, entity, actor, data, receipts }) => {
      const track = owned(await trackById(db, entity), 'Track', entity, actor!);
      checkAudio(merge(track.metadata, data!), actor!, await verdictOf(receipts, data!));
    },
    Delete: async ({ db, entity, actor }) => {
      owned(await trackById(db, entity), 'Track', entity, actor!);
    },
    ...social('track'),
  },
  Playlist: {
    Create: async ({ db, entity, actor, data }) => {
      checkIdFree(await playlistById(db, entity), 'Playlist', entity);
      const album = data!.is_album === true ? actor!.user_id : undefined;
      await checkAddedTracks(db, data!.playlist_contents as Contents, undefined, album);
    },
    Update: async ({ db, entity, actor, data }) => {
      const playlist = owned(await playlistById(db, entity), 'Playlist', entity, actor!);
      const { playlist_contents: contents, ...fields } = data!;
      const isAlbum = merge(playlist.metadata, fields).is_album === true;
      checkAlbumTurn(playlist.is_album, isAlbum, contents !== undefined);
      const album = isAlbum ? actor!.user_id : undefined;
      await checkAddedTracks(db, contents as Contents | undefined, entity, album);
    },
    Delete: async ({ db, entity, actor }) => {
      owned(await playlistById(db, entity), 'Playlist', entity, actor!);
    },
    ...social('playlist'),
  },
  DeveloperApp: {
    Create: async ({ db, user, entity, data }) => {
      checkSelfEntity(entity, user, 'DeveloperApp');
      const address = data!.address as string;
      const valid = await isValidAppSignature(
        user,
        data as Parameters<typeof isValidAppSignature>[1],
      );
      checkAppCreate(address, await appOf(db, address), valid);
    },
    Update: async ({ db, user, entity, data, actor }) => {
      checkSelfEntity(entity, user, 'DeveloperApp');
      const address = data!.address as string;
      ownedApp(await appOf(db, address), address, actor!);
    },
    Delete: async ({ db, user, entity, data, actor }) => {
      checkSelfEntity(entity, user, 'DeveloperApp');
      const address = data!.address as string;
      ownedApp(await appOf(db, address), address, actor!);
    },
  },
  Grant: {
    Create: async ({ db, user, entity, data, actor }) => {
      checkSelfEntity(entity, user, 'Grant');
      const grantee = data!.grantee_address as string;
      const [app, holder, grant] = await Promise.all([
        appOf(db, grantee),
        userByWallet(db, grantee),
        grantOf(db, actor!.user_id, grantee),
      ]);
      const isApp = app !== undefined && !app.is_deleted;
      checkGrantCreate(actor!, grantee, isApp, holder !== undefined, grant);
    },
    Delete: async ({ db, user, entity, data, actor }) => {
      checkSelfEntity(entity, user, 'Grant');
      const grantee = data!.grantee_address as string;
      checkGrantExists(await grantOf(db, actor!.user_id, grantee), actor!.user_id, grantee);
    },
    Approve: answerGrant,
    Reject: answerGrant,
  },
};
