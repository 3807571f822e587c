// `/v1/playlists/...` (albums are playlists with is_album) and `/v1/resolve`.
import type { FastifyInstance } from 'fastify';
import {
  NotFoundError,
  ValidationError,
  encodeHashId,
  handleSchema,
  decodeHashId,
} from '@coliving/protocol';
import { loadPlaylists, loadTracks } from '../core/catalog.js';
import { playlistIdBySlug, userIdByHandle } from '../core/lists.js';
import { searchPlaylists } from '../core/search.js';
import { trendingPlaylistIds } from '../core/trending.js';
import { isPlaylistVisible, isTrackVisible } from '../core/visibility.js';
import { respond } from './answer/respond.js';
import {
  type ApiComponents,
  idPath,
  ownerOf,
  pageParams,
  query,
  userIdParam,
  viewerOf,
} from './common.js';
import { presentPlaylists, presentTracks } from './present.js';
import { dataOf, playlistList, trackList } from './schemas.js';
import { SEARCH_SORTS, TRENDING_TIMES, trackIdByPermalink } from './tracks.js';

type Q = { user_id?: string; limit: number; offset: number };

/** Registers the `/v1/playlists` routes and `/v1/resolve`. */
export function registerPlaylistRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  app.get<{ Querystring: Q & { time: (typeof TRENDING_TIMES)[number] } }>(
    '/v1/playlists/trending',
    {
      schema: {
        summary: 'Trending playlists',
        tags: ['playlists'],
        querystring: query({
          ...pageParams,
          ...userIdParam,
          time: { type: 'string', enum: TRENDING_TIMES, default: 'week' },
        }),
        response: { 200: dataOf(playlistList) },
      },
    },
    async function serveTrendingPlaylists(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        presentPlaylists(
          components,
          await trendingPlaylistIds(db, { time: q.time, limit: q.limit, offset: q.offset }),
          viewerId,
        ),
      );
    },
  );

  app.get<{
    Querystring: Q & { query: string; sort_method?: (typeof SEARCH_SORTS)[number] };
  }>(
    '/v1/playlists/search',
    {
      schema: {
        summary: 'Search playlists and albums by name',
        tags: ['playlists'],
        querystring: query(
          {
            ...pageParams,
            ...userIdParam,
            query: { type: 'string', minLength: 1, maxLength: 200 },
            sort_method: { type: 'string', enum: SEARCH_SORTS },
          },
          ['query'],
        ),
        response: { 200: dataOf(playlistList) },
      },
    },
    async function servePlaylistSearch(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () =>
        presentPlaylists(
          components,
          await searchPlaylists(db, {
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

  /** A playlist the viewer may see (a private one: its proven owner), or NotFoundError. */
  async function visiblePlaylist(
    id: number,
    given: string,
    viewerId: number | undefined,
    owner: number | undefined,
  ) {
    const [playlist] = await loadPlaylists(db, [id], viewerId, owner);
    if (!playlist || !isPlaylistVisible(playlist, owner))
      throw new NotFoundError(`Playlist ${given} not found`, { code: 'playlist_not_found' });
    return playlist;
  }

  app.get<{ Params: { id: string }; Querystring: { user_id?: string } }>(
    '/v1/playlists/:id',
    {
      schema: {
        summary: 'A playlist (as an array of one, as the reference answers)',
        tags: ['playlists'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf(playlistList) },
      },
    },
    async function servePlaylist(request, reply) {
      const id = decodeHashId(request.params.id);
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const owner = await ownerOf(components, request.query);
        const playlist = await visiblePlaylist(id, request.params.id, viewerId, owner);
        return presentPlaylists(components, [], viewerId, [playlist], true, owner);
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { user_id?: string } }>(
    '/v1/playlists/:id/tracks',
    {
      schema: {
        summary: "A playlist's tracks, in order (deleted and unreleased ones left out)",
        tags: ['playlists'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function servePlaylistTracks(request, reply) {
      const id = decodeHashId(request.params.id);
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const owner = await ownerOf(components, request.query);
        const playlist = await visiblePlaylist(id, request.params.id, viewerId, owner);
        const tracks = (
          await loadTracks(
            db,
            playlist.contents.map((c) => c.trackId),
            viewerId,
          )
        ).filter((t) => isTrackVisible(t, owner));
        return presentTracks(components, [], viewerId, tracks, owner);
      });
    },
  );

  app.get<{
    Querystring: { url: string; user_id?: string; user_data?: string; user_signature?: string };
  }>(
    '/v1/resolve',
    {
      schema: {
        summary: 'Resolve a permalink (or a full URL) to its API path',
        description:
          '/handle, /handle/slug, /handle/playlist/slug and /handle/album/slug; answers 302 to ' +
          '/v1/users/{id}, /v1/tracks/{id} or /v1/playlists/{id}, carrying user_id (the current ' +
          'user) on, so the owner of a private playlist or a scheduled track is led to it.',
        tags: ['resolve'],
        querystring: query(
          { url: { type: 'string', minLength: 1, maxLength: 2000 }, ...userIdParam },
          ['url'],
        ),
      },
    },
    async function serveResolve(request, reply) {
      const viewerId = viewerOf(request.query);
      const owner = await ownerOf(components, request.query);
      const path = permalinkPath(request.query.url);
      const parts = path.split('/').filter((p) => p !== '');
      const notFound = () =>
        new NotFoundError(`Nothing is found at ${path}`, { code: 'permalink_not_found' });
      if (parts.length === 0 || parts.length > 3 || (parts.length === 2 && parts[1] === ''))
        throw new ValidationError('url must be /handle, /handle/slug or /handle/playlist/slug', {
          code: 'invalid_url',
        });
      const handle = safeDecode(parts[0]!);
      const ownerId = handleSchema.safeParse(handle).success
        ? await userIdByHandle(db, handle!)
        : undefined;
      if (ownerId === undefined) throw notFound();
      let location: string;
      if (parts.length === 1) location = `/v1/users/${encodeHashId(ownerId)}`;
      else if (parts.length === 2) {
        const id = await trackIdByPermalink(components, `/${parts[0]}/${parts[1]}`);
        if (id === undefined) throw notFound();
        location = `/v1/tracks/${encodeHashId(id)}`;
      } else {
        if (parts[1] !== 'playlist' && parts[1] !== 'album')
          throw new ValidationError('The middle part of a 3-part url is "playlist" or "album"', {
            code: 'invalid_url',
          });
        const id = await playlistIdBySlug(db, ownerId, parts[2]!, parts[1] === 'album');
        if (id === undefined) throw notFound();
        // A private playlist is found only by its owner: to anyone else its link leads nowhere,
        // not to its id.
        const [playlist] = await loadPlaylists(db, [id]);
        if (!playlist || !isPlaylistVisible(playlist, owner)) throw notFound();
        location = `/v1/playlists/${encodeHashId(id)}`;
      }
      // The item's route answers for the same current user (a private playlist, a scheduled
      // track and the current user's fields need it).
      if (viewerId !== undefined) {
        const on = new URLSearchParams({ user_id: encodeHashId(viewerId) });
        // The owner's proof goes on with it, or the item's route would not show them theirs.
        if (owner !== undefined) {
          on.set('user_data', request.query.user_data!);
          on.set('user_signature', request.query.user_signature!);
        }
        location += `?${on.toString()}`;
      }
      return reply.header('cache-control', 'no-store').redirect(location, 302);
    },
  );
}

/** The path of a permalink given as a path or as a full URL (any host: it may be another app's). */
function permalinkPath(url: string): string {
  if (/^https?:\/\//i.test(url)) {
    try {
      return new URL(url).pathname.replace(/\/+$/, '');
    } catch {
      throw new ValidationError('url is not a valid URL', { code: 'invalid_url' });
    }
  }
  return (url.startsWith('/') ? url : `/${url}`).split(/[?#]/)[0]!.replace(/\/+$/, '');
}

/** A percent-encoded path part decoded, or undefined when it is not valid percent-encoding. */
function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
