// Staking's tests, attacks included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (stakes, their history at past blocks and who may move them),
// and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { colivingChain, fundAccounts, registerNode } from '@coliving/chain';
import {
  type TestContracts,
  type TestNetwork,
  expectRevert,
  startTestNetwork,
} from '@coliving/chain/testing';
import { stakingAbi } from '@coliving/contracts';
import { type Address, createPublicClient, getContract, http, parseEventLogs } from 'viem';

const DGCO = 10n ** 18n;
/** Short lockups so a test can undelegate and decrease stake within a few blocks. */
const LOCKUP_BLOCKS = 5n;

/** One change to the ledger: `delta` on `staker`'s stake and on `nodeOwner`'s node stake. */
type Step = { block: bigint; staker: Address; nodeOwner: Address; delta: bigint };

describe('Staking', () => {
  let net: TestNetwork;
  let revert: () => Promise<void>;
  let stakingAddress: Address;

  /** Owner A runs a content node, owner B a discovery node, D delegates to A. */
  function actors() {
    const [, a, b, d, walletA, walletB] = net.accounts;
    return { a: a!, b: b!, d: d!, walletA: walletA!, walletB: walletB! };
  }

  /**
   * Registers, delegates, increases, undelegates and decreases, recording the block of each
   * change to the ledger. Ends with A at 225k own + 1.5k delegated, B at 300k, D at 1.5k.
   */
  async function buildHistory(): Promise<{ start: bigint; steps: Step[] }> {
    const { a, b, d, walletA, walletB } = actors();
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [a.address, b.address, d.address],
      dgco: 1_000_000n * DGCO,
    });
    const start = await net.blockNumber();
    const steps: Step[] = [];
    const record = (block: bigint, staker: Address, nodeOwner: Address, delta: bigint) =>
      steps.push({ block, staker, nodeOwner, delta });

    const regA = await registerNode({
      manifest: net.manifest,
      owner: a,
      serviceType: 'contentNode',
      endpoint: 'http://127.0.0.1:4001',
      stake: 200_000n * DGCO,
      delegateWallet: walletA.address,
    });
    record(regA.blockNumber, a.address, a.address, 200_000n * DGCO);
    await net.mine(2);

    const asD = net.contractsFor(d);
    await net.mined(await asD.token.write.approve([stakingAddress, 3_000n * DGCO]));
    const delegated = await net.mined(
      await asD.delegateManager.write.delegateStake([a.address, 1_000n * DGCO]),
    );
    record(delegated.blockNumber, d.address, a.address, 1_000n * DGCO);
    const [staked] = parseEventLogs({ abi: stakingAbi, eventName: 'Staked', logs: delegated.logs });
    assert.deepEqual(staked!.args, {
      staker: d.address,
      nodeOwner: a.address,
      amount: 1_000n * DGCO,
    });

    const regB = await registerNode({
      manifest: net.manifest,
      owner: b,
      serviceType: 'discoveryNode',
      endpoint: 'http://127.0.0.1:5001',
      stake: 300_000n * DGCO,
      delegateWallet: walletB.address,
    });
    record(regB.blockNumber, b.address, b.address, 300_000n * DGCO);

    const asA = net.contractsFor(a);
    await net.mined(await asA.token.write.approve([stakingAddress, 50_000n * DGCO]));
    const increased = await net.mined(await asA.nodeRegistry.write.increaseStake([50_000n * DGCO]));
    record(increased.blockNumber, a.address, a.address, 50_000n * DGCO);

    const more = await net.mined(
      await asD.delegateManager.write.delegateStake([a.address, 2_000n * DGCO]),
    );
    record(more.blockNumber, d.address, a.address, 2_000n * DGCO);
    await net.mine(1);

    await net.mined(
      await asD.delegateManager.write.requestUndelegateStake([a.address, 1_500n * DGCO]),
    );
    await net.mine(LOCKUP_BLOCKS);
    const undelegated = await net.mined(await asD.delegateManager.write.undelegateStake());
    record(undelegated.blockNumber, d.address, a.address, -1_500n * DGCO);
    const [unstaked] = parseEventLogs({
      abi: stakingAbi,
      eventName: 'Unstaked',
      logs: undelegated.logs,
    });
    assert.deepEqual(unstaked!.args, {
      staker: d.address,
      nodeOwner: a.address,
      amount: 1_500n * DGCO,
    });

    await net.mined(await asA.nodeRegistry.write.requestDecreaseStake([25_000n * DGCO]));
    await net.mine(LOCKUP_BLOCKS);
    const decreased = await net.mined(await asA.nodeRegistry.write.decreaseStake());
    record(decreased.blockNumber, a.address, a.address, -25_000n * DGCO);
    await net.mine(1);
    return { start, steps };
  }

  before(async () => {
    net = await startTestNetwork({
      params: { undelegateLockupBlocks: LOCKUP_BLOCKS, decreaseStakeLockupBlocks: LOCKUP_BLOCKS },
    });
    stakingAddress = net.manifest.contracts.eth.Staking;
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

  it('is wired to the token, the NodeRegistry and the DelegateManager, and starts empty', async () => {
    const { staking } = net.contractsFor(net.deployer);
    const c = net.manifest.contracts.eth;
    assert.equal(await staking.read.token(), c.DgcoToken);
    assert.equal(await staking.read.nodeRegistry(), c.NodeRegistry);
    assert.equal(await staking.read.delegateManager(), c.DelegateManager);
    assert.equal(await staking.read.initialized(), true);
    assert.equal(await staking.read.totalStaked(), 0n);
    assert.equal(await staking.read.stakeOf([net.deployer.address]), 0n);
    assert.equal(await net.balanceOf(stakingAddress), 0n);
    await expectRevert(
      staking.write.initialize([net.deployer.address, net.deployer.address]),
      'AlreadyInitialized',
    );
  });

  it('refuses stake, unstake, slash and stakeRewards from any caller but NodeRegistry and DelegateManager', async () => {
    const { a, walletA } = actors();
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [a.address],
      dgco: 300_000n * DGCO,
    });
    await registerNode({
      manifest: net.manifest,
      owner: a,
      serviceType: 'contentNode',
      endpoint: 'http://127.0.0.1:4001',
      stake: 200_000n * DGCO,
      delegateWallet: walletA.address,
    });
    // A victim with an open approval to Staking, as before registering a node.
    await net.mined(
      await net.contractsFor(a).token.write.approve([stakingAddress, 100_000n * DGCO]),
    );
    const governance = net.manifest.contracts.eth.Governance;
    const nodeRegistry = net.manifest.contracts.eth.NodeRegistry;
    const attacker = net.accounts[9]!;
    const callers: { address: Address; staking: TestContracts['staking'] }[] = [
      ...[attacker, net.deployer].map((account) => ({
        address: account.address,
        staking: net.contractsFor(account).staking,
      })),
      { address: governance, staking: (await net.impersonate(governance)).staking },
    ];
    const amount = 100_000n * DGCO;
    for (const { address, staking } of callers) {
      assert.deepEqual(
        await expectRevert(
          staking.write.stake([address, address, amount, a.address]),
          'NotStakeManager',
        ),
        [address],
      );
      assert.deepEqual(
        await expectRevert(
          staking.write.unstake([a.address, a.address, amount, address]),
          'NotStakeManager',
        ),
        [address],
      );
      assert.deepEqual(
        await expectRevert(
          staking.write.slash([a.address, a.address, amount]),
          'NotDelegateManager',
        ),
        [address],
      );
      assert.deepEqual(
        await expectRevert(
          staking.write.stakeRewards([address, address, amount]),
          'NotDelegateManager',
        ),
        [address],
      );
    }
    // The NodeRegistry moves stake but may neither slash nor book rewards.
    const asRegistry = (await net.impersonate(nodeRegistry)).staking;
    assert.deepEqual(
      await expectRevert(
        asRegistry.write.slash([a.address, a.address, amount]),
        'NotDelegateManager',
      ),
      [nodeRegistry],
    );
    assert.deepEqual(
      await expectRevert(
        asRegistry.write.stakeRewards([a.address, a.address, amount]),
        'NotDelegateManager',
      ),
      [nodeRegistry],
    );

    const { staking } = net.contractsFor(attacker);
    assert.equal(await staking.read.totalStaked(), 200_000n * DGCO);
    assert.equal(await staking.read.stakeOf([a.address]), 200_000n * DGCO);
    assert.equal(await staking.read.stakeOf([attacker.address]), 0n);
    assert.equal(await staking.read.stakeOf([governance]), 0n);
    assert.equal(await net.balanceOf(a.address), 100_000n * DGCO);
    assert.equal(await net.balanceOf(attacker.address), 0n);
    assert.equal(await net.balanceOf(stakingAddress), 200_000n * DGCO);
  });

  it('as a stake manager, refuses a zero stake and an unstake above the stake', async () => {
    const { a, d } = actors();
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [d.address],
      dgco: 1_000n * DGCO,
    });
    await net.mined(await net.contractsFor(d).token.write.approve([stakingAddress, 1_000n * DGCO]));
    const asManager = (await net.impersonate(net.manifest.contracts.eth.DelegateManager)).staking;
    await expectRevert(asManager.write.stake([d.address, a.address, 0n, d.address]), 'ZeroAmount');
    await expectRevert(
      asManager.write.unstake([d.address, a.address, 0n, d.address]),
      'ZeroAmount',
    );
    await net.mined(await asManager.write.stake([d.address, a.address, 400n * DGCO, d.address]));
    assert.deepEqual(
      await expectRevert(
        asManager.write.unstake([d.address, a.address, 400n * DGCO + 1n, d.address]),
        'InsufficientStake',
      ),
      [d.address, 400n * DGCO, 400n * DGCO + 1n],
    );
    // Stake on one node owner cannot be taken out through another.
    assert.deepEqual(
      await expectRevert(
        asManager.write.unstake([d.address, d.address, 1n, d.address]),
        'InsufficientStake',
      ),
      [d.address, 0n, 1n],
    );
    assert.deepEqual(
      await expectRevert(
        asManager.write.slash([d.address, a.address, 401n * DGCO]),
        'InsufficientStake',
      ),
      [d.address, 400n * DGCO, 401n * DGCO],
    );
    assert.equal(await asManager.read.stakeOf([d.address]), 400n * DGCO);
    assert.equal(await asManager.read.nodeStakeOf([a.address]), 400n * DGCO);
    assert.equal(await net.balanceOf(stakingAddress), 400n * DGCO);
  });

  it('returns exact historical stakes, node stakes and totals for every past block', async () => {
    const { a, b, d } = actors();
    const { start, steps } = await buildHistory();
    const { staking, token } = net.contractsFor(net.deployer);
    const latest = await net.blockNumber();
    const sum = (block: bigint, match: (s: Step) => boolean) =>
      steps.filter((s) => s.block <= block && match(s)).reduce((t, s) => t + s.delta, 0n);

    // Every change landed in its own block.
    assert.equal(new Set(steps.map((s) => s.block)).size, steps.length);
    for (let block = start; block < latest; block++) {
      const at = `at block ${block}`;
      for (const who of [a.address, b.address, d.address]) {
        assert.equal(
          await staking.read.stakeOfAt([who, block]),
          sum(block, (s) => s.staker === who),
          `stakeOfAt(${who}) ${at}`,
        );
        assert.equal(
          await staking.read.nodeStakeOfAt([who, block]),
          sum(block, (s) => s.nodeOwner === who),
          `nodeStakeOfAt(${who}) ${at}`,
        );
      }
      const total = await staking.read.totalStakedAt([block]);
      assert.equal(
        total,
        sum(block, () => true),
        `totalStakedAt ${at}`,
      );
      assert.equal(
        await token.read.balanceOf([stakingAddress], { blockNumber: block }),
        total,
        `Staking's balance ${at}`,
      );
    }

    // The same figures written out, at the block of each change and the one before it.
    const [regA, delegated, regB, increased, more, undelegated, decreased] = steps.map(
      (s) => s.block,
    );
    const at = async (block: bigint) => ({
      a: await staking.read.stakeOfAt([a.address, block]),
      d: await staking.read.stakeOfAt([d.address, block]),
      nodeA: await staking.read.nodeStakeOfAt([a.address, block]),
      nodeB: await staking.read.nodeStakeOfAt([b.address, block]),
      nodeD: await staking.read.nodeStakeOfAt([d.address, block]),
      total: await staking.read.totalStakedAt([block]),
    });
    const k = (n: bigint) => n * 1_000n * DGCO;
    assert.deepEqual(await at(regA! - 1n), {
      a: 0n,
      d: 0n,
      nodeA: 0n,
      nodeB: 0n,
      nodeD: 0n,
      total: 0n,
    });
    assert.deepEqual(await at(regA!), {
      a: k(200n),
      d: 0n,
      nodeA: k(200n),
      nodeB: 0n,
      nodeD: 0n,
      total: k(200n),
    });
    assert.deepEqual(await at(delegated! - 1n), await at(regA!));
    assert.deepEqual(await at(delegated!), {
      a: k(200n),
      d: k(1n),
      nodeA: k(201n),
      nodeB: 0n,
      nodeD: 0n,
      total: k(201n),
    });
    assert.deepEqual(await at(regB!), {
      a: k(200n),
      d: k(1n),
      nodeA: k(201n),
      nodeB: k(300n),
      nodeD: 0n,
      total: k(501n),
    });
    assert.deepEqual(await at(increased!), {
      a: k(250n),
      d: k(1n),
      nodeA: k(251n),
      nodeB: k(300n),
      nodeD: 0n,
      total: k(551n),
    });
    assert.deepEqual(await at(more!), {
      a: k(250n),
      d: k(3n),
      nodeA: k(253n),
      nodeB: k(300n),
      nodeD: 0n,
      total: k(553n),
    });
    assert.deepEqual(await at(undelegated! - 1n), await at(more!));
    assert.deepEqual(await at(undelegated!), {
      a: k(250n),
      d: 1_500n * DGCO,
      nodeA: 251_500n * DGCO,
      nodeB: k(300n),
      nodeD: 0n,
      total: 551_500n * DGCO,
    });
    assert.deepEqual(await at(decreased!), {
      a: k(225n),
      d: 1_500n * DGCO,
      nodeA: 226_500n * DGCO,
      nodeB: k(300n),
      nodeD: 0n,
      total: 526_500n * DGCO,
    });

    // The latest figures match the last snapshot, and Staking holds exactly what it counts.
    assert.equal(await staking.read.stakeOf([a.address]), k(225n));
    assert.equal(await staking.read.stakeOf([d.address]), 1_500n * DGCO);
    assert.equal(await staking.read.nodeStakeOf([a.address]), 226_500n * DGCO);
    assert.equal(await staking.read.nodeStakeOf([b.address]), k(300n));
    assert.equal(await staking.read.totalStaked(), 526_500n * DGCO);
    assert.equal(await net.balanceOf(stakingAddress), 526_500n * DGCO);
    assert.equal(await net.balanceOf(d.address), 1_000_000n * DGCO - 1_500n * DGCO);
  });

  it('refuses lookups of the current or a future block with FutureLookup', async () => {
    const { a } = actors();
    await buildHistory();
    const { token } = net.contractsFor(net.deployer);
    // viem retries a failed eth_call (Hardhat reports reverts as internal errors); these are
    // meant to revert, so read them without retries.
    const staking = getContract({
      address: stakingAddress,
      abi: stakingAbi,
      client: createPublicClient({
        chain: colivingChain('eth', net.manifest.chains.eth),
        transport: http(net.ethChain.rpcUrl, { retryCount: 0 }),
      }),
    });
    // A read runs in the context of the latest block, which is not finished as a snapshot.
    const current = BigInt(await token.read.clock());
    assert.equal(current, await net.blockNumber());
    for (const block of [current, current + 1n, current + 1_000_000n, 2n ** 48n, 2n ** 256n - 1n]) {
      assert.deepEqual(
        await expectRevert(staking.read.stakeOfAt([a.address, block]), 'FutureLookup'),
        [block],
      );
      assert.deepEqual(
        await expectRevert(staking.read.nodeStakeOfAt([a.address, block]), 'FutureLookup'),
        [block],
      );
      assert.deepEqual(await expectRevert(staking.read.totalStakedAt([block]), 'FutureLookup'), [
        block,
      ]);
    }
    assert.equal(await staking.read.stakeOfAt([a.address, current - 1n]), 225_000n * DGCO);
    assert.equal(await staking.read.totalStakedAt([current - 1n]), 526_500n * DGCO);
    assert.equal(await staking.read.totalStakedAt([0n]), 0n);
  });

  it('a governance slash burns exactly the stake it removes', async () => {
    const { a, b, d } = actors();
    await buildHistory();
    const { staking, token } = net.contractsFor(net.deployer);
    const supply = await token.read.totalSupply();
    const governance = net.manifest.contracts.eth.Governance;
    const asGovernance = (await net.impersonate(governance)).delegateManager;
    // 10 % of A's 226,500: 150 from D's 1,500 and 22,500 from A's 225,000.
    const receipt = await net.mined(await asGovernance.write.slash([22_650n * DGCO, a.address]));
    const slashed = parseEventLogs({ abi: stakingAbi, eventName: 'Slashed', logs: receipt.logs });
    assert.deepEqual(
      slashed.map((e) => e.args),
      [
        { staker: d.address, nodeOwner: a.address, amount: 150n * DGCO },
        { staker: a.address, nodeOwner: a.address, amount: 22_500n * DGCO },
      ],
    );
    assert.equal(await staking.read.stakeOf([a.address]), 202_500n * DGCO);
    assert.equal(await staking.read.stakeOf([d.address]), 1_350n * DGCO);
    assert.equal(await staking.read.nodeStakeOf([a.address]), 203_850n * DGCO);
    assert.equal(await staking.read.nodeStakeOf([b.address]), 300_000n * DGCO);
    assert.equal(await staking.read.totalStaked(), 503_850n * DGCO);
    assert.equal(await net.balanceOf(stakingAddress), 503_850n * DGCO);
    assert.equal(await token.read.totalSupply(), supply - 22_650n * DGCO);
    // The block before the slash still shows the old figures.
    assert.equal(
      await staking.read.nodeStakeOfAt([a.address, receipt.blockNumber - 1n]),
      226_500n * DGCO,
    );
    assert.equal(await staking.read.totalStakedAt([receipt.blockNumber - 1n]), 526_500n * DGCO);
  });

  it('rewards minted into Staking are all booked as stake', async () => {
    const { a, b, d } = actors();
    await buildHistory();
    const { staking, token, claimsManager, delegateManager } = net.contractsFor(net.accounts[9]!);
    const supply = await token.read.totalSupply();
    const round = await net.mined(await claimsManager.write.initiateRound());
    const snapshot = round.blockNumber - 1n;
    const fundingAmount = await claimsManager.read.fundingAmount();
    const expected = (fundingAmount * 226_500n * DGCO) / (526_500n * DGCO);
    assert.ok(expected > 0n);

    const receipt = await net.mined(await delegateManager.write.claimRewards([a.address]));
    const booked = parseEventLogs({
      abi: stakingAbi,
      eventName: 'RewardsStaked',
      logs: receipt.logs,
    });
    assert.equal(
      booked.reduce((t, e) => t + e.args.amount, 0n),
      expected,
    );
    assert.ok(booked.every((e) => e.args.nodeOwner === a.address));
    assert.equal(await token.read.totalSupply(), supply + expected);
    assert.equal(await staking.read.totalStaked(), 526_500n * DGCO + expected);
    assert.equal(await staking.read.nodeStakeOf([a.address]), 226_500n * DGCO + expected);
    assert.equal(
      (await staking.read.stakeOf([a.address])) + (await staking.read.stakeOf([d.address])),
      226_500n * DGCO + expected,
    );
    assert.equal(await staking.read.nodeStakeOf([b.address]), 300_000n * DGCO);
    assert.equal(await net.balanceOf(stakingAddress), await staking.read.totalStaked());
    assert.equal(await staking.read.totalStakedAt([snapshot]), 526_500n * DGCO);
  });
});
