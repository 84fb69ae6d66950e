// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {IVolFeed, MAX_VOL_WAD} from "../interfaces/IVolFeed.sol";
import {
    GM_FeedDecimalsUnsupported,
    GM_FeedFromFuture,
    GM_FeedIncompleteRound,
    GM_FeedNonPositive,
    GM_FeedStale,
    GM_FeedUnrepresentable,
    GM_VolFromFuture,
    GM_VolNotPosted,
    GM_VolOutOfBounds,
    GM_VolStale
} from "./Errors.sol";

/// @dev Largest `decimals()` a spot feed may report: answers are scaled by 10^(18 - decimals)
///      (decimals <= 18) or divided by 10^(decimals - 18) (decimals in 19..36).
uint8 constant MAX_FEED_DECIMALS = 36;

/// @title FeedReader
/// @notice Checked reads of the market data the margin engine needs: spot from a Chainlink
///         AggregatorV3Interface feed and implied volatility from an IVolFeed, both as wad.
/// @dev Exact twin: `offchain/twins/feeds.py` (same functions, same order, same errors and arguments).
///      `readSpot` / `readVol` do the external calls and hand the raw values to the pure
///      `normalizeSpot` / `checkVol`, which hold all the logic; the Python twin of those takes the
///      raw values directly. `nowTs` is a parameter (not `block.timestamp`) so the engine can value
///      a portfolio at the timestamp of its `Market`; on chain, pass `block.timestamp`.
///      Staleness rule (spot and vol): updatedAt > nowTs reverts (*FromFuture); nowTs - updatedAt >
///      heartbeat reverts (*Stale); nowTs - updatedAt == heartbeat is still fresh.
///      Gas: docs/feeds.md.
library FeedReader {
    /// @notice One round of an AggregatorV3Interface feed, fields in `latestRoundData` order.
    struct RoundData {
        uint80 roundId;
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    /// @notice The latest answer of `feed` as a wad (18 decimals), checked as `normalizeSpot`.
    /// @dev Calls `feed.latestRoundData()` then `feed.decimals()`; a revert of either (or a feed
    ///      without code) propagates unchanged.
    function readSpot(AggregatorV3Interface feed, uint256 heartbeat, uint256 nowTs)
        internal
        view
        returns (int256 spotWad)
    {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            feed.latestRoundData();
        return normalizeSpot(
            address(feed),
            feed.decimals(),
            RoundData(roundId, answer, startedAt, updatedAt, answeredInRound),
            heartbeat,
            nowTs
        );
    }

    /// @notice Check one round of `feed` and return its answer scaled to 18 decimals.
    /// @dev Checks, in this order:
    ///      1. answer <= 0                      -> GM_FeedNonPositive(feed, answer)
    ///      2. answeredInRound < roundId        -> GM_FeedIncompleteRound(feed, roundId, answeredInRound)
    ///      3. updatedAt > nowTs                -> GM_FeedFromFuture(feed, updatedAt, nowTs)
    ///      4. nowTs - updatedAt > heartbeat    -> GM_FeedStale(feed, updatedAt, heartbeat)
    ///      5. decimals > MAX_FEED_DECIMALS     -> GM_FeedDecimalsUnsupported(feed, decimals)
    ///      6. scaled answer > int256 max or 0  -> GM_FeedUnrepresentable(feed, answer, decimals)
    ///      Scaling: decimals <= 18: answer * 10^(18 - decimals), exact; decimals > 18:
    ///      answer / 10^(decimals - 18) rounded down (spot is an asset price: down is against the
    ///      account), and a positive answer that rounds to 0 is rejected, so the result is > 0.
    ///      `startedAt` is not used.
    function normalizeSpot(address feed, uint8 decimals, RoundData memory round, uint256 heartbeat, uint256 nowTs)
        internal
        pure
        returns (int256 spotWad)
    {
        if (round.answer <= 0) revert GM_FeedNonPositive(feed, round.answer);
        if (round.answeredInRound < round.roundId) {
            revert GM_FeedIncompleteRound(feed, round.roundId, round.answeredInRound);
        }
        if (round.updatedAt > nowTs) revert GM_FeedFromFuture(feed, round.updatedAt, nowTs);
        if (nowTs - round.updatedAt > heartbeat) revert GM_FeedStale(feed, round.updatedAt, heartbeat);
        return _scaleToWad(feed, round.answer, decimals);
    }

    /// @notice The fresh, in-bounds volatility of (underlying, expiry) from `volFeed`, wad.
    /// @dev Calls `volFeed.getVol(underlying, expiry)` (a revert propagates), then `checkVol`.
    function readVol(IVolFeed volFeed, bytes32 underlying, uint64 expiry, uint256 heartbeat, uint256 nowTs)
        internal
        view
        returns (int256 volWad)
    {
        (int256 vol, uint256 updatedAt) = volFeed.getVol(underlying, expiry);
        return checkVol(address(volFeed), underlying, expiry, vol, updatedAt, heartbeat, nowTs);
    }

    /// @notice Check a (vol, updatedAt) read from `volFeed` for (underlying, expiry); returns vol.
    /// @dev Checks, in this order:
    ///      1. updatedAt == 0 (never posted)     -> GM_VolNotPosted(volFeed, underlying, expiry)
    ///      2. vol <= 0 or vol > MAX_VOL_WAD     -> GM_VolOutOfBounds(underlying, expiry, vol)
    ///      3. updatedAt > nowTs                 -> GM_VolFromFuture(volFeed, underlying, expiry, updatedAt, nowTs)
    ///      4. nowTs - updatedAt > heartbeat     -> GM_VolStale(volFeed, underlying, expiry, updatedAt, heartbeat)
    function checkVol(
        address volFeed,
        bytes32 underlying,
        uint64 expiry,
        int256 vol,
        uint256 updatedAt,
        uint256 heartbeat,
        uint256 nowTs
    ) internal pure returns (int256 volWad) {
        if (updatedAt == 0) revert GM_VolNotPosted(volFeed, underlying, expiry);
        if (vol <= 0 || vol > MAX_VOL_WAD) revert GM_VolOutOfBounds(underlying, expiry, vol);
        if (updatedAt > nowTs) revert GM_VolFromFuture(volFeed, underlying, expiry, updatedAt, nowTs);
        if (nowTs - updatedAt > heartbeat) revert GM_VolStale(volFeed, underlying, expiry, updatedAt, heartbeat);
        return vol;
    }

    /// @dev `answer` (> 0) with `decimals` decimals as a wad; checks 5 and 6 of `normalizeSpot`.
    function _scaleToWad(address feed, int256 answer, uint8 decimals) private pure returns (int256 spotWad) {
        if (decimals > MAX_FEED_DECIMALS) revert GM_FeedDecimalsUnsupported(feed, decimals);
        // No step can overflow: 10^18 at most, answer * factor is checked just before, and
        // answer > 0 so the division truncates, which is rounding down.
        unchecked {
            if (decimals <= 18) {
                int256 factor = int256(10 ** uint256(18 - decimals));
                if (answer > type(int256).max / factor) revert GM_FeedUnrepresentable(feed, answer, decimals);
                return answer * factor;
            }
            spotWad = answer / int256(10 ** uint256(decimals - 18));
        }
        if (spotWad == 0) revert GM_FeedUnrepresentable(feed, answer, decimals);
    }
}
