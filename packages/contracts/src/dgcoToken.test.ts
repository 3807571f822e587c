// DgcoToken's tests, attacks included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (transfers, permits, votes, minting and initialization of one
// token), and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { colivingChain, createChainWallet } from '@coliving/chain';
import {
  type TestContracts,
  type TestNetwork,
  expectRevert,
  revertData,
  startTestNetwork,
} from '@coliving/chain/testing';
import { dgcoTokenAbi, dgcoTokenBytecode } from '@coliving/contracts';
import {
  type Address,
  type PrivateKeyAccount,
  createPublicClient,
  decodeErrorResult,
  getContract,
  hashDomain,
  http,
  parseEther,
  parseEventLogs,
  parseSignature,
  zeroAddress,
} from 'viem';

const INITIAL_SUPPLY = parseEther('1000000000');
/** ERC20Votes keeps supply within uint208 so checkpoints cannot overflow. */
const MAX_SAFE_SUPPLY = 2n ** 208n - 1n;

const PERMIT_TYPES = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

describe('DgcoToken', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let governance: Address;
  let tokenAddress: Address;
  let govToken: TestContracts['token'];

  function tokenDomain() {
    return {
      name: 'Coliving',
      version: '1',
      chainId: net.manifest.chains.eth.chainId,
      verifyingContract: tokenAddress,
    } as const;
  }

  /** Signs an EIP-2612 permit with `owner`'s key and splits it into the contract's v, r, s. */
  async function signPermit(
    owner: PrivateKeyAccount,
    spender: Address,
    value: bigint,
    deadline: bigint,
    nonce?: bigint,
  ) {
    const { token } = net.contractsFor(owner);
    const signature = await owner.signTypedData({
      domain: tokenDomain(),
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: {
        owner: owner.address,
        spender,
        value,
        nonce: nonce ?? (await token.read.nonces([owner.address])),
        deadline,
      },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { v: Number(v ?? BigInt(yParity + 27)), r, s };
  }

  async function latestTimestamp(): Promise<bigint> {
    return (await net.ethPublic.getBlock()).timestamp;
  }

  /** Gives `to` some DGCO from the treasury and returns the block it landed in. */
  async function give(to: Address, amount: bigint): Promise<bigint> {
    const { token } = net.contractsFor(net.deployer);
    return (await net.mined(await token.write.transfer([to, amount]))).blockNumber;
  }

  before(async () => {
    net = await startTestNetwork();
    governance = net.manifest.contracts.eth.Governance;
    tokenAddress = net.manifest.contracts.eth.DgcoToken;
    govToken = (await net.impersonate(governance)).token;
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

  it('has its name, symbol and decimals and the whole initial supply at the treasury', async () => {
    const { token } = net.contractsFor(net.accounts[1]!);
    assert.equal(await token.read.name(), 'Coliving');
    assert.equal(await token.read.symbol(), 'DGCO');
    assert.equal(await token.read.decimals(), 18);
    assert.equal(await token.read.INITIAL_SUPPLY(), INITIAL_SUPPLY);
    assert.equal(await token.read.totalSupply(), INITIAL_SUPPLY);
    assert.equal(await token.read.balanceOf([net.manifest.treasury]), INITIAL_SUPPLY);
    assert.equal(net.manifest.treasury, net.deployer.address);
    assert.equal(await token.read.balanceOf([net.accounts[1]!.address]), 0n);
    assert.equal(await token.read.governance(), governance);
    assert.equal(await token.read.initialized(), true);
    assert.equal(await token.read.CLOCK_MODE(), 'mode=blocknumber&from=default');
    assert.equal(await token.read.clock(), Number(await net.blockNumber()));
    assert.equal(
      await token.read.DOMAIN_SEPARATOR(),
      hashDomain({
        domain: { ...tokenDomain(), chainId: 31337n },
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
    const [, name, version, chainId, verifyingContract] = await token.read.eip712Domain();
    assert.deepEqual(
      { name, version, chainId, verifyingContract },
      { name: 'Coliving', version: '1', chainId: 31337n, verifyingContract: tokenAddress },
    );
  });

  it('transfers exact amounts and emits Transfer', async () => {
    const [, alice, bob] = net.accounts;
    await give(alice!.address, parseEther('1000'));
    const { token } = net.contractsFor(alice!);
    const receipt = await net.mined(await token.write.transfer([bob!.address, parseEther('250')]));
    assert.equal(await token.read.balanceOf([alice!.address]), parseEther('750'));
    assert.equal(await token.read.balanceOf([bob!.address]), parseEther('250'));
    assert.equal(
      await token.read.balanceOf([net.deployer.address]),
      INITIAL_SUPPLY - parseEther('1000'),
    );
    assert.equal(await token.read.totalSupply(), INITIAL_SUPPLY);
    const events = parseEventLogs({ abi: dgcoTokenAbi, eventName: 'Transfer', logs: receipt.logs });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.args, {
      from: alice!.address,
      to: bob!.address,
      value: parseEther('250'),
    });
  });

  it('refuses a transfer above the balance or to the zero address', async () => {
    const [, alice, bob] = net.accounts;
    await give(alice!.address, 100n);
    const { token } = net.contractsFor(alice!);
    assert.deepEqual(
      await expectRevert(token.write.transfer([bob!.address, 101n]), 'ERC20InsufficientBalance'),
      [alice!.address, 100n, 101n],
    );
    assert.deepEqual(
      await expectRevert(token.write.transfer([zeroAddress, 1n]), 'ERC20InvalidReceiver'),
      [zeroAddress],
    );
    assert.equal(await token.read.balanceOf([alice!.address]), 100n);
    assert.equal(await token.read.balanceOf([bob!.address]), 0n);
  });

  it('approves allowances and spends them exactly with transferFrom', async () => {
    const [, owner, spender, recipient] = net.accounts;
    await give(owner!.address, parseEther('1000'));
    const asOwner = net.contractsFor(owner!).token;
    const asSpender = net.contractsFor(spender!).token;

    const approval = await net.mined(await asOwner.write.approve([spender!.address, 1000n]));
    const [approved] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Approval',
      logs: approval.logs,
    });
    assert.deepEqual(approved!.args, {
      owner: owner!.address,
      spender: spender!.address,
      value: 1000n,
    });
    assert.equal(await asOwner.read.allowance([owner!.address, spender!.address]), 1000n);

    await net.mined(await asSpender.write.transferFrom([owner!.address, recipient!.address, 400n]));
    assert.equal(await asOwner.read.allowance([owner!.address, spender!.address]), 600n);
    assert.equal(await asOwner.read.balanceOf([recipient!.address]), 400n);
    assert.equal(await asOwner.read.balanceOf([owner!.address]), parseEther('1000') - 400n);

    assert.deepEqual(
      await expectRevert(
        asSpender.write.transferFrom([owner!.address, recipient!.address, 601n]),
        'ERC20InsufficientAllowance',
      ),
      [spender!.address, 600n, 601n],
    );
    // Someone without an allowance moves nothing.
    assert.deepEqual(
      await expectRevert(
        net
          .contractsFor(recipient!)
          .token.write.transferFrom([owner!.address, recipient!.address, 1n]),
        'ERC20InsufficientAllowance',
      ),
      [recipient!.address, 0n, 1n],
    );

    // An unlimited approval is not spent down.
    const max = 2n ** 256n - 1n;
    await net.mined(await asOwner.write.approve([spender!.address, max]));
    await net.mined(await asSpender.write.transferFrom([owner!.address, recipient!.address, 5n]));
    assert.equal(await asOwner.read.allowance([owner!.address, spender!.address]), max);
    assert.equal(await asOwner.read.balanceOf([recipient!.address]), 405n);
  });

  it('accepts a permit signed by the owner and submitted by anyone', async () => {
    const [, owner, spender, relayer, recipient] = net.accounts;
    await give(owner!.address, parseEther('10'));
    const deadline = (await latestTimestamp()) + 3600n;
    const { v, r, s } = await signPermit(owner!, spender!.address, parseEther('3'), deadline);
    assert.equal(await net.contractsFor(owner!).token.read.nonces([owner!.address]), 0n);

    const receipt = await net.mined(
      await net
        .contractsFor(relayer!)
        .token.write.permit([owner!.address, spender!.address, parseEther('3'), deadline, v, r, s]),
    );
    const [approved] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Approval',
      logs: receipt.logs,
    });
    assert.deepEqual(approved!.args, {
      owner: owner!.address,
      spender: spender!.address,
      value: parseEther('3'),
    });
    const { token } = net.contractsFor(spender!);
    assert.equal(await token.read.allowance([owner!.address, spender!.address]), parseEther('3'));
    assert.equal(await token.read.nonces([owner!.address]), 1n);

    await net.mined(
      await token.write.transferFrom([owner!.address, recipient!.address, parseEther('3')]),
    );
    assert.equal(await token.read.balanceOf([recipient!.address]), parseEther('3'));
    assert.equal(await token.read.balanceOf([owner!.address]), parseEther('7'));
    assert.equal(await token.read.allowance([owner!.address, spender!.address]), 0n);
  });

  it('refuses an expired permit', async () => {
    const [, owner, spender] = net.accounts;
    const deadline = (await latestTimestamp()) - 1n;
    const { v, r, s } = await signPermit(owner!, spender!.address, 1000n, deadline);
    const { token } = net.contractsFor(spender!);
    assert.deepEqual(
      await expectRevert(
        token.write.permit([owner!.address, spender!.address, 1000n, deadline, v, r, s]),
        'ERC2612ExpiredSignature',
      ),
      [deadline],
    );
    assert.equal(await token.read.allowance([owner!.address, spender!.address]), 0n);
    assert.equal(await token.read.nonces([owner!.address]), 0n);
  });

  it('refuses a replayed permit', async () => {
    const [, owner, spender] = net.accounts;
    await give(owner!.address, 5000n);
    const deadline = (await latestTimestamp()) + 3600n;
    const { v, r, s } = await signPermit(owner!, spender!.address, 1000n, deadline);
    const asOwner = net.contractsFor(owner!).token;
    const asSpender = net.contractsFor(spender!).token;
    const args = [owner!.address, spender!.address, 1000n, deadline, v, r, s] as const;
    await net.mined(await asSpender.write.permit(args));
    await net.mined(await asSpender.write.transferFrom([owner!.address, spender!.address, 1000n]));
    assert.equal(await asOwner.read.allowance([owner!.address, spender!.address]), 0n);

    // The nonce moved on, so the same signature now recovers some other address.
    const [recovered, claimed] = await expectRevert(
      asSpender.write.permit(args),
      'ERC2612InvalidSigner',
    );
    assert.equal(claimed, owner!.address);
    assert.notEqual(recovered, owner!.address);
    assert.equal(await asOwner.read.allowance([owner!.address, spender!.address]), 0n);
    assert.equal(await asOwner.read.nonces([owner!.address]), 1n);
    assert.equal(await asOwner.read.balanceOf([owner!.address]), 4000n);
  });

  it('refuses a permit signed by another key or for other terms', async () => {
    const [, owner, spender, mallory] = net.accounts;
    const deadline = (await latestTimestamp()) + 3600n;
    const { token } = net.contractsFor(spender!);
    // Mallory signs a permit over the owner's tokens.
    const forged = await mallory!.signTypedData({
      domain: tokenDomain(),
      types: PERMIT_TYPES,
      primaryType: 'Permit',
      message: {
        owner: owner!.address,
        spender: spender!.address,
        value: 1000n,
        nonce: 0n,
        deadline,
      },
    });
    const parts = parseSignature(forged);
    assert.deepEqual(
      await expectRevert(
        token.write.permit([
          owner!.address,
          spender!.address,
          1000n,
          deadline,
          Number(parts.v),
          parts.r,
          parts.s,
        ]),
        'ERC2612InvalidSigner',
      ),
      [mallory!.address, owner!.address],
    );
    // The owner's own signature, used for a larger value than signed, is not the owner's.
    const signed = await signPermit(owner!, spender!.address, 1000n, deadline);
    const [recovered] = await expectRevert(
      token.write.permit([
        owner!.address,
        spender!.address,
        1001n,
        deadline,
        signed.v,
        signed.r,
        signed.s,
      ]),
      'ERC2612InvalidSigner',
    );
    assert.notEqual(recovered, owner!.address);
    assert.equal(await token.read.allowance([owner!.address, spender!.address]), 0n);
  });

  it('counts votes only after delegation and keeps exact past votes', async () => {
    const [, holder, friend, delegatee] = net.accounts;
    const { token } = net.contractsFor(holder!);
    const b0 = await give(holder!.address, 1000n);
    assert.equal(await token.read.getVotes([holder!.address]), 0n);
    assert.equal(await token.read.getVotes([net.deployer.address]), 0n);
    assert.equal(await token.read.delegates([holder!.address]), zeroAddress);

    const delegated = await net.mined(await token.write.delegate([holder!.address]));
    const b1 = delegated.blockNumber;
    const [changed] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'DelegateChanged',
      logs: delegated.logs,
    });
    assert.deepEqual(changed!.args, {
      delegator: holder!.address,
      fromDelegate: zeroAddress,
      toDelegate: holder!.address,
    });
    const [votesChanged] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'DelegateVotesChanged',
      logs: delegated.logs,
    });
    assert.deepEqual(votesChanged!.args, {
      delegate: holder!.address,
      previousVotes: 0n,
      newVotes: 1000n,
    });
    assert.equal(await token.read.getVotes([holder!.address]), 1000n);
    assert.equal(await token.read.delegates([holder!.address]), holder!.address);

    const b2 = (await net.mined(await token.write.transfer([friend!.address, 300n]))).blockNumber;
    assert.equal(await token.read.getVotes([holder!.address]), 700n);
    assert.equal(await token.read.getVotes([friend!.address]), 0n, 'the friend never delegated');

    const b3 = (await net.mined(await token.write.delegate([delegatee!.address]))).blockNumber;
    assert.equal(await token.read.getVotes([holder!.address]), 0n);
    assert.equal(await token.read.getVotes([delegatee!.address]), 700n);
    assert.equal(await token.read.balanceOf([delegatee!.address]), 0n);
    await net.mine(1);

    assert.ok(b0 < b1 && b1 < b2 && b2 < b3);
    const past = async (who: Address, block: bigint) => token.read.getPastVotes([who, block]);
    assert.equal(await past(holder!.address, b0), 0n);
    assert.equal(await past(holder!.address, b1), 1000n);
    assert.equal(await past(holder!.address, b2), 700n);
    assert.equal(await past(holder!.address, b3), 0n);
    assert.equal(await past(delegatee!.address, b2), 0n);
    assert.equal(await past(delegatee!.address, b3), 700n);
    assert.equal(await token.read.getPastTotalSupply([b3]), INITIAL_SUPPLY);

    const clock = await token.read.clock();
    // viem retries a failed eth_call (Hardhat reports reverts as internal errors); not this one.
    const noRetry = getContract({
      address: tokenAddress,
      abi: dgcoTokenAbi,
      client: createPublicClient({
        chain: colivingChain('eth', net.manifest.chains.eth),
        transport: http(net.ethChain.rpcUrl, { retryCount: 0 }),
      }),
    });
    assert.deepEqual(
      await expectRevert(
        noRetry.read.getPastVotes([holder!.address, BigInt(clock)]),
        'ERC5805FutureLookup',
      ),
      [BigInt(clock), clock],
    );
  });

  it('burns from the holder and, with an allowance, from others', async () => {
    const [, holder, spender] = net.accounts;
    await give(holder!.address, 1000n);
    const asHolder = net.contractsFor(holder!).token;
    const asSpender = net.contractsFor(spender!).token;
    await net.mined(await asHolder.write.delegate([holder!.address]));

    const burned = await net.mined(await asHolder.write.burn([100n]));
    const [transfer] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Transfer',
      logs: burned.logs,
    });
    assert.deepEqual(transfer!.args, { from: holder!.address, to: zeroAddress, value: 100n });
    assert.equal(await asHolder.read.balanceOf([holder!.address]), 900n);
    assert.equal(await asHolder.read.totalSupply(), INITIAL_SUPPLY - 100n);
    assert.equal(await asHolder.read.getVotes([holder!.address]), 900n);

    assert.deepEqual(
      await expectRevert(
        asSpender.write.burnFrom([holder!.address, 50n]),
        'ERC20InsufficientAllowance',
      ),
      [spender!.address, 0n, 50n],
    );
    await net.mined(await asHolder.write.approve([spender!.address, 200n]));
    await net.mined(await asSpender.write.burnFrom([holder!.address, 150n]));
    assert.equal(await asHolder.read.balanceOf([holder!.address]), 750n);
    assert.equal(await asHolder.read.allowance([holder!.address, spender!.address]), 50n);
    assert.equal(await asHolder.read.totalSupply(), INITIAL_SUPPLY - 250n);
    assert.equal(await asHolder.read.getVotes([holder!.address]), 750n);

    assert.deepEqual(await expectRevert(asHolder.write.burn([751n]), 'ERC20InsufficientBalance'), [
      holder!.address,
      750n,
      751n,
    ]);
    assert.equal(await asHolder.read.totalSupply(), INITIAL_SUPPLY - 250n);
  });

  it('minting by a non-governance caller fails', async () => {
    const attacker = net.accounts[9]!;
    // Neither an outsider nor the treasury (the deployer, holding the whole supply) may mint.
    for (const caller of [attacker, net.deployer]) {
      const { token } = net.contractsFor(caller);
      assert.deepEqual(
        await expectRevert(token.write.mint([caller.address, parseEther('1000000')]), 'NotMinter'),
        [caller.address],
      );
      assert.equal(await token.read.isMinter([caller.address]), false);
    }
    // Nor a contract that was never made a minter (Staking holds DGCO but must not create it).
    const asStaking = (await net.impersonate(net.manifest.contracts.eth.Staking)).token;
    assert.deepEqual(
      await expectRevert(asStaking.write.mint([attacker.address, 1n]), 'NotMinter'),
      [net.manifest.contracts.eth.Staking],
    );
    const { token } = net.contractsFor(attacker);
    assert.equal(await token.read.totalSupply(), INITIAL_SUPPLY);
    assert.equal(await token.read.balanceOf([attacker.address]), 0n);
    assert.equal(await token.read.balanceOf([net.deployer.address]), INITIAL_SUPPLY);
  });

  it('governance mints, and so do the minters it authorizes until it revokes them', async () => {
    const recipient = net.accounts[5]!;
    const minted = await net.mined(await govToken.write.mint([recipient.address, 123n]));
    const [transfer] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'Transfer',
      logs: minted.logs,
    });
    assert.deepEqual(transfer!.args, { from: zeroAddress, to: recipient.address, value: 123n });
    assert.equal(await govToken.read.balanceOf([recipient.address]), 123n);
    assert.equal(await govToken.read.totalSupply(), INITIAL_SUPPLY + 123n);

    const claimsManager = net.manifest.contracts.eth.ClaimsManager;
    assert.equal(await govToken.read.isMinter([claimsManager]), true);
    const asClaims = (await net.impersonate(claimsManager)).token;
    await net.mined(await asClaims.write.mint([recipient.address, 1000n]));
    assert.equal(await govToken.read.balanceOf([recipient.address]), 1123n);

    await net.mined(await govToken.write.revokeMinter([claimsManager]));
    assert.equal(await govToken.read.isMinter([claimsManager]), false);
    assert.deepEqual(
      await expectRevert(asClaims.write.mint([recipient.address, 1n]), 'NotMinter'),
      [claimsManager],
    );
    assert.equal(await govToken.read.totalSupply(), INITIAL_SUPPLY + 1123n);

    // Votes checkpoints cap the supply at 2^208 - 1, even for governance.
    const tooMuch = MAX_SAFE_SUPPLY - (INITIAL_SUPPLY + 1123n) + 1n;
    assert.deepEqual(
      await expectRevert(
        govToken.write.mint([recipient.address, tooMuch]),
        'ERC20ExceededSafeSupply',
      ),
      [MAX_SAFE_SUPPLY + 1n, MAX_SAFE_SUPPLY],
    );
  });

  it('revokeMinter is governance-only, and nobody can add a minter', async () => {
    const claimsManager = net.manifest.contracts.eth.ClaimsManager;
    for (const caller of [net.deployer, net.accounts[7]!]) {
      assert.deepEqual(
        await expectRevert(
          net.contractsFor(caller).token.write.revokeMinter([claimsManager]),
          'NotGovernance',
        ),
        [caller.address],
      );
    }
    assert.equal(await govToken.read.isMinter([claimsManager]), true);
    const revoked = await net.mined(await govToken.write.revokeMinter([claimsManager]));
    const [event] = parseEventLogs({
      abi: dgcoTokenAbi,
      eventName: 'MinterSet',
      logs: revoked.logs,
    });
    assert.deepEqual(event!.args, { minter: claimsManager, allowed: false });
    assert.equal(await govToken.read.isMinter([claimsManager]), false);
    await expectRevert(govToken.write.revokeMinter([zeroAddress]), 'ZeroAddress');
    // There is no way to grant minting after deployment.
    assert.equal(
      dgcoTokenAbi.some(
        (item) =>
          item.type === 'function' &&
          /minter/i.test(item.name) &&
          item.name !== 'revokeMinter' &&
          item.name !== 'isMinter',
      ),
      false,
    );
  });

  it('initialize refuses a second call, whoever makes it', async () => {
    const outsider = net.accounts[9]!;
    for (const caller of [net.deployer, outsider]) {
      await expectRevert(
        net.contractsFor(caller).token.write.initialize([[outsider.address]]),
        'AlreadyInitialized',
      );
    }
    await expectRevert(govToken.write.initialize([[outsider.address]]), 'AlreadyInitialized');
    assert.equal(await govToken.read.isMinter([outsider.address]), false);
  });

  it('a fresh token refuses initialize from anyone but its deployer, then refuses a second call', async () => {
    const [, , , deployer, outsider, minter] = net.accounts;
    const wallet = createChainWallet('eth', net.manifest.chains.eth, deployer!);
    const hash = await wallet.deployContract({
      abi: dgcoTokenAbi,
      bytecode: dgcoTokenBytecode,
      args: [deployer!.address, governance],
    });
    const receipt = await net.mined(hash);
    assert.ok(receipt.contractAddress);
    const address = receipt.contractAddress;
    const fresh = (account: PrivateKeyAccount) =>
      getContract({
        address,
        abi: dgcoTokenAbi,
        client: {
          public: net.ethPublic,
          wallet: createChainWallet('eth', net.manifest.chains.eth, account),
        },
      });
    assert.equal(await fresh(deployer!).read.initialized(), false);
    assert.equal(await fresh(deployer!).read.balanceOf([deployer!.address]), INITIAL_SUPPLY);

    assert.deepEqual(
      await expectRevert(
        fresh(outsider!).write.initialize([[outsider!.address]]),
        'NotInitializer',
      ),
      [outsider!.address],
    );
    assert.equal(await fresh(deployer!).read.initialized(), false);
    assert.equal(await fresh(deployer!).read.isMinter([outsider!.address]), false);

    await net.mined(await fresh(deployer!).write.initialize([[minter!.address]]));
    assert.equal(await fresh(deployer!).read.initialized(), true);
    assert.equal(await fresh(deployer!).read.isMinter([minter!.address]), true);

    await expectRevert(
      fresh(deployer!).write.initialize([[outsider!.address]]),
      'AlreadyInitialized',
    );
    await expectRevert(
      fresh(outsider!).write.initialize([[outsider!.address]]),
      'AlreadyInitialized',
    );
    assert.equal(await fresh(deployer!).read.isMinter([outsider!.address]), false);
  });

  it('cannot be deployed without a treasury or a governance', async () => {
    const wallet = createChainWallet('eth', net.manifest.chains.eth, net.accounts[3]!);
    for (const args of [
      [zeroAddress, governance],
      [net.accounts[3]!.address, zeroAddress],
    ] as const) {
      await assert.rejects(
        wallet.deployContract({ abi: dgcoTokenAbi, bytecode: dgcoTokenBytecode, args }),
        (error: unknown) => {
          const data = revertData(error);
          assert.ok(data, `expected revert data, got: ${String(error).slice(0, 300)}`);
          assert.equal(decodeErrorResult({ abi: dgcoTokenAbi, data }).errorName, 'ZeroAddress');
          return true;
        },
      );
    }
  });
});
