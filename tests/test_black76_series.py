"""Black76.seriesValue and seriesBounds: the EVM (Black76Harness) against ``offchain.black76``, value
for value and error for error, and both equal to the specification built from ``position_value``
(each option's bracket end times its size, summed, rounded down once; the first failing option's
error)."""

from __future__ import annotations

import random

import pytest

from offchain import black76
from offchain import constants as C
from offchain._utils.intmath import INT256_MAX, INT256_MIN, wrap_int256
from offchain.errors import GridMarginError, decode_revert
from offchain.evm import LocalEVM
from tests.black76_support import random_market

W = C.WAD
CASES = 1_500
_BAD = [0, -1, INT256_MIN, INT256_MAX, C.B76_PRICE_MAX + 1, C.AMOUNT_MAX + 1, -C.AMOUNT_MAX - 1, C.B76_SIGMA_SQRT_T_MAX + 1, W + 1]


@pytest.fixture(scope="module")
def harness() -> tuple[LocalEVM, str]:
    evm = LocalEVM()
    return evm, evm.deploy("Black76Harness")


def _case(rng: random.Random) -> tuple[list[int], int, int, int, int, int, int]:
    """(series, start, end, lnForward, forward, sigmaSqrtT, discount): one expiry of 0-10 options
    around one forward, mostly valid; some with a bad word, a bad shared term or a bad range."""
    forward, _, sigma, discount = random_market(rng)
    count = rng.randint(0, 10)
    series: list[int] = []
    for _ in range(count):
        strike = max(1, min(C.B76_PRICE_MAX, int(forward * 10 ** rng.uniform(-1.5, 1.5))))
        size = int(W * 10 ** rng.uniform(-3, 4)) * rng.choice([1, -1])
        series += [strike, black76.log_moneyness(W, strike), size, rng.choice([0, 1, 7])]
    ln_forward = black76.log_moneyness(forward, W)
    start, end = 0, count
    roll = rng.random()
    if roll < 0.1 and series:
        series[rng.randrange(len(series))] = rng.choice(_BAD)
    elif roll < 0.2:
        forward, sigma, discount = (rng.choice(_BAD) if rng.random() < 0.5 else v for v in (forward, sigma, discount))
    elif roll < 0.3:
        ln_forward = rng.choice([INT256_MIN, INT256_MAX, 10**20, -(10**20)])
    elif roll < 0.45:
        start, end = rng.randint(0, count + 1), rng.randint(0, count + 1)
    return series, start, end, ln_forward, forward, sigma, discount


def _python(args: tuple, bounds: bool = False) -> tuple[str, object]:
    try:
        return ("value", black76.series_bounds(*args) if bounds else black76.series_value(*args))
    except GridMarginError as exc:
        return ("error", exc)


def _by_positions(args: tuple, bounds: bool = False) -> tuple[str, object]:
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
    except GridMarginError as exc:
        return ("error", exc)
    return ("value", (low // W, -(-high // W)) if bounds else low // W)


@pytest.mark.parametrize("bounds", [False, True], ids=["seriesValue", "seriesBounds"])
def test_evm_python_and_positionwise_sum_agree(harness: tuple[LocalEVM, str], bounds: bool) -> None:
    evm, address = harness
    rng = random.Random("black76-series")
    mismatches, errors = [], 0
    for _ in range(CASES):
        args = _case(rng)
        ok, data, _gas = evm.call_raw(address, evm.calldata(address, "seriesBounds" if bounds else "seriesValue", *args))
        words = [int.from_bytes(data[i : i + 32], "big", signed=True) for i in range(0, len(data), 32)]
        chain = ("value", tuple(words) if bounds else words[0]) if ok else ("error", decode_revert(data))
        python = _python(args, bounds)
        errors += python[0] == "error"
        if not chain == python == _by_positions(args, bounds):
            mismatches.append(f"{args}: evm {chain} python {python} spec {_by_positions(args, bounds)}")
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[0]}"
    assert CASES // 10 < errors < CASES // 2  # both outcomes well exercised
