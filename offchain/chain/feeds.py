"""JSON-RPC reads of the market-data feeds; the checks are :mod:`offchain.twins.feeds` (pure, no I/O).

The I/O half of the feed layer. :func:`fetch_round_data` and :func:`fetch_vol` return the raw values
a contract would read; :func:`read_spot` and :func:`read_vol` hand them to
:func:`offchain.twins.feeds.normalize_spot` / :func:`offchain.twins.feeds.check_vol`, so they give
exactly what ``FeedReader.readSpot`` / ``FeedReader.readVol`` return on chain. Reads that belong
together are pinned to one block, so they see the same state as one contract call would.

    with chain_from_env() as w3:
        now = w3.eth.get_block("latest").timestamp
        spot = read_spot(w3, "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419", 3600, now)
"""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.types import BlockIdentifier

from offchain.chain.artifacts import load_artifact
from offchain.twins.feeds import RoundData, check_vol, normalize_spot

__all__ = [
    "AGGREGATOR_V3_ABI",
    "fetch_round_data",
    "fetch_vol",
    "pinned_block",
    "read_spot",
    "read_vol",
    "underlying_id",
]


def _function(name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "stateMutability": "view",
        "inputs": [{"name": n, "type": t} for t, n in inputs],
        "outputs": [{"name": n, "type": t} for t, n in outputs],
    }


_ROUND = [
    ("uint80", "roundId"),
    ("int256", "answer"),
    ("uint256", "startedAt"),
    ("uint256", "updatedAt"),
    ("uint80", "answeredInRound"),
]

AGGREGATOR_V3_ABI: list[dict[str, Any]] = [
    _function("decimals", [], [("uint8", "")]),
    _function("description", [], [("string", "")]),
    _function("version", [], [("uint256", "")]),
    _function("getRoundData", [("uint80", "_roundId")], _ROUND),
    _function("latestRoundData", [], _ROUND),
]
"""ABI of Chainlink's AggregatorV3Interface (``contracts/interfaces/AggregatorV3Interface.sol``)."""


def pinned_block(w3: Web3, block_identifier: BlockIdentifier) -> BlockIdentifier:
    """A block number for ``block_identifier``, so several calls read the same state."""
    if isinstance(block_identifier, int):
        return block_identifier
    return w3.eth.get_block(block_identifier)["number"]


def fetch_round_data(w3: Web3, feed: str, block_identifier: BlockIdentifier = "latest") -> tuple[int, RoundData]:
    """``(decimals(), latestRoundData())`` of an AggregatorV3Interface ``feed``, read at one block.

    A revert of either call propagates as web3's exception.
    """
    block = pinned_block(w3, block_identifier)
    contract = w3.eth.contract(address=Web3.to_checksum_address(feed), abi=AGGREGATOR_V3_ABI)
    round_data = RoundData(*contract.functions.latestRoundData().call(block_identifier=block))
    decimals = contract.functions.decimals().call(block_identifier=block)
    return decimals, round_data


def fetch_vol(
    w3: Web3, vol_feed: str, underlying: bytes, expiry: int, block_identifier: BlockIdentifier = "latest"
) -> tuple[int, int]:
    """``getVol(underlying, expiry)`` of an IVolFeed: ``(vol, updatedAt)``, (0, 0) if never posted."""
    contract = w3.eth.contract(address=Web3.to_checksum_address(vol_feed), abi=load_artifact("VolFeed")["abi"])
    vol, updated_at = contract.functions.getVol(bytes(underlying), expiry).call(block_identifier=block_identifier)
    return vol, updated_at


def read_spot(w3: Web3, feed: str, heartbeat: int, now: int, block_identifier: BlockIdentifier = "latest") -> int:
    """The latest answer of ``feed`` as a wad, checked as :func:`offchain.twins.feeds.normalize_spot`.

    Reads ``latestRoundData()`` and ``decimals()`` at one block (:func:`fetch_round_data`). ``now`` is
    the valuation time; pass the block's timestamp to get what the contract would return in that block.
    """
    decimals, round_data = fetch_round_data(w3, feed, block_identifier)
    return normalize_spot(feed, decimals, round_data, heartbeat, now)


def read_vol(
    w3: Web3,
    vol_feed: str,
    underlying: bytes,
    expiry: int,
    heartbeat: int,
    now: int,
    block_identifier: BlockIdentifier = "latest",
) -> int:
    """The fresh, in-bounds volatility of (underlying, expiry) from ``vol_feed``, wad.

    Reads ``getVol(underlying, expiry)`` (:func:`fetch_vol`), then
    :func:`offchain.twins.feeds.check_vol`.
    """
    vol, updated_at = fetch_vol(w3, vol_feed, underlying, expiry, block_identifier)
    return check_vol(vol_feed, underlying, expiry, vol, updated_at, heartbeat, now)


def underlying_id(symbol: str) -> bytes:
    """The conventional bytes32 id of an underlying: its ASCII symbol, left-aligned and zero-padded,
    as Solidity's ``bytes32("ETH")``."""
    raw = symbol.encode("ascii")
    if not 0 < len(raw) <= 32:
        raise ValueError(f"an underlying symbol has 1 to 32 ASCII characters, got {symbol!r}")
    return raw.ljust(32, b"\0")
