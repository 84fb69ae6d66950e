"""Black-76 call and put prices: the exact twin of ``contracts/libraries/Black76.sol``.

Every function returns the integers its Solidity twin returns and raises the exception its twin
reverts with (same name, same arguments). Functions come in the same order as in the Solidity file
(including its Yul helper ``_tailRatio``) and perform the same integer operations (``sdiv`` where
Solidity divides signed values; ``//`` only on non-negative operands, where it equals the EVM's
``div``). Floats never enter this module. docs/black76.md has the details.

Model (all values wad, 1e18 = 1.0): forward F, strike K, total standard deviation
s = sigma * sqrt(T), discount factor D. With x = ln(F/K), d1 = x/s + s/2, d2 = d1 - s:

    call = D (F N(d1) - K N(d2)),    put = call - D (F - K).

Method: N(d) = H(d) - sgn(d) T(|d|) with T(t) = Phi(-t) = e^(-t^2/2) R(t), R a [6/7] rational
fitted to R itself (the B76_R_* constants, |error| < 3.12e-14 on [0, 9.5]). Since
K e^(-d2^2/2) = F e^(-d1^2/2), both tails share one exponential E = e^(-d1^2/2):

    call = F H(d1) - K H(d2) + F E (sgn(d2) R(|d2|) - sgn(d1) R(|d1|))    (times D),

so a (strike, scenario) pair costs one exponential, two rationals and no logarithm when the caller
supplies x (``ln F`` per scenario minus ``ln K`` per strike), and prices the call and put together.

Error bound. For x within B76_LOG_MONEYNESS_TOLERANCE (4) wei of ln(F/K) (:func:`log_moneyness` is
within 1.2), the undiscounted call and put are each within

    err = 7.88e-14 F + 1e-17 K + 1 wei       (B76_ERR_FORWARD, B76_ERR_STRIKE, B76_ERR_WEI)

of the true Black-76 value (measured: below 0.78 err); :func:`call_put` adds 0.5 wei of rounding
after the discount and :func:`call_put_bounds` turns err into a guaranteed bracket.
"""

from __future__ import annotations

from offchain.twins.constants import (
    AMOUNT_MAX,
    B76_D_CUTOFF,
    B76_ERR_FORWARD,
    B76_ERR_STRIKE,
    B76_ERR_WEI,
    B76_EXP_E0_X96,
    B76_EXP_E1_X96,
    B76_EXP_E2_X96,
    B76_EXP_O0_X96,
    B76_EXP_O1_X96,
    B76_EXP_O2_X96,
    B76_LOG_MONEYNESS_MAX,
    B76_PRICE_MAX,
    B76_Q32_HALF_WAD,
    B76_Q32_WAD,
    B76_R_P0_X96,
    B76_R_P1_X160,
    B76_R_P2_X96,
    B76_R_P3_X160,
    B76_R_P4_X96,
    B76_R_P5_X160,
    B76_R_P6_X96,
    B76_R_Q0_X96,
    B76_R_Q1_X96,
    B76_R_Q2_X160,
    B76_R_Q3_X96,
    B76_R_Q4_X160,
    B76_R_Q5_X96,
    B76_R_Q6_X160,
    B76_R_Q7_X96,
    B76_SIGMA_SQRT_T_MAX,
    EXP_SCALE,
    INV_LN2_X96,
    LN2_X96,
    POW5_18,
    WAD,
)
from offchain.twins.errors import (
    GM_AmountOutOfRange,
    GM_DiscountOutOfRange,
    GM_ForwardOutOfRange,
    GM_LogMoneynessOutOfRange,
    GM_SeriesOutOfRange,
    GM_StrikeOutOfRange,
    GM_VolatilityOutOfRange,
)
from offchain.twins.fixedpoint import ln_wad
from offchain.twins.intmath import sdiv, wrap_int256

MODE_CALL, MODE_VALUE, MODE_BOUNDS = 2, 0, 1
"""_series_core modes: the first option's undiscounted call, the value sum, both sums."""

__all__ = [
    "log_moneyness",
    "call_put",
    "call_put_bounds",
    "position_value",
    "series_value",
    "series_bounds",
    "price",
    "price_bounds",
]


