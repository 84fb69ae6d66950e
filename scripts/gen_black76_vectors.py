#!/usr/bin/env python3
"""Write tests/vectors/black76.json: Black76 outcomes on the EVM for a curated input set (anchors,
T -> 0, K = F, deep ITM/OTM, tiny and huge F, the d cutoffs, every error), integers as strings;
and tests/vectors/black76_series.json: seriesValue / seriesBounds on the anchors as small books,
every range and error case, and seeded random series. Refuses to write if the Python twin
disagrees on any case. Run after an intentional change to the library (and
`python scripts/build_artifacts.py`)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from offchain.differential.black76 import (
    FUNCTIONS,
    SERIES_FUNCTIONS,
    Black76Oracle,
    edge_cases,
    random_series_case,
    series_offchain,
    series_onchain,
)
from offchain.differential.golden import comparable
from offchain.twins import constants as C
from offchain.twins.black76 import log_moneyness

ROOT = Path(__file__).resolve().parent.parent

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
    _write(
        "black76.json",
        "Black76 golden vectors: outcome of fn(args) on the EVM (Black76Harness); integers as "
        "decimal strings; value is the list of returned integers.",
        cases,
    )
    return write_series(oracle)


def series_inputs() -> list[tuple]:
    """Each anchor as a three-option book (long call, short put, long call 10% up, lnWad strikes),
    then an empty range, a range past the array, a bad shared term, a bad option, and 120 seeded
    random series."""
    out: list[tuple] = []
    for forward, strike, sigma, discount in ANCHORS.values():
        strikes = (strike, strike, strike + strike // 10)
        sizes, calls = (3 * W, -2 * W, W // 2), (1, 0, 1)
        series = [w for k, n, c in zip(strikes, sizes, calls) for w in (k, log_moneyness(W, k), n, c)]
        out.append((series, 0, 3, log_moneyness(forward, W), forward, sigma, discount))
    book = out[1]
    out += [
        (book[0], 2, 2, *book[3:]),
        (book[0], 0, 4, *book[3:]),
        (book[0], 0, 3, book[3], 0, book[5], book[6]),
        (book[0][:10] + [C.AMOUNT_MAX + 1] + book[0][11:], 0, 3, *book[3:]),
    ]
    rng = random.Random("black76-series-vectors")
    return out + [random_series_case(rng) for _ in range(120)]


def write_series(oracle: Black76Oracle) -> int:
    address = oracle.evm.deploy("Black76Harness")
    cases = []
    for name in SERIES_FUNCTIONS:
        for args in series_inputs():
            outcome = series_onchain(oracle.evm, address, name, args)
            if comparable(outcome) != comparable(series_offchain(name, args)):
                print(f"twins disagree on {name}{args}; not writing", file=sys.stderr)
                return 1
            kind, payload = comparable(outcome)
            if kind == "value":
                expect = {"value": [str(v) for v in payload] if isinstance(payload, tuple) else str(payload)}
            else:
                expect = {"error": payload[0], "args": [str(a) for a in payload[1]]}
            series, *rest = args
            cases.append(
                {"fn": name, "series": [str(w) for w in series], "args": [str(a) for a in rest], "expect": expect}
            )
    _write(
        "black76_series.json",
        "Black76 series golden vectors: outcome of fn(series, start, end, lnForward, forward, "
        "sigmaSqrtT, discount) on the EVM (Black76Harness); integers as decimal strings.",
        cases,
    )
    return 0


def _write(name: str, description: str, cases: list[dict]) -> None:
    """tests/vectors/NAME as {"description", "cases"}, one space of indent."""
    (ROOT / "tests/vectors" / name).write_text(
        json.dumps({"description": description, "cases": cases}, indent=1) + "\n"
    )
    print(f"wrote {len(cases)} cases to tests/vectors/{name}")


if __name__ == "__main__":
    sys.exit(main())
