// What every API v1 route shares: the components it reads, the query parameters every call
// takes, id decoding and the response context. Answering itself is in answer/.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type Hex, type LocalAccount, hashMessage } from 'viem';
import {
  DEFAULT_REPLICATION_FACTOR,
  ValidationError,
  decodeHashId,
  encodeHashId,
  isOwnerProofData,
} from '@coliving/protocol';
import type { ContentNodes } from '../core/contentNodes.js';
import { unclaimedId } from '../core/lists.js';
import { recoverSigner } from '../core/recoverSigner.js';
import type { TrackSearch } from '../core/trackSearch.js';
import type { DB } from '../db/schema.js';
import { signedEnvelopeOf } from './answer/envelope.js';
import type { AnswerComponents } from './answer/respond.js';
import type { TrackJsonCache } from './answer/trackJsonCache.js';
import type { ResponseContext } from './responses.js';
import { dataOf, hashId } from './schemas.js';

/** What the routes read; the node's wiring (server.ts) makes one per node. */
export type ApiComponents = AnswerComponents & {
  db: Kysely<DB>;
  /** The node's delegate key: signs stream access. */
  account: LocalAccount;
  contentNodes: ContentNodes;
  /** Tracks as anyone without a user_id sees them, as JSON. */
  trackJson: TrackJsonCache;
  /** Track search from memory, when loaded (search reads the database until then). */
  trackSearch?: TrackSearch;
  /** This node's public base URL, no trailing slash. */
  publicUrl: string;
  /** Routes registered with these answer the full models (`/v1/full/...`, api/full.ts). */
  full?: boolean;
};

/** The reference caps pages at 500 items (docs/api-v1.md). */
export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 100;
/** Deep pages cost a scan of everything before them; past this, clients narrow the query. */
export const MAX_OFFSET = 10_000;

const idString = { type: 'string', minLength: 1, maxLength: 32 } as const;

/** `app_name` and `api_key`: every call may carry them (they identify the app, nothing more). */
export const appParams = {
  app_name: { type: 'string', maxLength: 100 },
  api_key: { type: 'string', maxLength: 200 },
} as const;

/**
 * `user_id`, the current user, and the owner proof that lets them see their own hidden items:
 * `user_data` {"timestamp", "scope": "owner"} personal-signed by their wallet as `user_signature`
 * (ownerOf). Streams and the history take their own proofs under the same names.
 */
export const userIdParam = {
  user_id: { ...idString, description: 'the current user' },
  user_data: { type: 'string', maxLength: 1000 },
  user_signature: { type: 'string', pattern: '^0x[0-9a-fA-F]{130}$' },
} as const;

/** `?id=…&id=…` of a bulk read (Audius's "Get Bulk …" routes). */
export const idsParam = {
  id: { type: 'array', items: { type: 'string', maxLength: 32 }, maxItems: MAX_LIMIT },
} as const;

/** The ids of a bulk read, decoded; none at all is a 400. */
export function requiredIds(ids: string[] | undefined): number[] {
  if (!ids?.length) throw new ValidationError('Give at least one id', { code: 'missing_id' });
  return ids.map(decodeHashId);
}

export const pageParams = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
} as const;

/** A querystring schema: the given parameters plus app_name/api_key; nothing else is accepted. */
export function query<P extends Record<string, unknown>>(properties: P, required: string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: { ...appParams, ...properties },
  } as const;
}

/** Path parameters schema for `/:id`-style routes. */
export const idPath = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: idString },
} as const;

/**
 * The current user's id from `user_id`, when given: a claim, good for the `has_current_user_*`
 * flags; what only the owner sees goes by ownerOf.
 */
export function viewerOf(q: { user_id?: string }): number | undefined {
  return q.user_id === undefined ? undefined : decodeHashId(q.user_id);
}

/**
 * The current user when the query proves it (an owner proof, `ownerProofData`, signed by their
 * wallet within 5 minutes), else undefined: only then are they shown their own scheduled and
 * unlisted tracks and private playlists. `user_id` alone proves nothing (docs/security.md).
 */
export async function ownerOf(
  components: Pick<ApiComponents, 'db'>,
  q: { user_id?: string; user_data?: string; user_signature?: string },
): Promise<number | undefined> {
  if (q.user_id === undefined || q.user_data === undefined || q.user_signature === undefined)
    return undefined;
  if (!isOwnerProofData({ userData: q.user_data })) return undefined;
  const userId = decodeHashId(q.user_id);
  let signer: string;
  try {
    signer = recoverSigner(hashMessage(q.user_data), q.user_signature as Hex);
  } catch {
    return undefined;
  }
  const row = await components.db
    .selectFrom('users')
    .select('wallet')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.wallet === signer.toLowerCase() ? userId : undefined;
}

/** The response context for one request. */
export async function responseContext(
  components: ApiComponents,
  viewerId: number | undefined,
  ownerId?: number,
): Promise<ResponseContext> {
  return {
    publicUrl: components.publicUrl,
    contentNodes: await components.contentNodes.endpoints(),
    replicationFactor: DEFAULT_REPLICATION_FACTOR,
    ...(viewerId !== undefined ? { viewerId } : {}),
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...(components.full ? { full: true } : {}),
  };
}

/** `GET /v1/{users,tracks,playlists}/unclaimed_id`: a random id not yet taken (never cached). */
export function registerUnclaimedIdRoutes(app: FastifyInstance, components: ApiComponents): void {
  for (const kind of ['users', 'tracks', 'playlists'] as const) {
    app.get(
      `/v1/${kind}/unclaimed_id`,
      {
        schema: {
          summary: `A random unused ${kind.slice(0, -1)} id`,
          tags: [kind],
          querystring: query({}),
          response: { 200: dataOf(hashId) },
        },
      },
      async function serveUnclaimedId(_request, reply) {
        const id = await unclaimedId(components.db, kind);
        return reply
          .type('application/json; charset=utf-8')
          .send(await signedEnvelopeOf(components, encodeHashId(id)));
      },
    );
  }
}
