import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '@coliving/protocol';
import {
  ColivingSdkError,
  describeRefusal,
  errorFromResponse,
  errorTypeOfStatus,
  isColivingSdkError,
  isFailoverError,
  toColivingSdkError,
} from './errors.js';

describe('error mapping', () => {
  it('maps every status a node answers to a type', () => {
    const expected: [number, string][] = [
      [400, 'invalid_input'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [409, 'conflict'],
      [413, 'invalid_input'],
      [422, 'invalid_input'],
      [429, 'rate_limited'],
      [500, 'server'],
      [503, 'server'],
      [418, 'unknown'],
    ];
    assert.deepEqual(
      expected.map(([status]) => [status, errorTypeOfStatus(status)]),
      expected,
    );
  });

  it('keeps the node code and message, and leaves the query out of the URL', () => {
    const error = errorFromResponse(
      404,
      { error: { code: 'track_not_found', message: 'Track 7eP5n not found' } },
      'http://dn.test/v1/tracks/7eP5n?api_key=secret',
    );
    assert.ok(error instanceof ColivingSdkError);
    assert.equal(error.name, 'ColivingSdkError');
    assert.equal(error.type, 'not_found');
    assert.equal(error.status, 404);
    assert.equal(error.code, 'track_not_found');
    assert.equal(error.message, 'Track 7eP5n not found');
    assert.equal(error.url, 'http://dn.test/v1/tracks/7eP5n');
  });

  it('reads Retry-After on a 429 and survives a body that is not an error', () => {
    const limited = errorFromResponse(429, null, 'http://dn.test/relay', '42');
    assert.equal(limited.type, 'rate_limited');
    assert.equal(limited.retryAfterSeconds, 42);
    const bare = errorFromResponse(502, 'Bad gateway', 'http://dn.test/x');
    assert.equal(bare.type, 'server');
    assert.equal(bare.code, undefined);
    assert.equal(bare.message, 'The node answered HTTP 502');
  });

  it("turns fetch's TypeError, aborts and timeouts into typed errors", () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const network = toColivingSdkError(refused, 'http://dn.test/health_check?x=1');
    assert.equal(network.type, 'network');
    assert.equal(network.message, 'Could not reach http://dn.test/health_check (ECONNREFUSED)');
    assert.equal(network.cause, refused);
    const abort = new DOMException('This operation was aborted', 'AbortError');
    assert.equal(toColivingSdkError(abort, 'http://dn.test/').type, 'aborted');
    const timeout = new DOMException('The operation timed out', 'TimeoutError');
    assert.equal(toColivingSdkError(timeout, 'http://dn.test/').type, 'timeout');
  });

  it('maps protocol validation to invalid_input and passes its own errors through', () => {
    const invalid = toColivingSdkError(new ValidationError('bad id', { code: 'invalid_id' }));
    assert.equal(invalid.type, 'invalid_input');
    assert.equal(invalid.code, 'invalid_id');
    const own = new ColivingSdkError('conflict', 'taken');
    assert.equal(toColivingSdkError(own), own);
    assert.equal(toColivingSdkError(new Error('boom')).type, 'unknown');
    assert.equal(toColivingSdkError('a string').message, 'a string');
  });

  it('fails over on network, timeout and 5xx only', () => {
    assert.equal(isFailoverError(new ColivingSdkError('network', 'x')), true);
    assert.equal(isFailoverError(new ColivingSdkError('timeout', 'x')), true);
    assert.equal(isFailoverError(new ColivingSdkError('server', 'x')), true);
    assert.equal(isFailoverError(new ColivingSdkError('not_found', 'x')), false);
    assert.equal(isFailoverError(new Error('x')), false);
    assert.equal(isColivingSdkError(new ColivingSdkError('not_found', 'x'), 'not_found'), true);
    assert.equal(isColivingSdkError(new ColivingSdkError('not_found', 'x'), 'server'), false);
  });

  it('words every relay refusal for a person, with the wait of a limit', () => {
    // The discovery node's skip codes (core/entityRules.ts) and its relay's limits.
    const codes = [
      'unknown_user',
      'wrong_signer',
      'user_deactivated',
      'id_mismatch',
      'id_taken',
      'wallet_has_user',
      'handle_reserved',
      'handle_taken',
      'not_owner',
      'self_follow',
      'unknown_target',
      'unknown_track',
      'unknown_playlist',
      'deleted',
      'target_deleted',
      'no_op',
      'album_foreign_track',
      'album_needs_tracks',
      'no_grant',
      'grant_revoked',
      'grant_not_approved',
      'grantee_forbidden',
      'app_deleted',
      'invalid_app_signature',
      'app_exists',
      'unknown_app',
      'self_grant',
      'unknown_grantee',
      'unknown_grant',
      'ip_signups_limited',
      'wallet_signups_limited',
      'rate_limited',
    ];
    for (const code of codes) {
      const sentence = describeRefusal({ code });
      assert.ok(sentence && !/\d|0x|_/.test(sentence), `${code}: ${sentence}`);
    }
    const limited = errorFromResponse(
      429,
      {
        error: {
          code: 'ip_signups_limited',
          message: 'Too many accounts were created from this network in the last hour',
        },
      },
      'http://dn.test/relay',
      '3420',
    );
    assert.equal(
      describeRefusal(limited),
      'Too many accounts were created from your network recently. Try again in about 57 minutes.',
    );
    assert.equal(
      describeRefusal({ code: 'rate_limited', retryAfterSeconds: 50 }),
      'You are doing that too often. Try again in about a minute.',
    );
    assert.equal(describeRefusal({ code: 'track_not_found' }), undefined);
    assert.equal(describeRefusal({}), undefined);
  });
});
