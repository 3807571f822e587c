import type { FastifyInstance } from 'fastify';
import { toHttpError } from './httpError.js';

/** Installs the one error handler and the JSON 404 for unknown routes. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const http = toHttpError(error);
    if (http.log) request.log.error({ err: error }, 'request failed');
    // Headers a handler set before it failed (content-range, long cache lifetimes, …) describe
    // the response it meant to send, not this error; an error is never cached.
    for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
    return reply
      .status(http.statusCode)
      .headers({ ...http.headers, 'cache-control': 'no-store' })
      .send(http.body);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: `No route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
      },
    });
  });
}
