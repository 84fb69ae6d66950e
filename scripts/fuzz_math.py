#!/usr/bin/env python3
"""Long differential campaign for the math twin: N random cases per FixedPointMath function through
MathHarness (pyrevm) and offchain.twins.fixedpoint, comparing values and errors exactly.

Usage: python scripts/fuzz_math.py [--n 1000000] [--seed 0] [--jobs 2] [--json]
Exit status 1 if any case disagrees; the first mismatches are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


from offchain.twins.registry import MATH_FUNCTIONS, math_function
from offchain.differential.math import MathOracle, run_campaign

CHUNK = 50_000


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
    parser = argparse.ArgumentParser(description="Differential fuzzing of FixedPointMath against offchain.twins.fixedpoint.")
    parser.add_argument("--n", type=int, default=1_000_000, help="cases per function")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--json", action="store_true", help="one JSON object per function")
    args = parser.parse_args()

    jobs = [
        (fn.name, min(CHUNK, args.n - start), args.seed * 1_000_003 + index * 7919 + start)
        for index, fn in enumerate(MATH_FUNCTIONS)
        for start in range(0, args.n, CHUNK)
    ]
    totals = {fn.name: [0, []] for fn in MATH_FUNCTIONS}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, cases, mismatches in pool.map(_chunk, jobs):
            totals[name][0] += cases
            totals[name][1] += mismatches
    elapsed = time.perf_counter() - started

    rows = [{"name": n, "cases": c, "mismatches": len(m)} for n, (c, m) in totals.items()]
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print(f"{'function':<12} {'cases':>10} {'mismatches':>10}")
        for row in rows:
            print(f"{row['name']:<12} {row['cases']:>10} {row['mismatches']:>10}")
        print(f"{sum(r['cases'] for r in rows)} cases in {elapsed:.0f} s (seed {args.seed}, {args.jobs} jobs)")
    for _, mismatches in totals.values():
        for line in mismatches[:3]:
            print("MISMATCH", line, file=sys.stderr)
    return 1 if any(r["mismatches"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
