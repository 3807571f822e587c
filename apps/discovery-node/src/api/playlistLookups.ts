// Audius's playlist lookups beside the main playlist routes (playlists.ts): playlists in bulk by
// id, a playlist by its permalink, and who saved or reposted a playlist.
import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError, decodeHashId, handleSchema } from '@coliving/protocol';
import { loadPlaylists } from '../core/catalog.js';
import { itemActorIds, playlistIdBySlug, userIdByHandle } from '../core/lists.js';
import { isPlaylistVisible } from '../core/visibility.js';
import { respond } from './answer/respond.js';
import {
  type ApiComponents,
  idPath,
  idsParam,
  ownerOf,
  pageParams,
  query,
  requiredIds,
  userIdParam,
  viewerOf,
} from './common.js';
import { presentPlaylists, presentUsers } from './present.js';
import { dataOf, playlistList, userList } from './schemas.js';

type Q = { user_id?: string; limit: number; offset: number };

/** Registers `/v1/playlists?id=`, `/v1/playlists/by_permalink/…` and a playlist's actors. */
export function registerPlaylistLookupRoutes(
  app: FastifyInstance,
  components: ApiComponents,
): void {
  const { db } = components;

  /** The playlists the viewer may see of `ids` (a private one: its proven owner), in order. */
  async function visiblePlaylists(
    ids: readonly number[],
    viewerId: number | undefined,
    owner: number | undefined,
  ) {
    const loaded = await loadPlaylists(db, [...new Set(ids)], viewerId, owner);
    const byId = new Map(loaded.map((p) => [p.playlistId, p]));
    return ids.flatMap((id) => {
      const playlist = byId.get(id);
      return playlist && isPlaylistVisible(playlist, owner) ? [playlist] : [];
    });
  }

  app.get<{ Querystring: { user_id?: string; id?: string[] } }>(
    '/v1/playlists',
    {
      schema: {
        summary: 'Playlists by id (Audius\'s "Get Bulk Playlists")',
        tags: ['playlists'],
        querystring: query({
          ...userIdParam,
          ...idsParam,
        }),
        response: { 200: dataOf(playlistList) },
      },
    },
    async function servePlaylists(request, reply) {
      const q = request.query;
      const ids = requiredIds(q.id);
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        const owner = await ownerOf(components, q);
        return presentPlaylists(
          components,
          [],
          viewerId,
          await visiblePlaylists(ids, viewerId, owner),
          true,
          owner,
        );
      });
    },
  );

  app.get<{ Params: { handle: string; slug: string }; Querystring: { user_id?: string } }>(
    '/v1/playlists/by_permalink/:handle/:slug',
    {
      schema: {
        summary: 'A playlist or album by its owner and slug (as an array of one)',
        tags: ['playlists'],
        params: {
          type: 'object',
          required: ['handle', 'slug'],
          additionalProperties: false,
          properties: {
            handle: { type: 'string', minLength: 1, maxLength: 30 },
            slug: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf(playlistList) },
      },
    },
    async function servePlaylistByPermalink(request, reply) {
      const { handle, slug } = request.params;
      if (!handleSchema.safeParse(handle).success)
        throw new ValidationError(`"${handle}" is not a handle`, { code: 'invalid_handle' });
      const viewerId = viewerOf(request.query);
      return respond(components, request, reply, async () => {
        const ownerId = await userIdByHandle(db, handle);
        // A playlist's slug, or an album's (playlistIdBySlug tries the other kind second).
        const id =
          ownerId === undefined ? undefined : await playlistIdBySlug(db, ownerId, slug, false);
        const owner = await ownerOf(components, request.query);
        const found = id === undefined ? [] : await visiblePlaylists([id], viewerId, owner);
        if (!found.length)
          throw new NotFoundError(`No playlist ${handle}/${slug}`, {
            code: 'playlist_not_found',
          });
        return presentPlaylists(components, [], viewerId, found, true, owner);
      });
    },
  );

  for (const kind of ['favorites', 'reposts'] as const) {
    app.get<{ Params: { id: string }; Querystring: Q }>(
      `/v1/playlists/:id/${kind}`,
      {
        schema: {
          summary:
            kind === 'favorites' ? 'Users who saved a playlist' : 'Users who reposted a playlist',
          tags: ['playlists'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(userList) },
        },
      },
      async function servePlaylistActors(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        const viewerId = viewerOf(q);
        return respond(components, request, reply, async () => {
          if (!(await visiblePlaylists([id], viewerId, await ownerOf(components, q))).length)
            throw new NotFoundError(`Playlist ${request.params.id} not found`, {
              code: 'playlist_not_found',
            });
          const ids = await itemActorIds(
            db,
            kind === 'favorites' ? 'saves' : 'reposts',
            'playlist',
            id,
            q,
          );
          return presentUsers(components, ids, viewerId);
        });
      },
    );
  }
}
