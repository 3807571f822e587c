// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title Purchases and tips, straight from resident to landlord, without the resident's gas
/// @notice The payer signs an EIP-712 `Payment` authorization (token, amount, recipients and
/// their splits in basis points, a reference such as `track:123`, a nonce and a deadline);
/// anyone (a discovery node's relayer) submits it and pays the gas. Every signed field binds:
/// a submitter can change none of them, and each (payer, nonce) pays once. Tokens move straight
/// from the payer to each recipient; the contract holds nothing. Discovery nodes index the
/// `Payment` event to record tips and purchases.
contract PaymentRouter is EIP712 {
    using SafeERC20 for IERC20;

    uint256 public constant TOTAL_BASIS_POINTS = 10_000;
    uint256 public constant MAX_RECIPIENTS = 20;
    uint256 public constant MAX_REF_LENGTH = 128;

    bytes32 public constant PAYMENT_TYPEHASH = keccak256(
        "Payment(address payer,address token,uint256 amount,address[] recipients,uint16[] basisPoints,string ref,uint256 nonce,uint256 deadline)"
    );

    /// @notice What the payer signs. The last recipient also gets the rounding remainder.
    struct Authorization {
        address payer;
        address token;
        uint256 amount;
        address[] recipients;
        uint16[] basisPoints;
        string ref;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice An EIP-2612 permit of the token for this contract; `deadline` 0 means none (the
    /// payer approved this contract before).
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice Whether a payer's nonce is spent. Nonces are any numbers (random ones let a payer
    /// sign several payments at once), each good once.
    mapping(address payer => mapping(uint256 nonce => bool)) public nonceUsed;

    event Payment(
        address indexed payer,
        address indexed token,
        uint256 amount,
        address[] recipients,
        uint16[] basisPoints,
        string ref,
        uint256 nonce
    );

    error ZeroAmount();
    error NoRecipients();
    error TooManyRecipients(uint256 count);
    error LengthMismatch(uint256 recipients, uint256 basisPoints);
    error ZeroRecipient();
    error ZeroSplit();
    error SplitsDoNotSumTo10000(uint256 sum);
    error RefTooLong(uint256 length);
    error AuthorizationExpired(uint256 deadline);
    error NonceAlreadyUsed(address payer, uint256 nonce);
    error InvalidSignature();

    constructor() EIP712("Coliving PaymentRouter", "1") {}

    /// @notice The EIP-712 domain separator payers sign under (this chain, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice The digest a payer signs for `a`.
    function hashAuthorization(Authorization calldata a) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    PAYMENT_TYPEHASH,
                    a.payer,
                    a.token,
                    a.amount,
                    keccak256(abi.encodePacked(a.recipients)),
                    keccak256(abi.encodePacked(a.basisPoints)),
                    keccak256(bytes(a.ref)),
                    a.nonce,
                    a.deadline
                )
            )
        );
    }

    /// @notice Pays as `a.payer` authorized with `signature` (an EOA's or an ERC-1271 wallet's),
    /// after using `permit` when it has a deadline. A permit that fails (already used, for
    /// example front-run) is ignored; the payment then needs the allowance.
    function payBySig(Authorization calldata a, bytes calldata signature, Permit calldata permit) external {
        if (block.timestamp > a.deadline) revert AuthorizationExpired(a.deadline);
        if (nonceUsed[a.payer][a.nonce]) revert NonceAlreadyUsed(a.payer, a.nonce);
        if (!SignatureChecker.isValidSignatureNow(a.payer, hashAuthorization(a), signature)) {
            revert InvalidSignature();
        }
        nonceUsed[a.payer][a.nonce] = true;
        if (permit.deadline != 0) {
            try IERC20Permit(a.token).permit(
                a.payer, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s
            ) {} catch {}
        }
        _pay(a);
    }

    function _pay(Authorization calldata a) private {
        if (a.amount == 0) revert ZeroAmount();
        uint256 count = a.recipients.length;
        if (count == 0) revert NoRecipients();
        if (count > MAX_RECIPIENTS) revert TooManyRecipients(count);
        if (a.basisPoints.length != count) revert LengthMismatch(count, a.basisPoints.length);
        if (bytes(a.ref).length > MAX_REF_LENGTH) revert RefTooLong(bytes(a.ref).length);
        uint256 sum;
        for (uint256 i = 0; i < count; i++) {
            if (a.recipients[i] == address(0)) revert ZeroRecipient();
            if (a.basisPoints[i] == 0) revert ZeroSplit();
            sum += a.basisPoints[i];
        }
        if (sum != TOTAL_BASIS_POINTS) revert SplitsDoNotSumTo10000(sum);

        IERC20 token = IERC20(a.token);
        uint256 paid;
        for (uint256 i = 0; i < count - 1; i++) {
            uint256 share = (a.amount * a.basisPoints[i]) / TOTAL_BASIS_POINTS;
            paid += share;
            if (share > 0) token.safeTransferFrom(a.payer, a.recipients[i], share);
        }
        token.safeTransferFrom(a.payer, a.recipients[count - 1], a.amount - paid);
        emit Payment(a.payer, a.token, a.amount, a.recipients, a.basisPoints, a.ref, a.nonce);
    }
}
