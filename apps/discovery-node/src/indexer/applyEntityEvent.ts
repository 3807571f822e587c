// The rules of DESIGN §6: whether a ManageEntity event applies, and what it changes. Every
// decision depends only on the event and the state before it, so every node decides alike.
import {
  type EntityMetadata,
  MAX_ENTITY_ID,
  ValidationError,
  isAction,
  isEntityType,
  isReservedHandle,
  isValidEntityAction,
  parseEntityMetadata,
} from '@coliving/protocol';
import type { ItemType } from '../db/schema.js';
import {
  type BatchNeeds,
  type EdgeRow,
  type EntityBatch,
  type PlaylistEntry,
  type PlaylistRow,
  type TrackRow,
  type UserRow,
  followKey,
  itemKey,
} from './entityBatch.js';
import type { EntityEvent } from './readEntityEvents.js';

/** An event with its ids and metadata read once, before the batch loads what it needs. */
export type PreparedEvent = EntityEvent & {
  /** The ids as numbers, or undefined when out of range (the event is then skipped). */
  user: number | undefined;
  entity: number | undefined;
  parsed: EntityMetadata | ValidationError | undefined;
};

/** Why an event was skipped: a stable code and a sentence. */
export class SkipReason extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function idOf(value: bigint): number | undefined {
  return value >= 1n && value <= BigInt(MAX_ENTITY_ID) ? Number(value) : undefined;
}

/** Reads an event's ids and parses its metadata (once; the rules use the result). */
export function prepareEvent(event: EntityEvent): PreparedEvent {
  let parsed: PreparedEvent['parsed'];
  if (isEntityType(event.entityType) && isAction(event.action)) {
    if (isValidEntityAction(event.entityType, event.action)) {
      try {
        parsed = parseEntityMetadata(event.entityType, event.action, event.metadata);
      } catch (error) {
        parsed =
          error instanceof ValidationError
            ? error
            : new ValidationError('metadata could not be read', { code: 'invalid_metadata' });
      }
    }
  }
  return { ...event, user: idOf(event.userId), entity: idOf(event.entityId), parsed };
}

const itemTypeOf = (entityType: string): ItemType =>
  entityType === 'Track' ? 'track' : 'playlist';

/** Adds to `needs` every row `event` may read. */
export function collectNeeds(event: PreparedEvent, needs: BatchNeeds): void {
  const { user, entity, entityType, action } = event;
  if (user === undefined || entity === undefined) return;
  needs.userIds.add(user);
  needs.wallets.add(event.signer);
  const data = event.parsed instanceof ValidationError ? undefined : event.parsed?.data;
  if (entityType === 'User') {
    needs.userIds.add(entity);
    if (action === 'Create' && typeof data?.handle === 'string') {
      needs.handles.add(data.handle.toLowerCase());
    }
    if (action === 'Follow' || action === 'Unfollow') needs.follows.add(followKey(user, entity));
    return;
  }
  if (entityType === 'Track') needs.trackIds.add(entity);
  if (entityType === 'Playlist') {
    needs.playlistIds.add(entity);
    if (action === 'Update') needs.playlistContents.add(entity);
    const contents = data?.playlist_contents as { track_ids: { track: number }[] } | undefined;
    for (const entry of contents?.track_ids ?? []) needs.trackIds.add(entry.track);
  }
  if (action === 'Save' || action === 'Unsave') {
    needs.saves.add(itemKey(user, itemTypeOf(entityType), entity));
  }
  if (action === 'Repost' || action === 'Unrepost') {
    needs.reposts.add(itemKey(user, itemTypeOf(entityType), entity));
  }
}

/** Where an event sits: its block's time decides every timestamp it writes. */
export type EventBlock = { number: number; time: Date };

/**
 * Applies `event` to the batch, or records it as skipped with its reason; a skipped event
 * changes nothing else.
 */
export function applyEntityEvent(
  batch: EntityBatch,
  event: PreparedEvent,
  block: EventBlock,
): void {
  try {
    applyOrThrow(batch, event, block);
    batch.applied += 1;
  } catch (error) {
    if (!(error instanceof SkipReason)) throw error;
    batch.skip({
      block_number: event.blockNumber,
      log_index: event.logIndex,
      tx_hash: event.txHash,
      user_id: event.userId.toString(),
      signer: event.signer,
      entity_type: event.entityType.slice(0, 64),
      entity_id: event.entityId.toString(),
      action: event.action.slice(0, 64),
      reason_code: error.code,
      reason: error.message,
    });
  }
}

