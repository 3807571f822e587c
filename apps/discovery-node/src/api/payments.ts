// Payments as API v1 answers them (docs/api-v1.md, "Payments"): access-info of tracks and
// playlists, tips, supporters and supporting, purchases, sales and purchasers. Amounts are DGCO
// wei as decimal strings; ids are hashids. The rows come from the PaymentRouter source
// (indexer/sources/paymentRouter.ts); access from core/streamAccess.ts.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { NotFoundError, decodeHashId, encodeHashId } from '@coliving/protocol';
import { contentAccess } from '../core/streamAccess.js';
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
import { presentUsers } from './present.js';
import { dataOf } from './schemas.js';

type P = { id: string };
type Page = { limit: number; offset: number; user_id?: string };

const wei = { type: 'string', pattern: '^[0-9]+$', description: 'DGCO wei' } as const;
const conditions = { type: ['object', 'null'], additionalProperties: true } as const;
const accessInfo = {
  type: 'object',
  required: [
    'access',
    'user_id',
    'blocknumber',
    'is_stream_gated',
    'stream_conditions',
    'is_download_gated',
    'download_conditions',
  ],
  properties: {
    access: {
      type: 'object',
      required: ['stream', 'download'],
      properties: { stream: { type: 'boolean' }, download: { type: 'boolean' } },
    },
    user_id: { type: 'string', description: "the owner's id" },
    blocknumber: { type: 'integer' },
    is_stream_gated: { type: 'boolean' },
    stream_conditions: conditions,
    is_download_gated: { type: 'boolean' },
    download_conditions: conditions,
  },
} as const;
const tipSchema = {
  type: 'object',
  required: ['amount', 'sender', 'receiver', 'created_at', 'slot', 'tx_signature'],
  properties: {
    amount: wei,
    sender: { $ref: 'User#' },
    receiver: { $ref: 'User#' },
    created_at: { type: 'string' },
    slot: { type: 'integer', description: 'the eth block' },
    tx_signature: { type: 'string', description: 'the transaction hash' },
    followee_supporters: { type: 'array', items: { type: 'object' } },
  },
} as const;
const supporterSchema = (side: 'sender' | 'receiver') =>
  ({
    type: 'object',
    required: ['rank', 'amount', side],
    properties: { rank: { type: 'integer' }, amount: wei, [side]: { $ref: 'User#' } },
  }) as const;
