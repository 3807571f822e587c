// Governance's tests, attacks included. One file over the ~500-line guideline on purpose: a
// contract's tests read together (the proposal lifecycle, the setters it guards and the attacks on
// it share one fixture and its helpers), and every test starts from the same reverted snapshot.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PARAMS, fundAccounts, registerNode } from '@coliving/chain';
import {
  type TestNetwork,
  expectRevert,
  revertErrorName,
  startTestNetwork,
} from '@coliving/chain/testing';
import {
  ProposalOutcome,
  ServiceType,
  VoteChoice,
  delegateManagerAbi,
  dgcoTokenAbi,
  governanceAbi,
  serviceTypeManagerAbi,
} from '@coliving/contracts';
import {
  type Account,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type EncodeFunctionDataParameters,
  type Hex,
  type TransactionReceipt,
  encodeFunctionData,
  maxUint256,
  parseEventLogs,
  toFunctionSelector,
  zeroAddress,
} from 'viem';

const DGCO = 10n ** 18n;
const dgco = (whole: bigint | number): bigint => BigInt(whole) * DGCO;
const VOTING_PERIOD = DEFAULT_PARAMS.votingPeriodBlocks;
const EXECUTION_DELAY = DEFAULT_PARAMS.executionDelayBlocks;
const CAP = DEFAULT_PARAMS.maxTreasuryOutflow;
const MIN_DELEGATION = DEFAULT_PARAMS.minDelegation;

// The stakers of the base state. Total 2,000,000 DGCO, so the 5 % quorum is exactly Carol's stake.
const ALICE_STAKE = dgco(1_400_000);
const BOB_STAKE = dgco(300_000);
const DAVE_STAKE = dgco(200_000);
const CAROL_DELEGATION = dgco(100_000);
const TOTAL_STAKE = ALICE_STAKE + BOB_STAKE + DAVE_STAKE + CAROL_DELEGATION;

type Choice = (typeof VoteChoice)[keyof typeof VoteChoice];

/** The decoded Governance events of a receipt with the given name. */
function governanceEvents<N extends 'ProposalSubmitted' | 'ProposalOutcomeEvaluated'>(
  receipt: TransactionReceipt,
  eventName: N,
) {
  return parseEventLogs({ abi: governanceAbi, eventName, logs: receipt.logs });
}

/**
 * A network with three node owners and a delegator staked (see the constants above), two funded
 * accounts without stake (Erin, Frank), one account with nothing (the outsider), and the deployer
 * as guardian. Tests share it and run isolated between snapshots.
 */
class GovernanceFixture {
  #net: TestNetwork | undefined;
  alice!: Account;
  bob!: Account;
  carol!: Account;
  dave!: Account;
  erin!: Account;
  frank!: Account;
  outsider!: Account;
  guardian!: Account;
  addr!: TestNetwork['manifest']['contracts']['eth'];

