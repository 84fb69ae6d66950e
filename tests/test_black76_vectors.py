"""Golden vectors (tests/vectors/black76.json, integers as strings) hold on both sides: the contract
(Black76Harness on the EVM) and offchain.black76. Regenerate with scripts/gen_black76_vectors.py."""

from __future__ import annotations

import pytest

from tests.black76_support import BY_NAME, FUNCTIONS, Black76Oracle
from tests.golden import comparable, expected, load_cases

VECTORS = load_cases("black76.json")


@pytest.fixture(scope="module")
def oracle() -> Black76Oracle:
    return Black76Oracle()


def test_vectors_cover_every_function_and_error() -> None:
    assert {c["fn"] for c in VECTORS} == {f.name for f in FUNCTIONS}
    errors = {c["expect"].get("error") for c in VECTORS} - {None}
    assert errors == {
        "GM_LogMoneynessOutOfRange", "GM_ForwardOutOfRange", "GM_StrikeOutOfRange",
        "GM_VolatilityOutOfRange", "GM_DiscountOutOfRange", "GM_AmountOutOfRange",
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
