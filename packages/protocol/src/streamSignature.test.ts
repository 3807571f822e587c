import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, keccak256, recoverAddress, toBytes } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { canonicalJson } from './canonicalJson.js';
import { InvalidSignatureError } from './errors.js';
import { STREAM_SIGNATURE_MAX_AGE_MS } from './limits.js';
import {
  type StreamSignatureData,
  encodeStreamSignatureParam,
  parseStreamSignatureParam,
  signStreamData,
  verifyStreamSignature,
} from './streamSignature.js';

const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const other = privateKeyToAccount(
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
);
const CID = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq';
const OTHER_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const NOW = 1_764_000_000_000;

const data: StreamSignatureData = {
  cid: CID,
  timestamp: NOW,
  trackId: 12,
  userId: 3,
  shouldCache: true,
};

async function param(d: object = data, account = discovery): Promise<string> {
  return encodeStreamSignatureParam(
    await signStreamData({ account, data: d as StreamSignatureData }),
  );
}

function rejectsWith(promise: Promise<unknown>, code: string) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InvalidSignatureError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('stream signatures', () => {
  it('signs canonical JSON and verifies to the signer', async () => {
    const signed = await signStreamData({ account: discovery, data });
    assert.equal(
      signed.data,
      '{"cid":"' + CID + '","shouldCache":true,"timestamp":' + NOW + ',"trackId":12,"userId":3}',
    );
    const result = await verifyStreamSignature({
      param: encodeStreamSignatureParam(signed),
      cid: CID,
      now: NOW,
    });
    assert.deepEqual(result, { signer: discovery.address, data });
  });

  it('is personal_sign over the 32 raw bytes of keccak256(canonical JSON)', async () => {
    // Recompute by hand: EIP-191 prefix with length 32, then the digest bytes (not their hex).
    const signed = await signStreamData({ account: discovery, data });
    const digest = keccak256(toBytes(signed.data));
    const prefixed = keccak256(
      concat([toBytes('\x19Ethereum Signed Message:\n32'), toBytes(digest)]),
    );
    assert.equal(
      await recoverAddress({ hash: prefixed, signature: signed.signature }),
      discovery.address,
    );
  });

  it('survives URL encoding as a query parameter', async () => {
    const url = new URL(`http://127.0.0.1/tracks/cidstream/${CID}`);
    url.searchParams.set('signature', await param());
    const decoded = new URL(url.toString()).searchParams.get('signature');
    assert.equal(
      (await verifyStreamSignature({ param: decoded, cid: CID, now: NOW })).signer,
      discovery.address,
    );
  });

  it('a signature by another key recovers to that key, not the discovery node', async () => {
    const result = await verifyStreamSignature({
      param: await param(data, other),
      cid: CID,
      now: NOW,
    });
    assert.equal(result.signer, other.address);
    assert.notEqual(result.signer, discovery.address);
  });

  it('tampered data does not recover to the signer', async () => {
    const signed = await signStreamData({ account: discovery, data });
    const tampered = canonicalJson({ ...data, trackId: 13 });
    const result = await verifyStreamSignature({
      param: encodeStreamSignatureParam({ data: tampered, signature: signed.signature }),
      cid: CID,
      now: NOW,
    });
    assert.notEqual(result.signer, discovery.address);
  });

  it('refuses expired and future-dated signatures', async () => {
    const p = await param();
    await rejectsWith(
      verifyStreamSignature({ param: p, cid: CID, now: NOW + STREAM_SIGNATURE_MAX_AGE_MS + 1 }),
      'signature_expired',
    );
    assert.equal(
      (await verifyStreamSignature({ param: p, cid: CID, now: NOW + STREAM_SIGNATURE_MAX_AGE_MS }))
        .signer,
      discovery.address,
    );
    await rejectsWith(
      verifyStreamSignature({ param: p, cid: CID, now: NOW + 1000, maxAgeMs: 999 }),
      'signature_expired',
    );
    await rejectsWith(
      verifyStreamSignature({ param: p, cid: CID, now: NOW - 60 * 60 * 1000 }),
      'signature_from_future',
    );
  });

  it('refuses a signature past its expiresAt, however young, and keeps its 48 h cap', async () => {
    const short = await param({ ...data, expiresAt: NOW + 5 * 60_000 });
    assert.equal(
      (await verifyStreamSignature({ param: short, cid: CID, now: NOW + 5 * 60_000 })).data
        .expiresAt,
      NOW + 5 * 60_000,
    );
    await rejectsWith(
      verifyStreamSignature({ param: short, cid: CID, now: NOW + 10 * 60_000 }),
      'signature_expired',
    );
    const long = await param({ ...data, expiresAt: NOW + 2 * STREAM_SIGNATURE_MAX_AGE_MS });
    await rejectsWith(
      verifyStreamSignature({ param: long, cid: CID, now: NOW + STREAM_SIGNATURE_MAX_AGE_MS + 1 }),
      'signature_expired',
    );
  });

  it('carries skipPlayCount, signed like every other field', async () => {
    const signed = await signStreamData({
      account: discovery,
      data: { ...data, skipPlayCount: true },
    });
    assert.match(signed.data, /"shouldCache":true,"skipPlayCount":true,"timestamp":/);
    const { data: verified } = await verifyStreamSignature({
      param: encodeStreamSignatureParam(signed),
      cid: CID,
      now: NOW,
    });
    assert.equal(verified.skipPlayCount, true);
    // Dropping it from the signed data (to make a preview count) breaks the signature.
    const stripped = encodeStreamSignatureParam({
      data: canonicalJson(data),
      signature: signed.signature,
    });
    const { signer } = await verifyStreamSignature({ param: stripped, cid: CID, now: NOW });
    assert.notEqual(signer, discovery.address);
  });

  it('refuses a signature for another CID', async () => {
    await rejectsWith(
      verifyStreamSignature({ param: await param(), cid: OTHER_CID, now: NOW }),
      'signature_cid_mismatch',
    );
  });

  it('refuses non-canonical JSON', async () => {
    const signed = await signStreamData({ account: discovery, data });
    const reordered = JSON.stringify({
      trackId: 12,
      cid: CID,
      timestamp: NOW,
      userId: 3,
      shouldCache: true,
    });
    const spaced = JSON.stringify(JSON.parse(signed.data), null, 1);
    for (const text of [reordered, spaced, `${signed.data} `]) {
      const p = encodeStreamSignatureParam({ data: text, signature: signed.signature });
      await rejectsWith(
        verifyStreamSignature({ param: p, cid: CID, now: NOW }),
        'non_canonical_json',
      );
    }
  });

  it('refuses unknown fields, wrong types and missing parts', async () => {
    const signed = await signStreamData({ account: discovery, data });
    const withData = (d: unknown) =>
      encodeStreamSignatureParam({ data: canonicalJson(d), signature: signed.signature });
    const bad: unknown[] = [
      undefined,
      '',
      42,
      'not json',
      'x'.repeat(5000),
      JSON.stringify({ data: signed.data }),
      JSON.stringify({ data: signed.data, signature: signed.signature, extra: 1 }),
      JSON.stringify({ data: 5, signature: signed.signature }),
      JSON.stringify({ data: signed.data, signature: '0x1234' }),
      JSON.stringify([signed.data, signed.signature]),
      withData({ ...data, admin: true }),
      withData({ ...data, trackId: '12' }),
      withData({ ...data, timestamp: 1.5 }),
      withData({ ...data, shouldCache: 1 }),
      withData({ ...data, expiresAt: '1' }),
      withData({ ...data, expiresAt: -1 }),
      withData({ ...data, skipPlayCount: 'true' }),
      withData({ ...data, skipPlayCount: 1 }),
      withData({ ...data, cid: '../../etc/passwd' }),
      withData({ cid: CID, timestamp: NOW }),
      withData([data]),
    ];
    for (const p of bad) {
      await rejectsWith(
        verifyStreamSignature({ param: p, cid: CID, now: NOW }),
        'malformed_signature',
      );
    }
  });

  it('refuses to sign malformed data', async () => {
    await rejectsWith(
      signStreamData({ account: discovery, data: { ...data, cid: 'nope' } }),
      'malformed_signature',
    );
    await rejectsWith(
      signStreamData({ account: discovery, data: { ...data, extra: 1 } as StreamSignatureData }),
      'malformed_signature',
    );
  });

  it('parses the parameter without verifying', async () => {
    const parsed = parseStreamSignatureParam(await param());
    assert.deepEqual(parsed.data, data);
    assert.equal(parsed.dataJson, canonicalJson(data));
  });
});
