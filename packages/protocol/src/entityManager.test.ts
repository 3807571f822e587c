import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Hex,
  concat,
  encodeAbiParameters,
  hashTypedData,
  keccak256,
  toBytes,
  toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type EntityManagerTarget,
  type ManageEntityMessage,
  ACTIONS_BY_ENTITY_TYPE,
  assertManageEntityMessage,
  entityManagerDomain,
  manageEntityTypes,
  randomNonce,
  recoverManageEntitySigner,
  signManageEntity,
  verifyManageEntitySignature,
} from './entityManager.js';
import { InvalidSignatureError, ValidationError } from './errors.js';
import { MAX_METADATA_BYTES } from './limits.js';

// Fixed test keys (never used outside tests): hardhat's well-known dev accounts 0 and 1.
const alice = privateKeyToAccount(
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
);
const mallory = privateKeyToAccount(
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
);
const target: EntityManagerTarget = {
  chainId: 31338,
  verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
};

function message(overrides: Partial<ManageEntityMessage> = {}): ManageEntityMessage {
  return {
    userId: 7n,
    entityType: 'Track',
    entityId: 42n,
    action: 'Create',
    metadata: '{"cid":"","data":{"title":"x"}}',
    nonce: `0x${'ab'.repeat(32)}`,
    ...overrides,
  };
}

/** Flips one bit of byte `index` of a 0x-hex signature. */
function flipByte(signature: Hex, index: number): Hex {
  const bytes = toBytes(signature);
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return toHex(bytes);
}

