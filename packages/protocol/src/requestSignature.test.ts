import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privateKeyToAccount } from 'viem/accounts';
import { InvalidSignatureError, UnauthorizedError } from './errors.js';
import {
  REQUEST_SIGNATURE_HEADERS as H,
  signRequest,
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
    assert.equal(
      await verifyRequestSignature({
        headers,
        method: 'POST',
        path: '/uploads?x=1',
        now: NOW + 1000,
      }),
      landlord.address,
    );
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
});
