"""Off-chain twin of ``MarginEngine``'s feed path: read what the engine reads, value with :mod:`offchain.twins.margin`.

:func:`market_from_feeds` reads a deployed engine's risk parameters and feed configuration and the
feeds themselves over JSON-RPC, all pinned to one block, and builds the :class:`Market` exactly as
``MarginEngine.marketFromFeeds`` does (same reads, same order, same errors, timestamp = the block's).
:func:`margin_of_from_feeds` then runs :func:`offchain.twins.margin.margin_of` on it, which equals
``MarginEngine.marginOfFromFeeds`` to the wei (tests/test_margin_engine.py).

    with chain_from_env() as w3:
        result = margin_of_from_feeds(w3, engine_address, portfolio)
"""

from __future__ import annotations

from typing import Any, NamedTuple

from web3 import Web3
from web3.types import BlockIdentifier

from offchain.chain.abi import params_from_abi
from offchain.chain.artifacts import load_artifact
from offchain.chain.feeds import pinned_block, read_spot, read_vol
from offchain.twins.errors import GM_EngineFeedNotSet, GM_EngineParamsNotSet, GM_UnknownUnderlying
from offchain.twins.margin import margin_of, shortfall_witness
from offchain.twins.types import MarginResult, Market, Portfolio, RiskParams, UnderlyingMarket, VolPoint

__all__ = [
    "ZERO_ADDRESS",
    "FeedConfig",
    "engine_contract",
    "fetch_feed_config",
    "fetch_risk_params",
    "is_liquidatable",
    "margin_of_from_feeds",
    "market_from_feeds",
    "shortfall_witness_from_feeds",
]

ZERO_ADDRESS = "0x" + "00" * 20


class FeedConfig(NamedTuple):
    """``IMarginEngine.FeedConfig``: the feeds and rate of one underlying, fields in Solidity order."""

    spot_feed: str
    spot_heartbeat: int
    vol_feed: str
    vol_id: bytes
    vol_heartbeat: int
    rate: int

    def as_abi(self) -> tuple:
        return tuple(self)


def engine_contract(w3: Web3, engine: str) -> Any:
    """The deployed ``MarginEngine`` at ``engine`` (any address spelling), bound to its shipped ABI."""
    return w3.eth.contract(address=Web3.to_checksum_address(engine), abi=load_artifact("MarginEngine")["abi"])


def fetch_risk_params(w3: Web3, engine: str, block_identifier: BlockIdentifier = "latest") -> RiskParams:
    """The engine's current parameters; ``GM_EngineParamsNotSet(engine)`` if none were set."""
    contract = engine_contract(w3, engine)
    if int(contract.functions.paramsPointer().call(block_identifier=block_identifier), 16) == 0:
        raise GM_EngineParamsNotSet(contract.address.lower())
    return params_from_abi(contract.functions.riskParams().call(block_identifier=block_identifier))


def fetch_feed_config(
    w3: Web3, engine: str, underlying: int, block_identifier: BlockIdentifier = "latest"
) -> FeedConfig:
    """The engine's feed configuration of ``underlying`` (all zero if never set)."""
    raw = engine_contract(w3, engine).functions.feedConfig(underlying).call(block_identifier=block_identifier)
    return FeedConfig(*raw)


def market_from_feeds(
    w3: Web3, engine: str, portfolio: Portfolio, block_identifier: BlockIdentifier = "latest"
) -> tuple[Market, RiskParams]:
    """``(MarginEngine.marketFromFeeds(portfolio), riskParams())`` as of one block.

    Same order of reads and errors as the contract (IMarginEngine.marketFromFeeds): per position
    entry, ``GM_UnknownUnderlying`` / ``GM_EngineFeedNotSet``, the spot (FeedReader errors), then one
    vol per option whose expiry differs from the previous option's. The valuation time is the
    block's timestamp, which is the contract's ``block.timestamp`` in an ``eth_call`` at that block.
    """
    block = pinned_block(w3, block_identifier)
    now = w3.eth.get_block(block)["timestamp"]
    params = fetch_risk_params(w3, engine, block)
    grids = len(params.grids)
    underlyings = [UnderlyingMarket(0, 0, ()) for _ in range(grids)]
    for pos in portfolio.positions:
        u = pos.underlying
        if u >= grids:
            raise GM_UnknownUnderlying(u)
        config = fetch_feed_config(w3, engine, u, block)
        if int(config.spot_feed, 16) == 0:
            raise GM_EngineFeedNotSet(u)
        spot = read_spot(w3, config.spot_feed, config.spot_heartbeat, now, block)
        vols = []
        for i, option in enumerate(pos.options):
            if i == 0 or option.expiry != pos.options[i - 1].expiry:
                vol = read_vol(w3, config.vol_feed, config.vol_id, option.expiry, config.vol_heartbeat, now, block)
                vols.append(VolPoint(option.expiry, vol))
        underlyings[u] = UnderlyingMarket(spot, config.rate, tuple(vols))
    return Market(now, tuple(underlyings)), params


def margin_of_from_feeds(
    w3: Web3, engine: str, portfolio: Portfolio, block_identifier: BlockIdentifier = "latest"
) -> MarginResult:
    """``MarginEngine.marginOfFromFeeds(portfolio)`` computed off-chain at one block."""
    market, params = market_from_feeds(w3, engine, portfolio, block_identifier)
    return margin_of(portfolio, market, params)


def shortfall_witness_from_feeds(
    w3: Web3, engine: str, portfolio: Portfolio, witness: tuple[int, ...], block_identifier: BlockIdentifier = "latest"
) -> tuple[int, int]:
    """``MarginEngine.shortfallWitness(portfolio, witness)`` computed off-chain at one block."""
    market, params = market_from_feeds(w3, engine, portfolio, block_identifier)
    return shortfall_witness(portfolio, market, params, tuple(witness))


def is_liquidatable(w3: Web3, engine: str, portfolio: Portfolio, block_identifier: BlockIdentifier = "latest") -> bool:
    """``MarginEngine.isLiquidatable(portfolio)`` computed off-chain at one block."""
    return margin_of_from_feeds(w3, engine, portfolio, block_identifier).liquidatable
