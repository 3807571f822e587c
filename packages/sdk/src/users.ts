// `sdk.users`: every /v1/users read, account creation, profile updates and follows.
import { historyProofData } from '@coliving/protocol';
import {
  type SdkContext,
  getData,
  getDataOn,
  readById,
  requireAccount,
  toEntityId,
} from './context.js';
import { ColivingSdkError, isColivingSdkError } from './errors.js';
import { manageEntity } from './manageEntity.js';
import { type UserFieldsInput, toUserMetadata } from './metadata.js';
import { type WriteOptions, readAs, toggle } from './social.js';
import type { SearchSortMethod } from './tracks.js';
import type {
  Favorite,
  Purchase,
  SalesAggregate,
  Supporter,
  Supporting,
  ListenCountsMonthly,
  Page,
  Playlist,
  Repost,
  Track,
  TrackActivity,
  User,
  Viewer,
} from './types.js';
import { type FileInput, type UploadProgressEvent, uploadImage } from './upload.js';

export type CreateUserParameters = {
  /** 1–30 letters, digits, `_` or `.`, unique regardless of case; chosen once. */
  handle: string;
  name: string;
  bio?: string;
  location?: string;
  website?: string;
  /** A square image. */
  profilePicture?: FileInput;
  /** A wide image. */
  coverPhoto?: FileInput;
  allowAiAttribution?: boolean;
  onProgress?: (event: UploadProgressEvent) => void;
} & WriteOptions;
export type CreateUserReturnType = { userId: string; user: User };

export type UpdateUserChanges = Omit<UserFieldsInput, 'profilePictureCid' | 'coverPhotoCid'> & {
  /** A new square image; null removes it. */
  profilePicture?: FileInput | null;
  /** A new wide image; null removes it. */
  coverPhoto?: FileInput | null;
};

export type UserTracksParameters = Page &
  Viewer & {
    sort?: 'date' | 'plays';
    sortMethod?: 'title' | 'release_date' | 'added_date' | 'plays' | 'reposts' | 'saves';
    sortDirection?: 'asc' | 'desc';
    /** Only tracks whose title matches. */
    query?: string;
  };

type Signal = { signal?: AbortSignal };

export type ListenCountsMonthlyParameters = {
  /** From this time on (included): a Date or a date string (`2026-01-01`, ISO 8601). */
  startTime: Date | string;
  /** Up to this time (excluded). */
  endTime: Date | string;
};

const timeParam = (time: Date | string) => (time instanceof Date ? time.toISOString() : time);

