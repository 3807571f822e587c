import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type Address,
  type Hex,
  type LocalAccount,
  getAddress,
  isAddress,
  recoverMessageAddress,
} from 'viem';
import {
  ConflictError,
  InvalidSignatureError,
  RateLimitedError,
  UnauthorizedError,
} from './errors.js';
import { sha256DigestOfCid } from './cid.js';
import { MAX_CLOCK_SKEW_MS } from './limits.js';

/** Headers that carry a wallet's signature of one HTTP request (uploads, node-to-node calls). */
export const REQUEST_SIGNATURE_HEADERS = {
  wallet: 'x-coliving-wallet',
  timestamp: 'x-coliving-timestamp',
  signature: 'x-coliving-signature',
  /**
   * What the request carries, signed with it: the sha-256 (64 lowercase hex digits) of the raw
   * body, or for a streamed body the digests its route checks as it arrives (docs/protocol.md).
   */
  content: 'x-coliving-content-sha256',
} as const;

/** The sha-256 of a request body as 64 lowercase hex digits (an absent body is empty bytes). */
export function contentSha256Of(body: Uint8Array | string = new Uint8Array()): string {
  return bytesToHex(sha256(typeof body === 'string' ? utf8ToBytes(body) : body));
}

/**
 * The content digest of a blob named by its CID (a blob push is signed for it, and the receiver
 * checks the streamed bytes against the CID).
 */
export function contentSha256OfCid(cid: string): string {
  return bytesToHex(sha256DigestOfCid(cid));
}

/** One digest, or a comma-separated list of at most 10 (one per file of a multipart upload). */
const CONTENT = /^[0-9a-f]{64}(?:,[0-9a-f]{64}){0,9}$/;

/**
 * The text a wallet signs (EIP-191 personal_sign) to authorize one request: the method, the path
 * (without query), the time and what the body is, so a signature cannot be moved to another
 * route or body, nor reused later than the allowed skew.
 */
export function requestSignatureMessage(
  method: string,
  path: string,
  timestamp: number,
  content: string,
): string {
  return `Coliving request\n${method.toUpperCase()} ${path.split('?')[0]}\n${timestamp}\n${content}`;
}

export type SignRequestParameters = {
  account: Pick<LocalAccount, 'address' | 'signMessage'>;
  method: string;
  path: string;
  /** The raw body as sent (none for GET, HEAD and bodiless requests). */
  body?: Uint8Array | string;
  /**
   * Instead of `body`, for a body that is streamed: the sha-256 hex digest(s) its route checks
   * (a blob's own digest for a blob push, each file's for a multipart upload).
   */
  content?: string;
  /** Milliseconds since the epoch; now by default. */
  timestamp?: number;
};

/** Signs a request; returns the headers to send with it. */
export async function signRequest({
  account,
  method,
  path,
  body,
  content = contentSha256Of(body),
  timestamp = Date.now(),
}: SignRequestParameters): Promise<Record<string, string>> {
  const signature = await account.signMessage({
    message: requestSignatureMessage(method, path, timestamp, content),
  });
  return {
    [REQUEST_SIGNATURE_HEADERS.wallet]: account.address,
    [REQUEST_SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [REQUEST_SIGNATURE_HEADERS.content]: content,
    [REQUEST_SIGNATURE_HEADERS.signature]: signature,
  };
}

/** What a verified request signature proves. */
export type VerifiedRequest = {
  /** The wallet that signed (checksummed). */
  wallet: Address;
  /** The signed content digest(s); the caller checks the body against them. */
  content: string;
  /**
   * What names this request for ReplayCache: the signer and the digest of the signed text, not
   * the signature's bytes, which a replayer could reshape (ECDSA's s and n - s both verify).
   */
  replayKey: string;
  /** When the signature stops being accepted (its time plus the skew), ms since the epoch. */
  expiresAt: number;
};

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
 * Verifies a signed request and returns what it proves; the caller still checks the body against
 * `content` and refuses a signature seen before (ReplayCache). Missing headers are an
 * UnauthorizedError; a malformed, stale or mismatched signature an InvalidSignatureError.
 */
export async function verifyRequestSignature({
  headers,
  method,
  path,
  now = Date.now(),
  maxSkewMs = MAX_CLOCK_SKEW_MS,
}: VerifyRequestSignatureParameters): Promise<VerifiedRequest> {
  const wallet = header(headers, REQUEST_SIGNATURE_HEADERS.wallet);
  const timestampText = header(headers, REQUEST_SIGNATURE_HEADERS.timestamp);
  const signature = header(headers, REQUEST_SIGNATURE_HEADERS.signature);
  const content = header(headers, REQUEST_SIGNATURE_HEADERS.content);
  if (!wallet || !timestampText || !signature || !content) {
    throw new UnauthorizedError(
      `Sign the request: send ${Object.values(REQUEST_SIGNATURE_HEADERS).join(', ')}`,
      { code: 'signature_required' },
    );
  }
  if (
    !isAddress(wallet, { strict: false }) ||
    !/^\d{1,16}$/.test(timestampText) ||
    !/^0x[0-9a-fA-F]{130}$/.test(signature) ||
    !CONTENT.test(content)
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
  const message = requestSignatureMessage(method, path, timestamp, content);
  let signer: Address;
  try {
    signer = await recoverMessageAddress({
      message,
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
  return {
    wallet: signer,
    content,
    replayKey: `${signer}:${contentSha256Of(message)}`,
    expiresAt: timestamp + maxSkewMs,
  };
}

/** Refuses a body that is not the one signed (`content` holds one digest). */
export function verifyRequestContent(verified: VerifiedRequest, body?: Uint8Array | string): void {
  if (verified.content !== contentSha256Of(body)) {
    throw new InvalidSignatureError('The request body is not the one signed', {
      code: 'wrong_content',
    });
  }
}

export type ReplayCacheInit = {
  /** Signatures remembered at most; past it new requests are refused until old ones expire. */
  maxEntries?: number;
  now?: () => number;
};

/**
 * The request signatures one node has accepted, each until it expires: a signature is good for
 * one request per node. Bounded, so a flood of valid signatures costs memory only up to
 * `maxEntries`, and then refuses (429) rather than forgetting one still valid.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private sweptAt = 0;

  constructor({ maxEntries = 100_000, now = Date.now }: ReplayCacheInit = {}) {
    this.maxEntries = maxEntries;
    this.now = now;
  }

  /** Records a verified signature; ConflictError `signature_replayed` when it was seen before. */
  take(verified: Pick<VerifiedRequest, 'replayKey' | 'expiresAt'>): void {
    const now = this.now();
    const known = this.seen.get(verified.replayKey);
    // An expired entry is not a replay: verifyRequestSignature already refuses its time.
    if (known !== undefined && known >= now) {
      throw new ConflictError('This request signature was used before: sign each request anew', {
        code: 'signature_replayed',
      });
    }
    // A full sweep at most once a second, so a flood while full costs no scan per request.
    if (this.seen.size >= this.maxEntries && now - this.sweptAt >= 1000) {
      this.sweptAt = now;
      for (const [key, expiresAt] of this.seen) {
        if (expiresAt < now) this.seen.delete(key);
      }
    }
    if (this.seen.size >= this.maxEntries) {
      throw new RateLimitedError('Too many signed requests in flight; retry shortly', {
        code: 'replay_cache_full',
        retryAfterSeconds: 10,
      });
    }
    this.seen.set(verified.replayKey, verified.expiresAt);
  }

  /** Signatures remembered now (expired ones included until the next sweep). */
  get size(): number {
    return this.seen.size;
  }
}
