import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ValidationError } from '@coliving/protocol';
import {
  type AuthRecord,
  AuthStore,
  type LiveAuthRecord,
  isNewerAuthRecord,
  parseAuthRecord,
  parseAuthRecordInput,
} from './authStore.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function freshStore() {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-auth-'));
  dirs.push(dir);
  return { dir, store: await AuthStore.open(dir) };
}

const KEY = 'a'.repeat(64);
const WALLET = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

function live(overrides: Partial<LiveAuthRecord> = {}): LiveAuthRecord {
  return {
    lookupKey: KEY,
    iv: '00112233445566778899aabb',
    cipherText: 'c2VjcmV0IGVudHJvcHk=',
    wallet: WALLET,
    updatedAt: '2026-11-24T00:00:00.000Z',
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.code;
  }
  return 'accepted';
}

describe('parseAuthRecordInput', () => {
  // Every version a client sends carries its time and the wallet's signature over it (the
  // signature itself is checked against the stored owner in core/authRecords.ts).
  const VERSION = { updatedAt: '2026-11-24T00:00:00.000Z', signature: `0x${'1b'.repeat(65)}` };

  it('accepts exactly {lookupKey, iv, cipherText, updatedAt, signature}', () => {
    const input = {
      lookupKey: KEY,
      iv: '00112233445566778899aabb',
      cipherText: 'QUJD',
      ...VERSION,
    };
    assert.deepEqual(parseAuthRecordInput(input), input);
    assert.deepEqual(parseAuthRecordInput({ ...input, cipherText: 'A'.repeat(4096) }), {
      ...input,
      cipherText: 'A'.repeat(4096),
    });
  });

  it('refuses anything else with a stable code', () => {
    const ok = { lookupKey: KEY, iv: '00112233445566778899aabb', cipherText: 'QUJD', ...VERSION };
    const cases: [unknown, string][] = [
      [{ ...ok, updatedAt: undefined }, 'invalid_updated_at'],
      [{ ...ok, updatedAt: '2026-11-24T00:00:00Z' }, 'invalid_updated_at'],
      [{ ...ok, signature: undefined }, 'record_signature_required'],
      [{ ...ok, signature: '0x1234' }, 'record_signature_required'],
      [null, 'invalid_body'],
      ['text', 'invalid_body'],
      [[ok], 'invalid_body'],
      [{ ...ok, wallet: WALLET }, 'unknown_field'],
      [{ ...ok, lookupKey: 'A'.repeat(64) }, 'invalid_lookup_key'],
      [{ ...ok, lookupKey: 'a'.repeat(63) }, 'invalid_lookup_key'],
      [{ ...ok, lookupKey: `${'a'.repeat(62)}/.` }, 'invalid_lookup_key'],
      [{ ...ok, lookupKey: undefined }, 'invalid_lookup_key'],
      [{ ...ok, iv: '00112233445566778899aa' }, 'invalid_iv'],
      [{ ...ok, iv: '00112233445566778899AABB' }, 'invalid_iv'],
      [{ ...ok, iv: 12 }, 'invalid_iv'],
      [{ ...ok, cipherText: '' }, 'invalid_cipher_text'],
      [{ ...ok, cipherText: 'A'.repeat(4100) }, 'invalid_cipher_text'],
      [{ ...ok, cipherText: 'QUJ' }, 'invalid_cipher_text'],
      [{ ...ok, cipherText: 'QU J' }, 'invalid_cipher_text'],
      [{ ...ok, cipherText: 'QUJD\n' }, 'invalid_cipher_text'],
    ];
    assert.deepEqual(
      cases.map(([value]) => codeOf(() => parseAuthRecordInput(value))),
      cases.map(([, code]) => code),
    );
  });
});

