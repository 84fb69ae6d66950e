#!/usr/bin/env python3
"""Throughput of fast screening (offchain/screening/screen.py) against the exact engine and eth_call.

Accounts: 16 options each on one of three underlyings (plus collateral and a perp), under one
market and parameter set (offchain.differential.population.standard_batch: default grid, 27 standard + 8
extended scenarios, correlation 0.5). "listed" accounts draw strikes from the exchange grid (series
shared across accounts, the realistic case); "distinct" accounts draw every strike off-grid (no
series shared: screening's worst case). Every figure below uses the same accounts:

* screening accounts/s on one core (the process is pinned to one CPU; BLAS/OpenMP threads = 1):
  from packed arrays, and including ``pack`` from Portfolio objects; best of --repeats;
* exact engine (offchain.twins.margin.margin_of) accounts/s on the first --exact-sample of those accounts;
* one account (the first): exact engine time against ``eth_call`` of MarginEvaluator.marginOf on a
  local anvil (offchain.chain.node.start_anvil), median of --calls; raw = pre-encoded calldata through
  ``w3.eth.call``, web3 = ``contract.functions.marginOf(...).call()`` including ABI encode/decode.

Goals (issue): screening >= 20,000 accounts/s and >= 100x the exact engine; exact engine >= 3x
faster than eth_call for one 16-option account.

Rates are whole accounts per second, times whole microseconds, ratios x to two decimals.
Snapshot: docs/snapshots/screening.json ("<metric> (<unit>)": value, ratios left out: they follow
from the rates), written with --snapshot. The figures depend on the machine.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import random
import statistics
import sys
import time

from offchain.chain.node import deploy, start_anvil
from offchain.differential import bench
from offchain.differential.population import book16, standard_batch
from offchain.screening.screen import pack, screen
from offchain.twins.margin import margin_of

SCREEN_GOAL = 20_000
RATIO_GOAL = 100
ETH_CALL_GOAL = 3
TABLE = bench.Table(
    "Screening, the exact engine and eth_call (one core for screening and the exact engine)",
    (
        bench.Column("metric"),
        bench.Column("value", fmt=lambda v: f"{v:,}" if isinstance(v, int) else f"{v:,.2f}", snapshot=True),
        bench.Column("unit"),
        bench.Column("goal"),
        bench.Column("met"),
    ),
    label="{metric} ({unit})",
)


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _median(fn, calls: int) -> float:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n_accounts: int, exact_sample: int, calls: int, repeats: int, seed: int) -> list[dict]:
    batch = standard_batch()
    market, params = batch.market, batch.params
    rng = random.Random(seed)
    populations = {
        kind: [book16(rng, batch, distinct_strikes=kind == "distinct") for _ in range(n_accounts)]
        for kind in ("listed", "distinct")
    }
    rows: list[dict] = []

    def row(metric: str, value: float, unit: str, goal: str = "", met: bool | None = None) -> None:
        figure = round(value, 2) if unit == "x" else round(value)
        rows.append({"metric": metric, "value": figure, "unit": unit, "goal": goal, "met": met})

    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cpus:
        os.sched_setaffinity(0, {min(cpus)})
    try:
        for kind, accounts in populations.items():
            packed = pack(accounts)
            screen(packed, market, params)  # warm-up
            packed_rate = n_accounts / _best(lambda packed=packed: screen(packed, market, params), repeats)
            full_rate = n_accounts / _best(lambda accounts=accounts: screen(accounts, market, params), repeats)
            sample = accounts[:exact_sample]
            rate = len(sample) / _best(lambda sample=sample: [margin_of(p, market, params) for p in sample], 1)
            row(
                f"screen, {kind} strikes, packed arrays",
                packed_rate,
                "accounts/s",
                f">= {SCREEN_GOAL:,}",
                packed_rate >= SCREEN_GOAL,
            )
            row(
                f"screen, {kind} strikes, incl. pack",
                full_rate,
                "accounts/s",
                f">= {SCREEN_GOAL:,}",
                full_rate >= SCREEN_GOAL,
            )
            row(f"exact margin_of, {kind} strikes ({len(sample)} accounts)", rate, "accounts/s")
            row(
                f"screen incl. pack / exact, {kind} strikes",
                full_rate / rate,
                "x",
                f">= {RATIO_GOAL}x",
                full_rate / rate >= RATIO_GOAL,
            )
        account = populations["listed"][0]
        exact_one = _median(lambda: margin_of(account, market, params), calls)
    finally:
        if cpus:
            os.sched_setaffinity(0, cpus)

    args = (account.as_abi(), market.as_abi(), params.as_abi())
    with start_anvil() as w3:
        harness = deploy(w3, "MarginEvaluator")
        calldata = harness.encode_abi("marginOf", args=list(args))
        request = {"to": harness.address, "data": calldata}
        w3.eth.call(request)  # warm-up
        raw = _median(lambda: w3.eth.call(request), calls)
        full = _median(lambda: harness.functions.marginOf(*args).call(), calls)
        gas = w3.eth.estimate_gas(request)
        chain = harness.functions.marginOf(*args).call()
    exact = margin_of(account, market, params)
    assert (chain[0], chain[1], chain[2]) == (exact.equity, exact.initial_margin, exact.maintenance_margin)
    row("exact margin_of, one 16-option account", exact_one * 1e6, "us")
    row("eth_call marginOf on anvil, raw calldata", raw * 1e6, "us")
    row("eth_call marginOf on anvil, web3 encode+call+decode", full * 1e6, "us")
    row("eth_call (raw) / exact", raw / exact_one, "x", f">= {ETH_CALL_GOAL}x", raw / exact_one >= ETH_CALL_GOAL)
    row("eth_call (web3) / exact", full / exact_one, "x", f">= {ETH_CALL_GOAL}x", full / exact_one >= ETH_CALL_GOAL)
    row("gas of that eth_call (estimate)", gas, "gas")
    return rows


def main() -> int:
    parser = bench.parser(__doc__, snapshot="screening")
    parser.add_argument("--accounts", type=int, default=20_000, help="accounts per population")
    parser.add_argument("--exact-sample", type=int, default=200, help="accounts the exact engine times")
    parser.add_argument("--calls", type=int, default=20, help="calls of one account (median)")
    parser.add_argument("--repeats", type=int, default=3, help="screening repeats (best)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = measure(args.accounts, args.exact_sample, args.calls, args.repeats, args.seed)
    bench.report(args, [(TABLE, rows)], [f"{args.accounts:,} accounts of 16 options per population."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
