// `/v1/developer_apps/{address}` and a user's apps, authorized apps, managers and managed users
// (docs/api-v1.md), in Audius's shapes: developer apps and grants as the indexer keeps them
// (indexer/entities/developerApp.ts, grant.ts).
import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import { NotFoundError, decodeHashId, encodeHashId } from '@coliving/protocol';
import type { GrantsTable } from '../db/schema.js';
import { respond } from './answer/respond.js';
import { type ApiComponents, idPath, query, userIdParam, viewerOf } from './common.js';
import { presentUsers } from './present.js';
import {
  authorizedAppList,
  dataOf,
  developerApp,
  developerAppList,
  managedUserList,
  userManagerList,
} from './schemas.js';

type P = { id: string };
type GrantFilter = { user_id?: string; is_approved?: boolean; is_revoked?: boolean };

/** Most apps or grants one answer lists: a user has few. */
const MAX_ITEMS = 500;

const addressPath = {
  type: 'object',
  required: ['address'],
  additionalProperties: false,
  properties: { address: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } },
} as const;

/** Audius's filters on a user's managers: by approval (default all) and revocation (default not). */
const grantFilters = {
  ...userIdParam,
  is_approved: { type: 'boolean' },
  is_revoked: { type: 'boolean', default: false },
} as const;

type AppRow = {
  address: string;
  user_id: number;
  name: string;
  description: string | null;
  image_url: string | null;
  redirect_uris: string[];
};

function presentApp(row: AppRow) {
  return {
    address: row.address,
    user_id: encodeHashId(row.user_id),
    name: row.name,
    description: row.description,
    image_url: row.image_url,
    redirect_uris: row.redirect_uris,
  };
}

