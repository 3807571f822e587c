import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@coliving/protocol';
import { getAddress } from 'viem';

/** The longest cipherText accepted, in base64 characters (an encrypted entropy is far shorter). */
export const MAX_CIPHER_TEXT_LENGTH = 4096;

/** What a client sends to store its login (DESIGN §5): nothing here can reveal the password. */
export type AuthRecordInput = {
  /** scrypt(email:::password, fixed salt), 32 bytes as lowercase hex. */
  lookupKey: string;
  /** The AES-GCM IV, 12 bytes as lowercase hex. */
  iv: string;
  /** The encrypted wallet entropy, base64. */
  cipherText: string;
};

/** A login record as content nodes keep and serve it. */
export type LiveAuthRecord = AuthRecordInput & {
  /** The wallet the lookup key is bound to (checksummed); only it may replace or delete it. */
  wallet: string;
  updatedAt: string;
  deleted?: undefined;
};

/** A deleted login record: kept so repair never brings the old one back, and still owned. */
export type AuthTombstone = {
  lookupKey: string;
  wallet: string;
  updatedAt: string;
  deleted: true;
};

export type AuthRecord = LiveAuthRecord | AuthTombstone;

const LOOKUP_KEY = /^[0-9a-f]{64}$/;
const IV = /^[0-9a-f]{24}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const WALLET = /^0x[0-9a-fA-F]{40}$/;
/** What `Date.prototype.toISOString` writes, and nothing else, so versions compare alike everywhere. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INPUT_FIELDS = new Set(['lookupKey', 'iv', 'cipherText']);

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
    throw new ValidationError('Send a JSON object {lookupKey, iv, cipherText}', {
      code: 'invalid_body',
    });
  }
  const unknown = Object.keys(value).find((k) => !INPUT_FIELDS.has(k));
  if (unknown !== undefined) {
    throw new ValidationError(`Unknown field "${unknown.slice(0, 40)}"`, {
      code: 'unknown_field',
    });
  }
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
  return { lookupKey: lookupKey as string, iv, cipherText };
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
    typeof r.updatedAt === 'string' &&
    ISO_TIME.test(r.updatedAt) &&
    !Number.isNaN(Date.parse(r.updatedAt));
  if (common && r.deleted === true && r.iv === undefined && r.cipherText === undefined) {
    return {
      lookupKey: r.lookupKey as string,
      wallet: getAddress((r.wallet as string).toLowerCase()),
      updatedAt: r.updatedAt as string,
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
    };
  }
  throw new ValidationError('Malformed login record', { code: 'invalid_auth_record' });
}

/**
 * Whether `a` wins over `b` when both are versions of one login record: the later `updatedAt`
 * wins, a tombstone wins a tie, and two live versions of one instant are ordered by their bytes,
 * so every node settles on the same one whatever order they arrive in.
 */
export function isNewerAuthRecord(a: AuthRecord, b: AuthRecord | undefined): boolean {
  if (!b) return true;
  const at = Date.parse(a.updatedAt);
  const bt = Date.parse(b.updatedAt);
  if (at !== bt) return at > bt;
  if (a.deleted !== b.deleted) return a.deleted === true;
  if (a.deleted || b.deleted) return false;
  return `${a.iv}:${a.cipherText}:${a.wallet}` > `${b.iv}:${b.cipherText}:${b.wallet}`;
}

/** The version of a record every node settles on, of those given (undefined for none). */
export function newestAuthRecord(
  records: readonly (AuthRecord | undefined)[],
): AuthRecord | undefined {
  let newest: AuthRecord | undefined;
  for (const record of records) if (record && isNewerAuthRecord(record, newest)) newest = record;
  return newest;
}

/**
 * Login records on disk, one JSON file per lookup key, written atomically (temporary file, fsync,
 * rename, fsync of the directory), so a crash never leaves a half-written or lost record.
 */
export class AuthStore {
  /** The merge in progress for each key: merges of one record run one after another. */
  private readonly merging = new Map<string, Promise<unknown>>();

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<AuthStore> {
    await mkdir(join(dir, '.tmp'), { recursive: true });
    for (const name of await readdir(join(dir, '.tmp')))
      await rm(join(dir, '.tmp', name), { force: true });
    return new AuthStore(dir);
  }

  /** The stored version of a record (a tombstone included), or undefined. */
  async find(lookupKey: string): Promise<AuthRecord | undefined> {
    try {
      return JSON.parse(
        await readFile(join(this.dir, `${parseLookupKey(lookupKey)}.json`), 'utf8'),
      ) as AuthRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Stores a version when it wins over the stored one (see isNewerAuthRecord); returns whether
   * it was stored.
   */
  async merge(record: AuthRecord): Promise<boolean> {
    // Read-compare-write is not atomic; chaining the merges of one key keeps an older version
    // that arrives at the same time from landing last.
    const key = record.lookupKey;
    const previous = this.merging.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      if (!isNewerAuthRecord(record, await this.find(key))) return false;
      await this.write(record);
      return true;
    });
    const settled = run.catch(() => undefined);
    this.merging.set(key, settled);
    void settled.then(() => {
      if (this.merging.get(key) === settled) this.merging.delete(key);
    });
    return run;
  }

  /** The lookup keys held (tombstones included), in order, those after `after` only. */
  async keys(after = ''): Promise<string[]> {
    const keys: string[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const key = name.slice(0, -5);
      if (LOOKUP_KEY.test(key) && key > after) keys.push(key);
    }
    return keys.sort();
  }

  private async write(record: AuthRecord): Promise<void> {
    const key = parseLookupKey(record.lookupKey);
    const tmp = join(this.dir, '.tmp', `${key}.${randomUUID()}`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(this.dir, `${key}.json`));
    // The rename itself is only durable once the directory is synced.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
