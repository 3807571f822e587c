// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title The public record of Coliving's social and catalog actions (data chain)
/// @notice Each action is signed by a user's wallet as EIP-712 typed data and may be submitted
/// by anyone (usually a discovery node's relay). The contract recovers the signer, refuses a
/// nonce the signer has used, and emits the action. It keeps no other state: discovery nodes
/// validate and apply the events, so the whole state is a function of this log.
contract EntityManager is EIP712 {
    bytes32 public constant MANAGE_ENTITY_TYPEHASH = keccak256(
        "ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)"
    );

    mapping(address => mapping(bytes32 => bool)) public usedNonces;

    event ManageEntity(
        uint256 indexed userId,
        address indexed signer,
        string entityType,
        uint256 entityId,
        string metadata,
        string action
    );

    /// @notice A batched action whose nonce its signer had already used; the batch went on.
    event ManageEntitySkipped(address indexed signer, bytes32 nonce);

    error NonceAlreadyUsed(address signer, bytes32 nonce);

    constructor() EIP712("Entity Manager", "1") {}

    /// @notice One signed action, as `manageEntities` takes them.
    struct Action {
        uint256 userId;
        string entityType;
        uint256 entityId;
        string action;
        string metadata;
        bytes32 nonce;
        bytes signature;
    }

    /// @notice Records a signed action. Reverts on a malformed signature or a reused nonce.
    function manageEntity(
        uint256 userId,
        string calldata entityType,
        uint256 entityId,
        string calldata action,
        string calldata metadata,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _record(userId, entityType, entityId, action, metadata, nonce, signature, false);
    }

    /// @notice Records several signed actions in one transaction, in order: a relay batches what
    /// it has checked, paying the per-transaction cost once. An action whose nonce was used
    /// meanwhile (someone submitted it alone first) is skipped, so one front-run action cannot
    /// sink the batch; a malformed signature still reverts the whole batch.
    function manageEntities(Action[] calldata actions) external {
        for (uint256 i = 0; i < actions.length; i++) {
            Action calldata a = actions[i];
            _record(a.userId, a.entityType, a.entityId, a.action, a.metadata, a.nonce, a.signature, true);
        }
    }

    function _record(
        uint256 userId,
        string calldata entityType,
        uint256 entityId,
        string calldata action,
        string calldata metadata,
        bytes32 nonce,
        bytes calldata signature,
        bool skipUsedNonce
    ) private {
        bytes32 structHash = keccak256(
            abi.encode(
                MANAGE_ENTITY_TYPEHASH,
                userId,
                keccak256(bytes(entityType)),
                entityId,
                keccak256(bytes(action)),
                keccak256(bytes(metadata)),
                nonce
            )
        );
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), signature);
        if (usedNonces[signer][nonce]) {
            if (!skipUsedNonce) revert NonceAlreadyUsed(signer, nonce);
            emit ManageEntitySkipped(signer, nonce);
            return;
        }
        usedNonces[signer][nonce] = true;
        emit ManageEntity(userId, signer, entityType, entityId, metadata, action);
    }

    /// @notice The EIP-712 domain separator clients sign against.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
