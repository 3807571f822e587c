import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { developerAppMessage, isValidAppSignature, signDeveloperApp } from './developerApps.js';
import { parseEntityMetadata } from './metadata.js';

const app = privateKeyToAccount(generatePrivateKey());
const other = privateKeyToAccount(generatePrivateKey());
const address = app.address.toLowerCase();

describe('developer app metadata', () => {
  it("accepts the app key's signature naming the owner, and no other", async () => {
    const good = await signDeveloperApp({ account: app, userId: 7 });
    assert.equal(good.message, developerAppMessage(7, app.address));
    assert.equal(await isValidAppSignature(7, { address, app_signature: good }), true);
    // Another user replaying it, another key signing the same message, garbage.
    assert.equal(await isValidAppSignature(8, { address, app_signature: good }), false);
    const forged = {
      message: good.message,
      signature: await other.signMessage({ message: good.message }),
    };
    assert.equal(await isValidAppSignature(7, { address, app_signature: forged }), false);
    const garbage = { message: good.message, signature: `0x${'11'.repeat(65)}` };
    assert.equal(await isValidAppSignature(7, { address, app_signature: garbage }), false);
  });

  it('validates app and grant metadata', async () => {
    const app_signature = await signDeveloperApp({ account: app, userId: 7 });
    const create = (data: Record<string, unknown>) =>
      JSON.stringify({ cid: '', data: { address, name: 'App', app_signature, ...data } });
    const ok = parseEntityMetadata('DeveloperApp', 'Create', create({}));
    assert.equal(ok.data!.address, address);
    for (const bad of [
      { name: '' },
      { name: 'x'.repeat(51) },
      { description: 'x'.repeat(281) },
      { redirect_uris: ['ftp://example.com/'] },
      { redirect_uris: ['/relative'] },
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`) },
      { address: app.address.toUpperCase().replace('0X', '0x') },
      { extra: 1 },
    ]) {
      assert.throws(
        () => parseEntityMetadata('DeveloperApp', 'Create', create(bad)),
        { code: 'invalid_metadata' },
        JSON.stringify(bad),
      );
    }
    parseEntityMetadata(
      'DeveloperApp',
      'Create',
      create({ redirect_uris: ['http://localhost:3000/cb'] }),
    );
    assert.throws(
      () =>
        parseEntityMetadata(
          'DeveloperApp',
          'Update',
          JSON.stringify({ cid: '', data: { address } }),
        ),
      { code: 'invalid_metadata' },
    );
    assert.throws(() => parseEntityMetadata('Grant', 'Create', ''), { code: 'invalid_metadata' });
    const grant = parseEntityMetadata(
      'Grant',
      'Approve',
      JSON.stringify({ cid: '', data: { grantor_user_id: 3 } }),
    );
    assert.equal(grant.data!.grantor_user_id, 3);
  });
});