describe('parseAuthRecord', () => {
  it('accepts live records and tombstones, with the wallet checksummed', () => {
    assert.deepEqual(parseAuthRecord(live({ wallet: WALLET.toLowerCase() })), live());
    const tombstone = { lookupKey: KEY, wallet: WALLET, updatedAt: live().updatedAt };
    assert.deepEqual(parseAuthRecord({ ...tombstone, deleted: true }), {
      ...tombstone,
      deleted: true,
    });
  });

  it('refuses malformed records', () => {
    const { iv: _iv, ...noIv } = live();
    for (const value of [
      noIv,
      { ...live(), deleted: true },
      { ...live(), deleted: false },
      live({ updatedAt: '2026-11-24' }),
      live({ wallet: '0x1234' }),
      live({ lookupKey: '../../etc/passwd' }),
    ]) {
      assert.equal(
        codeOf(() => parseAuthRecord(value)),
        'invalid_auth_record',
        JSON.stringify(value),
      );
    }
  });
});

describe('isNewerAuthRecord', () => {
  const tombstone: AuthRecord = {
    lookupKey: KEY,
    wallet: WALLET,
    updatedAt: live().updatedAt,
    deleted: true,
  };
  it('lets the later version win, and a tombstone win a tie', () => {
    const later = live({ updatedAt: '2026-11-24T00:00:00.001Z' });
    assert.equal(isNewerAuthRecord(later, live()), true);
    assert.equal(isNewerAuthRecord(live(), later), false);
    assert.equal(isNewerAuthRecord(tombstone, live()), true);
    assert.equal(isNewerAuthRecord(live(), tombstone), false);
    assert.equal(isNewerAuthRecord(later, tombstone), true);
    assert.equal(isNewerAuthRecord(tombstone, tombstone), false);
    assert.equal(isNewerAuthRecord(live(), live()), false);
  });

  it('orders two live versions of one instant the same way whichever comes first', () => {
    const a = live({ cipherText: 'QUFB' });
    const b = live({ cipherText: 'QkJC' });
    assert.notEqual(isNewerAuthRecord(a, b), isNewerAuthRecord(b, a));
  });
});

describe('AuthStore', () => {
  it('keeps the winning version and survives a reopen', async () => {
    const { dir, store } = await freshStore();
    assert.equal(await store.find(KEY), undefined);
    assert.equal(await store.merge(live()), true);
    assert.equal(await store.merge(live({ updatedAt: '2026-11-23T00:00:00.000Z' })), false);
    const tombstone: AuthRecord = {
      lookupKey: KEY,
      wallet: WALLET,
      updatedAt: '2026-11-24T00:00:00.000Z',
      deleted: true,
    };
    assert.equal(await store.merge(tombstone), true);
    assert.equal(await store.merge(live()), false);
    const reopened = await AuthStore.open(dir);
    assert.deepEqual(await reopened.find(KEY), tombstone);
  });

  it('settles racing merges of one key on the newest version', async () => {
    const { store } = await freshStore();
    const versions = Array.from({ length: 20 }, (_, i) =>
      live({ updatedAt: new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString() }),
    );
    // Newest first, so every later merge must be refused.
    const results = await Promise.all([...versions].reverse().map((v) => store.merge(v)));
    assert.deepEqual(results, [true, ...Array<boolean>(19).fill(false)]);
    assert.deepEqual(await store.find(KEY), versions.at(-1));
  });

  it('lists its keys in order, after a given key, and drops leftover temporary files', async () => {
    const { dir, store } = await freshStore();
    const keys = ['c', 'a', 'b'].map((c) => c.repeat(64));
    for (const lookupKey of keys) await store.merge(live({ lookupKey }));
    await writeFile(join(dir, '.tmp', `${KEY}.half-written`), '{"lookupKey":');
    await writeFile(join(dir, 'notes.txt'), 'not a record');
    assert.deepEqual(await store.keys(), [...keys].sort());
    assert.deepEqual(await store.keys('a'.repeat(64)), ['b'.repeat(64), 'c'.repeat(64)]);
    await AuthStore.open(dir);
    assert.deepEqual(await readdir(join(dir, '.tmp')), []);
  });

  it('refuses keys that are not lookup keys', async () => {
    const { store } = await freshStore();
    await assert.rejects(store.find('../uploads/x'), ValidationError);
  });
});
