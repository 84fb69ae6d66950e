"""Differential tests: FixedPointMath on the EVM against offchain.twins.fixedpoint, value for value and
error for error. Each function gets its edge sweep plus 20,000 Hypothesis-generated cases
(200 examples of 100 inputs: one EVM call per input, batching keeps Hypothesis overhead low)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offchain.differential.math import MathOracle, edge_cases, edge_values
from offchain.twins import constants as C
from offchain.twins.intmath import INT256_MAX, INT256_MIN
from offchain.twins.registry import MATH_FUNCTIONS, TwinFunction

CASES_PER_EXAMPLE = 100
EXAMPLES = 200

int256s = st.one_of(
    st.sampled_from(edge_values()),
    st.integers(INT256_MIN, INT256_MAX),
    st.integers(-50 * C.WAD, 150 * C.WAD),
    st.integers(-10 * C.WAD, 10 * C.WAD),
    st.integers(0, 255).flatmap(lambda bits: st.integers(-(1 << bits), (1 << bits) - 1)),
)


def _assert_agree(oracle: MathOracle, fn: TwinFunction, batch: list[list[int]]) -> None:
    mismatches = [m for m in (oracle.mismatch(fn, args) for args in batch) if m]
    assert not mismatches, "\n".join(mismatches[:5])


@pytest.mark.parametrize("fn", MATH_FUNCTIONS, ids=lambda f: f.name)
def test_edges_agree(math_oracle: MathOracle, fn: TwinFunction) -> None:
    _assert_agree(math_oracle, fn, list(edge_cases(fn)))


@pytest.mark.parametrize("fn", MATH_FUNCTIONS, ids=lambda f: f.name)
def test_random_inputs_agree(math_oracle: MathOracle, fn: TwinFunction) -> None:
    args = st.lists(int256s, min_size=fn.arity, max_size=fn.arity)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(args, min_size=CASES_PER_EXAMPLE, max_size=CASES_PER_EXAMPLE))
    def check(batch: list[list[int]]) -> None:
        _assert_agree(math_oracle, fn, batch)

    check()
