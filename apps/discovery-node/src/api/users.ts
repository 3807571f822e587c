// `/v1/users/...`: by id and handle, search, a user's tracks, playlists, albums, followers,
// following, reposts and favorites, and unclaimed ids.
import type { FastifyInstance } from 'fastify';
import { isAddress } from 'viem';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
  encodeHashId,
  handleSchema,
  decodeHashId,
} from '@coliving/protocol';
import { loadPlaylists, loadTracks } from '../core/catalog.js';
import {
  type TrackSort,
  followIds,
  userActivity,
  userIdByHandle,
  userIdByWallet,
  userPlaylistIds,
  userTrackIds,
} from '../core/lists.js';
import {
  listenCountsByMonth,
  listenRange,
  listeningHistory,
  proveHistoryReader,
} from '../core/plays.js';
import { searchUsers } from '../core/search.js';
import { isPlaylistVisible, isTrackListed } from '../core/visibility.js';
import { signedEnvelopeOf } from './answer/envelope.js';
import { respond } from './answer/respond.js';
import {
  type ApiComponents,
  idPath,
  idsParam,
  ownerOf,
  MAX_LIMIT,
  pageParams,
  query,
  requiredIds,
  userIdParam,
  viewerOf,
} from './common.js';
import { presentPlaylists, presentTracks, presentUsers } from './present.js';
import {
  dataOf,
  favoriteList,
  listenCountsMonthly,
  playlistList,
  repostList,
  trackActivityList,
  trackList,
  userList,
} from './schemas.js';
import { SEARCH_SORTS } from './tracks.js';

type Q = { user_id?: string; limit: number; offset: number };
/** A Solana account address (base58, 32 to 44 characters), which Audius's lookups also take. */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
type P = { id: string };

/** A user that exists and is not deactivated, or NotFoundError. */
async function requireUser(components: ApiComponents, id: number, given: string): Promise<void> {
  const row = await components.db
    .selectFrom('users')
    .select('is_deactivated')
    .where('user_id', '=', id)
    .executeTakeFirst();
  if (!row || row.is_deactivated)
    throw new NotFoundError(`User ${given} not found`, { code: 'user_not_found' });
}

/**
 * The user `id` as `viewerId` sees it (with the owner proof `q` may carry), or a 404
 * user_not_found saying `missing` when there is no such user (`id` undefined) or it is deactivated.
 */
async function presentOneUser(
  components: ApiComponents,
  q: { user_id?: string; user_data?: string; user_signature?: string },
  viewerId: number | undefined,
  id: number | undefined,
  missing: string,
): Promise<Record<string, unknown>> {
  const [user] =
    id === undefined
      ? []
      : await presentUsers(components, [id], viewerId, await ownerOf(components, q));
  if (!user || user.is_deactivated) throw new NotFoundError(missing, { code: 'user_not_found' });
  return user;
}

