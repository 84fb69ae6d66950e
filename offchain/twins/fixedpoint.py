"""Signed wad (1e18) fixed-point math: the exact twin of ``contracts/libraries/FixedPointMath.sol``.

Every function returns the integer its Solidity twin returns and raises the exception its twin
reverts with (same name, same arguments), for every int256 input. Functions come in the same order
as in the Solidity file and perform the same integer operations; where Python has an exact
primitive for a step whose result is uniquely defined (``int.bit_length`` for the most significant
bit, ``math.isqrt`` for the integer square root), it uses it, since both sides then agree by
definition.

Rounding: ``*Down`` rounds toward negative infinity, ``*Up`` toward positive infinity, so a caller
rounds liabilities up and assets down by choosing the name. The transcendental functions state
their error bound against the true real value; see each docstring.

Inputs are int256 (as on chain); Python floats never enter this module.
"""

from __future__ import annotations

from math import isqrt

from offchain.twins.constants import (
    CDF_CUTOFF,
    CDF_P0_X96,
    CDF_P1_X96,
    CDF_P2_X96,
    CDF_P3_X96,
    CDF_P4_X96,
    CDF_P5_X96,
    CDF_P6_X96,
    CDF_P7_X96,
    CDF_Q0_X96,
    CDF_Q1_X96,
    CDF_Q2_X96,
    CDF_Q3_X96,
    CDF_Q4_X96,
    CDF_Q5_X96,
    CDF_Q6_X96,
    CDF_Q7_X96,
    CDF_Q8_X96,
    EXP_E0_X96,
    EXP_E1_X96,
    EXP_E2_X96,
    EXP_E3_X96,
    EXP_MAX_INPUT,
    EXP_O0_X96,
    EXP_O1_X96,
    EXP_O2_X96,
    EXP_SCALE,
    EXP_ZERO_INPUT,
    INV_LN2_X96,
    INV_SQRT_2PI_WAD,
    LN2_X96,
    LN_P0_X96,
    LN_P1_X96,
    LN_P2_X96,
    LN_P3_X96,
    LN_P4_X96,
    LN_Q0_X96,
    LN_Q1_X96,
    LN_Q2_X96,
    LN_Q3_X96,
    LN_Q4_X96,
    LN_WAD_X96,
    POW5_18,
    SQRT2_X96,
    SQRT_WAD,
    WAD,
    WAD_SCALE_MAX,
)
from offchain.twins.errors import (
    GM_DivWadByZero,
    GM_DivWadOverflow,
    GM_ExpOverflow,
    GM_LnUndefined,
    GM_MulWadOverflow,
    GM_SqrtUndefined,
)
from offchain.twins.intmath import INT256_MAX, INT256_MIN, sdiv

__all__ = [
    "mul_wad_down",
    "mul_wad_up",
    "div_wad_down",
    "div_wad_up",
    "exp_wad",
    "ln_wad",
    "sqrt_wad",
    "norm_cdf_wad",
    "norm_pdf_wad",
    "exp_q96",
]


def mul_wad_down(x: int, y: int) -> int:
    """x * y / 1e18, rounded toward -inf. Exact. Raises GM_MulWadOverflow if x * y overflows int256."""
    return _mul_checked(x, y) // WAD


