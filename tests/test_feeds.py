"""The market-data layer: FeedReader.sol and offchain/twins/feeds.py are exact twins; VolFeed and the
mock aggregator behave as documented; the web3 readers return what the contract returns.

Pure logic (normalizeSpot, checkVol): differential EVM vs Python over every edge, seeded random
cases and Hypothesis. End to end (readSpot, readVol through real feed contracts): a stateful pyrevm
(tests/feed_differential.StatefulEVM) and, for the JSON-RPC readers and gas, a local anvil.
"""

from __future__ import annotations

import ast
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from eth_utils import to_normalized_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offchain.chain.abi import call_outcome
from offchain.chain.feeds import fetch_round_data, fetch_vol, read_spot, read_vol, underlying_id
from offchain.differential.feeds import (
    DEPLOYER,
    ETH,
    FEED,
    T0,
    UINT64_MAX,
    UINT80_MAX,
    WAD,
    FeedOracle,
    Reverted,
    StatefulEVM,
    args_from_json,
    outcome_to_json,
    random_spot_case,
    random_vol_case,
    spot_edge_cases,
    vol_edge_cases,
)
from offchain.twins import errors, feeds
from offchain.twins.abivalues import normalized_address
from offchain.twins.errors import (
    GM_FeedFromFuture,
    GM_FeedIncompleteRound,
    GM_FeedNonPositive,
    GM_FeedStale,
    GM_FeedUnrepresentable,
    GM_NotOwner,
    GM_NotPendingOwner,
    GM_VolFromFuture,
    GM_VolLengthMismatch,
    GM_VolNotPosted,
    GM_VolOutOfBounds,
    GM_VolStale,
    GM_VolUnauthorized,
)
from offchain.twins.exceptions import Outcome, outcome
from offchain.twins.feeds import MAX_VOL_WAD, RoundData, check_vol, normalize_spot
from offchain.twins.intmath import INT256_MAX, INT256_MIN, UINT256_MAX

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests/vectors/feeds.json").read_text())["cases"]
SPOT_ERRORS = {
    "GM_FeedNonPositive",
    "GM_FeedIncompleteRound",
    "GM_FeedFromFuture",
    "GM_FeedStale",
    "GM_FeedDecimalsUnsupported",
    "GM_FeedUnrepresentable",
}
VOL_READ_ERRORS = {"GM_VolNotPosted", "GM_VolOutOfBounds", "GM_VolFromFuture", "GM_VolStale"}
ALICE = "0x" + "a1" * 20
BOB = "0x" + "b0" * 20
BTC = b"BTC".ljust(32, b"\0")
DAY = 86400


@pytest.fixture(scope="module")
def oracle() -> FeedOracle:
    return FeedOracle()


def _kind(outcome: Outcome) -> str:
    return type(outcome[1]).__name__ if outcome[0] == "error" else "value"


# --------------------------------------------------------------------------------------------------
# The twins stay twins
# --------------------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _functions(path: str) -> list[str]:
    return [node.name for node in ast.parse((ROOT / path).read_text()).body if isinstance(node, ast.FunctionDef)]


def test_solidity_and_python_list_the_same_functions_in_the_same_order() -> None:
    """The pure functions are twinned in offchain/twins/feeds.py, the two that read feeds (I/O) in
    offchain/chain/feeds.py; each module in the Solidity order."""
    source = (ROOT / "contracts/libraries/FeedReader.sol").read_text()
    solidity = [_snake(n) for n in re.findall(r"^\s*function (\w+)\(", source, re.MULTILINE)]
    reads = [n for n in _functions("offchain/chain/feeds.py") if n in solidity]
    assert reads == ["read_spot", "read_vol"]
    assert [n for n in solidity if n not in reads] == _functions("offchain/twins/feeds.py")


def test_round_data_fields_match_the_solidity_struct() -> None:
    source = (ROOT / "contracts/libraries/FeedReader.sol").read_text()
    body = re.search(r"struct RoundData \{([^}]*)\}", source)[1]
    assert [_snake(f) for f in re.findall(r"\w+ (\w+);", body)] == list(RoundData._fields)


