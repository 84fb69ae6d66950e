#!/usr/bin/env python3
"""Gas and accuracy of Black76 (contracts/libraries/Black76.sol = offchain/twins/black76.py).

Gas: marginal cost of one evaluation per (strike, scenario) pair, measured on the EVM by
Black76GasHarness: lnWad of each scenario forward and each strike once (outside the timed loops),
then the grid loop calling the function minus the same loop calling an identity, divided by the
number of pairs. One evaluation prices the call and the put together. Grids, one per row:
  - both tails, d1 >= 0 > d2 (ATM): the most expensive branch (one exp, two rationals)
  - both tails, d2 >= 0 (ITM call) and d1 < 0 (OTM call): the same-side branches
  - typical grid: 11 strikes 75%..125% of spot x 9 spot shocks -20%..+20%, 30-day 60% vol
  - deep ITM/OTM (no tail: |d1| past the CDF cutoff) and sigma sqrt(T) = 0 (intrinsic value)
Accuracy: the Python twin (equal to the contract to the wei, as the differential tests prove) against
a 60-digit mpmath reference (offchain/differential/black76.py) on the documented accuracy domain: F in
[1e-6, 1e12], K / F in [1e-4, 1e4], sigma sqrt(T) in {0} U [1 wei, 20], D in (0.3, 1]. Reported:
max |error| / F, max |error| / documented bound, and whether every bracket contained the true price.

Snapshot: docs/snapshots/black76.json ("<grid>": gas per pair of each function), written with --snapshot.
--json prints the gas rows (each with gas_goal_per_pair) then the accuracy row.
"""

from __future__ import annotations

import math
import random
import sys

import mpmath as mp

from offchain.chain.evm import LocalEVM
from offchain.differential import bench
from offchain.differential.black76 import error_bound, random_market, reference
from offchain.twins import black76
from offchain.twins import constants as C
from offchain.twins.constants import WAD

W = WAD
FUNCTIONS = ("callPut", "callPutBounds", "price", "priceBounds", "positionValue")  # Black76GasHarness ids 0..4
GAS_GOAL = 2000
GAS_TABLE = bench.Table(
    "Black-76: gas per (strike, scenario) pair, call and put together (marginal, Black76GasHarness)",
    (
        bench.Column("grid"),
        bench.Column("pairs"),
        *(bench.Column(fn, fmt=",", snapshot=True) for fn in ("callPut", "callPutBounds", "positionValue")),
        bench.Column("price", "price (+2 ln)", ",", snapshot=True),
        bench.Column("priceBounds", "priceBounds (+2 ln)", ",", snapshot=True),
    ),
    label="{grid}",
)
ACCURACY_TABLE = bench.Table(
    "Black-76: accuracy vs 60-digit mpmath, F in [1e-6, 1e12], K/F in [1e-4, 1e4], sigma sqrt(T) in {0} U [1 wei, 20]",
    (
        bench.Column("points", fmt=","),
        bench.Column("max_err_over_F", "max err / F", ".2e"),
        bench.Column("max_err_over_bound", "max err / bound", ".3f"),
        bench.Column("max_undiscounted_err_over_err", "max undiscounted err / err", ".3f"),
        bench.Column("bracket_misses", "bracket misses"),
    ),
)
NOTES = (
    f"gas goal: well under {GAS_GOAL} gas per pair for the engine's calls (callPut / callPutBounds / positionValue).",
    (
        f"accuracy goal: err / F <= 1e-12. bound = D err + 0.5 wei (rounding to nearest), err = "
        f"{C.B76_ERR_FORWARD / W:.3g} F + {C.B76_ERR_STRIKE / W:.0e} K + {C.B76_ERR_WEI} wei; the undiscounted column "
        "compares the Q32 call, before rounding, with err."
    ),
)