def mul_wad_up(x: int, y: int) -> int:
    """x * y / 1e18, rounded toward +inf. Exact. Raises GM_MulWadOverflow if x * y overflows int256."""
    return -(-_mul_checked(x, y) // WAD)


def div_wad_down(x: int, y: int) -> int:
    """x * 1e18 / y, rounded toward -inf. Exact.

    Raises GM_DivWadByZero(x) if y == 0, else GM_DivWadOverflow(x, y) if x * 1e18 overflows int256.
    """
    return _scaled_numerator(x, y) // y


def div_wad_up(x: int, y: int) -> int:
    """x * 1e18 / y, rounded toward +inf. Exact. Errors as :func:`div_wad_down`."""
    return -(-_scaled_numerator(x, y) // y)


def exp_wad(x: int) -> int:
    """e^(x / 1e18) * 1e18.

    Domain: x <= EXP_MAX_INPUT (~135.3e18), else GM_ExpOverflow(x); 0 for x < EXP_ZERO_INPUT (-42e18).
    Error: between 1 wei + 2e-19 relative below and 2e-19 relative above the true value
    (approximation, then truncation).
    Method: see :func:`exp_q96`.
    """
    if x < EXP_ZERO_INPUT:
        return 0
    if x > EXP_MAX_INPUT:
        raise GM_ExpOverflow(x)
    return exp_q96(sdiv(x << 78, POW5_18))


def ln_wad(x: int) -> int:
    """ln(x / 1e18) * 1e18.

    Domain: x > 0, else GM_LnUndefined(x). Error: within 1.1 wei below and 0.1 wei above the true
    value (approximation error < 0.05 wei, then truncation toward -inf).
    Method: x = m 2^e with m in [1/sqrt2, sqrt2) in Q96, ln m = 2 atanh(s), s = (m - 1)/(m + 1),
    atanh(s)/s by the [4/4] Padé approximant in s^2.
    """
    if x <= 0:
        raise GM_LnUndefined(x)
    e = _log2(x)
    m = x << (96 - e) if e < 96 else x >> (e - 96)
    big = 1 if m > SQRT2_X96 else 0
    centre = 1 << (96 + big)
    s = sdiv((m - centre) << 96, m + centre)
    z = (s * s) >> 96
    num = LN_P0_X96 + (
        (z * (LN_P1_X96 + ((z * (LN_P2_X96 + ((z * (LN_P3_X96 + ((z * LN_P4_X96) >> 96))) >> 96))) >> 96))) >> 96
    )
    den = LN_Q0_X96 + (
        (z * (LN_Q1_X96 + ((z * (LN_Q2_X96 + ((z * (LN_Q3_X96 + ((z * LN_Q4_X96) >> 96))) >> 96))) >> 96))) >> 96
    )
    ln96 = (e + big) * LN2_X96 + 2 * sdiv(s * num, den) - LN_WAD_X96
    return (ln96 * POW5_18) >> 78


def sqrt_wad(x: int) -> int:
    """sqrt(x / 1e18) * 1e18 = sqrt(x * 1e18).

    Domain: x >= 0, else GM_SqrtUndefined(x). Rounding: exactly down for x <= WAD_SCALE_MAX
    (= WAD_SCALE_MAX, ~5.79e58); above it, one Newton step from isqrt(x) * 1e9, within 1 wei of the true value.
    """
    if x < 0:
        raise GM_SqrtUndefined(x)
    if x <= WAD_SCALE_MAX:
        return _sqrt(x * WAD)
    root = _sqrt(x)
    return root * SQRT_WAD + (x - root * root) * SQRT_WAD // root // 2


def norm_cdf_wad(x: int) -> int:
    """Standard normal CDF Phi(x / 1e18) * 1e18.

    Total: 0 for x <= -9.5e18, 1e18 for x >= 9.5e18. Error: within 2 wei of the true value.
    Phi(-t) = e^(-t^2/2) P(t) / Q(t), a [7/8] rational fitted for this library (weighted error
    < 1e-19); the lower tail is truncated and the upper half is 1e18 minus it.
    """
    if x <= -CDF_CUTOFF:
        return 0
    if x >= CDF_CUTOFF:
        return WAD
    if x < 0:
        return _norm_tail(-x)
    return WAD - _norm_tail(x)


def norm_pdf_wad(x: int) -> int:
    """Standard normal density e^(-x^2/2) / sqrt(2 pi) in wad.

    Total: 0 for |x| >= 9.5e18 (true value < 2.1e-20). Error: within 2 wei of the true value.
    """
    if x <= -CDF_CUTOFF or x >= CDF_CUTOFF:
        return 0
    return mul_wad_down(exp_wad(-sdiv(x * x, 2 * WAD)), INV_SQRT_2PI_WAD)


def exp_q96(x96: int) -> int:
    """e^(x96 / 2^96) * 1e18: :func:`exp_wad`'s core, for callers holding the exponent in Q96
    (:func:`norm_cdf_wad` passes -x^2/2 without a round trip through wad).

    No domain check: the caller keeps x96 within exp_wad's domain (EXP_ZERO_INPUT..EXP_MAX_INPUT in
    Q96). Error as exp_wad. Method: x = k ln2 + r with |r| <= ln2/2; e^r by the [6/6] Padé
    approximant (E(r^2) + r O(r^2)) / (E(r^2) - r O(r^2)); one shift applies 2^k and 1e18 together.
    """
    k = (x96 * INV_LN2_X96 + (1 << 191)) >> 192
    r = x96 - k * LN2_X96
    z = (r * r) >> 96
    even = EXP_E0_X96 + ((z * (EXP_E1_X96 + ((z * (EXP_E2_X96 + ((z * EXP_E3_X96) >> 96))) >> 96))) >> 96)
    odd = (r * (EXP_O0_X96 + ((z * (EXP_O1_X96 + ((z * EXP_O2_X96) >> 96))) >> 96))) >> 96
    scaled = sdiv((even + odd) * EXP_SCALE, even - odd)
    if k >= 78:
        return scaled << (k - 78)
    return scaled >> (78 - k)


def _mul_checked(x: int, y: int) -> int:
    product = x * y
    if product < INT256_MIN or product > INT256_MAX:
        raise GM_MulWadOverflow(x, y)
    return product


def _scaled_numerator(x: int, y: int) -> int:
    if y == 0:
        raise GM_DivWadByZero(x)
    if x > WAD_SCALE_MAX or x < -WAD_SCALE_MAX:
        raise GM_DivWadOverflow(x, y)
    return x * WAD


def _norm_tail(t: int) -> int:
    """Phi(-t) in wad for 0 <= t < CDF_CUTOFF: e^(-t^2/2) P(t) / Q(t), truncated."""
    u = sdiv(t << 96, WAD)
    damp = exp_q96(-((u * u) >> 97))
    num = CDF_P7_X96
    for c in (CDF_P6_X96, CDF_P5_X96, CDF_P4_X96, CDF_P3_X96, CDF_P2_X96, CDF_P1_X96, CDF_P0_X96):
        num = c + ((u * num) >> 96)
    den = CDF_Q8_X96
    for c in (CDF_Q7_X96, CDF_Q6_X96, CDF_Q5_X96, CDF_Q4_X96, CDF_Q3_X96, CDF_Q2_X96, CDF_Q1_X96, CDF_Q0_X96):
        den = c + ((u * den) >> 96)
    return sdiv(damp * num, den)


def _log2(x: int) -> int:
    """floor(log2(x)) for x > 0 (the Solidity twin finds the most significant bit by bisection)."""
    return x.bit_length() - 1


def _sqrt(x: int) -> int:
    """floor(sqrt(x)) for x >= 0 (the Solidity twin runs Newton's iteration down to the floor)."""
    return isqrt(x)