def test_constants_match_solidity() -> None:
    reader = (ROOT / "contracts/libraries/FeedReader.sol").read_text()
    vol = (ROOT / "contracts/interfaces/IVolFeed.sol").read_text()
    max_decimals = re.search(r"^uint8 constant MAX_FEED_DECIMALS = (\d+);", reader, re.MULTILINE)[1]
    assert int(max_decimals) == feeds.MAX_FEED_DECIMALS
    assert re.search(r"^int256 constant MAX_VOL_WAD = 10e18;", vol, re.MULTILINE) and MAX_VOL_WAD == 10 * WAD


def test_feeds_module_has_no_floats() -> None:
    for node in ast.walk(ast.parse((ROOT / "offchain/twins/feeds.py").read_text())):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), node.lineno


def test_every_feed_error_is_declared_with_the_documented_arguments() -> None:
    expected = {
        "GM_FeedNonPositive": ("address", "int256"),
        "GM_FeedIncompleteRound": ("address", "uint80", "uint80"),
        "GM_FeedFromFuture": ("address", "uint256", "uint256"),
        "GM_FeedStale": ("address", "uint256", "uint256"),
        "GM_FeedDecimalsUnsupported": ("address", "uint8"),
        "GM_FeedUnrepresentable": ("address", "int256", "uint8"),
        "GM_VolNotPosted": ("address", "bytes32", "uint64"),
        "GM_VolOutOfBounds": ("bytes32", "uint64", "int256"),
        "GM_VolFromFuture": ("address", "bytes32", "uint64", "uint256", "uint256"),
        "GM_VolStale": ("address", "bytes32", "uint64", "uint256", "uint256"),
        "GM_VolUnauthorized": ("address",),
        "GM_NotOwner": ("address",),
        "GM_NotPendingOwner": ("address",),
        "GM_VolLengthMismatch": ("uint256", "uint256"),
    }
    declared = {cls.__name__: cls.arg_types for cls in errors.ALL_ERRORS}
    assert {name: declared.get(name) for name in expected} == expected


# --------------------------------------------------------------------------------------------------
# Semantics, on the Python twin (the differential tests below carry them to the contract)
# --------------------------------------------------------------------------------------------------


def _round(answer: int, updated_at: int = T0, round_id: int = 1, answered_in_round: int | None = None) -> RoundData:
    answered = round_id if answered_in_round is None else answered_in_round
    return RoundData(round_id, answer, updated_at, updated_at, answered)


def test_scaling_to_wad() -> None:
    assert normalize_spot(FEED, 8, _round(2000_12345678), 60, T0) == 2000_123456780000000000
    assert normalize_spot(FEED, 6, _round(1_000_001), 60, T0) == 1_000_001 * 10**12
    assert normalize_spot(FEED, 18, _round(5 * WAD + 3), 60, T0) == 5 * WAD + 3
    assert normalize_spot(FEED, 0, _round(7), 60, T0) == 7 * WAD
    assert normalize_spot(FEED, 36, _round(10**36), 60, T0) == WAD


def test_more_than_18_decimals_rounds_down_and_never_to_zero() -> None:
    assert normalize_spot(FEED, 24, _round(1_999_999), 60, T0) == 1
    assert normalize_spot(FEED, 24, _round(2_000_000), 60, T0) == 2
    with pytest.raises(GM_FeedUnrepresentable) as raised:
        normalize_spot(FEED, 24, _round(999_999), 60, T0)
    assert raised.value == GM_FeedUnrepresentable(FEED.lower(), 999_999, 24)


def test_scaling_overflow_is_a_named_error() -> None:
    limit = INT256_MAX // 10**10
    assert normalize_spot(FEED, 8, _round(limit), 60, T0) == limit * 10**10
    with pytest.raises(GM_FeedUnrepresentable):
        normalize_spot(FEED, 8, _round(limit + 1), 60, T0)


def test_heartbeat_boundary_is_fresh_and_one_second_more_is_stale() -> None:
    assert normalize_spot(FEED, 8, _round(10**8, T0 - 3600), 3600, T0) == WAD
    with pytest.raises(GM_FeedStale) as raised:
        normalize_spot(FEED, 8, _round(10**8, T0 - 3601), 3600, T0)
    assert raised.value.args == (FEED.lower(), T0 - 3601, 3600)
    assert normalize_spot(FEED, 8, _round(10**8, T0), 0, T0) == WAD  # heartbeat 0: this block only
    with pytest.raises(GM_FeedFromFuture) as raised:
        normalize_spot(FEED, 8, _round(10**8, T0 + 1), 3600, T0)
    assert raised.value.args == (FEED.lower(), T0 + 1, T0)


