"""Golden vectors (tests/vectors/fixedpoint.json, integers as strings) hold on both sides."""

from __future__ import annotations

import json
from pathlib import Path

from offchain.twins import MATH_FUNCTIONS, math_function
from tests.differential import MathOracle

VECTORS = json.loads((Path(__file__).parent / "vectors/fixedpoint.json").read_text())["cases"]


def _expected(case: dict) -> tuple[str, object]:
    expect = case["expect"]
    if "value" in expect:
        return ("value", int(expect["value"]))
    return ("error", (expect["error"], tuple(int(a) for a in expect["args"])))


def _comparable(outcome: tuple[str, object]) -> tuple[str, object]:
    kind, payload = outcome
    if kind == "error":
        return (kind, (type(payload).__name__, tuple(payload.args)))  # type: ignore[union-attr]
    return outcome


def test_vectors_cover_every_function_and_its_errors() -> None:
    assert {c["fn"] for c in VECTORS} == {f.name for f in MATH_FUNCTIONS}
    assert {c["expect"].get("error") for c in VECTORS} >= {
        "GM_MulWadOverflow", "GM_DivWadOverflow", "GM_DivWadByZero", "GM_ExpOverflow", "GM_LnUndefined", "GM_SqrtUndefined"
    }


def test_vectors_offchain() -> None:
    wrong = []
    for case in VECTORS:
        got = _comparable(MathOracle.offchain(math_function(case["fn"]), [int(a) for a in case["args"]]))
        if got != _expected(case):
            wrong.append(f"{case['fn']}{case['args']}: {got}")
    assert not wrong, "\n".join(wrong[:5])


def test_vectors_onchain(math_oracle: MathOracle) -> None:
    wrong = []
    for case in VECTORS:
        got = _comparable(math_oracle.onchain(math_function(case["fn"]), [int(a) for a in case["args"]]))
        if got != _expected(case):
            wrong.append(f"{case['fn']}{case['args']}: {got}")
    assert not wrong, "\n".join(wrong[:5])
