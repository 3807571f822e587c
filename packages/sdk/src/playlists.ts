// `sdk.playlists`: every /v1/playlists read and the playlist (and album) writes.
import {
  type SdkContext,
  getData,
  getDataOn,
  readById,
  requireAccount,
  toEntityId,
} from './context.js';
import { ColivingSdkError } from './errors.js';
import { manageEntity } from './manageEntity.js';
import {
  type AccessConditionsInput,
  type PlaylistFieldsInput,
  playlistContents,
  toPlaylistMetadata,
} from './metadata.js';
import { type WriteOptions, toggle } from './social.js';
import type { SearchSortMethod, TrendingTime } from './tracks.js';
import type { AccessInfo, Page, Playlist, Track, Viewer } from './types.js';
import { type FileInput, uploadImage } from './upload.js';

export type CreatePlaylistParameters = {
  /** The owner. */
  userId: string;
  name: string;
  isAlbum?: boolean;
  description?: string;
  isPrivate?: boolean;
  /** The tracks, in order. */
  trackIds?: string[];
  /** A square image. */
  artwork?: FileInput;
  releaseDate?: string | Date;
  upc?: string;
  /** Who may stream it: a price (an album bought unlocks its tracks), a tip or a follow. */
  streamConditions?: AccessConditionsInput;
} & WriteOptions;
export type CreatePlaylistReturnType = { playlistId: string; playlist: Playlist };

export type UpdatePlaylistChanges = Omit<PlaylistFieldsInput, 'artworkCid'> & {
  /** The whole new track list, in order (tracks kept keep the time they were added). */
  trackIds?: string[];
  /** A new square image; null removes it. */
  artwork?: FileInput | null;
};

type Signal = { signal?: AbortSignal };