def test_round_checks() -> None:
    with pytest.raises(GM_FeedNonPositive):
        normalize_spot(FEED, 8, _round(0), 60, T0)
    with pytest.raises(GM_FeedIncompleteRound) as raised:
        normalize_spot(FEED, 8, _round(10**8, round_id=5, answered_in_round=4), 60, T0)
    assert raised.value.args == (FEED.lower(), 5, 4)
    assert normalize_spot(FEED, 8, _round(10**8, round_id=5, answered_in_round=6), 60, T0) == WAD


def test_checks_run_in_the_documented_order() -> None:
    # answer, round, future, stale, decimals, scaling: the first failing check names the error.
    bad = {"decimals": 255, "round_data": RoundData(7, -5, 0, T0 + 5, 3), "heartbeat": 0, "now": T0}
    expected = [GM_FeedNonPositive, GM_FeedIncompleteRound, GM_FeedFromFuture, GM_FeedStale]
    fixes = [
        lambda b: b | {"round_data": b["round_data"]._replace(answer=5)},
        lambda b: b | {"round_data": b["round_data"]._replace(answered_in_round=7)},
        lambda b: b | {"round_data": b["round_data"]._replace(updated_at=T0 - 5)},
        lambda b: b | {"heartbeat": 5},
    ]
    for error, fix in zip(expected, fixes, strict=True):
        with pytest.raises(error):
            normalize_spot(FEED, **bad)
        bad = fix(bad)
    with pytest.raises(errors.GM_FeedDecimalsUnsupported):
        normalize_spot(FEED, **bad)
    with pytest.raises(GM_FeedUnrepresentable):
        normalize_spot(FEED, **(bad | {"decimals": 30}))


