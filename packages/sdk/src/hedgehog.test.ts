import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColivingSdkError } from './errors.js';
import {
  createAuthRecord,
  decryptEntropy,
  encryptEntropy,
  fromBase64,
  lookupKeyOf,
  mnemonicFromEntropy,
  walletFromEntropy,
} from './hedgehog.js';

const entropy = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('Hedgehog crypto', () => {
  it('derives the wallet from entropy as BIP-39 does, the same every time', () => {
    // The BIP-39 test vector of all-zero entropy and its well-known first Ethereum account.
    const zero = walletFromEntropy(new Uint8Array(16));
    assert.equal(
      mnemonicFromEntropy(new Uint8Array(16)),
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
    );
    assert.equal(zero.address, '0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
    assert.equal(walletFromEntropy(entropy).address, walletFromEntropy(entropy.slice()).address);
    assert.notEqual(walletFromEntropy(entropy).address, zero.address);
    assert.throws(
      () => walletFromEntropy(new Uint8Array(15)),
      (e: unknown) => e instanceof ColivingSdkError && e.type === 'invalid_input',
    );
  });

  it('makes one lookup key per email and password, whatever the email case', async () => {
    const key = await lookupKeyOf('Landlord@Example.org', 'correct horse');
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(await lookupKeyOf('landlord@example.org', 'correct horse'), key);
    assert.notEqual(await lookupKeyOf('landlord@example.org', 'Correct horse'), key);
    assert.notEqual(await lookupKeyOf('other@example.org', 'correct horse'), key);
    // Pinned (node:crypto's scryptSync gives the same): a change of salt or parameters would
    // lock every user out.
    assert.equal(
      await lookupKeyOf('a@b.c', 'p'),
      '2767eb5f7a2752fa78ffcf7a847ea1c1de4eb6eeeeb99172106db32051d305a0',
    );
  });

  it('decrypts with the right password and refuses a wrong one', async () => {
    const sealed = await encryptEntropy(entropy, 'correct horse');
    assert.match(sealed.iv, /^[0-9a-f]{24}$/);
    // 16 bytes of entropy and GCM's 16-byte tag.
    assert.equal(fromBase64(sealed.cipherText).length, 32);
    assert.deepEqual(await decryptEntropy(sealed, 'correct horse'), entropy);
    await assert.rejects(
      decryptEntropy(sealed, 'wrong horse'),
      (e: unknown) => e instanceof ColivingSdkError && e.type === 'wrong_credentials',
    );
    // A fresh iv (and so a fresh key salt) every time.
    const again = await encryptEntropy(entropy, 'correct horse');
    assert.notEqual(again.iv, sealed.iv);
    assert.notEqual(again.cipherText, sealed.cipherText);
  });

  it('builds the record content nodes store, and nothing more', async () => {
    const record = await createAuthRecord('a@b.c', 'p', entropy);
    assert.deepEqual(Object.keys(record).sort(), ['cipherText', 'iv', 'lookupKey']);
    assert.equal(record.lookupKey, await lookupKeyOf('a@b.c', 'p'));
    assert.deepEqual(await decryptEntropy(record, 'p'), entropy);
    await assert.rejects(
      decryptEntropy({ iv: 'zz', cipherText: record.cipherText }, 'p'),
      (e: unknown) => e instanceof ColivingSdkError && e.code === 'invalid_auth_record',
    );
  });
});
