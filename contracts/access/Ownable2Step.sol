// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOwnable2Step} from "../interfaces/IOwnable2Step.sol";
import {GM_NotOwner, GM_NotPendingOwner} from "../libraries/Errors.sol";

/// @title Ownable2Step
/// @notice IOwnable2Step for gridmargin's owner-managed contracts: the deployer is the first owner,
///         `onlyOwner` guards the owner-only calls.
/// @dev Storage: `owner`, then `pendingOwner`, before the inheriting contract's own slots.
abstract contract Ownable2Step is IOwnable2Step {
    /// @inheritdoc IOwnable2Step
    address public owner;

    /// @inheritdoc IOwnable2Step
    address public pendingOwner;

    constructor() {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert GM_NotOwner(msg.sender);
        _;
    }

    /// @inheritdoc IOwnable2Step
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @inheritdoc IOwnable2Step
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert GM_NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }
}
