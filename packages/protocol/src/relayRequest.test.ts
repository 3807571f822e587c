import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManageEntityMessage } from './entityManager.js';
import { ValidationError } from './errors.js';
import { parseRelayRequest, toRelayRequest } from './relayRequest.js';

const message: ManageEntityMessage = {
  userId: BigInt(Number.MAX_SAFE_INTEGER),
  entityType: 'User',
  entityId: 9n,
  action: 'Follow',
  metadata: '',
  nonce: `0x${'11'.repeat(32)}`,
};
const signature = `0x${'22'.repeat(65)}` as const;

describe('relay requests', () => {
  it('round-trip through JSON without losing precision', () => {
    const body: unknown = JSON.parse(JSON.stringify(toRelayRequest(message, signature)));
    assert.deepEqual(parseRelayRequest(body), { message, signature });
  });

  it('lower-case the nonce and signature, so each has one spelling', () => {
    const body = toRelayRequest(
      { ...message, nonce: `0x${'AB'.repeat(32)}` },
      `0x${'CD'.repeat(65)}`,
    );
    const parsed = parseRelayRequest(body);
    assert.equal(parsed.message.nonce, `0x${'ab'.repeat(32)}`);
    assert.equal(parsed.signature, `0x${'cd'.repeat(65)}`);
  });

  it('refuse malformed bodies with every problem listed', () => {
    const good = toRelayRequest(message, signature);
    const bad: unknown[] = [
      null,
      'text',
      [],
      { ...good, userId: 5 },
      { ...good, userId: '05' },
      { ...good, userId: '-5' },
      { ...good, entityId: '1'.repeat(100) },
      { ...good, entityType: 'Comment' },
      { ...good, action: 'Delete' },
      { ...good, metadata: null },
      { ...good, nonce: '0x12' },
      { ...good, signature: 'nope' },
      { ...good, extra: true },
      { userId: '1' },
      // Valid uint256, but past the largest id a node can store and serve.
      { ...good, userId: String(2n ** 53n) },
      { ...good, entityId: String(2n ** 200n) },
    ];
    for (const body of bad) {
      assert.throws(() => parseRelayRequest(body), ValidationError, JSON.stringify(body));
    }
    assert.throws(
      () => parseRelayRequest({ ...good, nonce: '0x12', signature: 'nope' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        /nonce/.test(error.message) &&
        /signature/.test(error.message),
    );
  });
});
