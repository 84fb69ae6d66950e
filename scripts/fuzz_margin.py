#!/usr/bin/env python3
"""Long differential campaign for the margin engine: N random books (15% broken on purpose)
through MarginEvaluator (pyrevm) and offchain.twins.margin, comparing whole results and errors exactly.

Exit status 1 if any book disagrees; the first mismatches are printed (stderr).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor

from offchain.differential import bench
from offchain.differential.margin import MarginOracle, run_campaign

CHUNK = 5_000
TABLE = bench.Table(
    "PortfolioMargin: EVM against offchain.twins.margin",
    (
        bench.Column("name", "engine"),
        bench.Column("cases", "books", ","),
        bench.Column("error_cases", "of which errors", ","),
        bench.Column("mismatches", fmt=","),
    ),
)
_ORACLE: MarginOracle | None = None


def _chunk(job: tuple[int, int]) -> tuple[int, int, list[str]]:
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = MarginOracle()
    count, seed = job
    return run_campaign(_ORACLE, count, seed)


def main() -> int:
    args = bench.campaign_parser(__doc__, "random books").parse_args()
    jobs = [(min(CHUNK, args.n - start), args.seed * 1_000_003 + start) for start in range(0, args.n, CHUNK)]
    cases = errors = 0
    mismatches: list[str] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for done, failed, wrong in pool.map(_chunk, jobs):
            cases, errors, mismatches = cases + done, errors + failed, mismatches + wrong
    row = {
        "name": "marginOf",
        "cases": cases,
        "error_cases": errors,
        "mismatches": len(mismatches),
        "seconds": round(time.perf_counter() - started),
    }
    bench.report(args, [(TABLE, [row])], [f"{cases} books in {row['seconds']} s (seed {args.seed}, {args.jobs} jobs)"])
    for line in mismatches[:3]:
        print("MISMATCH", line, file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
