import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';
import { ValidationError } from './errors.js';

/** Multicodec of raw bytes: blobs are stored as themselves, not wrapped in a DAG. */
export const RAW_CODEC = 0x55;
/** Multihash code of sha2-256. */
export const SHA2_256_CODE = 0x12;
/** Every Coliving blob CID is CIDv1 raw sha2-256 in base32: `bafkrei` + 52 characters. */
export const CID_STRING_LENGTH = 59;
const CID_SHAPE = /^bafkrei[a-z2-7]{52}$/;
const CANONICAL_CID = /^bafkrei[a-h][a-z2-7]{50}[aeimquy4]$/;

/**
 * Validates a blob CID string and returns it. Only CIDv1, raw codec, sha2-256, base32 lower case
 * is a Coliving blob name; anything else (a path, a CIDv0, another codec, upper case, trailing
 * characters) is a ValidationError with code `invalid_cid`.
 */
export function parseCid(value: unknown): string {
  if (typeof value !== 'string') {
    throw new ValidationError(`CID must be a string, got ${typeof value}`, { code: 'invalid_cid' });
  }
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  if (!CID_SHAPE.test(value)) {
    throw new ValidationError(`Invalid CID "${shown}": expected a CIDv1 raw sha2-256 (bafkrei…)`, {
      code: 'invalid_cid',
    });
  }
  // Exactly the canonical encodings: `bafkrei` fixes the prefix bytes 01 55 12 20; the next
  // character carries two zero bits of that prefix (a-h); the last one carries 3 bits of the
  // digest and 2 zero padding bits (a e i m q u y 4). Checked against multiformats in the tests;
  // a regular expression because this runs on every stream request.
  if (!CANONICAL_CID.test(value)) {
    throw new ValidationError(`Invalid CID "${shown}": not a canonical CIDv1 raw sha2-256`, {
      code: 'invalid_cid',
    });
  }
  return value;
}

/** True when `value` is a valid blob CID. */
export function isCid(value: unknown): value is string {
  try {
    parseCid(value);
    return true;
  } catch {
    return false;
  }
}

/** Names a blob by the sha2-256 digest of its bytes. */
export function cidFromSha256Digest(digest: Uint8Array): string {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new ValidationError('A sha2-256 digest is exactly 32 bytes', { code: 'invalid_digest' });
  }
  return CID.createV1(RAW_CODEC, Digest.create(SHA2_256_CODE, digest)).toString();
}

/** The sha2-256 digest named by a blob CID. */
export function sha256DigestOfCid(cid: string): Uint8Array {
  return CID.parse(parseCid(cid)).multihash.digest;
}

/** Computes the CID of bytes already in memory (works in Node and in browsers). */
export async function cidFromBytes(bytes: Uint8Array): Promise<string> {
  const hash = await sha256.digest(bytes);
  return CID.createV1(RAW_CODEC, hash).toString();
}
