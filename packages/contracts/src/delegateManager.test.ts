// DelegateManager's tests, reverts included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (delegation, undelegation, slashing and reward sharing build on
// the same stakes), and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PARAMS } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import {
  claimsManagerAbi,
  delegateManagerAbi,
  delegateManagerBytecode,
  dgcoTokenAbi,
  stakingAbi,
} from '@coliving/contracts';
import { type Account, type Address, encodeDeployData, parseEther, zeroAddress } from 'viem';
import { dgco, eventsOf, nodeStakingKit } from './nodeStakingKit.js';

const LOCKUP = DEFAULT_PARAMS.undelegateLockupBlocks;
/** Blocks after the lockup expiry in which a request may still be executed. */
const WINDOW = 6_646n;
const MIN_DELEGATION = dgco(100);
const FUNDING = DEFAULT_PARAMS.fundingAmount;
const CUT_BASE = 10_000n;
const ALICE_STAKE = dgco(1_000_000);
const BOB_STAKE = dgco(500_000);

describe('DelegateManager', () => {
  let net: TestNetwork;
  let kit: ReturnType<typeof nodeStakingKit>;
  let revert: () => Promise<void>;
  /** Alice runs a content node with 1,000,000 DGCO, Bob a discovery node with 500,000. */
  let alice: Account;
  let bob: Account;
  /** Carol has DGCO but no node. */
  let carol: Account;
  let d1: Account;
  let d2: Account;
  let d3: Account;
  let d4: Account;
  let d5: Account;

  before(async () => {
    net = await startTestNetwork();
    kit = nodeStakingKit(net);
    alice = net.accounts[1]!;
    bob = net.accounts[2]!;
    carol = net.accounts[3]!;
    [d1, d2, d3, d4, d5] = [5, 6, 7, 8, 9].map((i) => net.accounts[i]!) as [
      Account,
      Account,
      Account,
      Account,
      Account,
    ];
    await kit.prepare([alice, bob, carol, d1, d2, d3, d4, d5], dgco(5_000_000));
    await kit.register(alice, 'contentNode', 'https://cn1.example', ALICE_STAKE);
    await kit.register(bob, 'discoveryNode', 'https://dn1.example', BOB_STAKE);
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

  const dm = (account: Account) => kit.contractsFor(account).delegateManager;
  const view = () => kit.contractsFor(net.deployer);

  /** Sets an owner's deployer cut through the request and its lockup. */
  async function setCut(owner: Account, cut: bigint) {
    const { nodeRegistry } = kit.contractsFor(owner);
    await net.mined(await nodeRegistry.write.requestUpdateDeployerCut([cut]));
    await net.mine(DEFAULT_PARAMS.deployerCutLockupBlocks);
    await net.mined(await nodeRegistry.write.updateDeployerCut());
  }

  /** Starts a reward round (anyone may) and returns its start block. */
  async function startRound(): Promise<bigint> {
    const receipt = await net.mined(
      await kit.contractsFor(carol).claimsManager.write.initiateRound(),
    );
    return receipt.blockNumber;
  }

  it('deployAll set the default parameters and wiring', async () => {
    const d = view().delegateManager;
    const eth = net.manifest.contracts.eth;
    assert.equal(await d.read.minDelegationAmount(), parseEther('100'));
    assert.equal(await d.read.maxDelegators(), 175n);
    assert.equal(DEFAULT_PARAMS.maxDelegators, 175n);
    assert.equal(net.manifest.params.maxDelegators, '175');
    assert.equal(await d.read.undelegateLockupDuration(), 46_523n);
    assert.equal(await d.read.staking(), eth.Staking);
    assert.equal(await d.read.nodeRegistry(), eth.NodeRegistry);
    assert.equal(await d.read.claimsManager(), eth.ClaimsManager);
    assert.equal(await d.read.governance(), eth.Governance);
    assert.equal(await d.read.initialized(), true);
    assert.equal(await d.read.MAX_DELEGATORS_CEILING(), 200n);
    assert.equal(await d.read.REQUEST_EXECUTION_WINDOW(), WINDOW);
  });

  it('cannot be deployed with no or more than MAX_DELEGATORS_CEILING delegators, or a zero minimum', async () => {
    const eth = net.manifest.contracts.eth;
    const deployData = (minDelegation: bigint, maxDelegators: bigint) =>
      encodeDeployData({
        abi: delegateManagerAbi,
        bytecode: delegateManagerBytecode,
        args: [eth.Staking, eth.NodeRegistry, eth.Governance, minDelegation, maxDelegators, LOCKUP],
      });
    for (const [min, max] of [
      [MIN_DELEGATION, 201n],
      [MIN_DELEGATION, 0n],
      [0n, 175n],
    ] as const) {
      assert.equal(
        await kit.constructorRevert(delegateManagerAbi, deployData(min, max)),
        'InvalidParameter',
        `min ${min}, max ${max}`,
      );
    }
    // The ceiling itself is allowed.
    assert.equal(
      await kit.constructorRevert(delegateManagerAbi, deployData(MIN_DELEGATION, 200n)),
      undefined,
    );
  });

  it('delegateStake stakes the delegator’s DGCO on the owner and records it everywhere', async () => {
    const walletBefore = await net.balanceOf(d1.address);
    const stakingBefore = await kit.stakingBalance();
    const receipt = await kit.delegate(d1, alice.address, dgco(1_000));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationIncreased', receipt).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: dgco(1_000),
          newDelegation: dgco(1_000),
        },
      ],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'Staked', receipt).map((e) => e.args),
      [{ staker: d1.address, nodeOwner: alice.address, amount: dgco(1_000) }],
    );
    const { delegateManager: d, staking, nodeRegistry } = view();
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(1_000));
    assert.equal(await d.read.delegationOf([d1.address, bob.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(1_000));
    assert.deepEqual(await d.read.getDelegators([alice.address]), [d1.address]);
    assert.equal(await net.balanceOf(d1.address), walletBefore - dgco(1_000));
    assert.equal(await kit.stakingBalance(), stakingBefore + dgco(1_000));
    assert.equal(await staking.read.stakeOf([d1.address]), dgco(1_000));
    assert.equal(await staking.read.nodeStakeOf([alice.address]), ALICE_STAKE + dgco(1_000));
    assert.equal(await staking.read.totalStaked(), ALICE_STAKE + BOB_STAKE + dgco(1_000));
    // The owner's own stake is unchanged.
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), ALICE_STAKE);

    // More from the same delegator adds up; a second delegator is appended.
    const more = await kit.delegate(d1, alice.address, dgco(500) + 3n);
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationIncreased', more).map((e) => e.args.newDelegation),
      [dgco(1_500) + 3n],
    );
    await kit.delegate(d2, alice.address, MIN_DELEGATION);
    await kit.delegate(d1, bob.address, dgco(2_000));
    assert.deepEqual(await d.read.getDelegators([alice.address]), [d1.address, d2.address]);
    assert.deepEqual(await d.read.getDelegators([bob.address]), [d1.address]);
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(1_500) + 3n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(1_600) + 3n);
    assert.equal(await d.read.totalDelegatedTo([bob.address]), dgco(2_000));
    assert.equal(await staking.read.stakeOf([d1.address]), dgco(3_500) + 3n);
  });

  it('delegateStake rejects zero, self-delegation, owners without nodes and amounts below the minimum', async () => {
    const d = dm(d1);
    await expectRevert(d.write.delegateStake([alice.address, 0n]), 'ZeroAmount');
    await expectRevert(
      dm(alice).write.delegateStake([alice.address, dgco(1_000)]),
      'SelfDelegation',
    );
    assert.deepEqual(
      await expectRevert(d.write.delegateStake([carol.address, dgco(1_000)]), 'NoNodes'),
      [carol.address],
    );
    assert.deepEqual(
      await expectRevert(d.write.delegateStake([zeroAddress, dgco(1_000)]), 'NoNodes'),
      [zeroAddress],
    );
    assert.deepEqual(
      await expectRevert(
        d.write.delegateStake([alice.address, MIN_DELEGATION - 1n]),
        'BelowMinDelegation',
      ),
      [MIN_DELEGATION - 1n, MIN_DELEGATION],
    );
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);
    // Exactly the minimum is enough; after that the minimum applies to the sum, not each top-up.
    await kit.delegate(d1, alice.address, MIN_DELEGATION);
    await kit.delegate(d1, alice.address, 1n);
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), MIN_DELEGATION + 1n);

    // An owner whose nodes are gone takes no new delegation.
    await net.mined(await kit.contractsFor(bob).nodeRegistry.write.deregister([2n]));
    assert.deepEqual(
      await expectRevert(d.write.delegateStake([bob.address, dgco(1_000)]), 'NoNodes'),
      [bob.address],
    );
  });

  it('delegateStake keeps the owner’s own plus delegated stake within the maximum', async () => {
    // Alice: 1,000,000 own, content-node maximum 3,000,000.
    await kit.delegate(d1, alice.address, dgco(1_999_000));
    assert.deepEqual(
      await expectRevert(
        dm(d2).write.delegateStake([alice.address, dgco(1_000) + 1n]),
        'StakeOutOfBounds',
      ),
      [ALICE_STAKE, dgco(3_000_000) + 1n, dgco(200_000), dgco(3_000_000)],
    );
    await kit.delegate(d2, alice.address, dgco(1_000));
    assert.equal(
      await view().delegateManager.read.totalDelegatedTo([alice.address]),
      dgco(2_000_000),
    );
    assert.equal(await view().nodeRegistry.read.isWithinBounds([alice.address]), true);
    // Bob's discovery node: 500,000 own, maximum 2,000,000.
    assert.deepEqual(
      await expectRevert(
        dm(d3).write.delegateStake([bob.address, dgco(1_500_000) + 1n]),
        'StakeOutOfBounds',
      ),
      [BOB_STAKE, dgco(2_000_000) + 1n, dgco(200_000), dgco(2_000_000)],
    );
  });

  it('TooManyDelegators once an owner has maxDelegators, until one leaves', async () => {
    const set = await kit.asGovernance((g) => g.delegateManager.write.setMaxDelegators([3n]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'MaxDelegatorsSet', set).map((e) => e.args),
      [{ count: 3n }],
    );
    await kit.delegate(d1, alice.address, dgco(1_000));
    await kit.delegate(d2, alice.address, dgco(1_000));
    await kit.delegate(d3, alice.address, dgco(1_000));
    assert.deepEqual(
      await expectRevert(
        dm(d4).write.delegateStake([alice.address, dgco(1_000)]),
        'TooManyDelegators',
      ),
      [alice.address, 3n],
    );
    // Existing delegators may add more; other owners have their own limit.
    await kit.delegate(d2, alice.address, dgco(1_000));
    await kit.delegate(d4, bob.address, dgco(1_000));

    // d1 leaves entirely: the last delegator takes their place and a slot is free.
    await net.mined(await dm(d1).write.requestUndelegateStake([alice.address, dgco(1_000)]));
    await net.mine(LOCKUP);
    await net.mined(await dm(d1).write.undelegateStake());
    assert.deepEqual(await view().delegateManager.read.getDelegators([alice.address]), [
      d3.address,
      d2.address,
    ]);
    await kit.delegate(d4, alice.address, dgco(1_000));
    assert.deepEqual(await view().delegateManager.read.getDelegators([alice.address]), [
      d3.address,
      d2.address,
      d4.address,
    ]);
    await expectRevert(
      dm(d5).write.delegateStake([alice.address, dgco(1_000)]),
      'TooManyDelegators',
    );
    // A partial undelegation keeps the slot taken.
    await net.mined(await dm(d2).write.requestUndelegateStake([alice.address, dgco(1_000)]));
    await net.mine(LOCKUP);
    await net.mined(await dm(d2).write.undelegateStake());
    await expectRevert(
      dm(d5).write.delegateStake([alice.address, dgco(1_000)]),
      'TooManyDelegators',
    );
  });

  it('requestUndelegateStake and cancelUndelegateStakeRequest, with their reverts', async () => {
    await kit.delegate(d1, alice.address, dgco(1_000));
    await kit.delegate(d1, bob.address, dgco(1_000));
    const d = dm(d1);
    await expectRevert(d.write.requestUndelegateStake([alice.address, 0n]), 'ZeroAmount');
    assert.deepEqual(
      await expectRevert(
        d.write.requestUndelegateStake([alice.address, dgco(1_000) + 1n]),
        'UndelegateTooLarge',
      ),
      [dgco(1_000) + 1n, dgco(1_000)],
    );
    assert.deepEqual(
      await expectRevert(d.write.requestUndelegateStake([carol.address, 1n]), 'UndelegateTooLarge'),
      [1n, 0n],
    );
    await expectRevert(d.write.cancelUndelegateStakeRequest(), 'NoPendingRequest');
    await expectRevert(d.write.undelegateStake(), 'NoPendingRequest');

    const requested = await net.mined(
      await d.write.requestUndelegateStake([alice.address, dgco(900)]),
    );
    const expiry = requested.blockNumber + LOCKUP;
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'UndelegateRequested', requested).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: dgco(900),
          lockupExpiryBlock: expiry,
        },
      ],
    );
    assert.deepEqual(await d.read.getPendingUndelegate([d1.address]), {
      nodeOwner: alice.address,
      amount: dgco(900),
      lockupExpiryBlock: expiry,
    });
    // One request at a time, whichever owner it is for.
    await expectRevert(
      d.write.requestUndelegateStake([alice.address, dgco(100)]),
      'PendingRequestExists',
    );
    await expectRevert(
      d.write.requestUndelegateStake([bob.address, dgco(1_000)]),
      'PendingRequestExists',
    );
    // Requesting moves nothing.
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(1_000));

    const cancelled = await net.mined(await d.write.cancelUndelegateStakeRequest());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'UndelegateCancelled', cancelled).map((e) => e.args),
      [{ delegator: d1.address, nodeOwner: alice.address, amount: dgco(900) }],
    );
    assert.deepEqual(await d.read.getPendingUndelegate([d1.address]), {
      nodeOwner: zeroAddress,
      amount: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(d.write.cancelUndelegateStakeRequest(), 'NoPendingRequest');
    await net.mine(LOCKUP);
    await expectRevert(d.write.undelegateStake(), 'NoPendingRequest');
    // The whole delegation can be asked back.
    await net.mined(await d.write.requestUndelegateStake([bob.address, dgco(1_000)]));
  });

  it('undelegating before the lockup fails', async () => {
    await kit.delegate(d1, alice.address, dgco(1_000));
    await kit.delegate(d2, alice.address, dgco(2_000));
    const d = dm(d1);
    const requested = await net.mined(
      await d.write.requestUndelegateStake([alice.address, dgco(1_000)]),
    );
    const expiry = requested.blockNumber + LOCKUP;
    assert.equal(expiry, requested.blockNumber + 46_523n);

    assert.deepEqual(await expectRevert(d.write.undelegateStake(), 'LockupNotExpired'), [expiry]);
    // A transaction in block expiry-1 fails, and so does a call executed in that block.
    await kit.mineTo(expiry - 2n);
    assert.deepEqual(await expectRevert(d.write.undelegateStake(), 'LockupNotExpired'), [expiry]);
    await kit.mineTo(expiry - 1n);
    assert.deepEqual(
      await expectRevert(d.simulate.undelegateStake({ account: d1.address }), 'LockupNotExpired'),
      [expiry],
    );
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(1_000));

    // In the expiry block the whole delegation comes back to the delegator.
    const walletBefore = await net.balanceOf(d1.address);
    const stakingBefore = await kit.stakingBalance();
    const receipt = await net.mined(await d.write.undelegateStake());
    assert.equal(receipt.blockNumber, expiry);
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', receipt).map((e) => e.args),
      [{ delegator: d1.address, nodeOwner: alice.address, amount: dgco(1_000), newDelegation: 0n }],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'Unstaked', receipt).map((e) => e.args),
      [{ staker: d1.address, nodeOwner: alice.address, amount: dgco(1_000) }],
    );
    assert.equal(await net.balanceOf(d1.address), walletBefore + dgco(1_000));
    assert.equal(await kit.stakingBalance(), stakingBefore - dgco(1_000));
    const { staking } = view();
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(2_000));
    assert.deepEqual(await d.read.getDelegators([alice.address]), [d2.address]);
    assert.equal(await staking.read.stakeOf([d1.address]), 0n);
    assert.equal(await staking.read.nodeStakeOf([alice.address]), ALICE_STAKE + dgco(2_000));
    assert.deepEqual(await d.read.getPendingUndelegate([d1.address]), {
      nodeOwner: zeroAddress,
      amount: 0n,
      lockupExpiryBlock: 0n,
    });
    await expectRevert(d.write.undelegateStake(), 'NoPendingRequest');
  });

  it('undelegateStake leaves a partial delegation, takes all if the minimum rose and caps to what a slash left', async () => {
    await kit.delegate(d1, alice.address, dgco(1_000));
    const d = dm(d1);
    // Partial: 600 of 1,000.
    await net.mined(await d.write.requestUndelegateStake([alice.address, dgco(600)]));
    await net.mine(LOCKUP);
    const partial = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', partial).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: dgco(600),
          newDelegation: dgco(400),
        },
      ],
    );
    assert.deepEqual(await d.read.getDelegators([alice.address]), [d1.address]);

    // Governance raises the minimum during the lockup: the 100 of 400 that would stay is below
    // it, so the whole delegation comes back rather than being locked in.
    await net.mined(await d.write.requestUndelegateStake([alice.address, dgco(300)]));
    await kit.asGovernance((g) => g.delegateManager.write.setMinDelegationAmount([dgco(200)]));
    await net.mine(LOCKUP);
    const all = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', all).map((e) => e.args),
      [{ delegator: d1.address, nodeOwner: alice.address, amount: dgco(400), newDelegation: 0n }],
    );
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 0n);
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);

    // A slash during the lockup: only what is left comes back.
    await kit.delegate(d1, alice.address, dgco(400));
    await net.mined(await d.write.requestUndelegateStake([alice.address, dgco(400)]));
    // 100,040 of the 1,000,400 DGCO on Alice's node: a tenth of every stake.
    await kit.asGovernance((g) => g.delegateManager.write.slash([dgco(100_040), alice.address]));
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(360));
    await net.mine(LOCKUP);
    const walletBefore = await net.balanceOf(d1.address);
    const receipt = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', receipt).map((e) => e.args),
      [{ delegator: d1.address, nodeOwner: alice.address, amount: dgco(360), newDelegation: 0n }],
    );
    assert.equal(await net.balanceOf(d1.address), walletBefore + dgco(360));
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);
  });

  it('a request that would leave less than the minimum is accepted and withdraws everything', async () => {
    await kit.delegate(d1, alice.address, dgco(1_000));
    const d = dm(d1);
    // 99.999... DGCO would stay: below the 100 DGCO minimum, so the request is for all of it.
    const requested = await net.mined(
      await d.write.requestUndelegateStake([alice.address, dgco(900) + 1n]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'UndelegateRequested', requested).map((e) => e.args.amount),
      [dgco(900) + 1n],
    );
    await net.mine(LOCKUP);
    const walletBefore = await net.balanceOf(d1.address);
    const receipt = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', receipt).map((e) => e.args),
      [{ delegator: d1.address, nodeOwner: alice.address, amount: dgco(1_000), newDelegation: 0n }],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'Unstaked', receipt).map((e) => e.args),
      [{ staker: d1.address, nodeOwner: alice.address, amount: dgco(1_000) }],
    );
    assert.equal(await net.balanceOf(d1.address), walletBefore + dgco(1_000));
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);

    // Leaving exactly the minimum is a partial withdrawal, as asked.
    await kit.delegate(d1, alice.address, dgco(1_000));
    await net.mined(await d.write.requestUndelegateStake([alice.address, dgco(900)]));
    await net.mine(LOCKUP);
    const partial = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', partial).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: dgco(900),
          newDelegation: MIN_DELEGATION,
        },
      ],
    );
    assert.deepEqual(await d.read.getDelegators([alice.address]), [d1.address]);
  });

  it('rewards compounded during the lockup never lock dust in: undelegating all returns everything', async () => {
    // d1 delegates exactly the minimum, then asks for all of it back.
    await kit.delegate(d1, alice.address, MIN_DELEGATION);
    await startRound();
    const d = dm(d1);
    await net.mined(await d.write.requestUndelegateStake([alice.address, MIN_DELEGATION]));
    // A reward claim lands during the lockup and compounds onto the delegation.
    const aliceNode = ALICE_STAKE + MIN_DELEGATION;
    const reward = (FUNDING * aliceNode) / (aliceNode + BOB_STAKE);
    const share = (reward * MIN_DELEGATION) / aliceNode;
    await net.mined(await dm(carol).write.claimRewards([alice.address]));
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), MIN_DELEGATION + share);
    // The reward is dust: above zero, below the minimum (it would have stayed locked for good).
    assert.ok(share > 0n && share < MIN_DELEGATION, `share ${share}`);

    await net.mine(LOCKUP);
    const walletBefore = await net.balanceOf(d1.address);
    const stakingBefore = await kit.stakingBalance();
    const receipt = await net.mined(await d.write.undelegateStake());
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', receipt).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: MIN_DELEGATION + share,
          newDelegation: 0n,
        },
      ],
    );
    assert.equal(await net.balanceOf(d1.address), walletBefore + MIN_DELEGATION + share);
    assert.equal(await kit.stakingBalance(), stakingBefore - MIN_DELEGATION - share);
    const { staking } = view();
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);
    assert.equal(await staking.read.stakeOf([d1.address]), 0n);
    assert.equal(
      await staking.read.nodeStakeOf([alice.address]),
      await view().nodeRegistry.read.deployerStakeOf([alice.address]),
    );
  });

  it('an undelegation expires REQUEST_EXECUTION_WINDOW blocks after its lockup', async () => {
    await kit.delegate(d1, alice.address, dgco(1_000));
    const d = dm(d1);
    const requested = await net.mined(
      await d.write.requestUndelegateStake([alice.address, dgco(400)]),
    );
    const expiry = requested.blockNumber + LOCKUP;
    const lastBlock = expiry + WINDOW;

    // A transaction in the last block still completes it.
    const back = await net.snapshot();
    await kit.mineTo(lastBlock - 1n);
    const receipt = await net.mined(await d.write.undelegateStake());
    assert.equal(receipt.blockNumber, lastBlock);
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'DelegationDecreased', receipt).map((e) => e.args),
      [
        {
          delegator: d1.address,
          nodeOwner: alice.address,
          amount: dgco(400),
          newDelegation: dgco(600),
        },
      ],
    );
    await back();

    // One block later it has expired, and so has a call executed in that block.
    await kit.mineTo(lastBlock);
    assert.deepEqual(await expectRevert(d.write.undelegateStake(), 'RequestExpired'), [lastBlock]);
    await net.mine(1);
    assert.deepEqual(
      await expectRevert(d.simulate.undelegateStake({ account: d1.address }), 'RequestExpired'),
      [lastBlock],
    );
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(1_000));
    // The expired request stays until cancelled; then a new one waits out a new lockup.
    assert.equal((await d.read.getPendingUndelegate([d1.address])).lockupExpiryBlock, expiry);
    await expectRevert(
      d.write.requestUndelegateStake([alice.address, dgco(100)]),
      'PendingRequestExists',
    );
    await net.mined(await d.write.cancelUndelegateStakeRequest());
    const again = await net.mined(await d.write.requestUndelegateStake([alice.address, dgco(400)]));
    assert.deepEqual(await expectRevert(d.write.undelegateStake(), 'LockupNotExpired'), [
      again.blockNumber + LOCKUP,
    ]);
    await net.mine(LOCKUP);
    await net.mined(await d.write.undelegateStake());
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(600));
  });

  it('claimRewards splits the round reward by the deployer cut, exactly', async () => {
    // Alice 1,000,000 own + d1 300,000 + d2 200,000 = 1,500,000; Bob 500,000; 2,000,000 in all.
    await kit.delegate(d1, alice.address, dgco(300_000));
    await kit.delegate(d2, alice.address, dgco(200_000));
    await setCut(alice, 1_000n); // 10 %
    const roundStart = await startRound();

    // Alice's node holds 3/4 of the stake: 1,342,465.75 * 3/4 = 1,006,849.3125 DGCO.
    const reward = parseEther('1006849.3125');
    const net1 = parseEther('181232.87625'); // 1/5 of the reward (201,369.8625) less 10 %
    const net2 = parseEther('120821.9175'); // 2/15 of the reward (134,246.575) less 10 %
    const toDelegators = net1 + net2;
    const toOwner = reward - toDelegators;
    assert.equal(toOwner, parseEther('704794.51875'));

    const supplyBefore = await view().token.read.totalSupply();
    const stakingBefore = await kit.stakingBalance();
    // Anyone may trigger the claim: the rewards only ever go to the stakers.
    const claimer = dm(carol);
    const { result } = await claimer.simulate.claimRewards([alice.address], {
      account: carol.address,
    });
    assert.equal(result, reward);
    const receipt = await net.mined(await claimer.write.claimRewards([alice.address]));
    assert.deepEqual(
      eventsOf(claimsManagerAbi, 'ClaimProcessed', receipt).map((e) => e.args),
      [
        {
          nodeOwner: alice.address,
          round: 1n,
          reward,
          nodeStake: dgco(1_500_000),
          totalStake: dgco(2_000_000),
        },
      ],
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt).map((e) => e.args),
      [{ nodeOwner: alice.address, total: reward, toOwner, toDelegators }],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'RewardsStaked', receipt).map((e) => e.args),
      [
        { staker: d1.address, nodeOwner: alice.address, amount: net1 },
        { staker: d2.address, nodeOwner: alice.address, amount: net2 },
        { staker: alice.address, nodeOwner: alice.address, amount: toOwner },
      ],
    );
    assert.deepEqual(
      eventsOf(dgcoTokenAbi, 'Transfer', receipt).map((e) => e.args),
      [{ from: zeroAddress, to: net.manifest.contracts.eth.Staking, value: reward }],
    );

    const { delegateManager: d, nodeRegistry, staking, token } = view();
    assert.equal(await token.read.totalSupply(), supplyBefore + reward);
    assert.equal(await kit.stakingBalance(), stakingBefore + reward);
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(300_000) + net1);
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), dgco(200_000) + net2);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(500_000) + toDelegators);
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), ALICE_STAKE + toOwner);
    assert.equal(await staking.read.stakeOf([d1.address]), dgco(300_000) + net1);
    assert.equal(await staking.read.stakeOf([d2.address]), dgco(200_000) + net2);
    assert.equal(await staking.read.stakeOf([alice.address]), ALICE_STAKE + toOwner);
    assert.equal(await staking.read.nodeStakeOf([alice.address]), dgco(1_500_000) + reward);
    assert.equal(await staking.read.totalStaked(), dgco(2_000_000) + reward);

    // Bob has no delegators and gets his quarter whole.
    const bobReceipt = await net.mined(await claimer.write.claimRewards([bob.address]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', bobReceipt).map((e) => e.args),
      [
        {
          nodeOwner: bob.address,
          total: parseEther('335616.4375'),
          toOwner: parseEther('335616.4375'),
          toDelegators: 0n,
        },
      ],
    );
    assert.equal(reward + parseEther('335616.4375'), FUNDING);
    const round = await view().claimsManager.read.currentRound();
    assert.deepEqual(round, {
      number: 1n,
      startBlock: roundStart,
      fundingAmount: FUNDING,
      totalClaimed: FUNDING,
    });
    await expectRevert(claimer.write.claimRewards([alice.address]), 'AlreadyClaimed');
  });

  it('claimRewards rounds each delegator down and gives the dust to the owner', async () => {
    const a = dgco(333_333) + 7n;
    const b = dgco(77_777) + 1n;
    await kit.delegate(d1, alice.address, a);
    await kit.delegate(d2, alice.address, b);
    await kit.delegate(d3, bob.address, dgco(1_234));
    await setCut(alice, 1_250n);
    await startRound();

    const aliceNode = ALICE_STAKE + a + b;
    const total = aliceNode + BOB_STAKE + dgco(1_234);
    const reward = (FUNDING * aliceNode) / total;
    const netOf = (delegation: bigint) => {
      const share = (reward * delegation) / aliceNode;
      return share - (share * 1_250n) / CUT_BASE;
    };
    const receipt = await net.mined(await dm(carol).write.claimRewards([alice.address]));
    const [claimed] = eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt);
    assert.deepEqual(claimed!.args, {
      nodeOwner: alice.address,
      total: reward,
      toOwner: reward - netOf(a) - netOf(b),
      toDelegators: netOf(a) + netOf(b),
    });
    // Not a whole number of wei anywhere: the rounding is really exercised.
    assert.notEqual((FUNDING * aliceNode) % total, 0n);
    assert.notEqual((reward * a) % aliceNode, 0n);
    const { delegateManager: d, nodeRegistry } = view();
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), a + netOf(a));
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), b + netOf(b));
    assert.equal(
      await nodeRegistry.read.deployerStakeOf([alice.address]),
      ALICE_STAKE + reward - netOf(a) - netOf(b),
    );

    // With no cut a delegator keeps the whole share.
    const bobNode = BOB_STAKE + dgco(1_234);
    const bobReward = (FUNDING * bobNode) / total;
    await net.mined(await dm(carol).write.claimRewards([bob.address]));
    assert.equal(
      await d.read.delegationOf([d3.address, bob.address]),
      dgco(1_234) + (bobReward * dgco(1_234)) / bobNode,
    );
    const round = await view().claimsManager.read.currentRound();
    assert.equal(round.totalClaimed, reward + bobReward);
    assert.ok(round.totalClaimed <= FUNDING);
    assert.ok(FUNDING - round.totalClaimed < 2n);
  });

  it('claimRewards with a 100 % cut pays the owner everything; a zero reward mints nothing', async () => {
    await kit.delegate(d1, alice.address, dgco(500_000));
    await setCut(alice, CUT_BASE);
    await startRound();
    const reward = (FUNDING * dgco(1_500_000)) / dgco(2_000_000);
    const receipt = await net.mined(await dm(carol).write.claimRewards([alice.address]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt).map((e) => e.args),
      [{ nodeOwner: alice.address, total: reward, toOwner: reward, toDelegators: 0n }],
    );
    assert.equal(
      await view().delegateManager.read.delegationOf([d1.address, alice.address]),
      dgco(500_000),
    );

    // Carol registers after the round started: she had no stake at its snapshot.
    await kit.register(carol, 'contentNode', 'https://cn3.example', dgco(200_000));
    const supply = await view().token.read.totalSupply();
    const zero = await net.mined(await dm(carol).write.claimRewards([carol.address]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', zero).map((e) => e.args),
      [{ nodeOwner: carol.address, total: 0n, toOwner: 0n, toDelegators: 0n }],
    );
    assert.equal(eventsOf(dgcoTokenAbi, 'Transfer', zero).length, 0);
    assert.equal(await view().token.read.totalSupply(), supply);
    assert.equal(await view().nodeRegistry.read.deployerStakeOf([carol.address]), dgco(200_000));
  });

  it('a delegation made after the round started earns nothing in it and takes nothing from others', async () => {
    await kit.delegate(d1, alice.address, dgco(500_000));
    await setCut(alice, 2_000n); // 20 %
    await startRound();
    // After the snapshot: d2 joins with 500,000 and Alice adds 500,000 of her own.
    await kit.delegate(d2, alice.address, dgco(500_000));
    await net.mined(
      await kit.contractsFor(alice).nodeRegistry.write.increaseStake([dgco(500_000)]),
    );

    // The reward is on 1,500,000 of 2,000,000; d1 held a third of it: 1,006,849.3125 / 3 less 20 %.
    const reward = parseEther('1006849.3125');
    const net1 = parseEther('268493.15'); // 335,616.4375 less 67,123.2875
    const receipt = await net.mined(await dm(carol).write.claimRewards([alice.address]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt).map((e) => e.args),
      [{ nodeOwner: alice.address, total: reward, toOwner: reward - net1, toDelegators: net1 }],
    );
    const { delegateManager: d, nodeRegistry } = view();
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(500_000) + net1);
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), dgco(500_000));
    assert.equal(
      await nodeRegistry.read.deployerStakeOf([alice.address]),
      dgco(1_500_000) + reward - net1,
    );
  });

  it('a delegator who leaves after the snapshot is paid on what they held, or forfeits if all is gone', async () => {
    await kit.delegate(d1, alice.address, dgco(300_000));
    await kit.delegate(d2, alice.address, dgco(200_000));
    await net.mined(await dm(d1).write.requestUndelegateStake([alice.address, dgco(100_000)]));
    await net.mined(await dm(d2).write.requestUndelegateStake([alice.address, dgco(200_000)]));
    await net.mine(LOCKUP);
    await startRound();
    // Both leave after the snapshot, before the claim: d1 in part, d2 entirely.
    await net.mined(await dm(d1).write.undelegateStake());
    await net.mined(await dm(d2).write.undelegateStake());
    assert.deepEqual(await view().delegateManager.read.getDelegators([alice.address]), [
      d1.address,
    ]);

    const reward = parseEther('1006849.3125');
    const share1 = parseEther('201369.8625'); // on the 300,000 d1 held at the snapshot
    const receipt = await net.mined(await dm(carol).write.claimRewards([alice.address]));
    // d2's share (134,246.575) is no one's to take but the owner's: d2 chose to leave unclaimed.
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'RewardsClaimed', receipt).map((e) => e.args),
      [{ nodeOwner: alice.address, total: reward, toOwner: reward - share1, toDelegators: share1 }],
    );
    const d = view().delegateManager;
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(200_000) + share1);
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(200_000) + share1);
  });

  it('slash burns stake from the owner and delegators pro rata', async () => {
    await kit.delegate(d1, alice.address, dgco(300_000));
    await kit.delegate(d2, alice.address, dgco(200_000));
    const supplyBefore = await view().token.read.totalSupply();
    const stakingBefore = await kit.stakingBalance();
    // 150,000 of 1,500,000: a tenth of each stake.
    const receipt = await kit.asGovernance((g) =>
      g.delegateManager.write.slash([dgco(150_000), alice.address]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'Slashed', receipt).map((e) => e.args),
      [
        {
          nodeOwner: alice.address,
          amount: dgco(150_000),
          fromOwner: dgco(100_000),
          fromDelegators: dgco(50_000),
        },
      ],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'Slashed', receipt).map((e) => e.args),
      [
        { staker: d2.address, nodeOwner: alice.address, amount: dgco(20_000) },
        { staker: d1.address, nodeOwner: alice.address, amount: dgco(30_000) },
        { staker: alice.address, nodeOwner: alice.address, amount: dgco(100_000) },
      ],
    );
    const { delegateManager: d, nodeRegistry, staking, token } = view();
    assert.equal(await token.read.totalSupply(), supplyBefore - dgco(150_000));
    assert.equal(await kit.stakingBalance(), stakingBefore - dgco(150_000));
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), dgco(270_000));
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), dgco(180_000));
    assert.equal(await d.read.totalDelegatedTo([alice.address]), dgco(450_000));
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), dgco(900_000));
    assert.equal(await staking.read.stakeOf([alice.address]), dgco(900_000));
    assert.equal(await staking.read.stakeOf([d1.address]), dgco(270_000));
    assert.equal(await staking.read.nodeStakeOf([alice.address]), dgco(1_350_000));
    assert.equal(await staking.read.totalStaked(), dgco(1_850_000));
    // Bob is untouched.
    assert.equal(await staking.read.nodeStakeOf([bob.address]), BOB_STAKE);

    // A few wei: each delegator's part rounds down, the owner pays the rest.
    const small = await kit.asGovernance((g) => g.delegateManager.write.slash([7n, alice.address]));
    // d1: 7 * 270,000 / 1,350,000 = 1.4 -> 1; d2: 7 * 180,000 / 1,350,000 = 0.93 -> 0.
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'Slashed', small).map((e) => e.args),
      [{ nodeOwner: alice.address, amount: 7n, fromOwner: 6n, fromDelegators: 1n }],
    );
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), dgco(180_000));
    assert.equal(await token.read.totalSupply(), supplyBefore - dgco(150_000) - 7n);
  });

  it('slash rejects zero, caps the owner’s part and removes emptied delegators', async () => {
    await kit.delegate(d1, alice.address, dgco(300_000));
    await kit.delegate(d2, alice.address, dgco(200_000));
    const g = kit.governance().delegateManager;
    const gov = { account: kit.governanceAddress };
    await expectRevert(g.simulate.slash([0n, alice.address], gov), 'ZeroAmount');

    // One wei short of everything: each delegator's part rounds down by a wei, which would ask
    // the owner for more than they have; the owner's part is capped at their stake.
    const receipt = await kit.asGovernance((c) =>
      c.delegateManager.write.slash([dgco(1_500_000) - 1n, alice.address]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'Slashed', receipt).map((e) => e.args),
      [
        {
          nodeOwner: alice.address,
          amount: dgco(1_500_000) - 2n,
          fromOwner: ALICE_STAKE,
          fromDelegators: dgco(500_000) - 2n,
        },
      ],
    );
    const { delegateManager: d, nodeRegistry } = view();
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), 0n);
    assert.equal(await nodeRegistry.read.isWithinBounds([alice.address]), false);
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 1n);
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), 1n);

    // Slashing more than the 2 wei left burns what is left: both delegations are emptied and no
    // longer hold delegator slots.
    const rest = await kit.asGovernance((c) =>
      c.delegateManager.write.slash([dgco(1_000), alice.address]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'Slashed', rest).map((e) => e.args),
      [{ nodeOwner: alice.address, amount: 2n, fromOwner: 0n, fromDelegators: 2n }],
    );
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);
    assert.equal(await view().staking.read.nodeStakeOf([alice.address]), 0n);
  });

  it('a slash larger than the stake left burns all of it instead of failing', async () => {
    await kit.delegate(d1, alice.address, dgco(300_000));
    await kit.delegate(d2, alice.address, dgco(200_000));
    const { delegateManager: d, nodeRegistry, staking, token } = view();
    const supplyBefore = await token.read.totalSupply();
    const stakingBefore = await kit.stakingBalance();
    // Proposed on 2,000,000; only 1,500,000 is on Alice's node when it executes.
    const receipt = await kit.asGovernance((g) =>
      g.delegateManager.write.slash([dgco(2_000_000), alice.address]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'Slashed', receipt).map((e) => e.args),
      [
        {
          nodeOwner: alice.address,
          amount: dgco(1_500_000),
          fromOwner: ALICE_STAKE,
          fromDelegators: dgco(500_000),
        },
      ],
    );
    assert.deepEqual(
      eventsOf(stakingAbi, 'Slashed', receipt).map((e) => e.args),
      [
        { staker: d2.address, nodeOwner: alice.address, amount: dgco(200_000) },
        { staker: d1.address, nodeOwner: alice.address, amount: dgco(300_000) },
        { staker: alice.address, nodeOwner: alice.address, amount: ALICE_STAKE },
      ],
    );
    assert.equal(await token.read.totalSupply(), supplyBefore - dgco(1_500_000));
    assert.equal(await kit.stakingBalance(), stakingBefore - dgco(1_500_000));
    assert.equal(await nodeRegistry.read.deployerStakeOf([alice.address]), 0n);
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 0n);
    assert.equal(await d.read.delegationOf([d2.address, alice.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([alice.address]), 0n);
    assert.deepEqual(await d.read.getDelegators([alice.address]), []);
    assert.equal(await staking.read.nodeStakeOf([alice.address]), 0n);
    assert.equal(await staking.read.totalStaked(), BOB_STAKE);

    // Nothing left, or never anything staked: the slash still succeeds and burns nothing.
    for (const owner of [alice, carol]) {
      const none = await kit.asGovernance((g) =>
        g.delegateManager.write.slash([dgco(1_000), owner.address]),
      );
      assert.deepEqual(
        eventsOf(delegateManagerAbi, 'Slashed', none).map((e) => e.args),
        [{ nodeOwner: owner.address, amount: 0n, fromOwner: 0n, fromDelegators: 0n }],
      );
      assert.equal(eventsOf(stakingAbi, 'Slashed', none).length, 0);
    }
    assert.equal(await token.read.totalSupply(), supplyBefore - dgco(1_500_000));
  });

  it('slashing by a non-governance caller fails', async () => {
    await kit.delegate(d1, alice.address, dgco(300_000));
    const supply = await view().token.read.totalSupply();
    // Not the owner, a delegator, the deployer (treasury and guardian), or another owner.
    for (const caller of [alice, d1, net.deployer, bob]) {
      assert.deepEqual(
        await expectRevert(dm(caller).write.slash([dgco(1_000), alice.address]), 'NotGovernance'),
        [caller.address],
      );
    }
    assert.equal(await view().token.read.totalSupply(), supply);
    assert.equal(await view().nodeRegistry.read.deployerStakeOf([alice.address]), ALICE_STAKE);
    assert.equal(
      await view().delegateManager.read.delegationOf([d1.address, alice.address]),
      dgco(300_000),
    );
  });

  it('parameter setters are governance-only and reject invalid values', async () => {
    for (const caller of [net.deployer, alice]) {
      const d = dm(caller);
      for (const call of [
        () => d.write.setMinDelegationAmount([dgco(1)]),
        () => d.write.setMaxDelegators([1n]),
        () => d.write.setUndelegateLockupDuration([1n]),
      ]) {
        assert.deepEqual(await expectRevert(call(), 'NotGovernance'), [caller.address]);
      }
    }
    const g = kit.governance().delegateManager;
    const gov = { account: kit.governanceAddress };
    await expectRevert(g.simulate.setMinDelegationAmount([0n], gov), 'InvalidParameter');
    await expectRevert(g.simulate.setMaxDelegators([0n], gov), 'InvalidParameter');
    // The loops over delegators are bounded: never more than MAX_DELEGATORS_CEILING.
    await expectRevert(g.simulate.setMaxDelegators([201n], gov), 'InvalidParameter');
    const max = await kit.asGovernance((c) => c.delegateManager.write.setMaxDelegators([200n]));
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'MaxDelegatorsSet', max).map((e) => e.args),
      [{ count: 200n }],
    );
    assert.equal(await view().delegateManager.read.maxDelegators(), 200n);

    const min = await kit.asGovernance((c) =>
      c.delegateManager.write.setMinDelegationAmount([dgco(1_000)]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'MinDelegationAmountSet', min).map((e) => e.args),
      [{ amount: dgco(1_000) }],
    );
    const lockup = await kit.asGovernance((c) =>
      c.delegateManager.write.setUndelegateLockupDuration([0n]),
    );
    assert.deepEqual(
      eventsOf(delegateManagerAbi, 'UndelegateLockupDurationSet', lockup).map((e) => e.args),
      [{ duration: 0n }],
    );
    const d = view().delegateManager;
    assert.equal(await d.read.minDelegationAmount(), dgco(1_000));
    assert.equal(await d.read.undelegateLockupDuration(), 0n);

    // The new values apply at once.
    assert.deepEqual(
      await expectRevert(
        dm(d1).write.delegateStake([alice.address, dgco(1_000) - 1n]),
        'BelowMinDelegation',
      ),
      [dgco(1_000) - 1n, dgco(1_000)],
    );
    await kit.delegate(d1, alice.address, dgco(1_000));
    const requested = await net.mined(
      await dm(d1).write.requestUndelegateStake([alice.address, dgco(1_000)]),
    );
    assert.equal(
      (await d.read.getPendingUndelegate([d1.address])).lockupExpiryBlock,
      requested.blockNumber,
    );
    await net.mined(await dm(d1).write.undelegateStake());
    assert.equal(await d.read.delegationOf([d1.address, alice.address]), 0n);
  });

  it('views answer for unknown addresses with zeroes', async () => {
    const d = view().delegateManager;
    const nobody: Address = net.accounts[19]!.address;
    assert.equal(await d.read.delegationOf([nobody, alice.address]), 0n);
    assert.equal(await d.read.totalDelegatedTo([nobody]), 0n);
    assert.deepEqual(await d.read.getDelegators([nobody]), []);
    assert.deepEqual(await d.read.getPendingUndelegate([nobody]), {
      nodeOwner: zeroAddress,
      amount: 0n,
      lockupExpiryBlock: 0n,
    });
  });
});