function presentGrant(row: Selectable<GrantsTable>) {
  return {
    grantee_address: row.grantee_address,
    user_id: encodeHashId(row.user_id),
    is_revoked: row.is_revoked,
    is_approved: row.is_approved,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A user that exists, or NotFoundError. */
async function requireUser(components: ApiComponents, given: string): Promise<number> {
  const id = decodeHashId(given);
  const row = await components.db
    .selectFrom('users')
    .select('user_id')
    .where('user_id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`User ${given} not found`, { code: 'user_not_found' });
  return id;
}

const APP_COLUMNS = [
  'address',
  'user_id',
  'name',
  'description',
  'image_url',
  'redirect_uris',
] as const;

/** Registers the developer app and grant routes. */
export function registerDeveloperAppRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  app.get<{ Params: { address: string } }>(
    '/v1/developer_apps/:address',
    {
      schema: {
        summary: 'A developer app by its address (its API key)',
        tags: ['developer_apps'],
        params: addressPath,
        querystring: query({}),
        response: { 200: dataOf(developerApp) },
      },
    },
    async function serveDeveloperApp(request, reply) {
      const address = request.params.address.toLowerCase();
      return respond(components, request, reply, async () => {
        const row = await db
          .selectFrom('developer_apps')
          .select(APP_COLUMNS)
          .where('address', '=', address)
          .where('is_deleted', '=', false)
          .executeTakeFirst();
        if (!row) {
          throw new NotFoundError(`No developer app has the address ${address}`, {
            code: 'developer_app_not_found',
          });
        }
        return presentApp(row);
      });
    },
  );

  app.get<{ Params: P; Querystring: { user_id?: string } }>(
    '/v1/users/:id/developer_apps',
    {
      schema: {
        summary: "A user's developer apps, oldest first",
        tags: ['developer_apps'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf(developerAppList) },
      },
    },
    async function serveUserDeveloperApps(request, reply) {
      return respond(components, request, reply, async () => {
        const id = await requireUser(components, request.params.id);
        const rows = await db
          .selectFrom('developer_apps')
          .select(APP_COLUMNS)
          .where('user_id', '=', id)
          .where('is_deleted', '=', false)
          .orderBy('created_block')
          .orderBy('address')
          .limit(MAX_ITEMS)
          .execute();
        return rows.map(presentApp);
      });
    },
  );

  app.get<{ Params: P; Querystring: { user_id?: string } }>(
    '/v1/users/:id/authorized_apps',
    {
      schema: {
        summary: 'The apps a user authorized to act for it (active grants), newest first',
        tags: ['developer_apps'],
        params: idPath,
        querystring: query({ ...userIdParam }),
        response: { 200: dataOf(authorizedAppList) },
      },
    },
    async function serveAuthorizedApps(request, reply) {
      return respond(components, request, reply, async () => {
        const id = await requireUser(components, request.params.id);
        const rows = await db
          .selectFrom('grants as g')
          .innerJoin('developer_apps as a', 'a.address', 'g.grantee_address')
          .select([
            'a.address',
            'a.name',
            'a.description',
            'a.image_url',
            'g.user_id',
            'g.created_at',
            'g.updated_at',
          ])
          .where('g.user_id', '=', id)
          .where('g.is_revoked', '=', false)
          .where('g.is_approved', '=', true)
          .where('a.is_deleted', '=', false)
          .orderBy('g.updated_block', 'desc')
          .orderBy('a.address')
          .limit(MAX_ITEMS)
          .execute();
        return rows.map((row) => ({
          address: row.address,
          name: row.name,
          description: row.description,
          image_url: row.image_url,
          grantor_user_id: encodeHashId(row.user_id),
          grant_created_at: row.created_at.toISOString(),
          grant_updated_at: row.updated_at.toISOString(),
        }));
      });
    },
  );

  app.get<{ Params: P; Querystring: GrantFilter }>(
    '/v1/users/:id/managers',
    {
      schema: {
        summary: "The users a user asked to manage its account, with each one's grant",
        tags: ['developer_apps'],
        params: idPath,
        querystring: query(grantFilters),
        response: { 200: dataOf(userManagerList) },
      },
    },
    async function serveManagers(request, reply) {
      const q = request.query;
      return respond(components, request, reply, async () => {
        const id = await requireUser(components, request.params.id);
        const rows = await db
          .selectFrom('grants as g')
          .innerJoin('users as u', 'u.wallet', 'g.grantee_address')
          .selectAll('g')
          .select('u.user_id as manager_id')
          .where('g.user_id', '=', id)
          .where('g.is_revoked', '=', q.is_revoked ?? false)
          .$if(q.is_approved !== undefined, (qb) => qb.where('g.is_approved', '=', q.is_approved!))
          .orderBy('g.created_block')
          .orderBy('g.grantee_address')
          .limit(MAX_ITEMS)
          .execute();
        const users = await presentUsers(
          components,
          rows.map((r) => r.manager_id),
          viewerOf(q),
        );
        const byId = new Map(users.map((u) => [u.id, u]));
        return rows.flatMap((row) => {
          const manager = byId.get(encodeHashId(row.manager_id));
          return manager ? [{ manager, grant: presentGrant(row) }] : [];
        });
      });
    },
  );

  app.get<{ Params: P; Querystring: GrantFilter }>(
    '/v1/users/:id/managed_users',
    {
      schema: {
        summary: 'The users whose accounts a user was asked to manage, with each grant',
        tags: ['developer_apps'],
        params: idPath,
        querystring: query(grantFilters),
        response: { 200: dataOf(managedUserList) },
      },
    },
    async function serveManagedUsers(request, reply) {
      const q = request.query;
      return respond(components, request, reply, async () => {
        const id = await requireUser(components, request.params.id);
        const wallet = (
          await db
            .selectFrom('users')
            .select('wallet')
            .where('user_id', '=', id)
            .executeTakeFirstOrThrow()
        ).wallet;
        const rows = await db
          .selectFrom('grants as g')
          .selectAll('g')
          .where('g.grantee_address', '=', wallet)
          .where('g.is_revoked', '=', q.is_revoked ?? false)
          .$if(q.is_approved !== undefined, (qb) => qb.where('g.is_approved', '=', q.is_approved!))
          .orderBy('g.created_block')
          .orderBy('g.user_id')
          .limit(MAX_ITEMS)
          .execute();
        const users = await presentUsers(
          components,
          rows.map((r) => r.user_id),
          viewerOf(q),
        );
        const byId = new Map(users.map((u) => [u.id, u]));
        return rows.flatMap((row) => {
          const user = byId.get(encodeHashId(row.user_id));
          return user ? [{ user, grant: presentGrant(row) }] : [];
        });
      });
    },
  );
}