def _grids() -> list[tuple[str, list[int], list[int], int, int]]:
    """(name, forwards, strikes, sigmaSqrtT, discount)."""
    spot = 2000 * W
    thirty_days = int(0.6 * math.sqrt(30 / 365) * W)
    return [
        (
            "both tails, d1 >= 0 > d2 (ATM)",
            [spot + i * 10**15 for i in range(8)],
            [spot - i * 10**15 for i in range(8)],
            W // 5,
            99 * W // 100,
        ),
        (
            "both tails, d2 >= 0 (ITM call)",
            [13 * spot // 10 + i * 10**15 for i in range(8)],
            [spot + i * 10**15 for i in range(8)],
            W // 5,
            99 * W // 100,
        ),
        (
            "both tails, d1 < 0 (OTM call)",
            [8 * spot // 10 + i * 10**15 for i in range(8)],
            [spot + i * 10**15 for i in range(8)],
            W // 5,
            99 * W // 100,
        ),
        (
            "typical grid: 11 strikes x 9 shocks, 30d 60% vol",
            [spot * (100 + k) // 100 for k in range(-20, 21, 5)],
            [spot * (75 + 5 * i) // 100 for i in range(11)],
            thirty_days,
            997 * W // 1000,
        ),
        (
            "deep ITM/OTM (no tail)",
            [spot + i for i in range(4)],
            [spot // 10, spot // 9, spot * 9, spot * 10],
            W // 5,
            99 * W // 100,
        ),
        (
            "sigma sqrt(T) = 0 (intrinsic)",
            [spot + i for i in range(4)],
            [spot // 2, spot, spot + 1, 2 * spot],
            0,
            99 * W // 100,
        ),
    ]


def measure_gas() -> list[dict]:
    evm = LocalEVM()
    harness = evm.deploy("Black76GasHarness")
    rows = []
    for name, forwards, strikes, sigma, discount in _grids():
        gas = {
            fn: evm.call(harness, "measure", i, forwards, strikes, sigma, discount)[0] for i, fn in enumerate(FUNCTIONS)
        }
        rows.append({"grid": name, "pairs": len(forwards) * len(strikes), **gas, "gas_goal_per_pair": GAS_GOAL})
    return rows


def measure_accuracy(points: int, seed: int) -> dict:
    rng = random.Random(seed)
    worst_rel = worst_ratio = worst_inner = mp.mpf(0)
    worst_case = None
    misses = 0
    for _ in range(points):
        forward, strike, sigma, discount = random_market(rng)
        ln_fk = black76.log_moneyness(forward, strike)
        call, put = black76.call_put(ln_fk, forward, strike, sigma, discount)
        call_low, call_high, put_low, put_high = black76.call_put_bounds(ln_fk, forward, strike, sigma, discount)
        ref = reference(forward, strike, sigma, discount)
        err = ref.error(call, put)
        bound = error_bound(forward, strike, sigma, discount)
        if err / forward > worst_rel:
            worst_rel, worst_case = err / forward, (forward, strike, sigma, discount)
        worst_ratio = max(worst_ratio, err * bound.denominator / bound.numerator)
        misses += not (ref.contains(call_low, call_high, "call") and ref.contains(put_low, put_high, "put"))
        if sigma:  # the undiscounted Q32 call against err itself, before the final rounding
            call_q = black76._call_q32(ln_fk, forward, strike, sigma, discount)  # noqa: SLF001
            true_call = reference(forward, strike, sigma, W).call
            with mp.workdps(60):
                inner = abs(mp.mpf(call_q) / 2**32 - true_call)
            err_wei = mp.mpf(C.B76_ERR_FORWARD * forward + C.B76_ERR_STRIKE * strike) / W + C.B76_ERR_WEI
            worst_inner = max(worst_inner, inner / err_wei)
    return {
        "points": points,
        "max_err_over_F": float(worst_rel),
        "worst_case": [str(v) for v in worst_case] if worst_case else None,
        "max_err_over_bound": float(worst_ratio),
        "max_undiscounted_err_over_err": float(worst_inner),
        "bracket_misses": misses,
    }


def main() -> int:
    parser = bench.parser(__doc__, snapshot="black76")
    parser.add_argument("--points", type=int, default=20_000, help="accuracy sample size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sections = [(GAS_TABLE, measure_gas()), (ACCURACY_TABLE, [measure_accuracy(args.points, args.seed)])]
    bench.report(args, sections, NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
