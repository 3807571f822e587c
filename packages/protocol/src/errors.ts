/** Options shared by every Coliving error. */
export type BaseErrorParameters = {
  /** The error that led to this one; kept for logs, never sent to clients. */
  cause?: unknown;
  /** Extra context for logs and developers (may name internals; never sent over HTTP). */
  details?: string;
  /** A more specific stable code than the class default, e.g. `invalid_hashid`. */
  code?: string;
};

/**
 * The root of every error Coliving code throws on purpose. `code` is stable and machine-readable;
 * `shortMessage` is the human sentence a client may see; `details` and `cause` are for logs.
 */
export class BaseError extends Error {
  override name = 'BaseError';
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;

  /** The code of errors of this class unless the thrower names a more specific one. */
  static readonly defaultCode: string = 'error';

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const message = parameters.details
      ? `${shortMessage}\n\nDetails: ${parameters.details}`
      : shortMessage;
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.code = parameters.code ?? new.target.defaultCode;
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }
}

/** Input that is malformed, of the wrong type, too large a value or otherwise refused. */
export class ValidationError extends BaseError {
  static override readonly defaultCode = 'validation_error';
  override name = 'ValidationError' as const;
}

/** The named thing does not exist (or is not visible to the caller). */
export class NotFoundError extends BaseError {
  static override readonly defaultCode = 'not_found';
  override name = 'NotFoundError' as const;
}

/** The caller did not prove who they are. */
export class UnauthorizedError extends BaseError {
  static override readonly defaultCode = 'unauthorized';
  override name = 'UnauthorizedError' as const;
}

/** The caller is known but may not do this (not the owner, no access to a gated track, ...). */
export class ForbiddenError extends BaseError {
  static override readonly defaultCode = 'forbidden';
  override name = 'ForbiddenError' as const;
}

/** A signature that is malformed, made by the wrong key, or too old. */
export class InvalidSignatureError extends BaseError {
  static override readonly defaultCode = 'invalid_signature';
  override name = 'InvalidSignatureError' as const;
}

/** The request clashes with existing state (an id or handle already taken, a reused nonce). */
export class ConflictError extends BaseError {
  static override readonly defaultCode = 'conflict';
  override name = 'ConflictError' as const;
}

/** A body or file over its size limit. */
export class PayloadTooLargeError extends BaseError {
  static override readonly defaultCode = 'payload_too_large';
  override name = 'PayloadTooLargeError' as const;
}

/** Well-formed input whose content cannot be processed (an upload that is not audio). */
export class UnprocessableError extends BaseError {
  static override readonly defaultCode = 'unprocessable';
  override name = 'UnprocessableError' as const;
}

/** A byte range that lies outside the resource; `size` is the resource's length. */
export class RangeNotSatisfiableError extends BaseError {
  static override readonly defaultCode = 'range_not_satisfiable';
  override name = 'RangeNotSatisfiableError' as const;
  readonly size: number;
  constructor(shortMessage: string, parameters: BaseErrorParameters & { size: number }) {
    super(shortMessage, parameters);
    this.size = parameters.size;
  }
}

/** Too many requests from one caller; `retryAfterSeconds` says when to come back. */
export class RateLimitedError extends BaseError {
  static override readonly defaultCode = 'rate_limited';
  override name = 'RateLimitedError' as const;
  readonly retryAfterSeconds: number;
  constructor(
    shortMessage: string,
    parameters: BaseErrorParameters & { retryAfterSeconds: number },
  ) {
    super(shortMessage, parameters);
    this.retryAfterSeconds = parameters.retryAfterSeconds;
  }
}

/** A dependency (a peer node, a chain RPC) failed or is unreachable. */
export class UnavailableError extends BaseError {
  static override readonly defaultCode = 'unavailable';
  override name = 'UnavailableError' as const;
}
