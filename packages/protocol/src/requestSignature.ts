import {
  type Address,
  type Hex,
  type LocalAccount,
  getAddress,
  isAddress,
  recoverMessageAddress,
} from 'viem';
import { InvalidSignatureError, UnauthorizedError } from './errors.js';
import { MAX_CLOCK_SKEW_MS } from './limits.js';

/** Headers that carry a wallet's signature of one HTTP request (uploads, node-to-node calls). */
export const REQUEST_SIGNATURE_HEADERS = {
  wallet: 'x-coliving-wallet',
  timestamp: 'x-coliving-timestamp',
  signature: 'x-coliving-signature',
} as const;

/**
 * The text a wallet signs (EIP-191 personal_sign) to authorize one request: the method, the path
 * (without query) and the time, so a signature cannot be moved to another route or reused later
 * than the allowed skew.
 */
export function requestSignatureMessage(method: string, path: string, timestamp: number): string {
  return `Coliving request\n${method.toUpperCase()} ${path.split('?')[0]}\n${timestamp}`;
}

export type SignRequestParameters = {
  account: Pick<LocalAccount, 'address' | 'signMessage'>;
  method: string;
  path: string;
  /** Milliseconds since the epoch; now by default. */
  timestamp?: number;
};

/** Signs a request; returns the headers to send with it. */
export async function signRequest({
  account,
  method,
  path,
  timestamp = Date.now(),
}: SignRequestParameters): Promise<Record<string, string>> {
  const signature = await account.signMessage({
    message: requestSignatureMessage(method, path, timestamp),
  });
  return {
    [REQUEST_SIGNATURE_HEADERS.wallet]: account.address,
    [REQUEST_SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [REQUEST_SIGNATURE_HEADERS.signature]: signature,
  };
}

export type VerifyRequestSignatureParameters = {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  path: string;
  now?: number;
  /** How far the signed time may be from now, either way. */
  maxSkewMs?: number;
};

function header(
  headers: VerifyRequestSignatureParameters['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Verifies a signed request and returns the wallet that signed it. Missing headers are an
 * UnauthorizedError; a malformed, stale or mismatched signature an InvalidSignatureError.
 */
export async function verifyRequestSignature({
  headers,
  method,
  path,
  now = Date.now(),
  maxSkewMs = MAX_CLOCK_SKEW_MS,
}: VerifyRequestSignatureParameters): Promise<Address> {
  const wallet = header(headers, REQUEST_SIGNATURE_HEADERS.wallet);
  const timestampText = header(headers, REQUEST_SIGNATURE_HEADERS.timestamp);
  const signature = header(headers, REQUEST_SIGNATURE_HEADERS.signature);
  if (!wallet || !timestampText || !signature) {
    throw new UnauthorizedError(
      `Sign the request: send ${Object.values(REQUEST_SIGNATURE_HEADERS).join(', ')}`,
      { code: 'signature_required' },
    );
  }
  if (
    !isAddress(wallet, { strict: false }) ||
    !/^\d{1,16}$/.test(timestampText) ||
    !/^0x[0-9a-fA-F]{130}$/.test(signature)
  ) {
    throw new InvalidSignatureError('Malformed request signature headers', {
      code: 'malformed_signature',
    });
  }
  const timestamp = Number(timestampText);
  if (Math.abs(now - timestamp) > maxSkewMs) {
    throw new InvalidSignatureError(
      'Request signature is too old or from the future; check the clock',
      {
        code: 'signature_expired',
      },
    );
  }
  let signer: Address;
  try {
    signer = await recoverMessageAddress({
      message: requestSignatureMessage(method, path, timestamp),
      signature: signature as Hex,
    });
  } catch (cause) {
    throw new InvalidSignatureError('Request signature cannot be recovered', {
      code: 'malformed_signature',
      cause,
    });
  }
  if (signer !== getAddress(wallet)) {
    throw new InvalidSignatureError('Request is not signed by the wallet it names', {
      code: 'wrong_signer',
    });
  }
  return signer;
}
