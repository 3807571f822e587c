// `/v1/users/:id/new_releases` and `/v1/tracks/latest`: what is new, for the web player's
// "New releases" (the landlords a user follows) and its genre and mood pages.
import type { FastifyInstance } from 'fastify';
import { GENRES, MOODS, decodeHashId } from '@coliving/protocol';
import { latestTrackIds, newReleaseIds } from '../core/newReleases.js';
import { respond } from './answer/respond.js';
import { type ApiComponents, idPath, pageParams, query, userIdParam, viewerOf } from './common.js';
import { trackListData } from './present.js';
import { dataOf, trackList } from './schemas.js';

type Q = { user_id?: string; limit: number; offset: number };

export function registerFeedRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  app.get<{ Params: { id: string }; Querystring: Q }>(
    '/v1/users/:id/new_releases',
    {
      schema: {
        summary: 'The newest tracks of the users a user follows, newest release first',
        tags: ['users'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveNewReleases(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      return respond(components, request, reply, async () =>
        trackListData(
          components,
          await newReleaseIds(db, id, { limit: q.limit, offset: q.offset }),
          viewerOf(q),
        ),
      );
    },
  );

  app.get<{ Querystring: Q & { genre?: string; mood?: string } }>(
    '/v1/tracks/latest',
    {
      schema: {
        summary: 'The newest tracks, of a genre and/or mood when given',
        tags: ['tracks'],
        querystring: query({
          ...pageParams,
          ...userIdParam,
          genre: { type: 'string', enum: GENRES },
          mood: { type: 'string', enum: MOODS },
        }),
        response: { 200: dataOf(trackList) },
      },
    },
    async function serveLatestTracks(request, reply) {
      const q = request.query;
      const filter = {
        ...(q.genre ? { genre: q.genre } : {}),
        ...(q.mood ? { mood: q.mood } : {}),
      };
      return respond(components, request, reply, async () =>
        trackListData(
          components,
          await latestTrackIds(db, filter, { limit: q.limit, offset: q.offset }),
          viewerOf(q),
        ),
      );
    },
  );
}