describe('EntityManager typed data', () => {
  it('uses the exact domain and type of docs/design.md §6', () => {
    // Compute the EIP-712 digest by hand from the type string, independent of viem's encoder.
    const typeString =
      'ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)';
    const domainType =
      'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';
    const m = message();
    const domainSeparator = keccak256(
      encodeAbiParameters(
        [
          { type: 'bytes32' },
          { type: 'bytes32' },
          { type: 'bytes32' },
          { type: 'uint256' },
          { type: 'address' },
        ],
        [
          keccak256(toBytes(domainType)),
          keccak256(toBytes('Entity Manager')),
          keccak256(toBytes('1')),
          BigInt(target.chainId),
          target.verifyingContract,
        ],
      ),
    );
    const structHash = keccak256(
      encodeAbiParameters(
        [
          { type: 'bytes32' },
          { type: 'uint256' },
          { type: 'bytes32' },
          { type: 'uint256' },
          { type: 'bytes32' },
          { type: 'bytes32' },
          { type: 'bytes32' },
        ],
        [
          keccak256(toBytes(typeString)),
          m.userId,
          keccak256(toBytes(m.entityType)),
          m.entityId,
          keccak256(toBytes(m.action)),
          keccak256(toBytes(m.metadata)),
          m.nonce,
        ],
      ),
    );
    const expected = keccak256(concat(['0x1901', domainSeparator, structHash]));
    const actual = hashTypedData({
      domain: entityManagerDomain(target.chainId, target.verifyingContract),
      types: manageEntityTypes,
      primaryType: 'ManageEntity',
      message: m,
    });
    assert.equal(actual, expected);
  });

  it('a signature recovers to the signer', async () => {
    const m = message();
    const signature = await signManageEntity({ account: alice, ...target, message: m });
    assert.equal(
      await recoverManageEntitySigner({ ...target, message: m, signature }),
      alice.address,
    );
    assert.equal(
      await verifyManageEntitySignature({
        ...target,
        message: m,
        signature,
        expected: alice.address,
      }),
      alice.address,
    );
  });

  it('a byte-flipped signature does not recover to the signer', async () => {
    const m = message();
    const signature = await signManageEntity({ account: alice, ...target, message: m });
    // Every byte of r and s, and v.
    for (let i = 0; i < 65; i++) {
      const flipped = flipByte(signature, i);
      let recovered: string | undefined;
      try {
        recovered = await recoverManageEntitySigner({ ...target, message: m, signature: flipped });
      } catch (error) {
        assert.ok(error instanceof InvalidSignatureError, `byte ${i}: ${String(error)}`);
        continue;
      }
      assert.notEqual(recovered, alice.address, `flipping byte ${i} still recovered the signer`);
      await assert.rejects(
        verifyManageEntitySignature({
          ...target,
          message: m,
          signature: flipped,
          expected: alice.address,
        }),
        InvalidSignatureError,
      );
    }
  });

  it('a signature over other data, chain or contract does not recover to the signer', async () => {
    const m = message();
    const signature = await signManageEntity({ account: alice, ...target, message: m });
    const variants: [typeof target, ManageEntityMessage][] = [
      [target, message({ metadata: '{"cid":"","data":{"title":"y"}}' })],
      [target, message({ userId: 8n })],
      [target, message({ entityId: 43n })],
      [target, message({ action: 'Update' })],
      [target, message({ nonce: `0x${'cd'.repeat(32)}` })],
      [{ ...target, chainId: 1 }, m],
      [{ ...target, verifyingContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' }, m],
    ];
    for (const [t, variant] of variants) {
      assert.notEqual(
        await recoverManageEntitySigner({ ...t, message: variant, signature }),
        alice.address,
      );
    }
  });

  it('an action signed by a different key than claimed is refused', async () => {
    const m = message();
    const signature = await signManageEntity({ account: mallory, ...target, message: m });
    await assert.rejects(
      verifyManageEntitySignature({ ...target, message: m, signature, expected: alice.address }),
      InvalidSignatureError,
    );
  });

  it('refuses malformed signatures', async () => {
    for (const signature of [
      '0x',
      '0x1234',
      `0x${'zz'.repeat(65)}`,
      'not hex',
      `0x${'00'.repeat(66)}`,
    ]) {
      await assert.rejects(
        recoverManageEntitySigner({ ...target, message: message(), signature: signature as Hex }),
        InvalidSignatureError,
      );
    }
    // Right length, but r = s = 0 is no point on the curve.
    await assert.rejects(
      recoverManageEntitySigner({
        ...target,
        message: message(),
        signature: `0x${'00'.repeat(64)}1b`,
      }),
      InvalidSignatureError,
    );
  });

  it('refuses non-canonical signatures that EntityManager would revert on', async () => {
    const m = message();
    const signature = await signManageEntity({ account: alice, ...target, message: m });
    const r = signature.slice(2, 66);
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = Number.parseInt(signature.slice(130), 16);
    // The malleable twin: s' = n - s with the other v recovers the same signer in plain ECDSA.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin =
      `0x${r}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    const zeroV = `0x${signature.slice(2, 130)}${(v - 27).toString(16).padStart(2, '0')}` as Hex;
    for (const bad of [twin, zeroV]) {
      await assert.rejects(
        recoverManageEntitySigner({ ...target, message: m, signature: bad }),
        (error: unknown) =>
          error instanceof InvalidSignatureError && error.code === 'malformed_signature',
      );
    }
  });

  it('treats a bad chain id or contract as a configuration error, not a bad signature', async () => {
    const m = message();
    const signature = await signManageEntity({ account: alice, ...target, message: m });
    for (const bad of [
      { chainId: 0, verifyingContract: target.verifyingContract },
      { chainId: 1.5, verifyingContract: target.verifyingContract },
      { chainId: 1, verifyingContract: '0x1234' as const },
    ]) {
      await assert.rejects(
        recoverManageEntitySigner({ ...bad, message: m, signature }),
        (error: unknown) => {
          assert.ok(!(error instanceof InvalidSignatureError));
          assert.match(String(error), /Invalid EntityManager target/);
          return true;
        },
      );
    }
  });

  it('refuses malformed messages before signing', async () => {
    const bad: Partial<Record<keyof ManageEntityMessage, unknown>>[] = [
      { userId: 0n },
      { userId: 2n ** 53n },
      { entityId: 2n ** 100n },
      { userId: -1n },
      { userId: 7 },
      { userId: 2n ** 256n },
      { entityId: '42' },
      { entityType: 'Comment' },
      { entityType: 'user' },
      { action: 'Destroy' },
      { entityType: 'User', action: 'Delete' },
      { entityType: 'Track', action: 'Follow' },
      { metadata: 5 },
      { metadata: 'x'.repeat(MAX_METADATA_BYTES + 1) },
      // Multi-byte characters count in bytes: 5,121 two-byte characters are over 10 KiB.
      { metadata: 'é'.repeat(MAX_METADATA_BYTES / 2 + 1) },
      { nonce: '0x1234' },
      { nonce: `0x${'gg'.repeat(32)}` },
      { nonce: 'ab'.repeat(32) },
    ];
    for (const overrides of bad) {
      const m = { ...message(), ...overrides } as ManageEntityMessage;
      assert.throws(
        () => assertManageEntityMessage(m),
        ValidationError,
        JSON.stringify(overrides, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
      );
      await assert.rejects(
        signManageEntity({ account: alice, ...target, message: m }),
        ValidationError,
      );
    }
  });

  it('every entity type and action pair in the table is signable', async () => {
    for (const [entityType, actions] of Object.entries(ACTIONS_BY_ENTITY_TYPE)) {
      for (const action of actions) {
        const m = message({
          entityType: entityType as ManageEntityMessage['entityType'],
          action,
          metadata: '',
        });
        const signature = await signManageEntity({ account: alice, ...target, message: m });
        assert.equal(
          await recoverManageEntitySigner({ ...target, message: m, signature }),
          alice.address,
        );
      }
    }
  });

  it('makes random 32-byte nonces', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => randomNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.match(nonce, /^0x[0-9a-f]{64}$/);
  });
});
