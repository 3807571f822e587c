// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Governed} from "./Governed.sol";

/// @title The kinds of node that can join Coliving, with their stake bounds and current version
contract ServiceTypeManager is Governed {
    bytes32 public constant CONTENT_NODE = "content-node";
    bytes32 public constant DISCOVERY_NODE = "discovery-node";

    struct ServiceTypeInfo {
        uint256 minStake;
        uint256 maxStake;
        bool isValid;
    }

    bytes32[] private _serviceTypes;
    mapping(bytes32 => ServiceTypeInfo) private _info;
    mapping(bytes32 => string) private _currentVersion;

    event ServiceTypeAdded(bytes32 indexed serviceType, uint256 minStake, uint256 maxStake);
    event ServiceTypeBoundsSet(bytes32 indexed serviceType, uint256 minStake, uint256 maxStake);
    event ServiceTypeVersionSet(bytes32 indexed serviceType, string version);

    error InvalidBounds(uint256 minStake, uint256 maxStake);
    error UnknownServiceType(bytes32 serviceType);
    error ServiceTypeExists(bytes32 serviceType);
    error EmptyVersion();

    constructor(address governance_) Governed(governance_) {
        _add(CONTENT_NODE, 200_000 ether, 3_000_000 ether);
        _add(DISCOVERY_NODE, 200_000 ether, 2_000_000 ether);
    }

    /// @notice Adds a new kind of node. Governance only.
    function addServiceType(bytes32 serviceType, uint256 minStake, uint256 maxStake) external onlyGovernance {
        _add(serviceType, minStake, maxStake);
    }

    /// @notice Changes the stake bounds of a kind of node. Governance only.
    function setServiceTypeBounds(bytes32 serviceType, uint256 minStake, uint256 maxStake) external onlyGovernance {
        if (!_info[serviceType].isValid) revert UnknownServiceType(serviceType);
        if (minStake == 0 || minStake > maxStake) revert InvalidBounds(minStake, maxStake);
        _info[serviceType].minStake = minStake;
        _info[serviceType].maxStake = maxStake;
        emit ServiceTypeBoundsSet(serviceType, minStake, maxStake);
    }

    /// @notice Sets the version nodes of a kind should run. Governance only.
    function setVersion(bytes32 serviceType, string calldata version) external onlyGovernance {
        if (!_info[serviceType].isValid) revert UnknownServiceType(serviceType);
        if (bytes(version).length == 0) revert EmptyVersion();
        _currentVersion[serviceType] = version;
        emit ServiceTypeVersionSet(serviceType, version);
    }

    function getServiceTypeInfo(bytes32 serviceType) external view returns (ServiceTypeInfo memory) {
        return _info[serviceType];
    }

    function isValidServiceType(bytes32 serviceType) external view returns (bool) {
        return _info[serviceType].isValid;
    }

    function getServiceTypes() external view returns (bytes32[] memory) {
        return _serviceTypes;
    }

    function getCurrentVersion(bytes32 serviceType) external view returns (string memory) {
        return _currentVersion[serviceType];
    }

    function _add(bytes32 serviceType, uint256 minStake, uint256 maxStake) private {
        if (_info[serviceType].isValid) revert ServiceTypeExists(serviceType);
        if (minStake == 0 || minStake > maxStake) revert InvalidBounds(minStake, maxStake);
        _serviceTypes.push(serviceType);
        _info[serviceType] = ServiceTypeInfo(minStake, maxStake, true);
        emit ServiceTypeAdded(serviceType, minStake, maxStake);
    }
}
