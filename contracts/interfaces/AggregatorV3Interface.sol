// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title AggregatorV3Interface
/// @notice Chainlink's standard price-feed interface (Data Feeds API "v3"), written from the public
///         specification. A feed reports rounds; each round carries an `answer` with `decimals()`
///         decimals (e.g. 8 for USD pairs: 2000.12345678 USD is 200012345678).
/// @dev gridmargin reads it only through `FeedReader.readSpot`, which checks the round (positive
///      answer, complete round, not stale, not from the future) and normalises it to 18 decimals.
interface AggregatorV3Interface {
    /// @notice Number of decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice Human-readable description of the feed, e.g. "ETH / USD".
    function description() external view returns (string memory);

    /// @notice Version of the aggregator implementation behind the feed.
    function version() external view returns (uint256);

    /// @notice Data of round `_roundId`. Implementations revert (Chainlink: "No data present") for a
    ///         round that does not exist.
    /// @return roundId the round id
    /// @return answer the reported value, with `decimals()` decimals
    /// @return startedAt timestamp at which the round started
    /// @return updatedAt timestamp at which the answer was last updated (0: round not complete)
    /// @return answeredInRound the round in which the answer was computed (deprecated by Chainlink;
    ///         equal to `roundId` on current aggregators)
    function getRoundData(uint80 _roundId)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice Data of the latest round; same fields as `getRoundData`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
