// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Purchases and tips, straight from resident to landlord
/// @notice Splits a payment among recipients by basis points (summing to 10,000) and records
/// what it paid for in `ref` (for example `track:123`), which discovery nodes index to grant
/// access. Holds nothing: tokens move directly from the payer to each recipient.
contract PaymentRouter {
    using SafeERC20 for IERC20;

    uint256 public constant TOTAL_BASIS_POINTS = 10_000;
    uint256 public constant MAX_RECIPIENTS = 20;
    uint256 public constant MAX_REF_LENGTH = 128;

    event Payment(
        address indexed payer,
        address indexed token,
        uint256 amount,
        address[] recipients,
        uint16[] basisPoints,
        string ref
    );

    error ZeroAmount();
    error NoRecipients();
    error TooManyRecipients(uint256 count);
    error LengthMismatch(uint256 recipients, uint256 basisPoints);
    error ZeroRecipient();
    error ZeroSplit();
    error SplitsDoNotSumTo10000(uint256 sum);
    error RefTooLong(uint256 length);

    /// @notice Pays `amount` of `token` from the caller (who approved this contract) to the
    /// recipients by basis points. The last recipient also gets the rounding remainder.
    function pay(
        IERC20 token,
        uint256 amount,
        address[] calldata recipients,
        uint16[] calldata basisPoints,
        string calldata ref
    ) public {
        if (amount == 0) revert ZeroAmount();
        uint256 count = recipients.length;
        if (count == 0) revert NoRecipients();
        if (count > MAX_RECIPIENTS) revert TooManyRecipients(count);
        if (basisPoints.length != count) revert LengthMismatch(count, basisPoints.length);
        if (bytes(ref).length > MAX_REF_LENGTH) revert RefTooLong(bytes(ref).length);
        uint256 sum;
        for (uint256 i = 0; i < count; i++) {
            if (recipients[i] == address(0)) revert ZeroRecipient();
            if (basisPoints[i] == 0) revert ZeroSplit();
            sum += basisPoints[i];
        }
        if (sum != TOTAL_BASIS_POINTS) revert SplitsDoNotSumTo10000(sum);

        uint256 paid;
        for (uint256 i = 0; i < count - 1; i++) {
            uint256 share = (amount * basisPoints[i]) / TOTAL_BASIS_POINTS;
            paid += share;
            if (share > 0) token.safeTransferFrom(msg.sender, recipients[i], share);
        }
        token.safeTransferFrom(msg.sender, recipients[count - 1], amount - paid);
        emit Payment(msg.sender, address(token), amount, recipients, basisPoints, ref);
    }

    /// @notice `pay` with an EIP-2612 permit instead of a prior approval. A permit that was
    /// already used (for example front-run) is ignored; the payment then needs the allowance.
    function payWithPermit(
        IERC20 token,
        uint256 amount,
        address[] calldata recipients,
        uint16[] calldata basisPoints,
        string calldata ref,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        pay(token, amount, recipients, basisPoints, ref);
    }
}
