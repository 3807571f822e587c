import {
  type Address,
  type Hex,
  type LocalAccount,
  keccak256,
  recoverMessageAddress,
  toBytes,
} from 'viem';
import { z } from 'zod';
import { canonicalJson, isCanonicalJson } from './canonicalJson.js';
import { isCid } from './cid.js';
import { InvalidSignatureError } from './errors.js';
import { MAX_CLOCK_SKEW_MS, MAX_ENTITY_ID, STREAM_SIGNATURE_MAX_AGE_MS } from './limits.js';
import { formatIssues } from './validate.js';

/** What a discovery node signs to let a content node serve one stream (docs/design.md §8). */
export type StreamSignatureData = {
  cid: string;
  /** Milliseconds since the epoch when the discovery node signed. */
  timestamp: number;
  trackId: number;
  /** The listener, when known. */
  userId?: number;
  shouldCache: boolean;
  /**
   * Milliseconds since the epoch after which content nodes refuse the signature; set for gated
   * tracks (minutes). Without it a signature lives STREAM_SIGNATURE_MAX_AGE_MS (48 h).
   */
  expiresAt?: number;
  /**
   * Set (always `true`) when the stream is not a listen: a preview, or a request with
   * `skip_play_count=true`. Content nodes journal no play for it (docs/design.md §11).
   */
  skipPlayCount?: boolean;
};

/** The `signature` query parameter of `/tracks/cidstream/:cid`, before URL encoding. */
export type StreamSignature = { data: string; signature: Hex };

const entityId = z.int().min(1).max(MAX_ENTITY_ID);
const dataSchema = z.strictObject({
  cid: z.string().refine(isCid, 'must be a CIDv1 raw sha2-256'),
  timestamp: z.int().min(0),
  trackId: entityId,
  userId: entityId.optional(),
  shouldCache: z.boolean(),
  expiresAt: z.int().min(0).optional(),
  skipPlayCount: z.boolean().optional(),
});
const paramSchema = z.strictObject({
  data: z.string().max(1024),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be 65 bytes of 0x-prefixed hex'),
});

/** The longest signature parameter we read; a real one is about 400 characters. */
const MAX_PARAM_LENGTH = 2048;

/** The bytes a stream signature signs: keccak256 of the canonical JSON of the data. */
function streamDigest(dataJson: string): Hex {
  return keccak256(toBytes(dataJson));
}

export type SignStreamDataParameters = {
  account: Pick<LocalAccount, 'signMessage'>;
  data: StreamSignatureData;
};

/** Signs stream data as `personal_sign(keccak256(canonicalJson(data)))`. */
export async function signStreamData({
  account,
  data,
}: SignStreamDataParameters): Promise<StreamSignature> {
  const checked = dataSchema.safeParse(data);
  if (!checked.success) {
    throw new InvalidSignatureError(
      `Invalid stream signature data: ${formatIssues(checked.error.issues)}`,
      { code: 'malformed_signature' },
    );
  }
  const json = canonicalJson(checked.data);
  const signature = await account.signMessage({ message: { raw: streamDigest(json) } });
  return { data: json, signature };
}

/** Serializes a stream signature for the `signature` query parameter (URL-encode it after). */
export function encodeStreamSignatureParam(signature: StreamSignature): string {
  return JSON.stringify({ data: signature.data, signature: signature.signature });
}

export type ParsedStreamSignature = {
  data: StreamSignatureData;
  /** The exact signed JSON. */
  dataJson: string;
  signature: Hex;
};

function malformed(message: string): InvalidSignatureError {
  return new InvalidSignatureError(message, { code: 'malformed_signature' });
}

/**
 * Parses the `signature` query parameter: `{"data": "<canonical JSON>", "signature": "0x…"}`.
 * Anything else (not JSON, unknown or missing fields, wrong types, data that is not canonical
 * JSON) is an InvalidSignatureError. Does not check the signer or the age.
 */
export function parseStreamSignatureParam(param: unknown): ParsedStreamSignature {
  if (typeof param !== 'string' || param.length === 0) {
    throw malformed('Stream signature is missing');
  }
  if (param.length > MAX_PARAM_LENGTH) throw malformed('Stream signature is too long');
  let outer: unknown;
  try {
    outer = JSON.parse(param);
  } catch {
    throw malformed('Stream signature is not JSON');
  }
  const envelope = paramSchema.safeParse(outer);
  if (!envelope.success) {
    throw malformed(`Malformed stream signature: ${formatIssues(envelope.error.issues)}`);
  }
  const dataJson = envelope.data.data;
  if (!isCanonicalJson(dataJson)) {
    throw new InvalidSignatureError('Signed data is not canonical JSON', {
      code: 'non_canonical_json',
    });
  }
  const data = dataSchema.safeParse(JSON.parse(dataJson));
  if (!data.success) {
    throw malformed(`Malformed stream signature data: ${formatIssues(data.error.issues)}`);
  }
  return { data: data.data, dataJson, signature: envelope.data.signature as Hex };
}

/** Recovers the wallet that signed stream data. */
export async function recoverStreamSigner({
  dataJson,
  signature,
}: {
  dataJson: string;
  signature: Hex;
}): Promise<Address> {
  try {
    return await recoverMessageAddress({ message: { raw: streamDigest(dataJson) }, signature });
  } catch (cause) {
    throw new InvalidSignatureError('Stream signature cannot be recovered', {
      code: 'malformed_signature',
      cause,
    });
  }
}

/**
 * Refuses a signing time older than `maxAgeMs` or further in the future than the allowed skew, and
 * a signature past its own `expiresAt` (a gated track's, which lives minutes).
 */
export function assertSignatureFresh(
  timestamp: number,
  {
    now = Date.now(),
    maxAgeMs = STREAM_SIGNATURE_MAX_AGE_MS,
    expiresAt,
  }: { now?: number; maxAgeMs?: number; expiresAt?: number | undefined } = {},
): void {
  if (timestamp > now + MAX_CLOCK_SKEW_MS) {
    throw new InvalidSignatureError('Signature is dated in the future', {
      code: 'signature_from_future',
    });
  }
  if (now - timestamp > maxAgeMs || (expiresAt !== undefined && now > expiresAt)) {
    throw new InvalidSignatureError('Signature has expired', { code: 'signature_expired' });
  }
}

export type VerifyStreamSignatureParameters = {
  /** The raw `signature` query parameter (already URL-decoded). */
  param: unknown;
  /** The CID in the request path; the signature must be for exactly this blob. */
  cid: string;
  now?: number;
  maxAgeMs?: number;
};

export type VerifyStreamSignatureReturnType = { signer: Address; data: StreamSignatureData };

/**
 * Verifies a stream signature for a request of `cid`: well-formed, canonical, for this CID, no
 * older than 48 h (or `maxAgeMs`), not past its `expiresAt`, and recoverable. Returns the signer; the caller checks that it
 * is a registered discovery node.
 */
export async function verifyStreamSignature({
  param,
  cid,
  now,
  maxAgeMs,
}: VerifyStreamSignatureParameters): Promise<VerifyStreamSignatureReturnType> {
  const parsed = parseStreamSignatureParam(param);
  if (parsed.data.cid !== cid) {
    throw new InvalidSignatureError('Signature is for another CID', {
      code: 'signature_cid_mismatch',
    });
  }
  assertSignatureFresh(parsed.data.timestamp, {
    now,
    maxAgeMs,
    expiresAt: parsed.data.expiresAt,
  });
  const signer = await recoverStreamSigner(parsed);
  return { signer, data: parsed.data };
}
