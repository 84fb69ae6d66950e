#!/usr/bin/env python3
"""Write tests/vectors/black76.json: Black76 outcomes on the EVM for a curated input set (anchors,
T -> 0, K = F, deep ITM/OTM, tiny and huge F, the d cutoffs, every error), integers as strings.
Refuses to write if the Python twin disagrees on any case. Run after an intentional change to the
library (and `python scripts/build_artifacts.py`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from offchain.black76 import log_moneyness  # noqa: E402
from tests.black76_support import FUNCTIONS, Black76Oracle, edge_cases  # noqa: E402

W = 10**18
ANCHORS = {  # (F, K, sigma sqrt(T), D)
    "atm": (W, W, W // 5, W),
    "textbook": (100 * W, 110 * W, 176776695296636881, 975309912028332743),
    "eth_itm": (2000 * W, 1800 * W, 171283497271840038, 997 * W // 1000),
    "eth_otm": (2000 * W, 2600 * W, 171283497271840038, 997 * W // 1000),
    "short_expiry": (2000 * W, 2001 * W, 10**9, W),
    "zero_vol": (2000 * W, 1999 * W, 0, 99 * W // 100),
    "tiny_forward": (10**12, 10**12 + 10**9, W // 3, W),
    "huge_forward": (10**30, 9 * 10**29, W // 2, W // 2),
}


def main() -> int:
    oracle = Black76Oracle()
    cases = []
    for fn in FUNCTIONS:
        inputs: list[list[int]] = []
        for forward, strike, sigma, discount in ANCHORS.values():
            if fn.arity == 2:
                inputs.append([forward, strike])
            elif fn.arity == 4:
                inputs.append([forward, strike, sigma, discount])
            else:
                ln_fk = log_moneyness(forward, strike)
                inputs.append([ln_fk, forward, strike, sigma, discount])
                if fn.arity == 7:  # positionValue: a long call and a short put of 3 units
                    inputs[-1:] = [inputs[-1] + [1, 3 * 10**18], inputs[-1] + [0, -3 * 10**18]]
        edges = list(edge_cases(fn))
        inputs += edges[:: max(1, len(edges) // 60)]
        inputs += [args for args in edges if oracle.onchain(fn, args)[0] == "error"]
        seen = set()
        for args in inputs:
            if tuple(args) in seen:
                continue
            seen.add(tuple(args))
            kind, payload = oracle.onchain(fn, args)
            if (kind, payload) != oracle.offchain(fn, args):
                print(f"twins disagree on {fn.name}{args}; not writing", file=sys.stderr)
                return 1
            if kind == "value":
                expect = {"value": [str(v) for v in payload]}
            else:
                expect = {"error": type(payload).__name__, "args": [str(a) for a in payload.args]}
            cases.append({"fn": fn.name, "args": [str(a) for a in args], "expect": expect})
    doc = {
        "description": "Black76 golden vectors: outcome of fn(args) on the EVM (Black76Harness); integers as "
        "decimal strings; value is the list of returned integers.",
        "cases": cases,
    }
    (ROOT / "tests/vectors/black76.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
