"""Reading golden vector files: integers are decimal strings; an expectation is a value (an integer
or a list of integers) or an error name with its arguments."""

from __future__ import annotations

import json
from pathlib import Path

from offchain.twins.exceptions import Outcome

VECTORS_DIR = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load_cases(name: str) -> list[dict]:
    return json.loads((VECTORS_DIR / name).read_text())["cases"]


def expected(case: dict) -> Outcome:
    """("value", int or tuple of ints) or ("error", (name, args))."""
    expect = case["expect"]
    if "value" in expect:
        value = expect["value"]
        return ("value", tuple(int(v) for v in value) if isinstance(value, list) else int(value))
    return ("error", (expect["error"], tuple(int(a) for a in expect["args"])))


def comparable(outcome: Outcome) -> Outcome:
    """An outcome with its exception replaced by (name, args), to compare with :func:`expected`."""
    kind, payload = outcome
    if kind == "error":
        return (kind, (type(payload).__name__, tuple(payload.args)))  # type: ignore[union-attr]
    return outcome
