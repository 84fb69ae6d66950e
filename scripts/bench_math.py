#!/usr/bin/env python3
"""Gas and accuracy of FixedPointMath, against the goals of the foundation issue.

Gas: marginal cost of one internal call, measured on the EVM by MathGasHarness (a loop calling the
function minus the same loop calling an identity), maximum over inputs that exercise every branch.
Accuracy: the Python twin (equal to the contract to the wei, as the differential tests prove)
against mpmath at 50 digits, over the sample documented in ``SAMPLES`` below.

Snapshot: docs/snapshots/math.json ("<function>": gas), written with --snapshot.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp

from offchain.chain.evm import LocalEVM
from offchain.differential import bench as printer
from offchain.twins.constants import EXP_MAX_INPUT, WAD
from offchain.twins.registry import math_function

mp.mp.dps = 50
W = WAD


@dataclass(frozen=True)
class Bench:
    """One row: how to sample inputs, the reference, and the goals."""

    name: str
    fn_id: int  # MathGasHarness function id
    gas_points: tuple[tuple[int, int, int], ...]  # (x, y, step) per measured branch
    sample: Callable[[random.Random], tuple[int, ...]]
    reference: Callable[..., mp.mpf]
    rel_floor: float | None  # relative error counted where |true| >= this (real units)
    gas_goal: int | None
    goal: str


def _log_uniform(rng: random.Random, max_bits: int = 255) -> int:
    return max(1, rng.getrandbits(rng.randint(1, max_bits)))


def _mul_ref(x: int, y: int) -> mp.mpf:
    return mp.mpf(x * y) / W


def _div_ref(x: int, y: int) -> mp.mpf:
    return mp.mpf(x * W) / y


def _operands(rng: random.Random) -> tuple[int, int]:
    return rng.randint(-(10**30), 10**30), rng.randint(1, 10**30) * rng.choice((1, -1))


SAMPLES = (
    Bench("mulWadDown", 0, ((3 * W, 2 * W, 7),), _operands, _mul_ref, None, None, "exact floor"),
    Bench("mulWadUp", 1, ((3 * W, 2 * W, 7),), _operands, _mul_ref, None, None, "exact ceil"),
    Bench("divWadDown", 2, ((3 * W, 7 * W, 7),), _operands, _div_ref, None, None, "exact floor"),
    Bench("divWadUp", 3, ((3 * W, 7 * W, 7),), _operands, _div_ref, None, None, "exact ceil"),
    Bench(
        "expWad",
        4,
        ((-30 * W, 0, W // 37), (W // 2, 0, W // 37), (100 * W, 0, W // 37)),
        lambda r: (r.randint(-42 * W, EXP_MAX_INPUT) if r.random() < 0.7 else r.randint(-W, W),),
        lambda x: mp.exp(mp.mpf(x) / W) * W,
        1e-3,
        500,
        "rel <= 1e-15 (true >= 1e-3), else abs <= 10 wei",
    ),
    Bench(
        "lnWad",
        5,
        ((W // 3, 0, W // 7), (10**40, 0, 10**37), (5, 0, 1)),
        lambda r: (_log_uniform(r) if r.random() < 0.7 else r.randint(W // 2, 2 * W),),
        lambda x: mp.log(mp.mpf(x) / W) * W,
        1e-3,
        700,
        "rel <= 1e-15 (|true| >= 1e-3), else abs <= 10 wei",
    ),
    Bench(
        "sqrtWad",
        6,
        ((W // 3, 0, W // 7), (10**30, 0, 10**28), (10**70, 0, 10**67)),
        lambda r: (_log_uniform(r),),
        lambda x: mp.sqrt(mp.mpf(x) * W),
        None,
        600,
        "abs <= 1 wei",
    ),
    Bench(
        "normCdfWad",
        7,
        ((-3 * W, 0, W // 50), (W // 2, 0, W // 50), (5 * W, 0, W // 50)),
        lambda r: (r.randint(-40 * W, 40 * W) if r.random() < 0.5 else r.randint(-10 * W, 10 * W),),
        lambda x: mp.ncdf(mp.mpf(x) / W) * W,
        None,
        1000,
        "abs <= 1e-14 on [-40, 40]",
    ),
    Bench(
        "normPdfWad",
        8,
        ((-3 * W, 0, W // 50), (W, 0, W // 50)),
        lambda r: (r.randint(-40 * W, 40 * W) if r.random() < 0.5 else r.randint(-10 * W, 10 * W),),
        lambda x: mp.npdf(mp.mpf(x) / W) * W,
        None,
        None,
        "(no goal)",
    ),
)

TABLE = printer.Table(
    "FixedPointMath: marginal gas of one internal call (max over branches) and accuracy against mpmath",
    (
        printer.Column("name", "function"),
        printer.Column("gas", fmt=",", snapshot=True),
        printer.Column("gas_goal", "gas goal", ","),
        printer.Column("max_rel_err", "max rel err", ".2e"),
        printer.Column("max_abs_err", "max abs err", ".2e"),
        printer.Column("points", fmt=","),
        printer.Column("goal", "accuracy goal"),
    ),
    label="{name}",
)
NOTE = (
    "max abs err is in real units (1 wei = 1e-18). Anchors: Solady exp 372 / ln 518 / sqrt 341 gas; "
    "Derive CDF 1,350; DeFiMath CDF 731; solstat CDF error 1.2e-7."
)


def measure_gas(evm: LocalEVM, harness: str, bench: Bench, loops: int = 100) -> int:
    return max(evm.call(harness, "measure", bench.fn_id, x, y, step, loops)[0] for x, y, step in bench.gas_points)


def measure_accuracy(bench: Bench, points: int, rng: random.Random) -> dict:
    max_rel = max_abs = mp.mpf(0)
    for _ in range(points):
        args = bench.sample(rng)
        true = bench.reference(*args)
        err = abs(math_function(bench.name).twin(*args) - true)
        if bench.rel_floor is not None and abs(true) >= bench.rel_floor * W:
            max_rel = max(max_rel, err / abs(true))
        else:
            max_abs = max(max_abs, err)
    return {"max_rel_err": float(max_rel), "max_abs_err": float(max_abs / W), "points": points}


def main() -> int:
    parser = printer.parser(__doc__, snapshot="math")
    parser.add_argument("--points", type=int, default=20_000, help="accuracy sample size per function")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    evm = LocalEVM()
    harness = evm.deploy("MathGasHarness")
    rng = random.Random(args.seed)
    rows = [
        {
            "name": bench.name,
            "gas": measure_gas(evm, harness, bench),
            **measure_accuracy(bench, args.points, rng),
            "gas_goal": bench.gas_goal,
            "goal": bench.goal,
        }
        for bench in SAMPLES
    ]
    printer.report(args, [(TABLE, rows)], [NOTE])
    return 0


if __name__ == "__main__":
    sys.exit(main())
