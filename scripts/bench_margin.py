#!/usr/bin/env python3
"""Gas of the margin engine: full grid (marginOf) and one-scenario witness (shortfallWitness).

Book: one underlying (spot 3,000, four expiries 7-180 days), collateral, one perp and N options
(alternating long puts / short calls on a strike ladder), default grid (27 standard
+ 8 extended scenarios), and at 16 options also the 27 standard scenarios alone (the goal is stated
for >= 27). Gas is the whole call as a keeper pays it (21,000 intrinsic and calldata
included) through MarginEvaluator on pyrevm (Cancun); the witness names the worst scenario. The
execution columns leave out the 21,000 and the calldata: what a contract calling the engine pays.

Snapshot: docs/snapshots/margin.json ("<N> options, <S> scenarios": the gas columns), written with --snapshot.
"""

from __future__ import annotations

import sys

from offchain.chain.evm import LocalEVM
from offchain.differential import bench
from offchain.twins.margin import margin_of, scenario_count
from offchain.twins.types import (
    GridParams,
    Market,
    OptionPosition,
    Portfolio,
    RiskParams,
    UnderlyingMarket,
    UnderlyingPositions,
    VolPoint,
)

W = 10**18
DAY = 86_400
NOW = 1_800_000_000
SIZES = (1, 4, 16, 64, 128)
DERIVE_FULL = {16: 3_510_000, 64: 14_000_000, 128: 28_700_000}  # measured at 127 options
GOALS = {16: (1_000_000, 150_000)}
TX_BASE_GAS = 21_000


def _derive(row: dict) -> int | None:
    """Derive's measured full-grid gas for the row's book (35 scenarios only)."""
    return DERIVE_FULL.get(row["options"]) if row["scenarios"] == 35 else None


def _ratio(row: dict) -> float | None:
    """Derive's gas over ours for the row's book, where Derive was measured."""
    derive = _derive(row)
    return derive / row["full_gas"] if derive else None


def _goal(row: dict) -> str | None:
    """The issue's goal for the row's book (>= 27 scenarios), as "<= full / <= witness"."""
    goal = GOALS.get(row["options"]) if row["scenarios"] >= 27 else None
    return f"<= {goal[0]:,} / <= {goal[1]:,}" if goal else None


TABLE = bench.Table(
    "PortfolioMargin: full grid (marginOf) and one-scenario witness (shortfallWitness), MarginEvaluator on pyrevm",
    (
        bench.Column("options"),
        bench.Column("scenarios"),
        bench.Column("full_gas", "full gas", ",", snapshot=True),
        bench.Column("witness_gas", "witness gas", ",", snapshot=True),
        bench.Column("derive_full", "Derive full", ",", cell=_derive),
        bench.Column("ratio", "Derive / full", lambda x: f"{x:.2f}x", cell=_ratio),
        bench.Column("goal", "goal (full / witness)", cell=_goal),
        bench.Column("full_execution_gas", "full execution", ",", snapshot=True),
        bench.Column("witness_execution_gas", "witness execution", ",", snapshot=True),
        bench.Column("witness_calldata_gas", "witness calldata", ",", snapshot=True),
    ),
    label="{options} options, {scenarios} scenarios",
)
NOTES = (
    (
        "Derive (Lyra v2) PMRM, measured: 16 options 3.51M, 64 14.0M, 127 28.7M full; "
        "0.90M for its 3-scenario check at 16."
    ),
    (
        "full / witness gas: the whole call (21,000 + calldata + execution); execution: opcodes alone, as a contract "
        "calling the engine pays them."
    ),
)


def book(options: int, extended: bool = True, now: int = NOW) -> tuple[Portfolio, Market, RiskParams]:
    expiries = [now + d * DAY for d in (7, 30, 90, 180)]
    market = Market(now, (UnderlyingMarket(3_000 * W, 5 * 10**16, tuple(VolPoint(e, 60 * 10**16) for e in expiries)),))
    ladder = [
        OptionPosition(expiries[i % 4], i % 2 == 0, (2_000 + 50 * (i // 4)) * W, -W if i % 2 == 0 else W)
        for i in range(options)
    ]
    positions = (UnderlyingPositions(0, 5 * W, -2 * W, 3_000 * W, tuple(sorted(ladder, key=lambda o: o.series))),)
    grid = GridParams() if extended else GridParams(extended_shocks=())
    return Portfolio(100_000 * W, positions), market, RiskParams((grid,))


def measure(evm: LocalEVM, harness: str, options: int, extended: bool = True) -> dict:
    portfolio, market, params = book(options, extended)
    worst = margin_of(portfolio, market, params).underlyings[0].worst_scenario
    args = (portfolio.as_abi(), market.as_abi(), params.as_abi())
    full_data = evm.calldata(harness, "marginOf", *args)
    witness_data = evm.calldata(harness, "shortfallWitness", *args, [worst])
    full_ok, _, full_gas = evm.call_raw(harness, full_data)
    witness_ok, _, witness_gas = evm.call_raw(harness, witness_data)
    assert full_ok and witness_ok, "benchmark book must be valid"
    return {
        "options": options,
        "scenarios": scenario_count(params.grids[0]),
        "full_gas": full_gas,
        "witness_gas": witness_gas,
        "full_execution_gas": full_gas - TX_BASE_GAS - calldata_gas(full_data),
        "witness_execution_gas": witness_gas - TX_BASE_GAS - calldata_gas(witness_data),
        "witness_calldata_gas": calldata_gas(witness_data),
    }


def calldata_gas(data: bytes) -> int:
    """EIP-2028 calldata cost: 4 gas per zero byte, 16 per other byte."""
    return sum(4 if byte == 0 else 16 for byte in data)


def main() -> int:
    args = bench.parser(__doc__, snapshot="margin").parse_args()
    evm = LocalEVM()
    harness = evm.deploy("MarginEvaluator")
    rows = [measure(evm, harness, n) for n in SIZES]
    rows.insert(SIZES.index(16) + 1, measure(evm, harness, 16, extended=False))  # the goal's ">= 27 scenarios"
    bench.report(args, [(TABLE, rows)], NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
