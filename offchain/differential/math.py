"""Differential oracle for the math twin: the same input through MathHarness (EVM) and
``offchain.twins.fixedpoint`` must give the same integer, or the same error with the same arguments.

Used by the test suite (Hypothesis-driven) and by ``scripts/fuzz_math.py`` (long random campaigns).
Calldata is built and decoded by hand: at 20,000+ cases per function the ABI library would cost
more than the EVM call itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from offchain.chain.abi import decode_revert, function_selector
from offchain.chain.evm import LocalEVM
from offchain.twins import constants as C
from offchain.twins.exceptions import Outcome
from offchain.twins.intmath import INT256_MAX, INT256_MIN
from offchain.twins.registry import TwinFunction


class MathOracle:
    """A MathHarness deployed in an in-process EVM, compared call by call with the Python twin."""

    def __init__(self) -> None:
        self.evm = LocalEVM()
        self.address = self.evm.deploy("MathHarness")

    def onchain(self, fn: TwinFunction, args: Sequence[int]) -> Outcome:
        calldata = function_selector(fn.signature) + b"".join(a.to_bytes(32, "big", signed=True) for a in args)
        success, data, _gas = self.evm.call_raw(self.address, calldata)
        if success:
            return ("value", int.from_bytes(data, "big", signed=True))
        return ("error", decode_revert(data))

    @staticmethod
    def offchain(fn: TwinFunction, args: Sequence[int]) -> Outcome:
        try:
            return ("value", fn.twin(*args))
        except Exception as exc:  # noqa: BLE001 - the error itself is the outcome compared
            return ("error", exc)

    def mismatch(self, fn: TwinFunction, args: Sequence[int]) -> str | None:
        """None when both sides agree, else a one-line description of the disagreement."""
        chain, python = self.onchain(fn, args), self.offchain(fn, args)
        if chain == python:
            return None
        return f"{fn.name}({', '.join(map(str, args))}): evm {chain[1]!r} != python {python[1]!r}"


def edge_values() -> list[int]:
    """Inputs at and around every boundary and branch of the library."""
    wad = C.WAD
    anchors = [
        0,
        wad,
        -wad,
        INT256_MAX,
        INT256_MIN,
        C.EXP_MAX_INPUT,
        C.EXP_ZERO_INPUT,
        C.WAD_SCALE_MAX,
        -C.WAD_SCALE_MAX,
        C.CDF_CUTOFF,
        -C.CDF_CUTOFF,
        78 * C.LN2_X96 * wad >> 96,  # expWad's shift changes direction at k = 78
    ]
    anchors += [((2 * k + 1) * C.LN2_X96 * wad) >> 97 for k in range(-62, 196, 7)]  # k rounding ties
    anchors += [C.SQRT2_X96 << e >> 96 for e in range(0, 255, 3)]  # lnWad's centre switch
    anchors += [1 << e for e in range(0, 255, 5)]
    return sorted({min(INT256_MAX, max(INT256_MIN, a + d)) for a in anchors for d in (-2, -1, 0, 1, 2)})


def random_args(rng: random.Random, fn: TwinFunction) -> list[int]:
    """One random argument list, biased toward the regions where bugs live."""
    if fn.arity == 2 and rng.random() < 0.3:
        return _near_overflow_pair(rng, fn)
    if fn.name == "sqrtWad" and rng.random() < 0.3:
        return [_near_square(rng)]
    return [random_int256(rng) for _ in range(fn.arity)]


def random_int256(rng: random.Random) -> int:
    """A random int256: edges, the functions' working ranges, or a random magnitude."""
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(_EDGES)
    if roll < 0.45:
        return rng.randint(-50 * C.WAD, 150 * C.WAD)
    if roll < 0.6:
        return rng.randint(-10 * C.WAD, 10 * C.WAD)
    magnitude = rng.getrandbits(rng.randint(0, 255))
    return -magnitude - (rng.random() < 0.01) if rng.random() < 0.5 else magnitude


def run_campaign(oracle: MathOracle, fn: TwinFunction, count: int, seed: int) -> tuple[int, list[str]]:
    """Run ``count`` random cases of ``fn``; return (cases run, mismatch descriptions)."""
    rng = random.Random(seed)
    mismatches = [m for m in (oracle.mismatch(fn, random_args(rng, fn)) for _ in range(count)) if m]
    return count, mismatches


def edge_cases(fn: TwinFunction) -> Iterator[list[int]]:
    """Every edge value (unary), or every pair from a thinned edge grid (binary)."""
    if fn.arity == 1:
        yield from ([v] for v in _EDGES)
        return
    grid = _EDGES[::9] + [0, 1, -1, C.WAD, -C.WAD, INT256_MIN, INT256_MAX]
    yield from ([x, y] for x in grid for y in grid)


def _near_overflow_pair(rng: random.Random, fn: TwinFunction) -> list[int]:
    """Operands whose product (mul) or scaled numerator (div) sits at the int256 boundary."""
    if fn.name.startswith("div"):
        x = rng.choice([C.WAD_SCALE_MAX, -C.WAD_SCALE_MAX]) + rng.randint(-2, 2)
        return [x, rng.choice([0, 1, -1, random_int256(rng)])]
    x = random_int256(rng) or 1
    limit = INT256_MAX // abs(x)
    y = rng.choice([limit, -limit, limit + 1, -limit - 1]) + rng.randint(-1, 1)
    return [x, max(INT256_MIN, min(INT256_MAX, y))]


def _near_square(rng: random.Random) -> int:
    """An x whose x * 1e18 (or x itself, past WAD_SCALE_MAX) is within a few units of a square."""
    if rng.random() < 0.5:
        n = rng.getrandbits(rng.randint(1, 157))
        return max(0, min(C.WAD_SCALE_MAX, (n * n) // C.WAD + rng.randint(-1, 1)))
    n = rng.getrandbits(rng.randint(97, 127))
    return max(0, min(INT256_MAX, n * n + rng.randint(-2, 2)))


_EDGES = edge_values()
