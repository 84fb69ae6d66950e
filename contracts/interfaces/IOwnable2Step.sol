// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IOwnable2Step
/// @notice Two-step ownership of gridmargin's owner-managed contracts (VolFeed, MarginEngine): the
///         owner proposes an account, which becomes owner only when it accepts, so a mistyped
///         address never takes over.
/// @dev The deployer is the first owner. Errors: GM_NotOwner(msg.sender) for an owner-only call by
///      anyone else, GM_NotPendingOwner(msg.sender) for `acceptOwnership` by anyone but the
///      proposed account (libraries/Errors.sol). Gas: one or two storage writes and an event.
interface IOwnable2Step {
    /// @notice The owner proposed `newOwner`; it becomes owner when it calls `acceptOwnership`.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    /// @notice Ownership moved from `previousOwner` to `newOwner` (previousOwner = 0 at deployment).
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The account allowed to make the owner-only calls.
    function owner() external view returns (address);

    /// @notice The proposed owner, 0 if none.
    function pendingOwner() external view returns (address);

    /// @notice Propose `newOwner` (0 cancels a pending proposal). Owner only: GM_NotOwner(msg.sender).
    function transferOwnership(address newOwner) external;

    /// @notice Become owner; callable only by the pending owner: GM_NotPendingOwner(msg.sender).
    function acceptOwnership() external;
}
