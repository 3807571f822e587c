// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Governed, InitializableOnce, ZeroAddress} from "./Governed.sol";

/// @title $DGCO, the Coliving token
/// @notice ERC-20 with permit and votes. The initial supply goes to a treasury; after that only
/// Governance mints, itself or through the minters set at deployment (the ClaimsManager, for
/// rewards). Governance can revoke a minter but never add one: a new minter would be a standing
/// mint right that no per-proposal cap could bound.
contract DgcoToken is ERC20, ERC20Burnable, ERC20Permit, ERC20Votes, Governed, InitializableOnce {
    uint256 public constant INITIAL_SUPPLY = 1_000_000_000 ether;

    mapping(address => bool) public isMinter;

    event MinterSet(address indexed minter, bool allowed);

    error NotMinter(address caller);

    constructor(address treasury, address governance_)
        ERC20("Coliving", "DGCO")
        ERC20Permit("Coliving")
        Governed(governance_)
    {
        if (treasury == address(0)) revert ZeroAddress();
        _mint(treasury, INITIAL_SUPPLY);
    }

    /// @notice Sets the minters that exist from the start (the ClaimsManager). Once.
    function initialize(address[] calldata minters) external initializer {
        for (uint256 i = 0; i < minters.length; i++) {
            _setMinter(minters[i], true);
        }
    }

    /// @notice Takes minting away from a minter for good. Governance only.
    function revokeMinter(address minter) external onlyGovernance {
        _setMinter(minter, false);
    }

    /// @notice Mints new DGCO. Governance and the minters it authorized only.
    function mint(address to, uint256 amount) external {
        if (msg.sender != governance && !isMinter[msg.sender]) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    function _setMinter(address minter, bool allowed) private {
        if (minter == address(0)) revert ZeroAddress();
        isMinter[minter] = allowed;
        emit MinterSet(minter, allowed);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