  get net(): TestNetwork {
    if (!this.#net) throw new Error('the network is not started');
    return this.#net;
  }

  async start(): Promise<void> {
    const net = await startTestNetwork();
    this.#net = net;
    const account = (i: number): Account => {
      const a = net.accounts[i];
      if (!a) throw new Error(`no dev account ${i}`);
      return a;
    };
    this.guardian = net.deployer;
    [this.alice, this.bob, this.carol, this.dave, this.erin, this.outsider, this.frank] = [
      1, 2, 3, 4, 5, 6, 7,
    ].map(account) as [Account, Account, Account, Account, Account, Account, Account];
    this.addr = net.manifest.contracts.eth;
    const { manifest, deployer } = net;
    const fund = (who: Account, amount: bigint) =>
      fundAccounts({ manifest, from: deployer, recipients: [who.address], dgco: amount });
    await fund(this.alice, ALICE_STAKE);
    await fund(this.bob, BOB_STAKE);
    // Dave and Carol keep some DGCO to add stake after a proposal.
    await fund(this.dave, DAVE_STAKE + dgco(500_000));
    await fund(this.carol, CAROL_DELEGATION + dgco(1_000));
    await fund(this.erin, dgco(1_000_000));
    await fund(this.frank, dgco(101_000));
    const nodes = [
      [this.alice, 'contentNode', 'https://cn1.example', ALICE_STAKE, 11],
      [this.bob, 'discoveryNode', 'https://dn1.example', BOB_STAKE, 12],
      [this.dave, 'contentNode', 'https://cn2.example', DAVE_STAKE, 13],
    ] as const;
    for (const [owner, serviceType, endpoint, stake, wallet] of nodes) {
      await registerNode({
        manifest,
        owner,
        serviceType,
        endpoint,
        stake,
        delegateWallet: account(wallet).address,
      });
    }
    await this.delegate(this.carol, this.alice, CAROL_DELEGATION);
    assert.equal(await net.contractsFor(this.alice).staking.read.totalStaked(), TOTAL_STAKE);
  }

  async stop(): Promise<void> {
    await this.#net?.stop();
  }

  /** The latest block, never cached. */
  async latestBlock(): Promise<bigint> {
    return this.net.ethPublic.getBlockNumber({ cacheTime: 0 });
  }

  /** Mines until the latest block is `block` (the next transaction lands in `block + 1`). */
  async mineTo(block: bigint): Promise<void> {
    const latest = await this.latestBlock();
    assert.ok(block >= latest, `cannot mine back to ${block} from ${latest}`);
    if (block > latest) await this.net.mine(block - latest);
  }

  async delegate(from: Account, nodeOwner: Account, amount: bigint): Promise<void> {
    const c = this.net.contractsFor(from);
    await this.net.mined(await c.token.write.approve([this.addr.Staking, amount]));
    await this.net.mined(await c.delegateManager.write.delegateStake([nodeOwner.address, amount]));
  }

  async propose(by: Account, target: Address, callData: Hex, description = 'a proposal') {
    const { governance } = this.net.contractsFor(by);
    const receipt = await this.net.mined(
      await governance.write.submitProposal([target, callData, description]),
    );
    const [event] = governanceEvents(receipt, 'ProposalSubmitted');
    assert.ok(event, 'ProposalSubmitted emitted');
    return { id: event.args.proposalId, block: receipt.blockNumber, receipt, event };
  }

  async vote(by: Account, id: bigint, choice: Choice): Promise<TransactionReceipt> {
    return this.net.mined(
      await this.net.contractsFor(by).governance.write.submitVote([id, choice]),
    );
  }

  /** Evaluates (as the outsider, who has no stake: anyone may) and returns the outcome. */
  async evaluate(id: bigint, by: Account = this.outsider) {
    const receipt = await this.net.mined(
      await this.net.contractsFor(by).governance.write.evaluateProposal([id]),
    );
    const [event] = governanceEvents(receipt, 'ProposalOutcomeEvaluated');
    assert.ok(event, 'ProposalOutcomeEvaluated emitted');
    const outcome: number = event.args.outcome;
    return { outcome, receipt, event };
  }

  /** Mines until a proposal submitted in `submissionBlock` can be evaluated in the next block. */
  async mineUntilEvaluable(submissionBlock: bigint): Promise<void> {
    const governance = this.net.contractsFor(this.outsider).governance;
    const [period, delay] = await Promise.all([
      governance.read.votingPeriod(),
      governance.read.executionDelay(),
    ]);
    await this.mineTo(submissionBlock + period + delay);
  }

  /** Proposes as Alice, votes yes with her 70 % and evaluates once it is ready. */
  async pass(target: Address, callData: Hex) {
    const p = await this.propose(this.alice, target, callData);
    await this.vote(this.alice, p.id, VoteChoice.Yes);
    await this.mineUntilEvaluable(p.block);
    return { ...(await this.evaluate(p.id)), id: p.id };
  }

  async proposal(id: bigint) {
    return this.net.contractsFor(this.outsider).governance.read.getProposal([id]);
  }
}

const setMinDelegation = (amount: bigint) =>
  encodeFunctionData({
    abi: delegateManagerAbi,
    functionName: 'setMinDelegationAmount',
    args: [amount],
  });
const transferDgco = (to: Address, amount: bigint) =>
  encodeFunctionData({ abi: dgcoTokenAbi, functionName: 'transfer', args: [to, amount] });
const mintDgco = (to: Address, amount: bigint) =>
  encodeFunctionData({ abi: dgcoTokenAbi, functionName: 'mint', args: [to, amount] });

describe('Governance', () => {
  const f = new GovernanceFixture();
  let revert: () => Promise<void>;
  before(async () => {
    await f.start();
  });
  after(async () => {
    await f.stop();
  });
  beforeEach(async () => {
    revert = await f.net.snapshot();
  });
  afterEach(async () => {
    await revert();
  });

  /** Governance read as someone with no special role. */
  const gov = () => f.net.contractsFor(f.outsider).governance;

  describe('views', () => {
    it('starts with the deployed parameters, guardian and allowlist, and no proposals', async () => {
      const g = gov();
      assert.equal(await g.read.staking(), f.addr.Staking);
      assert.equal(await g.read.token(), f.addr.DgcoToken);
      assert.equal(await g.read.guardian(), f.guardian.address);
      assert.equal(await g.read.votingPeriod(), 13_292n);
      assert.equal(await g.read.executionDelay(), 6_646n);
      assert.equal(await g.read.quorumPercent(), 5n);
      assert.equal(await g.read.maxInProgressProposals(), 100n);
      assert.equal(await g.read.maxTreasuryOutflow(), dgco(1_000_000));
      assert.equal(await g.read.MAX_DESCRIPTION_LENGTH(), 4096n);
      assert.equal(await g.read.lastProposalId(), 0n);
      assert.equal(await g.read.initialized(), true);
      assert.deepEqual(await g.read.getInProgressProposals(), []);
      for (const name of [
        'Governance',
        'DgcoToken',
        'ServiceTypeManager',
        'NodeRegistry',
        'DelegateManager',
        'ClaimsManager',
      ] as const) {
        assert.equal(await g.read.isAllowedTarget([f.addr[name]]), true, name);
      }
      for (const name of ['Staking', 'PaymentRouter'] as const) {
        assert.equal(await g.read.isAllowedTarget([f.addr[name]]), false, name);
      }
      assert.equal(await g.read.isAllowedTarget([f.alice.address]), false);
    });

    it('getProposal reverts with ProposalNotFound for id 0 and ids not yet used', async () => {
      await expectRevert(gov().read.getProposal([0n]), 'ProposalNotFound');
      assert.deepEqual(await expectRevert(gov().read.getProposal([1n]), 'ProposalNotFound'), [1n]);
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.equal(p.id, 1n);
      assert.deepEqual(await expectRevert(gov().read.getProposal([2n]), 'ProposalNotFound'), [2n]);
    });

    it('getVote is None until an account votes, then its choice', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.equal(await gov().read.getVote([p.id, f.bob.address]), VoteChoice.None);
      await f.vote(f.bob, p.id, VoteChoice.No);
      assert.equal(await gov().read.getVote([p.id, f.bob.address]), VoteChoice.No);
      assert.equal(await gov().read.getVote([p.id, f.alice.address]), VoteChoice.None);
      assert.equal(await gov().read.getVote([99n, f.bob.address]), VoteChoice.None);
    });

    it('getInProgressProposals lists open proposals and drops decided ones', async () => {
      const data = setMinDelegation(dgco(200));
      const p1 = await f.propose(f.alice, f.addr.DelegateManager, data);
      const p2 = await f.propose(f.bob, f.addr.DelegateManager, data);
      const p3 = await f.propose(f.carol, f.addr.DelegateManager, data);
      assert.deepEqual(await gov().read.getInProgressProposals(), [p1.id, p2.id, p3.id]);
      await f.net.mined(
        await f.net.contractsFor(f.guardian).governance.write.vetoProposal([p1.id]),
      );
      // The last id moves into the removed one's place.
      assert.deepEqual(await gov().read.getInProgressProposals(), [p3.id, p2.id]);
      await f.mineUntilEvaluable(p3.block);
      await f.evaluate(p3.id);
      assert.deepEqual(await gov().read.getInProgressProposals(), [p2.id]);
      await f.evaluate(p2.id);
      assert.deepEqual(await gov().read.getInProgressProposals(), []);
    });
  });

  describe('submitProposal', () => {
    it('records the proposal with its snapshot block and stake, and emits ProposalSubmitted', async () => {
      const data = setMinDelegation(dgco(200));
      const g = f.net.contractsFor(f.alice).governance;
      const { result } = await g.simulate.submitProposal([f.addr.DelegateManager, data, 'raise'], {
        account: f.alice.address,
      });
      assert.equal(result, 1n);
      const p = await f.propose(f.alice, f.addr.DelegateManager, data, 'raise the minimum');
      assert.equal(p.id, 1n);
      assert.deepEqual(p.event.args, {
        proposalId: 1n,
        proposer: f.alice.address,
        target: f.addr.DelegateManager,
        callData: data,
        description: 'raise the minimum',
        snapshotBlock: p.block - 1n,
      });
      assert.deepEqual(await f.proposal(p.id), {
        proposer: f.alice.address,
        submissionBlock: p.block,
        snapshotBlock: p.block - 1n,
        totalStakeAtSnapshot: TOTAL_STAKE,
        target: f.addr.DelegateManager,
        callData: data,
        description: 'raise the minimum',
        yesVotes: 0n,
        noVotes: 0n,
        outcome: ProposalOutcome.InProgress,
        votingDeadlineBlock: p.block + VOTING_PERIOD,
        executableBlock: p.block + VOTING_PERIOD + EXECUTION_DELAY + 1n,
        quorumPercent: DEFAULT_PARAMS.quorumPercent,
        maxTreasuryOutflow: CAP,
      });
      assert.equal(await gov().read.lastProposalId(), 1n);
      assert.deepEqual(await gov().read.getInProgressProposals(), [1n]);
      // Ids count up; a delegator (stake through DelegateManager) may propose too.
      const p2 = await f.propose(f.carol, f.addr.Governance, encodeSetter('setExecutionDelay', 1n));
      assert.equal(p2.id, 2n);
      assert.equal((await f.proposal(p2.id)).proposer, f.carol.address);
    });

    it('counts stake added in the block just before the proposal', async () => {
      // Exactly the 100,000 DGCO a proposer needs.
      await f.delegate(f.frank, f.bob, dgco(100_000));
      const staked = await f.latestBlock();
      const p = await f.propose(f.frank, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.equal(p.block, staked + 1n);
      assert.equal((await f.proposal(p.id)).totalStakeAtSnapshot, TOTAL_STAKE + dgco(100_000));
      const receipt = await f.vote(f.frank, p.id, VoteChoice.Yes);
      const [voted] = parseEventLogs({
        abi: governanceAbi,
        eventName: 'VoteSubmitted',
        logs: receipt.logs,
      });
      assert.equal(voted?.args.weight, dgco(100_000));
    });

    it('rejects a target that is not on the allowlist with TargetNotAllowed', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      for (const target of [f.addr.Staking, f.addr.PaymentRouter, f.alice.address, zeroAddress]) {
        assert.deepEqual(
          await expectRevert(
            g.write.submitProposal([target, setMinDelegation(dgco(200)), 'x']),
            'TargetNotAllowed',
          ),
          [target],
        );
      }
      assert.equal(await gov().read.lastProposalId(), 0n);
    });

    it('rejects call data shorter than a selector with EmptyCallData', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      for (const data of ['0x', '0x12', '0x123456'] as const) {
        await expectRevert(
          g.write.submitProposal([f.addr.DelegateManager, data, 'x']),
          'EmptyCallData',
        );
      }
      // Four bytes are enough to be a call (here to a function that does not exist).
      const p = await f.propose(f.alice, f.addr.DelegateManager, '0x12345678');
      assert.equal(p.id, 1n);
    });

    it('forbids an approve on any target, since the treasury may hold other tokens', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      const approve = encodeFunctionData({
        abi: dgcoTokenAbi,
        functionName: 'approve',
        args: [f.alice.address, maxUint256],
      });
      for (const target of [f.addr.DelegateManager, f.addr.ServiceTypeManager]) {
        assert.deepEqual(
          await expectRevert(g.write.submitProposal([target, approve, 'x']), 'ForbiddenCall'),
          ['0x095ea7b3'],
        );
      }
    });

    it('refuses a proposer whose snapshot stake is below the minimum with ProposerStakeTooLow', async () => {
      // Erin delegates 99,999 DGCO: stake, but under the 100,000 needed to propose.
      const small = dgco(99_999);
      await fundAccounts({
        manifest: f.net.manifest,
        from: f.guardian,
        recipients: [f.erin.address],
        dgco: small,
      });
      const erin = f.net.contractsFor(f.erin);
      await f.net.mined(await erin.token.write.approve([f.addr.Staking, small]));
      await f.net.mined(await erin.delegateManager.write.delegateStake([f.alice.address, small]));
      assert.deepEqual(
        await expectRevert(
          erin.governance.write.submitProposal([
            f.addr.DelegateManager,
            setMinDelegation(dgco(200)),
            'x',
          ]),
          'ProposerStakeTooLow',
        ),
        [small, DEFAULT_PARAMS.minProposerStake],
      );
    });

    it('forbids an approve on the token with ForbiddenCall, but not a transfer', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      const approve = encodeFunctionData({
        abi: dgcoTokenAbi,
        functionName: 'approve',
        args: [f.alice.address, maxUint256],
      });
      assert.deepEqual(
        await expectRevert(
          g.write.submitProposal([f.addr.DgcoToken, approve, 'x']),
          'ForbiddenCall',
        ),
        ['0x095ea7b3'],
      );
      const p = await f.propose(f.alice, f.addr.DgcoToken, transferDgco(f.alice.address, 1n));
      assert.equal(p.id, 1n);
    });

