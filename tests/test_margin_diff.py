"""Differential tests of the margin engine: MarginHarness (EVM) against offchain.margin, result for
result and error for error, on random books (a share of them broken on purpose)."""

from __future__ import annotations

import random

import pytest

from offchain.errors import GridMarginError
from offchain.margin import margin_of, shortfall_witness
from tests.margin_differential import MarginOracle, run_campaign
from tests.portfolios import random_case

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
        except GridMarginError:
            continue
        witness = tuple(rng.randrange(len(u.pnl)) for u in full.underlyings)
        python = shortfall_witness(portfolio, market, params, witness)
        chain = oracle.evm.call(oracle.address, "shortfallWitness", portfolio.as_abi(), market.as_abi(), params.as_abi(), list(witness))
        assert tuple(chain) == python
        assert python[0] == full.equity and python[1] <= full.maintenance_margin
        checked += 1
