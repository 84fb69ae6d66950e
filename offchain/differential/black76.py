"""Shared by the Black-76 tests, the vector generator and the benchmark: the differential oracle
(Black76Harness on the EVM against ``offchain.twins.black76``), input generators biased toward every
branch, and a 60-digit mpmath reference that keeps the rational part of each price exact.

Calldata is built and decoded by hand (every argument and result is an int256), as in
``offchain/differential/math.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp

from offchain.chain.abi import decode_revert, function_selector
from offchain.chain.evm import LocalEVM
from offchain.twins import black76
from offchain.twins import constants as C
from offchain.twins.exceptions import Outcome, outcome
from offchain.twins.intmath import INT256_MAX, INT256_MIN

W = C.WAD
REF_DPS = 60


@dataclass(frozen=True)
class Black76Function:
    """A Black76 function exposed by Black76Harness: Solidity name, arity, result count, Python twin."""

    name: str
    arity: int
    results: int
    twin: Callable[..., object]

    @property
    def selector(self) -> bytes:
        return function_selector(f"{self.name}({','.join(['int256'] * self.arity)})")


FUNCTIONS: tuple[Black76Function, ...] = (
    Black76Function("logMoneyness", 2, 1, black76.log_moneyness),
    Black76Function("callPut", 5, 2, black76.call_put),
    Black76Function("callPutBounds", 5, 4, black76.call_put_bounds),
    Black76Function(
        "positionValue",
        7,
        1,
        lambda ln_fk, f, k, s, d, is_call, size: black76.position_value(ln_fk, f, k, s, d, is_call != 0, size),
    ),
    Black76Function("price", 4, 2, black76.price),
    Black76Function("priceBounds", 4, 4, black76.price_bounds),
)
BY_NAME = {f.name: f for f in FUNCTIONS}


def _as_tuple(value: object) -> tuple[int, ...]:
    return value if isinstance(value, tuple) else (value,)  # type: ignore[return-value]


class Black76Oracle:
    """Black76Harness deployed in an in-process EVM, compared call by call with the Python twin."""

    def __init__(self) -> None:
        self.evm = LocalEVM()
        self.address = self.evm.deploy("Black76Harness")

    def onchain(self, fn: Black76Function, args: Sequence[int]) -> Outcome:
        calldata = fn.selector + b"".join(a.to_bytes(32, "big", signed=True) for a in args)
        success, data, _gas = self.evm.call_raw(self.address, calldata)
        if not success:
            return ("error", decode_revert(data))
        assert len(data) == 32 * fn.results, f"{fn.name}: {len(data)} bytes of return data"
        return (
            "value",
            tuple(int.from_bytes(data[32 * i : 32 * i + 32], "big", signed=True) for i in range(fn.results)),
        )

    @staticmethod
    def offchain(fn: Black76Function, args: Sequence[int]) -> Outcome:
        try:
            return ("value", _as_tuple(fn.twin(*args)))
        except Exception as exc:  # noqa: BLE001 - the error itself is the outcome compared
            return ("error", exc)

    def mismatch(self, fn: Black76Function, args: Sequence[int]) -> str | None:
        """None when both sides agree, else a one-line description of the disagreement."""
        chain, python = self.onchain(fn, args), self.offchain(fn, args)
        if chain == python:
            return None
        return f"{fn.name}({', '.join(map(str, args))}): evm {chain[1]!r} != python {python[1]!r}"


# ----------------------------------------------------------------------------------------------
# Inputs


def random_market(
    rng: random.Random, *, log10_f: tuple[float, float] = (-6, 12), log10_kf: float = 4.0
) -> tuple[int, int, int, int]:
    """(F, K, sigmaSqrtT, D) inside the documented accuracy domain, biased toward the branches:
    F in [1e-6, 1e12], K / F in [10^-log10_kf, 10^log10_kf] (half the time within 30% of F),
    sigma sqrt(T) from 0 and 1 wei up to 20, D in (0.3, 1]."""
    forward = int(W * 10 ** rng.uniform(*log10_f))
    roll = rng.random()
    if roll < 0.5:
        strike = int(forward * rng.uniform(0.7, 1.3))
    elif roll < 0.55:
        strike = forward + rng.randint(-3, 3)
    else:
        strike = int(forward * 10 ** rng.uniform(-log10_kf, log10_kf))
    strike = max(1, min(C.B76_PRICE_MAX, strike))
    roll = rng.random()
    if roll < 0.04:
        sigma = 0
    elif roll < 0.1:
        sigma = rng.randint(1, 10**6)
    elif roll < 0.2:
        sigma = int(W * 10 ** rng.uniform(-12, -4))
    else:
        sigma = int(W * 10 ** rng.uniform(-3, 1.3))
    discount = W if rng.random() < 0.2 else rng.randint(3 * W // 10, W)
    return forward, strike, sigma, discount


def random_args(rng: random.Random, fn: Black76Function) -> list[int]:
    """One argument list for ``fn``: mostly valid markets, some inconsistent or out-of-range inputs."""
    forward, strike, sigma, discount = (
        random_market(rng, log10_f=(-18, 18), log10_kf=8) if rng.random() < 0.3 else random_market(rng)
    )
    if fn.arity == 2:
        args = [forward, strike]
    elif fn.arity == 4:
        args = [forward, strike, sigma, discount]
    else:
        ln_fk = black76.log_moneyness(forward, strike)
        if rng.random() < 0.1:
            ln_fk += rng.randint(-(10**6), 10**6)  # an inconsistent ln(F/K) still prices identically on both sides
        args = [ln_fk, forward, strike, sigma, discount]
    if fn.arity == 7:
        args += [rng.randint(0, 1), _position_size(rng)]
    if rng.random() < 0.08:
        i = rng.randrange(len(args))
        args[i] = rng.choice(_BAD_VALUES + [_random_int256(rng)])
    return args


def edge_markets() -> list[tuple[int, int, int, int]]:
    """(F, K, sigmaSqrtT, D) at the branch edges: T -> 0, K = F, deep ITM/OTM, huge and tiny F."""
    out = []
    forwards = [1, 10**6, 10**12, W, 2000 * W, 10**30, C.B76_PRICE_MAX]
    sigmas = [0, 1, 2, 1000, 10**9, 10**15, W // 5, W, 10 * W, 38 * W, C.B76_SIGMA_SQRT_T_MAX]
    for forward in forwards:
        strikes = {
            forward,
            forward - 1,
            forward + 1,
            forward // 2,
            forward * 2,
            forward // 100,
            forward * 100,
            1,
            C.B76_PRICE_MAX,
        }
        for strike in sorted(s for s in strikes if 1 <= s <= C.B76_PRICE_MAX):
            for sigma in sigmas:
                for discount in (1, W // 2 + 1, W):
                    out.append((forward, strike, sigma, discount))
    return out


def edge_cases(fn: Black76Function) -> Iterator[list[int]]:
    """Every edge market (for the 5-argument functions also with ln(F/K) off by +-1 wei and at the
    d-cutoffs), plus every error branch."""
    for forward, strike, sigma, discount in edge_markets():
        if fn.arity == 2:
            yield [forward, strike]
        elif fn.arity == 4:
            yield [forward, strike, sigma, discount]
        else:
            ln_fk = black76.log_moneyness(forward, strike)
            for shift in (-1, 0, 1):
                if fn.arity == 5:
                    yield [ln_fk + shift, forward, strike, sigma, discount]
                else:
                    for is_call, size in ((1, W), (0, -W), (1, -C.AMOUNT_MAX), (0, C.AMOUNT_MAX), (1, 0)):
                        yield [ln_fk + shift, forward, strike, sigma, discount, is_call, size]
    if fn.arity == 5:
        # ln(F/K) that put d1 or d2 exactly at, and one wei either side of, +-CDF_CUTOFF.
        for sigma in (W // 10, W, 3 * W):
            for target in (C.CDF_CUTOFF, -C.CDF_CUTOFF):
                for shift in (-sigma // 2, sigma // 2):
                    base = (target - shift) * sigma // W
                    for delta in (-1, 0, 1):
                        yield [base + delta, W, W, sigma, W]
    valid = {2: [W, W], 4: [W, W, W // 5, W], 5: [0, W, W, W // 5, W], 7: [0, W, W, W // 5, W, 1, W]}[fn.arity]
    for i in range(fn.arity):
        for bad in _BAD_VALUES:
            args = list(valid)
            args[i] = bad
            yield args


def _position_size(rng: random.Random) -> int:
    """A signed position size: mostly ordinary, sometimes 0, +-1 wei or at +-AMOUNT_MAX (and one past)."""
    roll = rng.random()
    if roll < 0.1:
        return rng.choice([0, 1, -1, C.AMOUNT_MAX, -C.AMOUNT_MAX, C.AMOUNT_MAX + 1, -C.AMOUNT_MAX - 1])
    size = int(W * 10 ** rng.uniform(-6, 6))
    return -size if rng.random() < 0.5 else size


def _random_int256(rng: random.Random) -> int:
    magnitude = rng.getrandbits(rng.randint(0, 255))
    return -magnitude if rng.random() < 0.5 else magnitude


_BAD_VALUES = [
    0,
    -1,
    1,
    INT256_MIN,
    INT256_MAX,
    W + 1,
    -W,
    C.B76_PRICE_MAX,
    C.B76_PRICE_MAX + 1,
    C.B76_SIGMA_SQRT_T_MAX,
    C.B76_SIGMA_SQRT_T_MAX + 1,
    C.B76_LOG_MONEYNESS_MAX,
    C.B76_LOG_MONEYNESS_MAX + 1,
    -C.B76_LOG_MONEYNESS_MAX,
    -C.B76_LOG_MONEYNESS_MAX - 1,
]


# ----------------------------------------------------------------------------------------------
# Series (seriesValue, seriesBounds: a memory array argument, ABI-encoded by the harness ABI)

SERIES_FUNCTIONS = ("seriesValue", "seriesBounds")
_SERIES_BAD = [
    0,
    -1,
    INT256_MIN,
    INT256_MAX,
    C.B76_PRICE_MAX + 1,
    C.AMOUNT_MAX + 1,
    -C.AMOUNT_MAX - 1,
    C.B76_SIGMA_SQRT_T_MAX + 1,
    W + 1,
]


def random_series_case(rng: random.Random) -> tuple[list[int], int, int, int, int, int, int]:
    """(series, start, end, lnForward, forward, sigmaSqrtT, discount): one expiry of 0-10 options
    around one forward, mostly valid; some with a bad word, a bad shared term or a bad range."""
    forward, _, sigma, discount = random_market(rng)
    count = rng.randint(0, 10)
    series: list[int] = []
    for _ in range(count):
        strike = max(1, min(C.B76_PRICE_MAX, int(forward * 10 ** rng.uniform(-1.5, 1.5))))
        size = int(W * 10 ** rng.uniform(-3, 4)) * rng.choice([1, -1])
        series += [strike, black76.log_moneyness(W, strike), size, rng.choice([0, 1, 7])]
    ln_forward = black76.log_moneyness(forward, W)
    start, end = 0, count
    roll = rng.random()
    if roll < 0.1 and series:
        series[rng.randrange(len(series))] = rng.choice(_SERIES_BAD)
    elif roll < 0.2:
        forward, sigma, discount = (
            rng.choice(_SERIES_BAD) if rng.random() < 0.5 else v for v in (forward, sigma, discount)
        )
    elif roll < 0.3:
        ln_forward = rng.choice([INT256_MIN, INT256_MAX, 10**20, -(10**20)])
    elif roll < 0.45:
        start, end = rng.randint(0, count + 1), rng.randint(0, count + 1)
    return series, start, end, ln_forward, forward, sigma, discount


def series_onchain(evm: LocalEVM, address: str, name: str, args: Sequence) -> Outcome:
    """Outcome of Black76Harness.``name``(*args) (seriesValue: an int; seriesBounds: a pair)."""
    ok, data, _gas = evm.call_raw(address, evm.calldata(address, name, *args))
    if not ok:
        return ("error", decode_revert(data))
    words = [int.from_bytes(data[i : i + 32], "big", signed=True) for i in range(0, len(data), 32)]
    return ("value", tuple(words) if name == "seriesBounds" else words[0])


def series_offchain(name: str, args: Sequence) -> Outcome:
    """Outcome of offchain.twins.black76's twin of ``name``."""
    return outcome(black76.series_bounds if name == "seriesBounds" else black76.series_value, *args)


