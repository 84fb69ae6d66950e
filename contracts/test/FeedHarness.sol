// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {IVolFeed} from "../interfaces/IVolFeed.sol";
import {FeedReader} from "../libraries/FeedReader.sol";

/// @title FeedHarness
/// @notice Exposes every public FeedReader function externally under the same name, for the
///         differential tests against `offchain/twins/feeds.py`, plus gas probes read by
///         scripts/bench_feeds.py (figures in docs/feeds.md).
contract FeedHarness {
    function readSpot(AggregatorV3Interface feed, uint256 heartbeat, uint256 nowTs) external view returns (int256) {
        return FeedReader.readSpot(feed, heartbeat, nowTs);
    }

    function normalizeSpot(
        address feed,
        uint8 decimals,
        FeedReader.RoundData calldata round,
        uint256 heartbeat,
        uint256 nowTs
    ) external pure returns (int256) {
        return FeedReader.normalizeSpot(feed, decimals, round, heartbeat, nowTs);
    }

    function readVol(IVolFeed volFeed, bytes32 underlying, uint64 expiry, uint256 heartbeat, uint256 nowTs)
        external
        view
        returns (int256)
    {
        return FeedReader.readVol(volFeed, underlying, expiry, heartbeat, nowTs);
    }

    function checkVol(
        address volFeed,
        bytes32 underlying,
        uint64 expiry,
        int256 vol,
        uint256 updatedAt,
        uint256 heartbeat,
        uint256 nowTs
    ) external pure returns (int256) {
        return FeedReader.checkVol(volFeed, underlying, expiry, vol, updatedAt, heartbeat, nowTs);
    }

    // ---------------------------------------------------------------------------------------------
    // Gas probes. Each returns the gas of a first read (feed account and slots cold, as in a fresh
    // transaction) and of a second read of the same feed (warm). `gasRaw*` make the same external
    // calls without FeedReader's checks, so the difference is FeedReader's own cost. Measure them with
    // eth_call on a real node (anvil): pyrevm keeps accounts warm across calls.
    // ---------------------------------------------------------------------------------------------

    function gasReadSpot(AggregatorV3Interface feed, uint256 heartbeat, uint256 nowTs)
        external
        view
        returns (uint256 cold, uint256 warm, int256 spotWad)
    {
        uint256 start = gasleft();
        spotWad = FeedReader.readSpot(feed, heartbeat, nowTs);
        cold = start - gasleft();
        start = gasleft();
        int256 again = FeedReader.readSpot(feed, heartbeat, nowTs);
        warm = start - gasleft();
        require(again == spotWad);
    }

    function gasRawSpot(AggregatorV3Interface feed) external view returns (uint256 cold, uint256 warm) {
        uint256 start = gasleft();
        (, int256 answer,,,) = feed.latestRoundData();
        uint8 decimals = feed.decimals();
        cold = start - gasleft();
        start = gasleft();
        (, int256 answerAgain,,,) = feed.latestRoundData();
        uint8 decimalsAgain = feed.decimals();
        warm = start - gasleft();
        require(answer == answerAgain && decimals == decimalsAgain);
    }

    function gasReadVol(IVolFeed volFeed, bytes32 underlying, uint64 expiry, uint256 heartbeat, uint256 nowTs)
        external
        view
        returns (uint256 cold, uint256 warm, int256 volWad)
    {
        uint256 start = gasleft();
        volWad = FeedReader.readVol(volFeed, underlying, expiry, heartbeat, nowTs);
        cold = start - gasleft();
        start = gasleft();
        int256 again = FeedReader.readVol(volFeed, underlying, expiry, heartbeat, nowTs);
        warm = start - gasleft();
        require(again == volWad);
    }

    function gasRawVol(IVolFeed volFeed, bytes32 underlying, uint64 expiry)
        external
        view
        returns (uint256 cold, uint256 warm)
    {
        uint256 start = gasleft();
        (int256 vol,) = volFeed.getVol(underlying, expiry);
        cold = start - gasleft();
        start = gasleft();
        (int256 volAgain,) = volFeed.getVol(underlying, expiry);
        warm = start - gasleft();
        require(vol == volAgain);
    }
}
