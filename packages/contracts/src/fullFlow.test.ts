import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PARAMS, fundAccounts, registerNode } from '@coliving/chain';
import { type TestNetwork, expectRevert, startTestNetwork } from '@coliving/chain/testing';
import {
  ProposalOutcome,
  ServiceType,
  type ServiceTypeName,
  VoteChoice,
  claimsManagerAbi,
  delegateManagerAbi,
  governanceAbi,
} from '@coliving/contracts';
import {
  type Account,
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  parseEventLogs,
  toFunctionSelector,
} from 'viem';

const DGCO = 10n ** 18n;
const dgco = (whole: bigint | number): bigint => BigInt(whole) * DGCO;
const INITIAL_SUPPLY = dgco(1_000_000_000);
const CUT_BASE = 10_000n;

/** The 4-byte selector of the custom error a call reverted with (for errors not in its ABI). */
function revertSignature(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.signature : undefined;
}

type NodeSpec = {
  operator: Account;
  wallet: Account;
  type: ServiceTypeName;
  endpoint: string;
  stake: bigint;
  id?: bigint;
};

describe('Coliving on one chain, end to end', () => {
  let net: TestNetwork;
  before(async () => {
    net = await startTestNetwork();
  });
  after(async () => {
    await net?.stop();
  });

  it('full flow: deploy, register, delegate, reward, govern', async () => {
    const account = (i: number): Account => {
      const a = net.accounts[i];
      if (!a) throw new Error(`no dev account ${i}`);
      return a;
    };
    const addr = net.manifest.contracts.eth;
    const read = net.contractsFor(account(19));
    const latestBlock = () => net.ethPublic.getBlockNumber({ cacheTime: 0 });

    // --- register: three content nodes and two discovery nodes, each with its own operator.
    const nodes: NodeSpec[] = [
      {
        operator: account(1),
        wallet: account(11),
        type: 'contentNode',
        endpoint: 'https://cn1.example',
        stake: dgco(1_000_000),
      },
      {
        operator: account(2),
        wallet: account(12),
        type: 'contentNode',
        endpoint: 'https://cn2.example',
        stake: dgco(500_000),
      },
      {
        operator: account(3),
        wallet: account(13),
        type: 'contentNode',
        endpoint: 'https://cn3.example',
        stake: dgco(200_000),
      },
      {
        operator: account(4),
        wallet: account(14),
        type: 'discoveryNode',
        endpoint: 'https://dn1.example',
        stake: dgco(400_000),
      },
      {
        operator: account(5),
        wallet: account(15),
        type: 'discoveryNode',
        endpoint: 'https://dn2.example',
        stake: dgco(300_000),
      },
    ];
    const [cn1, cn2, , dn1] = nodes as [NodeSpec, NodeSpec, NodeSpec, NodeSpec, NodeSpec];
    for (const node of nodes) {
      await fundAccounts({
        manifest: net.manifest,
        from: net.deployer,
        recipients: [node.operator.address],
        dgco: node.stake,
      });
      const { nodeId } = await registerNode({
        manifest: net.manifest,
        owner: node.operator,
        serviceType: node.type,
        endpoint: node.endpoint,
        stake: node.stake,
        delegateWallet: node.wallet.address,
      });
      node.id = nodeId;
    }
    assert.deepEqual(
      nodes.map((n) => n.id),
      [1n, 2n, 3n, 4n, 5n],
    );
    for (const type of ['contentNode', 'discoveryNode'] as const) {
      const [ids, listed] = await read.nodeRegistry.read.getNodesByType([ServiceType[type]]);
      const expected = nodes.filter((n) => n.type === type);
      assert.deepEqual(
        ids,
        expected.map((n) => n.id),
      );
      assert.deepEqual(
        listed,
        expected.map((n) => ({
          owner: n.operator.address,
          serviceType: ServiceType[type],
          endpoint: n.endpoint,
          delegateWallet: n.wallet.address,
        })),
      );
    }

    // --- delegate: two holders delegate to cn1 and dn1.
    const delegations = [
      { delegator: account(6), node: cn1, amount: dgco(200_000) },
      { delegator: account(7), node: dn1, amount: dgco(100_000) },
    ] as const;
    for (const { delegator, node, amount } of delegations) {
      await fundAccounts({
        manifest: net.manifest,
        from: net.deployer,
        recipients: [delegator.address],
        dgco: amount,
      });
      const c = net.contractsFor(delegator);
      await net.mined(await c.token.write.approve([addr.Staking, amount]));
      await net.mined(await c.delegateManager.write.delegateStake([node.operator.address, amount]));
    }
    const [d6, d7] = delegations;
    const delegatedTo = (node: NodeSpec) =>
      delegations.filter((d) => d.node === node).reduce((sum, d) => sum + d.amount, 0n);

    // cn1's operator takes 10 % of its delegator's rewards, after the cut lockup.
    const cut = 1_000n;
    const cn1c = net.contractsFor(cn1.operator);
    await net.mined(await cn1c.nodeRegistry.write.requestUpdateDeployerCut([cut]));
    await net.mine(DEFAULT_PARAMS.deployerCutLockupBlocks);
    await net.mined(await cn1c.nodeRegistry.write.updateDeployerCut());
    assert.equal(await read.nodeRegistry.read.deployerCutOf([cn1.operator.address]), cut);

    const totalStake = nodes.reduce((sum, n) => sum + n.stake + delegatedTo(n), 0n);
    assert.equal(totalStake, dgco(2_700_000));
    assert.equal(await read.staking.read.totalStaked(), totalStake);

    // --- reward round: starts now (the first round needs no wait), paid on the stake at the block
    // before it started.
    const roundReceipt = await net.mined(await read.claimsManager.write.initiateRound());
    const round = await read.claimsManager.read.currentRound();
    assert.deepEqual(round, {
      number: 1n,
      startBlock: roundReceipt.blockNumber,
      fundingAmount: DEFAULT_PARAMS.fundingAmount,
      totalClaimed: 0n,
    });
    await net.mine(1);
    const expected = new Map<bigint, { total: bigint; toOwner: bigint; toDelegators: bigint }>();
    let minted = 0n;
    for (const node of nodes) {
      const nodeStake = node.stake + delegatedTo(node);
      const total = (DEFAULT_PARAMS.fundingAmount * nodeStake) / totalStake;
      let toDelegators = 0n;
      for (const d of delegations.filter((x) => x.node === node)) {
        const share = (total * d.amount) / nodeStake;
        const nodeCut = node === cn1 ? cut : 0n;
        toDelegators += share - (share * nodeCut) / CUT_BASE;
      }
      expected.set(node.id!, { total, toOwner: total - toDelegators, toDelegators });
      minted += total;
    }
    // Anyone may trigger a claim; rewards only ever go to the stakers.
    for (const node of nodes) {
      const receipt = await net.mined(
        await read.delegateManager.write.claimRewards([node.operator.address]),
      );
      const [processed] = parseEventLogs({
        abi: claimsManagerAbi,
        eventName: 'ClaimProcessed',
        logs: receipt.logs,
      });
      const [claimed] = parseEventLogs({
        abi: delegateManagerAbi,
        eventName: 'RewardsClaimed',
        logs: receipt.logs,
      });
      const e = expected.get(node.id!)!;
      assert.deepEqual(processed?.args, {
        nodeOwner: node.operator.address,
        round: 1n,
        reward: e.total,
        nodeStake: node.stake + delegatedTo(node),
        totalStake,
      });
      assert.deepEqual(claimed?.args, { nodeOwner: node.operator.address, ...e });
    }
    // Exact figures: 1,342,465.75 DGCO split pro rata over 2,700,000 DGCO of stake.
    const cn1Reward = expected.get(cn1.id!)!;
    assert.equal(
      cn1Reward.total,
      (DEFAULT_PARAMS.fundingAmount * dgco(1_200_000)) / dgco(2_700_000),
    );
    assert.equal(cn1Reward.total, 596_651_444_444_444_444_444_444n);
    // d6 holds a sixth of cn1's stake: 99,441.907407... DGCO, less the 10 % cut.
    const d6Share = cn1Reward.total / 6n;
    assert.equal(cn1Reward.toDelegators, d6Share - d6Share / 10n);
    assert.equal((await read.claimsManager.read.currentRound()).totalClaimed, minted);
    assert.ok(DEFAULT_PARAMS.fundingAmount - minted < 5n, 'only rounding dust is left unminted');
    assert.equal(await read.token.read.totalSupply(), INITIAL_SUPPLY + minted);
    assert.equal(await net.balanceOf(addr.Staking), totalStake + minted);
    assert.equal(await read.staking.read.totalStaked(), totalStake + minted);
    for (const node of nodes) {
      const e = expected.get(node.id!)!;
      assert.equal(
        await read.nodeRegistry.read.deployerStakeOf([node.operator.address]),
        node.stake + e.toOwner,
      );
      assert.equal(
        await read.staking.read.stakeOf([node.operator.address]),
        node.stake + e.toOwner,
      );
      assert.equal(
        await read.staking.read.nodeStakeOf([node.operator.address]),
        node.stake + delegatedTo(node) + e.total,
      );
    }
    assert.equal(
      await read.delegateManager.read.delegationOf([d6.delegator.address, cn1.operator.address]),
      d6.amount + expected.get(cn1.id!)!.toDelegators,
    );
    assert.equal(
      await read.delegateManager.read.delegationOf([d7.delegator.address, dn1.operator.address]),
      d7.amount + expected.get(dn1.id!)!.toDelegators,
    );
    // One claim per owner per round (ClaimsManager's AlreadyClaimed, bubbled up).
    await assert.rejects(
      read.delegateManager.write.claimRewards([cn1.operator.address]),
      (error: unknown) =>
        revertSignature(error) === toFunctionSelector('AlreadyClaimed(address,uint256)'),
    );

    // --- govern: raise the minimum delegation from 100 to 250 DGCO.
    const newMin = dgco(250);
    assert.equal(
      await read.delegateManager.read.minDelegationAmount(),
      DEFAULT_PARAMS.minDelegation,
    );
    const callData = encodeFunctionData({
      abi: delegateManagerAbi,
      functionName: 'setMinDelegationAmount',
      args: [newMin],
    });
    const submitted = await net.mined(
      await cn1c.governance.write.submitProposal([
        addr.DelegateManager,
        callData,
        'Raise the minimum delegation to 250 DGCO',
      ]),
    );
    const [event] = parseEventLogs({
      abi: governanceAbi,
      eventName: 'ProposalSubmitted',
      logs: submitted.logs,
    });
    assert.ok(event);
    const proposalId = event.args.proposalId;
    const votes = [
      [cn1.operator, VoteChoice.Yes, cn1.stake + expected.get(cn1.id!)!.toOwner],
      [cn2.operator, VoteChoice.Yes, cn2.stake + expected.get(cn2.id!)!.toOwner],
      [d7.delegator, VoteChoice.No, d7.amount + expected.get(dn1.id!)!.toDelegators],
    ] as const;
    for (const [voter, choice] of votes) {
      await net.mined(
        await net.contractsFor(voter).governance.write.submitVote([proposalId, choice]),
      );
    }
    const yes = votes[0][2] + votes[1][2];
    const no = votes[2][2];
    const proposal = await read.governance.read.getProposal([proposalId]);
    assert.equal(proposal.totalStakeAtSnapshot, totalStake + minted);
    assert.equal(proposal.yesVotes, yes);
    assert.equal(proposal.noVotes, no);
    // Quorum is 5 % of the stake at the snapshot; these votes are well over it.
    assert.ok((yes + no) * 100n >= DEFAULT_PARAMS.quorumPercent * proposal.totalStakeAtSnapshot);

    const ready =
      submitted.blockNumber +
      DEFAULT_PARAMS.votingPeriodBlocks +
      DEFAULT_PARAMS.executionDelayBlocks;
    await net.mine(ready - (await latestBlock()));
    const evaluated = await net.mined(await read.governance.write.evaluateProposal([proposalId]));
    const [outcome] = parseEventLogs({
      abi: governanceAbi,
      eventName: 'ProposalOutcomeEvaluated',
      logs: evaluated.logs,
    });
    assert.deepEqual(outcome?.args, {
      proposalId,
      outcome: ProposalOutcome.ApprovedExecuted,
      yesVotes: yes,
      noVotes: no,
    });
    assert.equal(
      (await read.governance.read.getProposal([proposalId])).outcome,
      ProposalOutcome.ApprovedExecuted,
    );
    assert.equal(await read.delegateManager.read.minDelegationAmount(), newMin);

    // The new minimum applies: a 200 DGCO delegation is now too small, 250 is enough.
    const newcomer = account(8);
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [newcomer.address],
      dgco: newMin,
    });
    const nc = net.contractsFor(newcomer);
    await net.mined(await nc.token.write.approve([addr.Staking, newMin]));
    assert.deepEqual(
      await expectRevert(
        nc.delegateManager.write.delegateStake([cn2.operator.address, dgco(200)]),
        'BelowMinDelegation',
      ),
      [dgco(200), newMin],
    );
    await net.mined(await nc.delegateManager.write.delegateStake([cn2.operator.address, newMin]));
    assert.equal(
      await read.delegateManager.read.delegationOf([newcomer.address, cn2.operator.address]),
      newMin,
    );
  });

  it('a passed slash still executes when stake left between the proposal and its execution', async () => {
    const account = (i: number): Account => {
      const a = net.accounts[i];
      if (!a) throw new Error(`no dev account ${i}`);
      return a;
    };
    const addr = net.manifest.contracts.eth;
    const read = net.contractsFor(account(19));
    const latestBlock = () => net.ethPublic.getBlockNumber({ cacheTime: 0 });
    const mineTo = async (target: bigint) => net.mine(target - (await latestBlock()));

    // A discovery node with 200,000 DGCO of its own and 100,000 delegated.
    const operator = account(9);
    const delegator = account(10);
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [operator.address, delegator.address],
      dgco: dgco(200_000),
    });
    await registerNode({
      manifest: net.manifest,
      owner: operator,
      serviceType: 'discoveryNode',
      endpoint: 'https://dn9.example',
      stake: dgco(200_000),
      delegateWallet: operator.address,
    });
    const dc = net.contractsFor(delegator);
    await net.mined(await dc.token.write.approve([addr.Staking, dgco(100_000)]));
    await net.mined(
      await dc.delegateManager.write.delegateStake([operator.address, dgco(100_000)]),
    );
    // The delegator asks to leave; the lockup ends while a proposal to slash 300,000 is pending.
    const requested = await net.mined(
      await dc.delegateManager.write.requestUndelegateStake([operator.address, dgco(100_000)]),
    );
    await net.mine(30_000);
    const proposer = net.contractsFor(account(1));
    const submitted = await net.mined(
      await proposer.governance.write.submitProposal([
        addr.DelegateManager,
        encodeFunctionData({
          abi: delegateManagerAbi,
          functionName: 'slash',
          args: [dgco(300_000), operator.address],
        }),
        'Slash dn9 for serving forged data',
      ]),
    );
    const [event] = parseEventLogs({
      abi: governanceAbi,
      eventName: 'ProposalSubmitted',
      logs: submitted.logs,
    });
    assert.ok(event);
    const proposalId = event.args.proposalId;
    for (const voter of [account(1), account(2)]) {
      await net.mined(
        await net.contractsFor(voter).governance.write.submitVote([proposalId, VoteChoice.Yes]),
      );
    }
    const ready =
      submitted.blockNumber +
      DEFAULT_PARAMS.votingPeriodBlocks +
      DEFAULT_PARAMS.executionDelayBlocks;
    const unlocked = requested.blockNumber + DEFAULT_PARAMS.undelegateLockupBlocks;
    assert.ok(unlocked < ready, 'the undelegation matures before the proposal executes');
    await mineTo(unlocked);
    await net.mined(await dc.delegateManager.write.undelegateStake());
    assert.equal(await read.staking.read.nodeStakeOf([operator.address]), dgco(200_000));

    // Only 200,000 is left of the 300,000 the proposal slashes: all of it is burned, and the
    // proposal executes rather than failing for good.
    await mineTo(ready);
    const supply = await read.token.read.totalSupply();
    const evaluated = await net.mined(await read.governance.write.evaluateProposal([proposalId]));
    const [outcome] = parseEventLogs({
      abi: governanceAbi,
      eventName: 'ProposalOutcomeEvaluated',
      logs: evaluated.logs,
    });
    assert.equal(outcome?.args.outcome, ProposalOutcome.ApprovedExecuted);
    assert.deepEqual(
      parseEventLogs({ abi: delegateManagerAbi, eventName: 'Slashed', logs: evaluated.logs }).map(
        (e) => e.args,
      ),
      [
        {
          nodeOwner: operator.address,
          amount: dgco(200_000),
          fromOwner: dgco(200_000),
          fromDelegators: 0n,
        },
      ],
    );
    assert.equal(await read.token.read.totalSupply(), supply - dgco(200_000));
    assert.equal(await read.nodeRegistry.read.deployerStakeOf([operator.address]), 0n);
    assert.equal(await read.staking.read.nodeStakeOf([operator.address]), 0n);
    // The delegator who left in time has their whole delegation back.
    assert.equal(await net.balanceOf(delegator.address), dgco(200_000));
  });
});
