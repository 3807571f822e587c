import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createChainWallet } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import { dgcoTokenAbi, paymentRouterAbi } from '@coliving/contracts';
import {
  type Address,
  type PrivateKeyAccount,
  getContract,
  parseEther,
  parseEventLogs,
  parseSignature,
  zeroAddress,
} from 'viem';

const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/** The token's errors, so a revert the token raises under PaymentRouter decodes by name. */
const tokenErrors = dgcoTokenAbi.filter((item) => item.type === 'error');

describe('PaymentRouter', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let token: Address;
  let router: Address;
  let payer: PrivateKeyAccount;
  let artist: PrivateKeyAccount;
  let label: PrivateKeyAccount;
  let platform: PrivateKeyAccount;

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

  /** Signs an EIP-2612 permit for PaymentRouter to spend `value` of `owner`'s DGCO. */
  async function signPermit(owner: PrivateKeyAccount, value: bigint, deadline: bigint) {
    const signature = await owner.signTypedData({
      domain: {
        name: 'Coliving',
        version: '1',
        chainId: net.manifest.chains.eth.chainId,
        verifyingContract: token,
      },
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
    return { v: Number(v ?? BigInt(yParity + 27)), r, s };
  }

  async function inAnHour(): Promise<bigint> {
    return (await net.ethPublic.getBlock()).timestamp + 3600n;
  }

  before(async () => {
    net = await startTestNetwork();
    token = net.manifest.contracts.eth.DgcoToken;
    router = net.manifest.contracts.eth.PaymentRouter;
    [, payer, artist, label, platform] = net.accounts as [
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
      PrivateKeyAccount,
    ];
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

  it('has its limits', async () => {
    const r = routerAs(payer);
    assert.equal(await r.read.TOTAL_BASIS_POINTS(), 10_000n);
    assert.equal(await r.read.MAX_RECIPIENTS(), 20n);
    assert.equal(await r.read.MAX_REF_LENGTH(), 128n);
  });

  it('pays each recipient its exact share from a prior approval and emits Payment', async () => {
    const amount = parseEther('10');
    await approve(payer, amount);
    const recipients = [artist.address, label.address, platform.address];
    const receipt = await net.mined(
      await routerAs(payer).write.pay([token, amount, recipients, [7000, 2000, 1000], 'track:123']),
    );
    assert.deepEqual(await balances(artist.address, label.address, platform.address), [
      parseEther('7'),
      parseEther('2'),
      parseEther('1'),
    ]);
    assert.equal(await net.balanceOf(payer.address), parseEther('990'));
    assert.equal(await net.balanceOf(router), 0n, 'the router holds nothing');
    assert.equal(await net.contractsFor(payer).token.read.allowance([payer.address, router]), 0n);

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

  it('rounds every share down and gives the remainder to the last recipient', async () => {
    await approve(payer, parseEther('1000'));
    const r = routerAs(payer);
    const three = [artist.address, label.address, platform.address];
    const thirds = [3333, 3333, 3334];

    await net.mined(await r.write.pay([token, 10n, three, thirds, 'tip:1']));
    assert.deepEqual(await balances(...three), [3n, 3n, 4n]);

    await net.mined(await r.write.pay([token, 123_456_789n, three, thirds, 'tip:2']));
    assert.deepEqual(await balances(...three), [
      3n + 41_148_147n,
      3n + 41_148_147n,
      4n + 41_160_495n,
    ]);

    const amount = parseEther('500') + 7n;
    const receipt = await net.mined(await r.write.pay([token, amount, three, thirds, 'tip:3']));
    const transfers = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Transfer',
      logs: receipt.logs,
    });
    assert.deepEqual(
      transfers.map((t) => t.args.value),
      [166_650_000_000_000_000_002n, 166_650_000_000_000_000_002n, 166_700_000_000_000_000_003n],
    );

    // A share that rounds to zero moves nothing; the last recipient still gets the whole wei.
    const tiny = await net.mined(
      await r.write.pay([token, 1n, [label.address, platform.address], [5000, 5000], 'tip:4']),
    );
    assert.deepEqual(
      parseEventLogs({ abi: dgcoTokenAbi, eventName: 'Transfer', logs: tiny.logs }).map(
        (t) => t.args,
      ),
      [{ from: payer.address, to: platform.address, value: 1n }],
    );
    assert.deepEqual(await balances(...three), [
      166_650_000_000_041_148_152n,
      166_650_000_000_041_148_152n,
      166_700_000_000_041_160_503n,
    ]);
    assert.equal(
      await net.balanceOf(payer.address),
      parseEther('1000') - 10n - 123_456_789n - amount - 1n,
    );
  });

  it('pays a single recipient everything and up to twenty recipients exactly', async () => {
    await approve(payer, parseEther('1000'));
    const r = routerAs(payer);
    await net.mined(await r.write.pay([token, 999n, [artist.address], [10_000], 'track:7']));
    assert.equal(await net.balanceOf(artist.address), 999n);

    const twenty = net.accounts.slice(0, 20).map((a) => a.address);
    const before = await balances(...twenty);
    await net.mined(
      await r.write.pay([token, 20_000n, twenty, Array<number>(20).fill(500), 'playlist:9']),
    );
    const after = await balances(...twenty);
    // The payer is among them: pays 20,000 and gets 1,000 back.
    assert.deepEqual(
      after.map((b, i) => b - before[i]!),
      twenty.map((a) => (a === payer.address ? -19_000n : 1_000n)),
    );
  });

  it('pays with a permit instead of a prior approval', async () => {
    const amount = parseEther('5');
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(payer, amount, deadline);
    const receipt = await net.mined(
      await routerAs(payer).write.payWithPermit([
        token,
        amount,
        [artist.address, label.address],
        [8000, 2000],
        'track:123',
        deadline,
        v,
        r,
        s,
      ]),
    );
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

  it('pays with a permit that someone else submitted first', async () => {
    const amount = parseEther('5');
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(payer, amount, deadline);
    // A front-runner spends the permit on the token directly: the allowance is set all the same.
    await net.mined(
      await net
        .contractsFor(net.accounts[9]!)
        .token.write.permit([payer.address, router, amount, deadline, v, r, s]),
    );
    await net.mined(
      await routerAs(payer).write.payWithPermit([
        token,
        amount,
        [artist.address],
        [10_000],
        'track:5',
        deadline,
        v,
        r,
        s,
      ]),
    );
    assert.equal(await net.balanceOf(artist.address), amount);
    assert.equal(await net.balanceOf(payer.address), parseEther('995'));
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 1n);
  });

  it("cannot spend someone else's permit or an expired one", async () => {
    const attacker = net.accounts[9]!;
    const amount = parseEther('5');
    const deadline = await inAnHour();
    const { v, r, s } = await signPermit(payer, amount, deadline);
    // The permit is checked for the caller, so the attacker's call pulls from the attacker.
    assert.deepEqual(
      await expectRevert(
        routerAs(attacker).write.payWithPermit([
          token,
          amount,
          [attacker.address],
          [10_000],
          'tip:1',
          deadline,
          v,
          r,
          s,
        ]),
        'ERC20InsufficientAllowance',
      ),
      [router, 0n, amount],
    );
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 0n);

    const past = (await net.ethPublic.getBlock()).timestamp - 1n;
    const expired = await signPermit(payer, amount, past);
    await expectRevert(
      routerAs(payer).write.payWithPermit([
        token,
        amount,
        [artist.address],
        [10_000],
        'tip:2',
        past,
        expired.v,
        expired.r,
        expired.s,
      ]),
      'ERC20InsufficientAllowance',
    );
    assert.equal(await net.balanceOf(artist.address), 0n);
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
  });

  it('fails without an approval or a balance that covers the amount', async () => {
    const r = routerAs(payer);
    assert.deepEqual(
      await expectRevert(
        r.write.pay([token, 100n, [artist.address], [10_000], 'track:1']),
        'ERC20InsufficientAllowance',
      ),
      [router, 0n, 100n],
    );
    await approve(payer, parseEther('2000'));
    assert.deepEqual(
      await expectRevert(
        r.write.pay([token, parseEther('1001'), [artist.address], [10_000], 'track:1']),
        'ERC20InsufficientBalance',
      ),
      [payer.address, parseEther('1000'), parseEther('1001')],
    );
    assert.equal(await net.balanceOf(artist.address), 0n);
  });

  it('refuses every malformed payment with its own error', async () => {
    await approve(payer, parseEther('1000'));
    const r = routerAs(payer);
    const one = [artist.address];
    const twentyOne = net.accounts.slice(0, 20).map((a) => a.address);
    twentyOne.push(artist.address);

    await expectRevert(r.write.pay([token, 0n, one, [10_000], 'track:1']), 'ZeroAmount');
    await expectRevert(r.write.pay([token, 1n, [], [], 'track:1']), 'NoRecipients');
    assert.deepEqual(
      await expectRevert(
        r.write.pay([token, 1000n, twentyOne, Array<number>(21).fill(1), 'x']),
        'TooManyRecipients',
      ),
      [21n],
    );
    assert.deepEqual(
      await expectRevert(
        r.write.pay([token, 1000n, [artist.address, label.address], [10_000], 'x']),
        'LengthMismatch',
      ),
      [2n, 1n],
    );
    assert.deepEqual(
      await expectRevert(r.write.pay([token, 1000n, one, [5000, 5000], 'x']), 'LengthMismatch'),
      [1n, 2n],
    );
    await expectRevert(
      r.write.pay([token, 1000n, [artist.address, zeroAddress], [5000, 5000], 'x']),
      'ZeroRecipient',
    );
    await expectRevert(
      r.write.pay([token, 1000n, [artist.address, label.address], [10_000, 0], 'x']),
      'ZeroSplit',
    );
    assert.deepEqual(
      await expectRevert(r.write.pay([token, 1000n, one, [10_000], 'x'.repeat(129)]), 'RefTooLong'),
      [129n],
    );
    // The limit is in bytes, not characters.
    assert.deepEqual(
      await expectRevert(r.write.pay([token, 1000n, one, [10_000], 'é'.repeat(65)]), 'RefTooLong'),
      [130n],
    );
    assert.equal(await net.balanceOf(payer.address), parseEther('1000'));
    assert.equal(await net.balanceOf(artist.address), 0n);

    // Exactly at the limits is fine.
    await net.mined(await r.write.pay([token, 1000n, one, [10_000], 'x'.repeat(128)]));
    await net.mined(await r.write.pay([token, 1000n, one, [10_000], '']));
    assert.equal(await net.balanceOf(artist.address), 2000n);
  });

  it('a PaymentRouter split that does not sum to 10,000 fails', async () => {
    await approve(payer, parseEther('1000'));
    const r = routerAs(payer);
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
      assert.deepEqual(
        await expectRevert(
          r.write.pay([token, parseEther('100'), two, [...splits], 'track:123']),
          'SplitsDoNotSumTo10000',
        ),
        [sum],
      );
    }
    const deadline = await inAnHour();
    const { v, r: sigR, s } = await signPermit(payer, parseEther('100'), deadline);
    assert.deepEqual(
      await expectRevert(
        r.write.payWithPermit([
          token,
          parseEther('100'),
          two,
          [6000, 5000],
          'track:123',
          deadline,
          v,
          sigR,
          s,
        ]),
        'SplitsDoNotSumTo10000',
      ),
      [11_000n],
    );
    assert.deepEqual(await balances(payer.address, artist.address, label.address), [
      parseEther('1000'),
      0n,
      0n,
    ]);
    // The failed payWithPermit did not consume the permit either.
    assert.equal(await net.contractsFor(payer).token.read.nonces([payer.address]), 0n);
  });
});
