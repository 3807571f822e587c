// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice A required address was the zero address.
error ZeroAddress();

/// @notice Parameters of a contract that inherits this can only be changed by Governance.
abstract contract Governed {
    /// @notice The Governance contract: the only caller of `onlyGovernance` functions.
    address public immutable governance;

    error NotGovernance(address caller);

    modifier onlyGovernance() {
        if (msg.sender != governance) revert NotGovernance(msg.sender);
        _;
    }

    constructor(address governance_) {
        if (governance_ == address(0)) revert ZeroAddress();
        governance = governance_;
    }
}

/// @notice A one-time initialization step for wiring contracts that reference each other.
/// Only the deployer may call it, and only once: a second call reverts, whoever makes it.
/// (The July 2022 Audius exploit re-initialized a governance proxy; there are no proxies here,
/// and the `initialized` flag is set before any state is written.)
abstract contract InitializableOnce {
    address private immutable _initializer;
    bool public initialized;

    error AlreadyInitialized();
    error NotInitializer(address caller);
    error NotInitialized();

    constructor() {
        _initializer = msg.sender;
    }

    modifier initializer() {
        if (initialized) revert AlreadyInitialized();
        if (msg.sender != _initializer) revert NotInitializer(msg.sender);
        initialized = true;
        _;
    }

    modifier whenInitialized() {
        if (!initialized) revert NotInitialized();
        _;
    }
}