def test_vol_checks() -> None:
    assert check_vol(FEED, ETH, T0 + DAY, 65 * WAD // 100, T0 - 60, 3600, T0) == 65 * WAD // 100
    assert check_vol(FEED, ETH, T0 + DAY, MAX_VOL_WAD, T0 - 3600, 3600, T0) == MAX_VOL_WAD
    assert check_vol(FEED, ETH, T0 + DAY, 1, T0, 0, T0) == 1
    cases = [
        ((0, 0), GM_VolNotPosted(FEED.lower(), ETH, T0 + DAY)),
        ((WAD, 0), GM_VolNotPosted(FEED.lower(), ETH, T0 + DAY)),
        ((0, T0), GM_VolOutOfBounds(ETH, T0 + DAY, 0)),
        ((MAX_VOL_WAD + 1, T0), GM_VolOutOfBounds(ETH, T0 + DAY, MAX_VOL_WAD + 1)),
        ((-WAD, T0 + 1), GM_VolOutOfBounds(ETH, T0 + DAY, -WAD)),
        ((WAD, T0 + 1), GM_VolFromFuture(FEED.lower(), ETH, T0 + DAY, T0 + 1, T0)),
        ((WAD, T0 - 3601), GM_VolStale(FEED.lower(), ETH, T0 + DAY, T0 - 3601, 3600)),
    ]
    for (vol, updated_at), error in cases:
        with pytest.raises(type(error)) as raised:
            check_vol(FEED, ETH, T0 + DAY, vol, updated_at, 3600, T0)
        assert raised.value == error


def test_python_twin_reports_addresses_as_the_evm_decodes_them() -> None:
    mixed = "0x" + "aB" * 20
    with pytest.raises(GM_FeedNonPositive) as raised:
        normalize_spot(mixed, 8, _round(0), 60, T0)
    assert raised.value.args[0] == mixed.lower()
    with pytest.raises(ValueError):
        check_vol(FEED, b"ETH", T0, WAD, T0, 0, T0)


@given(st.binary(min_size=20, max_size=20), st.sampled_from(["0x", "0X", ""]), st.booleans())
def test_address_normalisation_is_eth_utils(raw: bytes, prefix: str, upper: bool) -> None:
    """The twins normalise addresses without eth-utils, exactly as its to_normalized_address does."""
    address = prefix + (raw.hex().upper() if upper else raw.hex())
    assert normalized_address(address) == to_normalized_address(address)


BAD_ADDRESSES = ["0x" + "ab" * 19, "0x" + "ab" * 21, "0x" + "ag" * 20, " 0x" + "ab" * 20, "0x" + "ab" * 20 + "\n"]


@pytest.mark.parametrize("bad", BAD_ADDRESSES)
def test_address_normalisation_refuses_what_eth_utils_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        to_normalized_address(bad)
    with pytest.raises(ValueError):
        normalized_address(bad)


def test_bytes32_error_arguments_print_as_hex() -> None:
    """GM_VolNotPosted used to print its underlying as b'ETH\\x00...'."""
    error = GM_VolNotPosted("0x" + "ab" * 20, ETH, 5)
    assert str(error) == f"GM_VolNotPosted(0x{'ab' * 20}, 0x{ETH.hex()}, 5)"
    assert str(GM_VolOutOfBounds(ETH, 5, -1)) == f"GM_VolOutOfBounds(0x{ETH.hex()}, 5, -1)"


# --------------------------------------------------------------------------------------------------
# Differential: FeedHarness (EVM) vs offchain.twins.feeds
# --------------------------------------------------------------------------------------------------


def test_normalize_spot_edges(oracle: FeedOracle) -> None:
    cases = list(spot_edge_cases())
    mismatches = [m for m in (oracle.mismatch("normalizeSpot", args) for args in cases) if m]
    assert not mismatches, "\n".join(mismatches[:5])
    reached = Counter(_kind(oracle.offchain("normalizeSpot", args)) for args in cases)
    assert set(reached) == SPOT_ERRORS | {"value"}, reached


def test_check_vol_edges(oracle: FeedOracle) -> None:
    cases = list(vol_edge_cases())
    mismatches = [m for m in (oracle.mismatch("checkVol", args) for args in cases) if m]
    assert not mismatches, "\n".join(mismatches[:5])
    reached = Counter(_kind(oracle.offchain("checkVol", args)) for args in cases)
    assert set(reached) == VOL_READ_ERRORS | {"value"}, reached


@pytest.mark.parametrize("seed", range(4))
def test_normalize_spot_random(oracle: FeedOracle, seed: int) -> None:
    rng = random.Random(seed)
    mismatches = [m for m in (oracle.mismatch("normalizeSpot", random_spot_case(rng)) for _ in range(1500)) if m]
    assert not mismatches, "\n".join(mismatches[:5])


@pytest.mark.parametrize("seed", range(4))
def test_check_vol_random(oracle: FeedOracle, seed: int) -> None:
    rng = random.Random(1000 + seed)
    mismatches = [m for m in (oracle.mismatch("checkVol", random_vol_case(rng)) for _ in range(1500)) if m]
    assert not mismatches, "\n".join(mismatches[:5])


_uint256 = st.one_of(
    st.integers(0, UINT256_MAX), st.integers(T0 - 10 * DAY, T0 + 10 * DAY), st.sampled_from([0, 1, UINT256_MAX])
)
_address = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feed=_address,
    decimals=st.one_of(st.integers(0, 40), st.integers(0, 255)),
    round_id=st.integers(0, UINT80_MAX),
    answered_delta=st.integers(-2, 2),
    answer=st.one_of(st.integers(INT256_MIN, INT256_MAX), st.integers(-10, 10**40)),
    started_at=_uint256,
    updated_at=_uint256,
    heartbeat=st.one_of(_uint256, st.integers(0, 2 * DAY)),
    now=_uint256,
)
def test_normalize_spot_hypothesis(
    oracle, feed, decimals, round_id, answered_delta, answer, started_at, updated_at, heartbeat, now
) -> None:
    answered = min(UINT80_MAX, max(0, round_id + answered_delta))
    args = [feed, decimals, [round_id, answer, started_at, updated_at, answered], heartbeat, now]
    assert oracle.mismatch("normalizeSpot", args) is None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    vol_feed=_address,
    underlying=st.binary(min_size=32, max_size=32),
    expiry=st.integers(0, UINT64_MAX),
    vol=st.one_of(st.integers(INT256_MIN, INT256_MAX), st.integers(-2, MAX_VOL_WAD + 2)),
    updated_at=_uint256,
    heartbeat=st.one_of(_uint256, st.integers(0, 2 * DAY)),
    now=_uint256,
)
def test_check_vol_hypothesis(oracle, vol_feed, underlying, expiry, vol, updated_at, heartbeat, now) -> None:
    assert oracle.mismatch("checkVol", [vol_feed, underlying, expiry, vol, updated_at, heartbeat, now]) is None


