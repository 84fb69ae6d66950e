#!/usr/bin/env python3
"""Long differential campaign for the math twin: N random cases per FixedPointMath function through
MathHarness (pyrevm) and offchain.twins.fixedpoint, comparing values and errors exactly.

Exit status 1 if any case disagrees; the first mismatches are printed (stderr).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor

from offchain.differential import bench
from offchain.differential.math import MathOracle, run_campaign
from offchain.twins.registry import MATH_FUNCTIONS, math_function

CHUNK = 50_000
TABLE = bench.Table(
    "FixedPointMath: EVM (MathHarness) against offchain.twins.fixedpoint",
    (bench.Column("name", "function"), bench.Column("cases", fmt=","), bench.Column("mismatches", fmt=",")),
)


def _chunk(job: tuple[str, int, int]) -> tuple[str, int, list[str]]:
    name, count, seed = job
    cases, mismatches = run_campaign(_oracle(), math_function(name), count, seed)
    return name, cases, mismatches


_ORACLE: MathOracle | None = None


def _oracle() -> MathOracle:
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = MathOracle()
    return _ORACLE


def main() -> int:
    args = bench.campaign_parser(__doc__, "cases per function").parse_args()
    jobs = [
        (fn.name, min(CHUNK, args.n - start), args.seed * 1_000_003 + index * 7919 + start)
        for index, fn in enumerate(MATH_FUNCTIONS)
        for start in range(0, args.n, CHUNK)
    ]
    totals: dict[str, tuple[int, list[str]]] = {fn.name: (0, []) for fn in MATH_FUNCTIONS}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, cases, mismatches in pool.map(_chunk, jobs):
            totals[name] = (totals[name][0] + cases, totals[name][1] + mismatches)
    elapsed = time.perf_counter() - started

    rows = [{"name": n, "cases": c, "mismatches": len(m)} for n, (c, m) in totals.items()]
    note = f"{sum(r['cases'] for r in rows)} cases in {elapsed:.0f} s (seed {args.seed}, {args.jobs} jobs)"
    bench.report(args, [(TABLE, rows)], [note])
    for _, mismatches in totals.values():
        for line in mismatches[:3]:
            print("MISMATCH", line, file=sys.stderr)
    return 1 if any(r["mismatches"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
