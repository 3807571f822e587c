import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashMessage, keccak256, recoverMessageAddress, toBytes } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { recoverSigner } from './recoverSigner.js';

describe('recoverSigner', () => {
  it('recovers the same wallet as viem, for either form of v', async () => {
    for (let i = 0; i < 20; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const raw = keccak256(toBytes(`message ${i}`));
      const signature = await account.signMessage({ message: { raw } });
      assert.equal(recoverSigner(hashMessage({ raw }), signature), account.address);
      assert.equal(await recoverMessageAddress({ message: { raw }, signature }), account.address);
      // v as 0/1 rather than 27/28.
      const v = Number.parseInt(signature.slice(-2), 16) - 27;
      const zeroOne = `${signature.slice(0, -2)}0${v}` as `0x${string}`;
      assert.equal(recoverSigner(hashMessage({ raw }), zeroOne), account.address);
      // Another message gives another wallet, not an error.
      assert.notEqual(recoverSigner(hashMessage('other'), signature), account.address);
    }
  });

  it('refuses a signature of the wrong length or recovery id', () => {
    const hash = hashMessage('x');
    assert.throws(() => recoverSigner(hash, `0x${'11'.repeat(64)}`));
    assert.throws(() => recoverSigner(hash, `0x${'11'.repeat(64)}05`));
    assert.throws(() => recoverSigner(hash, `0x${'00'.repeat(64)}1b`));
  });
});
