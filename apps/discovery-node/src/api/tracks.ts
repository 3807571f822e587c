// `/v1/tracks/...`: trending, search, by id and permalink, who saved and reposted, unclaimed
// ids, and the stream and download routes, which check access and redirect to a signed
// content-node URL.
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  GENRES,
  MOODS,
  NotFoundError,
  UnavailableError,
  ValidationError,
  decodeHashId,
  encodeHashId,
} from '@coliving/protocol';
import { loadTracks } from '../core/catalog.js';
import { itemActorIds, trackIdBySlug, userIdByHandle } from '../core/lists.js';
import { topListeners } from '../core/plays.js';
import { searchTracks } from '../core/search.js';
import {
  type StreamTrack,
  checkDownloadAccess,
  checkStreamAccess,
  downloadUrlExpiry,
  proveListener,
  signStreamPath,
  streamUrlExpiry,
} from '../core/streamAccess.js';
import { trendingTrackIds, undergroundTrendingTrackIds } from '../core/trending.js';
import { isTrackVisible } from '../core/visibility.js';
import { signedEnvelopeOf } from './answer/envelope.js';
import { EncodedJson, respond, respondJson } from './answer/respond.js';
import {
  type ApiComponents,
  ownerOf,
  idPath,
  idsParam,
  MAX_LIMIT,
  pageParams,
  query,
  userIdParam,
  viewerOf,
} from './common.js';
import { presentTracks, presentUsers, publicTracks, trackListData } from './present.js';
import { dataOf, topListenerList, trackList, userList } from './schemas.js';

type Q = Record<string, unknown> & { user_id?: string; limit: number; offset: number };

export const TRENDING_TIMES = ['week', 'month', 'year', 'allTime'] as const;
export const SEARCH_SORTS = ['relevant', 'popular', 'recent'] as const;

const booleanParam = { type: 'boolean' } as const;
const stringList = (items: readonly string[]) =>
  ({ type: 'array', items: { type: 'string', enum: items }, maxItems: 20 }) as const;

/** The permalink `/handle/slug` (with or without the leading slash) as its track id. */
export async function trackIdByPermalink(
  components: ApiComponents,
  permalink: string,
): Promise<number | undefined> {
  const match = /^\/?([A-Za-z0-9_][A-Za-z0-9_.]{0,29})\/([a-z0-9-]{1,300})$/.exec(permalink);
  if (!match) return undefined;
  const ownerId = await userIdByHandle(components.db, match[1]!);
  return ownerId === undefined ? undefined : trackIdBySlug(components.db, ownerId, match[2]!);
}