function applyOrThrow(batch: EntityBatch, event: PreparedEvent, block: EventBlock): void {
  const { entityType, action } = event;
  if (!isEntityType(entityType) || !isAction(action) || !isValidEntityAction(entityType, action)) {
    throw new SkipReason('invalid_action', `${entityType} ${action} is not an action`);
  }
  if (event.user === undefined || event.entity === undefined) {
    throw new SkipReason('invalid_id', `ids must be from 1 to ${MAX_ENTITY_ID}`);
  }
  if (event.parsed instanceof ValidationError) {
    throw new SkipReason(event.parsed.code, event.parsed.shortMessage);
  }
  const metadata = event.parsed!;
  const stamp = { block: block.number, time: block.time, tx: event.txHash };
  if (entityType === 'User' && action === 'Create') {
    createUser(batch, event, metadata, stamp);
    return;
  }
  const actor = batch.users.get(event.user);
  if (!actor) throw new SkipReason('unknown_user', `User ${event.user} does not exist`);
  if (actor.wallet !== event.signer) {
    throw new SkipReason('wrong_signer', `Signed by ${event.signer}, not by user ${actor.user_id}`);
  }
  if (entityType === 'User' && action === 'Update') {
    updateUser(batch, actor, event.entity, metadata, stamp);
    return;
  }
  if (actor.is_deactivated) {
    throw new SkipReason('user_deactivated', `User ${actor.user_id} is deactivated`);
  }
  const edge: EdgeRow = { created_block: block.number, created_at: block.time };
  switch (entityType) {
    case 'User':
      follow(batch, actor, event.entity, action === 'Follow', edge);
      return;
    case 'Track':
      if (action === 'Create') return createTrack(batch, actor, event.entity, metadata, stamp);
      if (action === 'Update') return updateTrack(batch, actor, event.entity, metadata, stamp);
      if (action === 'Delete') return deleteTrack(batch, actor, event.entity, stamp);
      return socialAction(batch, actor, 'track', event.entity, action, edge);
    case 'Playlist':
      if (action === 'Create') return createPlaylist(batch, actor, event.entity, metadata, stamp);
      if (action === 'Update') return updatePlaylist(batch, actor, event.entity, metadata, stamp);
      if (action === 'Delete') return deletePlaylist(batch, actor, event.entity, stamp);
      return socialAction(batch, actor, 'playlist', event.entity, action, edge);
  }
}

type Stamp = { block: number; time: Date; tx: string };

/** Applies an update's fields over the current ones: `null` removes a field. */
function merge(
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

function without(data: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...data };
  for (const key of keys) delete out[key];
  return out;
}

// ------------------------------------------------------------------ users

