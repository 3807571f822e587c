// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ClaimsManager} from "./ClaimsManager.sol";
import {Governed, InitializableOnce, ZeroAddress} from "./Governed.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {Staking} from "./Staking.sol";

/// @title Delegation of DGCO to node owners, reward claims and slashing
/// @notice Holders delegate stake to a node owner and share the owner's rewards, less the
/// owner's deployer cut. Undelegating waits out a lockup. Governance can slash an owner, which
/// burns stake from the owner and their delegators pro rata.
contract DelegateManager is Governed, InitializableOnce {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The most delegators governance may allow per owner: claimRewards and slash loop
    /// over them all, so this bounds their gas.
    uint256 public constant MAX_DELEGATORS_CEILING = 200;
    /// @notice Blocks after an undelegation's lockup expiry in which it may still be executed
    /// (about a day); after that it must be cancelled and requested again, with a new lockup.
    uint256 public constant REQUEST_EXECUTION_WINDOW = 6_646;

    struct PendingUndelegate {
        address nodeOwner;
        uint256 amount;
        uint256 lockupExpiryBlock;
    }

    Staking public immutable staking;
    NodeRegistry public immutable nodeRegistry;
    address public claimsManager;

    uint256 public minDelegationAmount;
    uint256 public maxDelegators;
    uint256 public undelegateLockupDuration;

    mapping(address => mapping(address => uint256)) private _delegated;
    mapping(address => uint256) private _totalDelegated;
    mapping(address => address[]) private _delegators;
    mapping(address => mapping(address => uint256)) private _delegatorPosition;
    mapping(address => PendingUndelegate) private _pendingUndelegate;
    /// @dev Every delegation per block (node owner => delegator), so that a round's reward is
    /// split on the delegations at its snapshot, as the reward itself was computed.
    mapping(address => mapping(address => Checkpoints.Trace208)) private _delegationHistory;

    event DelegationIncreased(address indexed delegator, address indexed nodeOwner, uint256 amount, uint256 newDelegation);
    event UndelegateRequested(address indexed delegator, address indexed nodeOwner, uint256 amount, uint256 lockupExpiryBlock);
    event UndelegateCancelled(address indexed delegator, address indexed nodeOwner, uint256 amount);
    event DelegationDecreased(address indexed delegator, address indexed nodeOwner, uint256 amount, uint256 newDelegation);
    event RewardsClaimed(address indexed nodeOwner, uint256 total, uint256 toOwner, uint256 toDelegators);
    event Slashed(address indexed nodeOwner, uint256 amount, uint256 fromOwner, uint256 fromDelegators);
    event MinDelegationAmountSet(uint256 amount);
    event MaxDelegatorsSet(uint256 count);
    event UndelegateLockupDurationSet(uint256 duration);

    error ZeroAmount();
    error NoNodes(address nodeOwner);
    error SelfDelegation();
    error BelowMinDelegation(uint256 delegation, uint256 minimum);
    error TooManyDelegators(address nodeOwner, uint256 maximum);
    error PendingRequestExists();
    error NoPendingRequest();
    error LockupNotExpired(uint256 lockupExpiryBlock);
    error RequestExpired(uint256 lastBlock);
    error UndelegateTooLarge(uint256 requested, uint256 delegated);
    error InvalidParameter();

    constructor(
        address staking_,
        address nodeRegistry_,
        address governance_,
        uint256 minDelegationAmount_,
        uint256 maxDelegators_,
        uint256 undelegateLockupDuration_
    ) Governed(governance_) {
        if (staking_ == address(0) || nodeRegistry_ == address(0)) revert ZeroAddress();
        if (minDelegationAmount_ == 0) revert InvalidParameter();
        if (maxDelegators_ == 0 || maxDelegators_ > MAX_DELEGATORS_CEILING) revert InvalidParameter();
        staking = Staking(staking_);
        nodeRegistry = NodeRegistry(nodeRegistry_);
        minDelegationAmount = minDelegationAmount_;
        maxDelegators = maxDelegators_;
        undelegateLockupDuration = undelegateLockupDuration_;
    }

    /// @notice Wires the ClaimsManager. Once.
    function initialize(address claimsManager_) external initializer {
        if (claimsManager_ == address(0)) revert ZeroAddress();
        claimsManager = claimsManager_;
    }

    // ---------------------------------------------------------------- delegation

    /// @notice Delegates `amount` of the caller's DGCO (approved to Staking) to `nodeOwner`.
    function delegateStake(address nodeOwner, uint256 amount) external whenInitialized {
        if (amount == 0) revert ZeroAmount();
        if (nodeOwner == msg.sender) revert SelfDelegation();
        if (nodeRegistry.nodeCountOf(nodeOwner) == 0) revert NoNodes(nodeOwner);
        uint256 delegation = _delegated[nodeOwner][msg.sender] + amount;
        if (delegation < minDelegationAmount) revert BelowMinDelegation(delegation, minDelegationAmount);
        if (_delegatorPosition[nodeOwner][msg.sender] == 0) {
            if (_delegators[nodeOwner].length >= maxDelegators) revert TooManyDelegators(nodeOwner, maxDelegators);
            _delegators[nodeOwner].push(msg.sender);
            _delegatorPosition[nodeOwner][msg.sender] = _delegators[nodeOwner].length;
        }
        _setDelegation(nodeOwner, msg.sender, delegation);
        _totalDelegated[nodeOwner] += amount;
        staking.stake(msg.sender, nodeOwner, amount, msg.sender);
        _requireOwnerWithinMax(nodeOwner);
        emit DelegationIncreased(msg.sender, nodeOwner, amount, delegation);
    }

    /// @notice Asks to take back `amount` from `nodeOwner` after the lockup. One request at a time.
    /// A request that would leave less than the minimum delegation is accepted: it will withdraw
    /// the whole delegation (see undelegateStake).
    function requestUndelegateStake(address nodeOwner, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (_pendingUndelegate[msg.sender].amount != 0) revert PendingRequestExists();
        uint256 delegation = _delegated[nodeOwner][msg.sender];
        if (amount > delegation) revert UndelegateTooLarge(amount, delegation);
        uint256 expiry = block.number + undelegateLockupDuration;
        _pendingUndelegate[msg.sender] = PendingUndelegate(nodeOwner, amount, expiry);
        emit UndelegateRequested(msg.sender, nodeOwner, amount, expiry);
    }

    function cancelUndelegateStakeRequest() external {
        PendingUndelegate memory pending = _pendingUndelegate[msg.sender];
        if (pending.amount == 0) revert NoPendingRequest();
        delete _pendingUndelegate[msg.sender];
        emit UndelegateCancelled(msg.sender, pending.nodeOwner, pending.amount);
    }

    /// @notice Completes a requested undelegation once its lockup has passed, within
    /// REQUEST_EXECUTION_WINDOW blocks of its expiry. If what would stay is below the minimum
    /// delegation (rewards compounded or the minimum was raised during the lockup), the whole
    /// delegation is withdrawn instead, so that no dust is ever locked in.
    function undelegateStake() external {
        PendingUndelegate memory pending = _pendingUndelegate[msg.sender];
        if (pending.amount == 0) revert NoPendingRequest();
        if (block.number < pending.lockupExpiryBlock) revert LockupNotExpired(pending.lockupExpiryBlock);
        uint256 lastBlock = pending.lockupExpiryBlock + REQUEST_EXECUTION_WINDOW;
        if (block.number > lastBlock) revert RequestExpired(lastBlock);
        delete _pendingUndelegate[msg.sender];
        address nodeOwner = pending.nodeOwner;
        uint256 delegation = _delegated[nodeOwner][msg.sender];
        // A slash during the lockup may have left less than was requested.
        uint256 amount = pending.amount < delegation ? pending.amount : delegation;
        if (amount == 0) revert ZeroAmount();
        if (delegation - amount < minDelegationAmount) amount = delegation;
        uint256 remaining = delegation - amount;
        _setDelegation(nodeOwner, msg.sender, remaining);
        _totalDelegated[nodeOwner] -= amount;
        if (remaining == 0) _removeDelegator(nodeOwner, msg.sender);
        staking.unstake(msg.sender, nodeOwner, amount, msg.sender);
        emit DelegationDecreased(msg.sender, nodeOwner, amount, remaining);
    }

    // ---------------------------------------------------------------- rewards and slashing

    /// @notice Claims `nodeOwner`'s reward for the current round and stakes it: each delegator
    /// gets their pro-rata share less the deployer cut, and the owner gets the rest.
    /// Anyone may trigger it; the rewards only ever go to the stakers.
    /// @dev Shares are taken on the stakes at the round's snapshot (the block before it started),
    /// the stakes the reward was computed on: a delegation made since earns nothing in this round
    /// and dilutes no one. A delegator who has withdrawn all since leaves their share to the owner.
    function claimRewards(address nodeOwner) external whenInitialized returns (uint256 total) {
        ClaimsManager claims = ClaimsManager(claimsManager);
        total = claims.processClaim(nodeOwner);
        if (total == 0) {
            emit RewardsClaimed(nodeOwner, 0, 0, 0);
            return 0;
        }
        uint48 snapshot = SafeCast.toUint48(claims.currentRound().startBlock - 1);
        // Not zero: the reward is pro rata to it.
        uint256 activeStake = staking.nodeStakeOfAt(nodeOwner, snapshot);
        uint256 cut = nodeRegistry.deployerCutOf(nodeOwner);
        uint256 cutBase = nodeRegistry.MAX_DEPLOYER_CUT();
        uint256 toDelegators;
        address[] storage delegators = _delegators[nodeOwner];
        for (uint256 i = 0; i < delegators.length; i++) {
            address delegator = delegators[i];
            uint256 share = (total * _delegationHistory[nodeOwner][delegator].upperLookupRecent(snapshot)) / activeStake;
            uint256 net = share - (share * cut) / cutBase;
            if (net == 0) continue;
            _setDelegation(nodeOwner, delegator, _delegated[nodeOwner][delegator] + net);
            toDelegators += net;
            staking.stakeRewards(delegator, nodeOwner, net);
        }
        _totalDelegated[nodeOwner] += toDelegators;
        // The owner's share, the cuts and any rounding dust: nothing minted is left unallocated.
        uint256 toOwner = total - toDelegators;
        if (toOwner > 0) {
            staking.stakeRewards(nodeOwner, nodeOwner, toOwner);
            nodeRegistry.addDeployerRewards(nodeOwner, toOwner);
        }
        emit RewardsClaimed(nodeOwner, total, toOwner, toDelegators);
    }

    /// @notice Burns `amount` of the stake on `nodeOwner`, from the owner and delegators pro
    /// rata. Governance only. If less is staked than `amount` (stake may have left between the
    /// proposal and its execution), everything left is burned, so a passed slash never fails.
    function slash(uint256 amount, address nodeOwner) external onlyGovernance {
        if (amount == 0) revert ZeroAmount();
        uint256 ownerStake = nodeRegistry.deployerStakeOf(nodeOwner);
        uint256 total = ownerStake + _totalDelegated[nodeOwner];
        if (amount > total) amount = total;
        if (amount == 0) {
            emit Slashed(nodeOwner, 0, 0, 0);
            return;
        }
        uint256 fromDelegators;
        address[] storage delegators = _delegators[nodeOwner];
        // Backwards, so that removing a delegator (which moves the last one into its place)
        // skips no one.
        for (uint256 i = delegators.length; i > 0; i--) {
            address delegator = delegators[i - 1];
            uint256 delegation = _delegated[nodeOwner][delegator];
            uint256 part = (amount * delegation) / total;
            if (part == 0) continue;
            _setDelegation(nodeOwner, delegator, delegation - part);
            fromDelegators += part;
            // A delegation slashed to nothing no longer holds one of the owner's delegator slots.
            if (part == delegation) _removeDelegator(nodeOwner, delegator);
            staking.slash(delegator, nodeOwner, part);
        }
        _totalDelegated[nodeOwner] -= fromDelegators;
        uint256 fromOwner = amount - fromDelegators;
        // Rounding down each delegator's part can ask the owner for up to one wei per delegator
        // more than their own stake; cap at what they have.
        if (fromOwner > ownerStake) fromOwner = ownerStake;
        if (fromOwner > 0) {
            staking.slash(nodeOwner, nodeOwner, fromOwner);
            nodeRegistry.applySlash(nodeOwner, fromOwner);
        }
        emit Slashed(nodeOwner, fromOwner + fromDelegators, fromOwner, fromDelegators);
    }

    // ---------------------------------------------------------------- parameters

    function setMinDelegationAmount(uint256 amount) external onlyGovernance {
        if (amount == 0) revert InvalidParameter();
        minDelegationAmount = amount;
        emit MinDelegationAmountSet(amount);
    }

    /// @notice At least one and at most MAX_DELEGATORS_CEILING; owners already above a lowered
    /// limit keep their delegators but take no new ones.
    function setMaxDelegators(uint256 count) external onlyGovernance {
        if (count == 0 || count > MAX_DELEGATORS_CEILING) revert InvalidParameter();
        maxDelegators = count;
        emit MaxDelegatorsSet(count);
    }

    function setUndelegateLockupDuration(uint256 duration) external onlyGovernance {
        undelegateLockupDuration = duration;
        emit UndelegateLockupDurationSet(duration);
    }

    // ---------------------------------------------------------------- views

    function delegationOf(address delegator, address nodeOwner) external view returns (uint256) {
        return _delegated[nodeOwner][delegator];
    }

    function totalDelegatedTo(address nodeOwner) external view returns (uint256) {
        return _totalDelegated[nodeOwner];
    }

    function getDelegators(address nodeOwner) external view returns (address[] memory) {
        return _delegators[nodeOwner];
    }

    function getPendingUndelegate(address delegator) external view returns (PendingUndelegate memory) {
        return _pendingUndelegate[delegator];
    }

    // ---------------------------------------------------------------- internals

    function _setDelegation(address nodeOwner, address delegator, uint256 amount) private {
        _delegated[nodeOwner][delegator] = amount;
        _delegationHistory[nodeOwner][delegator].push(SafeCast.toUint48(block.number), SafeCast.toUint208(amount));
    }

    function _requireOwnerWithinMax(address nodeOwner) private view {
        NodeRegistry.OwnerInfo memory info = nodeRegistry.getOwnerInfo(nodeOwner);
        uint256 total = info.deployerStake + _totalDelegated[nodeOwner];
        if (total > info.maxAccountStake) {
            revert NodeRegistry.StakeOutOfBounds(info.deployerStake, total, info.minAccountStake, info.maxAccountStake);
        }
    }

    function _removeDelegator(address nodeOwner, address delegator) private {
        address[] storage delegators = _delegators[nodeOwner];
        uint256 position = _delegatorPosition[nodeOwner][delegator];
        address last = delegators[delegators.length - 1];
        delegators[position - 1] = last;
        _delegatorPosition[nodeOwner][last] = position;
        delegators.pop();
        delete _delegatorPosition[nodeOwner][delegator];
    }
}
