// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {InitializableOnce, ZeroAddress} from "./Governed.sol";
import {Staking} from "./Staking.sol";

/// @title Stake-weighted governance of Coliving's parameters and treasury
/// @notice Stakers propose calls to an allowlist of Coliving contracts, and vote with their stake
/// as it stood at the end of the block before the proposal (so stake bought after a proposal
/// counts for nothing in it, and the votes can never add up to more than the stake that existed).
/// After the voting period and an execution delay, anyone evaluates it: with quorum and more yes
/// than no it executes, unless the guardian vetoed it. One proposal can move at most
/// `maxTreasuryOutflow` DGCO out of this contract, which holds the treasury.
contract Governance is InitializableOnce {
    enum Outcome {
        InProgress,
        Rejected,
        ApprovedExecuted,
        QuorumNotMet,
        ApprovedExecutionFailed,
        Vetoed
    }

    enum Vote {
        None,
        No,
        Yes
    }

    struct Proposal {
        address proposer;
        uint256 submissionBlock;
        uint256 snapshotBlock;
        uint256 totalStakeAtSnapshot;
        address target;
        bytes callData;
        string description;
        uint256 yesVotes;
        uint256 noVotes;
        Outcome outcome;
        /// @dev The rules in force at submission: a later parameter change never shortens,
        /// lengthens or re-weighs a proposal already open.
        uint256 votingDeadlineBlock;
        uint256 executableBlock;
        uint256 quorumPercent;
        uint256 maxTreasuryOutflow;
    }

    uint256 public constant MAX_DESCRIPTION_LENGTH = 4096;
    // ERC-20 `approve`: an allowance over the treasury would escape the per-proposal cap, on any
    // token Governance holds, so no proposal may call it on any target.
    bytes4 private constant APPROVE = 0x095ea7b3;

    Staking public staking;
    IERC20 public token;

    address public guardian;
    uint256 public votingPeriod;
    uint256 public executionDelay;
    uint256 public quorumPercent;
    uint256 public maxInProgressProposals;
    uint256 public maxTreasuryOutflow;
    /// @notice Stake a proposer must have had at the snapshot: proposals are not free to spam.
    uint256 public minProposerStake;

    uint256 public lastProposalId;
    mapping(uint256 => Proposal) private _proposals;
    mapping(uint256 => mapping(address => Vote)) private _votes;
    mapping(address => bool) public isAllowedTarget;
    uint256[] private _inProgress;

    event ProposalSubmitted(
        uint256 indexed proposalId,
        address indexed proposer,
        address indexed target,
        bytes callData,
        string description,
        uint256 snapshotBlock
    );
    event VoteSubmitted(uint256 indexed proposalId, address indexed voter, Vote vote, uint256 weight);
    event VoteUpdated(uint256 indexed proposalId, address indexed voter, Vote vote, uint256 weight, Vote previousVote);
    event ProposalOutcomeEvaluated(uint256 indexed proposalId, Outcome outcome, uint256 yesVotes, uint256 noVotes);
    event ProposalVetoed(uint256 indexed proposalId, address indexed guardian);
    event TargetAllowed(address indexed target, bool allowed);
    event GuardianSet(address indexed guardian);
    event VotingPeriodSet(uint256 blocks);
    event ExecutionDelaySet(uint256 blocks);
    event QuorumPercentSet(uint256 percent);
    event MaxInProgressProposalsSet(uint256 count);
    event MaxTreasuryOutflowSet(uint256 amount);
    event MinProposerStakeSet(uint256 amount);

    error NotGovernance(address caller);
    error NotGuardian(address caller);
    error TargetNotAllowed(address target);
    error ForbiddenCall(bytes4 selector);
    error EmptyCallData();
    error DescriptionTooLong();
    error TooManyInProgressProposals(uint256 maximum);
    error NoStakeAtSnapshot(address account, uint256 snapshotBlock);
    error ProposerStakeTooLow(uint256 stake, uint256 minimum);
    error ProposalNotFound(uint256 proposalId);
    error ProposalNotInProgress(uint256 proposalId, Outcome outcome);
    error VotingClosed(uint256 proposalId);
    error InvalidVote();
    error NotReadyForEvaluation(uint256 readyBlock);
    error TreasuryOutflowTooLarge(uint256 outflow, uint256 maximum);
    error OnlySelf();
    error ExecutionOutOfGas();
    error InvalidParameter();

    constructor(
        address guardian_,
        uint256 votingPeriod_,
        uint256 executionDelay_,
        uint256 quorumPercent_,
        uint256 maxInProgressProposals_,
        uint256 maxTreasuryOutflow_,
        uint256 minProposerStake_
    ) {
        if (guardian_ == address(0)) revert ZeroAddress();
        if (votingPeriod_ == 0 || quorumPercent_ == 0 || quorumPercent_ > 100 || maxInProgressProposals_ == 0) {
            revert InvalidParameter();
        }
        guardian = guardian_;
        votingPeriod = votingPeriod_;
        executionDelay = executionDelay_;
        quorumPercent = quorumPercent_;
        maxInProgressProposals = maxInProgressProposals_;
        maxTreasuryOutflow = maxTreasuryOutflow_;
        minProposerStake = minProposerStake_;
    }

    /// @notice Wires the stake ledger and token and allows the first targets. Once.
    function initialize(address staking_, address token_, address[] calldata targets) external initializer {
        if (staking_ == address(0) || token_ == address(0)) revert ZeroAddress();
        staking = Staking(staking_);
        token = IERC20(token_);
        _setTargetAllowed(address(this), true);
        for (uint256 i = 0; i < targets.length; i++) {
            _setTargetAllowed(targets[i], true);
        }
    }

    modifier onlyGovernance() {
        if (msg.sender != address(this)) revert NotGovernance(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- proposals

    /// @notice Proposes `target.call(callData)`. The caller must have had stake at the snapshot.
    function submitProposal(address target, bytes calldata callData, string calldata description)
        external
        whenInitialized
        returns (uint256 proposalId)
    {
        if (!isAllowedTarget[target]) revert TargetNotAllowed(target);
        if (callData.length < 4) revert EmptyCallData();
        if (bytes4(callData[:4]) == APPROVE) revert ForbiddenCall(APPROVE);
        // A call wrapped in executeCapped would run the inner call as Governance itself and so
        // escape the check above (an approve over the whole treasury). Only evaluateProposal calls it.
        if (target == address(this) && bytes4(callData[:4]) == this.executeCapped.selector) {
            revert ForbiddenCall(this.executeCapped.selector);
        }
        if (bytes(description).length > MAX_DESCRIPTION_LENGTH) revert DescriptionTooLong();
        if (_inProgress.length >= maxInProgressProposals) revert TooManyInProgressProposals(maxInProgressProposals);
        uint256 snapshot = block.number - 1;
        uint256 proposerStake = staking.stakeOfAt(msg.sender, snapshot);
        if (proposerStake == 0) revert NoStakeAtSnapshot(msg.sender, snapshot);
        if (proposerStake < minProposerStake) revert ProposerStakeTooLow(proposerStake, minProposerStake);

        proposalId = ++lastProposalId;
        Proposal storage p = _proposals[proposalId];
        p.proposer = msg.sender;
        p.submissionBlock = block.number;
        p.snapshotBlock = snapshot;
        p.totalStakeAtSnapshot = staking.totalStakedAt(snapshot);
        p.target = target;
        p.callData = callData;
        p.description = description;
        p.votingDeadlineBlock = block.number + votingPeriod;
        p.executableBlock = block.number + votingPeriod + executionDelay + 1;
        p.quorumPercent = quorumPercent;
        p.maxTreasuryOutflow = maxTreasuryOutflow;
        _inProgress.push(proposalId);
        emit ProposalSubmitted(proposalId, msg.sender, target, callData, description, snapshot);
    }

    /// @notice Votes (or changes a vote) with the caller's stake at the proposal's snapshot.
    function submitVote(uint256 proposalId, Vote vote) external {
        Proposal storage p = _inProgressProposal(proposalId);
        if (block.number > p.votingDeadlineBlock) revert VotingClosed(proposalId);
        if (vote == Vote.None) revert InvalidVote();
        uint256 weight = staking.stakeOfAt(msg.sender, p.snapshotBlock);
        if (weight == 0) revert NoStakeAtSnapshot(msg.sender, p.snapshotBlock);
        Vote previous = _votes[proposalId][msg.sender];
        if (previous == Vote.Yes) p.yesVotes -= weight;
        else if (previous == Vote.No) p.noVotes -= weight;
        if (vote == Vote.Yes) p.yesVotes += weight;
        else p.noVotes += weight;
        _votes[proposalId][msg.sender] = vote;
        if (previous == Vote.None) emit VoteSubmitted(proposalId, msg.sender, vote, weight);
        else emit VoteUpdated(proposalId, msg.sender, vote, weight, previous);
    }

    /// @notice Decides a proposal after its voting period and execution delay, executing it when
    /// it passed. Anyone may call it.
    function evaluateProposal(uint256 proposalId) external returns (Outcome outcome) {
        Proposal storage p = _inProgressProposal(proposalId);
        if (block.number < p.executableBlock) revert NotReadyForEvaluation(p.executableBlock);
        _removeInProgress(proposalId);
        if ((p.yesVotes + p.noVotes) * 100 < p.quorumPercent * p.totalStakeAtSnapshot) {
            outcome = Outcome.QuorumNotMet;
        } else if (p.yesVotes <= p.noVotes) {
            outcome = Outcome.Rejected;
        } else {
            uint256 gasBefore = gasleft();
            try this.executeCapped(p.target, p.callData, p.maxTreasuryOutflow) {
                outcome = Outcome.ApprovedExecuted;
            } catch {
                // The caller chooses the gas, and a call starved of it must not fail the proposal
                // for good. Running out leaves only the 1/64 each frame keeps back (under 1/8 in
                // all for call depths up to 8), so with less than that left, revert: the proposal
                // can be evaluated again with more gas.
                if (gasleft() < gasBefore / 8) revert ExecutionOutOfGas();
                outcome = Outcome.ApprovedExecutionFailed;
            }
        }
        p.outcome = outcome;
        emit ProposalOutcomeEvaluated(proposalId, outcome, p.yesVotes, p.noVotes);
    }

    /// @notice Runs a passed proposal's call and reverts it whole if it moved more than the cap
    /// of DGCO: out of the treasury, or newly minted (Governance is the token's minter, and
    /// minting is a claim on the treasury's value). Callable only by this contract, from
    /// evaluateProposal.
    function executeCapped(address target, bytes calldata callData, uint256 cap) external {
        if (msg.sender != address(this)) revert OnlySelf();
        uint256 before = token.balanceOf(address(this));
        uint256 supplyBefore = token.totalSupply();
        (bool ok, bytes memory result) = target.call(callData);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        uint256 afterwards = token.balanceOf(address(this));
        uint256 supplyAfter = token.totalSupply();
        uint256 outflow = (afterwards < before ? before - afterwards : 0) +
            (supplyAfter > supplyBefore ? supplyAfter - supplyBefore : 0);
        if (outflow > cap) revert TreasuryOutflowTooLarge(outflow, cap);
    }

    /// @notice Stops a proposal for good. Guardian only.
    function vetoProposal(uint256 proposalId) external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        Proposal storage p = _inProgressProposal(proposalId);
        _removeInProgress(proposalId);
        p.outcome = Outcome.Vetoed;
        emit ProposalVetoed(proposalId, msg.sender);
        emit ProposalOutcomeEvaluated(proposalId, Outcome.Vetoed, p.yesVotes, p.noVotes);
    }

    // ---------------------------------------------------------------- parameters (by proposal only)

    function setTargetAllowed(address target, bool allowed) external onlyGovernance {
        _setTargetAllowed(target, allowed);
    }

    function setGuardian(address guardian_) external onlyGovernance {
        if (guardian_ == address(0)) revert ZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function setVotingPeriod(uint256 blocks) external onlyGovernance {
        if (blocks == 0) revert InvalidParameter();
        votingPeriod = blocks;
        emit VotingPeriodSet(blocks);
    }

    function setExecutionDelay(uint256 blocks) external onlyGovernance {
        executionDelay = blocks;
        emit ExecutionDelaySet(blocks);
    }

    function setQuorumPercent(uint256 percent) external onlyGovernance {
        if (percent == 0 || percent > 100) revert InvalidParameter();
        quorumPercent = percent;
        emit QuorumPercentSet(percent);
    }

    function setMaxInProgressProposals(uint256 count) external onlyGovernance {
        if (count == 0) revert InvalidParameter();
        maxInProgressProposals = count;
        emit MaxInProgressProposalsSet(count);
    }

    function setMinProposerStake(uint256 amount) external onlyGovernance {
        minProposerStake = amount;
        emit MinProposerStakeSet(amount);
    }

    function setMaxTreasuryOutflow(uint256 amount) external onlyGovernance {
        maxTreasuryOutflow = amount;
        emit MaxTreasuryOutflowSet(amount);
    }

    // ---------------------------------------------------------------- views

    function getProposal(uint256 proposalId) external view returns (Proposal memory) {
        if (proposalId == 0 || proposalId > lastProposalId) revert ProposalNotFound(proposalId);
        return _proposals[proposalId];
    }

    function getVote(uint256 proposalId, address voter) external view returns (Vote) {
        return _votes[proposalId][voter];
    }

    function getInProgressProposals() external view returns (uint256[] memory) {
        return _inProgress;
    }

    // ---------------------------------------------------------------- internals

    function _inProgressProposal(uint256 proposalId) private view returns (Proposal storage p) {
        if (proposalId == 0 || proposalId > lastProposalId) revert ProposalNotFound(proposalId);
        p = _proposals[proposalId];
        if (p.outcome != Outcome.InProgress) revert ProposalNotInProgress(proposalId, p.outcome);
    }

    function _removeInProgress(uint256 proposalId) private {
        uint256 length = _inProgress.length;
        for (uint256 i = 0; i < length; i++) {
            if (_inProgress[i] == proposalId) {
                _inProgress[i] = _inProgress[length - 1];
                _inProgress.pop();
                return;
            }
        }
    }

    function _setTargetAllowed(address target, bool allowed) private {
        if (target == address(0)) revert ZeroAddress();
        isAllowedTarget[target] = allowed;
        emit TargetAllowed(target, allowed);
    }
}
