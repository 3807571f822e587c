import { NotFoundError } from '@coliving/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FindHolder } from '../core/findHolder.js';

/** The query parameter a redirected request carries, so that it is never redirected again. */
export const HOP_PARAM = 'hop';

/**
 * Answers a request for a blob this node lacks (`missing`) with a 302 to a peer that holds it,
 * the same path and query (a stream signature names no node, so it travels as is) plus `hop=1`.
 * A request that already hopped, or a blob no peer has, is the 404.
 */
export async function redirectToHolder(
  findHolder: FindHolder,
  cid: string,
  request: FastifyRequest,
  reply: FastifyReply,
  missing: unknown,
): Promise<FastifyReply> {
  if (!(missing instanceof NotFoundError)) throw missing;
  if ((request.query as Record<string, unknown> | undefined)?.[HOP_PARAM] !== undefined)
    throw missing;
  const holder = await findHolder(cid);
  if (!holder) throw missing;
  const separator = request.url.includes('?') ? '&' : '?';
  return reply
    .header('cache-control', 'no-store')
    .redirect(`${holder}${request.url}${separator}${HOP_PARAM}=1`, 302);
}
