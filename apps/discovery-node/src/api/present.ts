// Turns ids into wire objects: loads the views in bulk, works out access, and shapes them.
// Tracks as anyone without a current user sees them come from kept JSON (answer/trackJsonCache.ts)
// when they can: a track read is otherwise a database round trip, a dozen-key owner object and a
// JSON encoding per request; from there it is a map lookup.
import { ForbiddenError, encodeHashId } from '@coliving/protocol';
import {
  type PlaylistView,
  type TrackView,
  loadPlaylists,
  loadTracks,
  loadUsers,
} from '../core/catalog.js';
import { checkStreamAccess, unmetCondition } from '../core/streamAccess.js';
import { isScheduled, isTrackVisible } from '../core/visibility.js';
import { EncodedJson } from './answer/respond.js';
import type { PublicTrack } from './answer/trackJsonCache.js';
import { type ApiComponents, responseContext } from './common.js';
import { type ResponseContext, toPlaylist, toTrack, toUser } from './responses.js';

/** Whether the current user may stream a track, from the one place the gates live. */
export async function trackAccess(
  components: ApiComponents,
  track: TrackView,
  viewerId: number | undefined,
): Promise<{ stream: boolean; download: boolean }> {
  let stream = true;
  if (track.streamConditions !== null) {
    try {
      await checkStreamAccess(
        components.db,
        {
          trackId: track.trackId,
          ownerId: track.ownerId,
          trackCid: track.trackCid,
          previewCid:
            typeof track.metadata.preview_cid === 'string' ? track.metadata.preview_cid : null,
          streamConditions: track.streamConditions,
          isDeleted: track.isDeleted,
          releaseDate: track.releaseDate,
          isUnlisted: track.isUnlisted,
        },
        viewerId === undefined ? {} : { userId: viewerId },
      );
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
      stream = false;
    }
  }
  // A downloadable track's original, behind its stream and its download conditions, as the
  // download route decides (core/streamAccess.ts checkDownloadAccess).
  const download =
    track.metadata.is_downloadable === true &&
    (viewerId === track.ownerId ||
      (stream &&
        (await unmetCondition(components.db, track.downloadConditions, viewerId, {
          type: 'track',
          id: track.trackId,
        })) === undefined));
  return { stream, download };
}

/**
 * Tracks as API v1 `Track`s, in the order of `ids`; `ownerId`, the current user when proven
 * (common.ts ownerOf), also sees their own hidden remix parents.
 */
export async function presentTracks(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
  views?: TrackView[],
  ownerId?: number,
): Promise<Record<string, unknown>[]> {
  const tracks = views ?? (await loadTracks(components.db, ids, viewerId));
  const ctx = await responseContext(components, viewerId, ownerId);
  const shaped = await Promise.all(
    tracks.map(async (t) => toTrack(t, ctx, await trackAccess(components, t, viewerId))),
  );
  if (ctx.full) await addFullRemixParents(components, tracks, shaped, ctx);
  return shaped;
}

/**
 * A full track's `remix_of` (Audius's `full_remix_parent`): each parent's owner as a full user,
 * and whether that owner reposted or saved the remix. A parent this node does not know, or the
 * viewer may not see (deleted, its owner deactivated, not released yet), is left out: a remix's
 * metadata names any track id it likes, and must not show a hidden track's owner.
 */
async function addFullRemixParents(
  components: ApiComponents,
  views: readonly TrackView[],
  shaped: Record<string, unknown>[],
  ctx: ResponseContext,
): Promise<void> {
  const parentsOf = views.map((v) =>
    (
      (v.metadata.remix_of as { tracks?: { parent_track_id?: unknown }[] } | undefined)?.tracks ??
      []
    )
      .map((t) => t.parent_track_id)
      .filter((id): id is number => Number.isSafeInteger(id)),
  );
  const parentIds = [...new Set(parentsOf.flat())];
  const parents = new Map(
    (await loadTracks(components.db, parentIds, ctx.viewerId))
      .filter((p) => isTrackVisible(p, ctx.ownerId))
      .map((p) => [p.trackId, p]),
  );
  const remixIds = views.filter((_, i) => parentsOf[i]!.length > 0).map((v) => v.trackId);
  const authors = [...new Set([...parents.values()].map((p) => p.ownerId))];
  const acted = async (table: 'reposts' | 'saves') => {
    if (remixIds.length === 0 || authors.length === 0) return new Set<string>();
    const rows = await components.db
      .selectFrom(table)
      .select(['user_id', 'item_id'])
      .where('item_type', '=', 'track')
      .where('item_id', 'in', remixIds)
      .where('user_id', 'in', authors)
      .execute();
    return new Set(rows.map((r) => `${r.user_id}:${r.item_id}`));
  };
  const [reposted, saved] = await Promise.all([acted('reposts'), acted('saves')]);
  views.forEach((view, i) => {
    const tracks = parentsOf[i]!.flatMap((parentId) => {
      const parent = parents.get(parentId);
      if (!parent) return [];
      const key = `${parent.ownerId}:${view.trackId}`;
      return [
        {
          parent_track_id: encodeHashId(parentId),
          user: toUser(parent.owner, ctx),
          has_remix_author_reposted: reposted.has(key),
          has_remix_author_saved: saved.has(key),
        },
      ];
    });
    shaped[i]!.remix_of = { tracks };
  });
}

/**
 * Users as API v1 `User`s, in the order of `ids`; `ownerId` (the current user when proven) has
 * their hidden tracks in their own `track_count`.
 */
export async function presentUsers(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
  ownerId?: number,
): Promise<Record<string, unknown>[]> {
  const users = await loadUsers(components.db, ids, viewerId);
  const ctx = await responseContext(components, viewerId, ownerId);
  return users.map((u) => toUser(u, ctx));
}

