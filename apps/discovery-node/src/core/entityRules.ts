// The rules of docs/design.md §6 that decide whether a ManageEntity action applies, shared by the
// indexer (which skips an action that breaks one and records why) and the relay (which refuses it
// before paying gas). Each rule takes the state it needs as plain values: the indexer passes its
// batch's rows, the relay rows it read from the database. Both throw the same SkipReason, so a
// refusal and a skip carry the same stable code.
import {
  type Action,
  type BaseError,
  ConflictError,
  type EntityType,
  ForbiddenError,
  InvalidSignatureError,
  NotFoundError,
  ValidationError,
  type UploadReceiptData,
  isReservedHandle,
  readUploadReceipt,
  receiptMismatch,
} from '@coliving/protocol';
import type { ReceiptVerdict } from './uploadReceipts.js';

/** Why an action does not apply: a stable code and a sentence. */
export class SkipReason extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who may take an action: any signer (User Create), a user even deactivated, an active user. */
export type ActorRule = 'signer' | 'user' | 'active user';

/** Who may take `action` on `entityType`: a user reactivates itself by Update. */
export function actorRule(entityType: EntityType, action: Action): ActorRule {
  if (entityType === 'User' && action === 'Create') return 'signer';
  if (entityType === 'User' && action === 'Update') return 'user';
  return 'active user';
}

/** The part of a user the rules read. */
export type Actor = { user_id: number; wallet: string; is_deactivated: boolean };
/** The part of a track or playlist the rules read. */
export type Item = { owner_id: number; is_deleted: boolean };

/** The part of a grant the rules read. */
export type GrantState = { is_approved: boolean | null; is_revoked: boolean };

/** What a grantee may do for the user who granted it: most actions, its own revocation, or nothing. */
export type GranteeMay = 'yes' | 'own grant' | 'no';

/**
 * Whether a grantee (an app or a manager acting for a user) may take `action` on `entityType`:
 * everything a user does, except registering apps and granting, revoking, approving or rejecting
 * (docs/design.md §6); a grantee may remove its own grant.
 */
export function granteeMay(
  entityType: EntityType,
  action: Action,
  data: Record<string, unknown> | null | undefined,
  signer: string,
): GranteeMay {
  if (entityType === 'Grant' && action === 'Delete' && data?.grantee_address === signer) {
    return 'own grant';
  }
  return entityType === 'DeveloperApp' || entityType === 'Grant' ? 'no' : 'yes';
}

/** A signer other than the acting user's wallet: its grant from that user, and what it asks. */
export type Grantee = {
  /** The grant from the acting user to the signer: null when there is none. */
  grant: GrantState | null | undefined;
  /** Whether the signer is a registered developer app (its missing grant is `no_grant`). */
  isApp: boolean;
  /** Whether the signer is a deleted developer app: it acts for no one any more. */
  isDeletedApp?: boolean;
  may: GranteeMay;
  /** The action, for messages: "Grant Create". */
  what: string;
};

/**
 * The acting user `id` as `rule` requires it: it exists, `signer` is its wallet or holds an
 * active grant from it that allows the action, and it is active.
 */
export function checkActor<T extends Actor>(
  actor: T | null | undefined,
  id: number,
  signer: string,
  rule: Exclude<ActorRule, 'signer'>,
  grantee?: Grantee,
): T {
  if (!actor) throw new SkipReason('unknown_user', `User ${id} does not exist`);
  if (actor.wallet !== signer) checkGrantee(actor.user_id, signer, grantee);
  if (rule !== 'user' && actor.is_deactivated) {
    throw new SkipReason('user_deactivated', `User ${actor.user_id} is deactivated`);
  }
  return actor;
}