# --------------------------------------------------------------------------------------------------
# Golden vectors
# --------------------------------------------------------------------------------------------------


def test_vectors_cover_every_function_and_error() -> None:
    assert {c["fn"] for c in VECTORS} == {"normalizeSpot", "checkVol"}
    assert {c["expect"].get("error", "value") for c in VECTORS} == SPOT_ERRORS | VOL_READ_ERRORS | {"value"}


def test_vectors_offchain() -> None:
    wrong = [
        f"{c['fn']}{c['args']}: {got}"
        for c in VECTORS
        if (got := outcome_to_json(FeedOracle.offchain(c["fn"], args_from_json(c["fn"], c["args"])))) != c["expect"]
    ]
    assert not wrong, "\n".join(wrong[:5])


def test_vectors_onchain(oracle: FeedOracle) -> None:
    wrong = [
        f"{c['fn']}{c['args']}: {got}"
        for c in VECTORS
        if (got := outcome_to_json(oracle.onchain(c["fn"], args_from_json(c["fn"], c["args"])))) != c["expect"]
    ]
    assert not wrong, "\n".join(wrong[:5])


# --------------------------------------------------------------------------------------------------
# End to end on a stateful EVM: readSpot through MockAggregator, readVol through VolFeed
# --------------------------------------------------------------------------------------------------


@pytest.fixture()
def chain() -> StatefulEVM:
    return StatefulEVM()


def test_read_spot_through_a_feed_equals_the_python_twin(chain: StatefulEVM) -> None:
    aggregator, harness = chain.deploy("MockAggregator"), chain.deploy("FeedHarness")
    rng = random.Random(5)
    kinds = Counter()
    for _ in range(250):
        _feed, decimals, round_data, heartbeat, now = random_spot_case(rng)
        chain.transact(aggregator, "setDecimals", decimals)
        chain.transact(aggregator, "setRoundData", *round_data)
        assert chain.call(aggregator, "latestRoundData") == tuple(round_data)
        onchain = outcome(chain.call, harness, "readSpot", aggregator, heartbeat, now)
        offchain = outcome(normalize_spot, aggregator, decimals, RoundData(*round_data), heartbeat, now)
        assert onchain == offchain, (decimals, round_data, heartbeat, now)
        kinds[_kind(onchain)] += 1
    assert set(kinds) == SPOT_ERRORS | {"value"}, kinds


def test_read_spot_propagates_feed_failures(chain: StatefulEVM) -> None:
    harness = chain.deploy("FeedHarness")
    with pytest.raises(Reverted):  # no code at the address: the call's empty return data fails to decode
        chain.call(harness, "readSpot", "0x" + "12" * 20, 60, T0)
    aggregator = chain.deploy("MockAggregator")
    with pytest.raises(GM_FeedNonPositive):  # a feed that never reported: round 0, answer 0
        chain.call(harness, "readSpot", aggregator, 60, T0)


def test_mock_aggregator(chain: StatefulEVM) -> None:
    aggregator = chain.deploy("MockAggregator")
    assert chain.call(aggregator, "decimals") == 8
    assert chain.call(aggregator, "description") == "MockAggregator"
    assert chain.call(aggregator, "version") == 4
    chain.transact(aggregator, "setRoundData", 3, 100, 1, 2, 3)
    chain.transact(aggregator, "setRoundData", 4, -7, 5, 6, 3)
    assert chain.call(aggregator, "latestRoundData") == (4, -7, 5, 6, 3)
    assert chain.call(aggregator, "getRoundData", 3) == (3, 100, 1, 2, 3)
    with pytest.raises(Reverted, match="No data present"):
        chain.call(aggregator, "getRoundData", 5)
    chain.transact(aggregator, "setDecimals", 18)
    assert chain.call(aggregator, "decimals") == 18


def _vol_feed(chain: StatefulEVM, updater: str = ALICE) -> str:
    vol_feed = chain.deploy("VolFeed")
    chain.transact(vol_feed, "setUpdater", updater, True)
    return vol_feed


