import { ValidationError } from '@coliving/protocol';
import { JsonRecordDir } from './jsonRecordDir.js';
import { type Hex, getAddress } from 'viem';

/** The longest cipherText accepted, in base64 characters (an encrypted entropy is far shorter). */
export const MAX_CIPHER_TEXT_LENGTH = 4096;

/** What a client sends to store its login (docs/design.md §5): nothing here can reveal the password. */
export type AuthRecordInput = {
  /** scrypt(email:::password, fixed salt), 32 bytes as lowercase hex. */
  lookupKey: string;
  /** The AES-GCM IV, 12 bytes as lowercase hex. */
  iv: string;
  /** The encrypted wallet entropy, base64. */
  cipherText: string;
  /** When the wallet made this version (ISO 8601, milliseconds): versions are ordered by it. */
  updatedAt: string;
  /** The wallet's signature of this version (signAuthRecord in @coliving/protocol). */
  signature: Hex;
};

/** What a client sends to delete its login: the time and signature of the tombstone. */
export type AuthDeletionInput = { updatedAt: string; signature: Hex };

/**
 * A login record as content nodes keep and serve it. `signature` is absent only on records
 * stored before versions were signed: served by the node that holds them, never sent to a peer.
 */
export type LiveAuthRecord = Omit<AuthRecordInput, 'signature'> & {
  /** The wallet the lookup key is bound to (checksummed); only it may replace or delete it. */
  wallet: string;
  signature?: Hex;
  deleted?: undefined;
};

/** A deleted login record: kept so repair never brings the old one back, and still owned. */
export type AuthTombstone = {
  lookupKey: string;
  wallet: string;
  updatedAt: string;
  signature?: Hex;
  deleted: true;
};

export type AuthRecord = LiveAuthRecord | AuthTombstone;

const LOOKUP_KEY = /^[0-9a-f]{64}$/;
const IV = /^[0-9a-f]{24}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const WALLET = /^0x[0-9a-fA-F]{40}$/;
/** What `Date.prototype.toISOString` writes, and nothing else, so versions compare alike everywhere. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const INPUT_FIELDS = new Set(['lookupKey', 'iv', 'cipherText', 'updatedAt', 'signature']);
const DELETION_FIELDS = new Set(['updatedAt', 'signature']);

function isTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** Checks a version's time and signature as a client sends them; ValidationError if bad. */
function parseVersionFields(r: Record<string, unknown>): { updatedAt: string; signature: Hex } {
  if (!isTime(r.updatedAt)) {
    throw new ValidationError('updatedAt must be an ISO 8601 time with milliseconds, in UTC', {
      code: 'invalid_updated_at',
    });
  }
  if (typeof r.signature !== 'string' || !SIGNATURE.test(r.signature)) {
    throw new ValidationError(
      "signature must be the wallet's signature of this version (65 bytes as hex)",
      { code: 'record_signature_required' },
    );
  }
  return { updatedAt: r.updatedAt, signature: r.signature as Hex };
}

/** Refuses any field but `allowed`'s; ValidationError `unknown_field`. */
function refuseUnknownFields(value: object, allowed: Set<string>): void {
  const unknown = Object.keys(value).find((k) => !allowed.has(k));
  if (unknown !== undefined) {
    throw new ValidationError(`Unknown field "${unknown.slice(0, 40)}"`, {
      code: 'unknown_field',
    });
  }
}

/** Refuses anything but 64 lowercase hex digits, so a key can never name a path outside the store. */
export function parseLookupKey(value: unknown): string {
  if (typeof value !== 'string' || !LOOKUP_KEY.test(value)) {
    throw new ValidationError('lookupKey must be 64 lowercase hex digits (32 bytes)', {
      code: 'invalid_lookup_key',
    });
  }
  return value;
}

/** Checks a client's login record before anything else is done with it; ValidationError if bad. */
export function parseAuthRecordInput(value: unknown): AuthRecordInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(
      'Send a JSON object {lookupKey, iv, cipherText, updatedAt, signature}',
      { code: 'invalid_body' },
    );
  }
  refuseUnknownFields(value, INPUT_FIELDS);
  const { lookupKey, iv, cipherText } = value as Record<string, unknown>;
  parseLookupKey(lookupKey);
  if (typeof iv !== 'string' || !IV.test(iv)) {
    throw new ValidationError('iv must be 24 lowercase hex digits (12 bytes)', {
      code: 'invalid_iv',
    });
  }
  if (
    typeof cipherText !== 'string' ||
    cipherText.length === 0 ||
    cipherText.length > MAX_CIPHER_TEXT_LENGTH ||
    !BASE64.test(cipherText)
  ) {
    throw new ValidationError(
      `cipherText must be base64, 1 to ${MAX_CIPHER_TEXT_LENGTH} characters`,
      { code: 'invalid_cipher_text' },
    );
  }
  const version = parseVersionFields(value as Record<string, unknown>);
  return { lookupKey: lookupKey as string, iv, cipherText, ...version };
}