/** `signer`, not `user`'s wallet, may act for it: it holds an active grant that allows the action. */
function checkGrantee(user: number, signer: string, grantee: Grantee | undefined): void {
  const grant = grantee?.grant;
  if (grantee?.isDeletedApp) {
    throw new SkipReason('app_deleted', `The app ${signer} was deleted: it acts for no one`);
  }
  if (!grant) {
    if (grantee?.isApp) {
      throw new SkipReason('no_grant', `App ${signer} holds no grant from user ${user}`);
    }
    throw new SkipReason('wrong_signer', `Signed by ${signer}, not by user ${user}`);
  }
  if (grant.is_revoked) {
    throw new SkipReason('grant_revoked', `User ${user} revoked the grant of ${signer}`);
  }
  if (grantee.may === 'own grant') return;
  if (grant.is_approved !== true) {
    throw new SkipReason(
      'grant_not_approved',
      `${signer} has not approved the grant of user ${user} to manage it`,
    );
  }
  if (grantee.may === 'no') {
    throw new SkipReason(
      'grantee_forbidden',
      `A grantee may not take ${grantee.what} for user ${user}; only the user's own wallet may`,
    );
  }
}

/** An app or grant action names the acting user as its entity. */
export function checkSelfEntity(
  entity: number,
  user: number,
  kind: 'DeveloperApp' | 'Grant',
): void {
  if (entity !== user) {
    throw new SkipReason('id_mismatch', `A ${kind} action names the acting user as its entity`);
  }
}

/** The part of a developer app the rules read. */
export type AppState = { user_id: number; is_deleted: boolean };

/** A DeveloperApp Create: a never-registered address, and the app key's signature naming the owner. */
export function checkAppCreate(
  address: string,
  existing: AppState | null | undefined,
  signatureValid: boolean,
): void {
  if (existing) {
    throw new SkipReason('app_exists', `An app with the address ${address} was already registered`);
  }
  if (!signatureValid) {
    throw new SkipReason(
      'invalid_app_signature',
      `app_signature is not the app key's signature naming its owner and ${address}`,
    );
  }
}

/** The app at `address`, when it exists, is not deleted and belongs to `actor`. */
export function ownedApp<T extends AppState>(
  row: T | null | undefined,
  address: string,
  actor: { user_id: number },
): T {
  if (!row) throw new SkipReason('unknown_app', `No app has the address ${address}`);
  if (row.is_deleted) throw new SkipReason('deleted', `The app ${address} is deleted`);
  if (row.user_id !== actor.user_id) {
    throw new SkipReason('not_owner', `The app ${address} belongs to user ${row.user_id}`);
  }
  return row;
}

/**
 * What a Grant Create makes: an active grant to a registered app, or a manager grant waiting for
 * the user whose wallet it names. A grant that is active or waiting is not made twice.
 */
export function checkGrantCreate(
  actor: Actor,
  grantee: string,
  isApp: boolean,
  isUser: boolean,
  existing: GrantState | null | undefined,
): { is_approved: boolean | null } {
  if (grantee === actor.wallet) {
    throw new SkipReason('self_grant', `User ${actor.user_id} cannot grant its own wallet`);
  }
  if (!isApp && !isUser) {
    throw new SkipReason('unknown_grantee', `${grantee} is neither an app nor a user's wallet`);
  }
  if (existing && !existing.is_revoked && existing.is_approved !== false) {
    throw new SkipReason('no_op', `User ${actor.user_id} already granted ${grantee}`);
  }
  return { is_approved: isApp ? true : null };
}

/** A grant that is not revoked, to revoke it or (`answer`) to approve or reject it once. */
export function checkGrantExists<T extends GrantState>(
  grant: T | null | undefined,
  user: number,
  grantee: string,
  answer = false,
): T {
  if (!grant || grant.is_revoked) {
    throw new SkipReason('unknown_grant', `User ${user} has no grant to ${grantee}`);
  }
  if (answer && grant.is_approved !== null) {
    throw new SkipReason(
      'no_op',
      `The grant of user ${user} to ${grantee} was already ${grant.is_approved ? 'approved' : 'rejected'}`,
    );
  }
  return grant;
}

/** What a User Create needs to know: who already holds its id, its wallet and its handle. */
export type UserCreateState = {
  user: number;
  entity: number;
  signer: string;
  handle: string;
  idTaken: boolean;
  /** The user of the signing wallet, or null when it has none. */
  walletUser: number | null;
  /** Whether another user holds the handle, compared in lower case. */
  handleTaken: boolean;
};

