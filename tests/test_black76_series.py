"""Black76.seriesValue and seriesBounds: the EVM (Black76Harness) against ``offchain.twins.black76``, value
for value and error for error, and both equal to the specification built from ``position_value``
(each option's bracket end times its size, summed, rounded down once; the first failing option's
error)."""

from __future__ import annotations

import random

import pytest

from offchain.chain.evm import LocalEVM
from offchain.differential.black76 import random_series_case, series_offchain, series_onchain
from offchain.twins import black76
from offchain.twins import constants as C
from offchain.twins.exceptions import ContractError, Outcome
from offchain.twins.intmath import wrap_int256

W = C.WAD
CASES = 1_500


@pytest.fixture(scope="module")
def harness() -> tuple[LocalEVM, str]:
    evm = LocalEVM()
    return evm, evm.deploy("Black76Harness")


def _by_positions(args: tuple, bounds: bool = False) -> Outcome:
    """The specification: option by option, position_value's bracket end against the holder (its
    value at size +-1e18) times the size, the first error wins; the sum rounded down once. With
    ``bounds``, also the ends for -size times size, summed and rounded up."""
    series, start, end, ln_forward, forward, sigma, discount = args
    if end > len(series) // 4:
        return ("error", black76.GM_SeriesOutOfRange(start, end, len(series)))
    low = high = 0
    try:
        for i in range(start, end):
            strike, ln_strike, size, is_call = series[4 * i : 4 * i + 4]
            terms = (wrap_int256(ln_forward - ln_strike), forward, strike, sigma, discount, is_call != 0)
            black76.position_value(*terms, size)  # raises what this option raises
            low_end, high_end = black76.position_value(*terms, W), -black76.position_value(*terms, -W)
            low += size * (low_end if size > 0 else high_end)
            high += size * (high_end if size > 0 else low_end)
    except ContractError as exc:
        return ("error", exc)
    return ("value", (low // W, -(-high // W)) if bounds else low // W)


@pytest.mark.parametrize("bounds", [False, True], ids=["seriesValue", "seriesBounds"])
def test_evm_python_and_positionwise_sum_agree(harness: tuple[LocalEVM, str], bounds: bool) -> None:
    evm, address = harness
    rng = random.Random("black76-series")
    mismatches, errors = [], 0
    for _ in range(CASES):
        args = random_series_case(rng)
        name = "seriesBounds" if bounds else "seriesValue"
        chain, python = series_onchain(evm, address, name, args), series_offchain(name, args)
        errors += python[0] == "error"
        if not chain == python == _by_positions(args, bounds):
            mismatches.append(f"{args}: evm {chain} python {python} spec {_by_positions(args, bounds)}")
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[0]}"
    assert CASES // 10 < errors < CASES // 2  # both outcomes well exercised
