// What every API v1 route shares: the components it reads, the query parameters every call
// takes, id decoding, the envelope, and the response cache.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { LocalAccount } from 'viem';
import { DEFAULT_REPLICATION_FACTOR, decodeHashId, encodeHashId } from '@coliving/protocol';
import { BufferPool, sendPooled } from '@coliving/server-kit';
import type { ContentNodes } from '../core/contentNodes.js';
import { unclaimedId } from '../core/lists.js';
import type { DB } from '../db/schema.js';
import {
  FAST_LEVEL,
  GZIP_MIN_BYTES,
  type GzipHead,
  acceptsGzip,
  gzipAnswer,
  gzipHead,
} from './gzipAnswer.js';
import { DATA_OPEN, type ResponseCache } from './responseCache.js';
import type { ResponseContext } from './responses.js';
import type { TrackSearch } from '../core/trackSearchIndex.js';
import type { TrackJsonCache } from './trackJson.js';
import { dataOf, hashId } from './schemas.js';

export type ApiComponents = {
  db: Kysely<DB>;
  /** The node's delegate key: signs stream access. */
  account: LocalAccount;
  contentNodes: ContentNodes;
  cache: ResponseCache;
  /** Tracks as anyone without a user_id sees them, as JSON. */
  trackJson: TrackJsonCache;
  /** Track search from memory, when loaded (search reads the database until then). */
  trackSearch?: TrackSearch;
  /** This node's public base URL, no trailing slash. */
  publicUrl: string;
  version: string;
  /** The data chain's head and the last block indexed (read before a query runs). */
  blocks(): { indexed: number; chain: number };
  /** Changes whenever a cached answer may be stale for reasons other than a new block. */
  epoch(): string;
};

/** The reference caps pages at 500 items (api-v1.md). */
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

export const userIdParam = { user_id: { ...idString, description: 'the current user' } } as const;

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

/** The current user's id from `user_id`, when given. */
export function viewerOf(q: { user_id?: string }): number | undefined {
  return q.user_id === undefined ? undefined : decodeHashId(q.user_id);
}

/** The response context for one request. */
export async function responseContext(
  components: ApiComponents,
  viewerId: number | undefined,
): Promise<ResponseContext> {
  return {
    publicUrl: components.publicUrl,
    contentNodes: await components.contentNodes.endpoints(),
    replicationFactor: DEFAULT_REPLICATION_FACTOR,
    ...(viewerId !== undefined ? { viewerId } : {}),
  };
}

/**
 * Answers with `{"data": …}` in the API v1 envelope (`compute` may give EncodedJson). `compute` runs only when no cached answer
 * of the current state exists; the block numbers are read before it runs, so the state shown is
 * never older than the block claimed. Answers of GZIP_MIN_BYTES or more go gzip-compressed to
 * clients that take it (browsers and fetch do): a 100-track page is about 260 KB as JSON.
 */
export async function respond(
  components: ApiComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<unknown>,
): Promise<FastifyReply> {
  const blocks = components.blocks();
  const generation = `${blocks.indexed}:${components.epoch()}`;
  let answer = components.cache.get(request.url, generation);
  if (answer === undefined) {
    // The cache keeps UTF-8 bytes, not strings: encoding a long string on every answer cost more
    // than the rest of a cached answer.
    const data = await compute();
    answer = components.cache.answerOf(
      data instanceof EncodedJson ? data.parts : (JSON.stringify(data) ?? 'null'),
    );
    components.cache.set(request.url, generation, answer);
  }
  const cached = answer;
  return sendAnswer(components, request, reply, [answer.head], blocks, () =>
    components.cache.gzipOf(request.url, cached),
  );
}

const [ARRAY_OPEN, COMMA, ARRAY_CLOSE] = ['[', ',', ']'].map((c) => Buffer.from(c)) as [
  Buffer,
  Buffer,
  Buffer,
];

/** JSON encoded already (UTF-8, in parts): a `compute` of respond() returns it to be sent as it is. */
export class EncodedJson {
  constructor(readonly parts: readonly Buffer[]) {}

  /** A JSON array of encoded items. */
  static array(items: readonly Buffer[]): EncodedJson {
    const parts: Buffer[] = [ARRAY_OPEN];
    for (const [i, item] of items.entries()) {
      if (i > 0) parts.push(COMMA);
      parts.push(item);
    }
    parts.push(ARRAY_CLOSE);
    return new EncodedJson(parts);
  }
}

/**
 * Answers with `{"data": json}` in the API v1 envelope, for JSON made already. `blocks` must be
 * read before the state `json` shows was.
 */
export function respondJson(
  components: ApiComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  json: Buffer,
  blocks: { indexed: number; chain: number },
): FastifyReply {
  return sendAnswer(components, request, reply, [DATA_OPEN, json], blocks, () =>
    // not kept: deflated once, fast
    gzipHead(Buffer.concat([DATA_OPEN, json]), FAST_LEVEL),
  );
}

/** Sends `head` (`{"data":…`, in parts) with this answer's own envelope tail: its blocks and time. */
function sendAnswer(
  components: ApiComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  head: Buffer[],
  blocks: { indexed: number; chain: number },
  gzipOf: () => GzipHead,
): FastifyReply {
  const tail = envelopeTail(components, blocks);
  reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
  let size = 0;
  for (const part of head) size += part.length;
  if (size >= GZIP_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    reply.header('content-encoding', 'gzip');
    return sendPooled(reply, gzipAnswer(gzipOf(), tail), answerBuffers);
  }
  return sendPooled(reply, [...head, tail], answerBuffers);
}

type Tail = { version: string; indexed: number; chain: number; ms: number; bytes: Buffer };
let lastTail: Tail | undefined;

/**
 * The envelope after `data` (`,"latest_chain_block":…}`), UTF-8. Answers in the same millisecond
 * at the same blocks share one: at thousands of answers a second, encoding it is no small part.
 */
function envelopeTail(components: ApiComponents, blocks: { indexed: number; chain: number }) {
  const now = Date.now();
  const last = lastTail;
  if (
    last?.ms === now &&
    last.indexed === blocks.indexed &&
    last.chain === blocks.chain &&
    last.version === components.version
  )
    return last.bytes;
  const envelope = {
    ...envelopeOf(components, null, blocks),
    timestamp: new Date(now).toISOString(),
  };
  const bytes = Buffer.from(JSON.stringify(envelope).slice('{"data":null'.length));
  lastTail = {
    version: components.version,
    indexed: blocks.indexed,
    chain: blocks.chain,
    ms: now,
    bytes,
  };
  return bytes;
}

/** Bodies are written from reused buffers (see sendPooled): a page is often hundreds of KB. */
const answerBuffers = new BufferPool(16 * 1024, 2 * 1024 * 1024, 64 * 1024 * 1024);

/** `data` in the API v1 envelope, with the block numbers (read now unless given). */
export function envelopeOf(
  components: ApiComponents,
  data: unknown,
  blocks = components.blocks(),
): Record<string, unknown> {
  return {
    data,
    latest_chain_block: blocks.chain,
    latest_indexed_block: blocks.indexed,
    latest_chain_slot_plays: 0,
    latest_indexed_slot_plays: 0,
    timestamp: new Date().toISOString(),
    version: { service: 'discovery-node', version: components.version },
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
        return reply.send(envelopeOf(components, encodeHashId(id)));
      },
    );
  }
}