/**
 * Playlists as API v1 `Playlist`s, in the order of `ids`; full ones carry their tracks unless
 * `withTracks` is false (Audius's `playlist_full_without_tracks`, as search answers them), and
 * `ownerId` (the current user when proven) also sees their own scheduled tracks there.
 */
export async function presentPlaylists(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
  views?: PlaylistView[],
  withTracks = true,
  ownerId?: number,
): Promise<Record<string, unknown>[]> {
  const playlists = views ?? (await loadPlaylists(components.db, ids, viewerId, ownerId));
  const ctx = await responseContext(components, viewerId);
  const shaped = await Promise.all(
    playlists.map(async (p) =>
      toPlaylist(p, ctx, {
        // An album's purchase opens it (core/streamAccess.ts), as it opens its tracks.
        stream:
          viewerId === p.ownerId ||
          (await unmetCondition(components.db, p.streamConditions, viewerId, {
            type: 'playlist',
            id: p.playlistId,
          })) === undefined,
        download: false,
      }),
    ),
  );
  if (ctx.full && withTracks)
    await addPlaylistTracks(components, playlists, shaped, viewerId, ownerId);
  return shaped;
}

/**
 * A full playlist's `tracks`: those the viewer can play, in order, as full tracks, the same list
 * `/v1/playlists/{id}/tracks` answers.
 */
async function addPlaylistTracks(
  components: ApiComponents,
  playlists: readonly PlaylistView[],
  shaped: Record<string, unknown>[],
  viewerId: number | undefined,
  ownerId: number | undefined,
): Promise<void> {
  const ids = [...new Set(playlists.flatMap((p) => p.contents.map((c) => c.trackId)))];
  const views = (await loadTracks(components.db, ids, viewerId)).filter((t) =>
    isTrackVisible(t, ownerId),
  );
  const tracks = await presentTracks(components, [], viewerId, views, ownerId);
  const byId = new Map(views.map((v, i) => [v.trackId, tracks[i]!]));
  playlists.forEach((playlist, i) => {
    shaped[i]!.tracks = playlist.contents.flatMap((c) => {
      const track = byId.get(c.trackId);
      return track ? [track] : [];
    });
  });
}

/**
 * The context of answers without a current user, and its key: what a kept track's JSON depends
 * on besides the catalog (where the content nodes are). Both are made once per node list and
 * kept with the node's kept tracks, so a kept track's lookup hashes no new string.
 */
async function publicContext(
  components: ApiComponents,
): Promise<{ ctx: ResponseContext; key: string }> {
  const nodes = await components.contentNodes.endpoints();
  const cache = components.trackJson;
  let entry = cache.publicContext;
  if (entry?.nodes !== nodes) {
    const ctx = await responseContext(components, undefined);
    const key = `${ctx.publicUrl} ${ctx.replicationFactor} ${ctx.contentNodes.join(' ')}`;
    entry = { nodes: ctx.contentNodes, ctx, key };
    cache.publicContext = entry;
  }
  return entry;
}

/**
 * Tracks as anyone without a current user sees them, in the order of `ids`; unknown ids are left
 * out.
 */
export async function publicTracks(
  components: ApiComponents,
  ids: readonly number[],
): Promise<PublicTrack[]> {
  if (components.full) return fullPublicTracks(components, ids);
  const cache = components.trackJson;
  const { ctx, key: context } = await publicContext(components);
  const found = new Map<number, PublicTrack>();
  const missing: number[] = [];
  for (const id of ids) {
    const kept = cache.get(id, context);
    if (kept) found.set(id, kept);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const ticket = cache.ticket();
    for (const view of await loadTracks(components.db, missing)) {
      const track = await built(components, view, ctx);
      found.set(view.trackId, track);
      // A gated track's access is worked out per request, a scheduled one changes with the clock,
      // and so does the owner's track_count while one of their tracks is scheduled.
      if (
        view.streamConditions === null &&
        !isScheduled(view.releaseDate) &&
        view.owner.nextRelease === null
      )
        cache.set(track, context, ticket);
    }
  }
  const out: PublicTrack[] = [];
  for (const id of ids) {
    const track = found.get(id);
    if (track) out.push(track);
  }
  return out;
}

/** Full tracks as anyone sees them: built per answer, not kept (only the plain ones are). */
async function fullPublicTracks(
  components: ApiComponents,
  ids: readonly number[],
): Promise<PublicTrack[]> {
  const views = await loadTracks(components.db, ids);
  const shaped = await presentTracks(components, [], undefined, views);
  return views.map((view, i) => ({
    trackId: view.trackId,
    ownerId: view.ownerId,
    isPublic: isTrackVisible(view),
    json: Buffer.from(JSON.stringify(shaped[i])),
  }));
}

/**
 * Tracks in the order of `ids`, as an answer's `data`: from kept JSON when no current user asks
 * (a page is then a few lookups and a copy), else built for that user.
 */
export async function trackListData(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
): Promise<unknown> {
  if (viewerId !== undefined) return presentTracks(components, ids, viewerId);
  return EncodedJson.array((await publicTracks(components, ids)).map((t) => t.json));
}

async function built(
  components: ApiComponents,
  view: TrackView,
  ctx: ResponseContext,
): Promise<PublicTrack> {
  const access = await trackAccess(components, view, undefined);
  return {
    trackId: view.trackId,
    ownerId: view.ownerId,
    isPublic: isTrackVisible(view),
    json: Buffer.from(JSON.stringify(toTrack(view, ctx, access))),
  };
}
