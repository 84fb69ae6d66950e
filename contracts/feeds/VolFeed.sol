// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IVolFeed, MAX_VOL_WAD} from "../interfaces/IVolFeed.sol";
import {GM_VolLengthMismatch, GM_VolOutOfBounds, GM_VolUnauthorized} from "../libraries/Errors.sol";

/// @title VolFeed
/// @notice gridmargin's implied-volatility feed (see IVolFeed for domain, units and staleness):
///         an owner-managed set of updaters posts one annualised vol per (underlying, expiry).
/// @dev Ownership: `Ownable2Step` (the deployer first, then two steps). The owner is not an
///      updater unless it adds itself.
///      Each series is one storage slot (vol as uint128, updatedAt as uint64), so a read is one SLOAD.
contract VolFeed is IVolFeed, Ownable2Step {
    struct Point {
        uint128 vol; // 0 < vol <= MAX_VOL_WAD once posted, so the int256 -> uint128 cast is exact
        uint64 updatedAt; // block.timestamp of the post, 0 = never posted
    }

    /// @inheritdoc IVolFeed
    mapping(address account => bool allowed) public isUpdater;

    mapping(bytes32 underlying => mapping(uint64 expiry => Point)) private _points;

    modifier onlyUpdater() {
        if (!isUpdater[msg.sender]) revert GM_VolUnauthorized(msg.sender);
        _;
    }

    /// @inheritdoc IVolFeed
    function getVol(bytes32 underlying, uint64 expiry) external view returns (int256 vol, uint256 updatedAt) {
        Point memory point = _points[underlying][expiry];
        return (int256(uint256(point.vol)), point.updatedAt);
    }

    /// @inheritdoc IVolFeed
    function postVol(bytes32 underlying, uint64 expiry, int256 vol) external onlyUpdater {
        _post(underlying, expiry, vol);
    }

    /// @inheritdoc IVolFeed
    function postVols(bytes32 underlying, uint64[] calldata expiries, int256[] calldata vols) external onlyUpdater {
        if (expiries.length != vols.length) revert GM_VolLengthMismatch(expiries.length, vols.length);
        for (uint256 i; i < expiries.length; ++i) {
            _post(underlying, expiries[i], vols[i]);
        }
    }

    /// @notice Allow (`allowed = true`) or revoke `updater`. Owner only: GM_NotOwner(msg.sender).
    function setUpdater(address updater, bool allowed) external onlyOwner {
        isUpdater[updater] = allowed;
        emit UpdaterSet(updater, allowed);
    }

    function _post(bytes32 underlying, uint64 expiry, int256 vol) private {
        if (vol <= 0 || vol > MAX_VOL_WAD) revert GM_VolOutOfBounds(underlying, expiry, vol);
        _points[underlying][expiry] = Point(uint128(uint256(vol)), uint64(block.timestamp));
        emit VolPosted(underlying, expiry, msg.sender, vol, block.timestamp);
    }
}
