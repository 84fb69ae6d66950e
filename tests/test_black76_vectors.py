"""Golden vectors (tests/vectors/black76.json and black76_series.json, integers as strings) hold on
both sides: the contract (Black76Harness on the EVM) and offchain.twins.black76. Regenerate with
scripts/gen_black76_vectors.py."""

from __future__ import annotations

import pytest

from offchain.differential.black76 import (
    BY_NAME,
    FUNCTIONS,
    SERIES_FUNCTIONS,
    Black76Oracle,
    series_offchain,
    series_onchain,
)
from offchain.differential.golden import comparable, expected, load_cases

VECTORS = load_cases("black76.json")
SERIES_VECTORS = load_cases("black76_series.json")


@pytest.fixture(scope="module")
def oracle() -> Black76Oracle:
    return Black76Oracle()


def test_vectors_cover_every_function_and_error() -> None:
    assert {c["fn"] for c in VECTORS} == {f.name for f in FUNCTIONS}
    errors = {c["expect"].get("error") for c in VECTORS} - {None}
    assert errors == {
        "GM_LogMoneynessOutOfRange",
        "GM_ForwardOutOfRange",
        "GM_StrikeOutOfRange",
        "GM_VolatilityOutOfRange",
        "GM_DiscountOutOfRange",
        "GM_AmountOutOfRange",
    }
    sigmas = {int(c["args"][-2]) for c in VECTORS if len(c["args"]) in (4, 5) and "value" in c["expect"]}
    assert 0 in sigmas and 1 in sigmas  # T -> 0 and sigma sqrt(T) = 0 are pinned


def _wrong(side: str, oracle: Black76Oracle | None) -> list[str]:
    wrong = []
    for case in VECTORS:
        fn, args = BY_NAME[case["fn"]], [int(a) for a in case["args"]]
        outcome = oracle.onchain(fn, args) if oracle else Black76Oracle.offchain(fn, args)
        if comparable(outcome) != expected(case):
            wrong.append(f"{side} {case['fn']}{case['args']}: {outcome}")
    return wrong


def test_vectors_offchain() -> None:
    wrong = _wrong("python", None)
    assert not wrong, "\n".join(wrong[:5])


def test_vectors_onchain(oracle: Black76Oracle) -> None:
    wrong = _wrong("evm", oracle)
    assert not wrong, "\n".join(wrong[:5])


def test_series_vectors_cover_both_functions_and_every_error() -> None:
    assert {c["fn"] for c in SERIES_VECTORS} == set(SERIES_FUNCTIONS)
    errors = {c["expect"].get("error") for c in SERIES_VECTORS} - {None}
    assert {"GM_SeriesOutOfRange", "GM_ForwardOutOfRange", "GM_AmountOutOfRange", "GM_LogMoneynessOutOfRange"} <= errors


def test_series_vectors_both_sides(oracle: Black76Oracle) -> None:
    address = oracle.evm.deploy("Black76Harness")
    wrong = []
    for case in SERIES_VECTORS:
        args = ([int(w) for w in case["series"]], *(int(a) for a in case["args"]))
        for side, outcome in (
            ("evm", series_onchain(oracle.evm, address, case["fn"], args)),
            ("python", series_offchain(case["fn"], args)),
        ):
            if comparable(outcome) != expected(case):
                wrong.append(f"{side} {case['fn']}{case['args']}: {outcome}")
    assert not wrong, "\n".join(wrong[:5])
