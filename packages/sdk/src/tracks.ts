// `sdk.tracks`: every /v1/tracks read, the stream URL, uploads and the track writes.
import {
  TRANSCODE_RESULTS,
  formatIssues,
  listenerProofData,
  rankNodes,
  trackUpdateSchema,
} from '@coliving/protocol';
import { STREAM_REPLICAS } from './constants.js';
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
  type TrackFieldsInput,
  type TrackMetadataInput,
  type TrackUpdateInput,
  toTrackMetadata,
} from './metadata.js';
import { type WriteOptions, readAs, toggle } from './social.js';
import type { AccessInfo, Page, TopListener, Track, User, Viewer } from './types.js';
import {
  type FileInput,
  type UploadProgressEvent,
  cutPreview,
  uploadFile,
  uploadImage,
} from './upload.js';
import { readWaveform } from './waveform.js';

export type TrendingTime = 'week' | 'month' | 'year' | 'allTime';
export type SearchSortMethod = 'relevant' | 'popular' | 'recent';

export type TrendingTracksParameters = Page & Viewer & { time?: TrendingTime; genre?: string };
export type SearchTracksParameters = Page &
  Viewer & {
    query: string;
    genre?: string[];
    mood?: string[];
    sortMethod?: SearchSortMethod;
    onlyDownloadable?: boolean;
  };
export type BulkTracksParameters = Viewer & { ids?: string[]; permalinks?: string[] };
export type StreamUrlOptions = {
  /** The preview (at most 30 s and half the track), which is never gated. */
  preview?: boolean;
  /**
   * The listener. With an account set, the SDK also signs `user_data` with it (the time and this
   * track, good for 5 minutes), which proves the listener to the node (needed for gated tracks;
   * counted as their listen).
   */
  userId?: string;
  skipPlayCount?: boolean;
  signal?: AbortSignal;
};

export type DownloadUrlOptions = {
  /** The downloading user, proven as for streamUrl (needed for gated downloads). */
  userId?: string;
  /** false: the MP3 even when the original was kept. */
  original?: boolean;
  /** The name to save under (the node cleans it); the original's name or `<title>.mp3` without. */
  filename?: string;
  signal?: AbortSignal;
};

export type UploadTrackParameters = {
  /** The uploading (owning) user. */
  userId: string;
  /** The audio: any format ffmpeg reads. */
  file: FileInput;
  fileName?: string;
  /** A square image. */
  artwork?: FileInput;
  metadata: TrackFieldsInput;
  onProgress?: (event: UploadProgressEvent) => void;
  signal?: AbortSignal;
};
export type UploadTrackReturnType = { trackId: string; track: Track };

export type CreateTrackParameters = {
  userId: string;
  metadata: TrackMetadataInput;
  /** A square image to upload as the artwork (instead of `metadata.coverArtCid`). */
  artwork?: FileInput;
} & WriteOptions;

export type UpdateTrackChanges = TrackUpdateInput & { artwork?: FileInput };

