#!/usr/bin/env python3
"""Throughput of fast screening (offchain/screening.py) against the exact engine and eth_call.

Accounts: 16 options each on one of three underlyings (plus collateral and a perp), under one
market and parameter set (tests/screening_population.standard_batch: default grid, 27 standard + 8
extended scenarios, correlation 0.5). "listed" accounts draw strikes from the exchange grid (series
shared across accounts, the realistic case); "distinct" accounts draw every strike off-grid (no
series shared: screening's worst case). Every figure below uses the same accounts:

* screening accounts/s on one core (the process is pinned to one CPU; BLAS/OpenMP threads = 1):
  from packed arrays, and including ``pack`` from Portfolio objects; best of --repeats;
* exact engine (offchain.twins.margin.margin_of) accounts/s on the first --exact-sample of those accounts;
* one account (the first): exact engine time against ``eth_call`` of MarginHarness.marginOf on a
  local anvil (offchain.chain.node.start_anvil), median of --calls; raw = pre-encoded calldata through
  ``w3.eth.call``, web3 = ``contract.functions.marginOf(...).call()`` including ABI encode/decode.

Goals (issue): screening >= 20,000 accounts/s and >= 100x the exact engine; exact engine >= 3x
faster than eth_call for one 16-option account.

Usage: python scripts/bench_screening.py [--accounts 20000] [--exact-sample 200] [--calls 20] [--json]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path


from offchain.chain.node import deploy, start_anvil
from offchain.twins.margin import margin_of
from offchain.screening.screen import pack, screen
from offchain.differential.population import book16, standard_batch

SCREEN_GOAL = 20_000
RATIO_GOAL = 100
ETH_CALL_GOAL = 3


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
    populations = {kind: [book16(rng, batch, distinct_strikes=kind == "distinct") for _ in range(n_accounts)]
                   for kind in ("listed", "distinct")}
    rows: list[dict] = []

    def row(metric: str, value: float, unit: str, goal: str = "", met: bool | None = None) -> None:
        rows.append({"metric": metric, "value": value, "unit": unit, "goal": goal, "met": met})

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
            row(f"screen, {kind} strikes, packed arrays", packed_rate, "accounts/s", f">= {SCREEN_GOAL:,}", packed_rate >= SCREEN_GOAL)
            row(f"screen, {kind} strikes, incl. pack", full_rate, "accounts/s", f">= {SCREEN_GOAL:,}", full_rate >= SCREEN_GOAL)
            row(f"exact margin_of, {kind} strikes ({len(sample)} accounts)", rate, "accounts/s")
            row(f"screen incl. pack / exact, {kind} strikes", full_rate / rate, "x", f">= {RATIO_GOAL}x", full_rate / rate >= RATIO_GOAL)
        account = populations["listed"][0]
        exact_one = _median(lambda: margin_of(account, market, params), calls)
    finally:
        if cpus:
            os.sched_setaffinity(0, cpus)

    args = (account.as_abi(), market.as_abi(), params.as_abi())
    with start_anvil() as w3:
        harness = deploy(w3, "MarginHarness")
        calldata = harness.encode_abi("marginOf", args=list(args))
        request = {"to": harness.address, "data": calldata}
        w3.eth.call(request)  # warm-up
        raw = _median(lambda: w3.eth.call(request), calls)
        full = _median(lambda: harness.functions.marginOf(*args).call(), calls)
        gas = w3.eth.estimate_gas(request)
        chain = harness.functions.marginOf(*args).call()
    exact = margin_of(account, market, params)
    assert (chain[0], chain[1], chain[2]) == (exact.equity, exact.initial_margin, exact.maintenance_margin)
    row("exact margin_of, one 16-option account", exact_one * 1e3, "ms")
    row("eth_call marginOf on anvil, raw calldata", raw * 1e3, "ms")
    row("eth_call marginOf on anvil, web3 encode+call+decode", full * 1e3, "ms")
    row("eth_call (raw) / exact", raw / exact_one, "x", f">= {ETH_CALL_GOAL}x", raw / exact_one >= ETH_CALL_GOAL)
    row("eth_call (web3) / exact", full / exact_one, "x", f">= {ETH_CALL_GOAL}x", full / exact_one >= ETH_CALL_GOAL)
    row("gas of that eth_call (estimate)", gas, "gas")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--exact-sample", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object per row")
    args = parser.parse_args()
    rows = measure(args.accounts, args.exact_sample, args.calls, args.repeats, args.seed)
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    print("| metric | value | unit | goal | met |")
    print("|---|---:|---|---|---|")
    for r in rows:
        value = f"{r['value']:,.0f}" if r["value"] >= 100 else f"{r['value']:,.2f}"
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"| {r['metric']} | {value} | {r['unit']} | {r['goal']} | {met} |")
    print(f"{args.accounts:,} accounts of 16 options per population; one core for screening and the exact engine.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