/** Checks a client's deletion (the body of DELETE /authentication/:lookupKey); ValidationError if bad. */
export function parseAuthDeletionInput(value: unknown): AuthDeletionInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('Send a JSON object {updatedAt, signature}', {
      code: 'invalid_body',
    });
  }
  refuseUnknownFields(value, DELETION_FIELDS);
  return parseVersionFields(value as Record<string, unknown>);
}

/** Checks a record received from a peer before it is stored; ValidationError if malformed. */
export function parseAuthRecord(value: unknown): AuthRecord {
  const r = value as Partial<Record<keyof LiveAuthRecord, unknown>> | null;
  const common =
    typeof r === 'object' &&
    r !== null &&
    typeof r.lookupKey === 'string' &&
    LOOKUP_KEY.test(r.lookupKey) &&
    typeof r.wallet === 'string' &&
    WALLET.test(r.wallet) &&
    isTime(r.updatedAt) &&
    (r.signature === undefined || (typeof r.signature === 'string' && SIGNATURE.test(r.signature)));
  const signature = r?.signature === undefined ? {} : { signature: r.signature as Hex };
  if (common && r.deleted === true && r.iv === undefined && r.cipherText === undefined) {
    return {
      lookupKey: r.lookupKey as string,
      wallet: getAddress((r.wallet as string).toLowerCase()),
      updatedAt: r.updatedAt as string,
      ...signature,
      deleted: true,
    };
  }
  if (
    common &&
    r.deleted === undefined &&
    typeof r.iv === 'string' &&
    IV.test(r.iv) &&
    typeof r.cipherText === 'string' &&
    r.cipherText.length > 0 &&
    r.cipherText.length <= MAX_CIPHER_TEXT_LENGTH &&
    BASE64.test(r.cipherText)
  ) {
    return {
      lookupKey: r.lookupKey as string,
      iv: r.iv,
      cipherText: r.cipherText,
      wallet: getAddress((r.wallet as string).toLowerCase()),
      updatedAt: r.updatedAt as string,
      ...signature,
    };
  }
  throw new ValidationError('Malformed login record', { code: 'invalid_auth_record' });
}

/**
 * Whether `a` wins over `b` when both are versions of one login record: a version its wallet
 * signed wins over one stored before versions were signed (which proves nothing); otherwise the
 * later `updatedAt` wins, a tombstone wins a tie, and two live versions of one instant are
 * ordered by their bytes, so every node settles on the same one whatever order they arrive in.
 */
export function isNewerAuthRecord(a: AuthRecord, b: AuthRecord | undefined): boolean {
  if (!b) return true;
  if ((a.signature === undefined) !== (b.signature === undefined)) return a.signature !== undefined;
  const at = Date.parse(a.updatedAt);
  const bt = Date.parse(b.updatedAt);
  if (at !== bt) return at > bt;
  if (a.deleted !== b.deleted) return a.deleted === true;
  if (a.deleted || b.deleted) return false;
  return `${a.iv}:${a.cipherText}:${a.wallet}` > `${b.iv}:${b.cipherText}:${b.wallet}`;
}

/** Whether two versions are the same one (a client sending it to every holder, a peer's echo). */
export function isSameAuthRecord(a: AuthRecord, b: AuthRecord | undefined): boolean {
  if (
    b === undefined ||
    a.lookupKey !== b.lookupKey ||
    a.wallet !== b.wallet ||
    a.updatedAt !== b.updatedAt
  ) {
    return false;
  }
  if (a.deleted || b.deleted) return a.deleted === b.deleted;
  return a.iv === b.iv && a.cipherText === b.cipherText;
}

/** The version of a record every node settles on, of those given (undefined for none). */
export function newestAuthRecord(
  records: readonly (AuthRecord | undefined)[],
): AuthRecord | undefined {
  let newest: AuthRecord | undefined;
  for (const record of records) if (record && isNewerAuthRecord(record, newest)) newest = record;
  return newest;
}

/** Login records on disk, one JSON file per lookup key, written atomically (JsonRecordDir). */
export class AuthStore {
  private constructor(private readonly records: JsonRecordDir<AuthRecord>) {}

  static async open(dir: string): Promise<AuthStore> {
    return new AuthStore(await JsonRecordDir.open<AuthRecord>(dir));
  }

  /** The stored version of a record (a tombstone included), or undefined. */
  async find(lookupKey: string): Promise<AuthRecord | undefined> {
    return this.records.read(parseLookupKey(lookupKey));
  }

  /**
   * Stores a version when it wins over the stored one (see isNewerAuthRecord); returns whether
   * it was stored.
   */
  async merge(record: AuthRecord): Promise<boolean> {
    return this.records.writeIf(parseLookupKey(record.lookupKey), record, (stored) =>
      isNewerAuthRecord(record, stored),
    );
  }

  /** The lookup keys held (tombstones included), in order, those after `after` only. */
  async keys(after = ''): Promise<string[]> {
    return (await this.records.keys()).filter((key) => LOOKUP_KEY.test(key) && key > after);
  }
}
