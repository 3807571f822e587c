// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {DgcoToken} from "./DgcoToken.sol";
import {Governed, InitializableOnce, ZeroAddress} from "./Governed.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {Staking} from "./Staking.sol";

/// @title Reward rounds
/// @notice Every `fundingRoundBlockDiff` blocks anyone may start a round funded with
/// `fundingAmount` DGCO. Each node owner with nodes and own stake at least their minimum may then
/// claim once per round (through the DelegateManager), receiving newly minted DGCO pro rata to
/// their stake, own plus delegated, at the block before the round started, counted up to their
/// maximum: stake added after the round began, or above the maximum, earns nothing in it.
/// Governance may change the funding and the round length only within hard bounds, so that no
/// proposal can mint without limit through rewards.
contract ClaimsManager is Governed, InitializableOnce {
    /// @notice The most a round may be funded with: twice the default 1,342,465.75 DGCO.
    uint256 public constant MAX_FUNDING_AMOUNT = 2_684_931.5e18;
    /// @notice The shortest round governance may set, in blocks (about a day).
    uint256 public constant MIN_FUNDING_ROUND_BLOCKS = 6_646;

    struct Round {
        uint256 number;
        uint256 startBlock;
        uint256 fundingAmount;
        uint256 totalClaimed;
    }

    DgcoToken public immutable token;
    Staking public immutable staking;
    NodeRegistry public immutable nodeRegistry;
    address public delegateManager;

    uint256 public fundingRoundBlockDiff;
    uint256 public fundingAmount;

    Round private _round;
    mapping(address => uint256) public lastClaimedRound;

    event RoundInitiated(uint256 indexed round, uint256 startBlock, uint256 fundingAmount);
    event ClaimProcessed(address indexed nodeOwner, uint256 indexed round, uint256 reward, uint256 nodeStake, uint256 totalStake);
    event FundingRoundBlockDiffSet(uint256 blocks);
    event FundingAmountSet(uint256 amount);

    error NotDelegateManager(address caller);
    error RoundNotReady(uint256 nextRoundBlock);
    error NoRound();
    error AlreadyClaimed(address nodeOwner, uint256 round);
    error StakeNotWithinBounds(address nodeOwner);
    error InvalidParameter();

    constructor(
        address token_,
        address staking_,
        address nodeRegistry_,
        address governance_,
        uint256 fundingRoundBlockDiff_,
        uint256 fundingAmount_
    ) Governed(governance_) {
        if (token_ == address(0) || staking_ == address(0) || nodeRegistry_ == address(0)) revert ZeroAddress();
        if (fundingRoundBlockDiff_ < MIN_FUNDING_ROUND_BLOCKS || fundingAmount_ > MAX_FUNDING_AMOUNT) {
            revert InvalidParameter();
        }
        token = DgcoToken(token_);
        staking = Staking(staking_);
        nodeRegistry = NodeRegistry(nodeRegistry_);
        fundingRoundBlockDiff = fundingRoundBlockDiff_;
        fundingAmount = fundingAmount_;
    }

    /// @notice Wires the DelegateManager, the only caller of processClaim. Once.
    function initialize(address delegateManager_) external initializer {
        if (delegateManager_ == address(0)) revert ZeroAddress();
        delegateManager = delegateManager_;
    }

    /// @notice Starts the next round once `fundingRoundBlockDiff` blocks have passed since the last.
    function initiateRound() external whenInitialized {
        if (_round.number > 0 && block.number < _round.startBlock + fundingRoundBlockDiff) {
            revert RoundNotReady(_round.startBlock + fundingRoundBlockDiff);
        }
        _round = Round(_round.number + 1, block.number, fundingAmount, 0);
        emit RoundInitiated(_round.number, block.number, fundingAmount);
    }

    /// @notice Mints `nodeOwner`'s reward for the current round into Staking and returns it.
    /// DelegateManager only; it then splits the reward among the stakers. The owner must have
    /// nodes and own stake at least their minimum (StakeNotWithinBounds otherwise); the reward is
    /// on their stake at the snapshot, capped at their current maximum. The event's `nodeStake`
    /// is that capped stake.
    function processClaim(address nodeOwner) external returns (uint256 reward) {
        if (msg.sender != delegateManager) revert NotDelegateManager(msg.sender);
        uint256 number = _round.number;
        if (number == 0) revert NoRound();
        if (lastClaimedRound[nodeOwner] >= number) revert AlreadyClaimed(nodeOwner, number);
        if (!nodeRegistry.isEligibleForRewards(nodeOwner)) revert StakeNotWithinBounds(nodeOwner);
        lastClaimedRound[nodeOwner] = number;

        uint256 snapshot = _round.startBlock - 1;
        uint256 totalStake = staking.totalStakedAt(snapshot);
        uint256 nodeStake = staking.nodeStakeOfAt(nodeOwner, snapshot);
        // Rewards may have carried the owner over their maximum: the excess earns nothing.
        (, uint256 maxStake) = nodeRegistry.boundsOf(nodeOwner);
        if (nodeStake > maxStake) nodeStake = maxStake;
        if (totalStake > 0) reward = (_round.fundingAmount * nodeStake) / totalStake;
        _round.totalClaimed += reward;
        if (reward > 0) token.mint(address(staking), reward);
        emit ClaimProcessed(nodeOwner, number, reward, nodeStake, totalStake);
    }

    /// @notice At least MIN_FUNDING_ROUND_BLOCKS.
    function setFundingRoundBlockDiff(uint256 blocks) external onlyGovernance {
        if (blocks < MIN_FUNDING_ROUND_BLOCKS) revert InvalidParameter();
        fundingRoundBlockDiff = blocks;
        emit FundingRoundBlockDiffSet(blocks);
    }

    /// @notice At most MAX_FUNDING_AMOUNT (zero pauses rewards).
    function setFundingAmount(uint256 amount) external onlyGovernance {
        if (amount > MAX_FUNDING_AMOUNT) revert InvalidParameter();
        fundingAmount = amount;
        emit FundingAmountSet(amount);
    }

    function currentRound() external view returns (Round memory) {
        return _round;
    }
}
