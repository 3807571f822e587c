import Hashids from 'hashids';
import { ValidationError } from './errors.js';
import { MAX_ENTITY_ID } from './limits.js';

/** Audius-compatible hashid parameters (DESIGN §5). */
export const HASHID_SALT = 'azowernasdfoia';
export const HASHID_MIN_LENGTH = 5;

/** No valid id, hashed or numeric, is longer than this; longer input is refused unread. */
const MAX_ID_STRING_LENGTH = 32;
const NUMERIC = /^[0-9]+$/;

let codec: Hashids | undefined;
/** The codec is built on first use, not at import time. */
function hashids(): Hashids {
  codec ??= new Hashids(HASHID_SALT, HASHID_MIN_LENGTH);
  return codec;
}

function assertEntityId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ENTITY_ID) {
    throw new ValidationError(`Id must be a positive integer, got ${String(id)}`, {
      code: 'invalid_id',
    });
  }
}

/** Encodes a numeric entity id as its public hashid (`1` -> `"7eP5n"`). */
export function encodeHashId(id: number): string {
  assertEntityId(id);
  return hashids().encode(id);
}

/** The id a canonical hashid names, or undefined when `value` is not one. */
function tryDecodeHashId(value: string): number | undefined {
  let decoded: (number | bigint)[];
  try {
    decoded = hashids().decode(value);
  } catch {
    return undefined;
  }
  // hashids returns [] for malformed input, and also for any string that is not exactly what
  // encode() would produce, so each id has one spelling.
  const [first] = decoded;
  return decoded.length === 1 && typeof first === 'number' ? first : undefined;
}

/**
 * Decodes a public id: a hashid (`"7eP5n"`) or a plain numeric string (`"1"`). A string that is a
 * valid hashid is always read as one, even when it is all digits (`"64413"` is the hashid of
 * 87440), so every hashid the API hands out decodes back to its own id; other numeric strings
 * without leading zeros are read as numbers. Anything else is a ValidationError (`invalid_id`).
 */
export function decodeHashId(value: unknown): number {
  if (typeof value !== 'string') {
    throw new ValidationError(`Id must be a string, got ${typeof value}`, { code: 'invalid_id' });
  }
  if (value.length === 0 || value.length > MAX_ID_STRING_LENGTH) {
    throw new ValidationError('Id must be 1 to 32 characters long', { code: 'invalid_id' });
  }
  const hashed = tryDecodeHashId(value);
  if (hashed !== undefined) {
    assertEntityId(hashed);
    return hashed;
  }
  // Leading zeros would give two spellings of one id; refuse them.
  if (NUMERIC.test(value) && String(Number(value)) === value) {
    const id = Number(value);
    assertEntityId(id);
    return id;
  }
  throw new ValidationError(`Invalid id "${value}"`, { code: 'invalid_id' });
}

/** True when `value` decodes as an id. */
export function isHashId(value: unknown): boolean {
  try {
    decodeHashId(value);
    return true;
  } catch {
    return false;
  }
}
