// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Governed, InitializableOnce, ZeroAddress} from "./Governed.sol";
import {ServiceTypeManager} from "./ServiceTypeManager.sol";
import {Staking} from "./Staking.sol";

interface IDelegatedStake {
    function totalDelegatedTo(address nodeOwner) external view returns (uint256);
}

/// @title The registry of Coliving nodes (Audius's ServiceProviderFactory)
/// @notice An owner registers nodes (an endpoint, a service type and a delegate wallet that signs
/// for the node) by staking DGCO. The owner's own stake must be at least the sum of the minimum
/// stakes of their nodes, and their own plus delegated stake at most the sum of the maximums, when
/// stake is added; a decrease need only keep the minimum, and rewards may carry an owner over the
/// maximum (the stake above it earns nothing). Discovery nodes index the events to know every
/// live node.
contract NodeRegistry is Governed, InitializableOnce {
    /// @notice The deployer cut is in basis points of the rewards earned by delegated stake.
    uint256 public constant MAX_DEPLOYER_CUT = 10_000;
    /// @notice Blocks after a request's lockup expiry in which it may still be executed (about a
    /// day); after that it must be cancelled and requested again, with a new lockup.
    uint256 public constant REQUEST_EXECUTION_WINDOW = 6_646;

    struct Node {
        address owner;
        bytes32 serviceType;
        string endpoint;
        address delegateWallet;
    }

    struct OwnerInfo {
        uint256 deployerStake;
        uint256 deployerCut;
        uint256 numberOfNodes;
        uint256 minAccountStake;
        uint256 maxAccountStake;
    }

    struct PendingDecrease {
        uint256 amount;
        uint256 lockupExpiryBlock;
    }

    struct PendingCut {
        uint256 newCut;
        uint256 lockupExpiryBlock;
    }

    Staking public immutable staking;
    ServiceTypeManager public immutable serviceTypeManager;
    address public delegateManager;

    uint256 public decreaseStakeLockupDuration;
    uint256 public deployerCutLockupDuration;

    uint256 public lastNodeId;
    mapping(uint256 => Node) private _nodes;
    mapping(bytes32 => uint256) private _idByEndpoint;
    mapping(bytes32 => uint256[]) private _idsByType;
    mapping(uint256 => uint256) private _indexInType;
    mapping(address => uint256) private _deployerStake;
    mapping(address => uint256) private _deployerCut;
    mapping(address => mapping(bytes32 => uint256)) private _nodeCountByType;
    mapping(address => uint256) private _nodeCount;
    mapping(address => PendingDecrease) private _pendingDecrease;
    mapping(address => PendingCut) private _pendingCut;

    event NodeRegistered(
        uint256 indexed nodeId,
        bytes32 indexed serviceType,
        address indexed owner,
        string endpoint,
        address delegateWallet,
        uint256 stake
    );
    event NodeDeregistered(uint256 indexed nodeId, bytes32 indexed serviceType, address indexed owner, string endpoint);
    event StakeIncreased(address indexed owner, uint256 amount, uint256 newDeployerStake);
    event DecreaseStakeRequested(address indexed owner, uint256 amount, uint256 lockupExpiryBlock);
    event DecreaseStakeCancelled(address indexed owner, uint256 amount);
    event StakeDecreased(address indexed owner, uint256 amount, uint256 newDeployerStake);
    event EndpointUpdated(uint256 indexed nodeId, bytes32 indexed serviceType, address indexed owner, string oldEndpoint, string newEndpoint);
    event DelegateWalletUpdated(uint256 indexed nodeId, address indexed owner, address oldWallet, address newWallet);
    event DeployerCutUpdateRequested(address indexed owner, uint256 newCut, uint256 lockupExpiryBlock);
    event DeployerCutUpdateCancelled(address indexed owner, uint256 newCut);
    event DeployerCutUpdated(address indexed owner, uint256 oldCut, uint256 newCut);
    event DeployerStakeChanged(address indexed owner, int256 delta, uint256 newDeployerStake);
    event DecreaseStakeLockupDurationSet(uint256 duration);
    event DeployerCutLockupDurationSet(uint256 duration);

    error UnknownServiceType(bytes32 serviceType);
    error EmptyEndpoint();
    error EndpointTooLong();
    error EndpointTaken(string endpoint);
    error NodeNotFound(uint256 nodeId);
    error NotNodeOwner(address caller);
    error StakeOutOfBounds(uint256 deployerStake, uint256 totalStake, uint256 minAccountStake, uint256 maxAccountStake);
    error NoNodes(address owner);
    error ZeroAmount();
    error PendingRequestExists();
    error NoPendingRequest();
    error LockupNotExpired(uint256 lockupExpiryBlock);
    error RequestExpired(uint256 lastBlock);
    error DecreaseTooLarge(uint256 requested, uint256 deployerStake);
    error InvalidCut(uint256 cut);
    error NotDelegateManager(address caller);

    constructor(
        address staking_,
        address serviceTypeManager_,
        address governance_,
        uint256 decreaseStakeLockupDuration_,
        uint256 deployerCutLockupDuration_
    ) Governed(governance_) {
        if (staking_ == address(0) || serviceTypeManager_ == address(0)) revert ZeroAddress();
        staking = Staking(staking_);
        serviceTypeManager = ServiceTypeManager(serviceTypeManager_);
        decreaseStakeLockupDuration = decreaseStakeLockupDuration_;
        deployerCutLockupDuration = deployerCutLockupDuration_;
    }

    /// @notice Wires the DelegateManager. Once.
    function initialize(address delegateManager_) external initializer {
        if (delegateManager_ == address(0)) revert ZeroAddress();
        delegateManager = delegateManager_;
    }

    modifier onlyDelegateManager() {
        if (msg.sender != delegateManager) revert NotDelegateManager(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- nodes

    /// @notice Registers a node and stakes `stake` (pulled from the caller, who must have
    /// approved the Staking contract). Returns the node id.
    function register(bytes32 serviceType, string calldata endpoint, uint256 stake, address delegateWallet)
        external
        whenInitialized
        returns (uint256 nodeId)
    {
        if (!serviceTypeManager.isValidServiceType(serviceType)) revert UnknownServiceType(serviceType);
        if (delegateWallet == address(0)) revert ZeroAddress();
        bytes32 key = _endpointKey(endpoint);
        if (_idByEndpoint[key] != 0) revert EndpointTaken(endpoint);

        nodeId = ++lastNodeId;
        _nodes[nodeId] = Node(msg.sender, serviceType, endpoint, delegateWallet);
        _idByEndpoint[key] = nodeId;
        _indexInType[nodeId] = _idsByType[serviceType].length;
        _idsByType[serviceType].push(nodeId);
        _nodeCountByType[msg.sender][serviceType] += 1;
        _nodeCount[msg.sender] += 1;

        if (stake > 0) {
            _deployerStake[msg.sender] += stake;
            staking.stake(msg.sender, msg.sender, stake, msg.sender);
        }
        _requireWithinBounds(msg.sender);
        emit NodeRegistered(nodeId, serviceType, msg.sender, endpoint, delegateWallet, stake);
    }

    /// @notice Removes one of the caller's nodes. Stake stays staked; withdraw it with a
    /// decrease request. No bound is checked: an owner left above the maximum of the nodes that
    /// remain earns nothing on the excess and may decrease it.
    function deregister(uint256 nodeId) external {
        Node memory node = _ownedNode(nodeId);
        delete _idByEndpoint[_endpointKey(node.endpoint)];
        uint256[] storage ids = _idsByType[node.serviceType];
        uint256 index = _indexInType[nodeId];
        uint256 lastId = ids[ids.length - 1];
        ids[index] = lastId;
        _indexInType[lastId] = index;
        ids.pop();
        delete _indexInType[nodeId];
        delete _nodes[nodeId];
        _nodeCountByType[msg.sender][node.serviceType] -= 1;
        _nodeCount[msg.sender] -= 1;
        emit NodeDeregistered(nodeId, node.serviceType, msg.sender, node.endpoint);
    }

    /// @notice Moves a node to a new endpoint (which must be free).
    function updateEndpoint(uint256 nodeId, string calldata newEndpoint) external {
        Node memory node = _ownedNode(nodeId);
        bytes32 newKey = _endpointKey(newEndpoint);
        if (_idByEndpoint[newKey] != 0) revert EndpointTaken(newEndpoint);
        delete _idByEndpoint[_endpointKey(node.endpoint)];
        _idByEndpoint[newKey] = nodeId;
        _nodes[nodeId].endpoint = newEndpoint;
        emit EndpointUpdated(nodeId, node.serviceType, msg.sender, node.endpoint, newEndpoint);
    }

    /// @notice Changes the wallet that signs for a node.
    function updateDelegateWallet(uint256 nodeId, address newWallet) external {
        Node memory node = _ownedNode(nodeId);
        if (newWallet == address(0)) revert ZeroAddress();
        _nodes[nodeId].delegateWallet = newWallet;
        emit DelegateWalletUpdated(nodeId, msg.sender, node.delegateWallet, newWallet);
    }

    // ---------------------------------------------------------------- stake

    /// @notice Stakes more of the owner's own DGCO.
    function increaseStake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (_nodeCount[msg.sender] == 0) revert NoNodes(msg.sender);
        _deployerStake[msg.sender] += amount;
        staking.stake(msg.sender, msg.sender, amount, msg.sender);
        _requireWithinBounds(msg.sender);
        emit StakeIncreased(msg.sender, amount, _deployerStake[msg.sender]);
    }

    /// @notice Asks to withdraw `amount` of own stake after the lockup. What stays must cover the
    /// minimum of the owner's nodes; the maximum is not checked (a decrease only helps it).
    function requestDecreaseStake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (_pendingDecrease[msg.sender].amount != 0) revert PendingRequestExists();
        uint256 deployerStake = _deployerStake[msg.sender];
        if (amount > deployerStake) revert DecreaseTooLarge(amount, deployerStake);
        _requireMinStakeAfter(msg.sender, deployerStake - amount);
        uint256 expiry = block.number + decreaseStakeLockupDuration;
        _pendingDecrease[msg.sender] = PendingDecrease(amount, expiry);
        emit DecreaseStakeRequested(msg.sender, amount, expiry);
    }

    function cancelDecreaseStakeRequest() external {
        PendingDecrease memory pending = _pendingDecrease[msg.sender];
        if (pending.amount == 0) revert NoPendingRequest();
        delete _pendingDecrease[msg.sender];
        emit DecreaseStakeCancelled(msg.sender, pending.amount);
    }

    /// @notice Withdraws a requested decrease once its lockup has passed, within
    /// REQUEST_EXECUTION_WINDOW blocks of its expiry. What stays must still cover the minimum.
    function decreaseStake() external {
        PendingDecrease memory pending = _pendingDecrease[msg.sender];
        if (pending.amount == 0) revert NoPendingRequest();
        _requireExecutable(pending.lockupExpiryBlock);
        uint256 deployerStake = _deployerStake[msg.sender];
        // A slash during the lockup may have left less than was requested.
        uint256 amount = pending.amount < deployerStake ? pending.amount : deployerStake;
        delete _pendingDecrease[msg.sender];
        if (amount == 0) revert ZeroAmount();
        _requireMinStakeAfter(msg.sender, deployerStake - amount);
        _deployerStake[msg.sender] = deployerStake - amount;
        staking.unstake(msg.sender, msg.sender, amount, msg.sender);
        emit StakeDecreased(msg.sender, amount, deployerStake - amount);
    }

    // ---------------------------------------------------------------- deployer cut

    /// @notice Asks to change the cut the owner takes of delegators' rewards, after a lockup.
    function requestUpdateDeployerCut(uint256 newCut) external {
        if (newCut > MAX_DEPLOYER_CUT) revert InvalidCut(newCut);
        if (_nodeCount[msg.sender] == 0) revert NoNodes(msg.sender);
        if (_pendingCut[msg.sender].lockupExpiryBlock != 0) revert PendingRequestExists();
        uint256 expiry = block.number + deployerCutLockupDuration;
        _pendingCut[msg.sender] = PendingCut(newCut, expiry);
        emit DeployerCutUpdateRequested(msg.sender, newCut, expiry);
    }

    function cancelUpdateDeployerCut() external {
        PendingCut memory pending = _pendingCut[msg.sender];
        if (pending.lockupExpiryBlock == 0) revert NoPendingRequest();
        delete _pendingCut[msg.sender];
        emit DeployerCutUpdateCancelled(msg.sender, pending.newCut);
    }

    /// @notice Applies a requested cut once its lockup has passed, within REQUEST_EXECUTION_WINDOW
    /// blocks of its expiry.
    function updateDeployerCut() external {
        PendingCut memory pending = _pendingCut[msg.sender];
        if (pending.lockupExpiryBlock == 0) revert NoPendingRequest();
        _requireExecutable(pending.lockupExpiryBlock);
        uint256 oldCut = _deployerCut[msg.sender];
        _deployerCut[msg.sender] = pending.newCut;
        delete _pendingCut[msg.sender];
        emit DeployerCutUpdated(msg.sender, oldCut, pending.newCut);
    }

    // ---------------------------------------------------------------- delegate manager hooks

    /// @notice Adds rewards (already staked by the DelegateManager) to the owner's own stake.
    function addDeployerRewards(address owner, uint256 amount) external onlyDelegateManager {
        _deployerStake[owner] += amount;
        emit DeployerStakeChanged(owner, int256(amount), _deployerStake[owner]);
    }

    /// @notice Removes slashed stake (already burned by the DelegateManager) from the owner's stake.
    function applySlash(address owner, uint256 amount) external onlyDelegateManager {
        _deployerStake[owner] -= amount;
        emit DeployerStakeChanged(owner, -int256(amount), _deployerStake[owner]);
    }

    // ---------------------------------------------------------------- parameters

    function setDecreaseStakeLockupDuration(uint256 duration) external onlyGovernance {
        decreaseStakeLockupDuration = duration;
        emit DecreaseStakeLockupDurationSet(duration);
    }

    function setDeployerCutLockupDuration(uint256 duration) external onlyGovernance {
        deployerCutLockupDuration = duration;
        emit DeployerCutLockupDurationSet(duration);
    }

    // ---------------------------------------------------------------- views

    function getNode(uint256 nodeId) external view returns (Node memory) {
        Node memory node = _nodes[nodeId];
        if (node.owner == address(0)) revert NodeNotFound(nodeId);
        return node;
    }

    function getNodeIdByEndpoint(string calldata endpoint) external view returns (uint256) {
        return _idByEndpoint[_endpointKey(endpoint)];
    }

    function getNodeIdsByType(bytes32 serviceType) external view returns (uint256[] memory) {
        return _idsByType[serviceType];
    }

    /// @notice Every registered node of a type, with its id.
    function getNodesByType(bytes32 serviceType) external view returns (uint256[] memory ids, Node[] memory nodes) {
        ids = _idsByType[serviceType];
        nodes = new Node[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            nodes[i] = _nodes[ids[i]];
        }
    }

    function getOwnerInfo(address owner) public view returns (OwnerInfo memory info) {
        (uint256 minStake, uint256 maxStake) = _bounds(owner);
        info = OwnerInfo(_deployerStake[owner], _deployerCut[owner], _nodeCount[owner], minStake, maxStake);
    }

    function getPendingDecrease(address owner) external view returns (PendingDecrease memory) {
        return _pendingDecrease[owner];
    }

    function getPendingDeployerCut(address owner) external view returns (PendingCut memory) {
        return _pendingCut[owner];
    }

    function deployerStakeOf(address owner) external view returns (uint256) {
        return _deployerStake[owner];
    }

    function deployerCutOf(address owner) external view returns (uint256) {
        return _deployerCut[owner];
    }

    function nodeCountOf(address owner) external view returns (uint256) {
        return _nodeCount[owner];
    }

    /// @notice True when the owner has nodes, own stake at least their minimum and own plus
    /// delegated stake at most their maximum.
    function isWithinBounds(address owner) public view returns (bool) {
        if (_nodeCount[owner] == 0) return false;
        return _withinBounds(owner, _deployerStake[owner]);
    }

    /// @notice True when the owner has nodes and own stake at least their minimum: only then do
    /// they and their delegators earn rewards (on stake up to their maximum).
    function isEligibleForRewards(address owner) external view returns (bool) {
        if (_nodeCount[owner] == 0) return false;
        (uint256 minStake, ) = _bounds(owner);
        return _deployerStake[owner] >= minStake;
    }

    /// @notice The stake bounds of an owner: the sums over their nodes of their types' bounds,
    /// with the bounds governance has set now.
    function boundsOf(address owner) external view returns (uint256 minStake, uint256 maxStake) {
        return _bounds(owner);
    }

    // ---------------------------------------------------------------- internals

    function _bounds(address owner) private view returns (uint256 minStake, uint256 maxStake) {
        bytes32[] memory types = serviceTypeManager.getServiceTypes();
        for (uint256 i = 0; i < types.length; i++) {
            uint256 count = _nodeCountByType[owner][types[i]];
            if (count == 0) continue;
            ServiceTypeManager.ServiceTypeInfo memory info = serviceTypeManager.getServiceTypeInfo(types[i]);
            minStake += count * info.minStake;
            maxStake += count * info.maxStake;
        }
    }

    function _withinBounds(address owner, uint256 deployerStake) private view returns (bool) {
        (uint256 minStake, uint256 maxStake) = _bounds(owner);
        uint256 total = deployerStake + _delegatedTo(owner);
        return deployerStake >= minStake && total <= maxStake;
    }

    /// @dev For stake being added (register, increaseStake), when the owner has nodes.
    function _requireWithinBounds(address owner) private view {
        uint256 deployerStake = _deployerStake[owner];
        if (!_withinBounds(owner, deployerStake)) _revertOutOfBounds(owner, deployerStake);
    }

    /// @dev For own stake being withdrawn: only the minimum applies, since a decrease can only
    /// bring an owner back under the maximum.
    function _requireMinStakeAfter(address owner, uint256 deployerStake) private view {
        // With no nodes left there are no bounds to keep: the owner is winding down.
        if (_nodeCount[owner] == 0) return;
        (uint256 minStake, ) = _bounds(owner);
        if (deployerStake < minStake) _revertOutOfBounds(owner, deployerStake);
    }

    function _revertOutOfBounds(address owner, uint256 deployerStake) private view {
        (uint256 minStake, uint256 maxStake) = _bounds(owner);
        revert StakeOutOfBounds(deployerStake, deployerStake + _delegatedTo(owner), minStake, maxStake);
    }

    /// @dev A matured request may be executed from its expiry block to REQUEST_EXECUTION_WINDOW
    /// blocks after it, inclusive, so that it is never a standing option to exit at will.
    function _requireExecutable(uint256 lockupExpiryBlock) private view {
        if (block.number < lockupExpiryBlock) revert LockupNotExpired(lockupExpiryBlock);
        uint256 lastBlock = lockupExpiryBlock + REQUEST_EXECUTION_WINDOW;
        if (block.number > lastBlock) revert RequestExpired(lastBlock);
    }

    function _delegatedTo(address owner) private view returns (uint256) {
        return IDelegatedStake(delegateManager).totalDelegatedTo(owner);
    }

    function _ownedNode(uint256 nodeId) private view returns (Node memory node) {
        node = _nodes[nodeId];
        if (node.owner == address(0)) revert NodeNotFound(nodeId);
        if (node.owner != msg.sender) revert NotNodeOwner(msg.sender);
    }

    function _endpointKey(string memory endpoint) private pure returns (bytes32) {
        uint256 length = bytes(endpoint).length;
        if (length == 0) revert EmptyEndpoint();
        if (length > 256) revert EndpointTooLong();
        return keccak256(bytes(endpoint));
    }
}
