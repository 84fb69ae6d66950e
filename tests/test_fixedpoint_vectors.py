"""Golden vectors (tests/vectors/fixedpoint.json, integers as strings) hold on both sides."""

from __future__ import annotations

from offchain.differential.golden import comparable, expected, load_cases
from offchain.differential.math import MathOracle
from offchain.twins.registry import MATH_FUNCTIONS, math_function

VECTORS = load_cases("fixedpoint.json")


def test_vectors_cover_every_function_and_its_errors() -> None:
    assert {c["fn"] for c in VECTORS} == {f.name for f in MATH_FUNCTIONS}
    assert {c["expect"].get("error") for c in VECTORS} >= {
        "GM_MulWadOverflow",
        "GM_DivWadOverflow",
        "GM_DivWadByZero",
        "GM_ExpOverflow",
        "GM_LnUndefined",
        "GM_SqrtUndefined",
    }


def test_vectors_offchain() -> None:
    wrong = []
    for case in VECTORS:
        got = comparable(MathOracle.offchain(math_function(case["fn"]), [int(a) for a in case["args"]]))
        if got != expected(case):
            wrong.append(f"{case['fn']}{case['args']}: {got}")
    assert not wrong, "\n".join(wrong[:5])


def test_vectors_onchain(math_oracle: MathOracle) -> None:
    wrong = []
    for case in VECTORS:
        got = comparable(math_oracle.onchain(math_function(case["fn"]), [int(a) for a in case["args"]]))
        if got != expected(case):
            wrong.append(f"{case['fn']}{case['args']}: {got}")
    assert not wrong, "\n".join(wrong[:5])
