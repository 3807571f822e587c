// Turns ids into wire objects: loads the views in bulk, works out access, and shapes them.
import { ForbiddenError } from '@coliving/protocol';
import {
  type PlaylistView,
  type TrackView,
  loadPlaylists,
  loadTracks,
  loadUsers,
} from '../core/catalog.js';
import { checkStreamAccess } from '../core/streamAccess.js';
import { type ApiComponents, responseContext } from './common.js';
import { toPlaylist, toTrack, toUser } from './responses.js';

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
  // Downloads of the original need their own route and gates; until it exists, none.
  return { stream, download: false };
}

/** Tracks as API v1 `Track`s, in the order of `ids`. */
export async function presentTracks(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
  views?: TrackView[],
): Promise<Record<string, unknown>[]> {
  const tracks = views ?? (await loadTracks(components.db, ids, viewerId));
  const ctx = await responseContext(components, viewerId);
  return Promise.all(
    tracks.map(async (t) => toTrack(t, ctx, await trackAccess(components, t, viewerId))),
  );
}

/** Users as API v1 `User`s, in the order of `ids`. */
export async function presentUsers(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
): Promise<Record<string, unknown>[]> {
  const users = await loadUsers(components.db, ids, viewerId);
  const ctx = await responseContext(components, viewerId);
  return users.map((u) => toUser(u, ctx));
}

/** Playlists as API v1 `Playlist`s, in the order of `ids`. */
export async function presentPlaylists(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
  views?: PlaylistView[],
): Promise<Record<string, unknown>[]> {
  const playlists = views ?? (await loadPlaylists(components.db, ids, viewerId));
  const ctx = await responseContext(components, viewerId);
  return playlists.map((p) =>
    toPlaylist(p, ctx, {
      stream: p.streamConditions === null || viewerId === p.ownerId,
      download: false,
    }),
  );
}