/** The user API. */
export function createUsersApi(ctx: SdkContext) {
  const path = (id: string) => `/v1/users/${encodeURIComponent(id)}`;
  const paged = (opts: Page & Viewer) => ({
    limit: opts.limit,
    offset: opts.offset,
    user_id: opts.userId,
  });

  async function get(id: string, opts: Viewer & Signal = {}): Promise<User> {
    return readById(
      getData<User>(ctx, path(id), { user_id: opts.userId }, opts.signal),
      'user',
      id,
    );
  }

  async function unclaimedId(signal?: AbortSignal): Promise<string> {
    return getData<string>(ctx, '/v1/users/unclaimed_id', {}, signal);
  }

  /** The handle's user, or undefined (a 404). */
  async function findByHandle(handle: string, signal?: AbortSignal): Promise<User | undefined> {
    try {
      return await getData<User>(ctx, `/v1/users/handle/${encodeURIComponent(handle)}`, {}, signal);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  function follows(
    userId: string,
    targetUserId: string,
    action: 'Follow' | 'Unfollow',
    options: WriteOptions = {},
  ): Promise<User> {
    return toggle<User>(
      ctx,
      {
        entityType: 'User',
        action,
        userId,
        targetId: targetUserId,
        read: readAs<User>(ctx, path(targetUserId), options.signal),
        flag: (u) => u.does_current_user_follow,
        on: action === 'Follow',
      },
      options,
    );
  }

  return {
    get,
    unclaimedId,

    async bulk(p: Viewer & Signal & { ids: string[] }): Promise<User[]> {
      return getData<User[]>(ctx, '/v1/users', { id: p.ids, user_id: p.userId }, p.signal);
    },

    async byHandle(handle: string, opts: Viewer & Signal = {}): Promise<User> {
      return getData<User>(
        ctx,
        `/v1/users/handle/${encodeURIComponent(handle)}`,
        { user_id: opts.userId },
        opts.signal,
      );
    },

    /** The user a wallet signs for (after a login: the account behind the key). */
    async byWallet(wallet: string, opts: Viewer & Signal = {}): Promise<User> {
      return getData<User>(
        ctx,
        `/v1/users/account/${encodeURIComponent(wallet)}`,
        { user_id: opts.userId },
        opts.signal,
      );
    },

    async search(
      opts: Page & Viewer & Signal & { query: string; sortMethod?: SearchSortMethod },
    ): Promise<User[]> {
      return getData<User[]>(
        ctx,
        '/v1/users/search',
        { query: opts.query, sort_method: opts.sortMethod, ...paged(opts) },
        opts.signal,
      );
    },

    /** A user's tracks; the user themself (`userId` = `id`) also sees unlisted and scheduled. */
    async tracks(id: string, opts: UserTracksParameters & Signal = {}): Promise<Track[]> {
      return getData<Track[]>(
        ctx,
        `${path(id)}/tracks`,
        {
          sort: opts.sort,
          sort_method: opts.sortMethod,
          sort_direction: opts.sortDirection,
          query: opts.query,
          ...paged(opts),
        },
        opts.signal,
      );
    },

    /** The newest tracks of the users `id` follows, newest release first. */
    async newReleases(id: string, opts: Page & Viewer & Signal = {}): Promise<Track[]> {
      return getData<Track[]>(ctx, `${path(id)}/new_releases`, { ...paged(opts) }, opts.signal);
    },

    async playlists(id: string, opts: Page & Viewer & Signal = {}): Promise<Playlist[]> {
      return getData<Playlist[]>(ctx, `${path(id)}/playlists`, paged(opts), opts.signal);
    },

    async albums(id: string, opts: Page & Viewer & Signal = {}): Promise<Playlist[]> {
      return getData<Playlist[]>(ctx, `${path(id)}/albums`, paged(opts), opts.signal);
    },

    async followers(id: string, opts: Page & Viewer & Signal = {}): Promise<User[]> {
      return getData<User[]>(ctx, `${path(id)}/followers`, paged(opts), opts.signal);
    },

    async following(id: string, opts: Page & Viewer & Signal = {}): Promise<User[]> {
      return getData<User[]>(ctx, `${path(id)}/following`, paged(opts), opts.signal);
    },

    /** A user's reposts, newest first, with the reposted tracks and playlists. */
    async reposts(id: string, opts: Page & Viewer & Signal = {}): Promise<Repost[]> {
      return getData<Repost[]>(ctx, `${path(id)}/reposts`, paged(opts), opts.signal);
    },

    /** A user's saves, newest first (ids of the saved tracks and playlists). */
    async favorites(id: string, opts: Page & Viewer & Signal = {}): Promise<Favorite[]> {
      return getData<Favorite[]>(ctx, `${path(id)}/favorites`, paged(opts), opts.signal);
    },

    /**
     * The listens of the user's tracks within a time range, by UTC month
     * (`"2026-01-01T00:00:00 Z"`) and track; track ids in it are integers, as Audius answers
     * (`encodeHashId` makes them public ids).
     */
    async listenCountsMonthly(
      id: string,
      opts: ListenCountsMonthlyParameters & Signal,
    ): Promise<ListenCountsMonthly> {
      return getData<ListenCountsMonthly>(
        ctx,
        `${path(id)}/listen_counts_monthly`,
        { start_time: timeParam(opts.startTime), end_time: timeParam(opts.endTime) },
        opts.signal,
      );
    },

    /**
     * The tracks the user listened to, each once, most recently played first. A history is read
     * only by its user: the SDK signs a history proof with the account set now, which must be the
     * user's (`unauthorized` without an account, `forbidden` for another user's).
     */
    async history(id: string, opts: Page & Signal = {}): Promise<TrackActivity[]> {
      const account = requireAccount(ctx);
      const userData = historyProofData();
      return getData<TrackActivity[]>(
        ctx,
        `${path(id)}/history/tracks`,
        {
          limit: opts.limit,
          offset: opts.offset,
          user_data: userData,
          user_signature: await account.signMessage({ message: userData }),
        },
        opts.signal,
      );
    },

    /**
     * Creates the user of the account set now (one user per wallet): signs the User Create, then,
     * when there are pictures, uploads them and signs a User Update that sets them (content nodes
     * take uploads only from the wallet of an existing user), and answers the indexed user. A
     * taken handle is a `conflict`.
     */
    async create(p: CreateUserParameters): Promise<CreateUserReturnType> {
      const account = requireAccount(ctx);
      if (await findByHandle(p.handle, p.signal)) {
        throw new ColivingSdkError('conflict', `The handle "${p.handle}" is taken`, {
          code: 'handle_taken',
        });
      }
      const userId = await unclaimedId(p.signal);
      const id = toEntityId(userId);
      const user = await manageEntity<User>(ctx, {
        userId: id,
        entityType: 'User',
        entityId: id,
        action: 'Create',
        data: toUserMetadata({
          handle: p.handle,
          name: p.name,
          ...(p.bio !== undefined ? { bio: p.bio } : {}),
          ...(p.location !== undefined ? { location: p.location } : {}),
          ...(p.website !== undefined ? { website: p.website } : {}),
          ...(p.allowAiAttribution !== undefined
            ? { allowAiAttribution: p.allowAiAttribution }
            : {}),
        }),
        readBack: (endpoint) => getDataOn<User>(ctx, endpoint, path(userId), {}, p.signal),
        isApplied: (u) =>
          u !== undefined && u.wallet.toLowerCase() === account.address.toLowerCase(),
        signal: p.signal,
        ...(p.onStatus ? { onStatus: p.onStatus } : {}),
      });
      if (p.profilePicture === undefined && p.coverPhoto === undefined) return { userId, user };
      const images: UserFieldsInput = {};
      const image = { signal: p.signal, onProgress: p.onProgress };
      if (p.profilePicture !== undefined)
        images.profilePictureCid = await uploadImage(
          ctx,
          account,
          p.profilePicture,
          'img_square',
          image,
        );
      if (p.coverPhoto !== undefined)
        images.coverPhotoCid = await uploadImage(ctx, account, p.coverPhoto, 'img_backdrop', image);
      return {
        userId,
        user: await manageEntity<User>(ctx, {
          userId: id,
          entityType: 'User',
          entityId: id,
          action: 'Update',
          data: toUserMetadata(images),
          readBack: (endpoint) => getDataOn<User>(ctx, endpoint, path(userId), {}, p.signal),
          isApplied: (u) => u !== undefined && u.blocknumber > user.blocknumber,
          signal: p.signal,
          ...(p.onStatus ? { onStatus: p.onStatus } : {}),
        }),
      };
    },

    /** Changes a user's profile (`null` clears a field); answers the user after. */
    async update(
      userId: string,
      changes: UpdateUserChanges,
      options: WriteOptions = {},
    ): Promise<User> {
      const account = requireAccount(ctx);
      const { profilePicture, coverPhoto, ...fields } = changes;
      // A deactivated user reads as a 404; reactivating it is the one update that starts there.
      const before = await getData<User>(ctx, path(userId), {}, options.signal).catch(
        (error: unknown) => {
          if (fields.isDeactivated === false && isNotFound(error)) return undefined;
          throw error;
        },
      );
      if (before && before.wallet.toLowerCase() !== account.address.toLowerCase()) {
        throw new ColivingSdkError('forbidden', `User ${userId} is not this account's user`, {
          code: 'not_owner',
        });
      }
      const images: UserFieldsInput = {};
      const image = { signal: options.signal };
      if (profilePicture !== undefined)
        images.profilePictureCid =
          profilePicture === null
            ? null
            : await uploadImage(ctx, account, profilePicture, 'img_square', image);
      if (coverPhoto !== undefined)
        images.coverPhotoCid =
          coverPhoto === null
            ? null
            : await uploadImage(ctx, account, coverPhoto, 'img_backdrop', image);
      const id = toEntityId(userId, 'user id');
      return manageEntity<User>(ctx, {
        userId: id,
        entityType: 'User',
        entityId: id,
        action: 'Update',
        data: toUserMetadata({ ...fields, ...images }),
        // A deactivated user is a 404 to everyone: that is the update showing.
        readBack: (endpoint) => getDataOn<User>(ctx, endpoint, path(userId), {}, options.signal),
        isApplied: (u) =>
          fields.isDeactivated === true
            ? u === undefined
            : u !== undefined && (before === undefined || u.blocknumber > before.blocknumber),
        signal: options.signal,
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    },

    /** What the user bought, newest first (`signature` is the eth-chain transaction). */
    async purchases(id: string, opts: Page & Signal = {}): Promise<Purchase[]> {
      return getData<Purchase[]>(ctx, `${path(id)}/purchases`, paged(opts), opts.signal);
    },

    /** What others bought from the user, newest first. */
    async sales(id: string, opts: Page & Signal = {}): Promise<Purchase[]> {
      return getData<Purchase[]>(ctx, `${path(id)}/sales`, paged(opts), opts.signal);
    },

    /** The user's sales by item: how many times each was bought and for how much in all. */
    async salesAggregate(id: string, opts: Page & Signal = {}): Promise<SalesAggregate[]> {
      return getData<SalesAggregate[]>(
        ctx,
        `${path(id)}/sales/aggregate`,
        paged(opts),
        opts.signal,
      );
    },

    /** Who bought the user's content (one item with `contentType` and `contentId`). */
    async purchasers(
      id: string,
      opts: Page & Signal & { contentType?: 'track' | 'playlist'; contentId?: string } = {},
    ): Promise<User[]> {
      return getData<User[]>(
        ctx,
        `${path(id)}/purchasers`,
        { content_type: opts.contentType, content_id: opts.contentId, ...paged(opts) },
        opts.signal,
      );
    },

    /** Who tipped the user, ranked by total tipped (wei). */
    async supporters(id: string, opts: Page & Signal = {}): Promise<Supporter[]> {
      return getData<Supporter[]>(ctx, `${path(id)}/supporters`, paged(opts), opts.signal);
    },

    /** Whom the user tipped, ranked by total tipped (wei). */
    async supporting(id: string, opts: Page & Signal = {}): Promise<Supporting[]> {
      return getData<Supporting[]>(ctx, `${path(id)}/supporting`, paged(opts), opts.signal);
    },

    /** `userId` follows `targetUserId`; answers the target as `userId` now sees it. */
    follow: (userId: string, targetUserId: string, options?: WriteOptions) =>
      follows(userId, targetUserId, 'Follow', options),
    unfollow: (userId: string, targetUserId: string, options?: WriteOptions) =>
      follows(userId, targetUserId, 'Unfollow', options),
  };
}

export type UsersApi = ReturnType<typeof createUsersApi>;

function isNotFound(error: unknown): boolean {
  return isColivingSdkError(error, 'not_found');
}
