// Audius's track lookups beside the main track routes (tracks.ts): a track's remixes.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { NotFoundError, decodeHashId } from '@coliving/protocol';
import { isTrackVisible, listedTrack } from '../core/visibility.js';
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
import { presentTracks } from './present.js';
import { dataOf, trackList } from './schemas.js';

type Q = { user_id?: string; limit: number; offset: number };

/** Registers `/v1/tracks/{id}/remixes`. */
export function registerTrackLookupRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  app.get<{ Params: { id: string }; Querystring: Q }>(
    '/v1/tracks/:id/remixes',
    {
      schema: {
        summary: "A track's remixes, newest first, with how many there are",
        tags: ['tracks'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: {
          200: dataOf({
            type: 'object',
            required: ['count', 'tracks'],
            properties: { count: { type: 'integer' }, tracks: trackList },
          }),
        },
      },
    },
    async function serveRemixes(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        // As the track's other lists: a track the viewer may not see (deleted, scheduled, its
        // owner deactivated) is a 404, any other has its remixes.
        const parent = await db
          .selectFrom('tracks')
          .innerJoin('users', 'users.user_id', 'tracks.owner_id')
          .select([
            'tracks.owner_id',
            'tracks.is_deleted',
            'tracks.release_date',
            'users.is_deactivated',
          ])
          .where('tracks.track_id', '=', id)
          .executeTakeFirst();
        if (
          !parent ||
          !isTrackVisible(
            {
              ownerId: Number(parent.owner_id),
              isDeleted: parent.is_deleted,
              releaseDate: parent.release_date,
              owner: { isDeactivated: parent.is_deactivated },
            },
            await ownerOf(components, q),
          )
        )
          throw new NotFoundError(`Track ${request.params.id} not found`, {
            code: 'track_not_found',
          });
        // Listed remixes only (not deleted, unlisted, scheduled, or of a deactivated owner).
        const names = JSON.stringify([{ parent_track_id: id }]);
        const remixOf = sql`t.metadata -> 'remix_of' -> 'tracks' @> ${names}::jsonb
          and not t.is_deleted and ${listedTrack('t', 'o', sql`now()`)}`;
        const { rows } = await sql<{ track_id: number }>`
          select t.track_id from tracks t join users o on o.user_id = t.owner_id
          where ${remixOf}
          order by t.created_block desc, t.track_id desc
          limit ${q.limit} offset ${q.offset}`.execute(db);
        const { rows: counted } = await sql<{ count: number }>`
          select count(*) as count from tracks t join users o on o.user_id = t.owner_id
          where ${remixOf}`.execute(db);
        const count = Number(counted[0]?.count ?? 0);
        const tracks = await presentTracks(
          components,
          rows.map((r) => Number(r.track_id)),
          viewerId,
        );
        return { count, tracks };
      });
    },
  );
}