function createUser(
  batch: EntityBatch,
  event: PreparedEvent,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  if (event.user === undefined || event.entity !== event.user) {
    throw new SkipReason('id_mismatch', 'A User Create names the new user as both user and entity');
  }
  if (batch.users.get(event.user)) {
    throw new SkipReason('id_taken', `User ${event.user} already exists`);
  }
  if (batch.userByWallet.get(event.signer) != null) {
    throw new SkipReason(
      'wallet_has_user',
      `Wallet ${event.signer} already has user ${batch.userByWallet.get(event.signer)}`,
    );
  }
  const data = metadata.data!;
  const handle = data.handle as string;
  const handleLc = handle.toLowerCase();
  if (isReservedHandle(handle)) {
    throw new SkipReason('handle_reserved', `The handle "${handle}" is reserved`);
  }
  if (batch.userByHandle.get(handleLc) != null) {
    throw new SkipReason('handle_taken', `The handle "${handle}" is taken`);
  }
  batch.putUser({
    user_id: event.user,
    wallet: event.signer,
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
}

function updateUser(
  batch: EntityBatch,
  actor: UserRow,
  entity: number,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  if (entity !== actor.user_id) {
    throw new SkipReason('not_owner', `User ${actor.user_id} may only update itself`);
  }
  const update = metadata.data!;
  const next = merge(actor.metadata, without(update, 'is_deactivated'));
  batch.putUser({
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

function follow(
  batch: EntityBatch,
  actor: UserRow,
  target: number,
  on: boolean,
  edge: EdgeRow,
): void {
  if (target === actor.user_id) throw new SkipReason('self_follow', 'A user cannot follow itself');
  if (!batch.users.get(target)) {
    throw new SkipReason('unknown_target', `User ${target} does not exist`);
  }
  const key = followKey(actor.user_id, target);
  const following = batch.follows.get(key) != null;
  if (on === following) {
    throw new SkipReason(
      'no_op',
      on
        ? `User ${actor.user_id} already follows ${target}`
        : `User ${actor.user_id} does not follow ${target}`,
    );
  }
  batch.setFollow(key, on ? edge : null);
  const step = on ? 1 : -1;
  batch.countUser(actor.user_id, { following_count: step });
  batch.countUser(target, { follower_count: step });
}

// ------------------------------------------------------------------ tracks

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

/** `row`, when it exists, is not deleted and belongs to `actor`; otherwise why not. */
function owned<T extends { owner_id: number; is_deleted: boolean }>(
  row: T | null | undefined,
  kind: 'Track' | 'Playlist',
  id: number,
  actor: UserRow,
): T {
  if (!row) throw new SkipReason(`unknown_${kind.toLowerCase()}`, `${kind} ${id} does not exist`);
  if (row.is_deleted) throw new SkipReason('deleted', `${kind} ${id} is deleted`);
  if (row.owner_id !== actor.user_id) {
    throw new SkipReason('not_owner', `${kind} ${id} belongs to user ${row.owner_id}`);
  }
  return row;
}

const ownedTrack = (batch: EntityBatch, actor: UserRow, id: number): TrackRow =>
  owned(batch.tracks.get(id), 'Track', id, actor);

function createTrack(
  batch: EntityBatch,
  actor: UserRow,
  id: number,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  if (batch.tracks.get(id)) throw new SkipReason('id_taken', `Track ${id} already exists`);
  const data = metadata.data!;
  batch.putTrack({
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
  batch.countUser(actor.user_id, { track_count: 1 });
}

function updateTrack(
  batch: EntityBatch,
  actor: UserRow,
  id: number,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  const track = ownedTrack(batch, actor, id);
  const next = merge(track.metadata, metadata.data!);
  batch.putTrack({
    ...track,
    ...trackColumns(next),
    metadata: next,
    metadata_cid: metadata.cid,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
}

function deleteTrack(batch: EntityBatch, actor: UserRow, id: number, stamp: Stamp): void {
  const track = ownedTrack(batch, actor, id);
  batch.putTrack({
    ...track,
    is_deleted: true,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.countUser(actor.user_id, { track_count: -1 });
}

// ------------------------------------------------------------------ playlists

type Contents = { track_ids: { track: number; time: number }[] };

/** The track list of a playlist's metadata; tracks it adds must exist and not be deleted. */
function entriesOf(
  batch: EntityBatch,
  contents: Contents,
  before: PlaylistEntry[] = [],
): PlaylistEntry[] {
  const had = new Set(before.map((e) => e.track_id));
  for (const { track } of contents.track_ids) {
    if (had.has(track)) continue;
    const row = batch.tracks.get(track);
    if (!row) throw new SkipReason('unknown_track', `Track ${track} does not exist`);
    if (row.is_deleted) throw new SkipReason('deleted', `Track ${track} is deleted`);
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
  owned(batch.playlists.get(id), 'Playlist', id, actor);

const kindCount = (isAlbum: boolean) => (isAlbum ? 'album_count' : 'playlist_count');

function createPlaylist(
  batch: EntityBatch,
  actor: UserRow,
  id: number,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  if (batch.playlists.get(id)) throw new SkipReason('id_taken', `Playlist ${id} already exists`);
  const data = metadata.data!;
  const entries = entriesOf(batch, data.playlist_contents as Contents);
  const columns = playlistColumns(data);
  batch.putPlaylist(
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
  batch.countUser(actor.user_id, { [kindCount(columns.is_album)]: 1 });
}

function updatePlaylist(
  batch: EntityBatch,
  actor: UserRow,
  id: number,
  metadata: EntityMetadata,
  stamp: Stamp,
): void {
  const playlist = ownedPlaylist(batch, actor, id);
  const update = metadata.data!;
  const entries =
    update.playlist_contents === undefined
      ? undefined
      : entriesOf(batch, update.playlist_contents as Contents, batch.playlistTracks.get(id));
  const next = merge(playlist.metadata, without(update, 'playlist_contents'));
  const columns = playlistColumns(next);
  batch.putPlaylist(
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
    batch.countUser(actor.user_id, {
      [kindCount(playlist.is_album)]: -1,
      [kindCount(columns.is_album)]: 1,
    });
  }
}

function deletePlaylist(batch: EntityBatch, actor: UserRow, id: number, stamp: Stamp): void {
  const playlist = ownedPlaylist(batch, actor, id);
  batch.putPlaylist({
    ...playlist,
    is_deleted: true,
    updated_block: stamp.block,
    updated_at: stamp.time,
    tx_hash: stamp.tx,
  });
  batch.countUser(actor.user_id, { [kindCount(playlist.is_album)]: -1 });
}

// ------------------------------------------------------------------ saves and reposts

function socialAction(
  batch: EntityBatch,
  actor: UserRow,
  type: ItemType,
  id: number,
  action: string,
  edge: EdgeRow,
): void {
  const target = type === 'track' ? batch.tracks.get(id) : batch.playlists.get(id);
  if (!target) throw new SkipReason('unknown_target', `The ${type} ${id} does not exist`);
  const on = action === 'Save' || action === 'Repost';
  const isSave = action === 'Save' || action === 'Unsave';
  if (on && target.is_deleted) {
    throw new SkipReason('target_deleted', `The ${type} ${id} is deleted`);
  }
  const key = itemKey(actor.user_id, type, id);
  const state = isSave ? batch.saves : batch.reposts;
  const present = state.get(key) != null;
  const verb = isSave ? 'saved' : 'reposted';
  if (on === present) {
    throw new SkipReason(
      'no_op',
      on
        ? `User ${actor.user_id} already ${verb} the ${type} ${id}`
        : `User ${actor.user_id} has not ${verb} the ${type} ${id}`,
    );
  }
  if (isSave) batch.setSave(key, on ? edge : null);
  else batch.setRepost(key, on ? edge : null);
  const step = on ? 1 : -1;
  const counter = isSave ? 'save_count' : 'repost_count';
  batch.countUser(actor.user_id, { [counter]: step });
  if (type === 'track') batch.countTrack(id, { [counter]: step });
  else batch.countPlaylist(id, { [counter]: step });
}
