// ClaimsManager's tests, reverts included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (rounds, claims and their caps build on the same stakes at a
// round's snapshot), and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PARAMS } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import {
  ServiceType,
  claimsManagerAbi,
  claimsManagerBytecode,
  delegateManagerAbi,
  dgcoTokenAbi,
  nodeRegistryAbi,
} from '@coliving/contracts';
import { type Account, type TransactionReceipt, encodeDeployData, zeroAddress } from 'viem';
import { dgco, eventsOf, nodeStakingKit } from './nodeStakingKit.js';

const ROUND_BLOCKS = DEFAULT_PARAMS.fundingRoundBlocks;
const FUNDING = DEFAULT_PARAMS.fundingAmount;
/** The hard bounds on governance: at most twice the default funding, at least a day a round. */
const MAX_FUNDING = 2n * FUNDING;
const MIN_ROUND_BLOCKS = 6_646n;
const ALICE_STAKE = dgco(1_000_000);
const BOB_STAKE = dgco(600_000);
const CAROL_STAKE = dgco(400_000);
/** Alice (content), Bob (content) and Carol (discovery): 2,000,000 DGCO staked in all. */
const TOTAL_STAKE = ALICE_STAKE + BOB_STAKE + CAROL_STAKE;

describe('ClaimsManager', () => {
  let net: TestNetwork;
  let kit: ReturnType<typeof nodeStakingKit>;
  let revert: () => Promise<void>;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  /** Has DGCO, no node. */
  let dave: Account;
  let d1: Account;
  let d2: Account;
  let d3: Account;

  before(async () => {
    net = await startTestNetwork();
    kit = nodeStakingKit(net);
    [alice, bob, carol, dave, d1, d2, d3] = [1, 2, 3, 4, 5, 6, 7].map((i) => net.accounts[i]!) as [
      Account,
      Account,
      Account,
      Account,
      Account,
      Account,
      Account,
    ];
    await kit.prepare([alice, bob, carol, dave, d1, d2, d3], dgco(5_000_000));
    await kit.register(alice, 'contentNode', 'https://cn1.example', ALICE_STAKE);
    await kit.register(bob, 'contentNode', 'https://cn2.example', BOB_STAKE);
    await kit.register(carol, 'discoveryNode', 'https://dn1.example', CAROL_STAKE);
  });
  after(async () => {
    await net?.stop();
  });
  beforeEach(async () => {
    revert = await net.snapshot();
  });
  afterEach(async () => {
    await revert();
  });

  const cm = (account: Account) => kit.contractsFor(account).claimsManager;
  const view = () => kit.contractsFor(net.deployer);

  async function startRound(): Promise<bigint> {
    const receipt = await net.mined(await cm(dave).write.initiateRound());
    return receipt.blockNumber;
  }

  /** Claims for `owner` (as Dave: anyone may) and returns the receipt. */
  async function claim(owner: Account): Promise<TransactionReceipt> {
    return net.mined(
      await kit.contractsFor(dave).delegateManager.write.claimRewards([owner.address]),
    );
  }

  function claimed(receipt: TransactionReceipt) {
    const [processed] = eventsOf(claimsManagerAbi, 'ClaimProcessed', receipt);
    const [split] = eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt);
    if (!processed || !split) throw new Error('not a claim receipt');
    return { processed: processed.args, split: split.args };
  }

  it('is wired to the token, Staking, NodeRegistry and DelegateManager with the default round', async () => {
    const c = view().claimsManager;
    const eth = net.manifest.contracts.eth;
    assert.equal(await c.read.token(), eth.DgcoToken);
    assert.equal(await c.read.staking(), eth.Staking);
    assert.equal(await c.read.nodeRegistry(), eth.NodeRegistry);
    assert.equal(await c.read.delegateManager(), eth.DelegateManager);
    assert.equal(await c.read.governance(), eth.Governance);
    assert.equal(await c.read.fundingRoundBlockDiff(), 46_523n);
    assert.equal(await c.read.fundingAmount(), 134_246_575n * 10n ** 16n);
    assert.deepEqual(await c.read.currentRound(), {
      number: 0n,
      startBlock: 0n,
      fundingAmount: 0n,
      totalClaimed: 0n,
    });
    assert.equal(await c.read.lastClaimedRound([alice.address]), 0n);
    assert.equal(await view().token.read.isMinter([eth.ClaimsManager]), true);
    assert.equal(await c.read.MAX_FUNDING_AMOUNT(), MAX_FUNDING);
    assert.equal(MAX_FUNDING, 2_684_931_500_000_000_000_000_000n);
    assert.equal(await c.read.MIN_FUNDING_ROUND_BLOCKS(), MIN_ROUND_BLOCKS);
  });

  it('cannot be deployed with a round shorter than MIN_FUNDING_ROUND_BLOCKS or funding above MAX_FUNDING_AMOUNT', async () => {
    const eth = net.manifest.contracts.eth;
    const deployData = (roundBlocks: bigint, funding: bigint) =>
      encodeDeployData({
        abi: claimsManagerAbi,
        bytecode: claimsManagerBytecode,
        args: [eth.DgcoToken, eth.Staking, eth.NodeRegistry, eth.Governance, roundBlocks, funding],
      });
    for (const [roundBlocks, funding] of [
      [MIN_ROUND_BLOCKS - 1n, FUNDING],
      [0n, FUNDING],
      [ROUND_BLOCKS, MAX_FUNDING + 1n],
    ] as const) {
      assert.equal(
        await kit.constructorRevert(claimsManagerAbi, deployData(roundBlocks, funding)),
        'InvalidParameter',
        `${roundBlocks} blocks, ${funding} wei`,
      );
    }
    // The bounds themselves are allowed.
    assert.equal(
      await kit.constructorRevert(claimsManagerAbi, deployData(MIN_ROUND_BLOCKS, MAX_FUNDING)),
      undefined,
    );
  });

  it('initiateRound starts round 1 at once, then one round every fundingRoundBlocks', async () => {
    const c = cm(dave);
    const first = await net.mined(await c.write.initiateRound());
    const s1 = first.blockNumber;
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'RoundInitiated', first).map((e) => e.args),
      [{ round: 1n, startBlock: s1, fundingAmount: FUNDING }],
    );
    assert.deepEqual(await c.read.currentRound(), {
      number: 1n,
      startBlock: s1,
      fundingAmount: FUNDING,
      totalClaimed: 0n,
    });
    await claim(alice);
    assert.equal((await c.read.currentRound()).totalClaimed, (FUNDING * ALICE_STAKE) / TOTAL_STAKE);

    const next = s1 + ROUND_BLOCKS;
    assert.deepEqual(await expectRevert(c.write.initiateRound(), 'RoundNotReady'), [next]);
    // A transaction in block next-1 fails, and so does a call executed in it.
    await kit.mineTo(next - 2n);
    assert.deepEqual(await expectRevert(c.write.initiateRound(), 'RoundNotReady'), [next]);
    await kit.mineTo(next - 1n);
    assert.deepEqual(
      await expectRevert(c.simulate.initiateRound({ account: dave.address }), 'RoundNotReady'),
      [next],
    );
    assert.equal((await c.read.currentRound()).number, 1n);

    // Anyone may start it in block `next`; the claimed total starts again from zero.
    const second = await net.mined(await cm(alice).write.initiateRound());
    assert.equal(second.blockNumber, next);
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'RoundInitiated', second).map((e) => e.args),
      [{ round: 2n, startBlock: next, fundingAmount: FUNDING }],
    );
    assert.deepEqual(await c.read.currentRound(), {
      number: 2n,
      startBlock: next,
      fundingAmount: FUNDING,
      totalClaimed: 0n,
    });
    assert.deepEqual(await expectRevert(c.write.initiateRound(), 'RoundNotReady'), [
      next + ROUND_BLOCKS,
    ]);
    // A late start counts from when the round really began.
    await kit.mineTo(next + 3n * ROUND_BLOCKS);
    const third = await net.mined(await c.write.initiateRound());
    assert.deepEqual(await expectRevert(c.write.initiateRound(), 'RoundNotReady'), [
      third.blockNumber + ROUND_BLOCKS,
    ]);
  });

  it('processClaim answers only the DelegateManager', async () => {
    await startRound();
    for (const caller of [alice, net.deployer, kit.governanceAccount]) {
      const c = kit.contractsFor(caller).claimsManager;
      assert.deepEqual(
        await expectRevert(
          c.simulate.processClaim([alice.address], { account: caller.address }),
          'NotDelegateManager',
        ),
        [caller.address],
      );
    }
    assert.deepEqual(
      await expectRevert(cm(alice).write.processClaim([alice.address]), 'NotDelegateManager'),
      [alice.address],
    );
    assert.equal(await view().claimsManager.read.lastClaimedRound([alice.address]), 0n);
    assert.equal((await view().claimsManager.read.currentRound()).totalClaimed, 0n);
  });

  it('claims before the first round fail with NoRound', async () => {
    const d = kit.contractsFor(dave).delegateManager;
    await expectRevert(d.write.claimRewards([alice.address]), 'NoRound');
    await expectRevert(d.write.claimRewards([dave.address]), 'NoRound');
  });

  it('each owner claims once per round: AlreadyClaimed, and lastClaimedRound', async () => {
    const d = kit.contractsFor(dave).delegateManager;
    const c = view().claimsManager;
    await startRound();
    const receipt = await claim(alice);
    assert.deepEqual(claimed(receipt).processed, {
      nodeOwner: alice.address,
      round: 1n,
      reward: (FUNDING * ALICE_STAKE) / TOTAL_STAKE,
      nodeStake: ALICE_STAKE,
      totalStake: TOTAL_STAKE,
    });
    assert.equal(await c.read.lastClaimedRound([alice.address]), 1n);
    assert.equal(await c.read.lastClaimedRound([bob.address]), 0n);
    // Whoever asks again, and however long after.
    assert.deepEqual(await expectRevert(d.write.claimRewards([alice.address]), 'AlreadyClaimed'), [
      alice.address,
      1n,
    ]);
    await net.mine(ROUND_BLOCKS - 5n);
    assert.deepEqual(
      await expectRevert(
        kit.contractsFor(alice).delegateManager.write.claimRewards([alice.address]),
        'AlreadyClaimed',
      ),
      [alice.address, 1n],
    );
    // A new round, a new claim.
    await net.mine(5n);
    await startRound();
    await claim(alice);
    assert.equal(await c.read.lastClaimedRound([alice.address]), 2n);
    assert.deepEqual(await expectRevert(d.write.claimRewards([alice.address]), 'AlreadyClaimed'), [
      alice.address,
      2n,
    ]);
    // Bob skipped round 1; he claims round 2 only.
    await claim(bob);
    assert.equal(await c.read.lastClaimedRound([bob.address]), 2n);
  });

  it('StakeNotWithinBounds under the minimum or without nodes; over the maximum pays on the maximum', async () => {
    const d = kit.contractsFor(dave).delegateManager;
    const c = view().claimsManager;
    await startRound();
    // Governance lowers the content-node maximum below Alice's 1,000,000: she still claims, but
    // only on 900,000 of it.
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([
        ServiceType.contentNode,
        dgco(200_000),
        dgco(900_000),
      ]),
    );
    const aliceReward = (FUNDING * dgco(900_000)) / TOTAL_STAKE;
    const a = claimed(await claim(alice));
    assert.deepEqual(a.processed, {
      nodeOwner: alice.address,
      round: 1n,
      reward: aliceReward,
      nodeStake: dgco(900_000),
      totalStake: TOTAL_STAKE,
    });
    assert.deepEqual(a.split, {
      nodeOwner: alice.address,
      total: aliceReward,
      toOwner: aliceReward,
      toDelegators: 0n,
    });
    assert.equal(await c.read.lastClaimedRound([alice.address]), 1n);
    // Bob's 600,000 fits whole.
    const bobReward = (FUNDING * BOB_STAKE) / TOTAL_STAKE;
    assert.equal(claimed(await claim(bob)).processed.reward, bobReward);
    // Raising the minimum above Carol's own stake... (discovery: 400,000 staked)
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([
        ServiceType.discoveryNode,
        dgco(400_000) + 1n,
        dgco(2_000_000),
      ]),
    );
    assert.deepEqual(
      await expectRevert(d.write.claimRewards([carol.address]), 'StakeNotWithinBounds'),
      [carol.address],
    );
    // ...while delegated stake does not count towards the minimum.
    await kit.delegate(d1, carol.address, dgco(1_000));
    await expectRevert(d.write.claimRewards([carol.address]), 'StakeNotWithinBounds');
    assert.equal(await c.read.lastClaimedRound([carol.address]), 0n);

    // Back at her minimum, Carol claims the same round, on her stake at its snapshot.
    await kit.asGovernance((g) =>
      g.serviceTypeManager.write.setServiceTypeBounds([
        ServiceType.discoveryNode,
        dgco(400_000),
        dgco(2_000_000),
      ]),
    );
    const carolReward = (FUNDING * CAROL_STAKE) / TOTAL_STAKE;
    assert.equal(claimed(await claim(carol)).processed.reward, carolReward);
    // The 100,000 of Alice's stake above her maximum earned nothing: its share was never minted.
    const round = await c.read.currentRound();
    assert.equal(round.totalClaimed, aliceReward + bobReward + carolReward);
    assert.equal(FUNDING - round.totalClaimed, (FUNDING * dgco(100_000)) / TOTAL_STAKE);

    // Bob deregisters his node: his stake is still staked but earns nothing.
    await net.mined(await kit.contractsFor(bob).nodeRegistry.write.deregister([2n]));
    await net.mine(ROUND_BLOCKS);
    await startRound();
    assert.deepEqual(
      await expectRevert(d.write.claimRewards([bob.address]), 'StakeNotWithinBounds'),
      [bob.address],
    );
    assert.equal(await c.read.lastClaimedRound([bob.address]), 1n);
    // Someone who never ran a node.
    assert.deepEqual(
      await expectRevert(d.write.claimRewards([dave.address]), 'StakeNotWithinBounds'),
      [dave.address],
    );
  });

  it('an owner carried over the maximum by rewards still claims, on the maximum, and can decrease and deregister', async () => {
    // Carol's discovery node is at its 2,000,000 maximum: 400,000 of her own, 1,600,000 from d1.
    const max = dgco(2_000_000);
    const delegated = dgco(1_600_000);
    await kit.delegate(d1, carol.address, delegated);
    const r = kit.contractsFor(carol).nodeRegistry;
    assert.equal(await r.read.isWithinBounds([carol.address]), true);

    // Round 1: the reward compounds and carries her over the maximum.
    const total1 = TOTAL_STAKE + delegated;
    await startRound();
    const reward1 = (FUNDING * max) / total1;
    const share1 = (reward1 * delegated) / max;
    assert.equal(claimed(await claim(carol)).processed.reward, reward1);
    const own1 = CAROL_STAKE + reward1 - share1;
    assert.equal(await r.read.deployerStakeOf([carol.address]), own1);
    assert.equal(await view().staking.read.nodeStakeOf([carol.address]), max + reward1);
    assert.equal(await r.read.isWithinBounds([carol.address]), false);
    assert.equal(await r.read.isEligibleForRewards([carol.address]), true);
    // No stake may be added above the maximum, by her or a delegator.
    await expectRevert(r.write.increaseStake([1n]), 'StakeOutOfBounds');
    await expectRevert(
      kit.contractsFor(d2).delegateManager.write.delegateStake([carol.address, dgco(100)]),
      'StakeOutOfBounds',
    );

    // Round 2: she and d1 still earn, on the maximum; the reward above it is not minted.
    await net.mine(ROUND_BLOCKS);
    const s2 = await startRound();
    const total2 = total1 + reward1;
    assert.equal(await view().staking.read.totalStakedAt([s2 - 1n]), total2);
    const reward2 = (FUNDING * max) / total2;
    // The capped reward is shared on the stakes at the snapshot, so every staker is capped alike.
    const share2 = (reward2 * (delegated + share1)) / (max + reward1);
    const c2 = claimed(await claim(carol));
    assert.deepEqual(c2.processed, {
      nodeOwner: carol.address,
      round: 2n,
      reward: reward2,
      nodeStake: max,
      totalStake: total2,
    });
    assert.deepEqual(c2.split, {
      nodeOwner: carol.address,
      total: reward2,
      toOwner: reward2 - share2,
      toDelegators: share2,
    });
    assert.ok(reward2 < (FUNDING * (max + reward1)) / total2);
    const d = view().delegateManager;
    assert.equal(
      await d.read.delegationOf([d1.address, carol.address]),
      delegated + share1 + share2,
    );
    const own2 = own1 + reward2 - share2;
    assert.equal(await r.read.deployerStakeOf([carol.address]), own2);

    // She can decrease, by an amount that leaves her still above the maximum...
    await net.mined(await r.write.requestDecreaseStake([dgco(1_000)]));
    await net.mine(DEFAULT_PARAMS.decreaseStakeLockupBlocks);
    const decreased = await net.mined(await r.write.decreaseStake());
    assert.deepEqual(
      eventsOf(nodeRegistryAbi, 'StakeDecreased', decreased).map((e) => e.args),
      [{ owner: carol.address, amount: dgco(1_000), newDeployerStake: own2 - dgco(1_000) }],
    );
    // ...and deregister her node.
    await net.mined(await r.write.deregister([3n]));
    assert.equal(await r.read.nodeCountOf([carol.address]), 0n);
    assert.equal(await r.read.isEligibleForRewards([carol.address]), false);
    await net.mine(ROUND_BLOCKS);
    await startRound();
    await expectRevert(
      kit.contractsFor(dave).delegateManager.write.claimRewards([carol.address]),
      'StakeNotWithinBounds',
    );
  });

  it('stake added after the round started earns nothing in that round', async () => {
    await kit.delegate(d2, bob.address, dgco(100_000));
    const total = TOTAL_STAKE + dgco(100_000);
    const s1 = await startRound();

    // After the snapshot (block s1-1): Alice adds 500,000, Dave registers a node with 300,000,
    // and d1 delegates 200,000 to Bob.
    await net.mined(
      await kit.contractsFor(alice).nodeRegistry.write.increaseStake([dgco(500_000)]),
    );
    await kit.register(dave, 'contentNode', 'https://cn9.example', dgco(300_000));
    await kit.delegate(d1, bob.address, dgco(200_000));
    assert.equal(await view().staking.read.totalStakedAt([s1 - 1n]), total);

    // Alice is paid on 1,000,000, not 1,500,000.
    const aliceReward = (FUNDING * ALICE_STAKE) / total;
    const a = claimed(await claim(alice));
    assert.deepEqual(a.processed, {
      nodeOwner: alice.address,
      round: 1n,
      reward: aliceReward,
      nodeStake: ALICE_STAKE,
      totalStake: total,
    });
    assert.equal(
      await view().nodeRegistry.read.deployerStakeOf([alice.address]),
      dgco(1_500_000) + aliceReward,
    );

    // Dave had nothing staked at the snapshot: a zero reward, nothing minted.
    const supply = await view().token.read.totalSupply();
    const daveReceipt = await claim(dave);
    assert.deepEqual(claimed(daveReceipt).processed, {
      nodeOwner: dave.address,
      round: 1n,
      reward: 0n,
      nodeStake: 0n,
      totalStake: total,
    });
    assert.deepEqual(claimed(daveReceipt).split, {
      nodeOwner: dave.address,
      total: 0n,
      toOwner: 0n,
      toDelegators: 0n,
    });
    assert.equal(eventsOf(dgcoTokenAbi, 'Transfer', daveReceipt).length, 0);
    assert.equal(await view().token.read.totalSupply(), supply);
    assert.equal(await view().claimsManager.read.lastClaimedRound([dave.address]), 1n);

    // Bob is paid on 700,000; d2's share is on 100,000 of it and d1, who came late, gets nothing.
    const bobNode = BOB_STAKE + dgco(100_000);
    const bobReward = (FUNDING * bobNode) / total;
    const d2Share = (bobReward * dgco(100_000)) / bobNode;
    const b = claimed(await claim(bob));
    assert.equal(b.processed.nodeStake, bobNode);
    assert.deepEqual(b.split, {
      nodeOwner: bob.address,
      total: bobReward,
      toOwner: bobReward - d2Share,
      toDelegators: d2Share,
    });
    const dm = view().delegateManager;
    assert.equal(await dm.read.delegationOf([d1.address, bob.address]), dgco(200_000));
    assert.equal(await dm.read.delegationOf([d2.address, bob.address]), dgco(100_000) + d2Share);

    // In the next round all of it counts.
    await kit.mineTo(s1 + ROUND_BLOCKS);
    const stakedNow = await view().staking.read.totalStaked();
    await startRound();
    const daveNext = claimed(await claim(dave));
    assert.deepEqual(daveNext.processed, {
      nodeOwner: dave.address,
      round: 2n,
      reward: (FUNDING * dgco(300_000)) / stakedNow,
      nodeStake: dgco(300_000),
      totalStake: stakedNow,
    });
    const bobNext = claimed(await claim(bob));
    const bobNodeNow = bobNode + bobReward + dgco(200_000);
    assert.equal(bobNext.processed.nodeStake, bobNodeNow);
    const d1Share = (((FUNDING * bobNodeNow) / stakedNow) * dgco(200_000)) / bobNodeNow;
    assert.equal(await dm.read.delegationOf([d1.address, bob.address]), dgco(200_000) + d1Share);
  });

  it('total claimed never exceeds the round funding across 3 node owners with delegators', async () => {
    // Awkward amounts, so that every division rounds.
    await net.mined(
      await kit.contractsFor(alice).nodeRegistry.write.increaseStake([dgco(12_345) + 11n]),
    );
    await kit.delegate(d1, alice.address, dgco(77_777) + 3n);
    await kit.delegate(d2, alice.address, dgco(33_333) + 1n);
    await kit.delegate(d1, bob.address, dgco(123_457));
    await kit.delegate(d3, bob.address, dgco(99_999) + 9n);
    await kit.delegate(d3, carol.address, dgco(4_321) + 5n);
    for (const [owner, cut] of [
      [alice, 1_000n],
      [bob, 333n],
      [carol, 9_999n],
    ] as const) {
      await net.mined(
        await kit.contractsFor(owner).nodeRegistry.write.requestUpdateDeployerCut([cut]),
      );
    }
    await net.mine(DEFAULT_PARAMS.deployerCutLockupBlocks);
    for (const owner of [alice, bob, carol])
      await net.mined(await kit.contractsFor(owner).nodeRegistry.write.updateDeployerCut());

    for (let round = 1n; round <= 2n; round++) {
      const start = await startRound();
      const { staking, token, claimsManager } = view();
      const total = await staking.read.totalStakedAt([start - 1n]);
      const supplyBefore = await token.read.totalSupply();
      let sum = 0n;
      for (const owner of [carol, alice, bob]) {
        const nodeStake = await staking.read.nodeStakeOfAt([owner.address, start - 1n]);
        const { processed, split } = claimed(await claim(owner));
        assert.equal(processed.reward, (FUNDING * nodeStake) / total);
        assert.equal(split.total, processed.reward);
        assert.equal(split.toOwner + split.toDelegators, split.total);
        sum += split.total;
        // Nobody can claim twice to get more.
        await expectRevert(
          kit.contractsFor(owner).delegateManager.write.claimRewards([owner.address]),
          'AlreadyClaimed',
        );
      }
      const current = await claimsManager.read.currentRound();
      assert.equal(current.number, round);
      assert.equal(current.totalClaimed, sum);
      assert.equal(await token.read.totalSupply(), supplyBefore + sum);
      assert.ok(sum <= FUNDING, `round ${round}: ${sum} claimed of ${FUNDING}`);
      // Every staked token belongs to one of the three, so only rounding is left over.
      assert.ok(FUNDING - sum < 3n, `round ${round}: ${FUNDING - sum} wei unclaimed`);
      await net.mine(ROUND_BLOCKS);
    }
  });

  it('setFundingRoundBlockDiff and setFundingAmount are governance-only', async () => {
    for (const caller of [alice, net.deployer]) {
      const c = cm(caller);
      assert.deepEqual(
        await expectRevert(c.write.setFundingRoundBlockDiff([10n]), 'NotGovernance'),
        [caller.address],
      );
      assert.deepEqual(await expectRevert(c.write.setFundingAmount([1n]), 'NotGovernance'), [
        caller.address,
      ]);
    }
    // Hard bounds: a round of at least MIN_FUNDING_ROUND_BLOCKS, funding of at most
    // MAX_FUNDING_AMOUNT, so that no proposal can mint without limit.
    const g = kit.governance().claimsManager;
    const gov = { account: kit.governanceAddress };
    await expectRevert(g.simulate.setFundingRoundBlockDiff([0n], gov), 'InvalidParameter');
    await expectRevert(
      g.simulate.setFundingRoundBlockDiff([MIN_ROUND_BLOCKS - 1n], gov),
      'InvalidParameter',
    );
    await expectRevert(g.simulate.setFundingAmount([MAX_FUNDING + 1n], gov), 'InvalidParameter');
    assert.equal(await view().claimsManager.read.fundingRoundBlockDiff(), ROUND_BLOCKS);
    assert.equal(await view().claimsManager.read.fundingAmount(), FUNDING);

    const s1 = await startRound();
    const diff = await kit.asGovernance((g) =>
      g.claimsManager.write.setFundingRoundBlockDiff([MIN_ROUND_BLOCKS]),
    );
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'FundingRoundBlockDiffSet', diff).map((e) => e.args),
      [{ blocks: MIN_ROUND_BLOCKS }],
    );
    const amount = await kit.asGovernance((g) =>
      g.claimsManager.write.setFundingAmount([dgco(1_000)]),
    );
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'FundingAmountSet', amount).map((e) => e.args),
      [{ amount: dgco(1_000) }],
    );
    const c = view().claimsManager;
    assert.equal(await c.read.fundingRoundBlockDiff(), MIN_ROUND_BLOCKS);
    assert.equal(await c.read.fundingAmount(), dgco(1_000));
    // The running round keeps its funding; the next may start MIN_ROUND_BLOCKS after it did.
    assert.equal((await c.read.currentRound()).fundingAmount, FUNDING);
    assert.equal(
      claimed(await claim(alice)).processed.reward,
      (FUNDING * ALICE_STAKE) / TOTAL_STAKE,
    );
    assert.deepEqual(await expectRevert(cm(dave).write.initiateRound(), 'RoundNotReady'), [
      s1 + MIN_ROUND_BLOCKS,
    ]);
    await kit.mineTo(s1 + MIN_ROUND_BLOCKS - 1n);
    const s2 = await startRound();
    assert.equal(s2, s1 + MIN_ROUND_BLOCKS);
    assert.deepEqual(await c.read.currentRound(), {
      number: 2n,
      startBlock: s2,
      fundingAmount: dgco(1_000),
      totalClaimed: 0n,
    });
    const stakedBefore = await view().staking.read.totalStakedAt([s2 - 1n]);
    const bobReward = claimed(await claim(bob)).processed.reward;
    assert.equal(bobReward, (dgco(1_000) * BOB_STAKE) / stakedBefore);

    // A round funded with nothing pays nothing, and still counts as claimed.
    await kit.asGovernance((g) => g.claimsManager.write.setFundingAmount([0n]));
    await net.mine(MIN_ROUND_BLOCKS);
    await startRound();
    const receipt = await claim(carol);
    assert.deepEqual(claimed(receipt).split, {
      nodeOwner: carol.address,
      total: 0n,
      toOwner: 0n,
      toDelegators: 0n,
    });
    assert.equal(
      eventsOf(dgcoTokenAbi, 'Transfer', receipt).filter((e) => e.args.from === zeroAddress).length,
      0,
    );
    assert.equal(await c.read.lastClaimedRound([carol.address]), 3n);

    // The most a round may be funded with is allowed, and a round pays it pro rata as any other.
    const top = await kit.asGovernance((g) =>
      g.claimsManager.write.setFundingAmount([MAX_FUNDING]),
    );
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'FundingAmountSet', top).map((e) => e.args),
      [{ amount: MAX_FUNDING }],
    );
    await net.mine(MIN_ROUND_BLOCKS);
    const s4 = await startRound();
    assert.equal((await c.read.currentRound()).fundingAmount, MAX_FUNDING);
    const total4 = await view().staking.read.totalStakedAt([s4 - 1n]);
    const stake4 = await view().staking.read.nodeStakeOfAt([carol.address, s4 - 1n]);
    assert.equal(claimed(await claim(carol)).processed.reward, (MAX_FUNDING * stake4) / total4);
  });
});
