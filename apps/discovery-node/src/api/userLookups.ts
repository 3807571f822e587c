// Audius's user lookups beside the main user routes (users.ts): users related to a user (followed
// by its followers) and the mutuals between a user and the current user.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { NotFoundError, decodeHashId } from '@coliving/protocol';
import { respond } from './answer/respond.js';
import { type ApiComponents, idPath, pageParams, query, userIdParam, viewerOf } from './common.js';
import { presentUsers } from './present.js';
import { dataOf, userList } from './schemas.js';

type Q = { user_id?: string; limit: number; offset: number };
/** Related users are counted over this many of a user's most recent followers: a bounded read. */
export const RELATED_FOLLOWERS_SAMPLE = 1000;

/** Registers `/v1/users/{id}/related` and `/v1/users/{id}/mutuals`. */
export function registerUserLookupRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  async function requireActiveUser(id: number, given: string): Promise<void> {
    const row = await db
      .selectFrom('users')
      .select('is_deactivated')
      .where('user_id', '=', id)
      .executeTakeFirst();
    if (!row || row.is_deactivated)
      throw new NotFoundError(`User ${given} not found`, { code: 'user_not_found' });
  }

  app.get<{ Params: { id: string }; Querystring: Q & { filter_followed?: boolean } }>(
    '/v1/users/:id/related',
    {
      schema: {
        summary:
          "Users a user's followers follow most (Audius's related artists), most shared first",
        tags: ['users'],
        params: idPath,
        querystring: query({
          ...pageParams,
          ...userIdParam,
          filter_followed: { type: 'boolean', default: false },
        }),
        response: { 200: dataOf(userList) },
      },
    },
    async function serveRelatedUsers(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        await requireActiveUser(id, request.params.id);
        const notFollowed =
          q.filter_followed && viewerId !== undefined
            ? sql`and not exists (select 1 from follows v
                where v.follower_id = ${viewerId} and v.followee_id = f.followee_id)
                and f.followee_id <> ${viewerId}`
            : sql``;
        const { rows } = await sql<{ id: number }>`
          with fans as (
            select follower_id from follows where followee_id = ${id}
            order by created_block desc, follower_id desc limit ${RELATED_FOLLOWERS_SAMPLE})
          select f.followee_id as id from follows f
          join fans on fans.follower_id = f.follower_id
          join users u on u.user_id = f.followee_id and not u.is_deactivated
          where f.followee_id <> ${id} ${notFollowed}
          group by f.followee_id
          order by count(*) desc, f.followee_id
          limit ${q.limit} offset ${q.offset}`.execute(db);
        return presentUsers(
          components,
          rows.map((r) => Number(r.id)),
          viewerId,
        );
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: Q & { user_id: string } }>(
    '/v1/users/:id/mutuals',
    {
      schema: {
        summary: "The current user's followees who follow a user (Audius's mutual followers)",
        tags: ['users'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }, ['user_id']),
        response: { 200: dataOf(userList) },
      },
    },
    async function serveMutuals(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = decodeHashId(q.user_id);
      return respond(components, request, reply, async () => {
        await requireActiveUser(id, request.params.id);
        const { rows } = await sql<{ id: number }>`
          select f.follower_id as id from follows f
          join follows v on v.follower_id = ${viewerId} and v.followee_id = f.follower_id
          join users u on u.user_id = f.follower_id and not u.is_deactivated
          where f.followee_id = ${id}
          order by f.created_block desc, f.follower_id desc
          limit ${q.limit} offset ${q.offset}`.execute(db);
        return presentUsers(
          components,
          rows.map((r) => Number(r.id)),
          viewerId,
        );
      });
    },
  );
}
