// Sending an API v1 answer: the data in its envelope, from the response cache when the state it
// shows is current, gzip-compressed for clients that take it, written from reused buffers.
//
// Imports in this folder run one way; nothing here imports the routes, api/common.ts or
// api/present.ts, which import from here:
//
//   respond.ts ──────> responseCache.ts ──> gzipAnswer.ts
//       │  │                  │
//       │  └──> gzipAnswer.ts └──────────> envelope.ts
//       └─────> envelope.ts
//   trackJsonCache.ts (on its own: api/present.ts fills and reads it)
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BufferPool, sendPooled } from '@coliving/server-kit';
import { type AnswerSigner, type Blocks, DATA_OPEN, type EnvelopeTail } from './envelope.js';
import {
  FAST_LEVEL,
  GZIP_MIN_BYTES,
  type GzipHead,
  acceptsGzip,
  gzipAnswer,
  gzipHead,
} from './gzipAnswer.js';
import type { ResponseCache } from './responseCache.js';

/** What answering needs of the node. Each node makes its own (server.ts); none is shared. */
export type AnswerComponents = {
  cache: ResponseCache;
  /** Bodies are written from reused buffers (see sendPooled): a page is often hundreds of KB. */
  answerBuffers: BufferPool;
  envelopeTail: EnvelopeTail;
  /** Signs each answer's data once (the node's delegate key): the envelope's signature. */
  answerSigner: AnswerSigner;
  version: string;
  /** The data chain's head and the last blocks indexed (read before a query runs). */
  blocks(): Blocks;
  /** Changes whenever a cached answer may be stale for reasons other than a new block. */
  epoch(): string;
};

/** A pool for answerBuffers: buffers of 16 KB to 2 MB, up to 64 MB of them kept. */
export function answerBufferPool(): BufferPool {
  return new BufferPool(16 * 1024, 2 * 1024 * 1024, 64 * 1024 * 1024);
}

/**
 * Answers with `{"data": …}` in the API v1 envelope (`compute` may give EncodedJson). `compute`
 * runs only when no cached answer of the current state exists; the block numbers are read before
 * it runs, so the state shown is never older than the block claimed. Answers of GZIP_MIN_BYTES or
 * more go gzip-compressed to clients that take it (browsers and fetch do): a 100-track page is
 * about 260 KB as JSON.
 */
export async function respond(
  components: AnswerComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<unknown>,
): Promise<FastifyReply> {
  const blocks = components.blocks();
  // Play counts move with the play log's block, not only the entity tables'.
  const generation = `${blocks.indexed}:${blocks.playsIndexed}:${components.epoch()}`;
  let answer = components.cache.get(request.url, generation);
  if (answer === undefined) {
    // The cache keeps UTF-8 bytes, not strings: encoding a long string on every answer cost more
    // than the rest of a cached answer.
    const data = await compute();
    answer = components.cache.answerOf(
      data instanceof EncodedJson ? data.parts : (JSON.stringify(data) ?? 'null'),
    );
    // Signed once per cached answer, not per request (not yet in the cache: its buffer is ours).
    answer.signed = await components.answerSigner.sign([answer.head]);
    components.cache.set(request.url, generation, answer);
  }
  const cached = answer;
  return sendAnswer(components, request, reply, [answer.head], answer.signed!, blocks, () =>
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
export async function respondJson(
  components: AnswerComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  json: Buffer,
  blocks: Blocks,
): Promise<FastifyReply> {
  const signed = await components.answerSigner.signJson(json);
  return sendAnswer(components, request, reply, [DATA_OPEN, json], signed, blocks, () =>
    // not kept: deflated once, fast
    gzipHead(Buffer.concat([DATA_OPEN, json]), FAST_LEVEL),
  );
}

/**
 * Sends `head` (`{"data":…`, in parts), its signature part (`signed`) and this answer's own
 * envelope tail: its blocks and version.
 */
function sendAnswer(
  components: AnswerComponents,
  request: FastifyRequest,
  reply: FastifyReply,
  head: Buffer[],
  signed: Buffer,
  blocks: Blocks,
  gzipOf: () => GzipHead,
): FastifyReply {
  const tail = components.envelopeTail.bytes(blocks);
  reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
  let size = 0;
  for (const part of head) size += part.length;
  if (size >= GZIP_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    reply.header('content-encoding', 'gzip');
    return sendPooled(
      reply,
      gzipAnswer(gzipOf(), Buffer.concat([signed, tail])),
      components.answerBuffers,
    );
  }
  return sendPooled(reply, [...head, signed, tail], components.answerBuffers);
}