# ----------------------------------------------------------------------------------------------
# Reference


@dataclass(frozen=True)
class Reference:
    """True Black-76 prices (wei) as an exact rational part plus a tail part (60-digit mpmath):
    call = call_exact + call_tail, put = put_exact + put_tail."""

    call_exact: Fraction
    put_exact: Fraction
    tail: mp.mpf  # the same tail term for call and put (see reference())
    call_tail_sign: int
    put_tail_sign: int

    @property
    def call(self) -> mp.mpf:
        with mp.workdps(REF_DPS):
            return _mpf(self.call_exact) + self.call_tail_sign * self.tail

    @property
    def put(self) -> mp.mpf:
        with mp.workdps(REF_DPS):
            return _mpf(self.put_exact) + self.put_tail_sign * self.tail

    def error(self, call: int, put: int) -> mp.mpf:
        """max(|call - true call|, |put - true put|) in wei."""
        with mp.workdps(REF_DPS):
            return max(
                abs(_mpf(call - self.call_exact) - self.call_tail_sign * self.tail),
                abs(_mpf(put - self.put_exact) - self.put_tail_sign * self.tail),
            )

    def contains(self, low: int, high: int, which: str) -> bool:
        """low <= true <= high, comparing the exact part exactly."""
        exact = self.call_exact if which == "call" else self.put_exact
        sign = self.call_tail_sign if which == "call" else self.put_tail_sign
        with mp.workdps(REF_DPS):
            return _mpf(low - exact) <= sign * self.tail <= _mpf(high - exact)