/** Registers the `/v1/tracks` routes. */
export function registerTrackRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  app.get<{ Querystring: Q & { time: (typeof TRENDING_TIMES)[number]; genre?: string } }>(
    '/v1/tracks/trending',
    {
      schema: {
        summary: 'Trending tracks',
        tags: ['tracks'],
        querystring: query({
          ...pageParams,
          ...userIdParam,
          time: { type: 'string', enum: TRENDING_TIMES, default: 'week' },
          genre: { type: 'string', enum: GENRES },
        }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveTrendingTracks(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        trackListData(
          components,
          await trendingTrackIds(db, {
            time: q.time,
            ...(q.genre ? { genre: q.genre } : {}),
            limit: q.limit,
            offset: q.offset,
          }),
          viewerId,
        ),
      );
    },
  );

  app.get<{ Querystring: Q }>(
    '/v1/tracks/trending/underground',
    {
      schema: {
        summary: 'Underground trending tracks: new landlords with fewer than 1,500 followers',
        tags: ['tracks'],
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveUndergroundTrendingTracks(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        trackListData(
          components,
          await undergroundTrendingTrackIds(db, { limit: q.limit, offset: q.offset }),
          viewerId,
        ),
      );
    },
  );

  app.get<{
    Querystring: Q & {
      query: string;
      genre?: string[];
      mood?: string[];
      sort_method?: (typeof SEARCH_SORTS)[number];
    };
  }>(
    '/v1/tracks/search',
    {
      schema: {
        summary: 'Search tracks (typo-tolerant, accent-insensitive, prefix-aware)',
        tags: ['tracks'],
        querystring: query(
          {
            ...pageParams,
            ...userIdParam,
            query: { type: 'string', minLength: 1, maxLength: 200 },
            genre: stringList(GENRES),
            mood: stringList(MOODS),
            sort_method: { type: 'string', enum: SEARCH_SORTS },
            only_downloadable: booleanParam,
          },
          ['query'],
        ),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveTrackSearch(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        trackListData(
          components,
          await searchTracks(
            db,
            {
              query: q.query,
              ...(q.genre ? { genres: q.genre } : {}),
              ...(q.mood ? { moods: q.mood } : {}),
              ...(q.sort_method ? { sortMethod: q.sort_method } : {}),
              limit: q.limit,
              offset: q.offset,
            },
            components.trackSearch,
          ),
          viewerId,
        ),
      );
    },
  );

  app.get<{ Querystring: { user_id?: string; id?: string[]; permalink?: string[] } }>(
    '/v1/tracks',
    {
      schema: {
        summary: 'Tracks by id or by permalink',
        tags: ['tracks'],
        querystring: query({
          ...userIdParam,
          ...idsParam,
          permalink: {
            type: 'array',
            items: { type: 'string', maxLength: 400 },
            maxItems: MAX_LIMIT,
          },
        }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveTracks(request, reply) {
      const q = request.query;
      if (!q.id?.length && !q.permalink?.length)
        throw new ValidationError('Give at least one id or permalink', { code: 'missing_id' });
      const viewerId = viewerOf(q);
      const ids = (q.id ?? []).map(decodeHashId);
      return respond(components, request, reply, async () => {
        for (const permalink of q.permalink ?? []) {
          const id = await trackIdByPermalink(components, permalink);
          if (id !== undefined) ids.push(id);
        }
        if (viewerId === undefined)
          return EncodedJson.array(
            (await publicTracks(components, ids)).filter((t) => t.isPublic).map((t) => t.json),
          );
        const owner = await ownerOf(components, q);
        const views = (await loadTracks(db, ids, viewerId)).filter((t) => isTrackVisible(t, owner));
        return presentTracks(components, [], viewerId, views, owner);
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { user_id?: string } }>(
    '/v1/tracks/:id',
    {
      schema: {
        summary: 'A track',
        tags: ['tracks'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf({ $ref: 'Track#' }) },
      },
    },
    async function serveTrack(request, reply) {
      const id = decodeHashId(request.params.id);
      const viewerId = viewerOf(request.query);
      if (viewerId === undefined) {
        // Read before the track is: the answer never claims a block newer than what it shows.
        const blocks = components.blocks();
        const [track] = await publicTracks(components, [id]);
        if (!track?.isPublic)
          throw new NotFoundError(`Track ${request.params.id} not found`, {
            code: 'track_not_found',
          });
        return respondJson(components, request, reply, track.json, blocks);
      }
      return respond(components, request, reply, async () => {
        const owner = await ownerOf(components, request.query);
        const [track] = await loadTracks(db, [id], viewerId);
        if (!track || !isTrackVisible(track, owner))
          throw new NotFoundError(`Track ${request.params.id} not found`, {
            code: 'track_not_found',
          });
        const [shaped] = await presentTracks(components, [id], viewerId, [track], owner);
        return shaped;
      });
    },
  );

  for (const kind of ['favorites', 'reposts'] as const) {
    app.get<{ Params: { id: string }; Querystring: Q }>(
      `/v1/tracks/:id/${kind}`,
      {
        schema: {
          summary: kind === 'favorites' ? 'Users who saved a track' : 'Users who reposted a track',
          tags: ['tracks'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(userList) },
        },
      },
      async function serveTrackActors(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        const viewerId = viewerOf(q);
        return respond(components, request, reply, async () => {
          await visibleTrack(components, id, request.params.id, await ownerOf(components, q));
          const ids = await itemActorIds(
            db,
            kind === 'favorites' ? 'saves' : 'reposts',
            'track',
            id,
            q,
          );
          return presentUsers(components, ids, viewerId);
        });
      },
    );
  }

  app.get<{ Params: { id: string }; Querystring: Q }>(
    '/v1/tracks/:id/top_listeners',
    {
      schema: {
        summary: 'Who listened to a track most: each listener and their counted plays',
        tags: ['tracks'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(topListenerList) },
      },
    },
    async function serveTopListeners(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        await visibleTrack(components, id, request.params.id, await ownerOf(components, q));
        const listeners = await topListeners(db, id, q);
        const users = await presentUsers(
          components,
          listeners.map((l) => l.userId),
          viewerId,
        );
        const byId = new Map(users.map((u) => [u.id, u]));
        return listeners.flatMap((l) => {
          const user = byId.get(encodeHashId(l.userId));
          return user ? [{ user, count: l.count }] : [];
        });
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: ListenerQuery & StreamQuery }>(
    '/v1/tracks/:id/stream',
    {
      schema: {
        summary: 'Stream a track: a 302 to a signed URL on a content node that holds it',
        description:
          'Gated tracks need user_id, user_data (JSON with a timestamp in ms, at most 5 minutes ' +
          'old, and optionally the track_id it is for) and user_signature (user_data ' +
          "personal-signed by the user's wallet). With no_redirect=true the URL comes back as " +
          '{"data": url}; a gated track\'s URL works for minutes past the track\'s duration. ' +
          'preview=true streams the preview (at most 30 s and half the track), never gated. ' +
          'A full stream from byte 0 counts as a play unless skip_play_count=true; a preview never does.',
        tags: ['tracks'],
        params: idPath,
        querystring: query({
          ...listenerParams,
          preview: booleanParam,
          no_redirect: booleanParam,
          skip_play_count: booleanParam,
        }),
      },
    },
    async function serveTrackStream(request, reply) {
      const q = request.query;
      const id = decodeHashId(request.params.id);
      const listener = await provenListener(components, q, id);
      const track = await visibleTrack(components, id, request.params.id, listener);
      const previewCid =
        typeof track.metadata.preview_cid === 'string' ? track.metadata.preview_cid : null;
      const access = streamTrackOf(track);
      await checkStreamAccess(db, access, listener === undefined ? {} : { userId: listener }, {
        preview: q.preview === true,
      });
      const cid = q.preview ? previewCid! : track.track_cid;
      // Only a proven listener is signed into the URL: content nodes count the listen for them.
      // The full audio of a gated track gets a URL that expires in minutes; previews are public.
      const now = Date.now();
      const expiresAt = q.preview
        ? undefined
        : streamUrlExpiry({ ...access, durationSeconds: track.duration }, now);
      // Signed first: the path names no node, and holders are asked for the blob with it.
      const path = await signStreamPath({
        account: components.account,
        cid,
        trackId: id,
        now,
        ...(listener !== undefined ? { userId: listener } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        // A preview, or a stream the client asks not to count, is never a listen (§11).
        ...(q.preview || q.skip_play_count ? { skipPlayCount: true } : {}),
      });
      return sendHolderUrl(components, reply, cid, path, q.no_redirect === true);
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: ListenerQuery & { original?: boolean; filename?: string; no_redirect?: boolean };
  }>(
    '/v1/tracks/:id/download',
    {
      schema: {
        summary: "Download a track's file: a 302 to a signed attachment URL on a content node",
        description:
          'The original upload (orig_file_cid) when the track kept one, else the MP3 stream file; ' +
          'original=false asks for the MP3. Only for a track with is_downloadable, to a user who ' +
          'meets its download conditions and stream conditions (the owner always), proven as on ' +
          '/stream (user_id, user_data, user_signature). The file is saved as filename, by ' +
          "default the original's name or <title>.mp3. The URL works for minutes and is never a " +
          'play. With no_redirect=true the URL comes back as {"data": url}.',
        tags: ['tracks'],
        params: idPath,
        querystring: query({
          ...listenerParams,
          original: booleanParam,
          filename: { type: 'string', minLength: 1, maxLength: 255 },
          no_redirect: booleanParam,
        }),
      },
    },
    async function serveTrackDownload(request, reply) {
      const q = request.query;
      const id = decodeHashId(request.params.id);
      const listener = await provenListener(components, q, id);
      const track = await visibleTrack(components, id, request.params.id, listener);
      await checkDownloadAccess(
        db,
        {
          ...streamTrackOf(track),
          downloadConditions: track.download_conditions,
          isDownloadable: track.metadata.is_downloadable === true,
        },
        listener === undefined ? {} : { userId: listener },
      );
      const original =
        q.original !== false && typeof track.metadata.orig_file_cid === 'string'
          ? track.metadata.orig_file_cid
          : undefined;
      const cid = original ?? track.track_cid;
      // The MP3 must not carry the original's extension: a .wav name on MP3 bytes will not open.
      const filename =
        q.filename ??
        (original !== undefined && typeof track.metadata.orig_filename === 'string'
          ? track.metadata.orig_filename
          : `${track.title ?? 'track'}.mp3`);
      const now = Date.now();
      const path = await signStreamPath({
        account: components.account,
        cid,
        trackId: id,
        now,
        ...(listener !== undefined ? { userId: listener } : {}),
        expiresAt: downloadUrlExpiry(track.duration, now),
        // A download is never a listen (§11).
        skipPlayCount: true,
      });
      // The content node cleans the name (core/contentDisposition.ts there) before it is a header.
      const named = `${path}&filename=${encodeURIComponent(filename)}`;
      return sendHolderUrl(components, reply, cid, named, q.no_redirect === true);
    },
  );
}

type ListenerQuery = { user_id?: string; user_data?: string; user_signature?: string };
type StreamQuery = { preview?: boolean; no_redirect?: boolean; skip_play_count?: boolean };

/** The query parameters that prove a listener (docs/design.md §8). */
const listenerParams = {
  ...userIdParam,
  user_data: { type: 'string', maxLength: 1000 },
  user_signature: { type: 'string', pattern: '^0x[0-9a-fA-F]{130}$' },
} as const;

/**
 * The user the query proves for `trackId` (proveListener), or undefined. Without a signature the
 * user id is only a claim: the listener stays anonymous.
 */
async function provenListener(
  components: ApiComponents,
  q: ListenerQuery,
  trackId: number,
): Promise<number | undefined> {
  if (q.user_id === undefined) return undefined;
  const userId = decodeHashId(q.user_id);
  if (q.user_data === undefined || q.user_signature === undefined) return undefined;
  await proveListener(components.db, {
    userId,
    userData: q.user_data,
    userSignature: q.user_signature,
    trackId,
  });
  return userId;
}

/** The track's row, when `listener` may see it (visibility.ts); NotFoundError otherwise. */
async function visibleTrack(
  components: ApiComponents,
  id: number,
  given: string,
  listener: number | undefined,
) {
  const track = await components.db
    .selectFrom('tracks')
    .innerJoin('users', 'users.user_id', 'tracks.owner_id')
    .selectAll('tracks')
    .select('users.is_deactivated as owner_deactivated')
    .where('track_id', '=', id)
    .executeTakeFirst();
  if (
    !track ||
    !isTrackVisible(
      {
        ownerId: Number(track.owner_id),
        isDeleted: track.is_deleted,
        releaseDate: track.release_date,
        owner: { isDeactivated: track.owner_deactivated },
      },
      listener,
    )
  )
    throw new NotFoundError(`Track ${given} not found`, { code: 'track_not_found' });
  return track;
}

/** What the stream gates judge of a track's row. */
function streamTrackOf(track: Awaited<ReturnType<typeof visibleTrack>>): StreamTrack {
  return {
    trackId: track.track_id,
    ownerId: Number(track.owner_id),
    trackCid: track.track_cid,
    previewCid: typeof track.metadata.preview_cid === 'string' ? track.metadata.preview_cid : null,
    streamConditions: track.stream_conditions,
    isDeleted: track.is_deleted,
    releaseDate: track.release_date,
    isUnlisted: track.is_unlisted,
  };
}

/**
 * Answers with the signed `path` on a content node holding `cid`: a 302, or `{"data": url}` with
 * `noRedirect`. UnavailableError (`no_content_node`) when no holder answers.
 */
async function sendHolderUrl(
  components: ApiComponents,
  reply: FastifyReply,
  cid: string,
  path: string,
  noRedirect: boolean,
) {
  // A client that hangs up stops the probes made on its behalf.
  const hangUp = new AbortController();
  // (The response's close, not the request's: a request closes once its body is read.)
  const onClose = () => hangUp.abort(new Error('the client closed the connection'));
  reply.raw.once('close', onClose);
  let endpoint: string | undefined;
  try {
    endpoint = await components.contentNodes.holderFor(cid, path, hangUp.signal);
  } finally {
    reply.raw.off('close', onClose);
  }
  if (!endpoint)
    throw new UnavailableError('No content node holding this track answers right now', {
      code: 'no_content_node',
    });
  const url = `${endpoint}${path}`;
  reply.header('cache-control', 'no-store');
  if (noRedirect)
    return reply
      .type('application/json; charset=utf-8')
      .send(await signedEnvelopeOf(components, url));
  return reply.redirect(url, 302);
}
