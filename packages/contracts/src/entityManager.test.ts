import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import { entityManagerAbi } from '@coliving/contracts';
import {
  type ManageEntityMessage,
  InvalidSignatureError,
  entityManagerDomain,
  randomNonce,
  recoverManageEntitySigner,
  signManageEntity,
  verifyManageEntitySignature,
} from '@coliving/protocol';
import {
  type Address,
  type Hex,
  type PrivateKeyAccount,
  concat,
  hashDomain,
  keccak256,
  numberToHex,
  parseEventLogs,
  parseSignature,
  serializeSignature,
  sliceHex,
  toBytes,
  zeroAddress,
  zeroHash,
} from 'viem';

/** secp256k1's group order: `n - s` is the other, "high" s of the same signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('EntityManager', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let entityManager: Address;
  let chainId: number;
  /** The user's wallet (user 7), a relay's gas wallet, and someone else. */
  let user: PrivateKeyAccount;
  let relayer: PrivateKeyAccount;
  let mallory: PrivateKeyAccount;

  function action(overrides: Partial<ManageEntityMessage> = {}): ManageEntityMessage {
    return {
      userId: 7n,
      entityType: 'Track',
      entityId: 42n,
      action: 'Create',
      metadata: '{"cid":"","data":{"title":"Night Drive","genre":"Electronic"}}',
      nonce: randomNonce(),
      ...overrides,
    };
  }

  async function sign(account: PrivateKeyAccount, message: ManageEntityMessage): Promise<Hex> {
    return signManageEntity({ account, chainId, verifyingContract: entityManager, message });
  }

  /** Submits `message` with `signature` from `from` (a relay) and returns the mined receipt. */
  async function submit(message: ManageEntityMessage, signature: Hex, from = relayer) {
    const hash = await write(message, signature, from);
    const receipt = await net.dataPublic.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success');
    return receipt;
  }

  function write(message: ManageEntityMessage, signature: Hex, from = relayer) {
    const { userId, entityType, entityId, action: verb, metadata, nonce } = message;
    return net
      .contractsFor(from)
      .entityManager.write.manageEntity([
        userId,
        entityType,
        entityId,
        verb,
        metadata,
        nonce,
        signature,
      ]);
  }

  function manageEntityEvents(logs: Parameters<typeof parseEventLogs>[0]['logs']) {
    return parseEventLogs({ abi: entityManagerAbi, eventName: 'ManageEntity', logs });
  }

  async function eventsSignedBy(signer: Address) {
    return net.dataPublic.getContractEvents({
      address: entityManager,
      abi: entityManagerAbi,
      eventName: 'ManageEntity',
      args: { signer },
      fromBlock: 0n,
    });
  }

  before(async () => {
    net = await startTestNetwork();
    entityManager = net.manifest.contracts.data.EntityManager;
    chainId = net.manifest.chains.data.chainId;
    [, relayer, , user, mallory] = net.accounts as [
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
    ];
  });
  beforeEach(async () => {
    revert = await net.snapshot();
  });
  afterEach(async () => {
    await revert();
  });
  after(async () => {
    await net?.stop();
  });

  it('records a signed action with its exact fields and the recovered signer', async () => {
    const message = action();
    const signature = await sign(user, message);
    const receipt = await submit(message, signature);
    assert.equal(receipt.from, relayer.address.toLowerCase());
    const events = manageEntityEvents(receipt.logs);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.address, entityManager.toLowerCase());
    assert.deepEqual(events[0]!.args, {
      userId: 7n,
      signer: user.address,
      entityType: 'Track',
      entityId: 42n,
      metadata: '{"cid":"","data":{"title":"Night Drive","genre":"Electronic"}}',
      action: 'Create',
    });
    const { entityManager: em } = net.contractsFor(relayer);
    assert.equal(await em.read.usedNonces([user.address, message.nonce]), true);
    assert.equal(await em.read.usedNonces([relayer.address, message.nonce]), false);
    // userId and signer are indexed: an indexer can filter on them.
    assert.equal((await eventsSignedBy(user.address)).length, 1);
    assert.equal((await eventsSignedBy(relayer.address)).length, 0);

    // The user may also submit with their own gas; follows carry empty metadata.
    const follow = action({ entityType: 'User', entityId: 8n, action: 'Follow', metadata: '' });
    const own = await submit(follow, await sign(user, follow), user);
    assert.deepEqual(manageEntityEvents(own.logs)[0]!.args, {
      userId: 7n,
      signer: user.address,
      entityType: 'User',
      entityId: 8n,
      metadata: '',
      action: 'Follow',
    });
    assert.equal((await eventsSignedBy(user.address)).length, 2);
  });

  it('signs against the EIP-712 domain and type of docs/design.md §6', async () => {
    const { entityManager: em } = net.contractsFor(relayer);
    assert.equal(chainId, 31338);
    assert.equal(
      await em.read.domainSeparator(),
      hashDomain({
        domain: { ...entityManagerDomain(chainId, entityManager), chainId: BigInt(chainId) },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
        },
      }),
    );
    assert.deepEqual(await em.read.eip712Domain(), [
      '0x0f',
      'Entity Manager',
      '1',
      31338n,
      entityManager,
      zeroHash,
      [],
    ]);
    assert.equal(
      await em.read.MANAGE_ENTITY_TYPEHASH(),
      keccak256(
        toBytes(
          'ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)',
        ),
      ),
    );
  });

  it('replaying an EntityManager signature fails', async () => {
    const message = action();
    const signature = await sign(user, message);
    await submit(message, signature);
    // Whoever replays it, with the relay's gas or another's.
    for (const from of [relayer, mallory, user]) {
      assert.deepEqual(await expectRevert(write(message, signature, from), 'NonceAlreadyUsed'), [
        user.address,
        message.nonce,
      ]);
    }
    // A fresh signature over the same nonce is a replay too, even with other content.
    const sameNonce = action({ nonce: message.nonce, action: 'Update' });
    await expectRevert(write(sameNonce, await sign(user, sameNonce)), 'NonceAlreadyUsed');
    assert.equal((await eventsSignedBy(user.address)).length, 1);

    // Nonces are per signer: another wallet may use the same bytes.
    const theirs = action({ userId: 9n, nonce: message.nonce });
    const receipt = await submit(theirs, await sign(mallory, theirs));
    assert.equal(manageEntityEvents(receipt.logs)[0]!.args.signer, mallory.address);
  });

  it('an EntityManager action signed by a different key than claimed is not attributed to the claimed user', async () => {
    // Mallory claims to be user 7 (whose wallet is `user`) and signs with her own key.
    const message = action({ action: 'Update', entityType: 'User', entityId: 7n });
    const signature = await sign(mallory, message);
    const receipt = await submit(message, signature);
    const [event] = manageEntityEvents(receipt.logs);
    assert.equal(event!.args.userId, 7n);
    assert.equal(event!.args.signer, mallory.address);
    assert.notEqual(event!.args.signer, user.address);

    const target = { chainId, verifyingContract: entityManager };
    await assert.rejects(
      verifyManageEntitySignature({ ...target, message, signature, expected: user.address }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSignatureError);
        assert.equal(error.name, 'InvalidSignatureError');
        return true;
      },
    );
    assert.equal(
      await recoverManageEntitySigner({ ...target, message, signature }),
      mallory.address,
    );
    assert.equal(
      await verifyManageEntitySignature({
        ...target,
        message,
        signature,
        expected: mallory.address,
      }),
      mallory.address,
    );
    assert.equal((await eventsSignedBy(user.address)).length, 0);
    const { entityManager: em } = net.contractsFor(relayer);
    assert.equal(await em.read.usedNonces([user.address, message.nonce]), false);
  });

  it('a signature made for another chain or contract recovers someone else', async () => {
    const message = action();
    const otherChain = await signManageEntity({
      account: user,
      chainId: net.manifest.chains.eth.chainId,
      verifyingContract: entityManager,
      message,
    });
    const otherContract = await signManageEntity({
      account: user,
      chainId,
      verifyingContract: net.manifest.contracts.eth.DgcoToken,
      message,
    });
    for (const signature of [otherChain, otherContract]) {
      const [event] = manageEntityEvents((await submit(message, signature)).logs);
      assert.notEqual(event!.args.signer, user.address);
      assert.notEqual(event!.args.signer, zeroAddress);
    }
    assert.equal((await eventsSignedBy(user.address)).length, 0);
  });

  it('a malformed signature reverts and uses up nothing', async () => {
    const message = action();
    const signature = await sign(user, message);
    const cases: [Hex, string, readonly unknown[]][] = [
      ['0x', 'ECDSAInvalidSignatureLength', [0n]],
      ['0x1234', 'ECDSAInvalidSignatureLength', [2n]],
      // The 64-byte compact form (EIP-2098) is not accepted.
      [sliceHex(signature, 0, 64), 'ECDSAInvalidSignatureLength', [64n]],
      [concat([signature, '0x00']), 'ECDSAInvalidSignatureLength', [66n]],
      [`0x${'00'.repeat(65)}`, 'ECDSAInvalidSignature', []],
      // A valid r and s with a v that is neither 27 nor 28.
      [concat([sliceHex(signature, 0, 64), '0x1d']), 'ECDSAInvalidSignature', []],
    ];
    // The same signature with the high s (the malleable twin) is refused, not a second nonce.
    const { r, s, yParity } = parseSignature(signature);
    const highS = numberToHex(SECP256K1_N - BigInt(s), { size: 32 });
    cases.push([
      serializeSignature({ r, s: highS, yParity: 1 - yParity }),
      'ECDSAInvalidSignatureS',
      [highS],
    ]);
    for (const [bad, error, args] of cases) {
      assert.deepEqual(await expectRevert(write(message, bad), error), args, `${error} ${bad}`);
    }
    const { entityManager: em } = net.contractsFor(relayer);
    assert.equal(await em.read.usedNonces([user.address, message.nonce]), false);
    assert.equal((await eventsSignedBy(user.address)).length, 0);
    // The well-formed signature still works afterwards.
    const [event] = manageEntityEvents((await submit(message, signature)).logs);
    assert.equal(event!.args.signer, user.address);
  });

  it('a field changed after signing yields a different signer', async () => {
    const message = action();
    const signature = await sign(user, message);
    const target = { chainId, verifyingContract: entityManager };
    const tampered: ManageEntityMessage[] = [
      { ...message, metadata: '{"cid":"","data":{"title":"Stolen","genre":"Electronic"}}' },
      { ...message, userId: 8n },
      { ...message, entityId: 43n },
      { ...message, entityType: 'Playlist' },
      { ...message, action: 'Update' },
      { ...message, nonce: randomNonce() },
    ];
    const signers = new Set<Address>();
    for (const changed of tampered) {
      const [event] = manageEntityEvents((await submit(changed, signature)).logs);
      const signer = event!.args.signer;
      assert.notEqual(signer, user.address);
      assert.equal(
        signer,
        await recoverManageEntitySigner({ ...target, message: changed, signature }),
      );
      assert.equal(event!.args.metadata, changed.metadata);
      signers.add(signer);
    }
    assert.equal(signers.size, tampered.length);
    assert.equal((await eventsSignedBy(user.address)).length, 0);
    // The untampered action was never recorded, so it still goes through once.
    const [event] = manageEntityEvents((await submit(message, signature)).logs);
    assert.equal(event!.args.signer, user.address);
  });

  describe('manageEntities (batches)', () => {
    async function writeBatch(items: { message: ManageEntityMessage; signature: Hex }[]) {
      return net
        .contractsFor(relayer)
        .entityManager.write.manageEntities([
          items.map(({ message, signature }) => ({ ...message, signature })),
        ]);
    }

    it('records every action in order, each attributed to its own signer', async () => {
      const items = [
        { message: action({ entityId: 1n }), by: user },
        {
          message: action({
            userId: 9n,
            entityType: 'User',
            entityId: 7n,
            action: 'Follow',
            metadata: '',
          }),
          by: mallory,
        },
        { message: action({ entityId: 2n, action: 'Update' }), by: user },
      ];
      const signed = await Promise.all(
        items.map(async ({ message, by }) => ({ message, signature: await sign(by, message) })),
      );
      const receipt = await net.dataPublic.waitForTransactionReceipt({
        hash: await writeBatch(signed),
      });
      assert.equal(receipt.status, 'success');
      const events = manageEntityEvents(receipt.logs);
      assert.deepEqual(
        events.map((e) => e.args),
        items.map(({ message, by }) => ({
          userId: message.userId,
          signer: by.address,
          entityType: message.entityType,
          entityId: message.entityId,
          metadata: message.metadata,
          action: message.action,
        })),
      );
      for (const { message, by } of items) {
        assert.equal(
          await net
            .contractsFor(relayer)
            .entityManager.read.usedNonces([by.address, message.nonce]),
          true,
        );
      }
    });

    it('skips an action whose nonce was used meanwhile and records the rest', async () => {
      const first = action({ entityId: 1n });
      const firstSignature = await sign(user, first);
      // Someone front-runs the batch with one of its actions alone.
      await submit(first, firstSignature);
      const fresh = action({ entityId: 2n });
      const freshSignature = await sign(user, fresh);
      const receipt = await net.dataPublic.waitForTransactionReceipt({
        hash: await writeBatch([
          { message: first, signature: firstSignature },
          { message: fresh, signature: freshSignature },
        ]),
      });
      assert.equal(receipt.status, 'success');
      assert.deepEqual(
        manageEntityEvents(receipt.logs).map((e) => e.args.entityId),
        [2n],
      );
      const [skipped] = parseEventLogs({
        abi: entityManagerAbi,
        eventName: 'ManageEntitySkipped',
        logs: receipt.logs,
      });
      assert.deepEqual(skipped?.args, { signer: user.address, nonce: first.nonce });
      assert.equal(
        await net.contractsFor(relayer).entityManager.read.usedNonces([user.address, fresh.nonce]),
        true,
      );
      // The single-action entry point still refuses a replay outright.
      await expectRevert(write(first, firstSignature), 'NonceAlreadyUsed');
    });

    it('refuses a malformed signature anywhere in the batch', async () => {
      const good = action();
      await expectRevert(
        writeBatch([
          { message: good, signature: await sign(user, good) },
          { message: action(), signature: '0x1234' },
        ]),
        'ECDSAInvalidSignatureLength',
      );
    });
  });
});