/** A User Create names a free id as both user and entity, from a wallet with no user, with a free handle. */
export function checkUserCreate(s: UserCreateState): void {
  if (s.entity !== s.user) {
    throw new SkipReason('id_mismatch', 'A User Create names the new user as both user and entity');
  }
  if (s.idTaken) throw new SkipReason('id_taken', `User ${s.user} already exists`);
  if (s.walletUser !== null) {
    throw new SkipReason('wallet_has_user', `Wallet ${s.signer} already has user ${s.walletUser}`);
  }
  if (isReservedHandle(s.handle)) {
    throw new SkipReason('handle_reserved', `The handle "${s.handle}" is reserved`);
  }
  if (s.handleTaken) throw new SkipReason('handle_taken', `The handle "${s.handle}" is taken`);
}

/** A user updates only itself. */
export function checkSelfUpdate(entity: number, actor: { user_id: number }): void {
  if (entity !== actor.user_id) {
    throw new SkipReason('not_owner', `User ${actor.user_id} may only update itself`);
  }
}

/** A Follow (`on`) or Unfollow of an existing other user that changes something. */
export function checkFollow(
  on: boolean,
  actor: { user_id: number },
  target: number,
  targetExists: boolean,
  following: boolean,
): void {
  if (target === actor.user_id) throw new SkipReason('self_follow', 'A user cannot follow itself');
  if (!targetExists) throw new SkipReason('unknown_target', `User ${target} does not exist`);
  if (on === following) {
    throw new SkipReason(
      'no_op',
      on
        ? `User ${actor.user_id} already follows ${target}`
        : `User ${actor.user_id} does not follow ${target}`,
    );
  }
}

/** A Create's id is free. */
export function checkIdFree(existing: unknown, kind: 'Track' | 'Playlist', id: number): void {
  if (existing) throw new SkipReason('id_taken', `${kind} ${id} already exists`);
}

/** `row`, when it exists, is not deleted and belongs to `actor`; otherwise why not. */
export function owned<T extends Item>(
  row: T | null | undefined,
  kind: 'Track' | 'Playlist',
  id: number,
  actor: { user_id: number },
): T {
  if (!row) {
    // Spelled out, so every code a rule throws is a literal (relayRefusals.test.ts reads them).
    if (kind === 'Track') throw new SkipReason('unknown_track', `Track ${id} does not exist`);
    throw new SkipReason('unknown_playlist', `Playlist ${id} does not exist`);
  }
  if (row.is_deleted) throw new SkipReason('deleted', `${kind} ${id} is deleted`);
  if (row.owner_id !== actor.user_id) {
    throw new SkipReason('not_owner', `${kind} ${id} belongs to user ${row.owner_id}`);
  }
  return row;
}

/** A track a playlist adds exists and is not deleted. */
export function checkAddedTrack(id: number, row: { is_deleted: boolean } | null | undefined): void {
  if (!row) throw new SkipReason('unknown_track', `Track ${id} does not exist`);
  if (row.is_deleted) throw new SkipReason('deleted', `Track ${id} is deleted`);
}

/** An album holds only its owner's tracks (docs/design.md §6): each track of its list is theirs. */
export function checkAlbumTrack(
  id: number,
  row: { owner_id: number } | null | undefined,
  owner: number,
): void {
  if (row && row.owner_id !== owner) {
    throw new SkipReason(
      'album_foreign_track',
      `Track ${id} belongs to user ${row.owner_id}: an album holds only its owner's tracks`,
    );
  }
}

/**
 * An Update that makes a playlist an album names its whole track list, so each track's owner is
 * checked against the action itself (the indexer reads only the tracks an action names).
 */
export function checkAlbumTurn(wasAlbum: boolean, isAlbum: boolean, namesTracks: boolean): void {
  if (isAlbum && !wasAlbum && !namesTracks) {
    throw new SkipReason(
      'album_needs_tracks',
      "Making a playlist an album names its track list, so each track can be checked as the owner's",
    );
  }
}

