#!/usr/bin/env python3
"""Gas of the keeper's path through a deployed MarginEngine, on a local anvil (Cancun).

The book of scripts/bench_margin.py (one underlying, collateral, a perp and N options over four
expiries) under the default grid stored in the engine, spot from a Chainlink-style aggregator and
the four vols from a VolFeed. Per N, as transaction receipts (21,000 and calldata included):
`shortfallWitness(portfolio, [worst])`, `isLiquidatable(portfolio)` and `marginOfFromFeeds`.
Beside them the same witness through MarginEvaluator with the market and parameters in calldata
(bench_margin's figure), so the feed reads, the stored-parameter load and the call into the
engine's evaluator show as the difference.

Snapshot: docs/snapshots/engine.json ("<N> options": the gas columns), written with --snapshot.
"""

from __future__ import annotations

import sys

from bench_margin import book

from offchain.chain.evm import LocalEVM
from offchain.chain.node import deploy, start_anvil
from offchain.differential import bench

SIZES = (1, 4, 16, 64)
ETH = b"ETH".ljust(32, b"\0")
HEARTBEAT = 3_600
RATE = 5 * 10**16
TABLE = bench.Table(
    "MarginEngine: the keeper's calls (feeds on anvil) and the evaluator's witness (market, params in calldata)",
    (
        bench.Column("options"),
        bench.Column("engine_witness_gas", "engine shortfallWitness", ",", snapshot=True),
        bench.Column("engine_is_liquidatable_gas", "engine isLiquidatable", ",", snapshot=True),
        bench.Column("engine_margin_of_from_feeds_gas", "engine marginOfFromFeeds", ",", snapshot=True),
        bench.Column("harness_witness_gas", "evaluator shortfallWitness", ",", snapshot=True),
    ),
    label="{options} options",
)
NOTE = "Transaction receipts on anvil (21,000 and calldata included); default 35-scenario grid stored in the engine."


def _send(w3, call) -> int:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact({"gas": 30_000_000}))
    assert receipt["status"] == 1, "benchmark transaction reverted"
    return receipt["gasUsed"]


def measure() -> list[dict[str, int]]:
    rows = []
    harness_evm = LocalEVM()
    harness = harness_evm.deploy("MarginEvaluator")
    with start_anvil() as w3:
        bench.steady_clock(w3)
        aggregator, vol_feed, engine = deploy(w3, "MockAggregator"), deploy(w3, "VolFeed"), deploy(w3, "MarginEngine")
        now = w3.eth.get_block("latest")["timestamp"]
        _send(w3, aggregator.functions.setDecimals(18))
        _send(w3, aggregator.functions.setRoundData(1, 3_000 * 10**18, now, now, 1))
        portfolio, market, params = book(1, now=now)
        _send(w3, vol_feed.functions.setUpdater(w3.eth.default_account, True))
        vols = market.underlyings[0].vols
        _send(w3, vol_feed.functions.postVols(ETH, [v.expiry for v in vols], [v.vol for v in vols]))
        _send(w3, engine.functions.setRiskParams(params.as_abi()))
        _send(
            w3,
            engine.functions.setFeedConfig(0, (aggregator.address, HEARTBEAT, vol_feed.address, ETH, HEARTBEAT, RATE)),
        )
        for n in SIZES:
            # The book at the block the transactions will see (anvil moves time forward per block).
            portfolio, market, params = book(n, now=now)
            worst = engine.functions.marginOfFromFeeds(portfolio.as_abi()).call()[3][0][3]
            rows.append(
                {
                    "options": n,
                    "engine_witness_gas": _send(w3, engine.functions.shortfallWitness(portfolio.as_abi(), [worst])),
                    "engine_is_liquidatable_gas": _send(w3, engine.functions.isLiquidatable(portfolio.as_abi())),
                    "engine_margin_of_from_feeds_gas": _send(
                        w3, engine.functions.marginOfFromFeeds(portfolio.as_abi())
                    ),
                    "harness_witness_gas": harness_evm.call_raw(
                        harness,
                        harness_evm.calldata(
                            harness, "shortfallWitness", portfolio.as_abi(), market.as_abi(), params.as_abi(), [worst]
                        ),
                    )[2],
                }
            )
    return rows


def main() -> int:
    args = bench.parser(__doc__, snapshot="engine").parse_args()
    bench.report(args, [(TABLE, measure())], [NOTE])
    return 0


if __name__ == "__main__":
    sys.exit(main())
