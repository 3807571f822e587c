// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {InitializableOnce, ZeroAddress} from "./Governed.sol";

/// @title The stake ledger
/// @notice Holds every staked DGCO and records, per block, three checkpointed figures: each
/// staker's own stake (their voting power), each node owner's stake (the owner's own stake plus
/// what is delegated to them; rewards are pro rata to it) and the total. Only the NodeRegistry
/// and the DelegateManager move stake, so the ledger can never count a token twice.
contract Staking is InitializableOnce {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    IERC20 public immutable token;
    address public nodeRegistry;
    address public delegateManager;

    mapping(address => Checkpoints.Trace208) private _stakerStake;
    mapping(address => Checkpoints.Trace208) private _nodeStake;
    Checkpoints.Trace208 private _totalStake;

    event Staked(address indexed staker, address indexed nodeOwner, uint256 amount);
    event Unstaked(address indexed staker, address indexed nodeOwner, uint256 amount);
    event Slashed(address indexed staker, address indexed nodeOwner, uint256 amount);
    event RewardsStaked(address indexed staker, address indexed nodeOwner, uint256 amount);

    error NotStakeManager(address caller);
    error NotDelegateManager(address caller);
    error InsufficientStake(address staker, uint256 staked, uint256 requested);
    error FutureLookup(uint256 blockNumber);
    error ZeroAmount();

    constructor(address token_) {
        if (token_ == address(0)) revert ZeroAddress();
        token = IERC20(token_);
    }

    /// @notice Wires the two contracts that may move stake. Once.
    function initialize(address nodeRegistry_, address delegateManager_) external initializer {
        if (nodeRegistry_ == address(0) || delegateManager_ == address(0)) revert ZeroAddress();
        nodeRegistry = nodeRegistry_;
        delegateManager = delegateManager_;
    }

    modifier onlyStakeManager() {
        if (msg.sender != nodeRegistry && msg.sender != delegateManager) revert NotStakeManager(msg.sender);
        _;
    }

    modifier onlyDelegateManager() {
        if (msg.sender != delegateManager) revert NotDelegateManager(msg.sender);
        _;
    }

    /// @notice Pulls `amount` from `payer` and stakes it for `staker` on `nodeOwner`'s nodes.
    function stake(address staker, address nodeOwner, uint256 amount, address payer) external onlyStakeManager {
        if (amount == 0) revert ZeroAmount();
        _add(staker, nodeOwner, amount);
        token.safeTransferFrom(payer, address(this), amount);
        emit Staked(staker, nodeOwner, amount);
    }

    /// @notice Unstakes `amount` of `staker`'s stake on `nodeOwner` and sends it to `to`.
    function unstake(address staker, address nodeOwner, uint256 amount, address to) external onlyStakeManager {
        if (amount == 0) revert ZeroAmount();
        _sub(staker, nodeOwner, amount);
        token.safeTransfer(to, amount);
        emit Unstaked(staker, nodeOwner, amount);
    }

    /// @notice Burns `amount` of `staker`'s stake on `nodeOwner` (a governance slash).
    function slash(address staker, address nodeOwner, uint256 amount) external onlyDelegateManager {
        if (amount == 0) return;
        _sub(staker, nodeOwner, amount);
        ERC20Burnable(address(token)).burn(amount);
        emit Slashed(staker, nodeOwner, amount);
    }

    /// @notice Records rewards the ClaimsManager minted into this contract as `staker`'s stake.
    function stakeRewards(address staker, address nodeOwner, uint256 amount) external onlyDelegateManager {
        if (amount == 0) return;
        _add(staker, nodeOwner, amount);
        emit RewardsStaked(staker, nodeOwner, amount);
    }

    function stakeOf(address staker) external view returns (uint256) {
        return _stakerStake[staker].latest();
    }

    /// @notice A staker's stake at the end of a past block: their voting power in proposals.
    function stakeOfAt(address staker, uint256 blockNumber) external view returns (uint256) {
        return _stakerStake[staker].upperLookupRecent(_pastBlock(blockNumber));
    }

    function nodeStakeOf(address nodeOwner) external view returns (uint256) {
        return _nodeStake[nodeOwner].latest();
    }

    /// @notice A node owner's stake, own plus delegated, at the end of a past block.
    function nodeStakeOfAt(address nodeOwner, uint256 blockNumber) external view returns (uint256) {
        return _nodeStake[nodeOwner].upperLookupRecent(_pastBlock(blockNumber));
    }

    function totalStaked() external view returns (uint256) {
        return _totalStake.latest();
    }

    /// @notice All stake at the end of a past block.
    function totalStakedAt(uint256 blockNumber) external view returns (uint256) {
        return _totalStake.upperLookupRecent(_pastBlock(blockNumber));
    }

    function _pastBlock(uint256 blockNumber) private view returns (uint48) {
        // The current block can still change; only finished blocks are snapshots.
        if (blockNumber >= block.number) revert FutureLookup(blockNumber);
        return SafeCast.toUint48(blockNumber);
    }

    function _add(address staker, address nodeOwner, uint256 amount) private {
        uint48 key = SafeCast.toUint48(block.number);
        _stakerStake[staker].push(key, SafeCast.toUint208(_stakerStake[staker].latest() + amount));
        _nodeStake[nodeOwner].push(key, SafeCast.toUint208(_nodeStake[nodeOwner].latest() + amount));
        _totalStake.push(key, SafeCast.toUint208(_totalStake.latest() + amount));
    }

    function _sub(address staker, address nodeOwner, uint256 amount) private {
        uint256 staked = _stakerStake[staker].latest();
        if (staked < amount) revert InsufficientStake(staker, staked, amount);
        uint256 nodeStaked = _nodeStake[nodeOwner].latest();
        if (nodeStaked < amount) revert InsufficientStake(nodeOwner, nodeStaked, amount);
        uint48 key = SafeCast.toUint48(block.number);
        _stakerStake[staker].push(key, SafeCast.toUint208(staked - amount));
        _nodeStake[nodeOwner].push(key, SafeCast.toUint208(nodeStaked - amount));
        _totalStake.push(key, SafeCast.toUint208(_totalStake.latest() - amount));
    }
}
