import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privateKeyToAccount } from 'viem/accounts';
import { cidFromBytes } from './cid.js';
import {
  ConflictError,
  InvalidSignatureError,
  RateLimitedError,
  UnauthorizedError,
} from './errors.js';
import {
  REQUEST_SIGNATURE_HEADERS as H,
  ReplayCache,
  contentSha256Of,
  contentSha256OfCid,
  signRequest,
  verifyRequestContent,
  verifyRequestSignature,
} from './requestSignature.js';

const landlord = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const other = privateKeyToAccount(
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
);
const NOW = 1_764_000_000_000;

function rejectsWith(
  promise: Promise<unknown>,
  cls: typeof InvalidSignatureError | typeof UnauthorizedError,
  code: string,
) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof cls, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

describe('request signatures', () => {
  it('verify to the signing wallet for the same method and path', async () => {
    const headers = await signRequest({
      account: landlord,
      method: 'post',
      path: '/uploads',
      timestamp: NOW,
    });
    const verified = await verifyRequestSignature({
      headers,
      method: 'POST',
      path: '/uploads?x=1',
      now: NOW + 1000,
    });
    assert.equal(verified.wallet, landlord.address);
    // No body is the empty body, and the signature is accepted until its time plus the skew.
    assert.equal(verified.content, contentSha256Of(new Uint8Array()));
    assert.equal(verified.expiresAt, NOW + 5 * 60_000);
  });

  it('refuse another route, another method, or a stale or future time', async () => {
    const headers = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/uploads',
      timestamp: NOW,
    });
    await rejectsWith(
      verifyRequestSignature({ headers, method: 'POST', path: '/authentication', now: NOW }),
      InvalidSignatureError,
      'wrong_signer',
    );
    await rejectsWith(
      verifyRequestSignature({ headers, method: 'DELETE', path: '/uploads', now: NOW }),
      InvalidSignatureError,
      'wrong_signer',
    );
    await rejectsWith(
      verifyRequestSignature({
        headers,
        method: 'POST',
        path: '/uploads',
        now: NOW + 5 * 60_000 + 1,
      }),
      InvalidSignatureError,
      'signature_expired',
    );
    await rejectsWith(
      verifyRequestSignature({
        headers,
        method: 'POST',
        path: '/uploads',
        now: NOW - 5 * 60_000 - 1,
      }),
      InvalidSignatureError,
      'signature_expired',
    );
  });

  it('refuse a signature by another key than the wallet named', async () => {
    const headers = await signRequest({
      account: other,
      method: 'POST',
      path: '/uploads',
      timestamp: NOW,
    });
    headers[H.wallet] = landlord.address;
    await rejectsWith(
      verifyRequestSignature({ headers, method: 'POST', path: '/uploads', now: NOW }),
      InvalidSignatureError,
      'wrong_signer',
    );
  });

  it('ask for a signature when headers are missing, and refuse malformed ones', async () => {
    await rejectsWith(
      verifyRequestSignature({ headers: {}, method: 'POST', path: '/uploads', now: NOW }),
      UnauthorizedError,
      'signature_required',
    );
    const good = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/uploads',
      timestamp: NOW,
    });
    for (const [name, value] of [
      [H.content, 'abc'],
      [H.content, contentSha256Of('x').toUpperCase()],
      [H.wallet, 'not-an-address'],
      [H.timestamp, '12.5'],
      [H.timestamp, '1'.repeat(40)],
      [H.signature, '0x1234'],
    ] as const) {
      await rejectsWith(
        verifyRequestSignature({
          headers: { ...good, [name]: value },
          method: 'POST',
          path: '/uploads',
          now: NOW,
        }),
        InvalidSignatureError,
        'malformed_signature',
      );
    }
    // Repeated headers arrive as arrays: not a signature.
    await rejectsWith(
      verifyRequestSignature({
        headers: { ...good, [H.signature]: [good[H.signature]!, good[H.signature]!] },
        method: 'POST',
        path: '/uploads',
        now: NOW,
      }),
      UnauthorizedError,
      'signature_required',
    );
  });

  it('bind the body: another body, or another digest in the header, is refused', async () => {
    const body = JSON.stringify({ lookupKey: 'a'.repeat(64), deleted: true });
    const headers = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/internal/authentication',
      body,
      timestamp: NOW,
    });
    assert.equal(headers[H.content], contentSha256Of(new TextEncoder().encode(body)));
    const verify = (h: Record<string, string>) =>
      verifyRequestSignature({
        headers: h,
        method: 'POST',
        path: '/internal/authentication',
        now: NOW,
      });
    const verified = await verify(headers);
    verifyRequestContent(verified, body);
    assert.throws(
      () => verifyRequestContent(verified, body.replace('true', 'false')),
      (error: unknown) => error instanceof InvalidSignatureError && error.code === 'wrong_content',
    );
    // Naming the other body's digest in the header breaks the signature instead.
    await rejectsWith(
      verify({ ...headers, [H.content]: contentSha256Of('{}') }),
      InvalidSignatureError,
      'wrong_signer',
    );
    // A streamed blob is signed for its CID's digest: the same as hashing its bytes.
    const bytes = new TextEncoder().encode('hello blob');
    assert.equal(contentSha256OfCid(await cidFromBytes(bytes)), contentSha256Of(bytes));
  });
});