def test_read_vol_through_the_feed_equals_the_python_twin(chain: StatefulEVM) -> None:
    vol_feed, harness = _vol_feed(chain), chain.deploy("FeedHarness")
    rng = random.Random(9)
    expiries = [T0 + d * DAY for d in (1, 7, 30, 90)]
    kinds = Counter()
    for step in range(200):
        chain.set_timestamp(T0 + 600 * step)
        expiry = rng.choice(expiries)
        if rng.random() < 0.5:
            chain.transact(vol_feed, "postVol", ETH, expiry, rng.randint(1, MAX_VOL_WAD), sender=ALICE)
        underlying = rng.choice([ETH, ETH, ETH, BTC])
        now = chain.timestamp + rng.choice([-1200, -1, 0, 0, 0, 1800, 3600, 3601, 7200])
        heartbeat = rng.choice([0, 600, 3600])
        vol, updated_at = chain.call(vol_feed, "getVol", underlying, expiry)
        onchain = outcome(chain.call, harness, "readVol", vol_feed, underlying, expiry, heartbeat, now)
        offchain = outcome(check_vol, vol_feed, underlying, expiry, vol, updated_at, heartbeat, now)
        assert onchain == offchain
        kinds[_kind(onchain)] += 1
    assert set(kinds) == (VOL_READ_ERRORS - {"GM_VolOutOfBounds"}) | {"value"}, kinds


# --------------------------------------------------------------------------------------------------
# VolFeed: access control, events, bounds, batches
# --------------------------------------------------------------------------------------------------


def test_deployer_is_owner_and_nobody_is_an_updater(chain: StatefulEVM) -> None:
    vol_feed = chain.deploy("VolFeed")
    assert [(log.name, log.args) for log in chain.deploy_logs] == [
        ("OwnershipTransferred", {"previousOwner": "0x" + "00" * 20, "newOwner": DEPLOYER})
    ]
    assert chain.call(vol_feed, "owner") == DEPLOYER
    assert chain.call(vol_feed, "pendingOwner") == "0x" + "00" * 20
    assert not chain.call(vol_feed, "isUpdater", DEPLOYER)
    with pytest.raises(GM_VolUnauthorized) as raised:
        chain.transact(vol_feed, "postVol", ETH, T0 + DAY, WAD)
    assert raised.value == GM_VolUnauthorized(DEPLOYER)


def test_only_the_owner_manages_updaters(chain: StatefulEVM) -> None:
    vol_feed = chain.deploy("VolFeed")
    with pytest.raises(GM_NotOwner) as raised:
        chain.transact(vol_feed, "setUpdater", ALICE, True, sender=ALICE)
    assert raised.value == GM_NotOwner(ALICE)
    receipt = chain.transact(vol_feed, "setUpdater", ALICE, True)
    assert [(log.name, log.args) for log in receipt.logs] == [("UpdaterSet", {"updater": ALICE, "allowed": True})]
    assert chain.call(vol_feed, "isUpdater", ALICE)
    chain.transact(vol_feed, "postVol", ETH, T0 + DAY, WAD, sender=ALICE)
    receipt = chain.transact(vol_feed, "setUpdater", ALICE, False)
    assert [(log.name, log.args) for log in receipt.logs] == [("UpdaterSet", {"updater": ALICE, "allowed": False})]
    with pytest.raises(GM_VolUnauthorized) as raised:
        chain.transact(vol_feed, "postVol", ETH, T0 + DAY, WAD, sender=ALICE)
    assert raised.value == GM_VolUnauthorized(ALICE)
    with pytest.raises(GM_VolUnauthorized):
        chain.transact(vol_feed, "postVols", ETH, [T0 + DAY], [WAD], sender=ALICE)


