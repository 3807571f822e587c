import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createChainWallet } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import {
  PERMIT_TYPES,
  type PaymentAuthorization,
  type PaymentPermit,
  paymentTypedData,
  splitAmount,
} from '@coliving/protocol';
import {
  type Address,
  type Hex,
  type PrivateKeyAccount,
  getContract,
  hashTypedData,
  parseEther,
  parseEventLogs,
  parseSignature,
  zeroAddress,
  zeroHash,
} from 'viem';

/** The token's errors, so a revert the token raises under PaymentRouter decodes by name. */
const tokenErrors = dgcoTokenAbi.filter((item) => item.type === 'error');

/** "No permit": the payer approved PaymentRouter before. */
const NO_PERMIT: PaymentPermit = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash };

describe('PaymentRouter', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let token: Address;
  let router: Address;
  let chainId: number;
  let payer: PrivateKeyAccount;
  let artist: PrivateKeyAccount;
  let label: PrivateKeyAccount;
  let platform: PrivateKeyAccount;
  /** A discovery node's relayer: pays the gas, holds no DGCO, is trusted with nothing. */
  let relayer: PrivateKeyAccount;
  let nextNonce = 1n;

  /** PaymentRouter as `account`, able to name the token's errors too. */
  function routerAs(account: PrivateKeyAccount) {
    return getContract({
      address: router,
      abi: [...paymentRouterAbi, ...tokenErrors],
      client: {
        public: net.ethPublic,
        wallet: createChainWallet('eth', net.manifest.chains.eth, account),
      },
    });
  }

  async function approve(account: PrivateKeyAccount, amount: bigint) {
    await net.mined(await net.contractsFor(account).token.write.approve([router, amount]));
  }

  async function balances(...accounts: Address[]): Promise<bigint[]> {
    return Promise.all(accounts.map((a) => net.balanceOf(a)));
  }

  async function inAnHour(): Promise<bigint> {
    return (await net.ethPublic.getBlock()).timestamp + 3600n;
  }

  /** An authorization by `signer` (the payer unless a test says otherwise), signed with the protocol's typed data. */
  async function authorize(
    signer: PrivateKeyAccount,
    fields: Partial<PaymentAuthorization> &
      Pick<PaymentAuthorization, 'amount' | 'recipients' | 'basisPoints'>,
  ): Promise<{ authorization: PaymentAuthorization; signature: Hex }> {
    const authorization: PaymentAuthorization = {
      payer: signer.address,
      token,
      ref: 'track:123',
      nonce: nextNonce++,
      deadline: await inAnHour(),
      ...fields,
    };
    const signature = await signer.signTypedData(paymentTypedData(chainId, router, authorization));
    return { authorization, signature };
  }

  /** Submits as the relayer (or `submitter`). */
  function submit(
    authorization: PaymentAuthorization,
    signature: Hex,
    permit: PaymentPermit = NO_PERMIT,
    submitter: PrivateKeyAccount = relayer,
  ) {
    return routerAs(submitter).write.payBySig([authorization, signature, permit]);
  }

  /** Signs an EIP-2612 permit for PaymentRouter to spend `value` of `owner`'s DGCO. */
  async function signPermit(
    owner: PrivateKeyAccount,
    value: bigint,
    deadline: bigint,
  ): Promise<PaymentPermit> {
    const signature = await owner.signTypedData({
      domain: { name: 'Coliving', version: '1', chainId, verifyingContract: token },
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: {
        owner: owner.address,
        spender: router,
        value,
        nonce: await net.contractsFor(owner).token.read.nonces([owner.address]),
        deadline,
      },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { value, deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
  }

  before(async () => {
    net = await startTestNetwork();
    token = net.manifest.contracts.eth.DgcoToken;
    router = net.manifest.contracts.eth.PaymentRouter;
    chainId = net.manifest.chains.eth.chainId;
    [, payer, artist, label, platform] = net.accounts as [
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
    ];
    relayer = net.accounts[8]!;
    await net.mined(
      await net
        .contractsFor(net.deployer)
        .token.write.transfer([payer.address, parseEther('1000')]),
    );
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

  it('has its limits and signs under the protocol’s typed data', async () => {
    const r = routerAs(payer);
    assert.equal(await r.read.TOTAL_BASIS_POINTS(), 10_000n);
    assert.equal(await r.read.MAX_RECIPIENTS(), 20n);
    assert.equal(await r.read.MAX_REF_LENGTH(), 128n);
    const { authorization } = await authorize(payer, {
      amount: 5n,
      recipients: [artist.address, label.address],
      basisPoints: [9000, 1000],
      ref: 'playlist:4',
    });
    // The contract's digest is exactly what @coliving/protocol's typed data hashes to.
    assert.equal(
      await r.read.hashAuthorization([authorization]),
      hashTypedData(paymentTypedData(chainId, router, authorization)),
    );
  });

  it('pays a relayed authorization exactly its splits from a prior approval and emits Payment', async () => {
    const amount = parseEther('10');
    await approve(payer, amount);
    const recipients = [artist.address, label.address, platform.address];
    const { authorization, signature } = await authorize(payer, {
      amount,
      recipients,
      basisPoints: [7000, 2000, 1000],
      nonce: 77n,
    });
    const relayerEth = await net.ethPublic.getBalance({ address: relayer.address });
    const receipt = await net.mined(await submit(authorization, signature));
    assert.deepEqual(await balances(artist.address, label.address, platform.address), [
      parseEther('7'),
      parseEther('2'),
      parseEther('1'),
    ]);
    assert.equal(await net.balanceOf(payer.address), parseEther('990'));
    assert.equal(await net.balanceOf(relayer.address), 0n, 'the relayer gets nothing');
    assert.equal(await net.balanceOf(router), 0n, 'the router holds nothing');
    assert.equal(await net.contractsFor(payer).token.read.allowance([payer.address, router]), 0n);
    assert.ok(
      (await net.ethPublic.getBalance({ address: relayer.address })) < relayerEth,
      'the relayer paid the gas',
    );
    assert.equal(await routerAs(payer).read.nonceUsed([payer.address, 77n]), true);
    assert.equal(await routerAs(payer).read.nonceUsed([payer.address, 78n]), false);

    const payments = parseEventLogs({
      abi: paymentRouterAbi,
      eventName: 'Payment',
      logs: receipt.logs,
    });
    assert.equal(payments.length, 1);
    assert.equal(payments[0]!.address.toLowerCase(), router.toLowerCase());
    assert.deepEqual(payments[0]!.args, {
      payer: payer.address,
      token,
      amount,
      recipients,
      basisPoints: [7000, 2000, 1000],
      ref: 'track:123',
      nonce: 77n,
    });
    const transfers = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Transfer',
      logs: receipt.logs,
    });
    assert.deepEqual(
      transfers.map((t) => t.args),
      [
        { from: payer.address, to: artist.address, value: parseEther('7') },
        { from: payer.address, to: label.address, value: parseEther('2') },
        { from: payer.address, to: platform.address, value: parseEther('1') },
      ],
    );
  });

  it('rounds every share down and gives the remainder to the last recipient, as splitAmount says', async () => {
    await approve(payer, parseEther('1000'));
    const three = [artist.address, label.address, platform.address];
    const thirds = [3333, 3333, 3334];
    let expected = [0n, 0n, 0n];
    for (const amount of [10n, 123_456_789n, parseEther('500') + 7n]) {
      const { authorization, signature } = await authorize(payer, {
        amount,
        recipients: three,
        basisPoints: thirds,
      });
      const receipt = await net.mined(await submit(authorization, signature));
      const shares = splitAmount(amount, thirds);
      assert.deepEqual(
        parseEventLogs({ abi: dgcoTokenAbi, eventName: 'Transfer', logs: receipt.logs }).map(
          (t) => t.args.value,
        ),
        shares,
      );
      expected = expected.map((b, i) => b + shares[i]!);
    }
    assert.deepEqual(splitAmount(10n, thirds), [3n, 3n, 4n]);
    assert.deepEqual(splitAmount(parseEther('500') + 7n, thirds), [
      166_650_000_000_000_000_002n,
      166_650_000_000_000_000_002n,
      166_700_000_000_000_000_003n,
    ]);
    assert.deepEqual(await balances(...three), expected);

    // A share that rounds to zero moves nothing; the last recipient still gets the whole wei.
    const { authorization, signature } = await authorize(payer, {
      amount: 1n,
      recipients: [label.address, platform.address],
      basisPoints: [5000, 5000],
    });
    const tiny = await net.mined(await submit(authorization, signature));
    assert.deepEqual(
      parseEventLogs({ abi: dgcoTokenAbi, eventName: 'Transfer', logs: tiny.logs }).map(
        (t) => t.args,
      ),
      [{ from: payer.address, to: platform.address, value: 1n }],
    );
    assert.equal(
      await net.balanceOf(payer.address),
      parseEther('1000') - 10n - 123_456_789n - (parseEther('500') + 7n) - 1n,
    );
  });

  it('pays a single recipient everything and up to twenty recipients exactly', async () => {
    await approve(payer, parseEther('1000'));
    const one = await authorize(payer, {
      amount: 999n,
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    await net.mined(await submit(one.authorization, one.signature));
    assert.equal(await net.balanceOf(artist.address), 999n);

    const twenty = net.accounts.slice(0, 20).map((a) => a.address);
    const before = await balances(...twenty);
    const many = await authorize(payer, {
      amount: 20_000n,
      recipients: twenty,
      basisPoints: Array<number>(20).fill(500),
      ref: 'playlist:9',
    });
    await net.mined(await submit(many.authorization, many.signature));
    const after = await balances(...twenty);
    // The payer is among them: pays 20,000 and gets 1,000 back.
    assert.deepEqual(
      after.map((b, i) => b - before[i]!),
      twenty.map((a) => (a === payer.address ? -19_000n : 1_000n)),
    );
  });

  it('pays with a permit instead of a prior approval', async () => {
    const amount = parseEther('5');
    const permit = await signPermit(payer, amount, await inAnHour());
    const { authorization, signature } = await authorize(payer, {
      amount,
      recipients: [artist.address, label.address],
      basisPoints: [8000, 2000],
    });
    const receipt = await net.mined(await submit(authorization, signature, permit));
    assert.deepEqual(await balances(artist.address, label.address, payer.address), [
      parseEther('4'),
      parseEther('1'),
      parseEther('995'),
    ]);
    const { token: t } = net.contractsFor(payer);
    assert.equal(await t.read.nonces([payer.address]), 1n);
    assert.equal(await t.read.allowance([payer.address, router]), 0n);
    const [payment] = parseEventLogs({
      abi: paymentRouterAbi,
      eventName: 'Payment',
      logs: receipt.logs,
    });
    assert.equal(payment!.args.ref, 'track:123');
    assert.equal(payment!.args.amount, amount);
  });

  it('ignores a permit someone used first and pays from the allowance it set', async () => {
    const amount = parseEther('5');
    const permit = await signPermit(payer, amount, await inAnHour());
    // A front-runner spends the permit on the token directly: the allowance is set all the same.
    await net.mined(
      await net
        .contractsFor(net.accounts[9]!)
        .token.write.permit([
          payer.address,
          router,
          permit.value,
          permit.deadline,
          permit.v,
          permit.r,
          permit.s,
        ]),
    );
    const { authorization, signature } = await authorize(payer, {
      amount,
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    await net.mined(await submit(authorization, signature, permit));
    assert.equal(await net.balanceOf(artist.address), amount);
    assert.equal(await net.balanceOf(payer.address), parseEther('995'));
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 1n);

    // Used once, the same permit sets nothing again: a second payment finds no allowance.
    const again = await authorize(payer, {
      amount,
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    assert.deepEqual(
      await expectRevert(
        submit(again.authorization, again.signature, permit),
        'ERC20InsufficientAllowance',
      ),
      [router, 0n, amount],
    );
    assert.equal(await net.balanceOf(payer.address), parseEther('995'));
  });

  it("cannot pay with someone else's permit or an expired one", async () => {
    const attacker = net.accounts[9]!;
    const amount = parseEther('5');
    const permit = await signPermit(payer, amount, await inAnHour());
    // The permit is the payer's; an authorization by the attacker pays from the attacker.
    const theirs = await authorize(attacker, {
      amount,
      recipients: [attacker.address],
      basisPoints: [10_000],
      ref: 'tip:1',
    });
    assert.deepEqual(
      await expectRevert(
        submit(theirs.authorization, theirs.signature, permit),
        'ERC20InsufficientAllowance',
      ),
      [router, 0n, amount],
    );
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 0n);

    const past = (await net.ethPublic.getBlock()).timestamp - 1n;
    const expired = await signPermit(payer, amount, past);
    const mine = await authorize(payer, {
      amount,
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    await expectRevert(
      submit(mine.authorization, mine.signature, expired),
      'ERC20InsufficientAllowance',
    );
    assert.equal(await net.balanceOf(artist.address), 0n);
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
  });

  it('refuses every signed field the submitter changes (InvalidSignature) and nothing moves', async () => {
    await approve(payer, parseEther('1000'));
    const attacker = net.accounts[9]!;
    const { authorization: signed, signature } = await authorize(payer, {
      amount: parseEther('10'),
      recipients: [artist.address, label.address],
      basisPoints: [8000, 2000],
      ref: 'track:123',
    });
    const tampered: [string, PaymentAuthorization][] = [
      ['payer', { ...signed, payer: label.address }],
      ['token', { ...signed, token: router }],
      ['amount up', { ...signed, amount: parseEther('100') }],
      ['amount down', { ...signed, amount: parseEther('1') }],
      ['recipient swapped', { ...signed, recipients: [attacker.address, label.address] }],
      ['recipients reordered', { ...signed, recipients: [label.address, artist.address] }],
      [
        'recipient added',
        {
          ...signed,
          recipients: [artist.address, label.address, attacker.address],
          basisPoints: [7000, 2000, 1000],
        },
      ],
      ['basis points', { ...signed, basisPoints: [2000, 8000] }],
      ['ref', { ...signed, ref: 'track:124' }],
      ['ref kind', { ...signed, ref: 'tip:123' }],
      ['nonce', { ...signed, nonce: signed.nonce + 1n }],
      ['deadline', { ...signed, deadline: signed.deadline + 1n }],
    ];
    for (const [field, authorization] of tampered) {
      await expectRevert(submit(authorization, signature), 'InvalidSignature').catch((error) => {
        throw new Error(`tampered ${field}: ${String(error)}`);
      });
    }
    // A signature by someone else than the payer, and garbage, are refused alike.
    const forged = await attacker.signTypedData(paymentTypedData(chainId, router, signed));
    await expectRevert(submit(signed, forged), 'InvalidSignature');
    await expectRevert(submit(signed, `0x${'11'.repeat(65)}`), 'InvalidSignature');
    await expectRevert(submit(signed, '0x'), 'InvalidSignature');
    assert.deepEqual(await balances(payer.address, artist.address, label.address), [
      parseEther('1000'),
      0n,
      0n,
    ]);
    assert.equal(await net.balanceOf(attacker.address), 0n);

    // None of it spent the nonce: the authorization as signed still pays, once.
    await net.mined(await submit(signed, signature));
    assert.deepEqual(await balances(payer.address, artist.address, label.address), [
      parseEther('990'),
      parseEther('8'),
      parseEther('2'),
    ]);
  });

  it('pays an authorization once: a replay fails with NonceAlreadyUsed', async () => {
    await approve(payer, parseEther('1000'));
    const { authorization, signature } = await authorize(payer, {
      amount: parseEther('3'),
      recipients: [artist.address],
      basisPoints: [10_000],
      nonce: 2n ** 128n - 1n,
    });
    await net.mined(await submit(authorization, signature));
    assert.deepEqual(await expectRevert(submit(authorization, signature), 'NonceAlreadyUsed'), [
      payer.address,
      2n ** 128n - 1n,
    ]);
    // Resubmitted by the payer itself, or by another relayer: the same.
    await expectRevert(
      submit(authorization, signature, NO_PERMIT, net.accounts[7]),
      'NonceAlreadyUsed',
    );
    // Another payment under the same nonce, even signed anew, is refused too.
    const other = await authorize(payer, {
      amount: parseEther('1'),
      recipients: [label.address],
      basisPoints: [10_000],
      nonce: 2n ** 128n - 1n,
    });
    await expectRevert(submit(other.authorization, other.signature), 'NonceAlreadyUsed');
    assert.equal(await net.balanceOf(artist.address), parseEther('3'));
    assert.equal(await net.balanceOf(label.address), 0n);
    assert.equal(await net.balanceOf(payer.address), parseEther('997'));

    // Nonces are per payer: another payer's same nonce is free.
    await net.mined(
      await net.contractsFor(net.deployer).token.write.transfer([label.address, parseEther('5')]),
    );
    await approve(label, parseEther('5'));
    const labels = await authorize(label, {
      amount: parseEther('5'),
      recipients: [artist.address],
      basisPoints: [10_000],
      nonce: 2n ** 128n - 1n,
    });
    await net.mined(await submit(labels.authorization, labels.signature));
    assert.equal(await net.balanceOf(artist.address), parseEther('8'));
  });

  it('refuses an expired authorization (AuthorizationExpired)', async () => {
    await approve(payer, parseEther('1000'));
    const now = (await net.ethPublic.getBlock()).timestamp;
    const past = await authorize(payer, {
      amount: 100n,
      recipients: [artist.address],
      basisPoints: [10_000],
      deadline: now - 1n,
    });
    assert.deepEqual(
      await expectRevert(submit(past.authorization, past.signature), 'AuthorizationExpired'),
      [now - 1n],
    );
    // Good when signed; void once the chain's time passes its deadline.
    const timed = await authorize(payer, {
      amount: 100n,
      recipients: [artist.address],
      basisPoints: [10_000],
      deadline: now + 100n,
    });
    await net.ethChain.provider.request({ method: 'evm_increaseTime', params: [200] });
    await net.mine(1);
    await expectRevert(submit(timed.authorization, timed.signature), 'AuthorizationExpired');
    assert.equal(await net.balanceOf(artist.address), 0n);
    assert.equal(
      await routerAs(payer).read.nonceUsed([payer.address, timed.authorization.nonce]),
      false,
    );
  });

  it('fails without an approval or a balance that covers the amount', async () => {
    const short = await authorize(payer, {
      amount: 100n,
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    assert.deepEqual(
      await expectRevert(
        submit(short.authorization, short.signature),
        'ERC20InsufficientAllowance',
      ),
      [router, 0n, 100n],
    );
    await approve(payer, parseEther('2000'));
    const tooMuch = await authorize(payer, {
      amount: parseEther('1001'),
      recipients: [artist.address],
      basisPoints: [10_000],
    });
    assert.deepEqual(
      await expectRevert(
        submit(tooMuch.authorization, tooMuch.signature),
        'ERC20InsufficientBalance',
      ),
      [payer.address, parseEther('1000'), parseEther('1001')],
    );
    assert.equal(await net.balanceOf(artist.address), 0n);
    // A failed payment leaves its nonce unspent (the whole call reverted).
    assert.equal(
      await routerAs(payer).read.nonceUsed([payer.address, tooMuch.authorization.nonce]),
      false,
    );
  });

  it('refuses every malformed payment, even signed, with its own error', async () => {
    await approve(payer, parseEther('1000'));
    const one = [artist.address];
    const twentyOne = net.accounts.slice(0, 20).map((a) => a.address);
    twentyOne.push(artist.address);
    async function refused(
      fields: Pick<PaymentAuthorization, 'amount' | 'recipients' | 'basisPoints'> &
        Partial<PaymentAuthorization>,
      error: string,
    ) {
      const { authorization, signature } = await authorize(payer, fields);
      return expectRevert(submit(authorization, signature), error);
    }

    await refused({ amount: 0n, recipients: one, basisPoints: [10_000] }, 'ZeroAmount');
    await refused({ amount: 1n, recipients: [], basisPoints: [] }, 'NoRecipients');
    assert.deepEqual(
      await refused(
        { amount: 1000n, recipients: twentyOne, basisPoints: Array<number>(21).fill(1) },
        'TooManyRecipients',
      ),
      [21n],
    );
    assert.deepEqual(
      await refused(
        { amount: 1000n, recipients: [artist.address, label.address], basisPoints: [10_000] },
        'LengthMismatch',
      ),
      [2n, 1n],
    );
    assert.deepEqual(
      await refused(
        { amount: 1000n, recipients: one, basisPoints: [5000, 5000] },
        'LengthMismatch',
      ),
      [1n, 2n],
    );
    await refused(
      { amount: 1000n, recipients: [artist.address, zeroAddress], basisPoints: [5000, 5000] },
      'ZeroRecipient',
    );
    await refused(
      { amount: 1000n, recipients: [artist.address, label.address], basisPoints: [10_000, 0] },
      'ZeroSplit',
    );
    assert.deepEqual(
      await refused(
        { amount: 1000n, recipients: one, basisPoints: [10_000], ref: 'x'.repeat(129) },
        'RefTooLong',
      ),
      [129n],
    );
    // The limit is in bytes, not characters.
    assert.deepEqual(
      await refused(
        { amount: 1000n, recipients: one, basisPoints: [10_000], ref: 'é'.repeat(65) },
        'RefTooLong',
      ),
      [130n],
    );
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
    assert.equal(await net.balanceOf(artist.address), 0n);

    // Exactly at the limits is fine.
    for (const ref of ['x'.repeat(128), '']) {
      const { authorization, signature } = await authorize(payer, {
        amount: 1000n,
        recipients: one,
        basisPoints: [10_000],
        ref,
      });
      await net.mined(await submit(authorization, signature));
    }
    assert.equal(await net.balanceOf(artist.address), 2000n);
  });

  it('refuses splits that do not sum to 10,000, and a permit with them is not consumed', async () => {
    await approve(payer, parseEther('1000'));
    const two = [artist.address, label.address];
    // Under: the payer would keep a share; over: recipients would take more than was paid.
    for (const [splits, sum] of [
      [[5000, 4999], 9999n],
      [[1, 1], 2n],
      [[5000, 5001], 10_001n],
      [[9000, 9000], 18_000n],
      // uint16 parts summed in uint256: no wrap-around to 10,000.
      [[65_535, 65_535], 131_070n],
    ] as const) {
      const { authorization, signature } = await authorize(payer, {
        amount: parseEther('100'),
        recipients: two,
        basisPoints: [...splits],
      });
      assert.deepEqual(
        await expectRevert(submit(authorization, signature), 'SplitsDoNotSumTo10000'),
        [sum],
      );
    }
    await approve(payer, 0n);
    const permit = await signPermit(payer, parseEther('100'), await inAnHour());
    const { authorization, signature } = await authorize(payer, {
      amount: parseEther('100'),
      recipients: two,
      basisPoints: [6000, 5000],
    });
    assert.deepEqual(
      await expectRevert(submit(authorization, signature, permit), 'SplitsDoNotSumTo10000'),
      [11_000n],
    );
    assert.deepEqual(await balances(payer.address, artist.address, label.address), [
      parseEther('1000'),
      0n,
      0n,
    ]);
    // The failed payment did not consume the permit either.
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 0n);
  });
});
