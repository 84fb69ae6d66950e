"""Black76Harness exposes every public Black76 function under its own name, all int256 in and out
but seriesValue's series array
(function order, errors and the float ban are checked for every twin in tests/test_twins_mirror.py)."""

from __future__ import annotations

import re
from pathlib import Path

from offchain.chain.artifacts import load_artifact
from offchain.differential.black76 import FUNCTIONS

SOLIDITY = Path(__file__).resolve().parent.parent / "contracts/libraries/Black76.sol"


def test_harness_exposes_every_public_function_under_its_name() -> None:
    public = [n for n in re.findall(r"^\s*function (\w+)\(", SOLIDITY.read_text(), re.M) if not n.startswith("_")]
    abi = {e["name"]: e for e in load_artifact("Black76Harness")["abi"] if e["type"] == "function"}
    # seriesValue and seriesBounds take a memory array; tests/test_black76_series.py drives them.
    assert sorted(abi) == sorted(public) == sorted([f.name for f in FUNCTIONS] + ["seriesValue", "seriesBounds"])
    for fn in FUNCTIONS:
        assert [p["type"] for p in abi[fn.name]["inputs"]] == ["int256"] * fn.arity
        assert [p["type"] for p in abi[fn.name]["outputs"]] == ["int256"] * fn.results