/** The playlist API (albums are playlists with `isAlbum`). */
export function createPlaylistsApi(ctx: SdkContext) {
  const path = (id: string) => `/v1/playlists/${encodeURIComponent(id)}`;

  /** The one playlist of an answer that is an array of one. */
  function only(list: Playlist[] | undefined): Playlist | undefined {
    const [playlist] = list ?? [];
    return playlist && playlist.id !== undefined ? playlist : undefined;
  }

  async function get(id: string, opts: Viewer & Signal = {}): Promise<Playlist> {
    const playlist = only(
      await readById(
        getData<Playlist[]>(ctx, path(id), { user_id: opts.userId }, opts.signal),
        'playlist',
        id,
      ),
    );
    if (!playlist) {
      throw new ColivingSdkError('not_found', `Playlist ${id} not found`, {
        code: 'playlist_not_found',
      });
    }
    return playlist;
  }

  async function readOn(endpoint: string, id: string, viewer: string, signal?: AbortSignal) {
    return only(await getDataOn<Playlist[]>(ctx, endpoint, path(id), { user_id: viewer }, signal));
  }

  async function unclaimedId(signal?: AbortSignal): Promise<string> {
    return getData<string>(ctx, '/v1/playlists/unclaimed_id', {}, signal);
  }

  /** The playlist as its owner sees it now: `not_found` or `forbidden` otherwise. */
  async function owned(userId: string, playlistId: string, signal?: AbortSignal) {
    const playlist = await get(playlistId, { userId, ...(signal ? { signal } : {}) });
    if (toEntityId(playlist.user_id) !== toEntityId(userId, 'user id')) {
      throw new ColivingSdkError('forbidden', `Playlist ${playlistId} belongs to another user`, {
        code: 'not_owner',
      });
    }
    return playlist;
  }

  /**
   * An album holds only its owner's tracks: one read of the tracks it lists, refused before
   * signing (the relay and the indexer refuse it too, with the same code).
   */
  async function checkAlbumTracks(
    owner: string,
    trackIds: readonly string[],
    signal?: AbortSignal,
  ) {
    if (trackIds.length === 0) return;
    const ids = [...new Set(trackIds)];
    const tracks = await getData<Track[]>(ctx, '/v1/tracks', { id: ids }, signal);
    const ownerId = toEntityId(owner, 'user id');
    const foreign = tracks.find((t) => toEntityId(t.user.id) !== ownerId);
    if (foreign) {
      throw new ColivingSdkError(
        'forbidden',
        `"${foreign.title}" belongs to @${foreign.user.handle}: an album holds only its owner's tracks`,
        { code: 'album_foreign_track' },
      );
    }
  }

  async function update(
    userId: string,
    playlistId: string,
    changes: UpdatePlaylistChanges,
    options: WriteOptions = {},
  ): Promise<Playlist> {
    const { artwork, trackIds, ...fields } = changes;
    const before = await owned(userId, playlistId, options.signal);
    const data = toPlaylistMetadata(fields);
    if (artwork !== undefined) {
      data.playlist_image_sizes_multihash =
        artwork === null
          ? null
          : await uploadImage(ctx, requireAccount(ctx), artwork, 'img_square', {
              signal: options.signal,
            });
    }
    // Making a playlist an album names its list: the network checks each track is the owner's.
    const listed =
      trackIds ??
      (fields.isAlbum === true && !before.is_album
        ? before.playlist_contents.map((e) => e.track_id)
        : undefined);
    if (listed !== undefined) {
      const album = fields.isAlbum ?? before.is_album;
      if (album === true) await checkAlbumTracks(userId, listed, options.signal);
      data.playlist_contents = playlistContents(listed, before.playlist_contents);
    }
    return manageEntity<Playlist>(ctx, {
      userId: toEntityId(userId, 'user id'),
      entityType: 'Playlist',
      entityId: toEntityId(playlistId, 'playlist id'),
      action: 'Update',
      data,
      readBack: (endpoint) => readOn(endpoint, playlistId, userId, options.signal),
      isApplied: (p) => p !== undefined && p.blocknumber > before.blocknumber,
      signal: options.signal,
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    });
  }

  function playlistToggle(
    userId: string,
    playlistId: string,
    action: 'Save' | 'Unsave' | 'Repost' | 'Unrepost',
    on: boolean,
    options: WriteOptions = {},
  ): Promise<Playlist> {
    const saves = action === 'Save' || action === 'Unsave';
    return toggle<Playlist>(
      ctx,
      {
        entityType: 'Playlist',
        action,
        userId,
        targetId: playlistId,
        read: (endpoint, viewer) => readOn(endpoint, playlistId, viewer, options.signal),
        flag: (p) => (saves ? p.has_current_user_saved : p.has_current_user_reposted),
        on,
      },
      options,
    );
  }

  return {
    get,
    unclaimedId,
    update,

    /**
     * Whether `userId` may stream and download the playlist (an album bought unlocks its
     * tracks), and what unlocks it; without `userId`, as an anonymous listener.
     */
    async accessInfo(id: string, opts: Viewer & Signal = {}): Promise<AccessInfo> {
      return readById(
        getData<AccessInfo>(ctx, `${path(id)}/access-info`, { user_id: opts.userId }, opts.signal),
        'playlist',
        id,
      );
    },

    /** The playlist's tracks, in order (deleted and unreleased ones left out). */
    async tracks(id: string, opts: Viewer & Signal = {}): Promise<Track[]> {
      return getData<Track[]>(ctx, `${path(id)}/tracks`, { user_id: opts.userId }, opts.signal);
    },

    async search(
      opts: Page & Viewer & Signal & { query: string; sortMethod?: SearchSortMethod },
    ): Promise<Playlist[]> {
      return getData<Playlist[]>(
        ctx,
        '/v1/playlists/search',
        {
          query: opts.query,
          sort_method: opts.sortMethod,
          limit: opts.limit,
          offset: opts.offset,
          user_id: opts.userId,
        },
        opts.signal,
      );
    },

    async trending(
      opts: Page & Viewer & Signal & { time?: TrendingTime } = {},
    ): Promise<Playlist[]> {
      return getData<Playlist[]>(
        ctx,
        '/v1/playlists/trending',
        { time: opts.time, limit: opts.limit, offset: opts.offset, user_id: opts.userId },
        opts.signal,
      );
    },

    /** Creates a playlist (or an album) and answers it as indexed. */
    async create(p: CreatePlaylistParameters): Promise<CreatePlaylistReturnType> {
      const owner = toEntityId(p.userId, 'user id');
      const data = toPlaylistMetadata({
        name: p.name,
        ...(p.isAlbum !== undefined ? { isAlbum: p.isAlbum } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.isPrivate !== undefined ? { isPrivate: p.isPrivate } : {}),
        ...(p.releaseDate !== undefined ? { releaseDate: p.releaseDate } : {}),
        ...(p.upc !== undefined ? { upc: p.upc } : {}),
        ...(p.streamConditions !== undefined ? { streamConditions: p.streamConditions } : {}),
      });
      if (p.isAlbum === true) await checkAlbumTracks(p.userId, p.trackIds ?? [], p.signal);
      data.playlist_contents = playlistContents(p.trackIds ?? []);
      if (p.artwork !== undefined) {
        data.playlist_image_sizes_multihash = await uploadImage(
          ctx,
          requireAccount(ctx),
          p.artwork,
          'img_square',
          { signal: p.signal },
        );
      }
      const playlistId = await unclaimedId(p.signal);
      const playlist = await manageEntity<Playlist>(ctx, {
        userId: owner,
        entityType: 'Playlist',
        entityId: toEntityId(playlistId),
        action: 'Create',
        data,
        readBack: (endpoint) => readOn(endpoint, playlistId, p.userId, p.signal),
        isApplied: (pl) => pl !== undefined,
        signal: p.signal,
        ...(p.onStatus ? { onStatus: p.onStatus } : {}),
      });
      return { playlistId, playlist };
    },

    /** Appends a track to the playlist; answers the playlist after. */
    async addTrack(
      userId: string,
      playlistId: string,
      trackId: string,
      options: WriteOptions = {},
    ): Promise<Playlist> {
      const current = await owned(userId, playlistId, options.signal);
      const ids = current.playlist_contents.map((e) => e.track_id);
      return update(userId, playlistId, { trackIds: [...ids, trackId] }, options);
    },

    /** Takes every copy of a track out of the playlist; answers the playlist after. */
    async removeTrack(
      userId: string,
      playlistId: string,
      trackId: string,
      options: WriteOptions = {},
    ): Promise<Playlist> {
      const current = await owned(userId, playlistId, options.signal);
      const target = toEntityId(trackId, 'track id');
      const ids = current.playlist_contents
        .map((e) => e.track_id)
        .filter((id) => toEntityId(id) !== target);
      if (ids.length === current.playlist_contents.length) {
        throw new ColivingSdkError('not_found', `Track ${trackId} is not in the playlist`, {
          code: 'track_not_in_playlist',
        });
      }
      return update(userId, playlistId, { trackIds: ids }, options);
    },

    /** Deletes a playlist. */
    async remove(userId: string, playlistId: string, options: WriteOptions = {}): Promise<void> {
      await owned(userId, playlistId, options.signal);
      await manageEntity<Playlist>(ctx, {
        userId: toEntityId(userId, 'user id'),
        entityType: 'Playlist',
        entityId: toEntityId(playlistId, 'playlist id'),
        action: 'Delete',
        readBack: (endpoint) => readOn(endpoint, playlistId, userId, options.signal),
        isApplied: (p) => p === undefined || p.is_delete,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    save: (userId: string, playlistId: string, options?: WriteOptions) =>
      playlistToggle(userId, playlistId, 'Save', true, options),
    unsave: (userId: string, playlistId: string, options?: WriteOptions) =>
      playlistToggle(userId, playlistId, 'Unsave', false, options),
    repost: (userId: string, playlistId: string, options?: WriteOptions) =>
      playlistToggle(userId, playlistId, 'Repost', true, options),
    unrepost: (userId: string, playlistId: string, options?: WriteOptions) =>
      playlistToggle(userId, playlistId, 'Unrepost', false, options),
  };
}

export type PlaylistsApi = ReturnType<typeof createPlaylistsApi>;