def log_moneyness(forward: int, strike: int) -> int:
    """ln(F/K) in wad, as ``ln_wad(F) - ln_wad(K)``: within 1.2 wei of the true value.

    The margin engine computes ``ln_wad`` of each scenario forward once and of each strike once and
    subtracts; this is that subtraction for one pair. Raises GM_ForwardOutOfRange(F) /
    GM_StrikeOutOfRange(K) outside [1, B76_PRICE_MAX].
    """
    _check_forward_strike(forward, strike)
    return ln_wad(forward) - ln_wad(strike)


def call_put(ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> tuple[int, int]:
    """(call, put) Black-76 prices in wad, rounded to nearest, given ln_fk = ln(F/K).

    Inputs: ln_fk in [-100e18, 100e18] (GM_LogMoneynessOutOfRange), forward and strike in
    [1, 1e36] (GM_ForwardOutOfRange, GM_StrikeOutOfRange), sigma_sqrt_t in [0, 100e18]
    (GM_VolatilityOutOfRange), discount in [1, 1e18] (GM_DiscountOutOfRange), checked in that order.
    sigma_sqrt_t == 0 gives the intrinsic values D max(F - K, 0), D max(K - F, 0) rounded to nearest.
    The undiscounted call is clamped into [max(F - K, 0), F] and the put is that call minus (F - K),
    so the results lie in [D max(F-K, 0), D F] and [D max(K-F, 0), D K] (rounded to nearest) and
    call - put is D (F - K) to within 1 wei. Error: D * err (module docstring) + 0.5 wei.
    """
    call_q = _call_q32(ln_fk, forward, strike, sigma_sqrt_t, discount)
    parity = (forward - strike) << 32
    call_q = min(max(call_q, max(parity, 0)), forward << 32)
    return (
        (discount * call_q + B76_Q32_HALF_WAD) // B76_Q32_WAD,
        (discount * (call_q - parity) + B76_Q32_HALF_WAD) // B76_Q32_WAD,
    )


def call_put_bounds(
    ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int
) -> tuple[int, int, int, int]:
    """(call_low, call_high, put_low, put_high): integers bracketing the true Black-76 prices.

    Inputs and errors as :func:`call_put`. Guarantee, when ln_fk is within
    B76_LOG_MONEYNESS_TOLERANCE wei of ln(F/K): call_low <= call <= call_high and
    put_low <= put <= put_high, with floor(D max(F - K, 0)) <= call_low, call_high <= ceil(D F),
    floor(D max(K - F, 0)) <= put_low, put_high <= ceil(D K) (D x means D x / 1e18). Value long
    positions at the low end and short positions at the high end. The undiscounted call c, clamped
    into its no-arbitrage interval [max(F - K, 0), F] (which contains the true value), is widened
    to [c - err, c + err] (err = 0 when sigma_sqrt_t == 0), clamped again, and discounted rounding
    outward; the put band is the call band minus (F - K) (parity is exact before the discount).
    """
    call_q = _call_q32(ln_fk, forward, strike, sigma_sqrt_t, discount)
    parity = (forward - strike) << 32
    lowest = max(parity, 0)
    cap = forward << 32
    call_q = min(max(call_q, lowest), cap)
    err = 0
    if sigma_sqrt_t != 0:
        err = ((forward * B76_ERR_FORWARD + strike * B76_ERR_STRIKE) << 32) // WAD + (B76_ERR_WEI << 32)
    low = max(call_q - err, lowest)
    high = min(call_q + err, cap)
    up = B76_Q32_WAD - 1
    return (
        discount * low // B76_Q32_WAD,
        (discount * high + up) // B76_Q32_WAD,
        discount * (low - parity) // B76_Q32_WAD,
        (discount * (high - parity) + up) // B76_Q32_WAD,
    )


def position_value(
    ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int, is_call: bool, size: int
) -> int:
    """Value of ``size`` units of the option at the bracket end against the holder, rounded down:
    floor(size * end / 1e18) with ``end`` the low end for a long (size > 0), the high end for a
    short, as :func:`call_put_bounds` computes it. Inputs and errors as :func:`call_put_bounds`,
    then |size| <= AMOUNT_MAX, else GM_AmountOutOfRange(size). :func:`series_value` of a one-option
    series."""
    return series_value([strike, 0, size, 1 if is_call else 0], 0, 1, ln_fk, forward, sigma_sqrt_t, discount)


def series_value(
    series: list[int], start: int, end: int, ln_forward: int, forward: int, sigma_sqrt_t: int, discount: int
) -> int:
    """Value of options [start, end) of ``series`` (4 ints per option: strike, ln_wad(strike), size,
    is_call), all at one forward, sigma * sqrt(T) and discount: floor(sum of size_i * end_i / 1e18),
    end_i the bracket end against the holder that :func:`position_value` uses.

    Option i's ln(F/K) is ln_forward - ln_strike wrapped to int256. Raises the error the first
    failing option's position_value raises (forward, sigma_sqrt_t and discount checked once, for the
    first option); GM_SeriesOutOfRange(start, end, len(series)) unless end <= len(series) // 4; 0 when
    start >= end.
    """
    return _series_values(series, start, end, ln_forward, forward, sigma_sqrt_t, discount, MODE_VALUE)[0]


def series_bounds(
    series: list[int], start: int, end: int, ln_forward: int, forward: int, sigma_sqrt_t: int, discount: int
) -> tuple[int, int]:
    """(low, high): :func:`series_value`, and the options valued at the opposite bracket ends for the
    holder, rounded up: ceil(sum of size_i * end'_i / 1e18), end'_i the end position_value uses for
    -size_i. One Black-76 evaluation each; inputs and errors as series_value."""
    return _series_values(series, start, end, ln_forward, forward, sigma_sqrt_t, discount, MODE_BOUNDS)


def price(forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> tuple[int, int]:
    """:func:`call_put` with ln(F/K) from :func:`log_moneyness` (two logarithms more)."""
    return call_put(log_moneyness(forward, strike), forward, strike, sigma_sqrt_t, discount)


def price_bounds(forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> tuple[int, int, int, int]:
    """:func:`call_put_bounds` with ln(F/K) from :func:`log_moneyness` (within 1.2 wei: the bracket holds)."""
    return call_put_bounds(log_moneyness(forward, strike), forward, strike, sigma_sqrt_t, discount)


def _check_forward_strike(forward: int, strike: int) -> None:
    if not 0 < forward <= B76_PRICE_MAX:
        raise GM_ForwardOutOfRange(forward)
    if not 0 < strike <= B76_PRICE_MAX:
        raise GM_StrikeOutOfRange(strike)


def _series_values(
    series: list[int], start: int, end: int, ln_forward: int, forward: int, sigma_sqrt_t: int, discount: int, mode: int
) -> tuple[int, int]:
    """series_value (MODE_VALUE) or series_bounds (MODE_BOUNDS; else high is 0)."""
    if end > len(series) // 4:
        raise GM_SeriesOutOfRange(start, end, len(series))
    if start >= end:
        return 0, 0
    low, high, failed = _series_core(series, 4 * start, 4 * end, ln_forward, forward, sigma_sqrt_t, discount, mode)
    if failed is not None:
        _revert_option(series, failed, ln_forward, forward, sigma_sqrt_t, discount)
    return low // WAD, -(-high // WAD)


def _revert_option(series: list[int], at: int, ln_forward: int, forward: int, sigma_sqrt_t: int, discount: int) -> None:
    """Raise as position_value would for the option at ``series[at:at + 4]``."""
    ln_fk = wrap_int256(ln_forward - series[at + 1])
    _revert_invalid_input(ln_fk, forward, series[at], sigma_sqrt_t, discount, series[at + 2])


def _revert_invalid_input(ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int, size: int) -> None:
    """Raise the first failing range check, in parameter order, then |size| <= AMOUNT_MAX (called
    once one of them failed; size 0 when there is none to check)."""
    if not -B76_LOG_MONEYNESS_MAX <= ln_fk <= B76_LOG_MONEYNESS_MAX:
        raise GM_LogMoneynessOutOfRange(ln_fk)
    _check_forward_strike(forward, strike)
    if not 0 <= sigma_sqrt_t <= B76_SIGMA_SQRT_T_MAX:
        raise GM_VolatilityOutOfRange(sigma_sqrt_t)
    if not 0 < discount <= WAD:
        raise GM_DiscountOutOfRange(discount)
    raise GM_AmountOutOfRange(size)


def _call_q32(ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int) -> int:
    """Check the inputs (raising as :func:`call_put` documents), then the undiscounted call in Q32
    wei: :func:`_series_core` on a one-option series in MODE_CALL. (The Solidity twin tests the
    five ranges at once, branch-free, before calling the reverter.)"""
    in_range = (
        -B76_LOG_MONEYNESS_MAX <= ln_fk <= B76_LOG_MONEYNESS_MAX
        and 0 < forward <= B76_PRICE_MAX
        and 0 < strike <= B76_PRICE_MAX
        and 0 <= sigma_sqrt_t <= B76_SIGMA_SQRT_T_MAX
        and 0 < discount <= WAD
    )
    if not in_range:
        _revert_invalid_input(ln_fk, forward, strike, sigma_sqrt_t, discount, 0)
    return _series_core([strike, 0, 0, 0], 0, 4, ln_fk, forward, sigma_sqrt_t, discount, MODE_CALL)[0]


def _series_core(
    series: list[int], at: int, last: int, ln_forward: int, forward: int, sigma_sqrt_t: int, discount: int, mode: int
) -> tuple[int, int, int | None]:
    """The loop over options series[at:last] (4 ints each, at < last): the shared terms (forward,
    sigma_sqrt_t, discount) checked once, then per option its own range checks (ln_fk, strike, size);
    on a failure it stops with ``failed`` = the index of the option whose position_value would raise
    (the first one for a shared term), else None. Per option the undiscounted call c (Q32 wei,
    :func:`_undiscounted_call`), and MODE_CALL: low = c of the first option; MODE_VALUE / MODE_BOUNDS:
    low = sum of size * (the end against the holder), for MODE_BOUNDS high = sum of size * (the end
    against a holder of -size), in wei * wad."""
    if not (0 < forward <= B76_PRICE_MAX and 0 <= sigma_sqrt_t <= B76_SIGMA_SQRT_T_MAX and 0 < discount <= WAD):
        return 0, 0, at
    low = high = 0
    for i in range(at, last, 4):
        strike, size = series[i], series[i + 2]
        ln_fk = ln_forward - series[i + 1]
        if not -B76_LOG_MONEYNESS_MAX <= ln_fk <= B76_LOG_MONEYNESS_MAX:
            ln_fk = wrap_int256(ln_fk)
        if not (
            -B76_LOG_MONEYNESS_MAX <= ln_fk <= B76_LOG_MONEYNESS_MAX
            and 0 < strike <= B76_PRICE_MAX
            and -AMOUNT_MAX <= size <= AMOUNT_MAX
        ):
            return low, high, i
        call_q = _undiscounted_call(ln_fk, forward, strike, sigma_sqrt_t)
        if mode == MODE_CALL:
            return call_q, high, None
        is_put = 0 if series[i + 3] else 1
        low += _band_term(call_q, forward, strike, sigma_sqrt_t, discount, is_put, size)
        if mode == MODE_BOUNDS:
            high -= _band_term(call_q, forward, strike, sigma_sqrt_t, discount, is_put, -size)
    return low, high, None


def _damping(u: int) -> int:
    """E = e^(-t^2/2) in wad for t = u / 2^96 in [0, CDF_CUTOFF): -t^2/2 = k ln2 + r with |r| <= ln2/2,
    e^r by the [5/5] Padé approximant (relative error < 8.7e-16), then 2^k (k in [-66, 0]) and 1e18
    in one shift."""
    x96 = -((u * u) >> 97)
    k = (x96 * INV_LN2_X96 + (1 << 191)) >> 192
    r = x96 - k * LN2_X96
    z = (r * r) >> 96
    even = B76_EXP_E0_X96 + ((z * (B76_EXP_E1_X96 + ((z * B76_EXP_E2_X96) >> 96))) >> 96)
    odd = (r * (B76_EXP_O0_X96 + ((z * (B76_EXP_O1_X96 + ((z * B76_EXP_O2_X96) >> 96))) >> 96))) >> 96
    return (even + odd) * EXP_SCALE // (even - odd) >> (78 - k)  # both positive: // is sdiv


def _tail_ratio(v: int) -> int:
    """R(t) = Phi(-t) e^(t^2/2) ~ P(t) / Q(t) in Q64 for t = v / 2^96 in [0, CDF_CUTOFF): the [6/7]
    rational fitted to R itself (scripts/fits/tail_ratio.json, |error| < 3.2e-14), Horner in
    t = w / 2^64 two steps per shift: h <- C_j + (w (C_(j+1) 2^64 + w h)) >> 128. (Written out: this
    is the exact engine's innermost loop.)"""
    w = v >> 32
    num = B76_R_P4_X96 + ((w * (B76_R_P5_X160 + w * B76_R_P6_X96)) >> 128)
    num = B76_R_P2_X96 + ((w * (B76_R_P3_X160 + w * num)) >> 128)
    num = B76_R_P0_X96 + ((w * (B76_R_P1_X160 + w * num)) >> 128)
    den = B76_R_Q5_X96 + ((w * (B76_R_Q6_X160 + w * B76_R_Q7_X96)) >> 128)
    den = B76_R_Q3_X96 + ((w * (B76_R_Q4_X160 + w * den)) >> 128)
    den = B76_R_Q1_X96 + ((w * (B76_R_Q2_X160 + w * den)) >> 128)
    den = B76_R_Q0_X96 + ((w * den) >> 64)
    return (num << 64) // den


def _undiscounted_call(ln_fk: int, forward: int, strike: int, sigma_sqrt_t: int) -> int:
    """The undiscounted call in Q32 wei (wei * 2^32) for inputs the caller checked, unclamped.

    d1, d2 in wad * 2^78 units: q = x / s up to 2^-78 wei, h = s / 2 exactly, so d1 - d2 = s and
    (d1^2 - d2^2) / 2 = x up to s * 1e-18 * 2^-78. With E = e^(-d1^2/2) (wad) and R in Q64:

        d2 >= 0:       call = F - K + F E max(R(d2) - R(d1), 0)     (the last term is the put)
        d1 >= 0 > d2:  call = F - F E (R(d1) + R(|d2|))
        d1 < 0:        call = F E max(R(|d1|) - R(|d2|), 0)

    A d with |d| >= CDF_CUTOFF contributes no R (its tail is below 1.1e-21 of its prefactor); when
    |d1| >= CDF_CUTOFF there is no tail term at all (E < 2.5e-20: both tails below 1.3e-20 F), nor
    when E truncates to 0 wei (both tails below 1e-18 F, inside E's error).
    """
    if sigma_sqrt_t == 0:
        return max((forward - strike) << 32, 0)
    q = sdiv((ln_fk * WAD) << 78, sigma_sqrt_t) if ln_fk < 0 else ((ln_fk * WAD) << 78) // sigma_sqrt_t  # s > 0
    h = sigma_sqrt_t << 77
    d1 = q + h
    d2 = q - h
    u = abs(d1)
    damp = 0
    if u < B76_D_CUTOFF:
        u //= POW5_18  # |d1| in Q96 (wad * 2^78 / 5^18 = 2^96)
        damp = _damping(u)
    # F E r (r in Q64) < 1e36 * 1e18 * 2^64; / (1e18 * 2^32) is Q32 wei.
    if d2 >= 0:
        call_q = (forward - strike) << 32
        if damp:  # 0 <= d2 <= d1 < cutoff
            r = _tail_ratio(d2 // POW5_18) - _tail_ratio(u)
            if r > 0:
                call_q += forward * damp * r // B76_Q32_WAD
        return call_q
    rb = 0
    if damp and -d2 < B76_D_CUTOFF:
        rb = _tail_ratio(-d2 // POW5_18)
    if d1 >= 0:
        call_q = forward << 32
        if damp:
            call_q -= forward * damp * (_tail_ratio(u) + rb) // B76_Q32_WAD
        return call_q
    call_q = 0
    if damp:
        r = _tail_ratio(u) - rb
        if r > 0:
            call_q = forward * damp * r // B76_Q32_WAD
    return call_q


def _band_term(call_q: int, forward: int, strike: int, sigma_sqrt_t: int, discount: int, is_put: int, size: int) -> int:
    """size * (the bracket end against a holder of ``size``), wei * wad: a long's low end
    max(min(c, F) - err, max(F - K, 0)), a short's high end min(max(c, max(F - K, 0)) + err, F)
    (Q32 wei), minus F - K for a put, discounted rounding outward."""
    parity = (forward - strike) << 32
    lowest = parity if parity > 0 else 0
    err = (
        ((forward * B76_ERR_FORWARD + strike * B76_ERR_STRIKE) << 32) // WAD + (B76_ERR_WEI << 32)
        if sigma_sqrt_t
        else 0
    )
    shift = parity * is_put
    if size > 0:
        band = max(min(call_q, forward << 32) - err, lowest)
        return size * (discount * (band - shift) // B76_Q32_WAD)
    band = min(max(call_q, lowest) + err, forward << 32)
    return size * ((discount * (band - shift) + B76_Q32_WAD - 1) // B76_Q32_WAD)
