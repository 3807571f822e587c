import type { FastifyInstance } from 'fastify';
import { CORS_MAX_AGE_SECONDS } from './constants.js';

/** Headers a browser app may read from our answers (fetch hides all others cross-origin). */
const EXPOSED = ['content-range', 'accept-ranges', 'content-length', 'retry-after', 'x-request-id'];
/** What every answer carries so that a web app on any origin can read it, errors included. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': EXPOSED.join(', '),
};
/** Request headers a browser app may send: JSON bodies, byte ranges and our request signatures. */
const ALLOWED = [
  'content-type',
  'range',
  'x-request-id',
  'x-coliving-wallet',
  'x-coliving-timestamp',
  'x-coliving-signature',
  'x-coliving-content-sha256',
];

/**
 * Lets web apps on any origin call the node, as the network is meant to be used: the player at
 * one address talks to nodes at many. Nothing rides on cookies, so `*` gives no one else's
 * session away. Every answer carries the headers, errors and 404s included (set in onSend, after
 * the error handler has cleared what the failed handler set), and any preflight gets a 204.
 */
export function registerCors(app: FastifyInstance): void {
  const exposed = EXPOSED.join(', ');
  // A callback hook, not an async one: it runs on every answer, streams included, and a
  // promise per request is measurable on the stream route.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', exposed);
    done(null, payload);
  });
  app.options('*', async (_request, reply) => {
    return reply
      .status(204)
      .header('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', ALLOWED.join(', '))
      .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
      .send();
  });
}
