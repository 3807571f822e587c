// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title The public record of plays (data chain)
/// @notice Content nodes submit the listens they served, in batches, from their delegate wallet
/// (the transaction's sender). The contract keeps no state and checks nothing: the data chain
/// does not know which wallets are content nodes (that is on the eth chain), so discovery nodes
/// check each batch against NodeRegistry as of the eth block it names and count only plays from
/// a registered content node's delegate. Anyone can recount every play from this log.
contract PlayLog {
    /// @notice A batch of plays. `plays` is packed, 40 bytes a play (see @coliving/protocol
    /// plays.ts): a 16-byte play id, the track id and the user id (0: anonymous) as uint64, and
    /// the listen's time in milliseconds since the epoch as uint64, all big-endian.
    event PlaysSubmitted(
        address indexed submitter,
        uint256 indexed nodeId,
        bytes32 ethBlockHash,
        bytes plays
    );

    /// @notice A batch whose length is not a whole number of plays.
    error MalformedPlays(uint256 length);

    /// @param nodeId The submitting content node's id in NodeRegistry.
    /// @param ethBlockHash An eth block in which that node was registered with the sender as its
    /// delegate wallet.
    /// @param plays The packed plays.
    function submitPlays(uint256 nodeId, bytes32 ethBlockHash, bytes calldata plays) external {
        if (plays.length == 0 || plays.length % 40 != 0) revert MalformedPlays(plays.length);
        emit PlaysSubmitted(msg.sender, nodeId, ethBlockHash, plays);
    }
}
