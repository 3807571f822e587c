import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidSignatureError,
  encodeStreamSignatureParam,
  signStreamData,
} from '@coliving/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { createStreamSignatureVerifier } from './streamSignatureCache.js';

const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const OTHER = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const NOW = 1_764_000_000_000;

async function param(timestamp = NOW) {
  return encodeStreamSignatureParam(
    await signStreamData({
      account: discovery,
      data: { cid: CID, timestamp, trackId: 1, shouldCache: true },
    }),
  );
}

describe('stream signature cache', () => {
  it('answers a remembered signature the same, and still checks CID and age every time', async () => {
    const verify = createStreamSignatureVerifier();
    const p = await param();
    const first = await verify(p, CID, NOW);
    assert.equal(first.signer, discovery.address);
    assert.deepEqual(await verify(p, CID, NOW + 1000), first);
    await assert.rejects(
      verify(p, OTHER, NOW),
      (e: unknown) => e instanceof InvalidSignatureError && e.code === 'signature_cid_mismatch',
    );
    await assert.rejects(
      verify(p, CID, NOW + 49 * 3600_000),
      (e: unknown) => e instanceof InvalidSignatureError && e.code === 'signature_expired',
    );
  });

  it('refuses a remembered gated signature once past its expiresAt, as on first sight', async () => {
    const verify = createStreamSignatureVerifier();
    const gated = encodeStreamSignatureParam(
      await signStreamData({
        account: discovery,
        data: { cid: CID, timestamp: NOW, trackId: 1, shouldCache: true, expiresAt: NOW + 300_000 },
      }),
    );
    assert.equal((await verify(gated, CID, NOW)).signer, discovery.address);
    assert.equal((await verify(gated, CID, NOW + 300_000)).signer, discovery.address);
    await assert.rejects(
      verify(gated, CID, NOW + 300_001),
      (e: unknown) => e instanceof InvalidSignatureError && e.code === 'signature_expired',
    );
    // A public track's signature (no expiresAt) still lives 48 h.
    assert.equal((await verify(await param(), CID, NOW + 47 * 3600_000)).signer, discovery.address);
  });

  it('verifies any other bytes afresh, and forgets the oldest beyond its size', async () => {
    const verify = createStreamSignatureVerifier(1);
    const a = await param(NOW);
    const tampered = a.replace('"trackId\\":1', '"trackId\\":2');
    assert.notEqual(tampered, a);
    assert.notEqual((await verify(tampered, CID, NOW)).signer, discovery.address);
    const b = await param(NOW + 1);
    assert.equal((await verify(a, CID, NOW)).signer, discovery.address);
    assert.equal((await verify(b, CID, NOW)).signer, discovery.address);
    assert.equal((await verify(a, CID, NOW)).signer, discovery.address);
  });
});