/** Registers the `/v1/users` routes. */
export function registerUserRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;
  // One user by id or handle: Audius's full routes answer it as a list of one.
  const oneUser = components.full
    ? dataOf({ type: 'array', items: { $ref: 'User#' } })
    : dataOf({ $ref: 'User#' });

  app.get<{ Querystring: Q & { query: string; sort_method?: (typeof SEARCH_SORTS)[number] } }>(
    '/v1/users/search',
    {
      schema: {
        summary: 'Search users by handle and name',
        tags: ['users'],
        querystring: query(
          {
            ...pageParams,
            ...userIdParam,
            query: { type: 'string', minLength: 1, maxLength: 200 },
            sort_method: { type: 'string', enum: SEARCH_SORTS },
          },
          ['query'],
        ),
        response: { 200: dataOf(userList) },
      },
    },
    async function serveUserSearch(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        presentUsers(
          components,
          await searchUsers(db, {
            query: q.query,
            ...(q.sort_method ? { sortMethod: q.sort_method } : {}),
            limit: q.limit,
            offset: q.offset,
          }),
          viewerId,
        ),
      );
    },
  );

  app.get<{ Querystring: { user_id?: string; id?: string[] } }>(
    '/v1/users',
    {
      schema: {
        summary: 'Users by id',
        tags: ['users'],
        querystring: query({
          ...userIdParam,
          ...idsParam,
        }),
        response: { 200: dataOf(userList) },
      },
    },
    async function serveUsers(request, reply) {
      const q = request.query;
      const ids = requiredIds(q.id);
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        presentUsers(components, ids, viewerId, await ownerOf(components, q)),
      );
    },
  );

  app.get<{ Querystring: { address?: string[] } }>(
    '/v1/users/address',
    {
      schema: {
        summary: "Users' ids by wallet address (Audius's Get User IDs by Addresses)",
        tags: ['users'],
        querystring: query({
          address: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: MAX_LIMIT },
        }),
        response: {
          200: dataOf({
            type: 'array',
            items: {
              type: 'object',
              required: ['user_id', 'address'],
              properties: { user_id: { type: 'string' }, address: { type: 'string' } },
            },
          }),
        },
      },
    },
    async function serveUserIdsByAddress(request, reply) {
      const addresses = request.query.address ?? [];
      if (!addresses.length)
        throw new ValidationError('Give at least one address', { code: 'missing_address' });
      for (const address of addresses) {
        // Audius also takes Solana addresses (base58); no Coliving user has one, so they find none.
        if (!isAddress(address, { strict: false }) && !BASE58_ADDRESS.test(address))
          throw new ValidationError(`"${address}" is not a wallet address`, {
            code: 'invalid_wallet',
          });
      }
      return respond(components, request, reply, async () => {
        const evm = [
          ...new Set(addresses.filter((a) => a.startsWith('0x')).map((a) => a.toLowerCase())),
        ];
        const rows = evm.length
          ? await db
              .selectFrom('users')
              .select(['user_id', 'wallet'])
              .where('wallet', 'in', evm)
              .where('is_deactivated', '=', false)
              .execute()
          : [];
        const byWallet = new Map(rows.map((r) => [r.wallet, Number(r.user_id)]));
        // In the order asked, unknown addresses left out, each as the client wrote it.
        return addresses.flatMap((address) => {
          const id = byWallet.get(address.toLowerCase());
          return id === undefined ? [] : [{ user_id: encodeHashId(id), address }];
        });
      });
    },
  );

  app.get<{ Params: { handle: string }; Querystring: { user_id?: string } }>(
    '/v1/users/handle/:handle',
    {
      schema: {
        summary: 'A user by handle',
        tags: ['users'],
        params: {
          type: 'object',
          required: ['handle'],
          additionalProperties: false,
          properties: { handle: { type: 'string', minLength: 1, maxLength: 30 } },
        },
        querystring: query({ ...userIdParam }),
        response: { 200: oneUser },
      },
    },
    async function serveUserByHandle(request, reply) {
      const { handle } = request.params;
      if (!handleSchema.safeParse(handle).success)
        throw new ValidationError(`"${handle}" is not a handle`, { code: 'invalid_handle' });
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const id = await userIdByHandle(db, handle);
        const user = await presentOneUser(
          components,
          request.query,
          viewerId,
          id,
          `No user with handle ${handle}`,
        );
        return components.full ? [user] : user;
      });
    },
  );

  app.get<{ Params: { wallet: string }; Querystring: { user_id?: string } }>(
    '/v1/users/account/:wallet',
    {
      schema: {
        summary: 'The user a wallet signs for (after a login, the account behind the key)',
        tags: ['users'],
        params: {
          type: 'object',
          required: ['wallet'],
          additionalProperties: false,
          properties: { wallet: { type: 'string', minLength: 1, maxLength: 42 } },
        },
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf({ $ref: 'User#' }) },
      },
    },
    async function serveUserByWallet(request, reply) {
      const { wallet } = request.params;
      if (!isAddress(wallet, { strict: false }))
        throw new ValidationError(`"${wallet}" is not a wallet address`, {
          code: 'invalid_wallet',
        });
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const id = await userIdByWallet(db, wallet.toLowerCase());
        return presentOneUser(
          components,
          request.query,
          viewerId,
          id,
          `No user with wallet ${wallet}`,
        );
      });
    },
  );

  app.get<{ Params: P; Querystring: { user_id?: string } }>(
    '/v1/users/:id',
    {
      schema: {
        summary: 'A user',
        tags: ['users'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: oneUser },
      },
    },
    async function serveUser(request, reply) {
      const id = decodeHashId(request.params.id);
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const user = await presentOneUser(
          components,
          request.query,
          viewerId,
          id,
          `User ${request.params.id} not found`,
        );
        return components.full ? [user] : user;
      });
    },
  );

  const TRACK_SORTS = ['date', 'plays'] as const;
  const TRACK_SORT_METHODS = ['title', 'release_date', 'added_date', 'plays', 'reposts', 'saves'];
  app.get<{
    Params: P;
    Querystring: Q & {
      sort?: (typeof TRACK_SORTS)[number];
      sort_method?: string;
      sort_direction?: 'asc' | 'desc';
      query?: string;
    };
  }>(
    '/v1/users/:id/tracks',
    {
      schema: {
        summary: "A user's tracks (the user themself also sees unlisted and scheduled ones)",
        tags: ['users'],
        params: idPath,
        querystring: query({
          ...pageParams,
          ...userIdParam,
          sort: { type: 'string', enum: TRACK_SORTS },
          sort_method: { type: 'string', enum: TRACK_SORT_METHODS },
          sort_direction: { type: 'string', enum: ['asc', 'desc'] },
          query: { type: 'string', maxLength: 200 },
        }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveUserTracks(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      const sort: TrackSort =
        q.sort_method === 'added_date'
          ? 'date'
          : ((q.sort_method as TrackSort | undefined) ?? q.sort ?? 'date');
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        const owner = await ownerOf(components, q);
        const ids = await userTrackIds(db, id, {
          sort,
          direction: q.sort_direction ?? (sort === 'title' ? 'asc' : 'desc'),
          ...(q.query ? { query: q.query } : {}),
          includeHidden: owner === id,
          limit: q.limit,
          offset: q.offset,
        });
        return presentTracks(components, [], viewerId, await loadTracks(db, ids, viewerId), owner);
      });
    },
  );

  for (const kind of ['playlists', 'albums'] as const) {
    app.get<{ Params: P; Querystring: Q }>(
      `/v1/users/:id/${kind}`,
      {
        schema: {
          summary: kind === 'albums' ? "A user's albums" : "A user's playlists",
          tags: ['users'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(playlistList) },
        },
      },
      async function serveUserPlaylists(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        const viewerId = viewerOf(q);
        return respond(components, request, reply, async () => {
          await requireUser(components, id, request.params.id);
          const owner = await ownerOf(components, q);
          const ids = await userPlaylistIds(db, id, {
            albums: kind === 'albums',
            includePrivate: owner === id,
            limit: q.limit,
            offset: q.offset,
          });
          return presentPlaylists(components, ids, viewerId, undefined, true, owner);
        });
      },
    );
  }

  for (const direction of ['followers', 'following'] as const) {
    app.get<{ Params: P; Querystring: Q }>(
      `/v1/users/:id/${direction}`,
      {
        schema: {
          summary: direction === 'followers' ? "A user's followers" : 'Whom a user follows',
          tags: ['users'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(userList) },
        },
      },
      async function serveFollows(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        const viewerId = viewerOf(q);
        return respond(components, request, reply, async () => {
          await requireUser(components, id, request.params.id);
          return presentUsers(components, await followIds(db, id, direction, q), viewerId);
        });
      },
    );
  }

  app.get<{ Params: P; Querystring: Q }>(
    '/v1/users/:id/reposts',
    {
      schema: {
        summary: "A user's reposts, newest first",
        tags: ['users'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(repostList) },
      },
    },
    async function serveUserReposts(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        const activity = await userActivity(db, 'reposts', id, q);
        const trackIds = activity.filter((a) => a.itemType === 'track').map((a) => a.itemId);
        const playlistIds = activity.filter((a) => a.itemType === 'playlist').map((a) => a.itemId);
        const owner = await ownerOf(components, q);
        // A repost outlives what it names: a track since deleted, unlisted or scheduled, or
        // whose owner was deactivated, or a playlist since made private, is left out (visibility.ts).
        const [tracks, playlists] = await Promise.all([
          loadTracks(db, trackIds, viewerId).then((views) =>
            presentTracks(
              components,
              [],
              viewerId,
              views.filter((t) => isTrackListed(t, owner)),
            ),
          ),
          loadPlaylists(db, playlistIds, viewerId, owner).then((views) =>
            presentPlaylists(
              components,
              [],
              viewerId,
              views.filter((p) => isPlaylistVisible(p, owner)),
            ),
          ),
        ]);
        const items = new Map<string, Record<string, unknown>>();
        for (const t of tracks) items.set(`track:${String(t.id)}`, t);
        for (const p of playlists) items.set(`playlist:${String(p.id)}`, p);
        return activity.flatMap((a) => {
          const item = items.get(`${a.itemType}:${encodeHashId(a.itemId)}`);
          return item
            ? [{ item_type: a.itemType, timestamp: a.createdAt.toISOString(), item }]
            : [];
        });
      });
    },
  );

  app.get<{ Params: P; Querystring: Q }>(
    '/v1/users/:id/favorites',
    {
      schema: {
        summary: "A user's saved tracks and playlists, newest first",
        tags: ['users'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(favoriteList) },
      },
    },
    async function serveUserFavorites(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        const activity = await userActivity(db, 'saves', id, q);
        // As the reposts: a saved item since hidden is left out, its id unsaid.
        const owner = await ownerOf(components, q);
        const ofType = (type: string) =>
          activity.filter((a) => a.itemType === type).map((a) => a.itemId);
        const [tracks, playlists] = await Promise.all([
          loadTracks(db, ofType('track')),
          loadPlaylists(db, ofType('playlist')),
        ]);
        const shown = new Set([
          ...tracks.filter((t) => isTrackListed(t, owner)).map((t) => `track:${t.trackId}`),
          ...playlists
            .filter((p) => isPlaylistVisible(p, owner))
            .map((p) => `playlist:${p.playlistId}`),
        ]);
        return activity
          .filter((a) => shown.has(`${a.itemType}:${a.itemId}`))
          .map((a) => ({
            favorite_item_id: encodeHashId(a.itemId),
            favorite_type: a.itemType,
            user_id: encodeHashId(id),
            created_at: a.createdAt.toISOString(),
          }));
      });
    },
  );

  app.get<{ Params: P; Querystring: { start_time: string; end_time: string } }>(
    '/v1/users/:id/listen_counts_monthly',
    {
      schema: {
        summary: "Listens of a user's tracks by month and track, from start_time to end_time",
        description:
          'Months are UTC, keyed by their first instant ("2026-01-01T00:00:00 Z"); listens from ' +
          'start_time (included) to end_time (excluded) count. Track ids are integers, as in ' +
          "Audius's answer.",
        tags: ['users'],
        params: idPath,
        querystring: query(
          {
            start_time: { type: 'string', minLength: 1, maxLength: 40 },
            end_time: { type: 'string', minLength: 1, maxLength: 40 },
          },
          ['start_time', 'end_time'],
        ),
        response: { 200: dataOf(listenCountsMonthly) },
      },
    },
    async function serveListenCountsMonthly(request, reply) {
      const id = decodeHashId(request.params.id);
      const range = listenRange(request.query.start_time, request.query.end_time);
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        const months: Record<
          string,
          {
            totalListens: number;
            trackIds: number[];
            listenCounts: { trackId: number; date: string; listens: number }[];
          }
        > = {};
        for (const row of await listenCountsByMonth(db, id, range)) {
          const month = (months[row.month] ??= { totalListens: 0, trackIds: [], listenCounts: [] });
          month.totalListens += row.listens;
          month.trackIds.push(row.trackId);
          month.listenCounts.push({ trackId: row.trackId, date: row.month, listens: row.listens });
        }
        return months;
      });
    },
  );

  app.get<{ Params: P; Querystring: Q & { user_data?: string; user_signature?: string } }>(
    '/v1/users/:id/history/tracks',
    {
      schema: {
        summary: 'The tracks a user listened to, most recent first: only the user reads it',
        description:
          'A listening history is personal data. The request carries user_data ' +
          '{"timestamp": ms, "scope": "history"} (at most 5 minutes old) and user_signature, ' +
          "user_data personal-signed by the user's own wallet; anyone else is refused (401 " +
          "without a valid proof, 403 with another wallet's). Never cached.",
        tags: ['users'],
        params: idPath,
        querystring: query({
          ...pageParams,
          ...userIdParam,
          user_data: { type: 'string', maxLength: 1000 },
          user_signature: { type: 'string', pattern: '^0x[0-9a-fA-F]{130}$' },
        }),
        response: { 200: dataOf(trackActivityList) },
      },
    },
    async function serveListeningHistory(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      if (q.user_id !== undefined && viewerOf(q) !== id)
        throw new ForbiddenError('Only the user themself may read their listening history', {
          code: 'history_forbidden',
        });
      await requireUser(components, id, request.params.id);
      await proveHistoryReader(db, {
        userId: id,
        userData: q.user_data,
        userSignature: q.user_signature,
      });
      // Not through the response cache, and no cache on the way may keep it: it is one person's.
      const blocks = components.blocks();
      const entries = await listeningHistory(db, id, q);
      const tracks = await presentTracks(
        components,
        [],
        id,
        await loadTracks(
          db,
          entries.map((e) => e.trackId),
          id,
        ),
      );
      const byId = new Map(tracks.map((t) => [t.id, t]));
      const data = entries.flatMap((e) => {
        const itemId = encodeHashId(e.trackId);
        const item = byId.get(itemId);
        return item
          ? [
              {
                class: 'track_activity_full',
                item_type: 'track',
                item_id: itemId,
                timestamp: e.lastPlayedAt.toISOString(),
                item,
              },
            ]
          : [];
      });
      reply.header('cache-control', 'private, no-store');
      return reply
        .type('application/json; charset=utf-8')
        .send(await signedEnvelopeOf(components, data, blocks));
    },
  );
}
