#!/usr/bin/env python3
"""Write tests/vectors/fixedpoint.json: FixedPointMath outcomes on the EVM for a curated input set
(anchors, every branch edge, every error), integers as strings. Refuses to write if the Python twin
disagrees on any case. Run after an intentional change to the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from offchain.differential.math import MathOracle, edge_cases
from offchain.twins.registry import MATH_FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent

WAD = 10**18
ANCHORS = {
    1: [0, 1, -1, WAD, -WAD, 2 * WAD, WAD // 2, 3 * WAD, -3 * WAD, 10 * WAD, 100 * WAD, 2718281828459045235],
    2: [[3 * WAD, 2 * WAD], [-3 * WAD, 7], [7, -3], [WAD, 0], [-1, 1], [1, 3 * WAD], [-1, 3 * WAD]],
}


def main() -> int:
    oracle = MathOracle()
    out = []
    for fn in MATH_FUNCTIONS:
        inputs = [[a] for a in ANCHORS[1]] if fn.arity == 1 else list(ANCHORS[2])
        inputs += list(edge_cases(fn))[:: 3 if fn.arity == 1 else 40]
        for args in inputs:
            kind, payload = oracle.onchain(fn, args)
            if (kind, payload) != oracle.offchain(fn, args):
                print(f"twins disagree on {fn.name}{args}; not writing", file=sys.stderr)
                return 1
            expect = (
                {"value": str(payload)}
                if kind == "value"
                else {"error": type(payload).__name__, "args": [str(a) for a in payload.args]}
            )
            out.append({"fn": fn.name, "args": [str(a) for a in args], "expect": expect})
    doc = {
        "description": "FixedPointMath golden vectors: outcome of fn(args) on the EVM; integers as decimal strings.",
        "cases": out,
    }
    (ROOT / "tests/vectors/fixedpoint.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(out)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
