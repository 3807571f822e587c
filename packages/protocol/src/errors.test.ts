import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
} from './errors.js';

describe('errors', () => {
  it('each domain error has its name and stable default code', () => {
    const cases: [BaseError, string, string][] = [
      [new ValidationError('m'), 'ValidationError', 'validation_error'],
      [new NotFoundError('m'), 'NotFoundError', 'not_found'],
      [new UnauthorizedError('m'), 'UnauthorizedError', 'unauthorized'],
      [new ForbiddenError('m'), 'ForbiddenError', 'forbidden'],
      [new InvalidSignatureError('m'), 'InvalidSignatureError', 'invalid_signature'],
      [new ConflictError('m'), 'ConflictError', 'conflict'],
      [new PayloadTooLargeError('m'), 'PayloadTooLargeError', 'payload_too_large'],
      [
        new RangeNotSatisfiableError('m', { size: 1 }),
        'RangeNotSatisfiableError',
        'range_not_satisfiable',
      ],
      [new UnprocessableError('m'), 'UnprocessableError', 'unprocessable'],
      [new RateLimitedError('m', { retryAfterSeconds: 3 }), 'RateLimitedError', 'rate_limited'],
      [new UnavailableError('m'), 'UnavailableError', 'unavailable'],
    ];
    for (const [error, name, code] of cases) {
      assert.ok(error instanceof BaseError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.shortMessage, 'm');
    }
  });

  it('keeps a specific code, details and cause', () => {
    const cause = new Error('disk');
    const error = new ValidationError('Bad id', { code: 'invalid_id', details: 'got "x"', cause });
    assert.equal(error.code, 'invalid_id');
    assert.equal(error.shortMessage, 'Bad id');
    assert.equal(error.message, 'Bad id\n\nDetails: got "x"');
    assert.equal(error.cause, cause);
    assert.equal(new RateLimitedError('slow down', { retryAfterSeconds: 7 }).retryAfterSeconds, 7);
  });
});
