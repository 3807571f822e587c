import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import AjvCompiler from '@fastify/ajv-compiler';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { Logger } from 'pino';
import {
  CONNECTION_TIMEOUT_MS,
  DEFAULT_BODY_LIMIT,
  REQUEST_ID_PATTERN,
  REQUEST_TIMEOUT_MS,
} from './constants.js';
import { toHttpError } from './httpError.js';
import { CORS_HEADERS, registerCors } from './registerCors.js';
import { registerErrorHandlers } from './registerErrorHandlers.js';
import { answerClientError, registerServerRefusals } from './registerServerRefusals.js';

export type CreateAppParameters = {
  /** A pino logger (see createLogger), or false for none. */
  logger: Logger | false;
  /** Largest request body in bytes for routes that do not set their own `bodyLimit`. */
  bodyLimit?: number;
  /**
   * Trust X-Forwarded-* from a reverse proxy in front of the node: true for any, or the proxies'
   * addresses or CIDRs (comma-separated, as fastify takes them). False by default.
   */
  trustProxy?: boolean | string;
  /** Longest time a whole request may take to arrive, in ms. */
  requestTimeout?: number;
  /** A lane one hot route may answer in before fastify routes the request (see FastLane). */
  fastLane?: FastLane;
};

/**
 * A way for one hot route to answer its common case without the framework's per-request work
 * (routing, hooks, reply objects): `take` either answers the request completely and resolves
 * true, or resolves false having written nothing, and fastify handles the request as if the lane
 * did not exist (so its route stays the whole route: errors, redirects, HEAD, everything rarer).
 * A lane that throws before writing is the same as false. While the app closes, every request
 * goes to fastify (which refuses it). Set `take` once the route's parts exist.
 * The content node's stream route uses it (bench:stream; bench/RESULTS.md says why).
 */
export type FastLane = {
  take?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
};

type RouteValidatorContext = { httpPart?: string };
type Compile = (context: RouteValidatorContext) => unknown;
type BuildValidator = (externalSchemas: unknown, options: { customOptions: object }) => Compile;

/**
 * Builds schema validators with three Ajv configurations. Query strings, params and headers are
 * text, so they are coerced to the schema's types (`?limit=10` is a number, a repeated key an
 * array). Bodies are JSON and keep their types: `{"limit": "10"}` for a number is a 400, not a
 * silent conversion, and a body's undeclared property is refused where its schema says
 * `additionalProperties: false` (signed writes are exact). A query string's undeclared parameter
 * is dropped instead, as Audius ignores parameters it does not know (clients send `?isrc=`,
 * `?omit_tracks=` …); a declared one with a bad value is still a 400. Params and headers keep
 * the strict rule.
 */
function splitValidatorFactory(): BuildValidator {
  const build = AjvCompiler() as unknown as BuildValidator;
  const base = { removeAdditional: false, useDefaults: true, allErrors: false };
  return (externalSchemas, options) => {
    const body = build(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, ...base, coerceTypes: false },
    });
    const text = build(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, ...base, coerceTypes: 'array' },
    });
    const query = build(externalSchemas, {
      ...options,
      customOptions: {
        ...options.customOptions,
        ...base,
        coerceTypes: 'array',
        removeAdditional: true,
      },
    });
    return (context) =>
      context.httpPart === 'body'
        ? body(context)
        : context.httpPart === 'querystring'
          ? query(context)
          : text(context);
  };
}

/**
 * A fastify 5 app with the house defaults: the one JSON error handler, JSON 404s, a body limit,
 * request ids, schema validation (strict but for unknown query parameters, which are dropped), and CORS open to web apps on any origin. Every refusal,
 * including those made before any route runs, answers `{"error": {"code", "message"}}`.
 */
export function createApp({
  logger,
  bodyLimit = DEFAULT_BODY_LIMIT,
  trustProxy = false,
  requestTimeout = REQUEST_TIMEOUT_MS,
  fastLane,
}: CreateAppParameters): FastifyInstance {
  let closing = false;
  const options: FastifyServerOptions = {
    bodyLimit,
    trustProxy,
    requestTimeout,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    // A client's x-request-id is kept only when it is short and plain; otherwise we make one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    // What Node's HTTP parser refuses (control bytes, an oversized URL or header section, a
    // request too slow to arrive) gets the house error body too (registerServerRefusals.ts).
    clientErrorHandler: answerClientError,
    // Errors fastify raises before routing (a malformed URL, an over-long path parameter) get the
    // house error body too. No onSend hook runs for them, so they carry CORS headers here.
    frameworkErrors: (error, _request, reply) => {
      const http = toHttpError(error);
      void (reply as unknown as FastifyReply)
        .status(http.statusCode)
        .headers({ ...http.headers, ...CORS_HEADERS, 'cache-control': 'no-store' })
        .send(http.body);
    },
    // fastify's drain-time 503 has its own body shape; registerServerRefusals answers ours.
    return503OnClosing: false,
    // fastify's types describe this builder loosely; ours matches what fastify calls at runtime.
    schemaController: { compilersFactory: { buildValidator: splitValidatorFactory() as never } },
    ...(fastLane
      ? {
          // The server fastify would make (same timeouts), with the lane in front of it.
          serverFactory: (handler, settings) => {
            const { keepAliveTimeout } = settings as { keepAliveTimeout?: number };
            // What the lane did not answer goes to fastify (a lane that failed after writing
            // has broken its answer: the connection is closed). No closure per request.
            const toFastify = (request: IncomingMessage, response: ServerResponse) => {
              if (!response.headersSent) handler(request, response);
              else response.destroy();
            };
            const server = createServer((request, response) => {
              const take = closing ? undefined : fastLane.take;
              if (!take) return handler(request, response);
              let taken: boolean | Promise<boolean>;
              try {
                taken = take(request, response);
              } catch {
                return toFastify(request, response);
              }
              if (taken === true) return;
              if (taken === false) return handler(request, response);
              taken.then(
                (done) => {
                  if (!done) toFastify(request, response);
                },
                () => toFastify(request, response),
              );
            });
            if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
            server.requestTimeout = requestTimeout;
            server.setTimeout(CONNECTION_TIMEOUT_MS);
            return server;
          },
        }
      : {}),
  };
  const app = Fastify({
    ...options,
    ...(logger ? { loggerInstance: logger } : { logger: false }),
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  registerErrorHandlers(app);
  registerCors(app);
  registerServerRefusals(app);
  return app;
}