/** The track API. */
export function createTracksApi(ctx: SdkContext) {
  const path = (id: string) => `/v1/tracks/${encodeURIComponent(id)}`;

  async function get(id: string, opts: Viewer & { signal?: AbortSignal } = {}): Promise<Track> {
    return readById(
      getData<Track>(ctx, path(id), { user_id: opts.userId }, opts.signal),
      'track',
      id,
    );
  }

  /**
   * A signed content-node URL for the track's audio: valid 48 h, or for a gated track minutes past
   * its duration (ask again after that).
   */
  async function streamUrl(id: string, opts: StreamUrlOptions = {}): Promise<string> {
    return getData<string>(
      ctx,
      `${path(id)}/stream`,
      {
        no_redirect: true,
        preview: opts.preview,
        skip_play_count: opts.skipPlayCount,
        ...(await listenerProof(id, opts.userId)),
      },
      opts.signal,
    );
  }

  /**
   * `user_id`, and with an account set `user_data` and `user_signature`: the time and this track
   * signed by the account, good for 5 minutes, which proves the user to the node.
   */
  async function listenerProof(
    id: string,
    userId: string | undefined,
  ): Promise<{ user_id?: string; user_data?: string; user_signature?: string }> {
    const account = ctx.account();
    if (userId === undefined) return {};
    if (!account) return { user_id: userId };
    const userData = listenerProofData({ trackId: id });
    return {
      user_id: userId,
      user_data: userData,
      user_signature: await account.signMessage({ message: userData }),
    };
  }

  /**
   * A signed content-node URL that downloads the track's file as an attachment: the original
   * upload when the track kept one (unless `original: false`), else its MP3. Good for minutes;
   * never a play. `forbidden` (`not_downloadable`, `download_gated` with what unlocks it) when the
   * user may not download it.
   */
  async function downloadUrl(id: string, opts: DownloadUrlOptions = {}): Promise<string> {
    return getData<string>(
      ctx,
      `${path(id)}/download`,
      {
        no_redirect: true,
        original: opts.original,
        filename: opts.filename,
        ...(await listenerProof(id, opts.userId)),
      },
      opts.signal,
    );
  }

  /** Publishes a track whose files are on the content nodes already. */
  async function publish(
    userId: string,
    metadata: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<UploadTrackReturnType> {
    const owner = toEntityId(userId, 'user id');
    const trackId = await unclaimedId(options.signal);
    const track = await manageEntity<Track>(ctx, {
      userId: owner,
      entityType: 'Track',
      entityId: toEntityId(trackId),
      action: 'Create',
      data: metadata,
      readBack: (endpoint) =>
        getDataOn<Track>(ctx, endpoint, path(trackId), { user_id: userId }, options.signal),
      isApplied: (t) => t !== undefined,
      signal: options.signal,
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    });
    return { trackId, track };
  }

  async function unclaimedId(signal?: AbortSignal): Promise<string> {
    return getData<string>(ctx, '/v1/tracks/unclaimed_id', {}, signal);
  }

  /** The track as it is now, owned by `userId`: `not_found` or `forbidden` otherwise. */
  async function owned(userId: string, trackId: string, signal?: AbortSignal): Promise<Track> {
    const track = await get(trackId, { userId, ...(signal ? { signal } : {}) });
    if (toEntityId(track.user_id) !== toEntityId(userId, 'user id')) {
      throw new ColivingSdkError('forbidden', `Track ${trackId} belongs to another user`, {
        code: 'not_owner',
      });
    }
    return track;
  }

  return {
    get,
    unclaimedId,

    /** Tracks by id and/or permalink (`/handle/slug`), in one call. */
    async bulk(p: BulkTracksParameters & { signal?: AbortSignal }): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        '/v1/tracks',
        { id: p.ids ?? [], permalink: p.permalinks ?? [], user_id: p.userId },
        p.signal,
      );
    },

    /** The track at a permalink (`/handle/slug`); `not_found` when there is none. */
    async byPermalink(
      permalink: string,
      opts: Viewer & { signal?: AbortSignal } = {},
    ): Promise<Track> {
      const [track] = await getData<Track[]>(
        ctx,
        '/v1/tracks',
        { permalink: [permalink], user_id: opts.userId },
        opts.signal,
      );
      if (!track) {
        throw new ColivingSdkError('not_found', `No track at ${permalink}`, {
          code: 'track_not_found',
        });
      }
      return track;
    },

    async trending(
      opts: TrendingTracksParameters & { signal?: AbortSignal } = {},
    ): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        '/v1/tracks/trending',
        {
          time: opts.time,
          genre: opts.genre,
          limit: opts.limit,
          offset: opts.offset,
          user_id: opts.userId,
        },
        opts.signal,
      );
    },

    /** The newest tracks, of a genre and/or mood when given. */
    async latest(
      opts: Page & Viewer & { genre?: string; mood?: string; signal?: AbortSignal } = {},
    ): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        '/v1/tracks/latest',
        {
          genre: opts.genre,
          mood: opts.mood,
          limit: opts.limit,
          offset: opts.offset,
          user_id: opts.userId,
        },
        opts.signal,
      );
    },

    /** New landlords' tracks: owners with fewer than 1,500 followers. */
    async trendingUnderground(
      opts: Page & Viewer & { signal?: AbortSignal } = {},
    ): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        '/v1/tracks/trending/underground',
        { limit: opts.limit, offset: opts.offset, user_id: opts.userId },
        opts.signal,
      );
    },

    async search(opts: SearchTracksParameters & { signal?: AbortSignal }): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        '/v1/tracks/search',
        {
          query: opts.query,
          genre: opts.genre,
          mood: opts.mood,
          sort_method: opts.sortMethod,
          only_downloadable: opts.onlyDownloadable,
          limit: opts.limit,
          offset: opts.offset,
          user_id: opts.userId,
        },
        opts.signal,
      );
    },

    /** Users who saved the track. */
    async favorites(
      id: string,
      opts: Page & Viewer & { signal?: AbortSignal } = {},
    ): Promise<User[]> {
      return getData<User[]>(
        ctx,
        `${path(id)}/favorites`,
        { limit: opts.limit, offset: opts.offset, user_id: opts.userId },
        opts.signal,
      );
    },

    /** Users who reposted the track. */
    async reposts(
      id: string,
      opts: Page & Viewer & { signal?: AbortSignal } = {},
    ): Promise<User[]> {
      return getData<User[]>(
        ctx,
        `${path(id)}/reposts`,
        { limit: opts.limit, offset: opts.offset, user_id: opts.userId },
        opts.signal,
      );
    },

    /** Who listened to the track most: each listener with their counted plays, most first. */
    async topListeners(
      id: string,
      opts: Page & Viewer & { signal?: AbortSignal } = {},
    ): Promise<TopListener[]> {
      return getData<TopListener[]>(
        ctx,
        `${path(id)}/top_listeners`,
        { limit: opts.limit, offset: opts.offset, user_id: opts.userId },
        opts.signal,
      );
    },

    /**
     * Whether `userId` may stream and download the track, and what unlocks it (the conditions:
     * a price and splits, a tip or a follow); without `userId`, as an anonymous listener.
     */
    async accessInfo(
      id: string,
      opts: { userId?: string; signal?: AbortSignal } = {},
    ): Promise<AccessInfo> {
      return readById(
        getData<AccessInfo>(ctx, `${path(id)}/access-info`, { user_id: opts.userId }, opts.signal),
        'track',
        id,
      );
    },

    /** A signed, playable URL on a content node that holds the track (valid for 48 h). */
    streamUrl,

    downloadUrl,

    /**
     * Every URL the track can be streamed from: the signed URL the discovery node chose first,
     * then the same signed path on each other node of the file's placement. The signature names
     * the CID, not a node, so any holder accepts it; a player moves down the list when a node
     * fails mid-track.
     */
    async streamSources(id: string, opts: StreamUrlOptions = {}): Promise<string[]> {
      const first = await streamUrl(id, opts);
      const url = new URL(first);
      const cid = url.pathname.split('/').pop() ?? '';
      let nodes: string[] = [];
      try {
        nodes = await ctx.discovery.contentNodes(opts.signal);
      } catch {
        // Without the node list the one signed URL still plays.
      }
      const mirrors = rankNodes(nodes, cid)
        .slice(0, STREAM_REPLICAS)
        .map((node) => new URL(node))
        .filter((node) => node.origin !== url.origin)
        .map((node) => `${node.origin}${url.pathname}${url.search}`);
      return [first, ...mirrors];
    },

    /**
     * The track's waveform: its peaks (numbers in 0..1), read from the first holder that answers.
     * `not_found` when the track has none.
     */
    waveform: (track: Pick<Track, 'id' | 'waveform'>, signal?: AbortSignal): Promise<number[]> =>
      readWaveform(ctx, track, signal),

    /**
     * Uploads audio (and artwork), waits for the transcode and publishes the track: stages
     * `upload` (bytes sent), `transcode` (the job's status), `publish`. A failed transcode is a
     * `transcode_failed` error and publishes nothing.
     */
    async upload(p: UploadTrackParameters): Promise<UploadTrackReturnType> {
      const account = requireAccount(ctx);
      toEntityId(p.userId, 'user id');
      const fields = toTrackMetadata(p.metadata);
      // The fields are checked now, so a bad genre fails before minutes of upload.
      const check = trackUpdateSchema.safeParse(fields);
      if (!check.success || p.metadata.title === undefined || p.metadata.genre === undefined) {
        throw new ColivingSdkError(
          'invalid_input',
          `Invalid track metadata: ${
            check.success ? 'title and genre are required' : formatIssues(check.error.issues)
          }`,
          { code: 'invalid_metadata' },
        );
      }
      // The relay would refuse a track for someone else's user; refused here, before the upload.
      const owner = await getData<User>(
        ctx,
        `/v1/users/${encodeURIComponent(p.userId)}`,
        {},
        p.signal,
      );
      if (owner.wallet.toLowerCase() !== account.address.toLowerCase()) {
        throw new ColivingSdkError('forbidden', `User ${p.userId} is not this account's user`, {
          code: 'not_owner',
        });
      }
      const { record } = await uploadFile(ctx, {
        account,
        template: 'audio',
        file: p.file,
        fileName: p.fileName,
        previewStartSeconds: p.metadata.previewStartSeconds,
        onProgress: p.onProgress,
        signal: p.signal,
      });
      const trackCid = record.results[TRANSCODE_RESULTS.stream];
      if (!trackCid || record.durationSeconds === undefined) {
        throw new ColivingSdkError(
          'transcode_failed',
          'The content node finished the upload without a stream file',
          { code: 'no_stream_file' },
        );
      }
      if (!record.receipt) {
        throw new ColivingSdkError(
          'transcode_failed',
          'The content node that took the upload gave no upload receipt (is it registered on the eth chain?), so the track cannot be published',
          { code: 'no_upload_receipt' },
        );
      }
      const publishing = (status: string) => p.onProgress?.({ stage: 'publish', status });
      let coverArtCid: string | undefined;
      if (p.artwork !== undefined) {
        publishing('uploading artwork');
        coverArtCid = await uploadImage(ctx, account, p.artwork, 'img_square', {
          signal: p.signal,
          onProgress: p.onProgress,
          stage: 'publish',
        });
      }
      const files: Record<string, unknown> = {
        track_cid: trackCid,
        duration: record.durationSeconds,
        orig_file_cid: record.results.original ?? record.origFileCid,
        orig_filename: record.origFileName,
        upload_receipt: record.receipt,
      };
      if (record.results[TRANSCODE_RESULTS.preview])
        files.preview_cid = record.results[TRANSCODE_RESULTS.preview];
      if (record.results.peaks) files.waveform_cid = record.results.peaks;
      if (coverArtCid) files.cover_art_sizes = coverArtCid;
      return publish(
        p.userId,
        { ...fields, ...files },
        {
          ...(p.signal ? { signal: p.signal } : {}),
          onStatus: publishing,
        },
      );
    },

    /** Publishes a track from files already uploaded (CIDs); uploads `artwork` when given. */
    async create(p: CreateTrackParameters): Promise<UploadTrackReturnType> {
      const metadata = { ...p.metadata };
      if (p.artwork !== undefined) {
        metadata.coverArtCid = await uploadImage(
          ctx,
          requireAccount(ctx),
          p.artwork,
          'img_square',
          {
            signal: p.signal,
          },
        );
      }
      return publish(p.userId, toTrackMetadata(metadata), p);
    },

    /**
     * Changes a track's fields (`null` clears an optional one); answers the track after. A new
     * `previewStartSeconds` (`null`: 0) has a content node cut the preview again from the
     * track's stream at that start, and the update carries the new preview and its receipt: only
     * the account that uploaded the audio can (`not_uploader` otherwise), and a start at or past
     * the track's end is `preview_start_past_end`.
     */
    async update(
      userId: string,
      trackId: string,
      changes: UpdateTrackChanges,
      options: WriteOptions = {},
    ): Promise<Track> {
      const { artwork, ...fields } = changes;
      const start = fields.previewStartSeconds;
      if (start !== undefined && start !== null && !(Number.isFinite(start) && start >= 0)) {
        throw new ColivingSdkError(
          'invalid_input',
          'previewStartSeconds must be a number of seconds, 0 or more',
          { code: 'invalid_preview_start' },
        );
      }
      const before = await owned(userId, trackId, options.signal);
      const audio: Record<string, unknown> = {};
      if (start !== undefined) {
        if (!before.track_cid) {
          throw new ColivingSdkError(
            'invalid_input',
            'This track has no stream to cut a preview from',
            {
              code: 'no_stream_file',
            },
          );
        }
        // A start past the track's end is the node's to refuse: it knows the exact length.
        options.onStatus?.('cutting the preview');
        const { record } = await cutPreview(ctx, {
          account: requireAccount(ctx),
          streamCid: before.track_cid,
          previewStartSeconds: start ?? 0,
          signal: options.signal,
        });
        const previewCid = record.results[TRANSCODE_RESULTS.preview];
        if (!previewCid || !record.receipt) {
          throw new ColivingSdkError(
            'transcode_failed',
            'The content node cut the preview but gave no upload receipt for it (is it registered on the eth chain?)',
            { code: 'no_upload_receipt' },
          );
        }
        audio.preview_cid = previewCid;
        audio.upload_receipt = record.receipt;
      }
      if (artwork !== undefined) {
        fields.coverArtCid = await uploadImage(ctx, requireAccount(ctx), artwork, 'img_square', {
          signal: options.signal,
        });
      }
      return manageEntity<Track>(ctx, {
        userId: toEntityId(userId, 'user id'),
        entityType: 'Track',
        entityId: toEntityId(trackId, 'track id'),
        action: 'Update',
        data: { ...toTrackMetadata(fields), ...audio },
        readBack: (endpoint) =>
          getDataOn<Track>(ctx, endpoint, path(trackId), { user_id: userId }, options.signal),
        // Every applied change moves blocknumber to its block, later than any before (times may
        // repeat: several blocks can share a second).
        isApplied: (t) => t !== undefined && t.blocknumber > before.blocknumber,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    /** Deletes a track. */
    async remove(userId: string, trackId: string, options: WriteOptions = {}): Promise<void> {
      await owned(userId, trackId, options.signal);
      await manageEntity<Track>(ctx, {
        userId: toEntityId(userId, 'user id'),
        entityType: 'Track',
        entityId: toEntityId(trackId, 'track id'),
        action: 'Delete',
        readBack: (endpoint) =>
          getDataOn<Track>(ctx, endpoint, path(trackId), { user_id: userId }, options.signal),
        isApplied: (t) => t === undefined || t.is_delete,
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    save: (userId: string, trackId: string, options?: WriteOptions) =>
      trackToggle(userId, trackId, 'Save', true, options),
    unsave: (userId: string, trackId: string, options?: WriteOptions) =>
      trackToggle(userId, trackId, 'Unsave', false, options),
    repost: (userId: string, trackId: string, options?: WriteOptions) =>
      trackToggle(userId, trackId, 'Repost', true, options),
    unrepost: (userId: string, trackId: string, options?: WriteOptions) =>
      trackToggle(userId, trackId, 'Unrepost', false, options),
  };

  function trackToggle(
    userId: string,
    trackId: string,
    action: 'Save' | 'Unsave' | 'Repost' | 'Unrepost',
    on: boolean,
    options: WriteOptions = {},
  ): Promise<Track> {
    const saves = action === 'Save' || action === 'Unsave';
    return toggle<Track>(
      ctx,
      {
        entityType: 'Track',
        action,
        userId,
        targetId: trackId,
        read: readAs<Track>(ctx, path(trackId), options.signal),
        flag: (t) => (saves ? t.has_current_user_saved : t.has_current_user_reposted),
        on,
      },
      options,
    );
  }
}

export type TracksApi = ReturnType<typeof createTracksApi>;
