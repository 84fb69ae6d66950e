"""Checked market-data reads: the exact twin of ``contracts/libraries/FeedReader.sol``, without I/O.

Same functions in the same order as the Solidity library, same checks in the same order, same
errors with the same arguments. The functions take the raw values the EVM would read from the
feeds, so the logic is checked to the wei against the contract; :mod:`offchain.chain.feeds` reads
those values over JSON-RPC (``read_spot`` / ``read_vol`` there are the twins of FeedReader's
``readSpot`` / ``readVol``).

Units: spot and vol are signed wad integers (1e18 = 1.0); timestamps and heartbeats are seconds.
Staleness (spot and vol): ``updated_at > now`` is an error (*FromFuture), ``now - updated_at >
heartbeat`` is an error (*Stale), ``now - updated_at == heartbeat`` is fresh.

Inputs are assumed to lie in their ABI types (uint8 decimals, uint80 round ids, uint256 times,
int256 answers), as they do when read from a chain. Addresses may be given in any hex form; error
arguments carry them as lowercase 0x-hex and underlyings as 32 bytes, which is how
:func:`offchain.chain.abi.decode_revert` (eth-abi) decodes the contract's revert.
"""

from __future__ import annotations

from typing import NamedTuple

from offchain.twins.abivalues import normalized_address
from offchain.twins.errors import (
    GM_FeedDecimalsUnsupported,
    GM_FeedFromFuture,
    GM_FeedIncompleteRound,
    GM_FeedNonPositive,
    GM_FeedStale,
    GM_FeedUnrepresentable,
    GM_VolFromFuture,
    GM_VolNotPosted,
    GM_VolOutOfBounds,
    GM_VolStale,
)
from offchain.twins.intmath import INT256_MAX

__all__ = [
    "MAX_FEED_DECIMALS",
    "MAX_VOL_WAD",
    "RoundData",
    "check_vol",
    "normalize_spot",
]

MAX_FEED_DECIMALS = 36
"""Largest ``decimals()`` of a spot feed (``MAX_FEED_DECIMALS`` in FeedReader.sol)."""

MAX_VOL_WAD = 10 * 10**18
"""Largest accepted volatility, 10.0 = 1000% annualised (``MAX_VOL_WAD`` in IVolFeed.sol)."""


class RoundData(NamedTuple):
    """One round of an AggregatorV3Interface feed, fields in ``latestRoundData`` order
    (``FeedReader.RoundData``)."""

    round_id: int
    answer: int
    started_at: int
    updated_at: int
    answered_in_round: int


def normalize_spot(feed: str, decimals: int, round_data: RoundData, heartbeat: int, now: int) -> int:
    """Check one round of ``feed`` and return its answer scaled to 18 decimals.

    Checks, in this order (each raises the named error):

    1. ``answer <= 0``: ``GM_FeedNonPositive(feed, answer)``
    2. ``answered_in_round < round_id``: ``GM_FeedIncompleteRound(feed, round_id, answered_in_round)``
    3. ``updated_at > now``: ``GM_FeedFromFuture(feed, updated_at, now)``
    4. ``now - updated_at > heartbeat``: ``GM_FeedStale(feed, updated_at, heartbeat)``
    5. ``decimals > MAX_FEED_DECIMALS``: ``GM_FeedDecimalsUnsupported(feed, decimals)``
    6. scaled answer above int256 max, or 0: ``GM_FeedUnrepresentable(feed, answer, decimals)``

    Scaling: ``answer * 10**(18 - decimals)`` (exact) for decimals <= 18, else
    ``answer // 10**(decimals - 18)`` rounded down (an asset price: down is against the account).
    The result is always > 0. ``started_at`` is not used.
    """
    feed = normalized_address(feed)
    if round_data.answer <= 0:
        raise GM_FeedNonPositive(feed, round_data.answer)
    if round_data.answered_in_round < round_data.round_id:
        raise GM_FeedIncompleteRound(feed, round_data.round_id, round_data.answered_in_round)
    if round_data.updated_at > now:
        raise GM_FeedFromFuture(feed, round_data.updated_at, now)
    if now - round_data.updated_at > heartbeat:
        raise GM_FeedStale(feed, round_data.updated_at, heartbeat)
    return _scale_to_wad(feed, round_data.answer, decimals)


def check_vol(
    vol_feed: str, underlying: bytes, expiry: int, vol: int, updated_at: int, heartbeat: int, now: int
) -> int:
    """Check a ``(vol, updated_at)`` read from ``vol_feed`` for (underlying, expiry); return vol.

    Checks, in this order (each raises the named error):

    1. ``updated_at == 0`` (never posted): ``GM_VolNotPosted(vol_feed, underlying, expiry)``
    2. ``vol <= 0`` or ``vol > MAX_VOL_WAD``: ``GM_VolOutOfBounds(underlying, expiry, vol)``
    3. ``updated_at > now``: ``GM_VolFromFuture(vol_feed, underlying, expiry, updated_at, now)``
    4. ``now - updated_at > heartbeat``: ``GM_VolStale(vol_feed, underlying, expiry, updated_at, heartbeat)``

    ``underlying`` is the bytes32 id as 32 bytes.
    """
    vol_feed = normalized_address(vol_feed)
    underlying = bytes(underlying)
    if len(underlying) != 32:
        raise ValueError(f"underlying must be 32 bytes (a bytes32), got {len(underlying)}")
    if updated_at == 0:
        raise GM_VolNotPosted(vol_feed, underlying, expiry)
    if vol <= 0 or vol > MAX_VOL_WAD:
        raise GM_VolOutOfBounds(underlying, expiry, vol)
    if updated_at > now:
        raise GM_VolFromFuture(vol_feed, underlying, expiry, updated_at, now)
    if now - updated_at > heartbeat:
        raise GM_VolStale(vol_feed, underlying, expiry, updated_at, heartbeat)
    return vol


def _scale_to_wad(feed: str, answer: int, decimals: int) -> int:
    """``answer`` (> 0) with ``decimals`` decimals as a wad; checks 5 and 6 of :func:`normalize_spot`."""
    if decimals > MAX_FEED_DECIMALS:
        raise GM_FeedDecimalsUnsupported(feed, decimals)
    if decimals <= 18:
        factor = 10 ** (18 - decimals)
        if answer > INT256_MAX // factor:
            raise GM_FeedUnrepresentable(feed, answer, decimals)
        return answer * factor
    # answer > 0, so floor division is Solidity's truncating division.
    spot_wad = answer // 10 ** (decimals - 18)
    if spot_wad == 0:
        raise GM_FeedUnrepresentable(feed, answer, decimals)
    return spot_wad