const purchaseSchema = {
  type: 'object',
  required: [
    'slot',
    'signature',
    'seller_user_id',
    'buyer_user_id',
    'amount',
    'extra_amount',
    'content_type',
    'content_id',
    'created_at',
    'updated_at',
    'access',
  ],
  properties: {
    slot: { type: 'integer' },
    signature: { type: 'string' },
    seller_user_id: { type: 'string' },
    buyer_user_id: { type: 'string' },
    amount: wei,
    extra_amount: wei,
    content_type: { type: 'string', enum: ['track', 'playlist'] },
    content_id: { type: 'string' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    access: { type: 'string', enum: ['stream'] },
  },
} as const;
const aggregateSchema = {
  type: 'object',
  required: ['content_type', 'content_id', 'purchase_count', 'amount'],
  properties: {
    content_type: { type: 'string', enum: ['track', 'playlist'] },
    content_id: { type: 'string' },
    purchase_count: { type: 'integer' },
    amount: wei,
  },
} as const;
const listOf = (items: unknown) => ({ type: 'array', items });
const userList = listOf({ $ref: 'User#' });

/** Users as API v1 `User`s by id (loaded once for all of them). */
async function usersById(
  components: ApiComponents,
  ids: readonly number[],
  viewerId: number | undefined,
): Promise<Map<number, Record<string, unknown>>> {
  const unique = [...new Set(ids)];
  const users = await presentUsers(components, unique, viewerId);
  return new Map(users.map((u) => [decodeHashId(u.id as string), u]));
}

async function requireUser(components: ApiComponents, id: number, given: string): Promise<void> {
  const row = await components.db
    .selectFrom('users')
    .select('is_deactivated')
    .where('user_id', '=', id)
    .executeTakeFirst();
  if (!row || row.is_deactivated)
    throw new NotFoundError(`User ${given} not found`, { code: 'user_not_found' });
}

/** Registers the payment read routes. */
export function registerPaymentRoutes(app: FastifyInstance, components: ApiComponents): void {
  const { db } = components;

  for (const kind of ['tracks', 'playlists'] as const) {
    app.get<{ Params: P; Querystring: { user_id?: string } }>(
      `/v1/${kind}/:id/access-info`,
      {
        schema: {
          summary: `What a ${kind.slice(0, -1)}'s access conditions are, and whether user_id meets them`,
          tags: [kind],
          params: idPath,
          querystring: query({ ...userIdParam }),
          response: { 200: dataOf(accessInfo) },
        },
      },
      async function serveAccessInfo(request, reply) {
        const id = decodeHashId(request.params.id);
        const viewerId = viewerOf(request.query);
        return respond(components, request, reply, async () => {
          const row =
            kind === 'tracks'
              ? await db
                  .selectFrom('tracks')
                  .innerJoin('users', 'users.user_id', 'tracks.owner_id')
                  .select([
                    'tracks.owner_id',
                    'tracks.is_deleted',
                    'tracks.release_date',
                    sql<boolean>`false`.as('is_private'),
                    'users.is_deactivated as owner_deactivated',
                    'tracks.updated_block',
                    'tracks.stream_conditions',
                    'tracks.download_conditions',
                    sql<boolean>`(tracks.metadata->>'is_downloadable')::boolean is true`.as(
                      'is_downloadable',
                    ),
                  ])
                  .where('tracks.track_id', '=', id)
                  .executeTakeFirst()
              : await db
                  .selectFrom('playlists')
                  .innerJoin('users', 'users.user_id', 'playlists.owner_id')
                  .select([
                    'playlists.owner_id',
                    'playlists.is_deleted',
                    'playlists.is_private',
                    'playlists.updated_block',
                    'playlists.stream_conditions',
                  ])
                  .select(sql<null>`null`.as('release_date'))
                  .select('users.is_deactivated as owner_deactivated')
                  .select(sql<null>`null`.as('download_conditions'))
                  .select(sql<boolean>`false`.as('is_downloadable'))
                  .where('playlists.playlist_id', '=', id)
                  .executeTakeFirst();
          // Hidden as the item's own route hides it (visibility.ts): a scheduled track, a
          // private playlist or a deactivated owner's item is not found, its price and owner unsaid.
          const owner = await ownerOf(components, request.query);
          const shown =
            row !== undefined &&
            (kind === 'tracks'
              ? isTrackVisible(
                  {
                    ownerId: Number(row.owner_id),
                    isDeleted: row.is_deleted,
                    releaseDate: row.release_date,
                    owner: { isDeactivated: row.owner_deactivated },
                  },
                  owner,
                )
              : isPlaylistVisible(
                  {
                    ownerId: Number(row.owner_id),
                    isDeleted: row.is_deleted,
                    isPrivate: row.is_private,
                    owner: { isDeactivated: row.owner_deactivated },
                  },
                  owner,
                ));
          if (!row || !shown) {
            const what = kind === 'tracks' ? 'track' : 'playlist';
            throw new NotFoundError(
              `${what === 'track' ? 'Track' : 'Playlist'} ${request.params.id} not found`,
              {
                code: `${what}_not_found`,
              },
            );
          }
          const access = await contentAccess(
            db,
            {
              type: kind === 'tracks' ? 'track' : 'playlist',
              id,
              ownerId: row.owner_id,
              isDeleted: row.is_deleted,
              streamConditions: row.stream_conditions,
              downloadConditions: row.download_conditions,
              isDownloadable: row.is_downloadable,
            },
            viewerId,
          );
          return {
            access,
            user_id: encodeHashId(row.owner_id),
            blocknumber: row.updated_block,
            is_stream_gated: row.stream_conditions !== null,
            stream_conditions: row.stream_conditions,
            is_download_gated: row.download_conditions !== null,
            download_conditions: row.download_conditions,
          };
        });
      },
    );
  }

  app.get<{ Querystring: Page }>(
    '/v1/tips',
    {
      schema: {
        summary: 'Tips, newest first; with user_id, those that user sent or received',
        tags: ['tips'],
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(listOf(tipSchema)) },
      },
    },
    async function serveTips(request, reply) {
      const q = request.query;
      const viewerId = viewerOf(q);
      return respond(components, request, reply, async () => {
        let tips = db
          .selectFrom('tips')
          .selectAll()
          .orderBy('block_number', 'desc')
          .orderBy('log_index', 'desc')
          .limit(q.limit)
          .offset(q.offset);
        if (viewerId !== undefined) {
          tips = tips.where((eb) =>
            eb.or([eb('sender_user_id', '=', viewerId), eb('receiver_user_id', '=', viewerId)]),
          );
        }
        const rows = await tips.execute();
        const users = await usersById(
          components,
          rows.flatMap((t) => [t.sender_user_id, t.receiver_user_id]),
          viewerId,
        );
        return rows.map((t) => ({
          amount: t.amount,
          sender: users.get(t.sender_user_id),
          receiver: users.get(t.receiver_user_id),
          created_at: new Date(t.created_at).toISOString(),
          slot: t.block_number,
          tx_signature: t.tx_hash,
          followee_supporters: [],
        }));
      });
    },
  );

  for (const [path, side, by, of] of [
    ['supporters', 'sender', 'receiver_user_id', 'sender_user_id'],
    ['supporting', 'receiver', 'sender_user_id', 'receiver_user_id'],
  ] as const) {
    app.get<{ Params: P; Querystring: Page }>(
      `/v1/users/:id/${path}`,
      {
        schema: {
          summary:
            path === 'supporters'
              ? 'Who tipped a user, by the total tipped'
              : 'Whom a user tipped, by the total tipped',
          tags: ['users'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(listOf(supporterSchema(side))) },
        },
      },
      async function serveSupport(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        const viewerId = viewerOf(q);
        return respond(components, request, reply, async () => {
          await requireUser(components, id, request.params.id);
          const rows = (
            await sql<{ other: number; amount: string; rank: number }>`
              select ${sql.ref(of)} as other, sum(amount)::text as amount,
                rank() over (order by sum(amount) desc)::integer as rank
              from tips where ${sql.ref(by)} = ${id}
              group by ${sql.ref(of)}
              order by sum(amount) desc, ${sql.ref(of)}
              limit ${q.limit} offset ${q.offset}`.execute(db)
          ).rows;
          const users = await usersById(
            components,
            rows.map((r) => Number(r.other)),
            viewerId,
          );
          return rows.map((r) => ({
            rank: Number(r.rank),
            amount: r.amount,
            [side]: users.get(Number(r.other)),
          }));
        });
      },
    );
  }

  for (const [path, by] of [
    ['purchases', 'buyer_user_id'],
    ['sales', 'seller_user_id'],
  ] as const) {
    app.get<{ Params: P; Querystring: Page }>(
      `/v1/users/:id/${path}`,
      {
        schema: {
          summary:
            path === 'purchases'
              ? "A user's purchases, newest first"
              : "A user's sales, newest first",
          tags: ['users'],
          params: idPath,
          querystring: query({ ...pageParams, ...userIdParam }),
          response: { 200: dataOf(listOf(purchaseSchema)) },
        },
      },
      async function servePurchases(request, reply) {
        const id = decodeHashId(request.params.id);
        const q = request.query;
        return respond(components, request, reply, async () => {
          await requireUser(components, id, request.params.id);
          const rows = await db
            .selectFrom('purchases')
            .selectAll()
            .where(by, '=', id)
            .orderBy('block_number', 'desc')
            .orderBy('log_index', 'desc')
            .limit(q.limit)
            .offset(q.offset)
            .execute();
          return rows.map((p) => {
            const at = new Date(p.created_at).toISOString();
            return {
              slot: p.block_number,
              signature: p.tx_hash,
              seller_user_id: encodeHashId(p.seller_user_id),
              buyer_user_id: encodeHashId(p.buyer_user_id),
              amount: p.amount,
              extra_amount: '0',
              content_type: p.content_type,
              content_id: encodeHashId(p.content_id),
              created_at: at,
              updated_at: at,
              access: 'stream',
            };
          });
        });
      },
    );
  }

  app.get<{ Params: P; Querystring: Page }>(
    '/v1/users/:id/sales/aggregate',
    {
      schema: {
        summary: "A user's sales per track or playlist, by total amount",
        tags: ['users'],
        params: idPath,
        querystring: query({ ...pageParams, ...userIdParam }),
        response: { 200: dataOf(listOf(aggregateSchema)) },
      },
    },
    async function serveSalesAggregate(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        const rows = (
          await sql<{ content_type: string; content_id: number; n: number; amount: string }>`
            select content_type, content_id, count(*)::integer as n, sum(amount)::text as amount
            from purchases where seller_user_id = ${id}
            group by content_type, content_id
            order by sum(amount) desc, content_type, content_id
            limit ${q.limit} offset ${q.offset}`.execute(db)
        ).rows;
        return rows.map((r) => ({
          content_type: r.content_type,
          content_id: encodeHashId(Number(r.content_id)),
          purchase_count: Number(r.n),
          amount: r.amount,
        }));
      });
    },
  );

  app.get<{
    Params: P;
    Querystring: Page & { content_type?: 'track' | 'playlist'; content_id?: string };
  }>(
    '/v1/users/:id/purchasers',
    {
      schema: {
        summary: "Who bought a user's tracks and playlists (or one of them), first purchase first",
        tags: ['users'],
        params: idPath,
        querystring: query({
          ...pageParams,
          ...userIdParam,
          content_type: { type: 'string', enum: ['track', 'playlist'] },
          content_id: { type: 'string', minLength: 1, maxLength: 32 },
        }),
        response: { 200: dataOf(userList) },
      },
    },
    async function servePurchasers(request, reply) {
      const id = decodeHashId(request.params.id);
      const q = request.query;
      const viewerId = viewerOf(q);
      const contentId = q.content_id === undefined ? undefined : decodeHashId(q.content_id);
      return respond(components, request, reply, async () => {
        await requireUser(components, id, request.params.id);
        let buyers = db
          .selectFrom('purchases')
          .select('buyer_user_id')
          .select((eb) => eb.fn.min('block_number').as('first'))
          .where('seller_user_id', '=', id)
          .groupBy('buyer_user_id')
          .orderBy('first')
          .orderBy('buyer_user_id')
          .limit(q.limit)
          .offset(q.offset);
        if (q.content_type !== undefined)
          buyers = buyers.where('content_type', '=', q.content_type);
        if (contentId !== undefined) buyers = buyers.where('content_id', '=', contentId);
        const ids = (await buyers.execute()).map((r) => r.buyer_user_id);
        return presentUsers(components, ids, viewerId);
      });
    },
  );
}