def _mpf(q: Fraction) -> mp.mpf:
    return mp.mpf(q.numerator) / q.denominator


def reference(forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> Reference:
    """Black-76 call and put for the given wad inputs. With T(t) = Phi(-t):
    d2 >= 0: call = D (F - K) + D tau, put = D tau,      tau = K T(d2) - F T(d1) >= 0
    d1 <  0: call = D tau,          put = D (K - F) + D tau, tau = F T(-d1) - K T(-d2) >= 0
    else:    call = D F - D tau,    put = D K - D tau,      tau = F T(d1) + K T(-d2)
    The same-side tau is a put or call price, so it is clamped at 0 (cancellation noise of
    tails below 1e-60 relative could make it a negative 1e-(huge))."""
    d = Fraction(discount, W)
    if sigma_sqrt_t == 0:
        call = d * max(forward - strike, 0)
        return Reference(call, call - d * (forward - strike), mp.mpf(0), 1, 1)
    with mp.workdps(REF_DPS):
        s = mp.mpf(sigma_sqrt_t) / W
        d1 = mp.log(mp.mpf(forward) / strike) / s + s / 2
        d2 = d1 - s
        dd = mp.mpf(discount) / W
        if d2 >= 0:
            tau = max(strike * mp.ncdf(-d2) - forward * mp.ncdf(-d1), 0)
            return Reference(d * (forward - strike), Fraction(0), dd * tau, 1, 1)
        if d1 < 0:
            tau = max(forward * mp.ncdf(d1) - strike * mp.ncdf(d2), 0)
            return Reference(Fraction(0), d * (strike - forward), dd * tau, 1, 1)
        tau = forward * mp.ncdf(-d1) + strike * mp.ncdf(d2)
        return Reference(d * forward, d * strike, dd * tau, -1, -1)


def error_bound(forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> Fraction:
    """The documented bound on |price - true| of call_put's outputs (wei): D err + 1/2 (rounding)."""
    if sigma_sqrt_t == 0:
        return Fraction(1, 2)
    err = Fraction(C.B76_ERR_FORWARD * forward + C.B76_ERR_STRIKE * strike, W) + C.B76_ERR_WEI
    return Fraction(discount, W) * err + Fraction(1, 2)