def test_post_stores_the_value_with_the_block_time_and_emits(chain: StatefulEVM) -> None:
    vol_feed = _vol_feed(chain)
    assert chain.call(vol_feed, "getVol", ETH, T0 + DAY) == (0, 0)
    receipt = chain.transact(vol_feed, "postVol", ETH, T0 + DAY, 65 * WAD // 100, sender=ALICE)
    assert [(log.name, log.args) for log in receipt.logs] == [
        (
            "VolPosted",
            {"underlying": ETH, "expiry": T0 + DAY, "updater": ALICE, "vol": 65 * WAD // 100, "updatedAt": T0},
        )
    ]
    assert chain.call(vol_feed, "getVol", ETH, T0 + DAY) == (65 * WAD // 100, T0)
    chain.set_timestamp(T0 + 3600)
    chain.transact(vol_feed, "postVol", ETH, T0 + DAY, 70 * WAD // 100, sender=ALICE)
    assert chain.call(vol_feed, "getVol", ETH, T0 + DAY) == (70 * WAD // 100, T0 + 3600)
    # Series are independent.
    assert chain.call(vol_feed, "getVol", BTC, T0 + DAY) == (0, 0)
    assert chain.call(vol_feed, "getVol", ETH, T0 + DAY + 1) == (0, 0)


@pytest.mark.parametrize("vol", [INT256_MIN, -WAD, -1, 0, MAX_VOL_WAD + 1, 2**128, INT256_MAX])
def test_post_rejects_vols_out_of_bounds(chain: StatefulEVM, vol: int) -> None:
    vol_feed = _vol_feed(chain)
    with pytest.raises(GM_VolOutOfBounds) as raised:
        chain.transact(vol_feed, "postVol", BTC, UINT64_MAX, vol, sender=ALICE)
    assert raised.value == GM_VolOutOfBounds(BTC, UINT64_MAX, vol)
    assert chain.call(vol_feed, "getVol", BTC, UINT64_MAX) == (0, 0)


@pytest.mark.parametrize("vol", [1, WAD, MAX_VOL_WAD])
def test_post_accepts_the_whole_domain(chain: StatefulEVM, vol: int) -> None:
    vol_feed = _vol_feed(chain)
    chain.transact(vol_feed, "postVol", BTC, UINT64_MAX, vol, sender=ALICE)
    assert chain.call(vol_feed, "getVol", BTC, UINT64_MAX) == (vol, T0)


def test_batch_post(chain: StatefulEVM) -> None:
    vol_feed = _vol_feed(chain)
    expiries = [T0 + d * DAY for d in (1, 7, 30, 90, 180)]
    vols = [WAD * (50 + d) // 100 for d in range(5)]
    receipt = chain.transact(vol_feed, "postVols", ETH, expiries, vols, sender=ALICE)
    assert [(log.name, log.args["expiry"], log.args["vol"]) for log in receipt.logs] == [
        ("VolPosted", e, v) for e, v in zip(expiries, vols, strict=True)
    ]
    assert [chain.call(vol_feed, "getVol", ETH, e) for e in expiries] == [(v, T0) for v in vols]
    assert chain.transact(vol_feed, "postVols", ETH, [], [], sender=ALICE).logs == []


def test_batch_post_is_all_or_nothing(chain: StatefulEVM) -> None:
    vol_feed = _vol_feed(chain)
    with pytest.raises(GM_VolLengthMismatch) as raised:
        chain.transact(vol_feed, "postVols", ETH, [T0 + DAY, T0 + 2 * DAY], [WAD], sender=ALICE)
    assert raised.value == GM_VolLengthMismatch(2, 1)
    with pytest.raises(GM_VolOutOfBounds) as raised:
        chain.transact(vol_feed, "postVols", ETH, [T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY], [WAD, 0, -1], sender=ALICE)
    assert raised.value == GM_VolOutOfBounds(ETH, T0 + 2 * DAY, 0)  # the first invalid entry
    assert chain.call(vol_feed, "getVol", ETH, T0 + DAY) == (0, 0)  # the valid first entry was undone


def test_two_step_ownership_transfer(chain: StatefulEVM) -> None:
    vol_feed = chain.deploy("VolFeed")
    with pytest.raises(GM_NotOwner):
        chain.transact(vol_feed, "transferOwnership", ALICE, sender=ALICE)
    receipt = chain.transact(vol_feed, "transferOwnership", ALICE)
    assert [(log.name, log.args) for log in receipt.logs] == [
        ("OwnershipTransferStarted", {"previousOwner": DEPLOYER, "newOwner": ALICE})
    ]
    assert chain.call(vol_feed, "owner") == DEPLOYER and chain.call(vol_feed, "pendingOwner") == ALICE
    with pytest.raises(GM_NotPendingOwner) as raised:
        chain.transact(vol_feed, "acceptOwnership", sender=BOB)
    assert raised.value == GM_NotPendingOwner(BOB)
    receipt = chain.transact(vol_feed, "acceptOwnership", sender=ALICE)
    assert [(log.name, log.args) for log in receipt.logs] == [
        ("OwnershipTransferred", {"previousOwner": DEPLOYER, "newOwner": ALICE})
    ]
    assert chain.call(vol_feed, "owner") == ALICE and chain.call(vol_feed, "pendingOwner") == "0x" + "00" * 20
    with pytest.raises(GM_NotOwner) as raised:
        chain.transact(vol_feed, "setUpdater", BOB, True)
    assert raised.value == GM_NotOwner(DEPLOYER)
    chain.transact(vol_feed, "setUpdater", BOB, True, sender=ALICE)
    # A proposal can be cancelled by proposing the zero address.
    chain.transact(vol_feed, "transferOwnership", BOB, sender=ALICE)
    chain.transact(vol_feed, "transferOwnership", "0x" + "00" * 20, sender=ALICE)
    with pytest.raises(GM_NotPendingOwner):
        chain.transact(vol_feed, "acceptOwnership", sender=BOB)


# --------------------------------------------------------------------------------------------------
# JSON-RPC readers and gas, on a local anvil
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node():
    from offchain.chain.node import deploy, start_anvil

    with start_anvil() as w3:
        contracts = {name: deploy(w3, name) for name in ("MockAggregator", "VolFeed", "FeedHarness")}
        yield w3, contracts


def _send(w3, call) -> dict:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact())
    assert receipt["status"] == 1
    return receipt


def test_rpc_read_spot_equals_the_contract(node) -> None:
    w3, c = node
    aggregator, harness = c["MockAggregator"], c["FeedHarness"]
    now = w3.eth.get_block("latest")["timestamp"]
    rounds = [
        (8, (10, 2000_12345678, now - 30, now - 30, 10)),
        (6, (11, 1_000_001, now, now, 11)),
        (24, (12, 1_999_999, now, now, 12)),
        (8, (13, 2000_00000000, now - 3601, now - 3601, 13)),  # stale
        (8, (14, -1, now, now, 14)),
        (8, (15, 10**8, now, now, 14)),
        (8, (16, 10**8, now + 10, now + 10, 16)),
        (40, (17, 10**8, now, now, 17)),
    ]
    for decimals, round_data in rounds:
        _send(w3, aggregator.functions.setDecimals(decimals))
        _send(w3, aggregator.functions.setRoundData(*round_data))
        assert fetch_round_data(w3, aggregator.address) == (decimals, RoundData(*round_data))
        onchain = call_outcome(harness.functions.readSpot(aggregator.address, 3600, now).call)
        offchain = outcome(read_spot, w3, aggregator.address, 3600, now)
        assert onchain == offchain, (decimals, round_data)


def test_rpc_read_vol_equals_the_contract(node) -> None:
    w3, c = node
    vol_feed, harness = c["VolFeed"], c["FeedHarness"]
    _send(w3, vol_feed.functions.setUpdater(w3.eth.default_account, True))
    expiry = 2_000_000_000
    assert fetch_vol(w3, vol_feed.address, ETH, expiry) == (0, 0)
    _send(w3, vol_feed.functions.postVol(ETH, expiry, 65 * WAD // 100))
    posted = w3.eth.get_block("latest")["timestamp"]
    assert fetch_vol(w3, vol_feed.address, ETH, expiry) == (65 * WAD // 100, posted)
    cases = [(ETH, posted, 0), (ETH, posted + 60, 60), (ETH, posted + 61, 60), (ETH, posted - 1, 60), (BTC, posted, 60)]
    for underlying, now, heartbeat in cases:
        args = (vol_feed.address, underlying, expiry, heartbeat, now)
        onchain = call_outcome(harness.functions.readVol(*args).call)
        offchain = outcome(read_vol, w3, *args)
        assert onchain == offchain


def test_underlying_id() -> None:
    assert underlying_id("ETH") == ETH
    assert underlying_id("X" * 32) == b"X" * 32
    for bad in ("", "X" * 33, "ÉTH"):
        with pytest.raises(ValueError):
            underlying_id(bad)
