// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOwnable2Step} from "./IOwnable2Step.sol";

/// @dev Largest implied volatility a vol feed accepts and `FeedReader.readVol` returns: 10.0
///      (1000% annualised), in wad. The domain is 0 < vol <= MAX_VOL_WAD.
int256 constant MAX_VOL_WAD = 10e18;

/// @title IVolFeed
/// @notice gridmargin's implied-volatility feed: one annualised Black-76 volatility per series
///         (underlying, expiry), posted by authorised updaters.
/// @dev Domain and units:
///      - `underlying`: a bytes32 id chosen by the deployer, by convention the left-aligned ASCII
///        symbol (`bytes32("ETH")`). It is an opaque key: the feed never interprets it.
///      - `expiry`: unix timestamp (seconds) of the option expiry, the same `expiry` as in
///        `OptionPosition` (MarginTypes.sol).
///      - `vol`: signed wad (1e18 = 100% per year), 0 < vol <= MAX_VOL_WAD. Posting outside
///        that range reverts `GM_VolOutOfBounds(underlying, expiry, vol)`.
///      - `updatedAt`: `block.timestamp` of the transaction that posted the value; 0 means the
///        series was never posted (then `vol` is 0 too).
///      Staleness: the feed stores the last value and its time, nothing more; it does not decide
///      what is fresh. A consumer reads through `FeedReader.readVol(feed, underlying, expiry,
///      heartbeat, now)`, which reverts `GM_VolNotPosted` (never posted), `GM_VolOutOfBounds`,
///      `GM_VolFromFuture` (updatedAt > now) or `GM_VolStale` (now - updatedAt > heartbeat): the
///      same rule as spot feeds. Updaters must post each live series at least once per heartbeat.
///      Gas (Cancun, `VolFeed`, measured on anvil by scripts/bench_feeds.py): `getVol` reads one
///      slot, ~5.7k from another contract when cold (account + slot), ~1.2k warm; `FeedReader.readVol`
///      adds ~350. `postVol` ~49k for a new series, ~32k for an update (transaction included);
///      `postVols` ~23k per new series and ~9k per update in a batch of 50. See docs/feeds.md.
interface IVolFeed is IOwnable2Step {
    /// @notice `updater` posted `vol` for (underlying, expiry) at `updatedAt` (= block.timestamp).
    event VolPosted(
        bytes32 indexed underlying, uint64 indexed expiry, address indexed updater, int256 vol, uint256 updatedAt
    );

    /// @notice The owner allowed (`allowed = true`) or revoked `updater`.
    event UpdaterSet(address indexed updater, bool allowed);

    /// @notice Last posted volatility of (underlying, expiry) and when it was posted.
    /// @dev Never reverts: a series never posted returns (0, 0). Use `FeedReader.readVol` to get a
    ///      checked, fresh value.
    /// @return vol annualised volatility, wad
    /// @return updatedAt block timestamp of the post, 0 if never posted
    function getVol(bytes32 underlying, uint64 expiry) external view returns (int256 vol, uint256 updatedAt);

    /// @notice Post `vol` for (underlying, expiry), timestamped `block.timestamp`.
    /// @dev Reverts GM_VolUnauthorized(msg.sender) unless the caller is an updater, and
    ///      GM_VolOutOfBounds(underlying, expiry, vol) unless 0 < vol <= MAX_VOL_WAD.
    function postVol(bytes32 underlying, uint64 expiry, int256 vol) external;

    /// @notice Post `vols[i]` for (underlying, expiries[i]) for every i, in one transaction.
    /// @dev All or nothing: reverts GM_VolLengthMismatch(expiries.length, vols.length) when the
    ///      lengths differ, else as `postVol` for the first invalid entry. One event per entry.
    function postVols(bytes32 underlying, uint64[] calldata expiries, int256[] calldata vols) external;

    /// @notice Whether `account` may post.
    function isUpdater(address account) external view returns (bool);
}
