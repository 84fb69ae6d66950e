"""Differential tests: Black76 on the EVM (Black76Harness) against ``offchain.twins.black76``, value for
value and error for error.

Per function: the edge sweep (T -> 0, K = F and +-1 wei, deep ITM/OTM, F and K from 1 wei to
B76_PRICE_MAX, d at the CDF cutoffs, every error branch), 2,500 seeded random cases biased toward
the branches (some with an inconsistent ln(F/K) or an out-of-range argument), and 40 Hypothesis
examples of 25 cases over the whole int256 range. 5 functions x 3,500 = 17,500 random cases.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offchain.differential.black76 import (
    FUNCTIONS,
    Black76Function,
    Black76Oracle,
    edge_cases,
    random_args,
)
from offchain.twins import constants as C
from offchain.twins.intmath import INT256_MAX, INT256_MIN

RANDOM_CASES = 2_500
EXAMPLES = 40
CASES_PER_EXAMPLE = 25
W = C.WAD


@pytest.fixture(scope="module")
def oracle() -> Black76Oracle:
    return Black76Oracle()


def _assert_agree(oracle: Black76Oracle, fn: Black76Function, batch: list[list[int]]) -> None:
    mismatches = [m for m in (oracle.mismatch(fn, args) for args in batch) if m]
    assert not mismatches, f"{len(mismatches)} mismatches, first:\n" + "\n".join(mismatches[:5])


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
def test_edges_agree(oracle: Black76Oracle, fn: Black76Function) -> None:
    cases = list(edge_cases(fn))
    assert len(cases) > 100
    _assert_agree(oracle, fn, cases)


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
def test_seeded_random_cases_agree(oracle: Black76Oracle, fn: Black76Function) -> None:
    rng = random.Random(f"black76-diff-{fn.name}")
    _assert_agree(oracle, fn, [random_args(rng, fn) for _ in range(RANDOM_CASES)])


_argument = st.one_of(
    st.integers(INT256_MIN, INT256_MAX),
    st.integers(-(10**40), 10**40),
    st.integers(0, 255).flatmap(lambda bits: st.integers(-(1 << bits), (1 << bits) - 1)),
)
_market = st.tuples(
    st.integers(10**12, 10**30),  # forward
    st.integers(10**12, 10**30),  # strike
    st.one_of(st.just(0), st.integers(1, 10**9), st.integers(1, 20 * W)),  # sigma * sqrt(T)
    st.integers(1, W),  # discount
)


@st.composite
def _args(draw: st.DrawFn, fn: Black76Function) -> list[int]:
    if draw(st.booleans()):
        return [draw(_argument) for _ in range(fn.arity)]
    forward, strike, sigma, discount = draw(_market)
    if fn.arity == 2:
        return [forward, strike]
    if fn.arity == 4:
        return [forward, strike, sigma, discount]
    from offchain.twins.black76 import log_moneyness

    args = [log_moneyness(forward, strike) + draw(st.integers(-8, 8)), forward, strike, sigma, discount]
    if fn.arity == 7:
        args += [draw(st.integers(0, 1)), draw(st.one_of(st.integers(-(10**36), 10**36), _argument))]
    return args


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
def test_hypothesis_cases_agree(oracle: Black76Oracle, fn: Black76Function) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_args(fn), min_size=CASES_PER_EXAMPLE, max_size=CASES_PER_EXAMPLE))
    def check(batch: list[list[int]]) -> None:
        _assert_agree(oracle, fn, batch)

    check()


def test_random_cases_reach_every_branch(oracle: Black76Oracle) -> None:
    """The seeded generator covers values and every error of callPut (else the sweep above is blind)."""
    rng = random.Random("black76-coverage")
    fn = next(f for f in FUNCTIONS if f.name == "callPut")
    outcomes = {oracle.onchain(fn, random_args(rng, fn)) for _ in range(3000)}
    kinds = {"value" if kind == "value" else type(payload).__name__ for kind, payload in outcomes}
    assert kinds == {
        "value",
        "GM_LogMoneynessOutOfRange",
        "GM_ForwardOutOfRange",
        "GM_StrikeOutOfRange",
        "GM_VolatilityOutOfRange",
        "GM_DiscountOutOfRange",
    }