    it('limits the description to 4096 bytes with DescriptionTooLong', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      const data = setMinDelegation(dgco(200));
      await expectRevert(
        g.write.submitProposal([f.addr.DelegateManager, data, 'a'.repeat(4097)]),
        'DescriptionTooLong',
      );
      // Bytes, not characters: 2,049 two-byte characters are 4,098 bytes.
      await expectRevert(
        g.write.submitProposal([f.addr.DelegateManager, data, 'é'.repeat(2049)]),
        'DescriptionTooLong',
      );
      const p = await f.propose(f.alice, f.addr.DelegateManager, data, 'é'.repeat(2048));
      assert.equal((await f.proposal(p.id)).description, 'é'.repeat(2048));
    });

    it('rejects a proposer without stake at the snapshot with NoStakeAtSnapshot', async () => {
      for (const who of [f.outsider, f.erin, f.guardian]) {
        const latest = await f.latestBlock();
        const args = await expectRevert(
          f.net
            .contractsFor(who)
            .governance.write.submitProposal([
              f.addr.DelegateManager,
              setMinDelegation(dgco(200)),
              'x',
            ]),
          'NoStakeAtSnapshot',
        );
        // The transaction would run in the next block, whose snapshot is the latest one.
        assert.deepEqual(args, [who.address, latest]);
      }
      assert.equal(await gov().read.lastProposalId(), 0n);
    });
  });

  describe('submitVote', () => {
    it('counts each vote with the voter’s stake at the snapshot and emits VoteSubmitted', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      const voted = async (who: Account, choice: Choice) => {
        const receipt = await f.vote(who, p.id, choice);
        return parseEventLogs({
          abi: governanceAbi,
          eventName: 'VoteSubmitted',
          logs: receipt.logs,
        }).map((e) => e.args);
      };
      assert.deepEqual(await voted(f.alice, VoteChoice.Yes), [
        { proposalId: p.id, voter: f.alice.address, vote: VoteChoice.Yes, weight: ALICE_STAKE },
      ]);
      assert.deepEqual(await voted(f.bob, VoteChoice.No), [
        { proposalId: p.id, voter: f.bob.address, vote: VoteChoice.No, weight: BOB_STAKE },
      ]);
      // A delegator votes with what they delegated; the node owner's vote is only their own stake.
      assert.deepEqual(await voted(f.carol, VoteChoice.Yes), [
        {
          proposalId: p.id,
          voter: f.carol.address,
          vote: VoteChoice.Yes,
          weight: CAROL_DELEGATION,
        },
      ]);
      const proposal = await f.proposal(p.id);
      assert.equal(proposal.yesVotes, ALICE_STAKE + CAROL_DELEGATION);
      assert.equal(proposal.noVotes, BOB_STAKE);
    });

    it('changing a vote moves its weight and emits VoteUpdated', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.vote(f.bob, p.id, VoteChoice.No);
      const updated = async (who: Account, choice: Choice) => {
        const receipt = await f.vote(who, p.id, choice);
        assert.equal(
          parseEventLogs({ abi: governanceAbi, eventName: 'VoteSubmitted', logs: receipt.logs })
            .length,
          0,
        );
        return parseEventLogs({
          abi: governanceAbi,
          eventName: 'VoteUpdated',
          logs: receipt.logs,
        }).map((e) => e.args);
      };
      assert.deepEqual(await updated(f.bob, VoteChoice.Yes), [
        {
          proposalId: p.id,
          voter: f.bob.address,
          vote: VoteChoice.Yes,
          weight: BOB_STAKE,
          previousVote: VoteChoice.No,
        },
      ]);
      let proposal = await f.proposal(p.id);
      assert.equal(proposal.yesVotes, ALICE_STAKE + BOB_STAKE);
      assert.equal(proposal.noVotes, 0n);
      assert.equal(await gov().read.getVote([p.id, f.bob.address]), VoteChoice.Yes);

      // The same vote again changes nothing.
      assert.deepEqual(await updated(f.bob, VoteChoice.Yes), [
        {
          proposalId: p.id,
          voter: f.bob.address,
          vote: VoteChoice.Yes,
          weight: BOB_STAKE,
          previousVote: VoteChoice.Yes,
        },
      ]);
      proposal = await f.proposal(p.id);
      assert.equal(proposal.yesVotes, ALICE_STAKE + BOB_STAKE);
      assert.equal(proposal.noVotes, 0n);

      await updated(f.alice, VoteChoice.No);
      proposal = await f.proposal(p.id);
      assert.equal(proposal.yesVotes, BOB_STAKE);
      assert.equal(proposal.noVotes, ALICE_STAKE);
    });

    it('rejects Vote.None with InvalidVote', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      const g = f.net.contractsFor(f.bob).governance;
      await expectRevert(g.write.submitVote([p.id, VoteChoice.None]), 'InvalidVote');
      // Nor can a cast vote be withdrawn by voting None.
      await f.vote(f.bob, p.id, VoteChoice.Yes);
      await expectRevert(g.write.submitVote([p.id, VoteChoice.None]), 'InvalidVote');
      assert.equal((await f.proposal(p.id)).yesVotes, BOB_STAKE);
    });

    it('rejects a voter without stake at the snapshot with NoStakeAtSnapshot', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      for (const who of [f.outsider, f.erin, f.guardian]) {
        assert.deepEqual(
          await expectRevert(
            f.net.contractsFor(who).governance.write.submitVote([p.id, VoteChoice.Yes]),
            'NoStakeAtSnapshot',
          ),
          [who.address, p.block - 1n],
        );
      }
    });

    it('rejects an unknown proposal with ProposalNotFound', async () => {
      const g = f.net.contractsFor(f.alice).governance;
      assert.deepEqual(
        await expectRevert(g.write.submitVote([0n, VoteChoice.Yes]), 'ProposalNotFound'),
        [0n],
      );
      await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.deepEqual(
        await expectRevert(g.write.submitVote([2n, VoteChoice.Yes]), 'ProposalNotFound'),
        [2n],
      );
    });

    it('accepts votes through the last block of the voting period, then VotingClosed', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.mineTo(p.block + VOTING_PERIOD - 1n);
      const receipt = await f.vote(f.bob, p.id, VoteChoice.Yes);
      assert.equal(receipt.blockNumber, p.block + VOTING_PERIOD);
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.alice).governance.write.submitVote([p.id, VoteChoice.Yes]),
          'VotingClosed',
        ),
        [p.id],
      );
      // Changing an existing vote is closed too.
      await expectRevert(
        f.net.contractsFor(f.bob).governance.write.submitVote([p.id, VoteChoice.No]),
        'VotingClosed',
      );
      assert.equal((await f.proposal(p.id)).yesVotes, BOB_STAKE);
    });

    it('rejects votes on a decided proposal with ProposalNotInProgress', async () => {
      const { id, outcome } = await f.pass(f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.bob).governance.write.submitVote([id, VoteChoice.No]),
          'ProposalNotInProgress',
        ),
        [id, ProposalOutcome.ApprovedExecuted],
      );
    });
  });

  describe('evaluateProposal', () => {
    const minDelegation = () =>
      f.net.contractsFor(f.outsider).delegateManager.read.minDelegationAmount();

    it('executes a proposal with quorum and more yes than no: ApprovedExecuted', async () => {
      const data = setMinDelegation(dgco(200));
      const p = await f.propose(f.alice, f.addr.DelegateManager, data);
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.vote(f.bob, p.id, VoteChoice.No);
      await f.mineUntilEvaluable(p.block);
      // Simulated in the pending block, where the transaction will run.
      const { result } = await gov().simulate.evaluateProposal([p.id], {
        account: f.outsider.address,
        blockTag: 'pending',
      });
      assert.equal(result, ProposalOutcome.ApprovedExecuted);
      const { outcome, event, receipt } = await f.evaluate(p.id);
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(event.args, {
        proposalId: p.id,
        outcome: ProposalOutcome.ApprovedExecuted,
        yesVotes: ALICE_STAKE,
        noVotes: BOB_STAKE,
      });
      const [set] = parseEventLogs({
        abi: delegateManagerAbi,
        eventName: 'MinDelegationAmountSet',
        logs: receipt.logs,
      });
      assert.equal(set?.args.amount, dgco(200));
      assert.equal(await minDelegation(), dgco(200));
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(await gov().read.getInProgressProposals(), []);
      assert.deepEqual(
        await expectRevert(gov().write.evaluateProposal([p.id]), 'ProposalNotInProgress'),
        [p.id, ProposalOutcome.ApprovedExecuted],
      );
    });

    it('meets quorum with exactly the quorum percent of the snapshot stake', async () => {
      // Carol's 100,000 is 5 % of 2,000,000.
      const p = await f.propose(f.carol, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.carol, p.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(p.block);
      assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await minDelegation(), dgco(200));
    });

    it('rejects when no votes are at least the yes votes: Rejected', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.bob, p.id, VoteChoice.No);
      await f.vote(f.dave, p.id, VoteChoice.Yes);
      await f.vote(f.carol, p.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(p.block);
      const { outcome, event } = await f.evaluate(p.id);
      // 300,000 yes against 300,000 no: a tie does not pass.
      assert.equal(outcome, ProposalOutcome.Rejected);
      assert.deepEqual(event.args, {
        proposalId: p.id,
        outcome: ProposalOutcome.Rejected,
        yesVotes: DAVE_STAKE + CAROL_DELEGATION,
        noVotes: BOB_STAKE,
      });
      assert.equal(await minDelegation(), MIN_DELEGATION);
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.Rejected);
    });

    it('reports ApprovedExecutionFailed when the passed call reverts, and changes nothing', async () => {
      const data = encodeFunctionData({
        abi: serviceTypeManagerAbi,
        functionName: 'setServiceTypeBounds',
        args: [ServiceType.contentNode, 0n, 1n],
      });
      await expectRevert(
        f.net
          .contractsFor(f.outsider)
          .serviceTypeManager.simulate.setServiceTypeBounds([ServiceType.contentNode, 0n, 1n], {
            account: f.addr.Governance,
          }),
        'InvalidBounds',
      );
      const { outcome, event } = await f.pass(f.addr.ServiceTypeManager, data);
      assert.equal(outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal(event.args.yesVotes, ALICE_STAKE);
      const info = await f.net
        .contractsFor(f.outsider)
        .serviceTypeManager.read.getServiceTypeInfo([ServiceType.contentNode]);
      assert.deepEqual(info, { minStake: dgco(200_000), maxStake: dgco(3_000_000), isValid: true });
    });

    it('caps what one proposal moves out of the treasury: above fails, at the cap executes', async () => {
      const treasury = dgco(2_500_000);
      await f.net.mined(
        await f.net.contractsFor(f.guardian).token.write.transfer([f.addr.Governance, treasury]),
      );
      const tooMuch = transferDgco(f.erin.address, CAP + 1n);
      const atCap = transferDgco(f.erin.address, CAP);
      const erinBefore = await f.net.balanceOf(f.erin.address);
      const over = await f.propose(f.alice, f.addr.DgcoToken, tooMuch);
      const within = await f.propose(f.alice, f.addr.DgcoToken, atCap);
      await f.vote(f.alice, over.id, VoteChoice.Yes);
      await f.vote(f.alice, within.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(within.block);

      const g = f.net.contractsFor(f.outsider).governance;
      assert.deepEqual(
        await expectRevert(
          g.simulate.executeCapped([f.addr.DgcoToken, tooMuch, CAP], {
            account: f.addr.Governance,
          }),
          'TreasuryOutflowTooLarge',
        ),
        [CAP + 1n, CAP],
      );
      assert.equal((await f.evaluate(over.id)).outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal(await f.net.balanceOf(f.addr.Governance), treasury);
      assert.equal(await f.net.balanceOf(f.erin.address), erinBefore);

      assert.equal((await f.evaluate(within.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await f.net.balanceOf(f.addr.Governance), treasury - CAP);
      assert.equal(await f.net.balanceOf(f.erin.address), erinBefore + CAP);
    });

    it('applies the cap in force when the proposal was submitted', async () => {
      await f.net.mined(
        await f.net
          .contractsFor(f.guardian)
          .token.write.transfer([f.addr.Governance, dgco(3_000_000)]),
      );
      // P moves 2,000,000 under the 1,000,000 cap it was submitted with; Q doubles the cap meanwhile.
      const p = await f.propose(
        f.alice,
        f.addr.DgcoToken,
        transferDgco(f.erin.address, dgco(2_000_000)),
      );
      const q = await f.propose(
        f.alice,
        f.addr.Governance,
        encodeSetter('setMaxTreasuryOutflow', dgco(2_000_000)),
      );
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.vote(f.alice, q.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(q.block);
      assert.equal((await f.evaluate(q.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await gov().read.maxTreasuryOutflow(), dgco(2_000_000));
      assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal(await f.net.balanceOf(f.addr.Governance), dgco(3_000_000));
    });

    it('counts minting against the same cap: above fails, at the cap executes', async () => {
      const token = f.net.contractsFor(f.outsider).token;
      const supply = await token.read.totalSupply();
      const over = await f.propose(f.alice, f.addr.DgcoToken, mintDgco(f.erin.address, CAP + 1n));
      const within = await f.propose(f.alice, f.addr.DgcoToken, mintDgco(f.erin.address, CAP));
      await f.vote(f.alice, over.id, VoteChoice.Yes);
      await f.vote(f.alice, within.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(within.block);
      assert.equal((await f.evaluate(over.id)).outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal(await token.read.totalSupply(), supply);
      assert.equal((await f.evaluate(within.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await token.read.totalSupply(), supply + CAP);
    });

    it('rejects an unknown proposal with ProposalNotFound', async () => {
      for (const id of [0n, 1n, 7n]) {
        assert.deepEqual(
          await expectRevert(gov().write.evaluateProposal([id]), 'ProposalNotFound'),
          [id],
        );
      }
    });
  });

  describe('executeCapped', () => {
    it('reverts with OnlySelf for any caller but Governance, even with a treasury to move', async () => {
      await f.net.mined(
        await f.net.contractsFor(f.guardian).token.write.transfer([f.addr.Governance, dgco(10)]),
      );
      const data = transferDgco(f.alice.address, dgco(10));
      for (const who of [f.alice, f.guardian, f.outsider]) {
        await expectRevert(
          f.net.contractsFor(who).governance.write.executeCapped([f.addr.DgcoToken, data, CAP]),
          'OnlySelf',
        );
      }
      assert.equal(await f.net.balanceOf(f.addr.Governance), dgco(10));
    });
  });

  describe('vetoProposal', () => {
    it('reverts with NotGuardian for anyone but the guardian', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      for (const who of [f.alice, f.bob, f.outsider]) {
        assert.deepEqual(
          await expectRevert(
            f.net.contractsFor(who).governance.write.vetoProposal([p.id]),
            'NotGuardian',
          ),
          [who.address],
        );
      }
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.InProgress);
    });

    it('stops a proposal for good: no more votes, evaluation or veto', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.vote(f.bob, p.id, VoteChoice.No);
      const g = f.net.contractsFor(f.guardian).governance;
      const receipt = await f.net.mined(await g.write.vetoProposal([p.id]));
      const events = parseEventLogs({ abi: governanceAbi, logs: receipt.logs }).map((e) => [
        e.eventName,
        e.args,
      ]);
      assert.deepEqual(events, [
        ['ProposalVetoed', { proposalId: p.id, guardian: f.guardian.address }],
        [
          'ProposalOutcomeEvaluated',
          {
            proposalId: p.id,
            outcome: ProposalOutcome.Vetoed,
            yesVotes: ALICE_STAKE,
            noVotes: BOB_STAKE,
          },
        ],
      ]);
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.Vetoed);
      assert.deepEqual(await gov().read.getInProgressProposals(), []);
      const notInProgress = [p.id, ProposalOutcome.Vetoed];
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.carol).governance.write.submitVote([p.id, VoteChoice.Yes]),
          'ProposalNotInProgress',
        ),
        notInProgress,
      );
      assert.deepEqual(
        await expectRevert(g.write.vetoProposal([p.id]), 'ProposalNotInProgress'),
        notInProgress,
      );
      assert.deepEqual(await expectRevert(g.write.vetoProposal([9n]), 'ProposalNotFound'), [9n]);
    });
  });

  describe('governance-only setters', () => {
    it('revert with NotGovernance when called directly, by the guardian or a staker', async () => {
      for (const who of [f.guardian, f.alice]) {
        const g = f.net.contractsFor(who).governance;
        const a = who.address;
        const calls: [string, () => Promise<unknown>][] = [
          ['setTargetAllowed', () => g.write.setTargetAllowed([a, true])],
          ['setGuardian', () => g.write.setGuardian([a])],
          ['setVotingPeriod', () => g.write.setVotingPeriod([10n])],
          ['setExecutionDelay', () => g.write.setExecutionDelay([10n])],
          ['setQuorumPercent', () => g.write.setQuorumPercent([50n])],
          ['setMaxInProgressProposals', () => g.write.setMaxInProgressProposals([1n])],
          ['setMaxTreasuryOutflow', () => g.write.setMaxTreasuryOutflow([maxUint256])],
          ['setMinProposerStake', () => g.write.setMinProposerStake([0n])],
        ];
        for (const [name, call] of calls) {
          assert.deepEqual(await expectRevert(call(), 'NotGovernance'), [a], name);
        }
      }
      const g = gov();
      assert.equal(await g.read.guardian(), f.guardian.address);
      assert.equal(await g.read.votingPeriod(), VOTING_PERIOD);
      assert.equal(await g.read.executionDelay(), EXECUTION_DELAY);
      assert.equal(await g.read.quorumPercent(), 5n);
      assert.equal(await g.read.maxInProgressProposals(), 100n);
      assert.equal(await g.read.maxTreasuryOutflow(), CAP);
      assert.equal(await g.read.minProposerStake(), DEFAULT_PARAMS.minProposerStake);
      assert.equal(await g.read.isAllowedTarget([f.alice.address]), false);
    });

    it('setMinProposerStake, by proposal, changes who may propose', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setMinProposerStake', dgco(350_000)),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'MinProposerStakeSet'), [{ amount: dgco(350_000) }]);
      // Bob's 300,000 no longer suffices; Alice's 1,400,000 does.
      await expectRevert(
        f.net
          .contractsFor(f.bob)
          .governance.write.submitProposal([
            f.addr.DelegateManager,
            setMinDelegation(dgco(200)),
            'x',
          ]),
        'ProposerStakeTooLow',
      );
      await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
    });

    it('setTargetAllowed, by proposal, allows and disallows targets', async () => {
      const allow = await f.pass(
        f.addr.Governance,
        encodeSetter('setTargetAllowed', f.addr.PaymentRouter, true),
      );
      assert.equal(allow.outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(allow.receipt, 'TargetAllowed'), [
        { target: f.addr.PaymentRouter, allowed: true },
      ]);
      assert.equal(await gov().read.isAllowedTarget([f.addr.PaymentRouter]), true);
      await f.propose(f.alice, f.addr.PaymentRouter, '0x12345678');

      const disallow = await f.pass(
        f.addr.Governance,
        encodeSetter('setTargetAllowed', f.addr.DgcoToken, false),
      );
      assert.equal(disallow.outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await gov().read.isAllowedTarget([f.addr.DgcoToken]), false);
      await expectRevert(
        f.net
          .contractsFor(f.alice)
          .governance.write.submitProposal([
            f.addr.DgcoToken,
            transferDgco(f.alice.address, 1n),
            'x',
          ]),
        'TargetNotAllowed',
      );
    });

    it('setGuardian, by proposal, hands the veto to the new guardian', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setGuardian', f.erin.address),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'GuardianSet'), [{ guardian: f.erin.address }]);
      assert.equal(await gov().read.guardian(), f.erin.address);
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.guardian).governance.write.vetoProposal([p.id]),
          'NotGuardian',
        ),
        [f.guardian.address],
      );
      await f.net.mined(await f.net.contractsFor(f.erin).governance.write.vetoProposal([p.id]));
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.Vetoed);
    });

    it('setVotingPeriod, by proposal, changes how long voting stays open', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setVotingPeriod', 100n),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'VotingPeriodSet'), [{ blocks: 100n }]);
      assert.equal(await gov().read.votingPeriod(), 100n);
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.mineTo(p.block + 99n);
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await expectRevert(
        f.net.contractsFor(f.bob).governance.write.submitVote([p.id, VoteChoice.No]),
        'VotingClosed',
      );
    });

    it('setExecutionDelay, by proposal, changes when a proposal can be evaluated', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setExecutionDelay', 0n),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'ExecutionDelaySet'), [{ blocks: 0n }]);
      assert.equal(await gov().read.executionDelay(), 0n);
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.mineTo(p.block + VOTING_PERIOD - 1n);
      assert.deepEqual(
        await expectRevert(gov().write.evaluateProposal([p.id]), 'NotReadyForEvaluation'),
        [p.block + VOTING_PERIOD + 1n],
      );
      await f.mineTo(p.block + VOTING_PERIOD);
      assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecuted);
    });

    it('setQuorumPercent, by proposal, changes the quorum', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setQuorumPercent', 20n),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'QuorumPercentSet'), [{ percent: 20n }]);
      assert.equal(await gov().read.quorumPercent(), 20n);
      // Bob's 15 % is short of 20 %; Bob and Carol's 20 % is exactly enough.
      const short = await f.propose(f.bob, f.addr.DelegateManager, setMinDelegation(dgco(300)));
      const enough = await f.propose(f.bob, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.bob, short.id, VoteChoice.Yes);
      await f.vote(f.bob, enough.id, VoteChoice.Yes);
      await f.vote(f.carol, enough.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(enough.block);
      assert.equal((await f.evaluate(short.id)).outcome, ProposalOutcome.QuorumNotMet);
      assert.equal((await f.evaluate(enough.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(
        await f.net.contractsFor(f.outsider).delegateManager.read.minDelegationAmount(),
        dgco(200),
      );
    });

    it('a parameter change leaves proposals already open under the rules they were submitted with', async () => {
      // P needs the 5 % quorum it was submitted under; Q raises the quorum to 20 % meanwhile.
      const p = await f.propose(f.bob, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      const q = await f.propose(f.alice, f.addr.Governance, encodeSetter('setQuorumPercent', 20n));
      await f.vote(f.bob, p.id, VoteChoice.Yes);
      await f.vote(f.alice, q.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(q.block);
      assert.equal((await f.evaluate(q.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await gov().read.quorumPercent(), 20n);
      // Bob's 15 % meets P's 5 % though it is short of today's 20 %.
      assert.equal((await f.proposal(p.id)).quorumPercent, 5n);
      assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecuted);
    });

    it('setMaxInProgressProposals, by proposal, limits the open proposals', async () => {
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setMaxInProgressProposals', 2n),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'MaxInProgressProposalsSet'), [{ count: 2n }]);
      assert.equal(await gov().read.maxInProgressProposals(), 2n);
      const data = setMinDelegation(dgco(200));
      await f.propose(f.alice, f.addr.DelegateManager, data);
      await f.propose(f.bob, f.addr.DelegateManager, data);
      assert.deepEqual(
        await expectRevert(
          f.net
            .contractsFor(f.carol)
            .governance.write.submitProposal([f.addr.DelegateManager, data, 'x']),
          'TooManyInProgressProposals',
        ),
        [2n],
      );
    });

    it('setMaxTreasuryOutflow, by proposal, changes the per-proposal cap', async () => {
      await f.net.mined(
        await f.net.contractsFor(f.guardian).token.write.transfer([f.addr.Governance, dgco(100)]),
      );
      const { outcome, receipt } = await f.pass(
        f.addr.Governance,
        encodeSetter('setMaxTreasuryOutflow', dgco(10)),
      );
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
      assert.deepEqual(eventArgs(receipt, 'MaxTreasuryOutflowSet'), [{ amount: dgco(10) }]);
      assert.equal(await gov().read.maxTreasuryOutflow(), dgco(10));
      const over = await f.propose(
        f.alice,
        f.addr.DgcoToken,
        transferDgco(f.erin.address, dgco(10) + 1n),
      );
      const at = await f.propose(f.alice, f.addr.DgcoToken, transferDgco(f.erin.address, dgco(10)));
      await f.vote(f.alice, over.id, VoteChoice.Yes);
      await f.vote(f.alice, at.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(at.block);
      assert.equal((await f.evaluate(over.id)).outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal((await f.evaluate(at.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(await f.net.balanceOf(f.addr.Governance), dgco(90));
    });

    it('reject invalid values (InvalidParameter, ZeroAddress): such proposals fail and change nothing', async () => {
      const g = gov();
      // What each call reverts with when Governance itself makes it (an eth_call from its address).
      const as = { account: f.addr.Governance };
      const invalid: [Hex, () => Promise<unknown>, string][] = [
        [
          encodeSetter('setVotingPeriod', 0n),
          () => g.simulate.setVotingPeriod([0n], as),
          'InvalidParameter',
        ],
        [
          encodeSetter('setQuorumPercent', 0n),
          () => g.simulate.setQuorumPercent([0n], as),
          'InvalidParameter',
        ],
        [
          encodeSetter('setQuorumPercent', 101n),
          () => g.simulate.setQuorumPercent([101n], as),
          'InvalidParameter',
        ],
        [
          encodeSetter('setMaxInProgressProposals', 0n),
          () => g.simulate.setMaxInProgressProposals([0n], as),
          'InvalidParameter',
        ],
        [
          encodeSetter('setGuardian', zeroAddress),
          () => g.simulate.setGuardian([zeroAddress], as),
          'ZeroAddress',
        ],
        [
          encodeSetter('setTargetAllowed', zeroAddress, true),
          () => g.simulate.setTargetAllowed([zeroAddress, true], as),
          'ZeroAddress',
        ],
      ];
      const proposals = [];
      for (const [data, simulate, error] of invalid) {
        await expectRevert(simulate(), error);
        const p = await f.propose(f.alice, f.addr.Governance, data);
        await f.vote(f.alice, p.id, VoteChoice.Yes);
        proposals.push(p);
      }
      // The edges that are valid.
      await g.simulate.setQuorumPercent([100n], as);
      await g.simulate.setQuorumPercent([1n], as);
      await g.simulate.setVotingPeriod([1n], as);
      await g.simulate.setMaxInProgressProposals([1n], as);
      await g.simulate.setExecutionDelay([0n], as);
      await g.simulate.setMaxTreasuryOutflow([0n], as);

      const last = proposals.at(-1);
      assert.ok(last);
      await f.mineUntilEvaluable(last.block);
      for (const p of proposals) {
        assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecutionFailed);
      }
      assert.equal(await g.read.votingPeriod(), VOTING_PERIOD);
      assert.equal(await g.read.quorumPercent(), 5n);
      assert.equal(await g.read.maxInProgressProposals(), 100n);
      assert.equal(await g.read.guardian(), f.guardian.address);
      assert.equal(await g.read.isAllowedTarget([zeroAddress]), false);
    });
  });

  describe('attacks', () => {
    it('voting with stake acquired after the proposal fails', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      // Erin stakes only after the proposal: she has no vote in it.
      await registerNode({
        manifest: f.net.manifest,
        owner: f.erin,
        serviceType: 'discoveryNode',
        endpoint: 'https://dn2.example',
        stake: dgco(200_000),
        delegateWallet: f.net.accounts[15]!.address,
      });
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.erin).governance.write.submitVote([p.id, VoteChoice.Yes]),
          'NoStakeAtSnapshot',
        ),
        [f.erin.address, p.block - 1n],
      );
      // Dave and Carol add stake after the proposal: they vote with their snapshot stake only.
      const dave = f.net.contractsFor(f.dave);
      await f.net.mined(await dave.token.write.approve([f.addr.Staking, dgco(500_000)]));
      await f.net.mined(await dave.nodeRegistry.write.increaseStake([dgco(500_000)]));
      await f.delegate(f.carol, f.alice, dgco(1_000));
      assert.equal(await dave.staking.read.stakeOf([f.dave.address]), DAVE_STAKE + dgco(500_000));
      const weights = [];
      for (const [who, choice] of [
        [f.dave, VoteChoice.Yes],
        [f.carol, VoteChoice.No],
      ] as const) {
        const receipt = await f.vote(who, p.id, choice);
        const [e] = parseEventLogs({
          abi: governanceAbi,
          eventName: 'VoteSubmitted',
          logs: receipt.logs,
        });
        weights.push(e?.args.weight);
      }
      assert.deepEqual(weights, [DAVE_STAKE, CAROL_DELEGATION]);
      const proposal = await f.proposal(p.id);
      assert.equal(proposal.yesVotes, DAVE_STAKE);
      assert.equal(proposal.noVotes, CAROL_DELEGATION);
      assert.equal(proposal.totalStakeAtSnapshot, TOTAL_STAKE);

      // In a proposal made after it, the new stake counts in full.
      const later = await f.propose(f.erin, f.addr.DelegateManager, setMinDelegation(dgco(300)));
      await f.vote(f.erin, later.id, VoteChoice.Yes);
      await f.vote(f.dave, later.id, VoteChoice.Yes);
      const laterProposal = await f.proposal(later.id);
      assert.equal(laterProposal.yesVotes, dgco(200_000) + DAVE_STAKE + dgco(500_000));
      assert.equal(
        laterProposal.totalStakeAtSnapshot,
        TOTAL_STAKE + dgco(200_000) + dgco(500_000) + dgco(1_000),
      );
    });

    it('executing before the delay fails', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      const readyBlock = p.block + VOTING_PERIOD + EXECUTION_DELAY + 1n;
      // During voting, at the end of voting, and in the last block of the delay.
      for (const latest of [
        p.block + 1n,
        p.block + VOTING_PERIOD,
        p.block + VOTING_PERIOD + EXECUTION_DELAY - 1n,
      ]) {
        await f.mineTo(latest);
        assert.deepEqual(
          await expectRevert(
            f.net.contractsFor(f.alice).governance.write.evaluateProposal([p.id]),
            'NotReadyForEvaluation',
          ),
          [readyBlock],
        );
      }
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.InProgress);
      assert.equal(
        await f.net.contractsFor(f.outsider).delegateManager.read.minDelegationAmount(),
        MIN_DELEGATION,
      );
      await f.mineTo(readyBlock - 1n);
      const { outcome, receipt } = await f.evaluate(p.id);
      assert.equal(receipt.blockNumber, readyBlock);
      assert.equal(outcome, ProposalOutcome.ApprovedExecuted);
    });

    it('executing without quorum fails', async () => {
      // Frank's 100 DGCO makes the stake 2,000,100: Carol's 100,000 is now just short of 5 %.
      await f.delegate(f.frank, f.bob, dgco(100));
      const p = await f.propose(f.carol, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      await f.vote(f.carol, p.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(p.block);
      const { outcome, event } = await f.evaluate(p.id);
      assert.equal(outcome, ProposalOutcome.QuorumNotMet);
      assert.deepEqual(event.args, {
        proposalId: p.id,
        outcome: ProposalOutcome.QuorumNotMet,
        yesVotes: CAROL_DELEGATION,
        noVotes: 0n,
      });
      assert.equal((await f.proposal(p.id)).totalStakeAtSnapshot, TOTAL_STAKE + dgco(100));
      assert.equal(
        await f.net.contractsFor(f.outsider).delegateManager.read.minDelegationAmount(),
        MIN_DELEGATION,
      );
      assert.deepEqual(await gov().read.getInProgressProposals(), []);
    });

    it('executing a vetoed proposal fails', async () => {
      await f.net.mined(
        await f.net.contractsFor(f.guardian).token.write.transfer([f.addr.Governance, dgco(1_000)]),
      );
      const p = await f.propose(
        f.alice,
        f.addr.DgcoToken,
        transferDgco(f.alice.address, dgco(1_000)),
      );
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.vote(f.bob, p.id, VoteChoice.Yes);
      // Vetoed during the execution delay, after an overwhelming yes.
      await f.mineTo(p.block + VOTING_PERIOD + 1n);
      await f.net.mined(await f.net.contractsFor(f.guardian).governance.write.vetoProposal([p.id]));
      await f.mineUntilEvaluable(p.block);
      assert.deepEqual(
        await expectRevert(
          f.net.contractsFor(f.alice).governance.write.evaluateProposal([p.id]),
          'ProposalNotInProgress',
        ),
        [p.id, ProposalOutcome.Vetoed],
      );
      assert.equal(await f.net.balanceOf(f.addr.Governance), dgco(1_000));
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.Vetoed);
    });

    it('the sum of votes never exceeds the stake at the snapshot', async () => {
      const p = await f.propose(f.alice, f.addr.DelegateManager, setMinDelegation(dgco(200)));
      const total = (await f.proposal(p.id)).totalStakeAtSnapshot;
      assert.equal(total, TOTAL_STAKE);
      assert.equal(
        await f.net.contractsFor(f.outsider).staking.read.totalStakedAt([p.block - 1n]),
        total,
      );
      // Stake added after the snapshot, then every staker votes and changes their mind.
      await f.delegate(f.frank, f.dave, dgco(1_000));
      await f.delegate(f.carol, f.dave, dgco(1_000));
      const sequence = [
        [f.alice, VoteChoice.Yes],
        [f.bob, VoteChoice.No],
        [f.carol, VoteChoice.Yes],
        [f.dave, VoteChoice.No],
        [f.alice, VoteChoice.No],
        [f.bob, VoteChoice.No],
        [f.carol, VoteChoice.No],
        [f.dave, VoteChoice.Yes],
        [f.alice, VoteChoice.Yes],
        [f.carol, VoteChoice.Yes],
        [f.carol, VoteChoice.No],
      ] as const;
      for (const [who, choice] of sequence) {
        await f.vote(who, p.id, choice);
        const { yesVotes, noVotes } = await f.proposal(p.id);
        assert.ok(yesVotes + noVotes <= total, `${yesVotes} + ${noVotes} > ${total}`);
      }
      await expectRevert(
        f.net.contractsFor(f.frank).governance.write.submitVote([p.id, VoteChoice.Yes]),
        'NoStakeAtSnapshot',
      );
      const { yesVotes, noVotes } = await f.proposal(p.id);
      assert.equal(yesVotes, ALICE_STAKE + DAVE_STAKE);
      assert.equal(noVotes, BOB_STAKE + CAROL_DELEGATION);
      assert.equal(yesVotes + noVotes, total);
    });

    it('a proposal cannot re-initialize Governance', async () => {
      const data = encodeFunctionData({
        abi: governanceAbi,
        functionName: 'initialize',
        args: [f.alice.address, f.alice.address, [f.alice.address]],
      });
      await expectRevert(
        gov().simulate.initialize([f.alice.address, f.alice.address, [f.alice.address]], {
          account: f.addr.Governance,
        }),
        'AlreadyInitialized',
      );
      const { outcome } = await f.pass(f.addr.Governance, data);
      assert.equal(outcome, ProposalOutcome.ApprovedExecutionFailed);
      assert.equal(await gov().read.staking(), f.addr.Staking);
      assert.equal(await gov().read.isAllowedTarget([f.alice.address]), false);
    });

    it('a proposal cannot approve the treasury by wrapping approve in executeCapped', async () => {
      const approve = encodeFunctionData({
        abi: dgcoTokenAbi,
        functionName: 'approve',
        args: [f.erin.address, maxUint256],
      });
      const wrapped = encodeFunctionData({
        abi: governanceAbi,
        functionName: 'executeCapped',
        args: [f.addr.DgcoToken, approve, CAP],
      });
      assert.deepEqual(
        await expectRevert(
          f.net
            .contractsFor(f.alice)
            .governance.write.submitProposal([f.addr.Governance, wrapped, 'x']),
          'ForbiddenCall',
        ),
        [toFunctionSelector('executeCapped(address,bytes,uint256)')],
      );
      // Nor wrapped twice.
      const twice = encodeFunctionData({
        abi: governanceAbi,
        functionName: 'executeCapped',
        args: [f.addr.Governance, wrapped, CAP],
      });
      await expectRevert(
        f.net
          .contractsFor(f.alice)
          .governance.write.submitProposal([f.addr.Governance, twice, 'x']),
        'ForbiddenCall',
      );
      assert.equal(
        await f.net
          .contractsFor(f.outsider)
          .token.read.allowance([f.addr.Governance, f.erin.address]),
        0n,
      );
    });

    it('evaluating with too little gas cannot fail a passed proposal', async () => {
      // A call that needs about 2.4M gas: storing a 3,000-byte version string.
      const version = 'v'.repeat(3000);
      const data = encodeFunctionData({
        abi: serviceTypeManagerAbi,
        functionName: 'setVersion',
        args: [ServiceType.contentNode, version],
      });
      const p = await f.propose(f.alice, f.addr.ServiceTypeManager, data);
      await f.vote(f.alice, p.id, VoteChoice.Yes);
      await f.mineUntilEvaluable(p.block);
      const g = f.net.contractsFor(f.outsider).governance;
      const needed = await g.estimateGas.evaluateProposal([p.id], { account: f.outsider });
      assert.ok(needed > 2_000_000n, `needs ${needed}`);
      // With any gas below what it needs, evaluation either succeeds or reverts: it never
      // reports ApprovedExecutionFailed.
      const seen = new Set<string>();
      for (let gas = 200_000n; gas < needed; gas += 50_000n) {
        try {
          const { result } = await g.simulate.evaluateProposal([p.id], {
            account: f.outsider.address,
            gas,
            blockTag: 'pending',
          });
          seen.add(`outcome ${result}`);
        } catch (error) {
          seen.add(revertErrorName(error) ?? 'out of gas');
        }
      }
      assert.ok(!seen.has(`outcome ${ProposalOutcome.ApprovedExecutionFailed}`), [...seen].join());
      // The gas at which the call would have failed was tried: it reverts instead.
      assert.ok(seen.has('ExecutionOutOfGas'), [...seen].join());
      assert.equal((await f.proposal(p.id)).outcome, ProposalOutcome.InProgress);
      assert.equal((await f.evaluate(p.id)).outcome, ProposalOutcome.ApprovedExecuted);
      assert.equal(
        await f.net
          .contractsFor(f.outsider)
          .serviceTypeManager.read.getCurrentVersion([ServiceType.contentNode]),
        version,
      );
    });
  });
});

describe('Governance with at most 2 proposals in progress', () => {
  let net: TestNetwork;
  let proposer: Account;
  const data = setMinDelegation(dgco(200));
  before(async () => {
    net = await startTestNetwork({ params: { maxInProgressProposals: 2n } });
    proposer = net.accounts[1]!;
    await fundAccounts({
      manifest: net.manifest,
      from: net.deployer,
      recipients: [proposer.address],
      dgco: dgco(200_000),
    });
    await registerNode({
      manifest: net.manifest,
      owner: proposer,
      serviceType: 'contentNode',
      endpoint: 'https://cn1.example',
      stake: dgco(200_000),
      delegateWallet: net.accounts[11]!.address,
    });
  });
  after(async () => {
    await net?.stop();
  });

  it('rejects a third with TooManyInProgressProposals until one is decided', async () => {
    const g = net.contractsFor(proposer).governance;
    const submit = () =>
      g.write.submitProposal([net.manifest.contracts.eth.DelegateManager, data, 'x']);
    assert.equal(await g.read.maxInProgressProposals(), 2n);
    await net.mined(await submit());
    const second = await net.mined(await submit());
    assert.deepEqual(await expectRevert(submit(), 'TooManyInProgressProposals'), [2n]);
    assert.deepEqual(await g.read.getInProgressProposals(), [1n, 2n]);

    // A veto frees a slot.
    await net.mined(await net.contractsFor(net.deployer).governance.write.vetoProposal([1n]));
    await net.mined(await submit());
    assert.deepEqual(await g.read.getInProgressProposals(), [2n, 3n]);
    assert.deepEqual(await expectRevert(submit(), 'TooManyInProgressProposals'), [2n]);

    // So does an evaluation (here with no votes: QuorumNotMet).
    await net.mine(VOTING_PERIOD + EXECUTION_DELAY);
    const latest = await net.ethPublic.getBlockNumber({ cacheTime: 0 });
    assert.ok(latest > second.blockNumber + VOTING_PERIOD + EXECUTION_DELAY - 1n);
    await net.mined(await g.write.evaluateProposal([2n]));
    assert.equal((await g.read.getProposal([2n])).outcome, ProposalOutcome.QuorumNotMet);
    await net.mined(await submit());
    assert.deepEqual(await g.read.getInProgressProposals(), [3n, 4n]);
  });
});

type GovernanceWrite = ContractFunctionName<typeof governanceAbi, 'nonpayable'>;

/** Encodes a call to one of Governance's own functions. */
function encodeSetter<const N extends GovernanceWrite>(
  functionName: N,
  ...args: Extract<ContractFunctionArgs<typeof governanceAbi, 'nonpayable', N>, readonly unknown[]>
): Hex {
  const parameters = { abi: governanceAbi, functionName, args };
  return encodeFunctionData(parameters as unknown as EncodeFunctionDataParameters);
}

/** The args of every Governance event of a name in a receipt. */
function eventArgs(receipt: TransactionReceipt, eventName: string): unknown[] {
  return parseEventLogs({ abi: governanceAbi, logs: receipt.logs })
    .filter((e) => e.eventName === eventName)
    .map((e) => e.args);
}
