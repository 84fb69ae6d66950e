#!/usr/bin/env python3
"""Long differential campaign for the margin engine: N random books (15% broken on purpose)
through MarginEvaluator (pyrevm) and offchain.twins.margin, comparing whole results and errors exactly.

Usage: python scripts/fuzz_margin.py [--n 1000000] [--seed 0] [--jobs 2] [--json]
Exit status 1 if any book disagrees; the first mismatches are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


from offchain.differential.margin import MarginOracle, run_campaign

CHUNK = 5_000
_ORACLE: MarginOracle | None = None


def _chunk(job: tuple[int, int]) -> tuple[int, int, list[str]]:
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = MarginOracle()
    count, seed = job
    return run_campaign(_ORACLE, count, seed)


def main() -> int:
    parser = argparse.ArgumentParser(description="Differential fuzzing of PortfolioMargin against offchain.twins.margin.")
    parser.add_argument("--n", type=int, default=1_000_000, help="random books")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    jobs = [(min(CHUNK, args.n - start), args.seed * 1_000_003 + start) for start in range(0, args.n, CHUNK)]
    cases = errors = 0
    mismatches: list[str] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for done, failed, wrong in pool.map(_chunk, jobs):
            cases, errors, mismatches = cases + done, errors + failed, mismatches + wrong
    row = {"name": "marginOf", "cases": cases, "error_cases": errors, "mismatches": len(mismatches),
           "seconds": round(time.perf_counter() - started)}
    if args.json:
        print(json.dumps(row))
    else:
        print(f"{'engine':<10} {'books':>10} {'of which errors':>16} {'mismatches':>10}")
        print(f"{'marginOf':<10} {cases:>10} {errors:>16} {len(mismatches):>10}")
        print(f"{cases} books in {row['seconds']} s (seed {args.seed}, {args.jobs} jobs)")
    for line in mismatches[:3]:
        print("MISMATCH", line, file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