describe('the replay cache', () => {
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

  /** The same signature with s as n - s (and the other recovery bit): ECDSA verifies both. */
  function malleate(signature: string): string {
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = signature.slice(130) === '1b' ? '1c' : '1b';
    return `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}${v}`;
  }

  it('takes a signature once until it expires, however its bytes are reshaped', async () => {
    let now = NOW;
    const cache = new ReplayCache({ now: () => now });
    const headers = await signRequest({
      account: landlord,
      method: 'GET',
      path: '/internal/uploads',
      timestamp: NOW,
    });
    const verify = (h: Record<string, string>) =>
      verifyRequestSignature({ headers: h, method: 'GET', path: '/internal/uploads', now });
    const replayed = (error: unknown) =>
      error instanceof ConflictError && error.code === 'signature_replayed';
    cache.take(await verify(headers));
    const again = await verify(headers);
    assert.throws(() => cache.take(again), replayed);
    // The other valid form of the same signature names the same request.
    const reshaped = { ...headers, [H.signature]: malleate(headers[H.signature]!) };
    let sameRequest: Awaited<ReturnType<typeof verify>> | undefined;
    try {
      sameRequest = await verify(reshaped);
    } catch (error) {
      assert.ok(error instanceof InvalidSignatureError, String(error));
    }
    if (sameRequest) assert.throws(() => cache.take(sameRequest), replayed);
    // Another request of the same wallet is another entry.
    cache.take(
      await verify(
        await signRequest({
          account: landlord,
          method: 'GET',
          path: '/internal/uploads',
          timestamp: NOW + 1,
        }),
      ),
    );
    assert.equal(cache.size, 2);
    // Once expired, verifyRequestSignature refuses its time; the cache no longer counts it.
    now = NOW + 5 * 60_000 + 1;
    cache.take(again);
  });

  it('refuses new signatures with 429 while full of valid ones, then sweeps expired ones', () => {
    let now = NOW;
    const cache = new ReplayCache({ maxEntries: 2, now: () => now });
    cache.take({ replayKey: 'a', expiresAt: NOW + 1000 });
    cache.take({ replayKey: 'b', expiresAt: NOW + 5000 });
    assert.throws(
      () => cache.take({ replayKey: 'c', expiresAt: NOW + 5000 }),
      (error: unknown) => error instanceof RateLimitedError && error.code === 'replay_cache_full',
    );
    now = NOW + 2000;
    cache.take({ replayKey: 'c', expiresAt: NOW + 5000 });
    assert.equal(cache.size, 2);
    assert.throws(() => cache.take({ replayKey: 'b', expiresAt: NOW + 5000 }), ConflictError);
  });
});
