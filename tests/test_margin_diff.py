"""Differential tests of the margin engine: MarginEvaluator (EVM) against offchain.twins.margin, result for
result and error for error, on random books (a share of them broken on purpose)."""

from __future__ import annotations

import random

import pytest

from offchain.differential.margin import MarginOracle, run_campaign
from offchain.differential.portfolios import random_case
from offchain.twins.errors import GM_WitnessLengthMismatch
from offchain.twins.exceptions import ContractError, outcome
from offchain.twins.margin import margin_of, shortfall_witness
from offchain.twins.types import GridParams, Market, Portfolio, RiskParams, UnderlyingMarket, UnderlyingPositions

CASES = 10_000


@pytest.fixture(scope="module")
def oracle() -> MarginOracle:
    return MarginOracle()


def test_margin_of_agrees_on_random_books(oracle: MarginOracle) -> None:
    cases, errors, mismatches = run_campaign(oracle, CASES, seed=7)
    assert not mismatches, "\n".join(mismatches[:3])
    assert 0 < errors < cases  # both valid books and every-kind-of-broken books were exercised


def test_witness_agrees_and_bounds_full_margin(oracle: MarginOracle) -> None:
    rng = random.Random(8)
    checked = 0
    while checked < 200:
        portfolio, market, params = random_case(rng)
        try:
            full = margin_of(portfolio, market, params)
        except ContractError:
            continue
        witness = tuple(rng.randrange(len(u.pnl)) for u in full.underlyings)
        python = shortfall_witness(portfolio, market, params, witness)
        chain = oracle.evm.call(
            oracle.address, "shortfallWitness", portfolio.as_abi(), market.as_abi(), params.as_abi(), list(witness)
        )
        assert tuple(chain) == python
        assert python[0] == full.equity and python[1] <= full.maintenance_margin
        checked += 1


def test_a_witness_of_the_wrong_length_is_a_length_mismatch(oracle: MarginOracle) -> None:
    """GM_WitnessLengthMismatch(witness length, positions) on both sides; it used to be
    GM_WitnessOutOfRange(length, 0), a length in the underlying slot."""
    rng = random.Random(10)
    while True:
        portfolio, market, params = random_case(rng)
        if portfolio.positions and outcome(margin_of, portfolio, market, params)[0] == "value":
            break
    positions = len(portfolio.positions)
    for witness in ((), (0,) * (positions + 1)):
        expected = ("error", GM_WitnessLengthMismatch(len(witness), positions))
        assert outcome(shortfall_witness, portfolio, market, params, witness) == expected
        args = (portfolio.as_abi(), market.as_abi(), params.as_abi(), list(witness))
        assert outcome(oracle.evm.call, oracle.address, "shortfallWitness", *args) == expected


def test_default_risk_params_for_n_underlyings(oracle: MarginOracle) -> None:
    """RiskParams.default(n): the default grid for each of n underlyings, accepted by both engines."""
    w = 10**18
    params = RiskParams.default(3)
    assert params == RiskParams((GridParams(), GridParams(), GridParams()), 80 * 10**16, (), 128)
    assert RiskParams.default(0).grids == ()
    with pytest.raises(ValueError):
        RiskParams.default(-1)
    market = Market(1_750_000_000, tuple(UnderlyingMarket(spot * w) for spot in (3000, 60_000, 150)))
    positions = (UnderlyingPositions(0, balance=2 * w), UnderlyingPositions(2, perp_size=-10 * w, perp_entry=140 * w))
    portfolio = Portfolio(-1000 * w, positions)
    assert oracle.mismatch(portfolio, market, params) is None
    assert margin_of(portfolio, market, params).initial_margin > 0


@pytest.mark.parametrize("field, dirty", [("expiry", 1 << 64), ("isCall", 2)])
def test_dirty_option_words_revert_without_data(oracle: MarginOracle, field: str, dirty: int) -> None:
    """The engine reads option words straight from calldata; a word the ABI decoder would reject (an
    expiry above uint64, an isCall above 1) still reverts without data, at both entry points."""
    rng = random.Random(9)
    while True:
        portfolio, market, params = random_case(rng)
        try:
            full = margin_of(portfolio, market, params)
        except ContractError:
            continue
        if any(pos.options for pos in portfolio.positions):
            break
    option = next(o for pos in portfolio.positions for o in pos.options)
    clean = option.expiry if field == "expiry" else int(option.is_call)
    witness = [0] * len(full.underlyings)
    for name, extra in (("marginOf", ()), ("shortfallWitness", (witness,))):
        calldata = oracle.evm.calldata(
            oracle.address, name, portfolio.as_abi(), market.as_abi(), params.as_abi(), *extra
        )
        assert oracle.evm.call_raw(oracle.address, calldata)[0]
        # The first option's four words follow its array length; the field's word is unique there.
        words = [calldata[4 + 32 * k : 36 + 32 * k] for k in range((len(calldata) - 4) // 32)]
        target = next(
            k
            for k in range(len(words) - 3)
            if int.from_bytes(words[k + (0 if field == "expiry" else 1)], "big") == clean
            and int.from_bytes(words[k + 2], "big", signed=True) == option.strike
            and int.from_bytes(words[k + 3], "big", signed=True) == option.size
        )
        at = target + (0 if field == "expiry" else 1)
        patched = calldata[: 4 + 32 * at] + (clean + dirty).to_bytes(32, "big") + calldata[36 + 32 * at :]
        ok, data, _ = oracle.evm.call_raw(oracle.address, patched)
        assert not ok and data == b""
