import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { privateKeyToAccount } from 'viem/accounts';
import {
  authRecordMessage,
  signAuthRecord,
  verifyAuthRecordSignature,
} from './authRecordSignature.js';
import { InvalidSignatureError } from './errors.js';

const owner = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const other = privateKeyToAccount(
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
);
const live = {
  lookupKey: 'ab'.repeat(32),
  iv: '00'.repeat(12),
  cipherText: 'c2VjcmV0',
  updatedAt: '2026-12-06T03:00:00.000Z',
};

const refused = (error: unknown) =>
  error instanceof InvalidSignatureError && error.code === 'invalid_record_signature';

describe('login record signatures', () => {
  it('sign every field of a version, a deletion included', async () => {
    assert.equal(
      authRecordMessage({ ...live, wallet: owner.address.toLowerCase() }),
      'Coliving login record\n' +
        `{"cipherText":"c2VjcmV0","deleted":false,"iv":"${live.iv}","lookupKey":"${live.lookupKey}",` +
        `"updatedAt":"${live.updatedAt}","wallet":"${owner.address}"}`,
    );
    const signature = await signAuthRecord({ account: owner, version: live });
    await verifyAuthRecordSignature({ ...live, wallet: owner.address, signature });
    const tombstone = { lookupKey: live.lookupKey, updatedAt: live.updatedAt, deleted: true };
    const deletion = await signAuthRecord({ account: owner, version: tombstone });
    await verifyAuthRecordSignature({ ...tombstone, wallet: owner.address, signature: deletion });
  });

  it('refuse a changed field, another wallet, a moved signature or none', async () => {
    const signature = await signAuthRecord({ account: owner, version: live });
    const version = { ...live, wallet: owner.address, signature };
    for (const changed of [
      { ...version, cipherText: 'b3RoZXI=' },
      { ...version, updatedAt: '9999-12-31T23:59:59.999Z' },
      { ...version, iv: undefined, cipherText: undefined, deleted: true },
      { ...version, wallet: other.address },
      { ...version, signature: await signAuthRecord({ account: other, version: live }) },
      { ...version, signature: undefined },
      { ...version, signature: '0x1234' },
    ]) {
      await assert.rejects(verifyAuthRecordSignature(changed), refused);
    }
  });
});