/** A Save, Unsave, Repost or Unrepost of an existing item that changes something. */
export function checkSocial(
  action: 'Save' | 'Unsave' | 'Repost' | 'Unrepost',
  actor: { user_id: number },
  type: 'track' | 'playlist',
  id: number,
  target: { is_deleted: boolean } | null | undefined,
  present: boolean,
): void {
  const on = action === 'Save' || action === 'Repost';
  if (!target) throw new SkipReason('unknown_target', `The ${type} ${id} does not exist`);
  if (on && target.is_deleted) {
    throw new SkipReason('target_deleted', `The ${type} ${id} is deleted`);
  }
  if (on === present) {
    const verb = action === 'Save' || action === 'Unsave' ? 'saved' : 'reposted';
    throw new SkipReason(
      'no_op',
      on
        ? `User ${actor.user_id} already ${verb} the ${type} ${id}`
        : `User ${actor.user_id} has not ${verb} the ${type} ${id}`,
    );
  }
}

type ErrorClass = new (message: string, parameters: { code: string }) => BaseError;

/**
 * The error the relay answers for each code a rule throws (and so for each skip the indexer
 * records): a missing thing is 404, another's thing 403, a clash with state 409, a wrong
 * signer 401, a request that can never apply 400. A code missing here is a 409.
 */
const REFUSALS: Readonly<Record<string, ErrorClass>> = {
  unknown_user: NotFoundError,
  unknown_target: NotFoundError,
  unknown_track: NotFoundError,
  unknown_playlist: NotFoundError,
  unknown_app: NotFoundError,
  unknown_grant: NotFoundError,
  unknown_grantee: NotFoundError,
  no_grant: ForbiddenError,
  grant_revoked: ForbiddenError,
  grant_not_approved: ForbiddenError,
  grantee_forbidden: ForbiddenError,
  invalid_app_signature: InvalidSignatureError,
  app_exists: ConflictError,
  app_deleted: ForbiddenError,
  self_grant: ValidationError,
  wrong_signer: InvalidSignatureError,
  user_deactivated: ForbiddenError,
  not_owner: ForbiddenError,
  album_foreign_track: ForbiddenError,
  album_needs_tracks: ValidationError,
  id_mismatch: ValidationError,
  handle_reserved: ValidationError,
  self_follow: ValidationError,
  id_taken: ConflictError,
  wallet_has_user: ConflictError,
  handle_taken: ConflictError,
  deleted: ConflictError,
  target_deleted: ConflictError,
  no_op: ConflictError,
  no_upload_receipt: ValidationError,
  invalid_upload_receipt: ValidationError,
  unknown_eth_block: ValidationError,
  receipt_signer_not_a_node: ValidationError,
  receipt_mismatch: ValidationError,
  receipt_not_owner: ForbiddenError,
};

/** The domain error the relay answers for a rule the action breaks, with the same code. */
export function refusalOf(reason: SkipReason): BaseError {
  const ErrorOf = REFUSALS[reason.code] ?? ConflictError;
  return new ErrorOf(reason.message, { code: reason.code });
}

/** Applies an update's fields over the current ones: `null` removes a field. */
export function merge(
  current: Record<string, unknown>,
  update: Record<string, unknown>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/**
 * A track may only name audio its owner uploaded (docs/design.md §7): its metadata, once the
 * action applies, carries an upload receipt that a registered content node signed for the
 * owner's wallet, and every audio field it names is the receipt's. A receipt already stored with
 * the track was checked when it arrived; a new one comes with its verdict (uploadReceipts.ts).
 */
export function checkAudio(
  data: Record<string, unknown>,
  actor: Pick<Actor, 'wallet'>,
  newReceipt: ReceiptVerdict | undefined,
): void {
  let receipt: UploadReceiptData;
  if (newReceipt) {
    if (!newReceipt.ok) throw new SkipReason(newReceipt.code, newReceipt.message);
    receipt = newReceipt.data;
  } else if (data.upload_receipt !== undefined) {
    receipt = readUploadReceipt(data.upload_receipt);
  } else {
    throw new SkipReason(
      'no_upload_receipt',
      'A track must carry the upload receipt of its audio from the content node that took it',
    );
  }
  if (receipt.uploader.toLowerCase() !== actor.wallet.toLowerCase()) {
    throw new SkipReason(
      'receipt_not_owner',
      `The audio was uploaded by ${receipt.uploader}, not by the track's owner`,
    );
  }
  const mismatch = receiptMismatch(data, receipt);
  if (mismatch) throw new SkipReason('receipt_mismatch', mismatch);
}
