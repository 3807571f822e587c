import {
  BaseError,
  ConflictError,
  ForbiddenError,
  InvalidSignatureError,
  NotFoundError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from '@coliving/protocol';

/** The JSON body of every error response (STYLE.md). */
export type ErrorBody = { error: { code: string; message: string } };

/** What an error becomes on the wire. `log` says whether the error deserves a log line with its cause. */
export type HttpError = {
  statusCode: number;
  body: ErrorBody;
  headers: Record<string, string>;
  log: boolean;
};

// Order matters only where classes inherit; ours are siblings under BaseError.
const STATUS_BY_CLASS: [abstract new (...args: never[]) => BaseError, number][] = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [InvalidSignatureError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [RangeNotSatisfiableError, 416],
  [UnprocessableError, 422],
  [RateLimitedError, 429],
  [UnavailableError, 503],
];

// Fastify's own client errors, by code: their messages say what was wrong with the request
// and hold nothing internal, so they pass through with a stable code of ours.
const FASTIFY_CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_error',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Codes for other 4xx errors raised by fastify or its plugins (`FST_*` codes), by status. */
const CODE_BY_STATUS: Record<number, string> = {
  404: 'not_found',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function body(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

type MaybeFastifyError = { code?: unknown; statusCode?: unknown; message?: unknown };

/**
 * Maps any thrown value to its HTTP response. This is the one place where domain errors meet
 * HTTP: domain code throws `ValidationError`, `NotFoundError`, … and never picks a status.
 * Unknown errors become a generic 500 whose body says nothing about the cause.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof BaseError) {
    const match = STATUS_BY_CLASS.find(([cls]) => error instanceof cls);
    if (match) {
      const headers: Record<string, string> = {};
      // RFC 9110: a 416 says how long the resource is.
      if (error instanceof RangeNotSatisfiableError)
        headers['content-range'] = `bytes */${error.size}`;
      if (error instanceof RateLimitedError) {
        const seconds = Math.ceil(error.retryAfterSeconds);
        headers['retry-after'] = String(Number.isFinite(seconds) && seconds > 1 ? seconds : 1);
      }
      // 503s are logged: a dependency is failing and operators should see why.
      return {
        statusCode: match[1],
        body: body(error.code, error.shortMessage),
        headers,
        log: match[1] >= 500,
      };
    }
  }
  if (typeof error === 'object' && error !== null) {
    const e = error as MaybeFastifyError;
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    if (typeof e.code === 'string' && e.code.startsWith('FST_') && typeof e.message === 'string') {
      const known = FASTIFY_CLIENT_ERRORS[e.code];
      if (known)
        return {
          statusCode: status && status >= 400 && status < 500 ? status : 400,
          body: body(known, e.message),
          headers: {},
          log: false,
        };
      // Any other fastify or plugin client error (multipart limits, …) keeps its 4xx status.
      if (status && status >= 400 && status < 500) {
        return {
          statusCode: status,
          body: body(CODE_BY_STATUS[status] ?? 'bad_request', e.message),
          headers: {},
          log: false,
        };
      }
    }
  }
  return {
    statusCode: 500,
    body: body('internal_error', 'Internal server error'),
    headers: {},
    log: true,
  };
}
