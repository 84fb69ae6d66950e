"""MarginEngine on a local anvil: owner-only administration, parameter bounds (the library's),
events, and the feed path equal to the wei to offchain.chain.engine + offchain.twins.margin."""

from __future__ import annotations

from dataclasses import replace

import pytest
from eth_utils import keccak
from web3.exceptions import ContractCustomError

from offchain.chain import engine as engine_rpc
from offchain.chain.abi import params_from_abi, result_from_abi, revert_of
from offchain.chain.feeds import underlying_id
from offchain.twins.errors import (
    GM_EngineFeedNotSet,
    GM_EngineParamsNotSet,
    GM_EngineParamsTooLarge,
    GM_FeedNonPositive,
    GM_FeedStale,
    GM_NotOwner,
    GM_NotPendingOwner,
    GM_ParamOutOfRange,
    GM_RateOutOfRange,
    GM_TooManyPositions,
    GM_UnknownUnderlying,
    GM_VolNotPosted,
    GM_VolStale,
)
from offchain.twins.exceptions import ContractError, Outcome
from offchain.twins.margin import margin_of
from offchain.twins.types import (
    GridParams,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingPositions,
)

W = 10**18
DAY = 86_400
ETH, BTC = underlying_id("ETH"), underlying_id("BTC")
ZERO = "0x" + "00" * 20
SPOT_HEARTBEAT = 3_600
VOL_HEARTBEAT = 7_200
PARAMS = RiskParams((GridParams(), GridParams(haircut=15 * 10**16)), correlation=(W, 6 * 10**17, 6 * 10**17, W))
PARAMS_ABI = (
    "((int256[],int256,int256,int256,int256,int256[],int256,int256,int256,int256,int256)[],int256,int256[],int256)"
)
"""RiskParams' ABI type (GridParams ends with dteFloor)."""


def _send(w3, call, sender: str | None = None) -> dict:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact({"from": sender or w3.eth.default_account}))
    assert receipt["status"] == 1
    return receipt


def _outcome(call, *args, **kwargs) -> Outcome:
    """The outcome of a contract call (its revert decoded) or of the off-chain twin."""
    try:
        return ("value", call(*args, **kwargs))
    except ContractCustomError as exc:
        return ("error", revert_of(exc))
    except ContractError as exc:
        return ("error", exc)


def _reverts(w3, call, sender: str | None = None) -> object:
    """The decoded custom error of a transaction that must revert (web3 raises it when estimating gas)."""
    with pytest.raises(ContractCustomError) as raised:
        call.transact({"from": sender or w3.eth.default_account})
    return revert_of(raised.value)


def _config(feed, vol_feed, vol_id: bytes, rate: int) -> tuple:
    return (feed.address, SPOT_HEARTBEAT, vol_feed.address, vol_id, VOL_HEARTBEAT, rate)


@pytest.fixture(scope="module")
def node():
    from offchain.chain.node import deploy, start_anvil

    with start_anvil() as w3:
        engine = deploy(w3, "MarginEngine")
        eth_feed, btc_feed, vol_feed = deploy(w3, "MockAggregator"), deploy(w3, "MockAggregator"), deploy(w3, "VolFeed")
        now = w3.eth.get_block("latest")["timestamp"]
        _send(w3, eth_feed.functions.setRoundData(1, 3_012_34567890, now, now, 1))
        _send(w3, btc_feed.functions.setDecimals(18))
        _send(w3, btc_feed.functions.setRoundData(7, 61_234_567 * 10**15, now, now, 7))
        _send(w3, vol_feed.functions.setUpdater(w3.eth.default_account, True))
        expiries = [now + 7 * DAY, now + 30 * DAY, now + 90 * DAY]
        _send(w3, vol_feed.functions.postVols(ETH, expiries, [75 * 10**16, 65 * 10**16, 60 * 10**16]))
        _send(w3, vol_feed.functions.postVols(BTC, expiries, [55 * 10**16, 50 * 10**16, 48 * 10**16]))
        _send(w3, engine.functions.setRiskParams(PARAMS.as_abi()))
        _send(w3, engine.functions.setFeedConfig(0, _config(eth_feed, vol_feed, ETH, 4 * 10**16)))
        _send(w3, engine.functions.setFeedConfig(1, _config(btc_feed, vol_feed, BTC, 3 * 10**16)))
        yield w3, {"engine": engine, "eth": eth_feed, "btc": btc_feed, "vol": vol_feed, "expiries": expiries}


def _four_option_book(expiries: list[int]) -> Portfolio:
    short, mid, _ = expiries
    options = (
        OptionPosition(short, False, 2_800 * W, 10 * W),
        OptionPosition(short, True, 3_200 * W, -10 * W),
        OptionPosition(mid, False, 2_600 * W, -5 * W),
        OptionPosition(mid, True, 3_400 * W, 5 * W),
    )
    return Portfolio(50_000 * W, (UnderlyingPositions(0, 2 * W, -3 * W, 3_050 * W, options),))


def _two_underlying_book(expiries: list[int]) -> Portfolio:
    eth = _four_option_book(expiries).positions[0]
    btc = UnderlyingPositions(
        1,
        -W // 10,
        W // 2,
        60_000 * W,
        (OptionPosition(expiries[1], False, 55_000 * W, -W), OptionPosition(expiries[2], True, 70_000 * W, -W // 2)),
    )
    return Portfolio(-20_000 * W, (eth, btc))


def _block(w3) -> int:
    return w3.eth.get_block("latest")["number"]


# --------------------------------------------------------------------------------------------------
# Administration
# --------------------------------------------------------------------------------------------------


def test_deployer_is_owner_and_parameters_round_trip(node) -> None:
    w3, c = node
    engine = c["engine"]
    assert engine.functions.owner().call() == w3.eth.default_account
    assert engine.functions.pendingOwner().call() == ZERO
    assert w3.eth.get_code(engine.functions.evaluator().call()) != b""
    assert engine_rpc.fetch_risk_params(w3, engine.address) == PARAMS
    config = engine_rpc.fetch_feed_config(w3, engine.address, 0)
    assert config == engine_rpc.FeedConfig(
        c["eth"].address, SPOT_HEARTBEAT, c["vol"].address, ETH, VOL_HEARTBEAT, 4 * 10**16
    )
    assert engine_rpc.fetch_feed_config(w3, engine.address, 5) == engine_rpc.FeedConfig(ZERO, 0, ZERO, b"\0" * 32, 0, 0)


def test_setters_are_owner_only(node) -> None:
    w3, c = node
    engine, stranger = c["engine"], w3.eth.accounts[1]
    calls = [
        engine.functions.setRiskParams(PARAMS.as_abi()),
        engine.functions.setFeedConfig(0, _config(c["eth"], c["vol"], ETH, 0)),
        engine.functions.transferOwnership(stranger),
    ]
    for call in calls:
        assert _reverts(w3, call, stranger) == GM_NotOwner(stranger.lower())
    assert _reverts(w3, engine.functions.acceptOwnership(), stranger) == GM_NotPendingOwner(stranger.lower())


BAD_PARAMS = [
    replace(PARAMS, mm_factor=0),
    replace(PARAMS, mm_factor=W + 1),
    replace(PARAMS, max_options=129),
    replace(PARAMS, max_options=-1),
    replace(PARAMS, correlation=(W, W, W)),
    replace(PARAMS, correlation=(W, W + 1, W, W)),
    replace(PARAMS, grids=(GridParams(), GridParams(spot_shocks=()))),
    replace(PARAMS, grids=(GridParams(spot_shocks=(-W,)), GridParams())),
    replace(PARAMS, grids=(GridParams(extended_shocks=(0,)), GridParams())),
    replace(PARAMS, grids=(GridParams(), GridParams(extended_shocks=(W // 2,) * 17))),
    replace(PARAMS, grids=(GridParams(vol_down=W + 1), GridParams())),
    replace(PARAMS, grids=(GridParams(vol_up=10 * W + 1), GridParams())),
    replace(PARAMS, grids=(GridParams(term_power_long=-1), GridParams())),
    replace(PARAMS, grids=(GridParams(dampener=W + 1), GridParams())),
    replace(PARAMS, grids=(GridParams(), GridParams(haircut=W))),
    replace(PARAMS, grids=(GridParams(short_option_add_on=W + 1), GridParams())),
    replace(PARAMS, grids=(GridParams(spot_shocks=(4 * 10**16, 0)), GridParams())),
    replace(PARAMS, grids=(GridParams(), GridParams(spot_shocks=(-(10**16), 10**16)))),
    replace(PARAMS, grids=(GridParams(),) * 9, correlation=()),
    replace(PARAMS, correlation=(W, W // 2, W // 3, W)),
    replace(PARAMS, correlation=(0, 0, 0, W)),
    replace(PARAMS, grids=(GridParams(), GridParams(spot_shocks=tuple(range(-5, 6)), extended_shocks=(10**16,) * 16))),
    replace(PARAMS, grids=(GridParams(dte_floor=-1), GridParams())),
]


@pytest.mark.parametrize("params", BAD_PARAMS, ids=range(len(BAD_PARAMS)))
def test_out_of_bounds_params_revert_as_the_library(node, params: RiskParams) -> None:
    w3, c = node
    with pytest.raises(GM_ParamOutOfRange) as expected:
        margin_of(Portfolio(), Market(0), params)
    assert _reverts(w3, c["engine"].functions.setRiskParams(params.as_abi())) == expected.value
    assert engine_rpc.fetch_risk_params(w3, c["engine"].address) == PARAMS  # unchanged


def test_set_risk_params_emits_and_replaces(node) -> None:
    from offchain.chain.node import deploy

    w3, _ = node
    engine = deploy(w3, "MarginEngine")
    assert _outcome(engine.functions.riskParams().call) == ("error", GM_EngineParamsNotSet(engine.address.lower()))
    with pytest.raises(GM_EngineParamsNotSet):
        engine_rpc.fetch_risk_params(w3, engine.address)
    for params in (PARAMS, RiskParams((GridParams(spot_shocks=(-W // 10, 0, W // 10), extended_shocks=()),), W, (), 0)):
        receipt = _send(w3, engine.functions.setRiskParams(params.as_abi()))
        (event,) = engine.events.RiskParamsSet().process_receipt(receipt)
        encoded = w3.codec.encode(
            [PARAMS_ABI],
            [params.as_abi()],
        )
        assert event.args.paramsHash == keccak(encoded)
        assert params_from_abi(event.args.params) == params
        assert engine_rpc.fetch_risk_params(w3, engine.address) == params


def test_set_feed_config_checks_the_rate_and_emits(node) -> None:
    from offchain.chain.node import deploy

    w3, c = node
    engine = deploy(w3, "MarginEngine")
    for rate in (-1, W + 1):
        assert _reverts(
            w3, engine.functions.setFeedConfig(3, _config(c["eth"], c["vol"], ETH, rate))
        ) == GM_RateOutOfRange(3, rate)
    config = _config(c["eth"], c["vol"], ETH, W)
    receipt = _send(w3, engine.functions.setFeedConfig(3, config))
    (event,) = engine.events.FeedConfigSet().process_receipt(receipt)
    assert event.args.underlying == 3 and tuple(event.args.config.values()) == config
    assert engine_rpc.fetch_feed_config(w3, engine.address, 3) == engine_rpc.FeedConfig(*config)


def test_two_step_ownership_transfer(node) -> None:
    from offchain.chain.node import deploy

    w3, _ = node
    engine = deploy(w3, "MarginEngine")
    alice, bob = w3.eth.default_account, w3.eth.accounts[1]
    receipt = _send(w3, engine.functions.transferOwnership(bob))
    (started,) = engine.events.OwnershipTransferStarted().process_receipt(receipt)
    assert (started.args.previousOwner, started.args.newOwner) == (alice, bob)
    assert engine.functions.owner().call() == alice and engine.functions.pendingOwner().call() == bob
    assert _reverts(w3, engine.functions.acceptOwnership(), alice) == GM_NotPendingOwner(alice.lower())
    receipt = _send(w3, engine.functions.acceptOwnership(), bob)
    (moved,) = engine.events.OwnershipTransferred().process_receipt(receipt)
    assert (moved.args.previousOwner, moved.args.newOwner) == (alice, bob)
    assert engine.functions.owner().call() == bob and engine.functions.pendingOwner().call() == ZERO
    assert _reverts(w3, engine.functions.setRiskParams(PARAMS.as_abi()), alice) == GM_NotOwner(alice.lower())
    _send(w3, engine.functions.setRiskParams(PARAMS.as_abi()), bob)
    # A proposal can be cancelled by proposing the zero address.
    _send(w3, engine.functions.transferOwnership(alice), bob)
    _send(w3, engine.functions.transferOwnership(ZERO), bob)
    assert _reverts(w3, engine.functions.acceptOwnership(), alice) == GM_NotPendingOwner(alice.lower())


# --------------------------------------------------------------------------------------------------
# Valuation from the feeds, against the Python engine
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("book", [_four_option_book, _two_underlying_book, lambda e: Portfolio(10 * W)])
def test_margin_from_feeds_equals_the_python_engine(node, book) -> None:
    w3, c = node
    engine = c["engine"]
    portfolio = book(c["expiries"])
    block = _block(w3)
    market, params = engine_rpc.market_from_feeds(w3, engine.address, portfolio, block)
    assert params == PARAMS and market.timestamp == w3.eth.get_block(block)["timestamp"]
    chain_market = engine.functions.marketFromFeeds(portfolio.as_abi()).call(block_identifier=block)
    assert _abi(chain_market) == _abi(market.as_abi())
    expected = margin_of(portfolio, market, params)
    onchain = engine.functions.marginOfFromFeeds(portfolio.as_abi()).call(block_identifier=block)
    assert result_from_abi(onchain) == expected
    assert engine_rpc.margin_of_from_feeds(w3, engine.address, portfolio, block) == expected
    # Explicit market, stored parameters; explicit everything.
    assert result_from_abi(engine.functions.marginOf(portfolio.as_abi(), market.as_abi()).call()) == expected
    explicit = engine.functions.marginOfWithParams(portfolio.as_abi(), market.as_abi(), params.as_abi()).call()
    assert result_from_abi(explicit) == expected
    assert engine.functions.isLiquidatable(portfolio.as_abi()).call(block_identifier=block) == expected.liquidatable
    assert engine_rpc.is_liquidatable(w3, engine.address, portfolio, block) == expected.liquidatable
    witness = [u.worst_scenario for u in expected.underlyings]
    onchain_witness = engine.functions.shortfallWitness(portfolio.as_abi(), witness).call(block_identifier=block)
    offchain_witness = engine_rpc.shortfall_witness_from_feeds(w3, engine.address, portfolio, tuple(witness), block)
    assert tuple(onchain_witness) == offchain_witness
    assert offchain_witness[0] == expected.equity and offchain_witness[1] <= expected.maintenance_margin


def _abi(value):
    if isinstance(value, (list, tuple)):
        return tuple(_abi(v) for v in value)
    return value


def test_liquidatable_book(node) -> None:
    w3, c = node
    engine = c["engine"]
    book = _four_option_book(c["expiries"])
    poor = replace(book, cash=0, positions=(replace(book.positions[0], balance=0),))
    block = _block(w3)
    expected = engine_rpc.margin_of_from_feeds(w3, engine.address, poor, block)
    assert expected.liquidatable
    assert engine.functions.isLiquidatable(poor.as_abi()).call(block_identifier=block) is True


def test_gas_of_margin_from_feeds_for_a_four_option_book(node) -> None:
    w3, c = node
    portfolio = _four_option_book(c["expiries"])
    from offchain.chain.node import deploy

    gas = c["engine"].functions.marginOfFromFeeds(portfolio.as_abi()).estimate_gas()
    market, params = engine_rpc.market_from_feeds(w3, c["engine"].address, portfolio)
    harness = deploy(w3, "MarginEvaluator")
    library = harness.functions.marginOf(portfolio.as_abi(), market.as_abi(), params.as_abi()).estimate_gas()
    print(
        f"\nmarginOfFromFeeds, 4-option ETH book, 2 default grids: {gas} gas; "
        f"MarginEvaluator.marginOf on the same inputs: {library} (both transaction included)"
    )
    assert gas < 3_000_000


def test_largest_admitted_account_from_the_feeds_fits_well_inside_30m_gas(node) -> None:
    """128 option series, each in its own expiry (one vol read each), on a grid of 48 scenarios:
    max_options x scenarios at the bound (6,144). The whole marginOfFromFeeds transaction, the
    library's ~19.2M plus the feed reads and the engine's own work (~20.2M), stays below 22M."""
    from offchain.chain.node import deploy

    w3, c = node
    engine, spot = deploy(w3, "MarginEngine"), deploy(w3, "MockAggregator")
    now = w3.eth.get_block("latest")["timestamp"]
    _send(w3, spot.functions.setRoundData(1, 3_000 * 10**8, now, now, 1))
    vol_id = underlying_id("WIDE")
    expiries = [now + (1 + d) * DAY for d in range(128)]
    for chunk in (expiries[:64], expiries[64:]):
        _send(w3, c["vol"].functions.postVols(vol_id, chunk, [60 * 10**16] * len(chunk)))
    grid = GridParams(spot_shocks=tuple(k * 2 * 10**16 for k in range(-8, 8)), extended_shocks=())
    _send(w3, engine.functions.setRiskParams(RiskParams((grid,)).as_abi()))
    _send(w3, engine.functions.setFeedConfig(0, _config(spot, c["vol"], vol_id, 5 * 10**16)))
    options = tuple(OptionPosition(e, i % 2 == 0, 4_000 * W, (-1) ** i * 3 * W) for i, e in enumerate(expiries))
    portfolio = Portfolio(10**6 * W, (UnderlyingPositions(0, 5 * W, -2 * W, 2_900 * W, options),))
    block = _block(w3)
    onchain = engine.functions.marginOfFromFeeds(portfolio.as_abi()).call(block_identifier=block)
    assert result_from_abi(onchain) == engine_rpc.margin_of_from_feeds(w3, engine.address, portfolio, block)
    gas = engine.functions.marginOfFromFeeds(portfolio.as_abi()).estimate_gas()
    print(f"\nmarginOfFromFeeds, 128 options in 128 expiries, 48 scenarios: {gas} gas")
    assert gas < 22_000_000


def _both(w3, engine, portfolio: Portfolio, witness: list[int] | None = None) -> tuple[object, object]:
    block = _block(w3)
    if witness is None:
        onchain = _outcome(engine.functions.marginOfFromFeeds(portfolio.as_abi()).call, block_identifier=block)
        offchain = _outcome(engine_rpc.margin_of_from_feeds, w3, engine.address, portfolio, block)
    else:
        onchain = _outcome(engine.functions.shortfallWitness(portfolio.as_abi(), witness).call, block_identifier=block)
        offchain = _outcome(
            engine_rpc.shortfall_witness_from_feeds, w3, engine.address, portfolio, tuple(witness), block
        )
    return onchain, offchain


def test_feed_errors_propagate_on_both_sides(node) -> None:
    w3, c = node
    engine, eth_feed = c["engine"], c["eth"]
    portfolio = _four_option_book(c["expiries"])
    feed = eth_feed.address.lower()
    now = w3.eth.get_block("latest")["timestamp"]
    try:
        _send(
            w3, eth_feed.functions.setRoundData(2, 3_000 * 10**8, now - 2 * SPOT_HEARTBEAT, now - 2 * SPOT_HEARTBEAT, 2)
        )
        onchain, offchain = _both(w3, engine, portfolio)
        assert onchain == offchain == ("error", GM_FeedStale(feed, now - 2 * SPOT_HEARTBEAT, SPOT_HEARTBEAT))
        _send(w3, eth_feed.functions.setRoundData(3, -5, now, now, 3))
        onchain, offchain = _both(w3, engine, portfolio)
        assert onchain == offchain == ("error", GM_FeedNonPositive(feed, -5))
        onchain, offchain = _both(w3, engine, portfolio, [0])
        assert onchain == offchain == ("error", GM_FeedNonPositive(feed, -5))
    finally:
        now = w3.eth.get_block("latest")["timestamp"]
        _send(w3, eth_feed.functions.setRoundData(4, 3_012_34567890, now, now, 4))
    # A vol never posted for an expiry the book uses, and a stale one.
    unposted = replace(
        portfolio,
        positions=(
            replace(portfolio.positions[0], options=(OptionPosition(c["expiries"][2] + DAY, True, 3_000 * W, W),)),
        ),
    )
    onchain, offchain = _both(w3, engine, unposted)
    assert onchain == offchain == ("error", GM_VolNotPosted(c["vol"].address.lower(), ETH, c["expiries"][2] + DAY))


def test_stale_vol_propagates(node) -> None:
    w3, c = node
    engine, vol_feed = c["engine"], c["vol"]
    expiry = c["expiries"][2] + 2 * DAY
    receipt = _send(w3, vol_feed.functions.postVol(ETH, expiry, W // 2))
    posted = w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    w3.provider.make_request("evm_increaseTime", [VOL_HEARTBEAT + 1])
    w3.provider.make_request("evm_mine", [])
    now = w3.eth.get_block("latest")["timestamp"]
    _send(w3, c["eth"].functions.setRoundData(5, 3_000 * 10**8, now, now, 5))
    _send(w3, c["btc"].functions.setRoundData(8, 60_000 * W, now, now, 8))
    book = Portfolio(0, (UnderlyingPositions(0, options=(OptionPosition(expiry, False, 2_500 * W, W),)),))
    onchain, offchain = _both(w3, engine, book)
    assert onchain == offchain == ("error", GM_VolStale(vol_feed.address.lower(), ETH, expiry, posted, VOL_HEARTBEAT))
    # Refresh every series so later tests see fresh vols.
    _send(w3, vol_feed.functions.postVols(ETH, c["expiries"], [75 * 10**16, 65 * 10**16, 60 * 10**16]))
    _send(w3, vol_feed.functions.postVols(BTC, c["expiries"], [55 * 10**16, 50 * 10**16, 48 * 10**16]))


def test_configuration_errors(node) -> None:
    from offchain.chain.node import deploy

    w3, c = node
    engine = c["engine"]
    book = _four_option_book(c["expiries"])
    unknown = replace(book, positions=(replace(book.positions[0], underlying=2),))
    assert _both(w3, engine, unknown) == (("error", GM_UnknownUnderlying(2)),) * 2
    # Three grids but no feed for underlying 2.
    fresh = deploy(w3, "MarginEngine")
    _send(
        w3,
        fresh.functions.setRiskParams(replace(PARAMS, grids=PARAMS.grids + (GridParams(),), correlation=()).as_abi()),
    )
    assert _both(w3, fresh, unknown) == (("error", GM_EngineFeedNotSet(2)),) * 2
    # Unset parameters.
    empty = deploy(w3, "MarginEngine")
    assert _both(w3, empty, book) == (("error", GM_EngineParamsNotSet(empty.address.lower())),) * 2


def test_max_options_is_enforced_by_the_library(node) -> None:
    from offchain.chain.node import deploy

    w3, c = node
    engine = deploy(w3, "MarginEngine")
    _send(w3, engine.functions.setRiskParams(replace(PARAMS, max_options=3).as_abi()))
    _send(w3, engine.functions.setFeedConfig(0, _config(c["eth"], c["vol"], ETH, 0)))
    book = _four_option_book(c["expiries"])
    assert _both(w3, engine, book) == (("error", GM_TooManyPositions(4, 3)),) * 2
    trimmed = replace(book, positions=(replace(book.positions[0], options=book.positions[0].options[:3]),))
    onchain, offchain = _both(w3, engine, trimmed)
    assert onchain[0] == "value" and result_from_abi(onchain[1]) == offchain[1]


def test_parameters_above_the_code_size_limit_are_rejected(node) -> None:
    from offchain.chain.node import deploy

    w3, _ = node
    engine = deploy(w3, "MarginEngine")
    wide = GridParams(
        spot_shocks=tuple(range(-32 * 10**16, 32 * 10**16, 10**16)), extended_shocks=tuple((-W // 2, W // 2) * 8)
    )
    # 8 grids (the most) of 64 + 16 shocks (29 options x 208 scenarios: within the gas bound) and a full
    # 8 x 8 correlation matrix: valid, but above the code-size limit.
    correlation = tuple(W if i == j else W // 2 for i in range(8) for j in range(8))
    params = RiskParams((wide,) * 8, correlation=correlation, max_options=29)
    margin_of(Portfolio(), Market(0), params)  # the library accepts them
    size = len(w3.codec.encode([PARAMS_ABI], [params.as_abi()]))
    assert size > 24_576
    call = engine.functions.setRiskParams(params.as_abi())
    assert _reverts(w3, call) == GM_EngineParamsTooLarge(size, 24_576)
    accepted = RiskParams((wide,) * 8, max_options=29)
    _send(w3, engine.functions.setRiskParams(accepted.as_abi()))
    assert engine_rpc.fetch_risk_params(w3, engine.address) == accepted
